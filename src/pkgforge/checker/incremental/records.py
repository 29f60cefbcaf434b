"""What a recorded check keeps for the next one: each unit's dependencies and output.

A :class:`Record` lives in the cache's memo, part by part (:meth:`Record.to_memo`), so
that a re-check appends only the parts it changed. Its dependency table is flat, so that
a re-check finds the units that read a changed key without building a set per unit:
``keys`` holds every unit's keys one after the other (uint32, in the machine's byte
order) and ``offsets`` where each unit's start.

Plain classes, not dataclasses: a re-check imports this module, and a dataclass costs
more to define than a re-check spends here.
"""

from __future__ import annotations

import bisect
import pickle
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping
from typing import Any

from pkgforge.checker.findings import Finding

__all__ = ["Kept", "Record", "RuleRecord", "pack_keys", "pack_values", "unpack_keys"]

_MEMO = "record:"
"""The prefix of the cache's memo entries that hold a record (:meth:`Record.to_memo`)."""

UnitOutput = tuple[tuple[Finding, ...], tuple[Any, ...]]


def pack_keys(keys: Iterable[int]) -> bytes:
    return array("I", sorted(keys)).tobytes()


def unpack_keys(data: bytes) -> list[int]:
    return list(memoryview(data).cast("I")) if data else []


class RuleRecord:
    """One rule's last run: what it found outside its units and what that part read
    (:func:`pack_keys`), whether it has units, and each unit's output (units with none
    are left out)."""

    __slots__ = ("deps", "findings", "units", "used_units")

    def __init__(
        self,
        findings: tuple[Finding, ...] = (),
        deps: bytes = b"",
        used_units: bool = False,
        units: Mapping[str, UnitOutput] | None = None,
    ) -> None:
        self.findings = findings
        self.deps = deps
        self.used_units = used_units
        self.units: Mapping[str, UnitOutput] = units or {}

    def all_findings(self) -> tuple[Finding, ...]:
        found = list(self.findings)
        for unit_findings, _ in self.units.values():
            found.extend(unit_findings)
        return tuple(found)


class Record:
    """Every rule's record, the units' dependency table, and what the graph and the model
    computed over the whole project (kept so that a re-check reads it instead of every
    module): the graph's whole-project results (``globals``) and per-module projections
    (``projections``), pickled and compressed by name (:class:`Kept`), and the model's
    build facts (``facts``)."""

    __slots__ = ("facts", "globals", "keys", "offsets", "projections", "rules", "units")

    def __init__(  # noqa: PLR0917 - what a record is made of, in its table's order
        self,
        rules: Mapping[str, RuleRecord],
        units: tuple[str, ...] = (),
        offsets: bytes = b"",
        keys: bytes = b"",
        globals: Mapping[str, bytes] | None = None,
        projections: Mapping[str, bytes] | None = None,
        facts: Any = None,
    ) -> None:
        self.rules = rules
        self.units = units
        self.offsets = offsets
        self.keys = keys
        self.globals: Mapping[str, bytes] = globals or {}
        self.projections: Mapping[str, bytes] = projections or {}
        self.facts = facts

    def kept(
        self, globals: Mapping[str, bytes], projections: Mapping[str, bytes], facts: Any
    ) -> Record:
        """This record with what the graph and the model kept."""
        table = (self.units, self.offsets, self.keys)
        return Record(self.rules, *table, globals, projections, facts)

    def to_memo(self) -> dict[str, Any]:
        """The record as memo entries of the cache (plain data, each part on its own: the
        cache appends only the entries whose value changed)."""
        entries: dict[str, Any] = {
            f"{_MEMO}index": (tuple(sorted(self.rules)), tuple(sorted(self.projections))),
            f"{_MEMO}deps": (self.units, self.offsets, self.keys),
            f"{_MEMO}globals": dict(sorted(self.globals.items())),
            f"{_MEMO}facts": pickle.dumps(self.facts, pickle.HIGHEST_PROTOCOL),
        }
        for code, rule in self.rules.items():
            entries[f"{_MEMO}rule:{code}"] = pickle.dumps(rule, pickle.HIGHEST_PROTOCOL)
        for name, packed in self.projections.items():
            entries[f"{_MEMO}projection:{name}"] = packed
        return entries

    @classmethod
    def from_memo(cls, memo: Mapping[str, Any]) -> Record | None:
        """The record :meth:`to_memo` left in the memo; None when it is not all there or
        does not unpickle (a damaged cache: everything runs again)."""
        from pkgforge.checker.cache import safe_loads

        try:
            codes, names = memo[f"{_MEMO}index"]
            units, offsets, keys = memo[f"{_MEMO}deps"]
            rules = {code: safe_loads(memo[f"{_MEMO}rule:{code}"]) for code in codes}
            projections = {name: memo[f"{_MEMO}projection:{name}"] for name in names}
            facts = safe_loads(memo[f"{_MEMO}facts"])
            found = cls(
                rules, units, offsets, keys, dict(memo[f"{_MEMO}globals"]), projections, facts
            )
        except Exception:  # noqa: BLE001 - anything missing or damaged: no record
            return None
        if not all(isinstance(rule, RuleRecord) for rule in rules.values()):
            return None
        return found

    def merged(
        self, executed: Mapping[str, set[int]], rerun: set[str] | None
    ) -> tuple[tuple[str, ...], bytes, bytes]:
        """The dependency table after a run that ran ``executed`` (unit -> keys read): a
        unit in ``rerun`` (every rule ran it again) has what it read now, one that only
        some rules ran keeps what it read before too, the others are as they were. With
        ``rerun`` None, the table of ``executed`` alone."""
        old: dict[str, int] = {} if rerun is None else {u: i for i, u in enumerate(self.units)}
        starts = memoryview(self.offsets).cast("I") if self.offsets else None
        before = memoryview(self.keys).cast("I") if self.keys else None
        units = tuple(sorted({*old, *executed}))
        offsets = array("I", [0])
        keys = array("I")
        for unit in units:
            index = old.get(unit)
            read = executed.get(unit)
            keep = read is None or (rerun is not None and unit not in rerun)
            if keep and index is not None and starts is not None and before is not None:
                kept = before[starts[index] : starts[index + 1]]
                if read is None:
                    keys.frombytes(kept.tobytes())
                else:
                    read = read.union(kept)
            if read is not None:
                keys.extend(sorted(read))
            offsets.append(len(keys))
        return units, offsets.tobytes(), keys.tobytes()

    def readers(self, changed: Iterable[int]) -> set[str]:
        """The units that read any of ``changed``."""
        if not self.keys:
            return set()
        starts = memoryview(self.offsets).cast("I")
        found: set[str] = set()
        data = self.keys
        for key in changed:
            needle = key.to_bytes(4, sys.byteorder)
            at = data.find(needle)
            while at >= 0:
                if at % 4 == 0:
                    index = bisect.bisect_right(starts, at // 4) - 1
                    found.add(self.units[index])
                at = data.find(needle, at + 1)
        return found


class Kept(dict[str, Any]):
    """Values kept by the last record, by name (the graph's projections, ``{relpath:
    value}`` each, or its whole-project results), each unpickled when first asked for
    (:meth:`get`)."""

    def __init__(self, packed: Mapping[str, bytes] | None = None) -> None:
        super().__init__()
        self.packed = dict(packed or {})
        self.loaded: dict[str, Any] = {}
        """Each name unpickled, as it was then."""

    def get(self, name: str, default: Any = None) -> Any:
        if name not in self and name in self.packed:
            from pkgforge.checker.cache import safe_loads

            values = safe_loads(zlib.decompress(self.packed[name]))
            self.loaded[name] = values.copy() if isinstance(values, dict) else values
            self[name] = values
        return super().get(name, default)

    def pack(self) -> dict[str, bytes]:
        """Every name, pickled (as it was read when its values are the same: the cache
        then appends nothing for it)."""
        packed = dict(self.packed)
        for name, values in self.items():
            if self.loaded.get(name) != values:
                packed[name] = pack_values(values)
        return packed


def pack_values(values: object) -> bytes:
    """A value as a record keeps it: pickled and compressed (module names repeat)."""
    return zlib.compress(pickle.dumps(values, pickle.HIGHEST_PROTOCOL), 1)
