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

import bisect
import dataclasses
import enum
import re
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from pkgforge.checker.certainty import Reach
from pkgforge.checker.incremental import deps
from pkgforge.checker.incremental.deps import GLOBAL_BASE, Memo, projection_key
from pkgforge.checker.model import shared_view
from pkgforge.checker.module_keys import (
    ANY_BELOW,
    Parameter,
    absolute,
    may_name_any,
    parameter,
    passed,
)
from pkgforge.checker.summary import ImportInfo, ImportScope, ModuleSummary
from pkgforge.names import is_public_module, is_stdlib_module_everywhere

if TYPE_CHECKING:
    from pkgforge.checker.model import Project, SourceFile

__all__ = [
    "GLOBAL_INPUTS",
    "MODULE_ATTRIBUTES",
    "Breakage",
    "CycleContext",
    "Edge",
    "EntryKind",
    "ImportGraph",
    "ResolvedImport",
    "RunTimeModule",
    "Unknown",
    "build_graph",
    "cycle_breakages",
    "graph_of",
    "import_breakages",
    "ranked_breakages",
    "self_import_breakages",
    "strongly_connected",
]

# Imports that run while the module itself is being imported.
_IMPORT_TIME = frozenset({ImportScope.MODULE, ImportScope.CLASS, ImportScope.OPTIONAL})

MODULE_ATTRIBUTES = frozenset(dir(types.ModuleType)) | {
    "__name__",
    "__doc__",
    "__package__",
    "__loader__",
    "__spec__",
    "__file__",
    "__cached__",
    "__builtins__",
}
"""What ``from module import name`` finds on every module object without the module binding
it: the attributes the import system sets and those of the module type (``__dict__``)."""

_TEST_PARTS = frozenset({"tests", "test", "testing", "conftest"})

# Files beside the sources that import as a module of their stem: stubs, extension
# modules, and the sources a build compiles into one (C, C++, Cython, Fortran for f2py).
_MODULE_FILE_SUFFIXES = frozenset(
    {"py", "pyi", "so", "pyd", "c", "cc", "cpp", "cxx", "pyx", "f", "f90"}
)

GLOBAL_INPUTS: dict[str, tuple[str, ...]] = {
    "cycles": ("itt",),
    "run_successors": ("runs",),
    "run_cycles": ("runs",),
    "written": ("writes",),
    "installs": ("installs", "calls"),
    "imported": ("targets",),
    "path_inserters": ("syspath",),
    "star_groups": ("stars",),
    "on_start": ("starts",),
}
"""Each result the graph computes over the whole project (``ImportGraph._whole_<name>``),
and the per-module projections it is computed from (``ImportGraph._project_<name>``, a
function of that module's summary alone). A recorded check keeps the projections, so
that a re-check after an edit computes such a result again from them, and the rules
that read it run again only if it changed. Numbered in this order for dependency keys:
append, do not reorder."""
_GLOBAL_NAMES = tuple(GLOBAL_INPUTS)
PROJECTIONS = (
    "itt",
    "runs",
    "targets",
    "writes",
    "installs",
    "syspath",
    "body",
    "stars",
    "starts",
    "calls",
)
"""The per-module projections (``ImportGraph._project_<name>``), numbered in this order
for dependency keys: append, do not reorder. Each is a function of its module's summary
(and the shape) alone; a recorded check keeps their values, so a rule that reads one
(:meth:`ImportGraph.projection`) runs again only when that module's value changed, and
reads it without unpickling the module's summary."""
_PROJECTION_NUMBERS = {name: number for number, name in enumerate(PROJECTIONS)}
_MISSING = object()


class Unknown(NamedTuple):
    """Why a module's names cannot be listed: the statement that writes them at run time."""

    module: str
    """The module whose statement it is (the module itself, or one that writes into it)."""
    line: int
    what: str


class RunTimeModule(NamedTuple):
    """A module with no file that a statement creates at run time (``sys.modules[...] = ...``,
    an import hook)."""

    installer: str
    line: int
    known: bool
    """True when the statement names this very module (a literal key); False when it may
    create any module (an unreadable key, an import hook)."""


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
        self.built = built = frozenset(g for g in project.generated if "*" not in g)
        # `pkg.*` from cythonize("pkg/*.pyx"): a `*` stays inside one name
        self.built_patterns = tuple(
            re.compile(re.escape(g).replace(r"\*", "[^.]*"))
            for g in sorted(project.generated)
            if "*" in g
        )
        self.top_level = frozenset(
            name
            for name in (
                *project.top_level,
                *(m.partition(".")[0] for m in self.modules),
                *(g for g in built if "." not in g),  # a top-level extension module
            )
            # Installed, the standard library comes first on sys.path: `from builtins import
            # max` means the standard module even where the project ships a Python 2 backport
            # of that name (PF203 reports the shadowing itself).
            if not is_stdlib_module_everywhere(name)
        )
        # extension modules and stubs beside the sources (`_speedups.c`, `.so`, `.pyi`);
        # any other file too, so that no import of it is called missing (`alembic.ini`)
        entries = [
            (f"{d.package}.{entry.partition('.')[0]}", entry.rpartition(".")[2])
            for d in project.directories
            if d.package
            for entry in d.entries
            if "." in entry.strip(".")
        ]
        self.opaque = frozenset(dotted for dotted, _suffix in entries).union(built)
        # ... of which those that can be a module, which proves that an import means it
        self.module_files = frozenset(
            dotted for dotted, suffix in entries if suffix in _MODULE_FILE_SUFFIXES
        ).union(built)
        self.shared = project.shared_namespaces
        # any subdirectory of a package imports, as a namespace package, Python files or not
        self.subdirs = frozenset(
            f"{d.package}.{sub}" for d in project.directories if d.package for sub in d.subdirs
        )
        self.unnamed_builds = project.build.unnamed
        self.build_scripts = project.build.scripts
        self._import_time: Memo[str, list[Edge]] = Memo()
        self._children: dict[str, frozenset[str]] | None = None
        self._exported_cache: Memo[str, tuple[str, ...] | None] = Memo()
        self._names_cache: Memo[str, frozenset[str] | None] = Memo()
        self._resolutions: Memo[str, tuple[list[ResolvedImport], list[Edge]]] = Memo()
        self._globals: dict[str, object] = {}
        kept = project.extra.get("_results")
        self._kept: Mapping[str, object] = kept if isinstance(kept, Mapping) else {}
        """Whole-project results of the last run (a recorded check keeps them)."""
        store = project.extra.get("_projections")
        self._store: dict[str, dict[str, object]] = store if isinstance(store, dict) else {}
        """Per-module inputs of the whole-project results, by name then relpath (kept by a
        recorded check between runs: :meth:`projection`)."""
        self.resolved: Mapping[str, list[ResolvedImport]]
        """Per module, in source order: its imports of project modules, its relative imports
        (also those that climb too high) and its star imports (which hide names)."""
        self.edges: Mapping[str, list[Edge]]
        if project.extra.get("recorded"):
            # a recorded check resolves a module when a rule asks (a re-check asks few)
            self.resolved = _Resolved(self, 0)
            self.edges = _Resolved(self, 1)
        else:
            resolved: dict[str, list[ResolvedImport]] = {}
            edges: dict[str, list[Edge]] = {}
            for module in sorted(self.modules):
                resolved[module], edges[module] = self._resolve_module(module)
            self.resolved, self.edges = resolved, edges

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

    def resolution(self, module: str) -> tuple[list[ResolvedImport], list[Edge]]:
        """``module``'s resolved imports and edges (:attr:`resolved`, :attr:`edges`)."""
        return self._resolutions.get(module, lambda: self._resolve_module(module), ([], []))

    def _resolve_module(self, module: str) -> tuple[list[ResolvedImport], list[Edge]]:
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
                elif name != "*" and self._opaque_module(sub):
                    continue  # a compiled or generated submodule: importing it runs no source
                elif base in modules and (base, line) not in edges:
                    edges[base, line] = Edge(module, base, info, None if name == "*" else name)
        return resolved, list(edges.values())

    def _opaque_module(self, dotted: str) -> bool:
        """An extension module beside the sources or one the build configuration names."""
        return dotted in self.opaque or any(p.fullmatch(dotted) for p in self.built_patterns)

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

    def is_module(self, dotted: str) -> bool:
        """A project module or package, or a file beside the sources that can be a module
        (an extension's source or binary, a stub, or one the build configuration names):
        proof that an import of that name means it. A subdirectory is a namespace package;
        a data file of that name (``alembic.ini``) proves nothing."""
        return (
            dotted in self.modules
            or dotted in self.packages
            or dotted in self.module_files
            or dotted in self.subdirs
        )

    def _replaced_by_helper(self, module: str) -> tuple[str, int] | None:
        """The call that hands ``module``'s ``__name__`` to a function of a module that
        writes ``sys.modules`` under a key it computes: that function may replace ``module``
        (a package that recreates itself as a proxy through a helper)."""
        for callee, line in self.modules[module].summary.name_handed_to:
            owner = self._module_of(module, callee)
            if owner is not None and any(
                may_name_any(key) for key, _line in self.modules[owner].summary.module_writes
            ):
                return callee, line
        return None

    def _module_of(self, module: str, dotted: str) -> str | None:
        """The project module that defines what ``dotted`` names in ``module`` (a function
        it calls: ``local.recreate_module``, ``recreate_module``), as its imports tell;
        ``module`` itself for a name it does not import."""
        head, _, rest = dotted.partition(".")
        for resolved in self.resolved.get(module, ()):
            info, base = resolved.info, resolved.base
            if base is None or head not in info.bound:
                continue
            if info.is_from:
                if len(info.names) != len(info.bound):
                    return None
                imported = f"{base}.{info.names[info.bound.index(head)]}"
                full = imported + (f".{rest}" if rest else "")
                if imported not in self.modules:
                    return base if base in self.modules else None
            elif info.bound[0] != base.partition(".")[0]:  # `import a.b as x`
                full = base + (f".{rest}" if rest else "")
            else:
                full = dotted
            parts = full.split(".")
            for end in range(len(parts), 0, -1):
                if ".".join(parts[:end]) in self.modules:
                    return ".".join(parts[:end])
            return None
        return module

    def generated_here(self, module: str) -> bool:
        """Whether the build writes the file of the project module ``module`` anew (a
        ``_version.py`` from the version control system): what the tree holds now is no
        proof of what ships, so its names are unknown."""
        return module in self.built or any(p.fullmatch(module) for p in self.built_patterns)

    def built_by(self, dotted: str) -> str | None:
        """Why the build may create the first-party module ``dotted`` though the source tree
        does not hold it; None when pkgforge can prove it will not exist. A glob the build
        configuration gives (``pkg.*`` for ``cythonize("pkg/*.pyx")``) names it; a build
        that creates modules pkgforge cannot name (a meson.build, ``ext_modules``
        computed at run time) may create any module inside a package of the project."""
        if any(p.fullmatch(dotted) for p in self.built_patterns):
            return "the build configuration names it"
        if not self.unnamed_builds and not self.build_scripts:
            return None
        for parent in reversed(_parents(dotted)):
            if parent in self.packages:
                if self.unnamed_builds:
                    return self.unnamed_builds[0]
                for script in self.build_scripts:  # a readable script names what it writes
                    word = script.may_create(dotted, parent)
                    if word is not None:
                        return f"{script.why} (its text names `{word}`)"
                return None
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

    def run_on_start(self, entry_modules: Iterable[str] | None = None) -> frozenset[str]:
        """The project modules that surely run when a program starts the ordinary way
        (DESIGN.md, "Reachability"): importing a top-level package or module of the project
        (below a namespace directory: its first regular packages), or loading an entry point
        (``entry_modules``; by default those the project declares, a whole-project result).
        Followed: import statements that run at import time on every supported Python,
        unguarded (not under ``try/except ImportError``), with the parent packages and the
        submodules a ``from`` statement names."""
        if entry_modules is None:
            found: frozenset[str] = self._whole("on_start")
            return found
        return self._on_start(entry_modules)

    def _whole_on_start(self) -> frozenset[str]:
        from pkgforge.checker.declared import declarations_of

        return self._on_start(declarations_of(self.project).entry_modules)

    def _on_start(self, entry_modules: Iterable[str]) -> frozenset[str]:
        starts = [m for m in self.modules if not any(p in self.modules for p in _parents(m))] + [
            m for m in entry_modules if m in self.modules
        ]
        seen: set[str] = set()
        queue = deque(starts)
        while queue:
            module = queue.popleft()
            if module in seen or module not in self.modules:
                continue
            seen.add(module)
            queue.extend(_parents(module))
            queue.extend(self.projection("starts", module))
        return frozenset(seen)

    def _project_starts(self, module: str) -> list[str]:
        """What the import statements of ``module`` that surely run at import time run
        (see :meth:`run_on_start`): the modules they name, their parents, the submodules a
        ``from`` statement lists (not all of them exist)."""
        found: list[str] = []
        for resolved in self.resolved[module]:
            info, base = resolved.info, resolved.base
            if base is None or not _runs_now(info) or info.reach is not Reach.ALWAYS:
                continue
            if info.optional or info.scope is ImportScope.OPTIONAL:
                continue  # its failure is caught: the import goes on without it
            found.extend(_parents(base))
            found.append(base)
            if info.is_from:
                found.extend(f"{base}.{name}" for name in info.names)
        return found

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
        None when that cannot be known (a star import we cannot read, ``__getattr__``).

        Modules that star-import each other (a module star-importing itself included) are
        solved together: each binds its own names and what its star imports bring, the
        least set that satisfies them all (a star import brings nothing its source does
        not bind). What else reads a member meanwhile reads it as unknown."""
        return self._names_cache.get(
            module, lambda: self._solve_names(self._star_group(module))[module], None
        )

    def _star_group(self, module: str) -> list[str]:
        """The modules that star-import ``module`` and that it star-imports, directly or
        not (its strongly connected component over import-time star imports)."""
        if not any(source in self.modules for source in self._stars(module)):
            return [module]  # the common case: no star import of a project module
        groups: dict[str, list[str]] = self._whole("star_groups")
        return groups.get(module, [module])

    def _project_stars(self, module: str) -> list[str]:
        return sorted(set(self._stars(module)) & self.modules.keys())

    def _whole_star_groups(self) -> dict[str, list[str]]:
        """Each module in a cycle of star imports (two modules or more) -> that cycle."""
        successors = {m: self.projection("stars", m) for m in sorted(self.modules)}
        return {
            member: component
            for component in strongly_connected(sorted(successors), successors)
            if len(component) > 1
            for member in component
        }

    def _stars(self, module: str) -> Iterator[str]:
        """The modules ``module`` star-imports at import time."""
        for resolved in self.resolved.get(module, ()):
            info = resolved.info
            if "*" not in info.names or info.scope not in _IMPORT_TIME or info.in_function:
                continue
            if resolved.base is not None:
                yield resolved.base

    def _solve_names(self, group: list[str]) -> dict[str, frozenset[str] | None]:
        own = {m: self._own_names(m) for m in group}
        inside = set(group)
        stars = {m: list(self._stars(m)) for m in group}
        names: dict[str, set[str] | None] = {
            m: None if o is None else set(o) for m, o in own.items()
        }
        for module in group:  # star imports from outside the group: known now
            for source in stars[module]:
                if source not in inside and names[module] is not None:
                    brought = self.star_names(source)
                    if brought is None:
                        names[module] = None
                    else:
                        names[module] |= brought  # type: ignore[operator]
        changed = True
        while changed:
            changed = False
            for module in group:
                current = names[module]
                if current is None:
                    continue
                for source in stars[module]:
                    if source not in inside:
                        continue
                    brought = self._star_of(source, names[source])
                    if brought is not None and names[source] is not None:
                        # `__all__` lists names; only those bound come: listing one is no
                        # binding (the star import fails on it: PF302's finding)
                        brought = brought & names[source]  # type: ignore[operator]
                    if brought is None:
                        names[module] = None
                        changed = True
                        break
                    if not brought <= current:
                        current |= brought
                        changed = True
        return {m: None if n is None else frozenset(n) for m, n in names.items()}

    def _star_of(self, module: str, names: AbstractSet[str] | None) -> frozenset[str] | None:
        """What ``from module import *`` brings, given the names ``module`` binds."""
        file = self.modules[module]
        if file.summary.all is not None:
            exported = self.exported(module)
            return None if exported is None else frozenset(exported)
        if names is None:
            return None
        return frozenset(n for n in names if not n.startswith("_"))

    def _own_names(self, module: str) -> frozenset[str] | None:
        """The names ``module`` binds itself (star imports aside); None when unknown."""
        file = self.modules.get(module)
        if file is None:
            return None
        summary = file.summary
        if summary.dynamic_namespace or self.generated_here(module):
            return None
        if summary.name_handed_to and self._replaced_by_helper(module) is not None:
            return None
        if summary.has_module_getattr and summary.getattr_serves is None:
            return None
        if summary.problem is not None and not summary.bindings:
            return None
        written, unknown = self.written(module)
        if unknown is not None:
            return None
        names = set(summary.bound_names) - self.failed_guards(module)
        names -= self._bound_only_by_itself(module)
        names |= written
        names.update(summary.getattr_serves or ())
        return frozenset(names)

    def _bound_only_by_itself(self, module: str) -> set[str]:
        """Names that only the module's own ``from module import name`` binds (``from . import
        _utils`` in a package whose ``_utils`` is gone): that statement finds nothing to bind
        and fails, so the name never exists (PF411 reports the statement)."""
        summary = self.modules[module].summary
        if not summary.imported_only:
            return set()
        candidates = set(summary.imported_only)
        found: set[str] = set()
        for info in summary.imports:  # third-party ones too: they may bind the name
            bound = candidates.intersection(info.bound)
            if not bound:
                continue
            base = info.module if not info.level else self.absolute(module, info)
            if base != module or not info.is_from or not _runs_now(info):
                candidates -= bound  # another import binds it too
                continue
            if info.optional or info.scope is ImportScope.OPTIONAL:
                continue  # guarded: ``failed_guards`` decides
            if len(info.names) != len(info.bound):
                continue
            # `from . import helpers as _helpers`: the module looks up `helpers`
            found.update(
                alias
                for name, alias in zip(info.names, info.bound, strict=True)
                if alias in bound and self.binds_itself_first(module, (name,), info.line)
            )
        return found & candidates

    def is_module_attribute(self, module: str, name: str) -> bool:
        """Whether ``name`` is an attribute every module object has (``__file__``,
        ``__dict__``; ``__path__`` for a package), whatever the module binds."""
        if name == "__path__":
            file = self.modules.get(module)
            return file is not None and file.is_package
        return name in MODULE_ATTRIBUTES

    def unknown_names(self, module: str) -> Unknown | None:
        """What makes ``module``'s names unknown (``defined_names`` is None), when it is
        something the module or another one does at run time."""
        file = self.modules.get(module)
        if file is None:
            return None
        summary = file.summary
        if summary.dynamic_namespace:
            return Unknown(module, summary.dynamic_line, f"`{summary.dynamic_reason}`")
        if self.generated_here(module):
            return Unknown(module, 0, "the build writes this module anew")
        helper = self._replaced_by_helper(module) if summary.name_handed_to else None
        if helper is not None:
            callee, line = helper
            return Unknown(
                module,
                line,
                f"`{callee}(__name__, ...)`, whose module replaces modules in sys.modules,",
            )
        if summary.has_module_getattr and summary.getattr_serves is None:
            line = next((b.line for b in summary.bindings if b.name == "__getattr__"), 1)
            return Unknown(module, line, "a module `__getattr__` that may serve any name")
        _, unknown = self.written(module)
        if unknown is not None:
            return unknown
        for resolved in self.resolved[module]:
            info = resolved.info
            star = "*" in info.names and info.scope in _IMPORT_TIME and not info.in_function
            if star and resolved.base is not None and self.star_names(resolved.base) is None:
                source = "." * info.level + info.module
                return Unknown(module, info.line, f"`from {source} import *`")
        return None

    def written(self, module: str) -> tuple[set[str], Unknown | None]:
        """The names other modules bind in ``module`` (``module.NAME = ...``,
        ``setattr(module, "NAME", ...)``), and what writes names that cannot be read
        (``setattr(module, name, ...)``, ``sys.modules["module"] = ...``)."""
        found: dict[str, tuple[set[str], Unknown | None]] = self._whole("written")
        return found.get(module, (set(), None))

    def _project_writes(self, module: str) -> tuple[tuple[object, ...], ...]:
        """What ``module`` writes into other modules: ("name", target, name or None, line,
        owner as written) and ("module", target, line) for ``sys.modules[...] = ...``."""
        summary = self.modules[module].summary
        if not (summary.foreign_writes or summary.module_writes):
            return ()
        if any(part in _TEST_PARTS or part.startswith("test_") for part in module.split(".")):
            return ()  # a test's monkeypatching changes nothing the package imports
        found: list[tuple[object, ...]] = []
        for write in summary.foreign_writes:
            target = self._all_source(module, write.owner)
            if target is not None:
                found.append(("name", target, write.name, write.line, write.owner))
        for key, line in summary.module_writes:
            target = _installed_name(module, key)
            if target is not None and target in self.modules:
                found.append(("module", target, line))
        return tuple(found)

    def _whole_written(self) -> dict[str, tuple[set[str], Unknown | None]]:
        found: dict[str, tuple[set[str], Unknown | None]] = {}
        for module in sorted(self.modules):
            for write in self.projection("writes", module):
                if write[0] == "module":
                    _, target, line = write
                    if target not in found:
                        found[target] = (set(), Unknown(module, line, "`sys.modules[...] = ...`"))
                    continue
                _, target, name, line, owner = write
                names, unknown = found.setdefault(target, (set(), None))
                if name is not None:
                    names.add(name)
                elif unknown is None:
                    what = f"`setattr({owner}, ...)` with a name it computes"
                    found[target] = (names, Unknown(module, line, what))
        return found

    def failed_guards(self, module: str) -> set[str]:
        """Names ``module`` binds only after an optional import that always fails (``try:
        import pkg.missing; name = 1 except ImportError: pass``)."""
        summary = self.modules[module].summary
        guarded = {b.name: b.guard for b in summary.bindings if b.guard}
        if not guarded:
            return set()
        failing = {line for line in set(guarded.values()) if self.import_fails(module, line)}
        return {name for name, line in guarded.items() if line in failing}

    def import_fails(self, module: str, line: int) -> bool:
        """Whether an import statement of ``module`` on ``line`` names a project module that
        does not exist (and that nothing creates at run time), or a name such a module
        surely lacks."""
        for resolved in self.resolved.get(module, ()):
            info = resolved.info
            if info.line != line:
                continue
            base = resolved.base
            if base is None:
                return True  # a relative import beyond the top-level package
            if not self.is_first_party(base):
                continue  # another distribution's: it may well be installed
            if not self.exists(base):
                if self.made_at_run_time(base) is None and self.built_by(base) is None:
                    return True
                continue
            if info.is_from and base == module:
                if self.binds_itself_first(module, info.names, line):
                    return True
            elif info.is_from and base in self.modules and self._lacks_a_name(base, info.names):
                return True
        return False

    def binds_itself_first(self, module: str, names: tuple[str, ...], line: int) -> bool:
        """Whether ``from module import names`` on ``line`` of ``module`` itself looks up a
        name the module has not bound before that line (the statement's own binding is the
        first): the partly initialised module lacks it, so the statement fails."""
        summary = self.modules[module].summary
        first = {b.name: b.line for b in summary.bindings if b.reach is not Reach.NEVER}
        if summary.dynamic_namespace or first.get("__getattr__", line) < line:
            return False
        return any(
            name != "*"
            and not self.may_exist(f"{module}.{name}")
            and not self.is_module_attribute(module, name)
            and first.get(name, line) >= line
            for name in names
        )

    def _lacks_a_name(self, base: str, names: tuple[str, ...]) -> bool:
        defined = None
        for name in names:
            dotted = f"{base}.{name}"
            if name == "*" or self.may_exist(dotted) or self.is_module_attribute(base, name):
                continue
            if self.made_at_run_time(dotted) is not None or not self.is_first_party(dotted):
                continue
            defined = self.defined_names(base) if defined is None else defined
            if defined is not None and name not in defined:
                return True
        return False

    def deleted_line(self, module: str, name: str) -> int:
        """The line of the unconditional module-level ``del name`` after which ``module``
        binds ``name`` no more (0 when there is none, or its names are written at run
        time)."""
        summary = self.modules[module].summary
        if summary.dynamic_namespace:
            return 0
        binding = next((b for b in summary.bindings if b.name == name), None)
        return binding.deleted if binding is not None else 0

    def deletion_before(self, module: str, name: str, line: int) -> tuple[int, int] | None:
        """(line of the ``del``, line that binds the name again or 0) when ``module`` has
        deleted ``name`` before its line ``line`` and not bound it again before it."""
        summary = self.modules[module].summary
        if not summary.deletions or summary.dynamic_namespace:
            return None
        found = None
        for deleted_name, deleted, rebound in summary.deletions:
            if deleted_name == name and deleted < line and (not rebound or rebound >= line):
                found = (deleted, rebound)
        return found

    def seen_before_del(self, module: str, name: str, importer: str, line: int) -> bool:
        """Whether ``from module import name`` on ``line`` of ``importer`` may run while
        ``module`` has bound ``name`` and not yet deleted it: ``module`` itself runs that
        statement before its ``del``, or ``module`` runs an import between its binding and
        its ``del`` (through which a cycle may lead to the statement). Otherwise the
        statement finds the name missing whenever it runs."""
        deleted = self.deleted_line(module, name)
        if not deleted:
            return False  # not a deleted name
        if importer == module:
            return line < deleted  # before its binding, PF411 says it binds too late
        first = min(
            (b.line for b in self.modules[module].summary.bindings if b.name == name),
            default=deleted,
        )
        return any(
            first < r.info.line < deleted
            for r in self.resolved[module]
            if r.base is not None and _runs_now(r.info)
        )

    def made_at_run_time(self, dotted: str) -> RunTimeModule | None:
        """The statement that may create the module ``dotted`` (or a parent of it) at run
        time: a ``sys.modules[...]`` write that names it, one with a computed key in the
        same package, or an import hook in the same top-level package."""
        installed, hooked = self._whole("installs")
        if not installed and not hooked:
            return None  # the common case: nothing is made at run time
        for name in (*_parents(dotted), dotted):
            known = installed.get(name)
            if known is not None:
                return RunTimeModule(known[0], known[1], known=True)
        for name in _parents(dotted):
            unknown = hooked.get(name)
            if unknown is not None:
                return RunTimeModule(unknown[0], unknown[1], known=False)
        return None

    def _project_installs(self, module: str) -> tuple[tuple[tuple[str, int], ...], int]:
        """``module``'s ``sys.modules`` writes (each key made absolute, :mod:`.module_keys`;
        the line) and the line of its import hook (0: none)."""
        summary = self.modules[module].summary
        writes = tuple((absolute(module, key), line) for key, line in summary.module_writes)
        return writes, summary.import_hooks

    def _project_calls(
        self, module: str
    ) -> tuple[tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...], str]:
        """What ``module``'s calls hand functions as ``sys.modules`` keys: (callee, positional
        keys, keyword keys) of each call that hands one it can read (keys made absolute),
        and the functions it calls, or hands on, with none it can read (their names
        separated by spaces)."""
        summary = self.modules[module].summary
        calls = tuple(
            (
                call.callee,
                tuple(absolute(module, key) for key in call.positional),
                tuple((name, absolute(module, key)) for name, key in call.keywords),
            )
            for call in summary.key_calls
        )
        return calls, summary.opaque_calls

    def _whole_installs(
        self,
    ) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
        installed: dict[str, tuple[str, int]] = {}
        hooked: dict[str, tuple[str, int]] = {}
        callers: _KeyCallers | None = None
        for module in sorted(self.modules):
            writes, hook = self.projection("installs", module)
            if not writes and not hook:
                continue
            file = self.modules[module]
            top = module.partition(".")[0]
            # a key it cannot read names a module of its own package (`"%s.%s" % (a, b)`);
            # an import hook may serve any module
            package = module if file.is_package else module.rpartition(".")[0] or module
            for key, line in writes:
                found = parameter(key)
                if found is None:
                    _note_install(
                        installed, hooked, key, (module, line), module=module, package=package
                    )
                    continue
                if callers is None:
                    callers = self._key_callers()
                for caller, passed_key in _passing(callers, found):
                    _note_install(
                        installed,
                        hooked,
                        passed_key,
                        (module, line),
                        module=caller,
                        package=package,
                    )
            if hook:
                hooked[top] = hooked.get(top) or (module, hook)
        return installed, hooked

    def _key_callers(self) -> _KeyCallers:
        """Every call of the project that hands a readable ``sys.modules`` key, by the name
        of the function called, and the names of the functions called with none."""
        calls: dict[str, list[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]] = {}
        opaque: set[str] = set()
        for module in sorted(self.modules):
            handed, unread = self.projection("calls", module)
            for callee, positional, keywords in handed:
                calls.setdefault(callee, []).append((module, positional, keywords))
            opaque.update(unread.split())
        return calls, opaque

    def star_names(self, module: str) -> frozenset[str] | None:
        """The names ``from module import *`` binds; None when unknown (third-party,
        a dynamic ``__all__``)."""
        file = self.modules.get(module)
        if file is None:
            return None
        if file.summary.all is not None:
            return self._star_of(module, None)
        return self._star_of(module, self.defined_names(module))

    def exported(self, module: str) -> tuple[str, ...] | None:
        """The string entries of ``module.__all__``, following a composed ``__all__``
        (``fields_all + base.__all__ + [...]``) into the project modules it names;
        None when there is no ``__all__`` or it cannot be read."""
        # a cycle of composed __all__ reads as unknown
        return self._exported_cache.get(module, lambda: self._compute_exported(module), None)

    def _compute_exported(self, module: str) -> tuple[str, ...] | None:
        file = self.modules.get(module)
        info = file.summary.all if file is not None else None
        if info is None or not (info.is_literal or info.composed):
            return None
        if any(e.unknown for e in info.entries):
            return None  # a variable: it may hold any name
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
        return self._import_time.get(
            module, lambda: [e for e in self.edges.get(module, ()) if e.at_import_time], []
        )

    def cycles(self) -> list[list[str]]:
        """Module-level import cycles (PF406): SCCs of more than one module, or one module
        importing itself; each sorted, the list sorted — independent of file order."""
        found: list[list[str]] = self._whole("cycles")
        return found

    def _project_itt(self, module: str) -> list[str]:
        return sorted({e.target for e in self.import_time_targets(module)})

    def _whole_cycles(self) -> list[list[str]]:
        nodes = sorted(self.modules)
        successors = {m: self.projection("itt", m) for m in nodes}
        return [c for c in strongly_connected(nodes, successors) if _is_cycle(c, successors)]

    def run_successors(self) -> dict[str, list[str]]:
        """What importing each module at import time runs: targets and their parents."""
        found: dict[str, list[str]] = self._whole("run_successors")
        return found

    def _project_runs(self, module: str) -> list[str]:
        targets: set[str] = set()
        for edge in self.import_time_targets(module):
            targets.add(edge.target)
            targets.update(p for p in self.parents(edge.target) if p in self.modules)
        for resolved in self.resolved[module]:
            # `import pkg.sub.missing` runs pkg/sub/__init__.py before it fails
            base = resolved.base
            if base is not None and base not in self.modules and _runs_now(resolved.info):
                targets.update(p for p in self.parents(base) if p in self.modules)
        targets.discard(module)
        return sorted(targets)

    def _whole_run_successors(self) -> dict[str, list[str]]:
        return {m: self.projection("runs", m) for m in sorted(self.modules)}

    def run_cycles(self) -> list[list[str]]:
        """The strongly connected components of :meth:`run_successors` with two modules or
        more: the cycles over what importing a module runs (PF411)."""
        found: list[list[str]] = self._whole("run_cycles")
        return found

    def _whole_run_cycles(self) -> list[list[str]]:
        successors = {m: self.projection("runs", m) for m in sorted(self.modules)}
        return [c for c in strongly_connected(sorted(successors), successors) if len(c) > 1]

    def in_one_run_cycle(self, first: str, second: str) -> bool:
        """Whether two modules are in one cycle of what importing them runs (parents too)."""
        members = self._cycle_of()
        index = members.get(first)
        return index is not None and index == members.get(second)

    def _cycle_of(self) -> dict[str, int]:
        found = self._globals.get("_cycle_of")
        if not isinstance(found, dict):
            found = {m: i for i, cycle in enumerate(self.run_cycles()) for m in cycle}
            self._globals["_cycle_of"] = found
        else:
            self.run_cycles()  # what it reads
        return found

    def imported_modules(self) -> frozenset[str]:
        """The project modules that some import statement of the project names (any
        scope)."""
        found: frozenset[str] = self._whole("imported")
        return found

    def _project_targets(self, module: str) -> list[str]:
        return sorted({edge.target for edge in self.edges.get(module, ())})

    def _whole_imported(self) -> frozenset[str]:
        return frozenset(t for m in sorted(self.modules) for t in self.projection("targets", m))

    def path_inserters(self) -> frozenset[str]:
        """The packages whose modules change ``sys.path`` (a package module itself, else
        the module's package): their modules may serve as top-level names."""
        found: frozenset[str] = self._whole("path_inserters")
        return found

    def _project_body(self, module: str) -> list[list[str]]:
        """What each import statement that runs with ``module``'s body runs, in order: the
        parents of the module it names (also of a missing one), that module, then the
        submodules a ``from`` lists."""
        body = []
        for resolved in self.resolved[module]:
            base = resolved.base
            if base is None or not _runs_now(resolved.info):
                continue
            runs = self.run_order(base)
            if resolved.info.is_from:
                runs += [s for n in resolved.info.names if (s := f"{base}.{n}") in self.modules]
            body.append(runs)
        return body

    def _project_syspath(self, module: str) -> bool:
        return bool(self.modules[module].summary.sys_path_mutations)

    def _whole_path_inserters(self) -> frozenset[str]:
        return frozenset(
            m if self.modules[m].is_package else m.rpartition(".")[0]
            for m in sorted(self.modules)
            if self.projection("syspath", m)
        )

    # -- whole-project results and their per-module inputs ------------------------

    def projection(self, name: str, module: str) -> Any:
        """``module``'s part of the whole-project results (:data:`GLOBAL_INPUTS`), computed
        from its own summary alone (``_project_<name>``), or kept from the last run: a
        re-check computes those results again without reading every module."""
        file = self.modules[module]
        if deps.recording():
            deps.read(projection_key(_PROJECTION_NUMBERS[name], file.key))  # type: ignore[attr-defined]
        relpath = file.relpath
        values = self._store.get(name)
        if values is None:
            values = self._store[name] = {}
        if relpath in values:
            return values[relpath]
        with deps.detached():
            value = getattr(self, f"_project_{name}")(module)
        values[relpath] = value
        return value

    def computed_projection(self, name: str, module: str) -> Any:
        """``module``'s projection ``name``, computed now from its summary (not kept, not
        read as a dependency)."""
        with deps.detached():
            return getattr(self, f"_project_{name}")(module)

    def whole_result(self, name: str) -> Any:
        """The whole-project result ``name``, computed once (``_whole_<name>``); a rule that
        reads it depends on it as a whole, not on the modules it was computed from."""
        return self._whole(name)

    def computed_results(self) -> dict[str, object]:
        """The whole-project results read or computed so far, by name (for the record)."""
        return {name: v for name, v in self._globals.items() if name in GLOBAL_INPUTS}

    def recompute(self, name: str) -> Any:
        """Compute the whole-project result ``name`` again, not from the last run (whose
        per-module inputs changed)."""
        self._globals.pop(name, None)
        with deps.detached():
            found = self._globals[name] = getattr(self, f"_whole_{name}")()
        return found

    def _whole(self, name: str) -> Any:
        deps.read(GLOBAL_BASE + _GLOBAL_NAMES.index(name))
        found = self._globals.get(name, _MISSING)
        if found is _MISSING:
            found = self._kept.get(name, _MISSING)
            if found is _MISSING:
                with deps.detached():
                    found = getattr(self, f"_whole_{name}")()
            self._globals[name] = found
        return found

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


def _runs_now(info: ImportInfo) -> bool:
    """Whether the statement runs while its module is being imported (on some paths at
    least: see ``info.reach``)."""
    return (
        info.scope in _IMPORT_TIME
        and not info.in_function
        and info.reach in (Reach.ALWAYS, Reach.SOMETIMES)
    )


def _installed_name(module: str, key: str) -> str | None:
    """The one module a ``sys.modules`` key of ``module`` names (see
    ``ModuleSummary.module_writes``); None when it may name another or several."""
    if may_name_any(key) or key.endswith(ANY_BELOW):
        return None
    return absolute(module, key)


_KeyCallers = tuple[
    dict[str, list[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]], set[str]
]


def _passing(callers: _KeyCallers, at: Parameter) -> Iterator[tuple[str, str]]:
    """(calling module, key) for what the project's calls pass for the parameter ``at``
    of a function that writes ``sys.modules[<it>]``: ``""`` once when a call passes
    something unreadable, or none is seen (then it may be given any name), unless the
    function loads a file that is not the package's (the user's module names no module
    of the package)."""
    calls, opaque = callers
    unknown = at.callee in opaque
    seen = calls.get(at.callee, ())
    for caller, positional, keywords in seen:
        key = passed(positional, keywords, at)
        if key:
            yield caller, key
        else:
            unknown = True
    if (unknown or not seen) and not at.loads_a_file:
        yield "", ""


def _note_install(
    installed: dict[str, tuple[str, int]],
    hooked: dict[str, tuple[str, int]],
    key: str,
    writer: tuple[str, int],
    *,
    module: str,
    package: str,
) -> None:
    """Note what the absolute ``key`` names, written by ``writer`` (module, line) for
    ``module`` (whose ``__name__`` it may be); ``package`` is the writer's."""
    if not key:
        hooked.setdefault(package, writer)
    elif key == module:
        # it replaces itself (a lazy proxy): its names are unknown (``written``), its
        # submodules are still files the import system finds, or does not
        return
    elif key.endswith(ANY_BELOW):
        hooked.setdefault(key[: -len(ANY_BELOW)], writer)
    else:
        installed.setdefault(key, writer)


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


class _Resolved(Mapping[str, list[Any]]):
    """The graph's ``resolved`` (``which`` 0) or ``edges`` (1), resolving a module when it
    is asked for (sorted by module, as the eager dict of a check without the cache)."""

    def __init__(self, graph: ImportGraph, which: int) -> None:
        self.graph = graph
        self.which = which
        self.order: list[str] | None = None

    def __getitem__(self, module: str) -> list[Any]:
        if module not in self.graph.modules:
            raise KeyError(module)
        found: list[Any] = self.graph.resolution(module)[self.which]
        return found

    def __iter__(self) -> Iterator[str]:
        if self.order is None:
            self.order = sorted(self.graph.modules)
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.graph.modules)

    def __contains__(self, module: object) -> bool:
        return module in self.graph.modules


def build_graph(project: Project) -> ImportGraph:
    return ImportGraph(project)


def graph_of(project: Project) -> ImportGraph:
    """The project's import graph, built once per project model and shared by the rules
    (kept in ``project.extra``, as the rules' other derived views are)."""
    return shared_view(project, "_graph", ImportGraph, ImportGraph)


# -- import-order simulation (PF411) -------------------------------------------


class EntryKind(enum.IntEnum):
    """How a program comes to import a breakage's entry module first; lower is surer."""

    SELF = 0
    """No entry needed: the module imports the name from itself, so the statement fails
    whenever the module runs."""
    ROOT = 1
    """A way the program starts: importing the top-level package, or a module that no
    project module imports at import time (what users, plugin loaders and
    ``importlib.import_module`` import by name). Importing it reaches the entry first."""
    DIRECT = 2
    """Only a direct import of a module the project itself imports elsewhere (``import
    pkg.backend.features`` before ``pkg.backend.base``): one import order among others."""


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
    """The line where ``target`` first binds ``name`` — too late (for a self-import, the
    failing statement itself)."""
    suspended_at: int
    """The line of ``target`` whose import is still running (0: it has run to its end)."""
    chain: tuple[tuple[str, int], ...]
    """(module, line) of each import in progress, from the entry to the failing statement."""
    kind: EntryKind = EntryKind.ROOT
    """How a program gets to import ``entry`` first: decides whether the failure is certain."""
    reach: Reach = Reach.ALWAYS
    """SOMETIMES when a statement that ran on the way runs only on some paths (a platform
    branch, an ``except`` body): the failure is then certain only where it runs."""
    first_import: str = ""
    """The module a program imports first to get here: ``entry`` itself, or a module whose
    import enters the cycle at ``entry`` (an ordinary first import, when one does)."""
    deleted_at: int = 0
    """Nonzero when ``target`` had bound ``name`` but deleted it (``del name`` on this line)
    before the line where it is suspended; ``bound_at`` is then 0."""
    ordinary: bool = False
    """An ordinary use takes this way (DESIGN.md, "Which first imports count"): the first
    import is the top-level package, a public module or an entry point; or the cycle fails
    however it is entered."""

    @property
    def certain(self) -> bool:
        """Whether an ordinary use fails here (:attr:`ordinary`) and every statement on the
        way always runs. PF411 is an error then, a warning otherwise."""
        return self.ordinary and self.reach is Reach.ALWAYS


class _Broken(Exception):
    """The ImportError a failing import raises, unwinding the imports: a breakage, or None
    for a failure other rules report (a name or module that does not exist at all, PF404;
    a relative import beyond the top, PF405), which the simulation follows all the same."""

    def __init__(self, breakage: Breakage | None) -> None:
        super().__init__(breakage.name if breakage else "")
        self.breakage = breakage


def _is_guarded(info: ImportInfo) -> bool:
    return info.optional or info.scope is ImportScope.OPTIONAL


class _Simulation:
    """Executes the project's module-level imports in order, as the interpreter would.

    A failing ``from X import name`` raises, like ImportError: every module whose
    import it interrupts is dropped (it is not in ``sys.modules`` afterwards and
    would run again), up to a ``try/except ImportError`` that catches it, or to the
    entry, which then fails. Only an uncaught failure is a finding.
    """

    def __init__(
        self,
        graph: ImportGraph,
        entry: str,
        members: set[str],
        kind: EntryKind = EntryKind.ROOT,
        *,
        sometimes: bool = True,
    ) -> None:
        self.graph = graph
        self.entry = entry
        self.members = members
        self.kind = kind
        self.sometimes = sometimes
        """Whether statements that run only on some paths run (else none of them does)."""
        self.done: set[str] = set()
        self.running: dict[str, int] = {}
        self.found: list[Breakage] = []
        self.caught = False
        self.reach = Reach.ALWAYS
        """SOMETIMES once a statement that runs only on some paths has run."""
        self.partial_stars: dict[tuple[str, int], int] = {}
        """(module, line) of a star import that ran while its module was partly
        initialised -> the line that module was suspended at: it bound only what the
        module had bound by then."""
        self.module_names: dict[str, dict[str, str]] = {}
        """Per module, its names that a ``from`` import bound to a project module."""
        self.attributes: set[tuple[str, str]] = set()
        """(package, name): a star import bound the package's submodule ``name`` as an
        attribute of the package, which ``from package import name`` then finds without
        importing it again, even after a caught failure dropped it from ``sys.modules``."""
        """Whether a failure was caught: the modules it interrupted were dropped, so what
        the program imports next may run them again, in another order."""

    def simulate(self) -> None:
        try:
            self.run(self.entry)
        except _Broken as failure:
            if failure.breakage is not None:
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
                if not _runs_now(info):
                    continue
                if info.reach is not Reach.ALWAYS:
                    if not self.sometimes:
                        continue
                    self.reach = Reach.SOMETIMES
                self.running[module] = info.line
                try:
                    if resolved.base is None:
                        raise _Broken(None)  # beyond the top-level package
                    self.statement(module, resolved)
                except _Broken:
                    if not _is_guarded(info):
                        raise
                    self.caught = True  # by `except ImportError`: the module carries on
        finally:
            del self.running[module]
        self.done.add(module)

    def statement(self, module: str, resolved: ResolvedImport) -> None:
        graph, info, base = self.graph, resolved.info, resolved.base
        assert base is not None
        for parent in graph.parents(base):
            self.run(parent)  # also when `base` itself is missing: its parents run first
        self.run(base)
        if graph.is_first_party(base) and not _may_exist(graph, base):
            raise _Broken(None)  # ModuleNotFoundError
        if not info.is_from:
            return
        if "*" in info.names:
            if base in self.running:
                self.partial_stars[module, info.line] = self.running[base]
            else:
                self.partial_stars.pop((module, info.line), None)
            self.star(module, resolved, base)
            self.star_binds_modules(module, base)
        # `from pkg import X, sub` imports every listed submodule the package has no
        # attribute for first (importlib's _handle_fromlist), then looks the names up
        for name in info.names:
            if f"{base}.{name}" in graph.modules and (base, name) not in self.attributes:
                self.run(f"{base}.{name}")
        for name in info.names:
            if name == "*" or _may_exist(graph, f"{base}.{name}"):
                continue
            if base in self.running:
                self.check(module, resolved, name)
            elif _never_bound(graph, base, name):
                deleted = graph.deleted_line(base, name)
                if deleted and graph.seen_before_del(base, name, module, info.line):
                    # this order ran `base` to its end: its `del` has run
                    self.fail(module, resolved, base, name, 0, deleted_at=deleted)
                raise _Broken(None)
        self.binds_modules(module, info, base)

    def binds_modules(self, module: str, info: ImportInfo, base: str) -> None:
        """Remember which names of ``module`` the ``from`` import ``info`` bound to
        submodules of ``base``."""
        if len(info.bound) != len(info.names):
            return
        for name, bound in zip(info.names, info.bound, strict=True):
            if f"{base}.{name}" in self.graph.modules:
                self.module_names.setdefault(module, {})[bound] = f"{base}.{name}"

    def star_binds_modules(self, importer: str, base: str) -> None:
        """``from base import *`` in ``importer`` binds the module objects ``base`` holds:
        one of ``importer``'s own submodules becomes its attribute."""
        file = self.graph.modules.get(base)
        listed = file.summary.all if file is not None else None
        if listed is not None and not listed.is_literal:
            return
        exported = {e.value for e in listed.entries} if listed is not None else None
        for bound, target in self.module_names.get(base, {}).items():
            public = not bound.startswith("_") if exported is None else bound in exported
            if public and target == f"{importer}.{bound}":
                self.attributes.add((importer, bound))

    def star(self, importer: str, resolved: ResolvedImport, base: str) -> None:
        """``from base import *``: importlib imports the submodules ``base.__all__`` lists,
        then each name it lists must be bound. A partly initialised module has assigned
        only the ``__all__`` entries before where it is suspended."""
        graph = self.graph
        file = graph.modules.get(base)
        listed = file.summary.all if file is not None else None
        if listed is None or not listed.is_literal:
            return
        now = self.running.get(base)
        entries = [
            e.value for e in listed.entries if e.value is not None and (now is None or e.line < now)
        ]
        for name in entries:
            if f"{base}.{name}" in graph.modules:
                self.run(f"{base}.{name}")
        if now is None or listed.line >= now:
            return  # complete (PF302 says what it lacks), or no `__all__` yet
        for name in entries:
            if _may_exist(graph, f"{base}.{name}") or _may_bind_before(graph, base, name, now):
                continue
            if _never_bound(graph, base, name):
                raise _Broken(None)
            bound_at = _binds_too_late(graph, base, name, now, self.partial_stars)
            if bound_at is None:
                return
            self.fail(importer, resolved, base, name, bound_at)

    def check(self, importer: str, resolved: ResolvedImport, name: str) -> None:
        graph, target = self.graph, resolved.base
        assert target is not None
        now = self.running[target]
        deletion = _deleted_before(graph, target, name, now, self.partial_stars)
        if deletion is not None:
            deleted, rebound = deletion
            if not rebound and not graph.seen_before_del(
                target, name, importer, resolved.info.line
            ):
                raise _Broken(None)  # missing whenever it runs: PF404's finding
            self.fail(importer, resolved, target, name, rebound, deleted_at=deleted)
        bound_at = _binds_too_late(graph, target, name, now, self.partial_stars)
        if bound_at is None:
            if _never_bound(graph, target, name):
                raise _Broken(None)
            return
        self.fail(importer, resolved, target, name, bound_at)

    def fail(
        self,
        importer: str,
        resolved: ResolvedImport,
        target: str,
        name: str,
        bound_at: int,
        *,
        deleted_at: int = 0,
    ) -> NoReturn:
        now = self.running.get(target, 0)
        chain = tuple(self.running.items())
        breakage = Breakage(
            self.entry,
            importer,
            resolved.info,
            target,
            name,
            bound_at,
            now,
            chain,
            self.kind,
            self.reach,
            deleted_at=deleted_at,
        )
        raise _Broken(breakage)


# What the import system sets on every module before running it.
_MODULE_ATTRIBUTES = frozenset(
    {"__name__", "__doc__", "__file__", "__path__", "__spec__", "__loader__", "__package__"}
    | {"__builtins__", "__cached__", "__dict__"}
)


def _may_exist(graph: ImportGraph, dotted: str) -> bool:
    """Whether the import system may find module ``dotted`` (a compiled module, or one the
    build creates, counts). ``from parent import leaf`` then imports it, whatever
    ``parent`` has bound yet."""
    return graph.may_exist(dotted)


def _never_bound(graph: ImportGraph, module: str, name: str) -> bool:
    """Whether ``module`` binds ``name`` nowhere, as PF404 proves it (the import of it then
    fails however the modules are ordered)."""
    if module not in graph.modules or name in _MODULE_ATTRIBUTES:
        return False
    defined = graph.defined_names(module)
    return defined is not None and name not in defined


def _binds_too_late(
    graph: ImportGraph,
    target: str,
    name: str,
    now: int,
    partial_stars: Mapping[tuple[str, int], int],
) -> int | None:
    """The line where ``target`` first binds ``name``, when that is not before line ``now``
    (where its execution is suspended); None when ``name`` may well be bound by then, or
    is never bound (that is PF404's finding). ``partial_stars``: see
    :attr:`_Simulation.partial_stars`."""
    summary = graph.modules[target].summary
    if _written_at_run_time_before(summary, now) or name in _MODULE_ATTRIBUTES:
        return None
    lines = {b.name: b.line for b in summary.bindings if b.reach is not Reach.NEVER}
    # a module `__getattr__` serves the name from its definition on
    served_at = lines.get("__getattr__") if _may_serve(summary, name) else None
    if served_at is not None and served_at < now:
        return None
    bound_at = lines.get(name)
    if bound_at is not None and bound_at < now:
        return None
    if served_at is not None and (bound_at is None or served_at < bound_at):
        bound_at = served_at
    for star in graph.resolved[target]:
        if "*" not in star.info.names or star.base == target or not _runs_now(star.info):
            continue
        names = None if star.base is None else graph.star_names(star.base)
        if star.info.line < now:
            suspended = partial_stars.get((target, star.info.line))
            if suspended is None and (names is None or name in names):
                return None  # the star import may have bound it in time
            if suspended is not None and _may_bind_before(graph, star.base, name, suspended):
                return None  # it ran on a partial module that may have bound it already
        if names is not None and name in names and (bound_at is None or star.info.line < bound_at):
            bound_at = star.info.line  # bound by a star import that has not run yet
    return bound_at


def _deleted_before(
    graph: ImportGraph,
    target: str,
    name: str,
    now: int,
    partial_stars: Mapping[tuple[str, int], int],
) -> tuple[int, int] | None:
    """(``del`` line, line that binds the name again or 0) when ``target``, suspended at
    its line ``now``, has deleted ``name`` and not bound it again (a star import in
    between may have)."""
    summary = graph.modules[target].summary
    deletion = graph.deletion_before(target, name, now)
    if deletion is None:
        return None
    deleted = deletion[0]
    lines = {b.name: b.line for b in summary.bindings if b.reach is not Reach.NEVER}
    if lines.get("__getattr__", now) < now and _may_serve(summary, name):
        return None
    for star in graph.resolved[target]:
        if "*" in star.info.names and deleted < star.info.line < now and _runs_now(star.info):
            suspended = partial_stars.get((target, star.info.line))
            if suspended is not None:
                if _may_bind_before(graph, star.base, name, suspended):
                    return None
                continue
            names = None if star.base is None else graph.star_names(star.base)
            if names is None or name in names:
                return None  # the star import may bind it again
    return deletion


def _may_serve(summary: ModuleSummary, name: str) -> bool:
    """Whether the module's ``__getattr__`` may return ``name`` (its served names are read
    from the literal forms; any name when they cannot be read)."""
    served = summary.getattr_serves
    return served is None or name in served


def _written_at_run_time_before(summary: ModuleSummary, line: int) -> bool:
    """Whether the module may have written its namespace at run time before its line
    ``line`` runs (``fixup(__name__, globals())`` at the end of a package's ``__init__``
    has not run while the package is suspended earlier: what it had bound by then is
    known)."""
    return summary.dynamic_namespace and (not summary.dynamic_line or summary.dynamic_line < line)


def _may_bind_before(graph: ImportGraph, module: str | None, name: str, line: int) -> bool:
    """Whether ``module`` may have bound ``name`` before its line ``line`` runs (when unsure,
    yes)."""
    file = graph.modules.get(module or "")
    if file is None or _written_at_run_time_before(file.summary, line):
        return True
    if name in _MODULE_ATTRIBUTES:
        return True
    lines = {b.name: b.line for b in file.summary.bindings if b.reach is not Reach.NEVER}
    if lines.get(name, line) < line:
        return True
    if lines.get("__getattr__", line) < line and _may_serve(file.summary, name):
        return True
    for star in graph.resolved[file.module]:
        if "*" in star.info.names and star.info.line < line and star.base != module:
            names = None if star.base is None else graph.star_names(star.base)
            if names is None or name in names:
                return True
    return False


def self_import_breakages(graph: ImportGraph, module: str) -> Iterator[Breakage]:
    """``from M import name`` run by M itself before M binds ``name``: M is in
    ``sys.modules`` but partly initialised whenever that statement runs, whoever imports
    M, so it always raises (a statement guarded by ``try/except ImportError`` aside)."""
    for resolved in graph.resolved[module]:
        info = resolved.info
        if resolved.base != module or not info.is_from or not _runs_now(info):
            continue
        if _is_guarded(info):
            continue
        for name in info.names:
            sub = f"{module}.{name}"
            if name == "*" or _may_exist(graph, sub):
                continue
            # the statement binds `name` itself: a first binding at its own line means
            # nothing bound it before
            bound_at = _binds_too_late(graph, module, name, info.line, {})
            deletion = _deleted_before(graph, module, name, info.line, {})
            if deletion is not None and deletion[1] == info.line:
                # deleted, and bound again only by this very statement
                bound_at = 0
            if bound_at is not None:
                chain = ((module, info.line),)
                yield Breakage(
                    module,
                    module,
                    info,
                    module,
                    name,
                    bound_at,
                    info.line,
                    chain,
                    EntryKind.SELF,
                    info.reach,
                    module,
                    deleted_at=deletion[0] if deletion is not None else 0,
                    ordinary=True,
                )
                break  # the first failing name raises; the others are never looked up


def ordinary_first_import(project: Project) -> Callable[[str], bool]:
    """Whether importing a module first is an ordinary use (DESIGN.md, "Which first imports
    count"): the top-level package, a public module, or a module an entry point names."""
    from pkgforge.checker.declared import declarations_of

    entry_points = declarations_of(project).entry_modules
    return lambda module: is_public_module(module) or module in entry_points


def import_breakages(
    graph: ImportGraph, ordinary: Callable[[str], bool] | None = None
) -> list[Breakage]:
    """Every ``from X import name`` that fails at import time for some first import.

    A module that imports a name from itself before binding it fails whenever it runs
    (:attr:`EntryKind.SELF`: :func:`self_import_breakages`). Otherwise, for each cycle
    (over what imports *run*, parent packages included) that holds a candidate
    statement, the simulations of :func:`cycle_breakages`. :func:`ranked_breakages`
    keeps one per statement and name, so the outcome does not depend on file order.

    ``ordinary`` tells whether importing a module first is an ordinary use (the top-level
    package, a public module, an entry point; by default :func:`ordinary_first_import`
    of the project): a breakage is :attr:`Breakage.ordinary`
    when such a first import leads to it, or when every way into its cycle fails.
    """
    selves = [b for module in sorted(graph.modules) for b in self_import_breakages(graph, module)]
    context = CycleContext(graph, ordinary)
    cycles = [b for c in graph.run_cycles() for b in cycle_breakages(graph, c, context)]
    return ranked_breakages(selves, cycles)


def ranked_breakages(selves: Iterable[Breakage], cycles: Iterable[Breakage]) -> list[Breakage]:
    """One breakage per statement and name, sorted by them: a self-import's, else the one
    with the surest way in (an ordinary first import, then a root, then a direct import),
    then the shallowest first import (``cycles`` in the order of the cycles and of their
    simulations)."""
    found: dict[tuple[str, int, str], Breakage] = {}
    for breakage in selves:
        found[breakage.importer, breakage.info.line, breakage.name] = breakage
    for breakage in sorted(cycles, key=_breakage_order):
        found.setdefault((breakage.importer, breakage.info.line, breakage.name), breakage)
    return [found[key] for key in sorted(found)]


class CycleContext:
    """What the simulations of every cycle share: who imports whom at import time, the
    ways a program starts, and what each import statement runs (computed once for all
    cycles: Django has two dozen candidate cycles). Each cycle that reads them reads the
    graph's whole-project result they come from (:meth:`ImportGraph.run_successors`).
    ``ordinary``: see :func:`import_breakages` (the project's declarations decide it, and
    they are part of the check's shape)."""

    def __init__(self, graph: ImportGraph, ordinary: Callable[[str], bool] | None = None) -> None:
        self.graph = graph
        self.ordinary = ordinary or ordinary_first_import(graph.project)
        self.ordered = sorted(graph.modules)
        self.runs = _RunCache(graph)
        self._importers: dict[str, set[str]] | None = None
        self._roots: frozenset[str] | None = None

    @property
    def importers(self) -> dict[str, set[str]]:
        successors = self.graph.run_successors()
        if self._importers is None:
            importers: dict[str, set[str]] = {}
            for module, targets in successors.items():
                for target in targets:
                    importers.setdefault(target, set()).add(module)
            self._importers = importers
        return self._importers

    @property
    def roots(self) -> frozenset[str]:
        importers = self.importers
        if self._roots is None:
            successors = self.graph.run_successors()
            self._roots = frozenset(m for m in successors if "." not in m or not importers.get(m))
        return self._roots


def cycle_breakages(
    graph: ImportGraph, component: Sequence[str], context: CycleContext
) -> list[Breakage]:
    """The breakages of one cycle of :meth:`ImportGraph.run_cycles`: import each of its
    entry modules (see :class:`_EntryFinder`) first in a fresh simulated interpreter.
    When that import caught a failure, the modules it interrupted were dropped and run
    again later, so each module that enters the cycle there is imported first in a
    simulation of its own. Nothing when no statement of the cycle can fail."""
    members = set(component)
    if not _has_candidate(graph, members):
        return []
    reach = _reach(members, context.importers)
    first = _first_members(graph, members, reach, context.roots, context.ordered, runs=context.runs)
    entries: dict[str, EntryKind] = {}
    for entry, kind in first.values():
        entries[entry] = min(kind, entries.get(entry, kind))
    simulations: list[_Simulation] = []
    caught: set[str] = set()
    for entry, kind in sorted(entries.items(), key=_entry_order):
        simulation = _Simulation(graph, entry, members, kind)
        simulation.simulate()
        simulations.append(simulation)
        if simulation.caught:
            caught.add(entry)
    # every way into the cycle fails: whatever a program imports first, it breaks
    unavoidable = bool(simulations) and all(s.found for s in simulations)
    if caught:
        scope = members | reach
        for module, (entry, kind) in sorted(first.items(), key=_entry_order):
            if entry in caught and module != entry:
                simulation = _Simulation(graph, module, scope, kind)
                simulation.simulate()
                simulations.append(simulation)
    ordinary = context.ordinary
    breakages: list[Breakage] = []
    for simulation in simulations:
        for breakage in simulation.found:
            first_import = _first_import(breakage.entry, first, ordinary)
            breakages.append(
                dataclasses.replace(
                    breakage,
                    first_import=first_import,
                    ordinary=unavoidable or ordinary(first_import),
                    reach=_reach_of(graph, simulation, breakage),
                )
            )
    return breakages


def _reach_of(graph: ImportGraph, simulation: _Simulation, breakage: Breakage) -> Reach:
    """ALWAYS when the breakage happens whether the statements that run only on some paths
    (a platform branch on the way) run or not: the order they change is not the one
    that fails (a Windows-only import of a module outside the failing chain)."""
    if breakage.reach is Reach.ALWAYS:
        return Reach.ALWAYS
    without = _Simulation(
        graph, simulation.entry, simulation.members, simulation.kind, sometimes=False
    )
    without.simulate()
    key = (breakage.importer, breakage.info.line, breakage.name)
    if any((b.importer, b.info.line, b.name) == key for b in without.found):
        return Reach.ALWAYS
    return breakage.reach


def _first_import(
    entry: str, first: Mapping[str, tuple[str, EntryKind]], ordinary: Callable[[str], bool]
) -> str:
    """What a program imports first to enter a cycle at ``entry``: ``entry`` when that is an
    ordinary first import, else the shallowest ordinary module whose import enters there
    (``pkg.api`` importing the private ``pkg._core`` first), else ``entry``."""
    if ordinary(entry):
        return entry
    leading = [m for m, (e, _kind) in first.items() if e == entry and ordinary(m)]
    return min(leading, key=lambda m: (m.count("."), m), default=entry)


def _breakage_order(breakage: Breakage) -> tuple[int, int, int, str]:
    module = breakage.first_import or breakage.entry
    surest = breakage.kind is EntryKind.SELF or breakage.ordinary
    return (not surest, breakage.kind, module.count("."), module)


def _entry_order(
    item: tuple[str, EntryKind] | tuple[str, tuple[str, EntryKind]],
) -> tuple[int, int, str]:
    module, how = item
    kind = how[1] if isinstance(how, tuple) else how
    return (kind, module.count("."), module)


class _EntryFinder:
    """Which module of a cycle is imported first, for each way the program can start.

    A program starts by importing any module by name; importing ``a.b.c`` runs
    ``a/__init__`` and ``a/b/__init__`` first. Running those statements in order,
    the first one that reaches the cycle decides which member enters it. Once
    entered, every member runs before the entry finishes, so the entry alone
    decides whether the cycle breaks.
    """

    def __init__(
        self, graph: ImportGraph, members: set[str], reach: set[str], runs: _RunCache
    ) -> None:
        self.graph = graph
        self.runs = runs
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
        for runs in self.runs.body(module):
            found = self.first(runs)
            if found is not None:
                break
        self.in_progress.discard(module)
        self.memo[module] = found
        return found


class _RunCache:
    """The project modules an import runs, in order, computed once per graph."""

    def __init__(self, graph: ImportGraph) -> None:
        self.graph = graph
        self.orders: dict[str, list[str]] = {}

    def body(self, module: str) -> list[list[str]]:
        """What each import statement that runs with ``module``'s body runs, in order."""
        found: list[list[str]] = self.graph.projection("body", module)
        return found

    def order(self, module: str) -> list[str]:
        """Importing ``module`` by name: its parents first, then itself."""
        order = self.orders.get(module)
        if order is None:
            order = self.orders[module] = self.graph.run_order(module)
        return order


def _reach(members: set[str], importers: Mapping[str, set[str]]) -> set[str]:
    """The modules outside the cycle whose import leads into it."""
    reach: set[str] = set()
    queue = deque(members)
    while queue:
        for importer in importers.get(queue.popleft(), ()):
            if importer not in reach and importer not in members:
                reach.add(importer)
                queue.append(importer)
    return reach


def _first_members(
    graph: ImportGraph,
    members: set[str],
    reach: set[str],
    roots: frozenset[str],
    ordered: Sequence[str],
    *,
    runs: _RunCache,
) -> dict[str, tuple[str, EntryKind]]:
    """For each module whose import leads into the cycle: the member it enters through,
    and how surely a program imports that module first.

    Every module can be imported first by name. A *root* (:attr:`EntryKind.ROOT`) is how
    programs start; any other module is imported first only by a program that imports
    it directly, before what the project imports it from (:attr:`EntryKind.DIRECT`). A
    module under a top-level package whose ``__init__`` leads into the cycle enters it
    where that package does: the package runs first. ``ordered`` is every module, sorted.
    """
    finder = _EntryFinder(graph, members, reach, runs)
    first: dict[str, tuple[str, EntryKind]] = {}
    # the modules whose import runs one of the cycle or reach: those and what is under them
    involved: set[str] = set()
    for module in members | reach:
        involved.add(module)
        below = bisect.bisect_left(ordered, module + ".")
        involved.update(ordered[below : bisect.bisect_left(ordered, module + "/", below)])
    for module in sorted(involved):
        order = runs.order(module)
        kind = EntryKind.ROOT if module in roots else EntryKind.DIRECT
        try:
            entry = finder.first(order)
        except RecursionError:  # an absurdly deep chain: any member may come first
            return {m: (m, EntryKind.DIRECT) for m in members}
        if entry is not None:
            first[module] = (entry, kind)
    return first


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
            stars = any("*" in r.info.names for r in graph.resolved[target])
            if "*" in info.names and summary.all is not None and summary.all.is_literal:
                return True  # `__all__` may list a name bound too late
            for name in info.names:
                if f"{target}.{name}" in graph.modules:
                    continue
                bound = lines.get(name)
                if bound is None and _may_serve(summary, name):
                    bound = lines.get("__getattr__")  # served from its definition on
                if bound is None and stars:
                    return True  # a star import may bind it, maybe too late
                if any(d[0] == name for d in summary.deletions):
                    return True  # deleted: the order decides whether it is still there
                if bound is not None and first_import is not None and first_import <= bound:
                    return True
    return False
