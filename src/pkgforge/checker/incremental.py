"""What a re-check after an edit must recompute, and what it may keep.

A check's raw findings are a function of the project's *shape* (the settings, the
walk's tree, the build files, what is installed: digested by the engine) and of each
checked file's summary; rules never read a source file, only its summary. The engine
stores each rule's findings with the shape and the version of every file they saw
(:class:`~pkgforge.checker.cache.StoredResult`). When the shape is the same and some
files changed, each changed file falls in one of three cases:

* its summary is the same (an edit inside a function that moves no line, a touch):
  nothing depends on it that changed;
* its summary differs only by *where* things are (lines added or removed above them,
  code re-indented): :func:`interface` is the summary with every line number replaced by
  its rank among the file's line numbers (and every column by its rank among its
  columns), and it is unchanged. Every rule decides from the order of lines within a
  module, never from their absolute values, so every rule decides the same: the
  findings are the same except for the positions of that file they print. A finding's
  line and column are positions in its own file, and a position of another file
  appears in a message only beside that file's path or module name, so only the rules
  whose findings :func:`mentions` the file must run again;
* anything else (an import, a name, ``__all__`` changed; a package's ``__init__.py``,
  which the build facts also read as text): every rule runs again, on the cached
  summaries of the other files.

A file added, removed or renamed, or pyproject.toml edited, changes the shape: every rule
runs again. Whatever the case, the result is the one a cold run gives
(tests/check/test_incremental.py compares them over random edits).
"""

from __future__ import annotations

import dataclasses
import enum
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pkgforge.checker.cache import StoredResult, SummaryCache
    from pkgforge.checker.findings import Finding
    from pkgforge.checker.summary import ModuleSummary
    from pkgforge.checker.walk import FileEntry

__all__ = ["Plan", "interface", "mentions", "pack_stamps", "plan"]

# The summary fields that hold positions (see the module docstring); a field not named
# here is compared by value, which is always safe (an edit there reruns every rule).
_LINE_FIELDS = frozenset(
    {"line", "version_line", "dynamic_line", "import_hooks", "guard", "deleted", "line_count"}
)
_COLUMN_FIELDS = frozenset({"column"})
_POSITION_TUPLES = {
    "sys_path_mutations": ("line", "column"),
    "suppressions": ("line", ""),
    "module_writes": ("", "line"),
}
"""Fields holding tuples of plain tuples: what each item's elements are."""
_LINE, _COLUMN = "<line>", "<column>"

_STAMP = struct.Struct("<qq")


class Interface(NamedTuple):
    """A summary without its absolute positions: equal for two summaries that differ only
    by lines or columns moved without changing their order."""

    shape: object
    lines: tuple[int, ...]
    columns: tuple[int, ...]


def interface(summary: ModuleSummary) -> Interface:
    lines: list[int] = []
    columns: list[int] = []
    shape = _walk(summary, "", lines, columns)
    return Interface(shape, _ranks(lines), _ranks(columns))


def _walk(value: object, field: str, lines: list[int], columns: list[int]) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(
                _walk(getattr(value, f.name), f.name, lines, columns)
                for f in dataclasses.fields(value)
            ),
        )
    if isinstance(value, tuple):
        names = _POSITION_TUPLES.get(field)
        if names is not None:
            return tuple(
                tuple(_walk(v, names[i] if i < len(names) else "", lines, columns)
                      for i, v in enumerate(item))
                if isinstance(item, tuple)
                else _walk(item, "", lines, columns)
                for item in value
            )  # fmt: skip
        return tuple(_walk(item, field, lines, columns) for item in value)
    if isinstance(value, int) and not isinstance(value, (bool, enum.Enum)) and value > 0:
        # 0 is "none" in the line fields (no guard, not deleted): kept as it is
        if field in _LINE_FIELDS:
            lines.append(value)
            return _LINE
        if field in _COLUMN_FIELDS:
            columns.append(value)
            return _COLUMN
    return value


def _ranks(values: Sequence[int]) -> tuple[int, ...]:
    order = {value: rank for rank, value in enumerate(sorted(set(values)))}
    return tuple(order[value] for value in values)


def mentions(finding: Finding, relpath: str, module: str) -> bool:
    """Whether ``finding`` is in the file ``relpath`` or names it (or its module)."""
    return (
        finding.path == relpath
        or relpath in finding.message
        or bool(module and module in finding.message)
    )


def pack_stamps(files: Iterable[FileEntry]) -> bytes:
    """Each file's (size, mtime_ns), in the walk's order."""
    return b"".join(_STAMP.pack(f.size, f.mtime_ns) for f in files)


class Plan(NamedTuple):
    """What a re-check recomputes."""

    rerun: frozenset[str] | None
    """The rules to run again (their old findings dropped); None: every rule."""
    changed: tuple[tuple[FileEntry, ModuleSummary], ...]
    """The files whose summary changed, with the new summary (already in the cache)."""


def plan(
    files: Sequence[FileEntry],
    stored: StoredResult,
    cache: SummaryCache,
    parse: Callable[[Sequence[FileEntry]], Sequence[ModuleSummary]],
) -> Plan:
    """Compare ``files`` (the walk's, same shape as ``stored``) with the versions the
    stored findings saw. ``parse(entries)`` returns the summaries of files the cache does
    not hold (and puts them in it)."""
    everything = Plan(None, ())
    if len(stored.stamps) != _STAMP.size * len(files):
        return everything
    seen = [_STAMP.unpack_from(stored.stamps, i * _STAMP.size) for i in range(len(files))]
    moved = [
        (entry, old)
        for entry, old in zip(files, seen, strict=True)
        if (entry.size, entry.mtime_ns) != old
    ]
    if not moved:
        return Plan(frozenset(), ())
    before: list[ModuleSummary] = []
    for entry, (size, mtime_ns) in moved:
        summary = cache.get_earlier(entry.relpath, size, mtime_ns)
        if summary is None:
            return everything  # the version the findings saw is no longer cached
        before.append(summary)
    missing = [
        entry for entry, _ in moved if cache.get(entry.relpath, entry.size, entry.mtime_ns) is None
    ]
    parsed = dict(zip((e.relpath for e in missing), parse(missing), strict=True))
    changed: list[tuple[FileEntry, ModuleSummary]] = []
    rerun: set[str] = set()
    for (entry, _), old in zip(moved, before, strict=True):
        new = parsed.get(entry.relpath) or cache.get(entry.relpath, entry.size, entry.mtime_ns)
        if new is None:
            return everything
        if new == old:
            continue
        changed.append((entry, new))
        if entry.is_package or entry.relpath.endswith("__init__.py"):
            return Plan(None, tuple(changed))
        if interface(new) != interface(old):
            return Plan(None, tuple(changed))
        for code, findings in stored.by_rule.items():
            if code not in rerun and any(
                mentions(f, entry.relpath, entry.module) for f in findings
            ):
                rerun.add(code)
    return Plan(frozenset(rerun), tuple(changed))
