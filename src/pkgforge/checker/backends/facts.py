"""All the build readers together (each backend's ``creates``), and the build facts the
model stores."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pkgforge.checker.backends import (
    Backend,
    flit,
    hatchling,
    maturin,
    meson_python,
    pdm,
    poetry,
    scikit_build_core,
    setuptools,
    uv_build,
)
from pkgforge.checker.backends.buildinfo import BuildInfo, Wheel, build_files
from pkgforge.checker.backends.cmake import read_cmake
from pkgforge.checker.backends.mounts import table
from pkgforge.checker.backends.reader import Reader

if TYPE_CHECKING:
    from pkgforge.checker.model import Directory, SourceFile

__all__ = [
    "BuildFacts",
    "generated_modules",
    "path_signals",
    "read_build",
    "read_build_facts",
    "shared_namespaces",
]

log = logging.getLogger("pkgforge")

# Build backends pkgforge has no reader for that compile modules whose names their
# configuration does not spell out in a form read here.
_OTHER_COMPILING_BACKENDS = {
    "py_build_cmake.build": "py-build-cmake",
    "sipbuild.api": "sip",
    "enscons.api": "enscons",
    "pymsbuild": "pymsbuild",
    "cmeel.build": "cmeel",
}
# CMake builds that no backend module reads (scikit-build-core's reads its own).
_OTHER_CMAKE_BACKENDS = frozenset({"py_build_cmake.build", "cmeel.build"})
_READ_BACKENDS = scikit_build_core.BACKENDS | {"mesonpy", "maturin"}

# Every backend's reader, in the order their ``creates`` read (so their reasons come in
# that order). Each reads its own tool tables whichever backend builds.
_BUILD_READERS: tuple[Backend, ...] = (
    setuptools,
    hatchling,
    pdm,
    poetry,
    flit,
    maturin,
    scikit_build_core,
    meson_python,
    uv_build,
)


def read_build(
    root: Path,
    files: Iterable[str],
    pyproject: Mapping[str, Any] | None,
    python_files: Iterable[str] = (),
) -> BuildInfo:
    """Read the build configuration at ``root``; ``files`` is
    :func:`~pkgforge.checker.backends.buildinfo.build_files`'s list,
    ``python_files`` the walked Python files (a CFFI build script may be one of them).
    Never raises on any file content."""
    data = pyproject or {}
    backend = _backend(data, (root / "setup.py") in {Path(f) for f in files})
    reader = Reader(root, files, python_files, data, backend)
    by_setuptools = backend in setuptools.BACKENDS
    for module in _BUILD_READERS:
        module.creates(reader)
    tool = table(reader.pyproject, "tool")
    if backend in _OTHER_COMPILING_BACKENDS:
        reader.sign(f"the build backend {_OTHER_COMPILING_BACKENDS[backend]} compiles modules")
    elif (
        backend
        and not by_setuptools
        and backend not in _READ_BACKENDS
        and "maturin" not in tool
        and table(reader.pyproject, "build-system").get("backend-path")
    ):
        reader.sign(f"the in-tree build backend {backend} may create modules")
    uses_cmake = backend in _OTHER_CMAKE_BACKENDS or bool(
        re.search(r"cmake|skbuild", reader.setup_text, re.IGNORECASE)
    )
    read_cmake(reader, active=uses_cmake and backend not in scikit_build_core.BACKENDS)
    wheel = (
        setuptools.wheel_packages(reader)
        if by_setuptools
        else Wheel(source=f"the build backend {backend}")
    )
    return BuildInfo(
        modules=tuple(dict.fromkeys(reader.modules)),
        paths=tuple(dict.fromkeys(reader.paths)),
        unnamed=tuple(reader.unnamed),
        scripts=tuple(reader.scripts),
        namespace_packages=tuple(dict.fromkeys(reader.namespaces)),
        wheel=wheel,
        backend=backend,
    )


def _backend(pyproject: Mapping[str, Any], has_setup_py: bool) -> str:
    value = table(pyproject, "build-system").get("build-backend")
    if isinstance(value, str):
        return value.strip()
    # PEP 517's fallback: a project without a declared backend builds with setuptools
    return "setuptools.build_meta:__legacy__" if has_setup_py or pyproject else ""


def generated_modules(
    info: BuildInfo,
    directories: Sequence[Directory],
    package_roots: Sequence[Path],
    root: Path,
) -> frozenset[str]:
    """Dotted names (``*`` globs allowed) of the modules the build creates: the names the
    configuration gives, and the module names of the files it writes or compiles."""
    names = set(info.modules)
    by_relpath = {d.relpath: d for d in directories}
    roots = []
    for path in package_roots:
        try:
            roots.append(path.relative_to(root).as_posix())
        except ValueError:
            continue
    for relpath in info.paths:
        dotted = _module_of_path(relpath, by_relpath, roots)
        if dotted:
            names.add(dotted)
    return frozenset(n for n in names if n and all(_name_part(p) for p in n.split(".")))


def _name_part(part: str) -> bool:
    return part.replace("*", "x").isidentifier()


def _module_of_path(
    relpath: str, by_relpath: Mapping[str, Directory], roots: Sequence[str]
) -> str | None:
    """The module a file at ``relpath`` imports as: it must sit in a package directory
    of the model or directly in a package root (a guess elsewhere could invent a
    top-level name)."""
    folder, _, filename = relpath.rpartition("/")
    stem = filename.partition(".")[0]
    if not stem:
        return None
    directory = by_relpath.get(folder)
    if directory is not None and directory.package:
        return f"{directory.package}.{stem}"
    if folder in roots or (folder == "" and "." in roots):
        return stem
    return None


# the package's own `__path__` (not `proxy.__path__ = __path__`, another object's)
_PATH_HOOK = (
    rb"declare_namespace|extend_path"
    rb"|(?<![\w.])__path__\s*(?:\+?=[^=]|\.\s*(?:append|extend|insert)\b)"
)
_NAMESPACE_INIT_LINES = 80  # pkgutil/pkg_resources namespace __init__ files are tiny


def shared_namespaces(
    files: Iterable[SourceFile],
    directories: Iterable[Directory],
    declared: Iterable[str],
    signals: dict[str, tuple[bool, bool | None]] | None = None,
) -> frozenset[str]:
    """Packages whose submodules other distributions may provide: PEP 420 directories
    (no ``__init__.py``) at the top or inside another shared one, packages whose
    ``__init__.py`` extends ``__path__`` (pkgutil) or declares a namespace
    (pkg_resources), and setuptools ``namespace_packages``.

    A PEP 420 directory inside a regular package is not shared: its one portion is
    the directory below the parent's single ``__path__`` entry.

    ``signals`` receives what was read of each package's ``__init__.py``
    (:func:`path_signals`; None where its text was not read): a re-check that edits one
    knows from it whether the answer may have changed.
    """
    inits = {f.module: f for f in files if f.is_package and f.module}
    namespace_dirs = {d.package for d in directories if d.package and not d.has_init}
    shared = {name for name in declared if name}
    read: dict[str, tuple[bool, bool | None]] = {}
    for module, file in inits.items():
        read[module] = ("__path__" in file.summary.bound_names, None)
    shared.update(m for m, (binds, _) in read.items() if binds)
    for package in sorted(namespace_dirs | set(inits), key=lambda p: p.count(".")):
        parent = package.rpartition(".")[0]
        if package in shared or (parent and parent not in shared):
            continue
        regular = package in inits
        if regular:
            hooks = _hooks_path(inits[package])
            read[package] = (read[package][0], hooks)
            if hooks:
                shared.add(package)
        elif package in namespace_dirs:
            shared.add(package)
    if signals is not None:
        signals.update((inits[m].relpath, value) for m, value in read.items())
    return frozenset(shared)


def path_signals(file: SourceFile, text_read: bool) -> tuple[bool, bool | None]:
    """What :func:`shared_namespaces` reads of a package's ``__init__.py``: whether it binds
    ``__path__``, and (``text_read``) whether its text extends ``__path__``."""
    return "__path__" in file.summary.bound_names, _hooks_path(file) if text_read else None


def _hooks_path(file: SourceFile) -> bool:
    if file.summary.line_count > _NAMESPACE_INIT_LINES:
        return False
    try:
        return re.search(_PATH_HOOK, file.path.read_bytes()) is not None
    except OSError:
        return False


class BuildFacts(NamedTuple):
    """The model's build fields, computed together once per model."""

    build: BuildInfo
    generated: frozenset[str]
    shared_namespaces: frozenset[str]


def read_build_facts(
    root: Path,
    *,
    pyproject: Mapping[str, Any] | None,
    package_roots: Sequence[Path],
    root_entries: Iterable[str],
    dir_rows: Iterable[Any],
    files: Sequence[SourceFile],
    directories: Sequence[Directory],
    signals: dict[str, tuple[bool, bool | None]] | None = None,
) -> BuildFacts:
    """What the engine stores in the model: the build configuration, the modules it
    creates, the shared namespaces (``signals``: see :func:`shared_namespaces`)."""
    info = read_build(
        root,
        build_files(root, root_entries, dir_rows),
        pyproject,
        (os.fspath(f.path) for f in files),
    )
    if info.unnamed:
        log.debug("the build may create modules pkgforge cannot name: %s", "; ".join(info.unnamed))
    return BuildFacts(
        info,
        generated_modules(info, directories, package_roots, root),
        shared_namespaces(files, directories, info.namespace_packages, signals),
    )
