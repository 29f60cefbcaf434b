"""Discovery: from a PATH, find the project and how its import packages are laid out.

Nothing here walks the tree (that is :mod:`.walk`): it finds the project root,
reads pyproject.toml once, and has the build backend's own configuration
(:mod:`.backends`) say which directories ship and are walked (:class:`Mount`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pkgforge.checker.backends import ship_decision
from pkgforge.checker.backends.mounts import Decision, Mount
from pkgforge.errors import ProjectNotFoundError

__all__ = [
    "Layout",
    "Mount",
    "find_root",
    "join",
    "locate_project",
    "read_layout",
]

_SOURCE_SUFFIXES = frozenset({".py", ".pyi", ".pyc", ".pyo"})

# A NamedTuple, not a dataclass: a warm run imports this module, and creating a
# dataclass costs ~0.7 ms each at import time.


class Layout(NamedTuple):
    """Where the project is and how its import packages are laid out."""

    root: Path
    pyproject_path: Path | None
    pyproject_bytes: bytes | None
    pyproject: Mapping[str, Any] | None
    pyproject_error: str | None
    mounts: tuple[Mount, ...]
    focus: str = ""
    """Root-relative POSIX path the user pointed at inside the project; '' for all."""
    decided_by: str = ""
    """Which build configuration chose the mounts (quoted when nothing ships)."""

    @property
    def package_roots(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(m.path for m in self.mounts if not m.prefix))


def find_root(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The project root for PATH, and where PATH is inside it ('' when PATH is the root).

    Raise ProjectNotFoundError when PATH does not exist or is some other kind of file.
    """
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError) as err:
        raise ProjectNotFoundError(
            f"{os.fspath(path)!r} does not exist",
            hint="give the project directory (where pyproject.toml is), or a wheel or sdist",
        ) from err
    is_file = not target.is_dir()
    if is_file and target.suffix not in _SOURCE_SUFFIXES and target.name != "pyproject.toml":
        raise ProjectNotFoundError(
            f"{os.fspath(path)!r} is not a project directory, a Python file or an archive",
            hint="give a directory, a .py file, pyproject.toml, or a .whl/.tar.gz/.zip",
        )
    start = target.parent if is_file else target
    root, focus = _find_root(start)
    if is_file and target.name != "pyproject.toml":
        focus = join(focus, target.name)
    return root, focus


def locate_project(path: str | os.PathLike[str], *, memo: dict[str, Any] | None = None) -> Layout:
    """Find the project that PATH is, or is inside, and read its layout.

    ``memo`` (the cache's) remembers the parsed pyproject.toml by content hash.
    """
    root, focus = find_root(path)
    return read_layout(root, focus, memo=memo)


def read_layout(root: Path, focus: str = "", *, memo: dict[str, Any] | None = None) -> Layout:
    """The layout of the project at ``root`` (see :func:`find_root`)."""
    pyproject_path: Path | None = root / "pyproject.toml"
    data: bytes | None = None
    parsed: Mapping[str, Any] | None = None
    error: str | None = None
    try:
        data = pyproject_path.read_bytes()  # type: ignore[union-attr]
    except FileNotFoundError:
        pyproject_path = None
    except OSError as err:
        error = f"cannot read pyproject.toml: {err.strerror or err}"
    if data is not None:
        parsed, error = _parse_pyproject(data, memo)
    top = focus.split("/", maxsplit=1)[0]
    if focus and pyproject_path is None and (root / top).is_dir():
        # PATH is a package directory with no project around it: check just that package.
        decision = Decision((Mount(root, only=frozenset({top})),), f"the package {top}/")
    else:
        decision = ship_decision(root, parsed or {}, memo)
    return Layout(
        root, pyproject_path, data, parsed, error, decision.mounts, focus, decision.decided_by
    )


def join(prefix: str, name: str) -> str:
    """Join POSIX relpaths, where '' is the root."""
    return f"{prefix}/{name}" if prefix else name


def _find_root(start: Path) -> tuple[Path, str]:
    """The project root for ``start``, and where ``start`` is inside it.

    Walk up only through packages (directories with ``__init__.py``) and a ``src``
    folder: a fixture inside some other project is not part of that project.
    """
    if (start / "pyproject.toml").is_file() or not (start / "__init__.py").is_file():
        return start, ""
    current = start
    while (current.parent / "__init__.py").is_file() and current.parent != current:
        current = current.parent
    candidate = current.parent
    if (candidate / "pyproject.toml").is_file():
        return candidate, start.relative_to(candidate).as_posix()
    if candidate.name == "src" and (candidate.parent / "pyproject.toml").is_file():
        return candidate.parent, start.relative_to(candidate.parent).as_posix()
    # A bare package: its parent is the root, and only it is checked.
    return candidate, start.relative_to(candidate).as_posix()


def _parse_pyproject(
    data: bytes, memo: dict[str, Any] | None
) -> tuple[Mapping[str, Any] | None, str | None]:
    from pkgforge.checker.digests import hexdigest

    digest = hexdigest(data, 32)
    remembered = (memo or {}).get("pyproject")
    if isinstance(remembered, tuple) and remembered[0] == digest:
        return remembered[1], None
    import tomllib

    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        return None, f"pyproject.toml is not UTF-8: {err.reason} at byte {err.start}"
    except tomllib.TOMLDecodeError as err:
        return None, f"pyproject.toml is not valid TOML: {err}"
    if memo is not None and _plain(parsed):
        memo["pyproject"] = (digest, parsed)
    return parsed, None


def _plain(value: object) -> bool:
    """True for TOML made of strings, numbers, lists and tables only (no datetimes)."""
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, (str, int, float, bool))
