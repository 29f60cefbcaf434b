"""What a piece of a check read, recorded while it runs: the dependencies of rule units.

A *key* is an int: a file's summary is its index in the walk's order (the walk's files
are part of the shape, so an index means the same file from one run to the next); a
*projection* of one module's summary that the import graph keeps between runs (what
each of its import statements runs, its import-time targets) is keyed by projection and
file (:func:`projection_key`), so that what reads it runs again only when that value
changed, not whenever the summary did; and a result the import graph computes over
every module at once (the import cycles, who writes names into whom) is
:data:`GLOBAL_BASE` plus its number in the graph's list.

While a check records (a run with the cache), a stack of *frames* collects the keys
read: a rule's unit pushes one (:mod:`.units`), and so does every cached computation of
the graph (:class:`Memo`), whose keys then count for whoever reads its value, the first
time or the hundredth. A run without the cache records nothing: :func:`read` then costs
one test of an empty list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

__all__ = [
    "GLOBAL_BASE",
    "PROJECTION_BASE",
    "Memo",
    "detached",
    "isolated",
    "pop",
    "projection_key",
    "push",
    "read",
    "recording",
]

PROJECTION_BASE = 1 << 28
"""Keys from here on stand for a per-module projection of the graph: base + the
projection's number << 20 + the module's file key (:func:`projection_key`)."""
GLOBAL_BASE = 1 << 30
"""Keys from here on stand for the graph's whole-project results; below, for files and
projections."""


def projection_key(number: int, file_key: int) -> int:
    return PROJECTION_BASE + (number << 20) + file_key


_frames: list[set[int]] = []
"""The keys read by each computation under way, innermost last; empty: not recording."""
_owners: list[_Computing | None] = []
"""For each frame, the cached computation it belongs to (None: a unit or a detached one)."""
_waits: list[set[_Computing] | None] = []
"""For each frame, the computations under way whose first, unfinished value it read."""


def recording() -> bool:
    return bool(_frames)


def read(key: int) -> None:
    """``key`` was read by whatever computes now."""
    if _frames:
        _frames[-1].add(key)


def push(owner: _Computing | None = None) -> None:
    """Start a frame: what is read from now on is its own until :func:`pop`."""
    _frames.append(set())
    _owners.append(owner)
    _waits.append(None)


def pop(*, merge: bool = True) -> set[int]:
    """End the innermost frame and return what it read; with ``merge``, whoever computes
    around it read all of that too."""
    keys = _frames.pop()
    _owners.pop()
    waits = _waits.pop()
    if waits:
        for computing in waits:
            computing.waiters.append(keys)
    if merge and _frames:
        _frames[-1] |= keys
    return keys


class detached:
    """Run a block that records into a frame of its own, forgotten at the end: what a
    whole-project result read is not what its readers depend on (they depend on the
    result, whose own key they read)."""

    def __enter__(self) -> None:
        if _frames:
            push()

    def __exit__(self, *exc_info: object) -> None:
        if _frames:
            pop(merge=False)


class isolated:
    """Record a block into a frame of its own, forgotten at the end, whether or not a
    check records around it: cached values computed there remember what they read, for
    the rules that read them later."""

    def __enter__(self) -> None:
        push()

    def __exit__(self, *exc_info: object) -> None:
        pop(merge=False)


class _Computing:
    """A cached value being computed: the dependency sets of whatever read its first,
    unfinished value (a recursion), which must learn what it finally depends on."""

    __slots__ = ("waiters",)

    def __init__(self) -> None:
        self.waiters: list[set[int]] = []


K = TypeVar("K", bound="Hashable")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A cache whose values remember what computing them read, and replay it to every
    reader: a unit that asks for a value computed for another unit depends on the same
    files. ``guard`` is the value a recursion sees while the value is being computed
    (an import cycle through star imports reads as unknown); what was computed from it
    also depends on everything the unfinished value turns out to depend on."""

    __slots__ = ("deps", "running", "values")

    def __init__(self) -> None:
        self.values: dict[K, V] = {}
        self.deps: dict[K, set[int]] = {}
        self.running: dict[K, _Computing] = {}

    def __contains__(self, key: K) -> bool:
        return key in self.values

    def get(self, key: K, compute: Callable[[], V], guard: V) -> V:
        values = self.values
        if key in values:
            if _frames:
                deps = self.deps.get(key)
                if deps is not None:
                    _frames[-1] |= deps
                elif key in self.running:
                    self._wait(self.running[key])
            return values[key]
        values[key] = guard
        if not _frames:  # not recording: a plain cache
            value = compute()
            values[key] = value
            return value
        computing = _Computing()
        self.running[key] = computing
        push(computing)
        try:
            value = compute()
        finally:
            keys = pop()
            del self.running[key]
        values[key] = value
        self.deps[key] = keys
        for waiter in computing.waiters:
            waiter.update(keys)
        return value

    def put(self, key: K, value: V, keys: set[int] | None = None) -> None:
        """Store a value computed together with another one (``keys``: what it read)."""
        self.values[key] = value
        if keys is not None:
            self.deps[key] = keys

    @staticmethod
    def _wait(computing: _Computing) -> None:
        """The innermost frames, up to the one computing ``computing``, read its unfinished
        value: each will depend on what it finally depends on."""
        for index in range(len(_owners) - 1, -1, -1):
            if _owners[index] is computing:
                return
            waits = _waits[index]
            if waits is None:
                _waits[index] = {computing}
            else:
                waits.add(computing)
