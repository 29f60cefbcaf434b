"""meson-python: the Python packages meson.build installs, and the modules it builds.

A light reading of the literal arguments (no meson evaluation): follow
``subdir('x')`` from the root meson.build, and collect the top-level package of
every ``py.install_sources(..., subdir: 'pkg/sub')`` and of every
``install_subdir('pkg', install_dir: py.get_install_dir() ...)``. When none is
literal, the package named like the project with an ``__init__.py`` is taken.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.mounts import Decision, installed_mounts, project_name

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "meson_packages", "ships"]

SETTING = "meson.build's `py.install_sources(..., subdir: ...)`"
"""Where this backend's configuration says what ships (PF105's hint)."""

_MAX_FILES = 400
_SUBDIR_CALL = re.compile(r"(?<![\w.])subdir\(\s*'([^']+)'\s*\)")
_INSTALL_SOURCES = re.compile(r"\binstall_sources\s*\(")
_INSTALL_SUBDIR = re.compile(r"(?<![\w.])install_subdir\s*\(")
_FIRST_STRING = re.compile(r"\s*'([^']+)'\s*,")
# install_dir: py.get_install_dir(), optionally (subdir: 'a/b') and / 'c/d': site-packages.
_PY_INSTALL_DIR = re.compile(
    r"install_dir\s*:\s*\w+\.get_install_dir\(\s*(?:subdir\s*:\s*'([^']*)'\s*,?\s*)?\)"
    r"\s*(?:/\s*'([^']*)'\s*)?[,)]"
)
_STRIP = re.compile(r"strip_directory\s*:\s*true")
_PY_FILE = re.compile(r"'([^']+\.pyi?)'")
# Folders of build helpers inside a package that meson runs but does not install
# (numpy's and scipy's _build_utils), unless an install names them.
_BUILD_TOOL_DIRS = ("_build_utils", "_build_tools", "build_utils", "build_tools")
_SUBDIR_KWARG = re.compile(r"\bsubdir\s*:\s*'([^']*)'")
_PROJECT = re.compile(r"(?<![\w.])project\(\s*'([^']+)'")
_COMMENT = re.compile(r"#[^\n]*")


_Found = tuple[tuple[list[tuple[str, str]], list[str]], str] | None


def ships(
    root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None = None
) -> Decision | None:
    found = meson_packages(root, project_name(pyproject), memo)
    if found is None:
        return None
    (pairs, skip), source = found
    return Decision(installed_mounts(root, pairs, skip), source)


def creates(reader: Reader) -> None:
    """The extension modules and the .py files meson.build names (a reason besides: meson
    may build more than its literal text says)."""
    if reader.backend != "mesonpy":
        return
    from pkgforge.checker.backends.reader import read_text

    reader.sign("the build backend meson-python compiles modules")
    for path in sorted(p for p in reader.files if p.name == "meson.build"):
        text = read_text(path)
        if text is None:
            continue
        where = path.parent.relative_to(reader.root).as_posix()
        where = "" if where == "." else where
        for match in _MESON_CALL.finditer(text):
            args = _meson_span(text, match.end())
            if match.group(1) == "extension_module":
                first = _STRING.match(args.lstrip())
                if first is None:
                    continue
                subdir = _meson_kwarg(args, "subdir")
                package = subdir[0].strip("/").replace("/", ".") if subdir else ""
                name = first.group(1)
                reader.modules.append(f"{package}.{name}" if package else name)
            else:
                for output in _meson_kwarg(args, "output") or ():
                    if output.endswith(".py"):
                        reader.paths.append(f"{where}/{output}" if where else output)


def meson_packages(
    root: Path, project_name: str | None, memo: dict[str, Any] | None = None
) -> _Found:
    """((source dir, installed path) pairs, folders left out) that meson installs into
    site-packages, and what said so; None when nothing literal says.

    With ``memo``, the answer is reused while every meson.build read keeps its size and
    mtime (a new ``subdir()`` edits a file that was read, so it is noticed).
    """
    remembered = (memo or {}).get("meson")
    if (
        isinstance(remembered, tuple)
        and len(remembered) == 3
        and remembered[0] == project_name
        and _unchanged(root, remembered[1])
    ):
        found = remembered[2]
        if found is None:
            return None
        (pairs, skip), source = found
        return ([(str(a), str(b)) for a, b in pairs], [str(p) for p in skip]), str(source)
    stamps: list[tuple[str, int, int]] = []
    found = _meson_packages(root, project_name, stamps)
    if memo is not None:
        memo["meson"] = (project_name, tuple(stamps), found)
    return found


def _unchanged(root: Path, stamps: Any) -> bool:
    try:
        for relpath, size, mtime_ns in stamps:
            info = os.stat(root / relpath)  # noqa: PTH116
            if info.st_size != size or info.st_mtime_ns != mtime_ns:
                return False
    except (OSError, TypeError, ValueError):
        return False
    return True


def _meson_packages(
    root: Path, project_name: str | None, stamps: list[tuple[str, int, int]]
) -> _Found:
    text = _read(root / "meson.build", stamps, root)
    if text is None:
        return None
    found = _Installs(root)
    for folder, body in _build_files(root, text, stamps):
        for call in _calls(body, _INSTALL_SOURCES):
            match = _SUBDIR_KWARG.search(call)
            if match is None or not _norm(match.group(1)):
                # Top-level modules (pylab.py): literal file names only.
                for name in _PY_FILE.findall(call):
                    found.add_module(_norm(posixpath.join(folder, name)))
            else:
                installed = _norm(match.group(1))
                subfolders = {posixpath.dirname(f) for f in _PY_FILE.findall(call)} or {""}
                for sub in sorted(subfolders):
                    found.add(_norm(posixpath.join(folder, sub)), installed, moved=bool(sub))
        for call in _calls(body, _INSTALL_SUBDIR):
            first = _FIRST_STRING.match(call)
            target = _PY_INSTALL_DIR.search(call)
            if first is None or target is None:
                continue  # a variable, or an install_dir outside site-packages
            sub = _norm(posixpath.join(target.group(1) or "", target.group(2) or ""))
            source = _norm(posixpath.join(folder, first.group(1)))
            if _STRIP.search(call):
                installed = sub
            else:
                installed = _norm(posixpath.join(sub, posixpath.basename(source)))
            if installed and (root / source).is_dir():
                found.whole.add(installed)
                found.add(source, installed, moved=True)
    if found.tops or found.modules:
        return found.result(), "meson.build install_sources/install_subdir"
    project = _PROJECT.search(text)
    name = (project_name or (project.group(1) if project else "")).replace("-", "_")
    for base in ("", "src/"):
        if name and (root / f"{base}{name}" / "__init__.py").is_file():
            return ([(f"{base}{name}", name)], []), f"meson project {name!r} ({base}{name}/)"
    return None


class _Installs:
    """Where each installed top-level package lives, and directories installed elsewhere."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tops: dict[str, str] = {}
        self.moved: dict[str, str] = {}
        self.installed: set[str] = set()
        self.whole: set[str] = set()
        """Installed paths of whole directories (install_subdir)."""
        self.modules: list[str] = []

    def add(self, source: str, installed: str, *, moved: bool) -> None:
        """``source`` (a directory) installs as ``installed`` (a path in site-packages)."""
        self.installed.add(installed)
        top = installed.split("/", maxsplit=1)[0]
        if source == installed or source.endswith(f"/{installed}"):
            top_source = _norm(source[: len(source) - len(installed)] + top)
            if self.tops.setdefault(top, top_source) == top_source:
                return  # where the walk of the top-level package finds it anyway
        elif top not in self.tops:
            for candidate in (_norm(posixpath.join(source, top)), top, f"src/{top}"):
                if (self.root / candidate).is_dir():
                    self.tops[top] = candidate
                    break
        if moved and (self.root / source).is_dir() and source not in self.tops.values():
            self.moved.setdefault(source, installed)

    def add_module(self, source: str) -> None:
        if source.endswith(".py") and (self.root / source).is_file():
            self.modules.append(source)

    def result(self) -> tuple[list[tuple[str, str]], list[str]]:
        """(source, installed) pairs, and the folders inside packages that do not ship."""
        pairs = [(source, top) for top, source in sorted(self.tops.items())]
        pairs.extend(sorted(self.moved.items()))
        pairs.extend((m, posixpath.basename(m)) for m in sorted(set(self.modules)))
        skip = [
            f"{source}/{name}"
            for top, source in self.tops.items()
            for name in _BUILD_TOOL_DIRS
            if (self.root / source / name).is_dir() and not self._ships(f"{top}/{name}")
        ]
        # A directory installed from a folder inside it (a git submodule's package):
        # the rest of that folder (its docs, tests) does not ship.
        for source, installed in self.moved.items():
            top, _, rest = installed.partition("/")
            outer = _norm(posixpath.join(self.tops.get(top, top), rest))
            if outer != source and source.startswith(f"{outer}/"):
                skip.append(outer)
        return pairs, skip

    def _ships(self, path: str) -> bool:
        inside = any(p == path or p.startswith(f"{path}/") for p in self.installed)
        return inside or any(path.startswith(f"{w}/") for w in self.whole)


def _build_files(
    root: Path, text: str, stamps: list[tuple[str, int, int]]
) -> list[tuple[str, str]]:
    """(root-relative folder, meson.build text without comments), following subdir()."""
    found: list[tuple[str, str]] = []
    pending = [("", text)]
    seen = {""}
    while pending and len(found) < _MAX_FILES:
        folder, body = pending.pop()
        body = _COMMENT.sub("", body)
        found.append((folder, body))
        for match in _SUBDIR_CALL.finditer(body):
            child = _norm(posixpath.join(folder, match.group(1)))
            if child in seen or child.startswith(".."):
                continue
            seen.add(child)
            child_text = _read(root / child / "meson.build", stamps, root)
            if child_text is not None:
                pending.append((child, child_text))
    return found


def _calls(body: str, opener: re.Pattern[str]) -> list[str]:
    """The text of each call ``opener`` starts, up to its closing parenthesis."""
    calls = []
    for match in opener.finditer(body):
        depth, index = 1, match.end()
        while depth and index < len(body):
            depth += {"(": 1, ")": -1}.get(body[index], 0)
            index += 1
        calls.append(body[match.end() : index])
    return calls


def _norm(path: str) -> str:
    text = posixpath.normpath(path.strip("/"))
    return "" if text == "." else text


def _read(path: Path, stamps: list[tuple[str, int, int]], root: Path) -> str | None:
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    stamps.append((path.relative_to(root).as_posix(), info.st_size, info.st_mtime_ns))
    return text


# -- the modules meson.build builds -------------------------------------------------

_MESON_CALL = re.compile(r"\b(extension_module|configure_file|custom_target)\s*\(")
_STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'")


def _meson_span(text: str, start: int) -> str:
    """The argument text of a meson call whose '(' is at ``start - 1``, strings and
    comments skipped while counting parentheses."""
    depth, index = 1, start
    while index < len(text) and depth:
        char = text[index]
        if char == "'":
            end = text.find("'''", index + 3) + 3 if text.startswith("'''", index) else 0
            if not end:
                match = _STRING.match(text, index)
                end = match.end() if match else index + 1
            index = max(end, index + 1)
            continue
        if char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1
    return text[start : index - 1]


def _meson_kwarg(args: str, key: str) -> list[str] | None:
    match = re.search(rf"\b{key}\s*:\s*(\[[^\]]*\]|'[^']*'|[^,)]+)", args)
    if match is None:
        return None
    value = match.group(1).strip()
    strings = _STRING.findall(value)
    if value.startswith("'") or (value.startswith("[") and strings):
        return strings
    return None
