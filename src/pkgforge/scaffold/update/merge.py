"""Three-way line merge of one file: base (the old template), ours (the user's), theirs
(the new template).

The merge is ``merge3`` (Bazaar's merge, kept on PyPI by the Breezy developers), so
its result never depends on whether git is installed. It works on bytes, so no
encoding is guessed. Line endings are normalised for the merge and the result
takes the user's style: a project checked out with CRLF does not conflict on
every line with an LF template.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "CONFLICT_STYLES",
    "ConflictStyle",
    "MergedText",
    "is_binary",
    "merge_texts",
]

ConflictStyle = Literal["inline", "diff3"]
CONFLICT_STYLES: tuple[ConflictStyle, ...] = ("inline", "diff3")

# git's own markers, so editors, IDEs and `git mergetool` recognise them.
OURS_MARKER = b"<<<<<<< ours\n"
BASE_MARKER = b"||||||| base\n"
MID_MARKER = b"=======\n"
THEIRS_MARKER = b">>>>>>> theirs\n"

_CRLF = b"\r\n"
_LF = b"\n"
_BINARY_PROBE = 8000  # git looks for a NUL byte in the same first 8000 bytes


@dataclass(frozen=True)
class MergedText:
    """The merged bytes and how many conflict hunks they hold (0: a clean merge)."""

    content: bytes
    conflicts: int


def is_binary(data: bytes) -> bool:
    """True for contents git would call binary (a NUL byte near the start)."""
    return b"\0" in data[:_BINARY_PROBE]


class _Matcher(difflib.SequenceMatcher[bytes]):
    """difflib without its "popular line" heuristic: in a template, blank lines and
    closing brackets repeat, and treating them as junk misaligns the merge."""

    def __init__(
        self,
        isjunk: Callable[[bytes], bool] | None = None,
        a: Sequence[bytes] = (),
        b: Sequence[bytes] = (),
        autojunk: bool = False,
    ) -> None:
        super().__init__(isjunk, a, b, autojunk=False)


def merge_texts(
    base: bytes, ours: bytes, theirs: bytes, *, style: ConflictStyle = "inline"
) -> MergedText:
    """Merge the changes base->ours and base->theirs line by line.

    Where both sides changed the same lines differently, the result holds git's
    conflict markers (``<<<<<<< ours`` / ``=======`` / ``>>>>>>> theirs``), with the
    base lines too (``||||||| base``) when ``style`` is ``"diff3"``. The inline style
    trims lines both sides agree on out of each conflict, as git does.
    """
    import merge3

    eol = _eol_of(ours) or _eol_of(theirs) or _eol_of(base) or _LF
    base_lines, our_lines, their_lines = (_lines(_to_lf(text)) for text in (base, ours, theirs))
    merger = merge3.Merge3(
        base_lines, our_lines, their_lines, sequence_matcher=cast("Any", _Matcher)
    )
    regions: Iterable[tuple[Any, ...]] = merger.merge_regions()
    if style == "inline":
        regions = merger.reprocess_merge_regions(merger.merge_regions())
    out: list[bytes] = []
    conflicts = 0
    for region in regions:
        kind = region[0]
        if kind == "unchanged":
            out.extend(base_lines[region[1] : region[2]])
        elif kind in ("a", "same"):
            out.extend(our_lines[region[1] : region[2]])
        elif kind == "b":
            out.extend(their_lines[region[1] : region[2]])
        else:
            base_start, base_end, our_start, our_end, their_start, their_end = region[1:7]
            conflicts += 1
            out.append(OURS_MARKER)
            out.extend(_terminated(our_lines[our_start:our_end]))
            if style == "diff3" and base_start is not None and base_end is not None:
                out.append(BASE_MARKER)
                out.extend(_terminated(base_lines[base_start:base_end]))
            out.append(MID_MARKER)
            out.extend(_terminated(their_lines[their_start:their_end]))
            out.append(THEIRS_MARKER)
    merged = b"".join(out)
    if eol == _CRLF:
        merged = merged.replace(_LF, _CRLF)
    return MergedText(merged, conflicts)


def _eol_of(data: bytes) -> bytes | None:
    """The file's dominant line ending, or None when it has no line ending."""
    crlf = data.count(_CRLF)
    lf = data.count(_LF) - crlf
    if not crlf and not lf:
        return None
    return _CRLF if crlf > lf else _LF


def _to_lf(data: bytes) -> bytes:
    return data.replace(_CRLF, _LF)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _terminated(lines: Sequence[bytes]) -> list[bytes]:
    """A last line without a newline gets one inside a conflict, or the marker that follows
    would be glued to it (git does the same)."""
    result = list(lines)
    if result and not result[-1].endswith(_LF):
        result[-1] += _LF
    return result
