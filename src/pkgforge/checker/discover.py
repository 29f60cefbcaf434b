"""Discovery: from a PATH, find the project and how its import packages are laid out.

Nothing here parses Python or walks the tree (that is :mod:`.walk`): it finds
the project root, reads pyproject.toml once, and turns the build backend's
settings into the directories to walk (:class:`Mount`).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

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

# NamedTuples, not dataclasses: a warm run imports this module, and creating a
# dataclass costs ~0.7 ms each at import time.


class Mount(NamedTuple):
    """A directory walked for modules, and the dotted package name it stands for."""

    path: Path
    prefix: str = ""
    """``""`` for a directory on sys.path (src/); ``pkg`` when package-dir maps pkg there."""
    only: frozenset[str] | None = None
    """Top-level names to take from this directory; None takes every eligible one."""
    flat: bool = False
    """The project root doubles as package root: leave out tests/, docs/, setup.py..."""
    exclude: tuple[str, ...] = ()
    """Dotted-name globs (``packages.find`` exclude) to leave out."""

    def key(self) -> tuple[object, ...]:
        """A value that is equal across processes (a frozenset's order is not)."""
        only = None if self.only is None else tuple(sorted(self.only))
        return (os.fspath(self.path), self.prefix, only, self.flat, self.exclude)


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
        mounts: tuple[Mount, ...] = (Mount(root, only=frozenset({top})),)
    else:
        mounts = _mounts(root, parsed or {})
    return Layout(root, pyproject_path, data, parsed, error, mounts, focus)


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
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
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


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, Mapping):
            return {}
        data = value
    return data


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _mounts(root: Path, pyproject: Mapping[str, Any]) -> tuple[Mount, ...]:
    """Package roots from the build backend's settings, else src/ or flat layout."""
    setuptools = _table(pyproject, "tool", "setuptools")
    package_dir = setuptools.get("package-dir")
    base = root
    mounts: list[Mount] = []
    if isinstance(package_dir, Mapping):
        for key, value in package_dir.items():
            if not isinstance(value, str):
                continue
            if key == "":
                base = root / value
            elif "." not in key:
                mounts.append(Mount(root / value, prefix=key))
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        names = {p.split(".")[0] for p in _strings(packages)}
        names.update(_strings(setuptools.get("py-modules")))
        names -= {m.prefix for m in mounts}
        return (Mount(base, only=frozenset(names)), *mounts)
    find = _table(setuptools, "packages", "find")
    if find:
        include = _strings(find.get("include"))
        exclude = tuple(_strings(find.get("exclude")))
        wheres = _strings(find.get("where")) or ["."]
        for where in wheres:
            # `where` is relative to the project root; "." defers to package-dir.
            path = base if where in {".", ""} else root / where
            mounts.append(_mount_with_patterns(root, path, include, exclude))
        return tuple(mounts)
    hatch = _strings(
        _table(pyproject, "tool", "hatch", "build", "targets", "wheel").get("packages")
    )
    if hatch:
        return tuple(_named_mounts(root, hatch))
    poetry = _table(pyproject, "tool", "poetry").get("packages")
    if isinstance(poetry, list):
        specs = [
            f"{p.get('from', '.')}/{p['include']}"
            for p in poetry
            if isinstance(p, Mapping) and isinstance(p.get("include"), str)
        ]
        if specs:
            return tuple(_named_mounts(root, specs))
    if base == root and (root / "src").is_dir():
        base = root / "src"
    mounts.insert(0, Mount(base, flat=base == root))
    return tuple(mounts)


def _mount_with_patterns(
    root: Path, path: Path, include: list[str], exclude: tuple[str, ...]
) -> Mount:
    only: frozenset[str] | None = None
    if include:
        try:
            names = {entry.name for entry in os.scandir(path)}
        except OSError:
            names = set()
        stems = {n.removesuffix(".py") for n in names}
        only = frozenset(s for s in stems if any(fnmatch.fnmatchcase(s, p) for p in include))
    return Mount(path, only=only, flat=path == root, exclude=exclude)


def _named_mounts(root: Path, specs: Iterable[str]) -> list[Mount]:
    grouped: dict[Path, set[str]] = {}
    for spec in specs:
        target = (root / spec).resolve()
        grouped.setdefault(target.parent, set()).add(target.name.removesuffix(".py"))
    return [Mount(parent, only=frozenset(names)) for parent, names in grouped.items()]
