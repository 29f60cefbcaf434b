"""Rule units: the parts of a rule that a re-check can skip.

A rule that loops over files (or modules, or import cycles) and decides each one from
what it reads there writes its loop as ``for file in (units := each(project.files)):``.
Each item is a *unit*. While the check records, everything a unit reads is its
dependencies (:mod:`.deps`), and its findings are its own. A re-check after an edit
runs the rule again, but :func:`each` skips every unit whose dependencies are all
unchanged: the engine keeps that unit's findings from the last run.

A unit must decide from what it reads, not from what an earlier unit left behind (a set
of names already reported, shared across the loop): that state would be missing when
the earlier unit is skipped. What the rule decides over all units together (one finding
per project, the first importer of a module) goes through :meth:`Units.contribute`: each
unit hands over plain data, kept with its findings, and after the loop the rule reads
every unit's contributions, the skipped ones' included, in the loop's order
(:attr:`Units.contributions`). tests/check/test_incremental.py runs each unit of every
rule on its own and compares: a rule that breaks this rule breaks that test.

Without the cache nothing is recorded and :func:`each` is a plain loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pkgforge.checker.incremental import deps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pkgforge.checker.findings import Finding

__all__ = ["RuleRun", "UnitOutput", "Units", "each", "running"]

T = TypeVar("T")

UnitOutput = tuple["tuple[Finding, ...]", tuple[Any, ...]]
"""What a unit produced: its findings and its contributions."""


class RuleRun:
    """One rule's run while the check records: which unit runs now, what each produced,
    and, on a re-check, which units run again (``again``: every other unit the last run
    knew, ``known``, is skipped, its output ``kept``). ``files``, the model's files, and
    ``order``, each file's index in them, let a loop over the files visit only the ones
    that run again."""

    def __init__(
        self,
        again: set[str] | None = None,
        known: set[str] | None = None,
        kept: Mapping[str, UnitOutput] | None = None,
        files: Sequence[Any] = (),
        order: Mapping[str, int] | None = None,
    ) -> None:
        self.again = again
        self.known = known or set()
        self.kept = kept or {}
        self.files = files
        self.order = order or {}
        self.current: str | None = None
        self.findings: dict[str, list[Finding]] = {}
        self.contributed: dict[str, list[Any]] = {}
        self.unit_deps: dict[str, set[int]] = {}
        self.used_units = False

    def skips(self, unit: str) -> bool:
        return self.again is not None and unit in self.known and unit not in self.again

    def output(self, key: str) -> UnitOutput:
        return tuple(self.findings.get(key, ())), tuple(self.contributed.get(key, ()))


_current: list[RuleRun] = []


class running:
    """Make ``run`` the rule run that :func:`each` reports to."""

    def __init__(self, run: RuleRun) -> None:
        self.run = run

    def __enter__(self) -> RuleRun:
        _current.append(self.run)
        return self.run

    def __exit__(self, *exc_info: object) -> None:
        _current.pop()


def _key(item: object) -> str:
    relpath = getattr(item, "relpath", None)
    return relpath if isinstance(relpath, str) else str(item)


class Units(Generic[T]):
    """The items of a rule's loop, each a unit (see the module's docstring)."""

    def __init__(
        self, items: Iterable[T], key: Callable[[T], str] | None = None, group: str = ""
    ) -> None:
        self.items = items
        self.key = key or _key
        self.group = group
        self.contributions: list[Any] = []
        self._unit: str | None = None

    def contribute(self, value: object) -> None:
        """Hand ``value`` (plain data) to the rule's decision over all units."""
        self.contributions.append(value)
        run = _current[-1] if _current else None
        if run is not None and self._unit is not None:
            run.contributed.setdefault(self._unit, []).append(value)

    def __iter__(self) -> Iterator[T]:
        run = _current[-1] if _current else None
        if run is None or not deps.recording():
            yield from self.items
            return
        run.used_units = True
        if run.again is not None and self.items is run.files and not self.group:
            yield from self._files_again(run)
            return
        prefix = f"{self.group}\0" if self.group else ""
        for item in self.items:
            unit = prefix + self.key(item)
            if run.skips(unit):
                kept = run.kept.get(unit)
                if kept is not None:
                    self.contributions.extend(kept[1])
                continue
            yield from self._run(run, unit, item)

    def _files_again(self, run: RuleRun) -> Iterator[T]:
        """A re-check's loop over the model's files: the files to run again, and the kept
        contributions of the others, in the files' order (without visiting every file)."""
        order, files = run.order, run.files
        again = sorted(order[unit] for unit in run.again or () if unit in order)
        kept = sorted(
            (order[unit], output[1])
            for unit, output in run.kept.items()
            if output[1] and unit in order and unit not in (run.again or ())
        )
        steps: list[tuple[int, int, Any]] = [(i, 1, None) for i in again]
        steps += [(i, 0, contributions) for i, contributions in kept]
        for index, runs, contributions in sorted(steps, key=lambda step: step[0]):
            if runs:
                item = files[index]
                yield from self._run(run, item.relpath, item)
            else:
                self.contributions.extend(contributions)

    def _run(self, run: RuleRun, unit: str, item: T) -> Iterator[T]:
        deps.push()
        run.current = self._unit = unit
        try:
            yield item
        finally:
            run.current = self._unit = None
            read = deps.pop(merge=False)
            known = run.unit_deps.get(unit)
            if known is None:
                run.unit_deps[unit] = read
            else:
                known |= read


def each(items: Iterable[T], key: Callable[[T], str] | None = None, *, group: str = "") -> Units[T]:
    """The items of a rule's loop as units: ``for file in (units := each(project.files))``.
    ``key`` names an item (a file's relpath by default); ``group`` tells apart the loops
    of one rule whose keys could meet."""
    return Units(items, key, group)
