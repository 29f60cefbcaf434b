"""What meson-python ships: the Python packages meson.build installs.

A light reading of the literal arguments (no meson evaluation): follow
``subdir('x')`` from the root meson.build, and collect the top-level package of
every ``py.install_sources(..., subdir: 'pkg/sub')`` and of every
``install_subdir('pkg', install_dir: py.get_install_dir() ...)``. When none is
literal, the package named like the project with an ``__init__.py`` is taken.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

__all__ = ["meson_packages"]

_MAX_FILES = 400
_SUBDIR_CALL = re.compile(r"(?<![\w.])subdir\(\s*'([^']+)'\s*\)")
_INSTALL_SOURCES = re.compile(r"\binstall_sources\s*\(")
_INSTALL_SUBDIR = re.compile(r"(?<![\w.])install_subdir\s*\(\s*'([^']+)'")
_SUBDIR_KWARG = re.compile(r"\bsubdir\s*:\s*'([^']*)'")
_PROJECT = re.compile(r"(?<![\w.])project\(\s*'([^']+)'")
_COMMENT = re.compile(r"#[^\n]*")


def meson_packages(
    root: Path, project_name: str | None
) -> tuple[list[tuple[str, str]], str] | None:
    """(source dir, top-level package) pairs meson installs, and what said so; None if unseen."""
    text = _read(root / "meson.build")
    if text is None:
        return None
    tops: dict[str, str] = {}
    for folder, body in _build_files(root, text):
        for call in _calls(body, _INSTALL_SOURCES):
            match = _SUBDIR_KWARG.search(call)
            if match and _norm(match.group(1)):
                _add(tops, root, folder, _norm(match.group(1)))
        for match in _INSTALL_SUBDIR.finditer(body):
            call = body[match.start() : body.find(")", match.end()) + 1]
            if "get_install_dir" in call and "strip_directory" not in call:
                source = _norm(posixpath.join(folder, match.group(1)))
                if (root / source).is_dir():
                    tops.setdefault(posixpath.basename(source), source)
    if tops:
        pairs = [(source, top) for top, source in sorted(tops.items())]
        return pairs, "meson.build install_sources/install_subdir"
    found = _PROJECT.search(text)
    name = (project_name or (found.group(1) if found else "")).replace("-", "_")
    for base in ("", "src/"):
        if name and (root / f"{base}{name}" / "__init__.py").is_file():
            return [(f"{base}{name}", name)], f"meson project {name!r} ({base}{name}/)"
    return None


def _add(tops: dict[str, str], root: Path, folder: str, installed: str) -> None:
    """Where the top-level package of ``installed`` lives in the source tree."""
    top = installed.split("/", maxsplit=1)[0]
    if top in tops:
        return
    candidates = []
    if folder == installed or folder.endswith(f"/{installed}"):
        candidates.append(_norm(folder[: len(folder) - len(installed)] + top))
    candidates.extend((_norm(posixpath.join(folder, top)), top, f"src/{top}"))
    for candidate in candidates:
        if (root / candidate).is_dir():
            tops[top] = candidate
            return


def _build_files(root: Path, text: str) -> list[tuple[str, str]]:
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
            child_text = _read(root / child / "meson.build")
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


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
