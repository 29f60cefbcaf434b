"""The project model: what discovery found and what rules read.

CONTRACT (shared by the engine and the rules): field names are stable; add
fields, do not rename them. Rules never touch the file system for source
files; they read this model. Paths in findings are ``relpath`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pkgforge.checker.backends.buildinfo import BuildInfo
from pkgforge.checker.summary import ModuleSummary

if TYPE_CHECKING:
    from pkgforge.config import Settings

__all__ = ["Directory", "Project", "SourceFile"]


@dataclass(frozen=True)
class SourceFile:
    """A Python file the walk found, and its summary."""

    path: Path
    """Absolute path."""
    relpath: str
    """POSIX path relative to ``Project.root``; what findings report."""
    module: str
    """Dotted import name (``sound.effects.echo``; ``sound`` for sound/__init__.py).
    Empty for a file outside any package root (a script, a test helper)."""
    is_package: bool
    """True for an ``__init__.py``."""
    summary: ModuleSummary


@dataclass(frozen=True)
class Directory:
    """A directory under the package roots."""

    path: Path
    relpath: str
    entries: tuple[str, ...]
    """Every name in the directory, sorted (files and subdirectories)."""
    subdirs: tuple[str, ...]
    has_init: bool
    package: str
    """Dotted name if this directory is (or should be) an import package, else ''."""


@dataclass(frozen=True)
class Project:
    """The project the rules read: its files, directories, configuration and build."""

    root: Path
    """The checked directory (where pyproject.toml is, or the plain directory given)."""
    pyproject_path: Path | None
    pyproject: Mapping[str, Any] | None
    """Parsed pyproject.toml; None when there is none or it does not parse."""
    pyproject_error: str | None
    package_roots: tuple[Path, ...]
    """Directories placed on sys.path when the project is installed (src/, or root)."""
    top_level: tuple[str, ...]
    """Top-level import names the project provides (packages and single modules)."""
    files: tuple[SourceFile, ...]
    """Every parsed .py file under the package roots, sorted by relpath."""
    directories: tuple[Directory, ...]
    """Every directory under the package roots that holds Python files or packages."""
    bytecode: tuple[str, ...]
    """relpaths of every .pyc/.pyo under the package roots (PF102 decides which are orphans)."""
    settings: Settings
    extra: Mapping[str, Any] = field(default_factory=dict)
    build: BuildInfo = field(default_factory=BuildInfo)
    """What the build configuration says: modules it creates, what the wheel holds."""
    generated: frozenset[str] = frozenset()
    """Dotted names (``*`` globs allowed) of modules that exist only after a build:
    extension modules, CFFI modules, a ``_version.py`` written at build time."""
    shared_namespaces: frozenset[str] = frozenset()
    """Packages whose submodules other distributions may provide (``google``,
    ``zope``): the project owns only its own portions of them."""

    @cached_property
    def modules(self) -> Mapping[str, SourceFile]:
        """Dotted name -> file, for files inside a package root."""
        return {f.module: f for f in self.files if f.module}

    @cached_property
    def allows_python2(self) -> bool:
        """Whether requires-python lets Python 2 install the project (whose standard
        library, grammar and import rules differ)."""
        spec = self.requires_python or self._sdist_requires_python()
        if spec is None:
            return False
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            return SpecifierSet(spec).contains("2.7.18")
        except InvalidSpecifier:
            return False

    def _sdist_requires_python(self) -> str | None:
        """``Requires-Python`` of an unpacked sdist's PKG-INFO: the metadata a setup.py-only
        project was built with (its ``python_requires`` may be computed)."""
        try:
            with (self.root / "PKG-INFO").open("rb") as stream:
                from email.parser import BytesHeaderParser

                headers = BytesHeaderParser().parse(stream)
        except OSError:
            return None
        value = headers.get("Requires-Python")
        return value if isinstance(value, str) else None

    @property
    def requires_python(self) -> str | None:
        project = (self.pyproject or {}).get("project")
        value = project.get("requires-python") if isinstance(project, Mapping) else None
        return value if isinstance(value, str) else None


_View = TypeVar("_View")


def shared_view(
    project: Project, key: str, kind: type[_View], make: Callable[[Project], _View]
) -> _View:
    """What ``make`` derives from ``project``, made once per project model and shared by
    its readers: kept in ``project.extra`` under ``key``. A view that names its project
    (``view.project``) is reused only for that one, since ``dataclasses.replace`` hands a
    new model the same ``extra``; a read-only ``extra`` mapping just does not share."""
    found = project.extra.get(key)
    if isinstance(found, kind) and getattr(found, "project", project) is project:
        return found
    made = make(project)
    with suppress(TypeError):
        project.extra[key] = made  # type: ignore[index]
    return made
