"""Which files an edit changed, and how: the first step of a re-check.

A check's findings are a function of the project's *shape* (the settings, the walk's
tree, the build files, what is installed: digested by the engine) and of each checked
file's summary; rules never read a source file, only its summary. With the same shape
as the stored result, each file whose (size, mtime) differs from what the stored
findings saw is parsed again, and falls in one of three cases:

* its summary is the same (an edit inside a function that moves no line, a touch):
  nothing that depends on it changed;
* only positions changed (:mod:`.interface`): what read it runs again only where its
  output names the file;
* anything else: what read it runs again (:mod:`.runner`).

A file added, removed or renamed, or pyproject.toml edited, changes the shape: every
rule runs again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pkgforge.checker.incremental.interface import STAMP, interface

if TYPE_CHECKING:
    from pkgforge.checker.cache import StoredResult, SummaryCache
    from pkgforge.checker.summary import ModuleSummary
    from pkgforge.checker.walk import FileEntry

__all__ = ["Changed", "plan"]


class Changed:
    """A file whose summary changed: its key (its index in the walk's order), its walk
    entry, its summaries before and after, and whether only positions changed."""

    __slots__ = ("after", "before", "entry", "key", "moved")

    def __init__(
        self, key: int, entry: FileEntry, before: ModuleSummary, after: ModuleSummary, moved: bool
    ) -> None:
        self.key = key
        self.entry = entry
        self.before = before
        self.after = after
        self.moved = moved


def plan(
    files: Sequence[FileEntry],
    stored: StoredResult,
    cache: SummaryCache,
    parse: Callable[[Sequence[FileEntry]], Sequence[ModuleSummary]],
) -> tuple[Changed, ...] | None:
    """The files whose summary changed (their new summaries are in the cache).

    Compare ``files`` (the walk's, same shape as ``stored``) with the versions the
    stored findings saw; None when that cannot be told (the versions they saw are no
    longer cached): everything runs again. ``parse(entries)`` returns the summaries of
    files the cache does not hold (and puts them in it)."""
    if len(stored.stamps) != STAMP.size * len(files):
        return None
    seen = STAMP.iter_unpack(stored.stamps)
    moved = [
        (index, entry, old)
        for index, (entry, old) in enumerate(zip(files, seen, strict=True))
        if (entry.size, entry.mtime_ns) != old
    ]
    if not moved:
        return ()
    before: list[ModuleSummary] = []
    for _, entry, (size, mtime_ns) in moved:
        summary = cache.get_earlier(entry.relpath, size, mtime_ns)
        if summary is None:
            return None  # the version the findings saw is no longer cached
        before.append(summary)
    missing = [
        entry
        for _, entry, _ in moved
        if cache.get(entry.relpath, entry.size, entry.mtime_ns) is None
    ]
    parsed = dict(zip((e.relpath for e in missing), parse(missing), strict=True))
    changed: list[Changed] = []
    for (index, entry, _), old in zip(moved, before, strict=True):
        new = parsed.get(entry.relpath) or cache.get(entry.relpath, entry.size, entry.mtime_ns)
        if new is None:
            return None
        if new == old:
            continue
        changed.append(Changed(index, entry, old, new, interface(new) == interface(old)))
    return tuple(changed)
