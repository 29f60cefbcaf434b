"""The project's import graph, built from the per-file summaries (no parsing here).

Each import statement is resolved against the project's own modules. Two edge
sets come out of it:

* ``edges``: what a statement names explicitly. ``from pkg import sub`` is an
  edge to the submodule ``pkg.sub``; ``from pkg import name`` is an edge to
  ``pkg``. Import cycles (PF406) are the strongly connected components of the
  module-level ones, as grimp and import-linter count them.
* ``runs``: what executing the statement runs. Importing ``a.b.c`` runs
  ``a/__init__`` and ``a/b/__init__`` first, so ``runs`` adds the parent
  packages. The import-order simulation (PF411) follows these.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from pkgforge.checker.certainty import Reach
from pkgforge.checker.summary import ImportInfo, ImportScope

if TYPE_CHECKING:
    from pkgforge.checker.model import Project, SourceFile

__all__ = [
    "Breakage",
    "Edge",
    "ImportGraph",
    "ResolvedImport",
    "build_graph",
    "graph_of",
    "import_breakages",
    "strongly_connected",
]

# Imports that run while the module itself is being imported.
_IMPORT_TIME = frozenset({ImportScope.MODULE, ImportScope.CLASS, ImportScope.OPTIONAL})


class Edge(NamedTuple):
    """``source`` imports the project module ``target`` at ``info.line``."""

    source: str
    target: str
    info: ImportInfo
    name: str | None = None
    """For ``from X import name``: the name, when ``target`` is X (not a submodule)."""

    @property
    def at_import_time(self) -> bool:
        return self.info.scope in _IMPORT_TIME and not self.info.in_function


class ResolvedImport(NamedTuple):
    """One import statement of a project module, resolved to absolute names."""

    importer: str
    info: ImportInfo
    base: str | None
    """The absolute module the statement names (``from ..x import y`` in ``p.q.r`` -> ``p.x``);
    None when a relative import climbs above the top-level package."""

    @property
    def beyond_top(self) -> bool:
        return self.base is None

    @property
    def top(self) -> str:
        return (self.base or "").partition(".")[0]


class ImportGraph:
    """Resolved imports and the module-level edges between the project's modules."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.modules: Mapping[str, SourceFile] = project.modules
        self.packages = frozenset(
            [m for m, f in self.modules.items() if f.is_package]
            + [d.package for d in project.directories if d.package]
        )
        # modules the build creates (extension modules, a generated _version.py)
        built = {g for g in project.generated if "*" not in g}
        # `pkg.*` from cythonize("pkg/*.pyx"): a `*` stays inside one name
        self.built_patterns = tuple(
            re.compile(re.escape(g).replace(r"\*", "[^.]*"))
            for g in sorted(project.generated)
            if "*" in g
        )
        self.top_level = (
            frozenset(project.top_level)
            | {m.partition(".")[0] for m in self.modules}
            | {g for g in built if "." not in g}  # a top-level extension module
        )
        # extension modules and stubs beside the sources (`_speedups.c`, `.so`, `.pyi`)
        self.opaque = frozenset(
            f"{d.package}.{entry.partition('.')[0]}"
            for d in project.directories
            if d.package
            for entry in d.entries
            if "." in entry.strip(".")
        ).union(built)
        self.shared = project.shared_namespaces
        # any subdirectory of a package imports, as a namespace package, Python files or not
        self.subdirs = frozenset(
            f"{d.package}.{sub}" for d in project.directories if d.package for sub in d.subdirs
        )
        self.unnamed_builds = project.build.unnamed
        self._import_time: dict[str, list[Edge]] = {}
        self._children: dict[str, frozenset[str]] | None = None
        self._exported_cache: dict[str, tuple[str, ...] | None] = {}
        self.resolved: dict[str, list[ResolvedImport]] = {}
        """Per module, in source order: its imports of project modules, its relative imports
        (also those that climb too high) and its star imports (which hide names)."""
        self.edges: dict[str, list[Edge]] = {}
        for module in sorted(self.modules):
            self._resolve_module(module)
        self._names_cache: dict[str, frozenset[str] | None] = {}
        self._star_cache: dict[str, frozenset[str] | None] = {}

    # -- resolution -----------------------------------------------------------

    def absolute(self, importer: str, info: ImportInfo) -> str | None:
        """The absolute module an import statement of ``importer`` names; None beyond the top."""
        if info.level == 0:
            return info.module
        file = self.modules.get(importer)
        parts = importer.split(".")
        if file is None or not file.is_package:
            parts = parts[:-1]
        if info.level > len(parts):
            return None
        base = parts[: len(parts) - info.level + 1]
        if info.module:
            base.append(info.module)
        return ".".join(base)

    def _resolve_module(self, module: str) -> None:
        modules, top_level = self.modules, self.top_level
        resolved: list[ResolvedImport] = []
        # one edge per (target, statement) keeps cycle printing tidy
        edges: dict[tuple[str, int], Edge] = {}
        for info in self.modules[module].summary.imports:
            base = info.module if info.level == 0 else self.absolute(module, info)
            if base is not None and base.partition(".")[0] not in top_level:
                if "*" in info.names:  # its names are unknown: keep it for defined_names
                    resolved.append(ResolvedImport(module, info, base))
                continue  # other third-party and standard-library imports matter to no rule
            resolved.append(ResolvedImport(module, info, base))
            if base is None:
                continue
            line = info.line
            if not info.is_from:
                if base in modules and (base, line) not in edges:
                    edges[base, line] = Edge(module, base, info)
                continue
            for name in info.names:
                sub = f"{base}.{name}"
                if name != "*" and sub in modules:
                    if (sub, line) not in edges:
                        edges[sub, line] = Edge(module, sub, info)
                elif base in modules and (base, line) not in edges:
                    edges[base, line] = Edge(module, base, info, None if name == "*" else name)
        self.resolved[module] = resolved
        self.edges[module] = list(edges.values())

    def is_first_party(self, dotted: str) -> bool:
        """Whether the project provides ``dotted``, as far as any distribution does: under
        a namespace shared with other distributions (``google``), only the project's own
        portions are first-party (``google.auth`` is another distribution's)."""
        top, _, rest = dotted.partition(".")
        if top not in self.top_level:
            return False
        if not rest or not self.shared:
            return True
        prefix = top
        for part in rest.split("."):
            if prefix not in self.shared:
                return True
            prefix = f"{prefix}.{part}"
            if not self.exists(prefix):
                return False
        return True

    def exists(self, dotted: str) -> bool:
        """A project module, package or namespace directory, or an opaque extension module
        (``_speedups.c``/``.so``/``.pyi`` beside the sources, or named by the build
        configuration) — anything importable."""
        return (
            dotted in self.modules
            or dotted in self.packages
            or dotted in self.opaque
            or dotted in self.subdirs
        )

    def built_by(self, dotted: str) -> str | None:
        """Why the build may create the first-party module ``dotted`` though the source tree
        does not hold it; None when pkgforge can prove it will not exist. A glob the build
        configuration gives (``pkg.*`` for ``cythonize("pkg/*.pyx")``) names it; a build
        that creates modules pkgforge cannot name (a meson.build, ``ext_modules``
        computed at run time) may create any module inside a package of the project."""
        if any(p.fullmatch(dotted) for p in self.built_patterns):
            return "the build configuration names it"
        if not self.unnamed_builds:
            return None
        for parent in reversed(_parents(dotted)):
            if parent in self.packages:
                return self.unnamed_builds[0]
            if self.exists(parent):
                return None  # inside a plain module: no build puts a module there
        return None

    def may_exist(self, dotted: str) -> bool:
        """``exists``, or may exist after the build (see :meth:`built_by`)."""
        return self.exists(dotted) or self.built_by(dotted) is not None

    def is_closed_namespace(self, dotted: str) -> bool:
        """A namespace package (a directory without ``__init__.py``) that no other
        distribution can add to: it sits inside a regular package whose ``__path__`` is the
        one directory, so its only attributes are its own submodules."""
        if dotted in self.modules or dotted not in self.packages or dotted in self.shared:
            return False
        if f"{dotted}.__init__" in self.opaque:
            return False  # an __init__ compiled or generated by the build (`__init__.pyx`)
        parent = dotted.rpartition(".")[0]
        if not parent or parent in self.shared:
            return False
        file = self.modules.get(parent)
        if file is not None:
            return file.is_package
        return self.is_closed_namespace(parent)

    def run_order(self, dotted: str) -> list[str]:
        """The project modules importing ``dotted`` runs, in order: parents first."""
        return [m for m in (*self.parents(dotted), dotted) if m in self.modules]

    @staticmethod
    def parents(dotted: str) -> list[str]:
        """``a.b.c`` -> ``["a", "a.b"]``: what importing it runs first."""
        return list(_parents(dotted))

    # -- names ------------------------------------------------------------------

    def defined_names(self, module: str) -> frozenset[str] | None:
        """Every name ``module`` binds at import time, star imports included;
        None when that cannot be known (a star import we cannot read, ``__getattr__``)."""
        if module in self._names_cache:
            return self._names_cache[module]
        self._names_cache[module] = None  # a star-import cycle reads as unknown
        result = self._compute_names(module)
        self._names_cache[module] = result
        return result

    def _compute_names(self, module: str) -> frozenset[str] | None:
        file = self.modules.get(module)
        if file is None:
            return None
        summary = file.summary
        if summary.has_module_getattr or summary.dynamic_namespace:
            return None
        if summary.problem is not None and not summary.bindings:
            return None
        names = set(summary.bound_names)
        for resolved in self.resolved[module]:
            info = resolved.info
            if "*" not in info.names or info.scope not in _IMPORT_TIME or info.in_function:
                continue
            if resolved.base is None:
                continue
            star = self.star_names(resolved.base)
            if star is None:
                return None
            names |= star
        return frozenset(names)

    def star_names(self, module: str) -> frozenset[str] | None:
        """The names ``from module import *`` binds; None when unknown (third-party,
        a dynamic ``__all__``)."""
        if module in self._star_cache:
            return self._star_cache[module]
        self._star_cache[module] = None
        result = self._compute_star(module)
        self._star_cache[module] = result
        return result

    def _compute_star(self, module: str) -> frozenset[str] | None:
        file = self.modules.get(module)
        if file is None:
            return None
        if file.summary.all is not None:
            exported = self.exported(module)
            return None if exported is None else frozenset(exported)
        names = self.defined_names(module)
        if names is None:
            return None
        return frozenset(n for n in names if not n.startswith("_"))

    def exported(self, module: str) -> tuple[str, ...] | None:
        """The string entries of ``module.__all__``, following a composed ``__all__``
        (``fields_all + base.__all__ + [...]``) into the project modules it names;
        None when there is no ``__all__`` or it cannot be read."""
        if module in self._exported_cache:
            return self._exported_cache[module]
        self._exported_cache[module] = None  # a cycle of composed __all__ reads as unknown
        result = self._compute_exported(module)
        self._exported_cache[module] = result
        return result

    def _compute_exported(self, module: str) -> tuple[str, ...] | None:
        file = self.modules.get(module)
        info = file.summary.all if file is not None else None
        if info is None or not (info.is_literal or info.composed):
            return None
        names = [e.value for e in info.entries if e.value is not None]
        for part in info.parts:
            source = self._all_source(module, part)
            added = None if source is None else self.exported(source)
            if added is None:
                return None
            names.extend(added)
        return tuple(names)

    def _all_source(self, module: str, part: str) -> str | None:
        """The project module whose ``__all__`` the name ``part`` of ``module`` stands for:
        ``from m import __all__ as part``, ``from pkg import part`` (a submodule),
        ``import a.b`` (part "a.b") or ``import a.b as part``."""
        head = part.partition(".")[0]
        for resolved in self.resolved.get(module, ()):
            info, base = resolved.info, resolved.base
            if base is None or head not in info.bound:
                continue
            if not info.is_from:
                aliased = info.bound[0] != base.partition(".")[0]
                target = base + part[len(head) :] if aliased else part
                return target if target in self.modules else None
            name = (
                info.names[info.bound.index(head)] if len(info.names) == len(info.bound) else None
            )
            if name == "__all__" and part == head:
                return base if base in self.modules else None
            if name is not None:
                target = f"{base}.{name}" + part[len(head) :]
                return target if target in self.modules else None
        return None

    def submodules(self, package: str) -> frozenset[str]:
        """Leaf names of the direct submodules and subpackages of ``package``."""
        if self._children is None:
            children: dict[str, set[str]] = {}
            for name in (*self.modules, *self.packages):
                parent, _, leaf = name.rpartition(".")
                children.setdefault(parent, set()).add(leaf)
            self._children = {k: frozenset(v) for k, v in children.items()}
        return self._children.get(package, frozenset())

    # -- cycles -----------------------------------------------------------------

    def import_time_targets(self, module: str) -> list[Edge]:
        found = self._import_time.get(module)
        if found is None:
            found = [e for e in self.edges.get(module, ()) if e.at_import_time]
            self._import_time[module] = found
        return found

    def cycles(self) -> list[list[str]]:
        """Module-level import cycles (PF406): SCCs of more than one module, or one module
        importing itself; each sorted, the list sorted — independent of file order."""
        nodes = sorted(self.modules)
        successors = {m: sorted({e.target for e in self.import_time_targets(m)}) for m in nodes}
        return [c for c in strongly_connected(nodes, successors) if _is_cycle(c, successors)]

    def run_successors(self) -> dict[str, list[str]]:
        """What importing each module at import time runs: targets and their parents."""
        result: dict[str, list[str]] = {}
        for module in sorted(self.modules):
            targets: set[str] = set()
            for edge in self.import_time_targets(module):
                targets.add(edge.target)
                targets.update(p for p in self.parents(edge.target) if p in self.modules)
            targets.discard(module)
            result[module] = sorted(targets)
        return result

    def shortest_cycle(self, members: Iterable[str]) -> list[Edge]:
        """A shortest cycle through the smallest module of an SCC, as the edges that form it."""
        inside = set(members)
        start = min(inside)
        first_edge: dict[str, Edge] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            current = queue.popleft()
            for edge in sorted(self.import_time_targets(current), key=_edge_order):
                if edge.target not in inside:
                    continue
                if edge.target == start:
                    path = [edge]
                    node = current
                    while node != start:
                        back = first_edge[node]
                        path.append(back)
                        node = back.source
                    path.reverse()
                    return path
                if edge.target not in seen:
                    seen.add(edge.target)
                    first_edge[edge.target] = edge
                    queue.append(edge.target)
        return []


@lru_cache(maxsize=65536)
def _parents(dotted: str) -> tuple[str, ...]:
    parts = dotted.split(".")
    return tuple(".".join(parts[:i]) for i in range(1, len(parts)))


def _edge_order(edge: Edge) -> tuple[str, int]:
    return (edge.target, edge.info.line)


def _is_cycle(component: list[str], successors: Mapping[str, list[str]]) -> bool:
    return len(component) > 1 or component[0] in successors.get(component[0], ())


def strongly_connected(
    nodes: Iterable[str], successors: Mapping[str, Iterable[str]]
) -> list[list[str]]:
    """Tarjan's algorithm without recursion (deep graphs must not hit the recursion limit).
    Components come back sorted inside, and sorted among themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    components.sort()
    return components


def build_graph(project: Project) -> ImportGraph:
    return ImportGraph(project)


def graph_of(project: Project) -> ImportGraph:
    """The project's import graph, built once per project model and shared by the rules
    (kept in ``project.extra``, as the rules' other derived views are)."""
    graph = project.extra.get("_graph")
    if not isinstance(graph, ImportGraph):
        graph = ImportGraph(project)
        project.extra["_graph"] = graph  # type: ignore[index]
    return graph


# -- import-order simulation (PF411) -------------------------------------------


@dataclass(frozen=True)
class Breakage:
    """A ``from target import name`` that runs while ``target`` is partly initialised."""

    entry: str
    """The module imported first (in a fresh interpreter) that leads here."""
    importer: str
    info: ImportInfo
    target: str
    name: str
    bound_at: int
    """The line where ``target`` binds ``name`` — too late."""
    suspended_at: int
    """The line of ``target`` whose import is still running."""
    chain: tuple[tuple[str, int], ...]
    """(module, line) of each import in progress, from the entry to the failing statement."""


class _Broken(Exception):
    """The ImportError a failing ``from X import name`` raises, unwinding the imports."""

    def __init__(self, breakage: Breakage) -> None:
        super().__init__(breakage.name)
        self.breakage = breakage


class _Simulation:
    """Executes the project's module-level imports in order, as the interpreter would.

    A failing ``from X import name`` raises, like ImportError: every module whose
    import it interrupts is dropped (it is not in ``sys.modules`` afterwards and
    would run again), up to a ``try/except ImportError`` that catches it, or to the
    entry, which then fails. Only an uncaught failure is a finding.
    """

    def __init__(self, graph: ImportGraph, entry: str, members: set[str]) -> None:
        self.graph = graph
        self.entry = entry
        self.members = members
        self.done: set[str] = set()
        self.running: dict[str, int] = {}
        self.found: list[Breakage] = []

    def simulate(self) -> None:
        try:
            self.run(self.entry)
        except _Broken as failure:
            self.found.append(failure.breakage)

    def run(self, module: str) -> None:
        graph = self.graph
        if module in self.done or module in self.running or module not in self.members:
            # A module outside the cycle cannot lead back into it (it would be part of
            # it), so whether it runs now or ran before changes nothing here.
            return
        for parent in graph.parents(module):
            self.run(parent)
        if module in self.done or module in self.running:
            return  # a parent's __init__ imported it already
        self.running[module] = 0
        try:
            for resolved in graph.resolved[module]:
                info = resolved.info
                if resolved.base is None or info.scope not in _IMPORT_TIME or info.in_function:
                    continue
                self.running[module] = info.line
                try:
                    self.statement(module, resolved)
                except _Broken:
                    if not (info.optional or info.scope is ImportScope.OPTIONAL):
                        raise
                    # caught by `except ImportError`: the module carries on
        finally:
            del self.running[module]
        self.done.add(module)

    def statement(self, module: str, resolved: ResolvedImport) -> None:
        graph, info, base = self.graph, resolved.info, resolved.base
        assert base is not None
        self.run(base)
        if not info.is_from:
            return
        # `from pkg import X, sub` imports every listed submodule first (importlib's
        # _handle_fromlist), then looks the names up in order
        for name in info.names:
            if f"{base}.{name}" in graph.modules:
                self.run(f"{base}.{name}")
        for name in info.names:
            sub = f"{base}.{name}"
            partial = base in self.running
            if partial and name != "*" and sub not in graph.modules and sub not in graph.packages:
                self.check(module, resolved, name)

    def check(self, importer: str, resolved: ResolvedImport, name: str) -> None:
        info = resolved.info
        target = resolved.base
        assert target is not None
        summary = self.graph.modules[target].summary
        if summary.has_module_getattr or summary.dynamic_namespace:
            return
        now = self.running[target]
        bound_at = next(
            (b.line for b in summary.bindings if b.name == name and b.reach is not Reach.NEVER),
            None,
        )
        if bound_at is None or bound_at < now:
            return  # bound in time, or never bound (that is PF404's finding)
        for star in self.graph.resolved[target]:
            if "*" in star.info.names and star.info.line < now and star.base != target:
                names = None if star.base is None else self.graph.star_names(star.base)
                if names is None or name in names:
                    return
        chain = tuple(self.running.items())
        raise _Broken(Breakage(self.entry, importer, info, target, name, bound_at, now, chain))


def import_breakages(graph: ImportGraph) -> list[Breakage]:
    """Every ``from X import name`` in an import cycle that fails for some first import.

    For each cycle (over what imports *run*, parent packages included) that holds a
    candidate statement, import each of its entry modules (see :class:`_EntryFinder`)
    first in a fresh simulated interpreter. Results are deduplicated per statement
    and name, keeping the shallowest entry module, so the outcome does not depend on
    file order.
    """
    successors = graph.run_successors()
    importers: dict[str, set[str]] = {}
    for module, targets in successors.items():
        for target in targets:
            importers.setdefault(target, set()).add(module)
    roots = [m for m in sorted(successors) if "." not in m or not importers.get(m)]
    found: dict[tuple[str, int, str], Breakage] = {}
    for component in strongly_connected(sorted(successors), successors):
        members = set(component)
        if len(component) < 2 or not _has_candidate(graph, members):
            continue
        entries = _entries(graph, members, roots, importers)
        for entry in sorted(entries, key=lambda m: (m.count("."), m)):
            simulation = _Simulation(graph, entry, members)
            simulation.simulate()
            for breakage in simulation.found:
                key = (breakage.importer, breakage.info.line, breakage.name)
                found.setdefault(key, breakage)
    return [found[key] for key in sorted(found)]


class _EntryFinder:
    """Which module of a cycle is imported first, for each way the program can start.

    The program starts by importing a *root*: a top-level package, or a module no
    project module imports at import time (what users, plugin loaders and
    ``importlib.import_module`` import by name). Running a root's statements in
    order, the first one that reaches the cycle decides which member enters it.
    Once entered, every member runs before the entry finishes, so the entry alone
    decides whether the cycle breaks. A module that only its own cycle imports is
    never imported first, so the order in which it would break never happens.
    """

    def __init__(self, graph: ImportGraph, members: set[str], reach: set[str]) -> None:
        self.graph = graph
        self.members = members
        self.reach = reach
        self.memo: dict[str, str | None] = {}
        self.in_progress: set[str] = set()

    def first(self, modules: Iterable[str]) -> str | None:
        for module in modules:
            if module in self.members:
                return module
            if module in self.reach and module not in self.in_progress:
                found = self.body(module)
                if found is not None:
                    return found
        return None

    def body(self, module: str) -> str | None:
        if module in self.memo:
            return self.memo[module]
        self.in_progress.add(module)
        found = None
        for edge in self.graph.import_time_targets(module):
            found = self.first(self.graph.run_order(edge.target))
            if found is not None:
                break
        self.in_progress.discard(module)
        self.memo[module] = found
        return found


def _entries(
    graph: ImportGraph,
    members: set[str],
    roots: Iterable[str],
    importers: Mapping[str, set[str]],
) -> set[str]:
    reach: set[str] = set()
    queue = deque(members)
    while queue:
        for importer in importers.get(queue.popleft(), ()):
            if importer not in reach and importer not in members:
                reach.add(importer)
                queue.append(importer)
    finder = _EntryFinder(graph, members, reach)
    entries: set[str] = set()
    for root in roots:
        if root in members or root in reach:
            try:
                entry = finder.first(graph.run_order(root))
            except RecursionError:  # an absurdly deep chain: any member may come first
                return set(members)
            if entry is not None:
                entries.add(entry)
    return entries


def _has_candidate(graph: ImportGraph, members: set[str]) -> bool:
    """Can any statement in the cycle fail? Only a ``from X import name`` with X in the cycle
    and ``name`` bound in X after an import statement of X that leads back in."""
    for module in members:
        for resolved in graph.resolved[module]:
            info = resolved.info
            target = resolved.base
            if not info.is_from or target not in members or info.in_function:
                continue
            if info.scope not in (ImportScope.MODULE, ImportScope.CLASS):
                continue
            summary = graph.modules[target].summary
            lines = {b.name: b.line for b in summary.bindings if b.reach is not Reach.NEVER}
            first_import = min(
                (r.info.line for r in graph.resolved[target] if r.base is not None),
                default=None,
            )
            for name in info.names:
                bound = lines.get(name)
                if f"{target}.{name}" in graph.modules or bound is None:
                    continue
                if first_import is not None and first_import <= bound:
                    return True
    return False
