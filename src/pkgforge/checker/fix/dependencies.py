"""Fixes of the declared dependencies (PF407, PF408), edited in pyproject.toml with tomlkit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tomlkit.items import InlineTable, Table

from pkgforge.checker.certainty import Reach
from pkgforge.checker.distmap import canonical, installed
from pkgforge.checker.findings import Finding
from pkgforge.checker.fix.base import FixRequest, Proposal, declined
from pkgforge.checker.fix.toml import add_requirement, dumps, load, new_table, remove_requirement
from pkgforge.checker.graph import ImportGraph, graph_of
from pkgforge.checker.model import Project
from pkgforge.checker.sites import project_site_dirs
from pkgforge.checker.summary import ImportScope

__all__ = ["declare_dependency", "import_time_modules", "remove_dependency"]

PYPROJECT = "pyproject.toml"


def declare_dependency(request: FixRequest) -> Iterator[Proposal]:
    """PF407: the providing distribution, bounded below by its installed version, in
    ``[project].dependencies`` when the import runs on the package's import, else in an
    extra named after it."""
    project = request.project
    document = load(request.read(PYPROJECT))
    table = document.get("project") if document is not None else None
    if document is None or not isinstance(table, Table):
        for finding in request.findings:
            declined(finding, "no [project] table in pyproject.toml to edit")
        return
    dynamic = table.get("dynamic", [])
    index = installed(project_site_dirs(project.root))
    graph = graph_of(project)
    reached = import_time_modules(project, graph)
    # distribution -> (its requirement, whether every user needs it, its findings)
    wanted: dict[str, tuple[str, bool, list[Finding]]] = {}
    for finding in request.findings:
        needed = finding.subject[0] if finding.subject else None
        owner = index.owner_of(needed) if needed is not None else None
        release = index.release_of(owner) if owner is not None else None
        if needed is None or release is None:
            declined(finding, "its distribution is not installed here: no version to bound it")
            continue
        name, version = release
        required = _runs_on_import(project, reached, finding, needed)
        _, before, found = wanted.get(canonical(name), ("", False, []))
        wanted[canonical(name)] = (f"{name}>={version}", before or required, [*found, finding])
    fixed: list[Finding] = []
    new_extras: dict[str, list[str]] = {}
    extras = table.get("optional-dependencies")
    for extra, (requirement, required, findings) in sorted(wanted.items()):
        where = "dependencies" if required else "optional-dependencies"
        if where in dynamic:
            for finding in findings:
                declined(finding, f"[project] {where} is dynamic: pkgforge cannot edit it")
            continue
        if required:
            _add(table, "dependencies", requirement)
        elif extras is None:
            new_extras[extra] = [requirement]
        elif isinstance(extras, Table | InlineTable):
            _add(extras, extra, requirement)
        else:
            for finding in findings:
                declined(finding, "[project] optional-dependencies is not a table")
            continue
        fixed += findings
    if new_extras:
        table["optional-dependencies"] = new_table(new_extras)
    if fixed:
        yield Proposal(tuple(fixed), {PYPROJECT: dumps(document)})


def _add(table: Table | Any, key: str, requirement: str) -> None:
    array = table.get(key)
    if array is None:
        table[key] = [requirement]
    else:
        add_requirement(array, requirement)


def _runs_on_import(project: Project, reached: set[str], finding: Finding, needed: str) -> bool:
    """Whether the import of ``needed`` at the finding's line runs whenever the package is
    imported: at module level, on every path, in a module that importing the package or
    loading an entry point reaches."""
    file = next((f for f in project.files if f.relpath == finding.path), None)
    if file is None or file.module not in reached:
        return False
    return any(
        info.line == finding.line
        and info.module == needed
        and info.reach is Reach.ALWAYS
        and info.scope in (ImportScope.MODULE, ImportScope.CLASS)
        and not info.in_function
        for info in file.summary.imports
    )


def import_time_modules(project: Project, graph: ImportGraph) -> set[str]:
    """The modules that run when a top-level package of the project is imported or an
    entry point is loaded (module-level imports, followed; parents run first)."""
    starts = [name for name in project.top_level if name in graph.modules]
    starts += _entry_point_modules(project.pyproject or {})
    reached: set[str] = set()
    pending = [m for start in starts for m in graph.run_order(start)]
    while pending:
        module = pending.pop()
        if module in reached:
            continue
        reached.add(module)
        for edge in graph.import_time_targets(module):
            pending.extend(graph.run_order(edge.target))
    return reached


def _entry_point_modules(pyproject: Mapping[str, Any]) -> list[str]:
    project = pyproject.get("project")
    if not isinstance(project, Mapping):
        return []
    tables: list[object] = [project.get("scripts"), project.get("gui-scripts")]
    groups = project.get("entry-points")
    if isinstance(groups, Mapping):
        tables += groups.values()
    return [
        value.partition(":")[0].strip()
        for table in tables
        if isinstance(table, Mapping)
        for value in table.values()
        if isinstance(value, str)
    ]


def remove_dependency(request: FixRequest) -> Iterator[Proposal]:
    """PF408: the requirement leaves ``[project].dependencies``."""
    document = load(request.read(PYPROJECT))
    table = document.get("project") if document is not None else None
    fixed: list[Finding] = []
    for finding in request.findings:
        removed = (
            finding.path == PYPROJECT
            and isinstance(table, Table)
            and "dependencies" not in table.get("dynamic", [])
            and bool(finding.subject)
            and remove_requirement(table, "dependencies", finding.subject[0])
        )
        if removed:
            fixed.append(finding)
        else:
            declined(finding, "not a requirement of [project].dependencies in pyproject.toml")
    if fixed and document is not None:
        yield Proposal(tuple(fixed), {PYPROJECT: dumps(document)})
