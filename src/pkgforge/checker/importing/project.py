"""``check --import``: a source project imported in its own environment.

This runs the project's code, so it is opt-in. It settles at run time what the
static rules cannot see (dynamic namespaces, compiled modules, import hooks), and
cross-checks them. :mod:`.interpreter` finds the project's Python; the run is
the one ``build`` and ``verify`` make of a wheel (:func:`.plan.import_package`),
with the project's source tree in place of the wheel: its package roots (and any
``package-dir`` mounts) come first on ``sys.path``, so the checked tree is what
runs, not a copy installed in the environment (an editable install *is* the
tree). The environment supplies everything else: the dependencies, and compiled
or generated modules that an editable install builds in place.
"""

from __future__ import annotations

import keyword
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.checker.importing.interpreter import Interpreter
from pkgforge.checker.importing.judge import Context, Declared
from pkgforge.checker.importing.plan import EntryPoint, ImportRun, Module, import_package
from pkgforge.checker.importing.runner import RunSetup, cpu_count, import_environment

if TYPE_CHECKING:
    from pkgforge.checker.model import Project, SourceFile

__all__ = [
    "DEFAULT_TIMEOUT",
    "declared_distributions",
    "import_check",
    "importable_files",
    "project_context",
    "run_imports",
]

log = logging.getLogger("pkgforge")

DEFAULT_TIMEOUT = 60.0
"""Seconds one module's import may take before it counts as hanging."""


def importable_files(project: Project) -> tuple[SourceFile, ...]:
    """The modules an import run imports: package code that an import statement can name.

    Left out: files outside any package (scripts), ``__main__`` (importing it runs the
    program), and names no import statement can spell (PF201/PF202 report those; a
    plugin loader or a path loads them).
    """
    chosen = []
    for file in project.files:
        parts = file.module.split(".") if file.module else []
        if not parts or parts[-1] == "__main__":
            continue
        if any(not p.isidentifier() or keyword.iskeyword(p) for p in parts):
            continue
        chosen.append(file)
    return tuple(chosen)


def run_imports(
    project: Project,
    interpreter: Interpreter,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | None = None,
) -> ImportRun:
    """Import each of :func:`importable_files` with ``interpreter``, as ``verify`` imports
    a wheel; report the failures."""
    files = importable_files(project)
    if not files:
        log.warning("--import: %s has no importable package modules", project.root)
        return ImportRun(interpreter, (), (), timeout)
    with tempfile.TemporaryDirectory(prefix="pkgforge-home-") as scratch:
        setup = RunSetup(
            executable=interpreter.executable,
            environ=import_environment(Path(scratch), Path(scratch)),
            paths=project.package_roots,
            mounts=_mounts(project),
            report=project.top_level,
            timeout=timeout,
            workers=max(1, jobs or cpu_count()),
        )
        modules = [Module(f.module, f.relpath, f.path, f.is_package) for f in files]
        return import_package(setup, interpreter, modules, entry_points=entry_points_of(project))


def entry_points_of(project: Project) -> tuple[EntryPoint, ...]:
    """``[project.scripts]``, ``[project.gui-scripts]`` and ``[project.entry-points]``."""
    table = (project.pyproject or {}).get("project")
    if not isinstance(table, Mapping):
        return ()
    groups: dict[str, object] = {
        "console_scripts": table.get("scripts"),
        "gui_scripts": table.get("gui-scripts"),
    }
    more = table.get("entry-points")
    if isinstance(more, Mapping):
        groups.update(more)
    points: list[EntryPoint] = []
    for group, entries in groups.items():
        if isinstance(entries, Mapping):
            points.extend(
                EntryPoint(str(group), str(name), value.strip())
                for name, value in entries.items()
                if isinstance(value, str) and value.strip()
            )
    return tuple(points)


def _mounts(project: Project) -> dict[str, Path]:
    """Modules and packages that the package roots on sys.path would not find where
    discovery found them (``package-dir = {acme = "lib/acme_src"}``)."""
    where: dict[str, Path] = {d.package: d.path for d in project.directories if d.package}
    for file in project.files:
        if file.module and not file.is_package:
            where.setdefault(file.module, file.path)
    mounts: dict[str, Path] = {}
    for name, path in where.items():
        parent, _, last = name.rpartition(".")
        bases = [where.get(parent)] if parent else list(project.package_roots)
        expected = last if path.is_dir() else f"{last}.py"
        if path.name != expected or not any(b is not None and path.parent == b for b in bases):
            mounts[name] = path
    return mounts


def declared_distributions(project: Project) -> Declared:
    """What the project declares (read once by :mod:`pkgforge.checker.declared`, which the
    dependency rules share), as a judge needs it."""
    from pkgforge.checker.declared import declarations_of

    declarations = declarations_of(project)
    required = frozenset(r.name for r in declarations.requirements if r.main)
    optional: dict[str, list[str]] = {}
    for requirement in declarations.requirements:
        if not requirement.main:
            optional.setdefault(requirement.name, []).append(requirement.source)
    return Declared(
        required,
        {name: tuple(where) for name, where in optional.items()},
        declarations.unknown is not None,
    )


def project_context(project: Project, run: ImportRun) -> Context:
    """What the judge knows of a source project."""
    from pkgforge.checker.distmap import import_names_of

    declared = declared_distributions(project)
    installed = run.interpreter.installed
    by_relpath = {f.relpath: f.path for f in project.files}

    def read(relpath: str) -> str | None:
        path = by_relpath.get(relpath)
        try:
            return path.read_text(encoding="utf-8") if path is not None else None
        except (OSError, UnicodeDecodeError):
            return None

    def source_of(module: str) -> str | None:
        file = project.modules.get(module)
        return read(file.relpath) if file is not None else None

    return Context(
        declared=declared,
        names_of=import_names_of,
        sources=frozenset(project.modules)
        | frozenset(d.package for d in project.directories if d.package),
        unbuilt=tuple(sorted(_without_source(project))),
        script_modules=_script_modules(project),
        read=read,
        source_of=source_of,
        absent=None if installed is None else tuple(sorted(declared.names - installed)),
        has_project_table=isinstance((project.pyproject or {}).get("project"), Mapping),
        may_be_built=lambda package, name: _maybe_built(project, package, name),
    )


def _maybe_built(project: Project, package: str, name: str) -> bool:
    """``from package import name`` could find a submodule that the build makes."""
    file = project.modules.get(package)
    if file is None or not file.is_package or f"{package}.{name}" in project.modules:
        return False
    if any(d.package == f"{package}.{name}" for d in project.directories):
        return False
    summary = file.summary
    bound = {b.name for b in summary.bindings}
    for info in summary.imports:
        bound.update(info.bound)
    return name not in bound


def _script_modules(project: Project) -> frozenset[str]:
    """Modules in a folder without ``__init__.py`` below a package."""
    by_relpath = {d.relpath: d for d in project.directories}
    scripts = set()
    for file in project.files:
        if not file.module or "." not in file.module or file.is_package:
            continue
        parent = by_relpath.get(file.relpath.rpartition("/")[0])
        if parent is None or parent.has_init:
            continue
        above = parent.relpath.rpartition("/")[0]
        while above and above in by_relpath:
            if by_relpath[above].has_init:
                scripts.add(file.module)
                break
            above = above.rpartition("/")[0]
    return frozenset(scripts)


def _without_source(project: Project) -> set[str]:
    """Names inside the project's packages that have no Python source: subdirectories
    that are not packages, and ``.pyi`` stubs without a ``.py``."""
    packages = {d.package for d in project.directories if d.package}
    names: set[str] = set()
    for directory in project.directories:
        if not directory.package:
            continue
        for sub in directory.subdirs:
            name = f"{directory.package}.{sub}"
            if sub.isidentifier() and name not in packages:
                names.add(name)
        sources = {entry[:-3] for entry in directory.entries if entry.endswith(".py")}
        for entry in directory.entries:
            stem = entry[:-4]
            if entry.endswith(".pyi") and stem not in sources and stem.isidentifier():
                names.add(f"{directory.package}.{stem}")
    return names


def import_check(
    project: Project,
    python: str | os.PathLike[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | None = None,
) -> ImportRun:
    """Find the project's interpreter (see :mod:`.interpreter`) and import every module
    with it. Raise UsageError when there is no usable one."""
    from pkgforge.checker.importing.interpreter import find_interpreter

    table = (project.pyproject or {}).get("project")
    name = table.get("name") if isinstance(table, Mapping) else None
    interpreter = find_interpreter(
        project.root,
        python,
        requires_python=project.requires_python,
        project_name=name if isinstance(name, str) else None,
        distributions=declared_distributions(project).names,
    )
    return run_imports(project, interpreter, timeout=timeout, jobs=jobs)
