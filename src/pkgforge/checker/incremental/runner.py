"""Run the rules while recording what they read, or again after an edit, skipping what
the edit cannot have changed.

Each rule runs with a frame of its own (what its code outside units reads) and one per
unit (:mod:`.units`). On a re-check (``previous`` and ``changes`` given), a rule without
units runs again only if what it read changed, else its findings are kept; a rule with
units runs again, and its units skip unless one of their keys changed. What read a file
whose lines only moved (:mod:`.interface`) runs again only if its output names that file:
its positions are printed there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pkgforge.checker.incremental import deps
from pkgforge.checker.incremental.interface import mentions
from pkgforge.checker.incremental.records import Record, RuleRecord, pack_keys, unpack_keys
from pkgforge.checker.incremental.units import RuleRun, running

if TYPE_CHECKING:
    from pkgforge.checker.findings import Finding
    from pkgforge.checker.rules.base import Rule

__all__ = ["Changes", "Outcome", "run_rules"]

log = logging.getLogger("pkgforge")


class Changes:
    """What an edit changed, as keys (:mod:`.deps`): ``changed``, the keys whose value is
    not what the last run read; ``moved``, the files whose summary changed only by
    positions (key -> (relpath, module))."""

    __slots__ = ("changed", "moved")

    def __init__(self, changed: frozenset[int], moved: Mapping[int, tuple[str, str]]) -> None:
        self.changed = changed
        self.moved = moved


class Outcome:
    """Every rule's findings, the crashed rules, the record of the run, and the rules
    that ran (some of their units, or all)."""

    __slots__ = ("by_rule", "errors", "record", "rerun")

    def __init__(
        self,
        by_rule: dict[str, tuple[Finding, ...]],
        errors: tuple[str, ...],
        record: Record,
        rerun: tuple[str, ...],
    ) -> None:
        self.by_rule = by_rule
        self.errors = errors
        self.record = record
        self.rerun = rerun


def run_rules(
    rules: Sequence[Rule],
    model: Any,
    previous: Record | None = None,
    changes: Changes | None = None,
    *,
    carry: Mapping[str, Any] | None = None,
) -> Outcome:
    """Every rule's findings on ``model``, and the record of this run. With ``previous``
    and ``changes``, only what ``changes`` can have changed runs again. ``carry`` holds
    what the new record keeps besides (projections, globals, facts)."""
    old = previous.rules if previous is not None and changes is not None else {}
    dirty = _dirty_units(previous, changes) if previous is not None and changes else None
    known = set(previous.units) if previous is not None else set()
    files = getattr(model, "files", ())
    order = {file.relpath: index for index, file in enumerate(files)} if dirty is not None else {}
    by_rule: dict[str, tuple[Finding, ...]] = {}
    records: dict[str, RuleRecord] = {}
    errors: list[str] = []
    executed: dict[str, set[int]] = {}
    rerun: list[str] = []
    for rule in rules:
        before = old.get(rule.code)
        unchanged = before is not None and changes is not None and not _rule_dirty(before, changes)
        if unchanged and before is not None and not before.used_units:
            records[rule.code] = before
            by_rule[rule.code] = before.findings
            continue
        if unchanged and before is not None:
            run = RuleRun(dirty, known, before.units, files, order)
        else:
            run = RuleRun()
        try:
            found, global_deps = _execute(rule, model, run)
        except Exception as err:  # one broken rule must not hide the others' findings
            log.debug("rule %s crashed", rule.code, exc_info=True)
            errors.append(f"rule {rule.code} ({rule.name}) crashed: {type(err).__name__}: {err}")
            continue
        rerun.append(rule.code)
        outputs: dict[str, Any] = {}
        if run.again is not None and before is not None:  # the units it skipped keep theirs
            outputs.update((u, o) for u, o in before.units.items() if u not in run.unit_deps)
        for unit, read in run.unit_deps.items():
            executed.setdefault(unit, set()).update(read)
            output = run.output(unit)
            if output[0] or output[1]:
                outputs[unit] = output
        outputs = dict(sorted(outputs.items()))  # the same record pickles the same
        rule_record = RuleRecord(tuple(found), pack_keys(global_deps), run.used_units, outputs)
        records[rule.code] = rule_record
        by_rule[rule.code] = rule_record.all_findings()
    if previous is not None and dirty is not None:
        table = previous.merged(executed, dirty)
    else:
        table = Record({}).merged(executed, None)
    record = Record(records, *table, **(carry or {}))
    return Outcome(by_rule, tuple(errors), record, tuple(rerun))


def _execute(rule: Rule, model: Any, run: RuleRun) -> tuple[list[Finding], set[int]]:
    """Run ``rule``: the findings of its code outside units (its units' are in ``run``),
    and what that code read."""
    found: list[Finding] = []
    deps.push()
    try:
        with running(run):
            for finding in rule.run(model):
                unit = run.current
                if unit is None:
                    found.append(finding)
                else:
                    run.findings.setdefault(unit, []).append(finding)
    finally:
        read = deps.pop(merge=False)
    return found, read


def _rule_dirty(record: RuleRecord, changes: Changes) -> bool:
    """Whether what a rule's code outside units read changed (for a file whose lines
    moved: whether those findings name it)."""
    read = unpack_keys(record.deps)
    if changes.changed.intersection(read):
        return True
    for key in changes.moved.keys() & set(read):
        relpath, module = changes.moved[key]
        if any(mentions(f"{f.path} {f.message}", relpath, module) for f in record.findings):
            return True
    return False


def _dirty_units(previous: Record, changes: Changes) -> set[str]:
    """The units to run again: those that read a changed key, and those that read a file
    whose lines moved and whose output (in any rule) names it."""
    dirty = previous.readers(changes.changed)
    for key, (relpath, module) in changes.moved.items():
        for unit in previous.readers((key,)) - dirty:
            if _names(previous.rules.values(), unit, relpath, module):
                dirty.add(unit)
    return dirty


def _names(records: Iterable[RuleRecord], unit: str, relpath: str, module: str) -> bool:
    for record in records:
        output = record.units.get(unit)
        if output is None:
            continue
        findings, contributions = output
        if any(mentions(f"{f.path} {f.message}", relpath, module) for f in findings):
            return True
        if contributions and mentions(repr(contributions), relpath, module):
            return True
    return False
