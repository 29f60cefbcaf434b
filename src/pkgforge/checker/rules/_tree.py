"""Questions the layout and names rules ask of the project's directory tree."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pkgforge.checker.model import Directory, Project, shared_view

__all__ = ["Node", "TreeView", "tree_view"]


@dataclass(frozen=True)
class Node:
    """A module file or a Python directory, in a directory whose contents are importable."""

    name: str
    """The module name it would import as: ``echo`` for echo.py and for echo/."""
    relpath: str
    is_dir: bool
    top_level: bool


class TreeView:
    """Directories by relpath, and which of them hold importable names."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.dirs: Mapping[str, Directory] = {d.relpath: d for d in project.directories}
        layout = project.extra.get("layout")
        mounts = getattr(layout, "mounts", ())
        self.mount_roots = {m.path for m in mounts} or set(project.package_roots)
        self.flat_roots = {m.path for m in mounts if getattr(m, "flat", False)}
        self.files = {f.relpath for f in project.files}

    def is_mount_root(self, directory: Directory) -> bool:
        return directory.path in self.mount_roots

    def holds_modules(self, directory: Directory) -> bool:
        """True when the names in ``directory`` are import names: a package root, or a
        directory inside one reached through importable names only."""
        return self.is_mount_root(directory) or bool(directory.package)

    def is_top(self, directory: Directory) -> bool:
        return self.is_mount_root(directory) and not _prefixed(self.project, directory)

    def parent(self, directory: Directory) -> Directory | None:
        if self.is_mount_root(directory):
            return None
        return self.dirs.get(posixpath.dirname(directory.relpath))

    def nodes(self, directory: Directory) -> Iterator[Node]:
        """The module files and Python subdirectories directly in ``directory``."""
        top = self.is_top(directory)
        for entry in directory.entries:
            relpath = f"{directory.relpath}/{entry}" if directory.relpath else entry
            if entry.endswith(".py") and relpath in self.files:
                if entry != "__init__.py":
                    yield Node(entry[:-3], relpath, False, top)
            elif entry in directory.subdirs and relpath in self.dirs:
                yield Node(entry, relpath, True, top)


def _prefixed(project: Project, directory: Directory) -> bool:
    layout = project.extra.get("layout")
    return any(m.path == directory.path and m.prefix for m in getattr(layout, "mounts", ()))


def tree_view(project: Project) -> TreeView:
    """One TreeView per project, shared by the rules of a run."""
    return shared_view(project, "_tree_view", TreeView, TreeView)
