"""Imports of a package that ``update --set import_name=...`` renamed: find the user's
files that still import the old name, and (``--rewrite-imports``) rewrite them.

The template's own files come out of the update with the new name; the user's code
does not: ``from sound.core import hello`` still names ``sound``, which is gone. Every
Python file of the project is read (its content after the update: moved, merged),
except virtual environments, build outputs, caches and hidden folders.

The rewrite uses libcst, so everything but the names changes nothing: comments,
quotes, line breaks and the rest of each file stay as they were. ``from sound.x import
y`` becomes ``from noise.x import y``; ``import sound.x`` binds ``sound``, so the names
that use that binding (``sound.x.y()``) are renamed with it, found by libcst's scope
analysis. An import is left as it is, and listed, when the rename would change what
a name means: the new name is already bound in that scope, or a use of the old name
may also mean something else. Relative imports never name the package: they stay.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["StaleImport", "imports_of", "python_files", "rewrite_imports"]

# Never the user's code: caches, tools' and packaging outputs, wherever they are.
_SKIP_DIRS = frozenset({"__pycache__", "__pypackages__", "node_modules", "site-packages"})
# Build outputs and virtual environments at the project's root.
_ROOT_SKIP_DIRS = frozenset({"build", "dist", "env", "venv"})


@dataclass(frozen=True)
class StaleImport:
    """An import of the old package name in a user's file."""

    path: str
    """Relative to the project, POSIX style."""
    line: int
    statement: str
    """The import statement as written, on one line."""
    why: str = ""
    """Why ``--rewrite-imports`` left it (empty when it was not asked to rewrite)."""


def python_files(project_dir: Path) -> list[str]:
    """Every ``.py`` file of the project (relative POSIX paths), sorted, without
    virtual environments (a folder with ``pyvenv.cfg``), build outputs, caches and
    hidden folders."""
    return sorted(_python_files(project_dir))


def _python_files(project_dir: Path) -> Iterator[str]:
    for folder, dirs, files in os.walk(project_dir):
        here = Path(folder)
        at_root = here == project_dir
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith(".")
            and name not in _SKIP_DIRS
            and not name.endswith((".egg-info", ".dist-info"))
            and not (at_root and name in _ROOT_SKIP_DIRS)
            and not (here / name / "pyvenv.cfg").is_file()
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield (here / name).relative_to(project_dir).as_posix()


def imports_of(path: str, source: bytes, old: str) -> list[StaleImport]:
    """The imports of ``old`` (or a module below it) in ``source``."""
    parsed = _parse(source)
    if parsed is None:
        return _unreadable(path, source, old)
    finder = _Finder(old)
    parsed.visit(finder)
    return [_stale(path, parsed, node) for node in finder.found]


def rewrite_imports(
    path: str, source: bytes, old: str, new: str
) -> tuple[bytes | None, list[StaleImport]]:
    """``source`` with its imports of ``old`` naming ``new`` instead (None when nothing
    changed), and the imports left as they were, each with the reason."""
    parsed = _parse(source)
    if parsed is None:
        why = "the file does not parse"
        return None, [
            StaleImport(s.path, s.line, s.statement, why) for s in _unreadable(path, source, old)
        ]
    finder = _Finder(old)
    parsed.visit(finder)
    if not finder.found:
        return None, []
    scopes = parsed.resolve(ScopeProvider)
    binding = [node for node in finder.found if isinstance(node, cst.Import) and _binds(node, old)]
    ours = {
        a
        for node in binding
        for a in getattr(scopes[node], "assignments", ())
        if _node_of(a) is node
    }
    renames: set[cst.Name] = set()
    skipped: set[cst.CSTNode] = set()
    left: list[StaleImport] = []
    for node in binding:
        scope = scopes[node]
        why = (
            _uses(node, scope, ours, new, renames)
            if scope is not None
            else "pkgforge cannot tell what the name it binds means"
        )
        if why:
            skipped.add(node)
            left.append(_stale(path, parsed, node, why=why))
    changed = parsed.module.visit(_Rewriter(old, new, renames, skipped))
    text = changed.code.encode(parsed.module.encoding or "utf-8")
    return (text if text != source else None), left


def _parse(source: bytes) -> MetadataWrapper | None:
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError, ValueError):
        return None
    return MetadataWrapper(module, unsafe_skip_copy=True)


def _unreadable(path: str, source: bytes, old: str) -> list[StaleImport]:
    """A file libcst cannot parse: its lines that look like an import of ``old``."""
    found = []
    text = source.decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.strip().replace(",", " ").split()
        if len(words) > 1 and words[0] in {"import", "from"} and _names(words[1], old):
            found.append(StaleImport(path, number, line.strip()))
    return found


def _names(dotted: str, old: str) -> bool:
    return dotted == old or dotted.startswith(f"{old}.")


def _dotted(node: cst.CSTNode) -> str:
    return get_full_name_for_node(node) or ""


def _binds(node: cst.Import, old: str) -> bool:
    """Whether ``import old...`` binds the name ``old`` (no ``as``)."""
    return any(a.asname is None and _names(_dotted(a.name), old) for a in node.names)


def _node_of(assignment: Any) -> object:
    return getattr(assignment, "node", None)


def _stale(path: str, parsed: MetadataWrapper, node: cst.CSTNode, *, why: str = "") -> StaleImport:
    line = parsed.resolve(PositionProvider)[node].start.line
    return StaleImport(path, line, _statement(node), why)


def _statement(node: cst.CSTNode) -> str:
    """The statement on one line, without its comments and parentheses."""
    if isinstance(node, cst.ImportFrom):
        names = (
            "*"
            if isinstance(node.names, cst.ImportStar)
            else ", ".join(_alias(alias) for alias in node.names)
        )
        return f"from {_dotted(node.module) if node.module else ''} import {names}"
    if isinstance(node, cst.Import):
        return "import " + ", ".join(_alias(alias) for alias in node.names)
    return ""


def _alias(alias: cst.ImportAlias) -> str:
    name = _dotted(alias.name)
    asname = alias.asname.name if alias.asname is not None else None
    return f"{name} as {_dotted(asname)}" if asname is not None else name


def _uses(node: cst.Import, scope: Any, ours: set[Any], new: str, renames: set[cst.Name]) -> str:
    """Add to ``renames`` the names that use what ``node`` binds; return why it cannot be
    rewritten, or "" when it can."""
    if new in scope:
        return f"the name {new} is already bound there"
    found: set[cst.Name] = set()
    for assignment in (a for a in scope.assignments if _node_of(a) is node):
        for access in assignment.references:
            if any(referent not in ours for referent in access.referents):
                return "a use of the name it binds may also mean something else"
            leftmost = access.node
            while isinstance(leftmost, cst.Attribute):
                leftmost = leftmost.value
            if isinstance(leftmost, cst.Name):
                found.add(leftmost)
    renames |= found
    return ""


class _Finder(cst.CSTVisitor):
    """Collects the statements that import ``old`` or a module below it."""

    def __init__(self, old: str) -> None:
        super().__init__()
        self.old = old
        self.found: list[cst.Import | cst.ImportFrom] = []

    def visit_Import(self, node: cst.Import) -> None:
        if any(_names(_dotted(alias.name), self.old) for alias in node.names):
            self.found.append(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not node.relative and node.module is not None and _names(_dotted(node.module), self.old):
            self.found.append(node)


class _Rewriter(cst.CSTTransformer):
    """Names ``new`` where the imports name ``old``, and renames the uses in ``renames``."""

    def __init__(
        self, old: str, new: str, renames: set[cst.Name], skipped: set[cst.CSTNode]
    ) -> None:
        super().__init__()
        self.old, self.new = old, new
        self.renames, self.skipped = renames, skipped

    def _renamed(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        dotted = _dotted(expression)
        if not _names(dotted, self.old):
            return expression
        return cst.parse_expression(self.new + dotted[len(self.old) :])

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        if original in self.skipped:
            return updated
        names = [alias.with_changes(name=self._renamed(alias.name)) for alias in updated.names]
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if original.relative or updated.module is None:
            return updated
        return updated.with_changes(module=self._renamed(updated.module))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return updated.with_changes(value=self.new) if original in self.renames else updated
