"""``pkgforge tree``: the package as the Python tutorial draws it.

The tutorial shows a package as its folders and files: the top-level package, each
subpackage with its ``__init__.py``, their modules, and a word about each. This is
that drawing, made from the checker's model of the project: each entry says what its
``__all__`` exports, or that it is a namespace package, a compiled module, or left
out of the wheel. Nothing is parsed here; the renderers are in :mod:`.render.tree`.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.checker.engine import load_project
from pkgforge.errors import ProjectNotFoundError

if TYPE_CHECKING:
    from pkgforge.checker.graph import ImportGraph
    from pkgforge.checker.model import Directory, Project, SourceFile
    from pkgforge.checker.shipping import WheelView

__all__ = ["AllState", "EntryKind", "PackageTree", "TreeEntry", "package_tree"]

# Binary extension modules; any ABI tag may come before the suffix (echo.cpython-312-x86_64
# -linux-gnu.so, echo.abi3.so, echo.cp312-win_amd64.pyd).
_EXTENSION_SUFFIXES = (".so", ".pyd")
_INIT = "__init__.py"


class EntryKind(enum.StrEnum):
    PACKAGE = "package"
    """A folder with an ``__init__.py``: a regular package."""
    NAMESPACE = "namespace"
    """A folder of modules without ``__init__.py``: a namespace package (PEP 420)."""
    INIT = "init"
    """A package's ``__init__.py``."""
    MODULE = "module"
    """A Python source module."""
    COMPILED = "compiled"
    """An extension module: a compiled file, or a source the build compiles (``.pyx``)."""
    BUILT = "built"
    """A module only the build makes, with no file in the source tree (a ``_version.py``
    that setuptools-scm writes, a Rust module maturin compiles)."""
    UNNAMED = "unnamed"
    """A ``.py`` file in a package whose name is no module name pkgforge accepts
    (``my-mod.py``, ``2d.py``, a non-ASCII name: PF201)."""

    @property
    def is_folder(self) -> bool:
        return self in (EntryKind.PACKAGE, EntryKind.NAMESPACE)


class AllState(enum.StrEnum):
    NONE = "none"
    """The module has no ``__all__``."""
    LISTED = "listed"
    """``__all__`` is readable: :attr:`TreeEntry.exports` lists it."""
    UNREADABLE = "unreadable"
    """``__all__`` is computed in a way pkgforge cannot read (PF301)."""


@dataclass(frozen=True)
class TreeEntry:
    """One folder or file of the drawing."""

    name: str
    """The name on disk: ``effects`` for a folder, ``echo.py``, ``_speedups.pyx``."""
    kind: EntryKind
    module: str
    """The dotted import name (``sound.effects.echo``; ``sound.effects`` for the folder and
    its ``__init__.py``)."""
    path: str
    """POSIX path relative to the project root; '' for a module the build makes."""
    top_level: bool = False
    all_state: AllState = AllState.NONE
    exports: tuple[str, ...] = ()
    """The names ``__all__`` lists (for :attr:`AllState.LISTED`)."""
    shipped: bool | None = None
    """False when the build configuration proves the wheel leaves it out; True when it
    proves the wheel holds it; None when it cannot tell."""
    problem: str | None = None
    """Why the file could not be read (a syntax error, undecodable bytes)."""
    children: tuple[TreeEntry, ...] = ()
    """In drawing order: ``__init__.py`` first, then subpackages and modules by name."""

    def walk(self) -> Iterator[TreeEntry]:
        """This entry, then every entry below it, in drawing order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class PackageTree:
    """What ``pkgforge tree`` draws."""

    root: Path
    """The project's root folder."""
    entries: tuple[TreeEntry, ...]
    """The top-level packages and modules (or, for a PATH inside the project, what is
    at or under it), by name."""

    def walk(self) -> Iterator[TreeEntry]:
        for entry in self.entries:
            yield from entry.walk()


def package_tree(path: str | os.PathLike[str] = ".", *, use_cache: bool = True) -> PackageTree:
    """The packages and modules of the project at (or around) ``path``, drawn as the Python
    tutorial draws a package. A ``path`` inside the project draws only what is at or under
    it. Raise :class:`~pkgforge.errors.ProjectNotFoundError` when there is nothing to draw."""
    project = load_project(path, use_cache=use_cache)
    entries = _Builder(project).top_entries()
    focus = str(project.extra.get("focus", ""))
    if focus:
        entries = _focused(entries, focus)
    if not entries:
        where = f"{os.fspath(path)!r}"
        raise ProjectNotFoundError(
            f"no Python package or module found in {where}",
            hint="give a project folder that holds a package (or a folder inside one)",
        )
    return PackageTree(project.root, entries)


def _focused(entries: tuple[TreeEntry, ...], focus: str) -> tuple[TreeEntry, ...]:
    """The entries at or under the root-relative path ``focus``."""
    kept: list[TreeEntry] = []
    for entry in entries:
        if entry.path == focus or entry.path.startswith(f"{focus}/"):
            kept.append(entry)
        elif entry.kind.is_folder and focus.startswith(f"{entry.path}/"):
            kept.extend(_focused(entry.children, focus))
    return tuple(kept)


class _Builder:
    def __init__(self, project: Project) -> None:
        from pkgforge.checker.graph import graph_of
        from pkgforge.checker.shipping import wheel_view

        self.project = project
        self.graph: ImportGraph = graph_of(project)
        self.wheel: WheelView = wheel_view(project)
        self.folders: dict[str, Directory] = {}
        for directory in project.directories:
            if directory.package:
                self.folders.setdefault(directory.package, directory)
        self.files: dict[str, SourceFile] = dict(project.modules)
        self.unnamed = frozenset(f.relpath for f in project.files if not f.module)
        self.children: dict[str, set[str]] = {}
        for name in (*self.folders, *self.files, *self._built_names()):
            parent = name.rpartition(".")[0]
            self.children.setdefault(parent, set()).add(name)

    def _built_names(self) -> list[str]:
        """Modules the build configuration names (no globs), inside a package drawn here."""
        return [
            name
            for name in self.project.generated
            if "*" not in name and name.rpartition(".")[0] in self.folders
        ]

    def top_entries(self) -> tuple[TreeEntry, ...]:
        tops = self.children.get("", set())
        return _ordered([self._entry(name, {}, top_level=True) for name in tops])

    def _entry(
        self, module: str, compiled: dict[str, str], *, top_level: bool = False
    ) -> TreeEntry:
        folder = self.folders.get(module)
        if folder is not None:
            return self._folder(module, folder, top_level=top_level)
        file = self.files.get(module)
        if file is not None:
            return self._module(file, EntryKind.MODULE, top_level=top_level)
        parent, _, stem = module.rpartition(".")
        compiled_file = compiled.get(stem)
        if compiled_file is not None:
            folder_path = self.folders[parent].relpath
            return TreeEntry(
                name=compiled_file,
                kind=EntryKind.COMPILED,
                module=module,
                path=f"{folder_path}/{compiled_file}" if folder_path else compiled_file,
            )
        return TreeEntry(name=stem, kind=EntryKind.BUILT, module=module, path="")

    def _folder(self, package: str, folder: Directory, *, top_level: bool) -> TreeEntry:
        children: list[TreeEntry] = []
        init = self.files.get(package)
        if init is not None and init.is_package:
            children.append(self._module(init, EntryKind.INIT))
        compiled = self._compiled_files(package, folder)
        names = self.children.get(package, set()) | {f"{package}.{stem}" for stem in compiled}
        below = [self._entry(name, compiled) for name in names]
        below += self._unnamed(folder)
        children += _ordered(below)
        return TreeEntry(
            name=folder.path.name,
            kind=EntryKind.PACKAGE if folder.has_init else EntryKind.NAMESPACE,
            module=package,
            path=folder.relpath,
            top_level=top_level,
            shipped=self._folder_shipped(package, children),
            children=tuple(children),
        )

    def _unnamed(self, folder: Directory) -> list[TreeEntry]:
        found = []
        for name in folder.entries:
            relpath = f"{folder.relpath}/{name}" if folder.relpath else name
            if relpath in self.unnamed:
                found.append(TreeEntry(name=name, kind=EntryKind.UNNAMED, module="", path=relpath))
        return found

    def _compiled_files(self, package: str, folder: Directory) -> dict[str, str]:
        """Extension modules in ``folder`` that have no Python source: stem -> file name.
        A compiled file (``.so``, ``.pyd``) counts, and so does a source that the build
        configuration compiles into a module (``echo.pyx``); the compiled file wins."""
        found: dict[str, str] = {}
        for name in folder.entries:
            if name.endswith((".py", ".pyi")) or name in folder.subdirs:
                continue
            stem = name.partition(".")[0]
            module = f"{package}.{stem}"
            if not stem.isidentifier() or module in self.files or module in self.folders:
                continue
            if name.endswith(_EXTENSION_SUFFIXES):
                found[stem] = name
            elif self._named_by_build(module):
                found.setdefault(stem, name)
        return found

    def _named_by_build(self, module: str) -> bool:
        if module in self.project.generated:
            return True
        return any(pattern.fullmatch(module) for pattern in self.graph.built_patterns)

    def _folder_shipped(self, package: str, children: list[TreeEntry]) -> bool | None:
        modules = [e for child in children for e in child.walk() if not e.kind.is_folder]
        sources = [e for e in modules if e.kind in (EntryKind.INIT, EntryKind.MODULE)]
        if sources and all(e.shipped is False for e in sources):
            return False
        return self.wheel.ships(package) or None

    def _module(self, file: SourceFile, kind: EntryKind, *, top_level: bool = False) -> TreeEntry:
        summary = file.summary
        state = AllState.NONE
        exports: tuple[str, ...] = ()
        if summary.all is not None:
            listed = self.graph.exported(file.module)
            state = AllState.UNREADABLE if listed is None else AllState.LISTED
            exports = listed or ()
        problem = summary.problem.message if summary.problem is not None else None
        return TreeEntry(
            name=file.path.name,
            kind=kind,
            module=file.module,
            path=file.relpath,
            top_level=top_level,
            all_state=state,
            exports=exports,
            shipped=self._module_shipped(file),
            problem=problem,
        )

    def _module_shipped(self, file: SourceFile) -> bool | None:
        if self.wheel.module_left_out(file.module):
            return False
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        return self.wheel.ships(package) or None


def _ordered(entries: list[TreeEntry]) -> tuple[TreeEntry, ...]:
    """By name, as ``ls`` sorts for people: case folded first, then exactly."""
    return tuple(sorted(entries, key=lambda e: (e.name.casefold(), e.name)))
