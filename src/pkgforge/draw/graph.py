"""``pkgforge graph``: the module-level import graph, its cycles, and the cycles that break.

Everything comes from the checker's import graph (:mod:`pkgforge.checker.graph`),
so the picture shows what ``check`` proves: an edge is an import that runs while its
module is imported (not one inside a function or under ``if TYPE_CHECKING:``); a
cycle is a PF406 cycle; a broken import is a PF411 finding, with the module whose
import, first in a fresh interpreter, makes it fail. The renderers are in
:mod:`.render`.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.checker.engine import load_project
from pkgforge.errors import ProjectNotFoundError, UsageError

if TYPE_CHECKING:
    from pkgforge.checker.graph import Breakage, ImportGraph
    from pkgforge.checker.model import Project

__all__ = [
    "BrokenImport",
    "ImportCycle",
    "ImportEdge",
    "ModuleGraph",
    "ModuleNode",
    "import_graph",
]


@dataclass(frozen=True)
class ModuleNode:
    name: str
    """The dotted module name (``sound.effects`` for ``sound/effects/__init__.py``)."""
    path: str
    """POSIX path relative to the project root."""
    is_package: bool
    cycle: int | None = None
    """The number of its import cycle (:attr:`ImportCycle.number`), if it is on one."""


@dataclass(frozen=True)
class BrokenImport:
    """A ``from X import name`` that fails at import time (PF411)."""

    importer: str
    target: str
    name: str
    path: str
    """The importer's file, relative to the project root."""
    line: int
    statement: str
    entry: str
    """The module whose import, first in a fresh interpreter, makes the statement fail."""
    certain: bool
    """True when that is how a program starts (PF411 is an error); False when only a
    direct import of an inner module, or a statement that runs only on some paths, gets
    there (a warning)."""
    bound_at: int
    """The line where ``target`` binds ``name``: after the import that started the cycle."""
    suspended_at: int
    """The line of ``target`` whose import is still running when the statement fails."""
    chain: tuple[tuple[str, int], ...]
    """(module, line) of each import in progress, from the entry to the failing statement."""


@dataclass(frozen=True)
class ImportEdge:
    """``source`` imports ``target`` at module level (first at ``line``)."""

    source: str
    target: str
    line: int
    statement: str
    """The first statement that imports it."""
    cycle: int | None = None
    """The number of the import cycle both modules are on."""
    on_broken_cycle: bool = False
    """The import is in progress when a broken import of the same cycle fails."""
    breaks: tuple[BrokenImport, ...] = ()
    """The broken imports this edge stands for (its statements that fail)."""


@dataclass(frozen=True)
class ImportCycle:
    """Modules that import each other at module level (PF406): a strongly connected
    component of the import graph."""

    number: int
    """1, 2, ... in order of the modules' names."""
    modules: tuple[str, ...]
    loop: tuple[str, ...]
    """A shortest loop through it, its first module again at the end (PF406's message)."""
    breaks: bool
    """An import inside it fails at import time (PF411)."""


@dataclass(frozen=True)
class ModuleGraph:
    """What ``pkgforge graph`` draws: all the project's modules, or those ``focus`` and
    ``depth`` keep, and the imports, cycles and broken imports between them."""

    root: Path
    modules: tuple[ModuleNode, ...]
    """By name."""
    edges: tuple[ImportEdge, ...]
    """By source, then target."""
    cycles: tuple[ImportCycle, ...]
    """The cycles that hold a module drawn here (every one of their modules is listed)."""
    broken: tuple[BrokenImport, ...]
    """The broken imports whose statement is drawn here."""
    total_modules: int
    """How many modules the project has, drawn or not."""
    focus: str | None = None
    depth: int | None = None

    def node(self, name: str) -> ModuleNode | None:
        for node in self.modules:
            if node.name == name:
                return node
        return None


def import_graph(
    path: str | os.PathLike[str] = ".",
    *,
    focus: str | None = None,
    depth: int | None = None,
    use_cache: bool = True,
) -> ModuleGraph:
    """The module-level import graph of the project at (or around) ``path``.

    ``focus`` (a dotted module or package name) keeps that module, the modules under it,
    and those within ``depth`` imports of them, either way (default 1). A ``path`` inside
    the project, a package's folder or a module's file, is the focus when ``focus`` is not
    given. ``depth`` without a focus counts from the top-level packages. Raise
    :class:`~pkgforge.errors.UsageError` for an unknown ``focus`` or a negative ``depth``,
    :class:`~pkgforge.errors.ProjectNotFoundError` when the project has no module.
    """
    if depth is not None and depth < 0:
        raise UsageError(f"--depth must be 0 or more, not {depth}", hint="give --depth 1 or 2")
    project = load_project(path, use_cache=use_cache)
    from pkgforge.checker.graph import graph_of, import_breakages

    graph = graph_of(project)
    names = sorted(graph.modules)
    if not names:
        raise ProjectNotFoundError(
            f"no Python module found in {os.fspath(path)!r}",
            hint="give a project folder that holds a package (or a folder inside one)",
        )
    if focus is None:
        focus = _module_at(project, str(project.extra.get("focus", "")))
    successors = {m: _import_time_targets(graph, m) for m in names}
    kept = _kept(names, successors, focus, depth)
    cycles = _cycles(graph)
    broken = [_broken(graph, b) for b in import_breakages(graph)]
    numbered = {m: c.number for c in cycles for m in c.modules}
    cycles = [
        ImportCycle(
            c.number,
            c.modules,
            c.loop,
            any(b.importer in c.modules and b.target in c.modules for b in broken),
        )
        for c in cycles
    ]
    edges = _edges(graph, kept, numbered, broken)
    return ModuleGraph(
        root=project.root,
        modules=tuple(
            ModuleNode(m, graph.modules[m].relpath, graph.modules[m].is_package, numbered.get(m))
            for m in names
            if m in kept
        ),
        edges=edges,
        cycles=tuple(c for c in cycles if kept.intersection(c.modules)),
        broken=tuple(b for b in broken if b.importer in kept),
        total_modules=len(names),
        focus=focus,
        depth=depth,
    )


def _module_at(project: Project, relpath: str) -> str | None:
    """The module or package at the root-relative ``relpath``; None for the project's
    root, or a folder above the packages (``src``)."""
    if not relpath:
        return None
    for directory in project.directories:
        if directory.relpath == relpath and directory.package:
            return directory.package
    for file in project.files:
        if file.relpath == relpath and file.module:
            return file.module
    return None


def _import_time_targets(graph: ImportGraph, module: str) -> list[str]:
    return sorted({e.target for e in graph.import_time_targets(module)})


def _kept(
    names: list[str], successors: Mapping[str, list[str]], focus: str | None, depth: int | None
) -> set[str]:
    """The modules drawn: all of them, or those within ``depth`` imports of the focus."""
    if focus is None and depth is None:
        return set(names)
    if focus is not None:
        start = {m for m in names if m == focus or m.startswith(f"{focus}.")}
        if not start:
            raise _unknown_focus(focus, names)
    else:
        start = {m for m in names if "." not in m} or {
            m for m in names if m.count(".") == min(n.count(".") for n in names)
        }
    limit = 1 if depth is None else depth
    neighbours: dict[str, set[str]] = {m: set(successors[m]) for m in names}
    for module, targets in successors.items():
        for target in targets:
            neighbours[target].add(module)
    return _within(start, neighbours, limit)


def _within(start: Iterable[str], neighbours: Mapping[str, set[str]], limit: int) -> set[str]:
    distance = dict.fromkeys(start, 0)
    queue = deque(distance)
    while queue:
        module = queue.popleft()
        if distance[module] == limit:
            continue
        for other in sorted(neighbours[module]):
            if other not in distance:
                distance[other] = distance[module] + 1
                queue.append(other)
    return set(distance)


def _unknown_focus(focus: str, names: list[str]) -> UsageError:
    import difflib

    close = difflib.get_close_matches(focus, names, n=1)
    hint = f"did you mean {close[0]}?" if close else "give a dotted module name of the project"
    return UsageError(f"--focus: the project has no module {focus}", hint=hint)


def _cycles(graph: ImportGraph) -> list[ImportCycle]:
    found = []
    for number, component in enumerate(graph.cycles(), start=1):
        path = graph.shortest_cycle(component)
        loop = (*(edge.source for edge in path), path[-1].target) if path else tuple(component)
        found.append(ImportCycle(number, tuple(component), loop, breaks=False))
    return found


def _broken(graph: ImportGraph, breakage: Breakage) -> BrokenImport:
    return BrokenImport(
        importer=breakage.importer,
        target=breakage.target,
        name=breakage.name,
        path=graph.modules[breakage.importer].relpath,
        line=breakage.info.line,
        statement=breakage.info.statement,
        entry=breakage.entry,
        certain=breakage.certain,
        bound_at=breakage.bound_at,
        suspended_at=breakage.suspended_at,
        chain=breakage.chain,
    )


def _edges(
    graph: ImportGraph, kept: set[str], numbered: Mapping[str, int], broken: list[BrokenImport]
) -> tuple[ImportEdge, ...]:
    first: dict[tuple[str, str], tuple[int, str]] = {}
    for module in sorted(kept):
        for edge in graph.import_time_targets(module):
            if edge.target not in kept:
                continue
            key = (module, edge.target)
            line = edge.info.line
            if key not in first or line < first[key][0]:
                first[key] = (line, edge.info.statement)
    breaks: dict[tuple[str, str], list[BrokenImport]] = {}
    on_loop: set[tuple[str, str]] = set()
    for item in broken:
        key = (item.importer, item.target)
        breaks.setdefault(key, []).append(item)
        if item.importer in kept and item.target in kept and key not in first:
            first[key] = (item.line, item.statement)  # a self-import the graph keeps no edge for
        on_loop.update(_broken_loop(item))
    edges = []
    for (source, target), (line, statement) in sorted(first.items()):
        cycle = numbered.get(source)
        edges.append(
            ImportEdge(
                source,
                target,
                line,
                statement,
                cycle=cycle if cycle is not None and numbered.get(target) == cycle else None,
                on_broken_cycle=(source, target) in on_loop,
                breaks=tuple(breaks.get((source, target), ())),
            )
        )
    return tuple(edges)


def _broken_loop(item: BrokenImport) -> set[tuple[str, str]]:
    """The imports in progress from where the target was suspended to the failing one."""
    modules = [module for module, _ in item.chain]
    start = modules.index(item.target) if item.target in modules else 0
    loop = modules[start:]
    return {(a, b) for a, b in itertools.pairwise(loop) if a != b}
