"""Where things are in a summary, apart from what they are: an edit that only moves lines.

:func:`interface` is a summary with every line number replaced by its rank among the
file's line numbers (and every column by its rank among its columns). When it is the
same before and after an edit, the edit only moved things (lines added or removed above
them, code re-indented) without changing their order. Rules decide from the order of
lines within a module, never from their absolute values, so every rule decides the
same; only the positions of that file that findings print change. A finding's line and
column are positions in its own file, and a position of another file appears in a
message only beside that file's path or module name (:func:`mentions`).
"""

from __future__ import annotations

import dataclasses
import enum
import struct
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pkgforge.checker.summary import ModuleSummary
    from pkgforge.checker.walk import FileEntry

__all__ = ["STAMP", "Interface", "interface", "mentions", "pack_stamps"]

# The summary fields that hold positions (see the module docstring); a field not named
# here is compared by value, which is always safe (an edit there reruns every rule).
_LINE_FIELDS = frozenset(
    {
        "line",
        "version_line",
        "dynamic_line",
        "import_hooks",
        "guard",
        "deleted",
        "line_count",
        "sys_path_at_import",
    }
)
_COLUMN_FIELDS = frozenset({"column"})
_POSITION_TUPLES = {
    "sys_path_mutations": ("line", "column"),
    "suppressions": ("line", ""),
    "module_writes": ("", "line"),
    "deletions": ("", "line", "line"),
    "name_handed_to": ("", "line"),
}
"""Fields holding tuples of plain tuples: what each item's elements are."""
_LINE, _COLUMN = "<line>", "<column>"

STAMP = struct.Struct("<qq")


Interface = tuple[object, tuple[int, ...], tuple[int, ...]]
"""A summary without its absolute positions (its shape, then the ranks of its lines and
of its columns): equal for two summaries that differ only by lines or columns moved
without changing their order. A plain tuple: a NamedTuple costs more to define than a
re-check spends comparing."""


def interface(summary: ModuleSummary) -> Interface:
    lines: list[int] = []
    columns: list[int] = []
    shape = _walk(summary, "", lines, columns)
    return (shape, _ranks(lines), _ranks(columns))


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


def mentions(text: str, relpath: str, module: str) -> bool:
    """Whether ``text`` (a finding's path and message, a contribution's repr) names the
    file ``relpath`` or its module."""
    return relpath in text or bool(module and module in text)


def pack_stamps(files: Iterable[FileEntry]) -> bytes:
    """Each file's (size, mtime_ns), in the walk's order."""
    return b"".join(STAMP.pack(f.size, f.mtime_ns) for f in files)
