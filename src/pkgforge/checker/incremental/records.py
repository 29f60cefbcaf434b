"""What a recorded check keeps for the next one: each unit's dependencies and output.

:class:`Record` is stored in the cache with the findings (``StoredResult.record``). Its
dependency table is flat, so that a re-check finds the units that read a changed key
without building a set per unit: ``keys`` holds every unit's keys one after the other
(uint32, in the machine's byte order) and ``offsets`` where each unit's start.
"""

from __future__ import annotations

import bisect
import pickle
import sys
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pkgforge.checker.findings import Finding

__all__ = ["Kept", "Record", "RuleRecord", "pack_keys", "pack_values", "unpack_keys"]

_MEMO = "record:"
"""The prefix of the cache's memo entries that hold a record (:meth:`Record.to_memo`)."""

UnitOutput = tuple[tuple[Finding, ...], tuple[Any, ...]]


def pack_keys(keys: Iterable[int]) -> bytes:
    values = sorted(keys)
    return b"".join(value.to_bytes(4, sys.byteorder) for value in values)


def unpack_keys(data: bytes) -> list[int]:
    return list(memoryview(data).cast("I")) if data else []


@dataclass(frozen=True)
class RuleRecord:
    """One rule's last run: what it found outside its units and what that part read,
    whether it has units, and each unit's output (units with none are left out)."""

    findings: tuple[Finding, ...] = ()
    deps: bytes = b""
    """The keys its code outside units read (:func:`pack_keys`)."""
    used_units: bool = False
    units: Mapping[str, UnitOutput] = field(default_factory=dict)

    def all_findings(self) -> tuple[Finding, ...]:
        found = list(self.findings)
        for unit_findings, _ in self.units.values():
            found.extend(unit_findings)
        return tuple(found)


@dataclass(frozen=True)
class Record:
    """Every rule's record, the units' dependency table, and what the graph and the
    model computed over the whole project (kept so that a re-check reads it instead of
    every module)."""

    rules: Mapping[str, RuleRecord]
    units: tuple[str, ...] = ()
    offsets: bytes = b""
    """uint32 per unit, and one past the last: where its keys start in ``keys``."""
    keys: bytes = b""
    globals: Mapping[str, bytes] = field(default_factory=dict)
    """Each whole-project result of the graph that was computed, by name, pickled and
    compressed (:class:`Kept`)."""
    projections: Mapping[str, bytes] = field(default_factory=dict)
    """Per name, the pickled and compressed ``{relpath: value}`` of a per-module
    projection of the graph (:class:`Kept`)."""
    facts: Any = None
    """What the model holds beyond files and summaries (build facts), or None."""

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

    @staticmethod
    def deps_table(deps: Mapping[str, set[int]]) -> tuple[tuple[str, ...], bytes, bytes]:
        units = tuple(sorted(deps))
        offsets = bytearray()
        keys = bytearray()
        at = 0
        for unit in units:
            offsets += at.to_bytes(4, sys.byteorder)
            packed = pack_keys(deps[unit])
            keys += packed
            at += len(packed) // 4
        offsets += at.to_bytes(4, sys.byteorder)
        return units, bytes(offsets), bytes(keys)

    def unit_deps(self) -> dict[str, set[int]]:
        """Every unit's keys (for merging into the next record)."""
        starts = memoryview(self.offsets).cast("I") if self.offsets else memoryview(b"")
        keys = memoryview(self.keys).cast("I") if self.keys else memoryview(b"")
        return {
            unit: set(keys[starts[index] : starts[index + 1]])
            for index, unit in enumerate(self.units)
        }

    def readers(self, changed: Iterable[int]) -> set[str]:
        """The units that read any of ``changed``."""
        if not self.keys:
            return set()
        starts: Sequence[int] = memoryview(self.offsets).cast("I")
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
