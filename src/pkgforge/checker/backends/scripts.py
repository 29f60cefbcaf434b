"""What a build script in the project (a hatch custom hook, pdm_build.py, poetry's build
script) may write: the names its own text gives.

A script that writes a module names it, or names the folder it writes into: its string
literals (``"src/pkg/_version.py"``, ``os.path.join("pkg", "gen")``) hold the words. So
the blind spot of a readable script stays local (DESIGN.md): where its strings name every
``.py`` file they write (``_version.py``, never a computed ``f"{name}.py"``), it may create
just those; otherwise a module whose name or whose package's name its strings hold; not
every module of the project. A script pkgforge cannot bound (unreadable, a glob, a
subprocess, or a local helper module whose writes it does not read) may create any module.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

__all__ = ["ScriptWrites", "script_writes"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PY_FILE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)?\.py\b")
# what runs code pkgforge does not read: another program, or a shell
_RUNS_PROGRAMS = frozenset({"subprocess", "os.system", "os.popen", "os.exec", "os.spawn"})


class ScriptWrites(NamedTuple):
    """What a readable build script may write."""

    why: str
    """The script, for messages (``the hatch build hook 'custom'``)."""
    words: frozenset[str]
    """The words of its string literals."""
    files: frozenset[str] | None
    """The stems of the ``.py`` files its strings name, when they name each one they write
    (no ``.py`` is computed); None otherwise."""

    def may_create(self, dotted: str, package: str) -> str | None:
        """The word that lets the script create the module ``dotted`` of the project package
        ``package``; None when its text proves it does not."""
        stem = dotted.rpartition(".")[2]
        if self.files is not None:
            return f"{stem}.py" if stem in self.files else None
        for word in (stem, package.rpartition(".")[2]):
            if word in self.words:
                return word
        return None


def script_writes(why: str, text: str | None, local_modules: frozenset[str]) -> ScriptWrites | None:
    """What the script ``text`` may write; None when it may write modules whose names it
    does not hold (see the module docstring). ``local_modules``: the project root's own
    module names (a helper the script imports)."""
    if text is None:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    words: set[str] = set()
    files: set[str] | None = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "*" in node.value:
                return None  # a glob: the names come from the tree
            words.update(_WORD.findall(node.value))
            for match in _PY_FILE.finditer(node.value):
                before = node.value[match.start() - 1 : match.start()]
                if match.group(1) is None or before in {"%", "{", "}"}:
                    files = None  # `name + ".py"`, `f"{name}.py"`, `"%s.py"`: computed
                elif files is not None:
                    files.add(match.group(1))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            if isinstance(node, ast.ImportFrom) and node.level:
                return None  # a helper beside the script
            for name in names:
                top = name.partition(".")[0]
                if top in local_modules or top == "subprocess":
                    return None
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            dotted = f"{node.value.id}.{node.attr}"
            if any(dotted.startswith(prefix) for prefix in _RUNS_PROGRAMS):
                return None
    return ScriptWrites(why, frozenset(words), frozenset(files) if files else None)
