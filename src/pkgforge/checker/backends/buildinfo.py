"""What a build adds to the source tree: the data the build configuration gives.

A module can exist only after a build: an extension module compiled from C, C++,
Fortran, Rust or Cython sources, a CFFI out-of-line module, a ``_version.py``
that setuptools-scm, hatch-vcs, pdm-backend, versioneer or meson writes. And the
wheel can leave a folder of the source tree out (setuptools' ``packages`` list,
``find_packages()``). Each backend's ``creates`` (:mod:`pkgforge.checker.backends`) reads ``setup.py`` (its
syntax tree, literal arguments only), ``setup.cfg``, ``pyproject.toml``,
``meson.build``, ``CMakeLists.txt``, ``Cargo.toml`` and ``MANIFEST.in`` into the
records defined here; nothing is run.

Where a name cannot be read (``ext_modules`` computed at run time, a meson or
CMake build, a custom build hook), :attr:`BuildInfo.unnamed` says why: the build
may create modules pkgforge cannot name, so a missing first-party module is then
something pkgforge could not see, not a proven failure.

It is read once, when the engine builds the project model; rules read the model.
This module holds data only (the model and the engine's warm path import it).
Only the files :func:`build_files` lists are read, so that the engine's cache
fingerprint (which stamps them) notices every change that matters here.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from pkgforge.checker.backends.scripts import ScriptWrites

__all__ = ["BuildInfo", "Wheel", "build_files", "clean_path"]

# NamedTuples, not dataclasses: the engine imports this module on warm runs too
# (for build_files), and a dataclass costs ~0.7 ms at import time.

_ROOT_FILES = frozenset(
    {"setup.py", "setup.cfg", "meson.build", "CMakeLists.txt", "Cargo.toml", "MANIFEST.in"}
)
_TREE_FILES = frozenset({"meson.build", "CMakeLists.txt"})


class Wheel(NamedTuple):
    """How setuptools chooses the packages that go into the wheel.

    ``kind`` is ``list`` (an explicit ``packages`` list), ``find``
    (``find_packages()``: only directories with ``__init__.py``, and nothing below
    one without), ``namespace`` (``find_namespace_packages()`` or setuptools'
    automatic discovery: every directory) or ``unknown`` (another backend, or a
    value pkgforge cannot read).
    """

    kind: str = "unknown"
    names: tuple[str, ...] = ()
    """The listed packages (``list``)."""
    include: tuple[str, ...] | None = ()
    """``find`` include patterns; None when they cannot be read."""
    exclude: tuple[str, ...] | None = ()
    source: str = ""
    """Where the choice is made, for messages (``setup.py `packages=[...]` ``)."""
    data: tuple[tuple[str, ...], ...] = ()
    """Ways a ``.py`` file can still ship as package data: MANIFEST.in lines
    (command, args...), ``("package-data", pattern)``, ``("scm",)`` for a file
    finder plugin that ships every tracked file."""

    def ships(self, package: str, chain_has_init: bool) -> bool | None:
        """Whether the modules directly in ``package`` go into the wheel; None when
        pkgforge cannot tell. ``chain_has_init``: every directory from the top-level
        package down to it has an ``__init__.py``."""
        if self.kind == "list":
            return package in self.names
        if self.kind == "find":
            if not chain_has_init:
                return False
            return self._filtered(package)
        if self.kind == "namespace":
            return self._filtered(package)
        return None

    def excludes(self, package: str) -> bool:
        """Whether a ``find`` exclude pattern leaves out ``package``'s own modules."""
        return bool(self.exclude) and any(
            fnmatch.fnmatchcase(package, p) for p in self.exclude or ()
        )

    def _filtered(self, package: str) -> bool | None:
        if self.include is None or self.exclude is None:
            return None
        if self.include and not any(fnmatch.fnmatchcase(package, p) for p in self.include):
            return False
        return not any(fnmatch.fnmatchcase(package, p) for p in self.exclude)

    def may_ship_as_data(self, relpath: str) -> bool:
        """Whether the file at ``relpath`` (root-relative) may ship as package data even
        though its package is not in the wheel's package list."""
        return any(_data_covers(entry, relpath) for entry in self.data)


class BuildInfo(NamedTuple):
    """What the build configuration says about modules beyond the source files."""

    modules: tuple[str, ...] = ()
    """Dotted names (``*`` globs allowed) of modules the build creates."""
    paths: tuple[str, ...] = ()
    """Root-relative paths (globs allowed) of files the build creates or compiles into
    modules (``src/pkg/_version.py``, ``pkg/*.pyx``); the engine names them."""
    unnamed: tuple[str, ...] = ()
    """Why the build may create modules whose names pkgforge cannot read; () when none."""
    scripts: tuple[ScriptWrites, ...] = ()
    """The build scripts of the project whose text bounds what they may write."""
    namespace_packages: tuple[str, ...] = ()
    """setuptools ``namespace_packages`` (pkg_resources-style namespaces)."""
    wheel: Wheel = Wheel()
    backend: str = ""
    """The build backend (``setuptools.build_meta``), '' when none is declared."""


# -- which files --------------------------------------------------------------------------


def build_files(root: Path, root_entries: Iterable[str], dir_rows: Iterable[Any]) -> list[str]:
    """Absolute paths of every file the build readers may read, for the cache fingerprint:
    the root's build files and Python files (CFFI build scripts), and the meson.build and
    CMakeLists.txt files of the Python directories and of the root's subdirectories
    (a C++ ``src/``). Some may not exist. Cheap: nothing is opened or stat'ed."""
    base = os.fspath(root)
    found = []
    for name in root_entries:
        path = os.path.join(base, name)  # noqa: PTH118 - str paths keep the warm path fast
        if name in _ROOT_FILES or name.endswith(".py"):
            found.append(path)
        elif "." not in name:
            found.extend(os.path.join(path, n) for n in _TREE_FILES)  # noqa: PTH118
    for row in dir_rows:
        path, relpath, entries = row[0], row[1], row[2]
        if relpath:  # the root's are listed above
            found.extend(os.path.join(path, n) for n in entries if n in _TREE_FILES)  # noqa: PTH118
    return sorted(set(found))


def clean_path(value: str) -> str:
    """A configured path as a root-relative POSIX path."""
    return value.replace("\\", "/").removeprefix("./").strip("/")


def _data_covers(rule: tuple[str, ...], relpath: str) -> bool:
    command, args = rule[0], rule[1:]
    name = relpath.rpartition("/")[2]
    if command == "scm":
        return True
    if command == "package-data":
        # relative to some listed package: compare with every tail of the path
        parts = relpath.split("/")
        tails = ["/".join(parts[i:]) for i in range(len(parts))]
        pattern = args[0].replace("**/", "*").replace("**", "*")
        return any(fnmatch.fnmatch(tail, pattern) for tail in tails)
    if command == "graft":
        return any(_under(relpath, d) for d in args)
    if command == "recursive-include":
        return bool(args) and _under(relpath, args[0]) and _any_match(name, args[1:])
    if command == "global-include":
        return _any_match(name, args)
    return _any_match(relpath, args)  # include


def _under(relpath: str, directory: str) -> bool:
    directory = clean_path(directory)
    return directory in {"", "."} or relpath.startswith(f"{directory}/")


def _any_match(value: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(value, p) for p in patterns)
