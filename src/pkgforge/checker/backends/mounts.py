"""What discovery hands the walk: the directories that ship, and the names they import as.

Kept apart from :mod:`pkgforge.checker.discover` so that each build backend's
reader (the modules of this package) can build mounts without importing
discovery back; with the readings of pyproject.toml's shapes they all share.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "UNKNOWN",
    "Decision",
    "Mount",
    "dotted_parents",
    "installed_mounts",
    "literal_path",
    "merged",
    "names_in",
    "norm",
    "project_name",
    "strings",
    "table",
]

_GLOB_CHARS = frozenset("*?[")
# Trailing patterns that select a whole directory's Python files.
_WHOLE_DIR_SUFFIXES = ("/**/*.py", "/**/*", "/**", "/*.py", "/*", "/")

UNKNOWN = "?"
"""A build setting that is there but not a literal pkgforge can read."""

# NamedTuples, not dataclasses: a warm run imports this module, and creating a
# dataclass costs ~0.7 ms each at import time.


class Mount(NamedTuple):
    """A directory walked for modules, and the dotted package name it stands for."""

    path: Path
    prefix: str = ""
    """``""`` for a directory on sys.path (src/); ``pkg`` when package-dir maps pkg there."""
    only: frozenset[str] | None = None
    """Names to take from the top of this directory; None takes every eligible one."""
    flat: bool = False
    """The project root doubles as package root: leave out tests/, docs/, Tools/,
    setup.py... as setuptools' flat-layout discovery does."""
    exclude: tuple[str, ...] = ()
    """Dotted-name globs (``packages.find`` exclude) to leave out."""
    needs_init: bool = False
    """setuptools' plain ``find`` (not ``find_namespace``): below an excluded package,
    whose subpackages it still finds, a directory is a package only with an
    ``__init__.py``."""
    skip: tuple[str, ...] = ()
    """Root-relative path globs a backend excludes from the wheel (hatch, pdm, poetry)."""
    packages_win: bool = False
    """setuptools' flat layout: modules at the top ship only when no package does."""
    named: frozenset[str] = frozenset()
    """Top-level files an entry point imports by name (``my-tool`` in ``my-tool:main``):
    taken even where flat-layout discovery would not, so their names are checked."""

    def key(self) -> tuple[object, ...]:
        """A value that is equal across processes (a frozenset's order is not)."""
        only = None if self.only is None else tuple(sorted(self.only))
        return (
            os.fspath(self.path),
            self.prefix,
            only,
            self.flat,
            self.exclude,
            self.needs_init,
            self.skip,
            self.packages_win,
            tuple(sorted(self.named)),
        )


class Decision(NamedTuple):
    """The mounts a build backend's configuration ships, and what said so."""

    mounts: tuple[Mount, ...]
    decided_by: str
    """For people: which configuration was read (quoted by PF105 when nothing ships)."""


def table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """The nested table at ``keys``, or an empty one when any level is missing or not a table."""
    for key in keys:
        value = data.get(key)
        if not isinstance(value, Mapping):
            return {}
        data = value
    return data


def strings(value: object) -> list[str]:
    """A string or a list's strings; anything else is no strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def merged(mounts: list[Mount]) -> tuple[Mount, ...]:
    """One mount per directory and prefix: the walk enters a directory once."""
    by_place: dict[tuple[Path, str], Mount] = {}
    for mount in mounts:
        place = (mount.path, mount.prefix)
        known = by_place.get(place)
        if known is None:
            by_place[place] = mount
            continue
        only = None if known.only is None or mount.only is None else known.only | mount.only
        by_place[place] = known._replace(
            only=only,
            flat=known.flat and mount.flat,
            exclude=(*known.exclude, *mount.exclude),
            needs_init=known.needs_init or mount.needs_init,
            skip=(*known.skip, *mount.skip),
        )
    return tuple(by_place.values())


def project_name(pyproject: Mapping[str, Any]) -> str | None:
    """The distribution name: ``[project] name``, else poetry's ``[tool.poetry] name``."""
    name = table(pyproject, "project").get("name")
    if not isinstance(name, str):
        name = table(pyproject, "tool", "poetry").get("name")
    return name if isinstance(name, str) and name else None


def norm(path: str) -> str:
    """A root-relative POSIX path without ./, trailing / or a leading / (hatch anchors)."""
    text = posixpath.normpath(path.replace("\\", "/").strip("/"))
    return "" if text == "." else text


def literal_path(pattern: str) -> str | None:
    """The path a file-selection pattern names, when it names one directory or file."""
    text = pattern.replace("\\", "/")
    for suffix in _WHOLE_DIR_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if _GLOB_CHARS & set(text):
        return None
    return norm(text)


def installed_mounts(
    root: Path, pairs: Iterable[tuple[str, str]], skip: Iterable[str] = ()
) -> tuple[Mount, ...]:
    """Mounts for (source path, path in the wheel) pairs, both root-relative POSIX.

    A file that is not a module (``py.typed``, a README a backend includes) ships as data:
    no mount, since there is nothing in it to walk.
    """
    mounts: list[Mount] = []
    patterns = tuple(skip)
    for source, target in pairs:
        path = root / source if source else root
        installed = norm(target)
        is_module = source.endswith(".py")
        if not is_module and path.is_file():
            continue
        name = posixpath.basename(installed).removesuffix(".py") if is_module else installed
        if is_module:
            parent = posixpath.dirname(installed).replace("/", ".")
            mounts.append(Mount(path.parent, prefix=parent, only=frozenset({name}), skip=patterns))
        elif not installed:
            mounts.append(Mount(path, skip=patterns))
        elif "/" not in installed and path.name == installed:
            mounts.append(Mount(path.parent, only=frozenset({installed}), skip=patterns))
        else:
            mounts.append(Mount(path, prefix=installed.replace("/", "."), skip=patterns))
    return merged(mounts)


def names_in(path: Path) -> list[str]:
    """The sorted entry names of a directory; none when it cannot be read."""
    try:
        with os.scandir(path) as scan:
            return sorted(entry.name for entry in scan)
    except OSError:
        return []


def dotted_parents(name: str) -> list[str]:
    """The packages above a dotted module name (``a.b.c`` -> ``a``, ``a.b``): namespace
    packages where a backend ships only the named portion."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]
