"""A check with the cache: record what the rules read, or re-check after an edit.

:func:`record_check` runs every rule on a full model and records what each unit read
(:mod:`.runner`). :func:`recheck` answers a later check of the same shape: it parses the
files that changed (:mod:`.plan`), builds a model whose other summaries are unpickled
only when asked for, finds which keys changed, and runs again what read them:

* a file whose summary changed is a changed key;
* the graph's whole-project results (import cycles, who writes into whom: see
  :data:`~pkgforge.checker.graph.GLOBAL_INPUTS`) are computed again from their per-module
  inputs, kept in the record, when a changed file's input changed; a result that is
  then different is a changed key;
* what the model holds besides (the shared namespaces, read from packages'
  ``__init__.py``) is kept from the last run, unless a changed ``__init__.py`` says
  otherwise: then the re-check gives up and the engine runs every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pkgforge.checker.incremental.deps import GLOBAL_BASE, isolated, projection_key
from pkgforge.checker.incremental.plan import Changed, plan
from pkgforge.checker.incremental.records import Kept, Record, pack_values
from pkgforge.checker.incremental.runner import Changes, run_rules
from pkgforge.checker.incremental.tracked import StaleCache

if TYPE_CHECKING:
    from pkgforge.checker.cache import StoredResult, SummaryCache
    from pkgforge.checker.findings import Finding
    from pkgforge.checker.model import Project
    from pkgforge.checker.rules.base import Rule
    from pkgforge.checker.summary import ModuleSummary
    from pkgforge.checker.walk import FileEntry

__all__ = ["Rechecked", "recheck", "record_check"]


class Rechecked:
    """A re-check's findings by rule, the crashed rules, the record of this run, the
    files whose summary changed, and the rules that ran again (some units, or all)."""

    __slots__ = ("by_rule", "changed", "errors", "record", "rerun")

    def __init__(
        self,
        by_rule: dict[str, tuple[Finding, ...]],
        errors: tuple[str, ...],
        record: Record,
        changed: tuple[Changed, ...],
        rerun: tuple[str, ...],
    ) -> None:
        self.by_rule = by_rule
        self.errors = errors
        self.record = record
        self.changed = changed
        self.rerun = rerun


def record_check(
    project: Project, rules: Sequence[Rule]
) -> tuple[dict[str, tuple[Finding, ...]], tuple[str, ...], Record]:
    """Every rule's findings on a recorded model (``project.extra["recorded"]``), the
    crashed rules, and the record."""
    outcome = run_rules(rules, project)
    return outcome.by_rule, outcome.errors, _finish(project, outcome.record, None)


def recheck(
    files: Sequence[FileEntry],
    cache: SummaryCache,
    stored: StoredResult,
    *,
    parse: Callable[[Sequence[FileEntry]], Sequence[ModuleSummary]],
    model: Callable[[Any, Mapping[int, ModuleSummary], Callable[[FileEntry], Any]], Project],
    choose: Callable[[Project], Sequence[Rule]],
) -> Rechecked | None:
    """Check again after some of ``files`` changed since ``stored`` (same shape), running
    only what they can have changed; None when that cannot be told (then every rule
    runs). ``parse`` summarises files the cache lacks; ``model(facts, new summaries by
    key, load)`` builds the model; ``choose(model)`` gives the rules to run."""
    record = Record.from_memo(cache.memo) if stored.recorded else None
    if record is None or record.facts is None:
        return None
    changed = plan(files, stored, cache, parse)
    if changed is None:
        return None
    if not changed:
        by_rule = {code: rule.all_findings() for code, rule in record.rules.items()}
        return Rechecked(by_rule, (), record, (), ())
    if _facts_changed(record.facts[-1], changed):
        return None

    def load(entry: FileEntry) -> ModuleSummary:
        summary = cache.get(entry.relpath, entry.size, entry.mtime_ns)
        if summary is None:
            raise StaleCache(entry.relpath)
        return summary

    project = model(record.facts, {c.key: c.after for c in changed}, load)
    project.extra["_projections"] = Kept(record.projections)  # type: ignore[index]
    project.extra["_results"] = Kept(record.globals)  # type: ignore[index]
    try:
        with isolated():
            keys = _changed_keys(project, record, changed)
        moved = {c.key: (c.entry.relpath, c.entry.module) for c in changed if c.moved}
        outcome = run_rules(choose(project), project, record, Changes(keys, moved))
    except StaleCache:
        return None
    packed = _finish(project, outcome.record, record)
    return Rechecked(outcome.by_rule, outcome.errors, packed, changed, outcome.rerun)


def _facts_changed(
    signals: Mapping[str, tuple[bool, bool | None]], changed: Sequence[Changed]
) -> bool:
    """Whether a changed ``__init__.py`` may make the shared namespaces other than the
    last run's (the model's other facts come from the shape)."""
    for change in changed:
        entry = change.entry
        old = signals.get(entry.relpath)
        if not entry.is_package or not entry.module:
            continue
        if old is None:
            return True
        from pkgforge.checker.backends.facts import path_signals
        from pkgforge.checker.model import SourceFile

        file = SourceFile(entry.path, entry.relpath, entry.module, True, change.after)
        if path_signals(file, old[1] is not None) != old:
            return True
    return False


def _changed_keys(project: Project, record: Record, changed: Sequence[Changed]) -> frozenset[int]:
    """The keys an edit changed: each file whose summary changed (not only moved), each
    projection of a changed module that is no longer what it was (computed from its
    summaries before and after: the kept values of every module are not even read when
    none changed), and each whole-project result of the graph computed from a changed
    projection that is no longer what it was."""
    from dataclasses import replace

    from pkgforge.checker.graph import GLOBAL_INPUTS, PROJECTIONS, ImportGraph, graph_of
    from pkgforge.checker.model import SourceFile

    keys = {c.key for c in changed if not c.moved}
    graph = graph_of(project)
    mine = [c for c in changed if graph.modules.get(c.entry.module) is project.files[c.key]]
    if not mine:
        return frozenset(keys)
    olds = {c.key: c.before for c in mine}
    files = tuple(
        SourceFile(f.path, f.relpath, f.module, f.is_package, olds[key]) if key in olds else f
        for key, f in enumerate(project.files)
    )
    before = ImportGraph(replace(project, files=files, extra={"recorded": True}))
    store = project.extra["_projections"]
    affected: set[str] = set()
    for change in mine:
        module = change.entry.module
        for number, name in enumerate(PROJECTIONS):
            now = graph.computed_projection(name, module)
            if now == before.computed_projection(name, module):
                continue
            affected.add(name)
            keys.add(projection_key(number, change.key))
            values = store.get(name)
            if values is not None:  # kept from the last run: its value for the module
                values[change.entry.relpath] = now
    kept = project.extra["_results"]
    for index, (name, needs) in enumerate(GLOBAL_INPUTS.items()):
        if name not in record.globals or not affected.intersection(needs):
            continue
        if graph.recompute(name) != kept.get(name):
            keys.add(GLOBAL_BASE + index)
    return frozenset(keys)


def _finish(project: Project, record: Record, previous: Record | None) -> Record:
    """The record of this run: the rules' record, and what the graph computed over the
    whole project (kept from ``previous`` where not computed again)."""
    from pkgforge.checker.graph import ImportGraph

    graph = project.extra.get("_graph")
    results: dict[str, bytes] = dict(previous.globals) if previous is not None else {}
    kept = project.extra.get("_results")
    if isinstance(graph, ImportGraph):
        for name, value in graph.computed_results().items():
            same = isinstance(kept, Kept) and name in kept.loaded and kept.loaded[name] == value
            if not same:
                results[name] = pack_values(value)
    store = project.extra.get("_projections")
    packed = dict(previous.projections) if previous is not None else {}
    if isinstance(store, Kept):
        packed.update(store.pack())
    elif isinstance(store, dict):
        packed.update((name, pack_values(values)) for name, values in store.items())
    return record.kept(results, packed, project.extra.get("_facts"))
