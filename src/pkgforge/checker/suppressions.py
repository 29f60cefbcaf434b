"""Suppression comments: ``# pkgforge: ignore[PF402]`` and ruff's ``# noqa: PF402``.

The ``noqa`` form follows ruff's specification: ``#``, optional whitespace,
``noqa`` in any case, optional whitespace, ``:``, then codes (upper-case letters
then digits) separated by commas or whitespace; the list ends at the last valid
code, so an explanation may follow. Only pkgforge's own codes (``PF`` + three
digits) are kept: ``# noqa: E501, PF402`` silences PF402 here and E501 in ruff.
A bare ``# noqa`` (or ``# noqa E501``, which ruff reads as bare) is left to
ruff: people write it for ruff's rules, so it silences no pkgforge rule. Nor do
ruff's file-level ``# ruff: noqa`` and ``# flake8: noqa``.
"""

from __future__ import annotations

import re

from pkgforge._patterns import LazyPattern

__all__ = ["find_suppressions", "noqa_codes_end"]

_PKGFORGE = LazyPattern(rb"#\s*pkgforge:\s*ignore\b(?:\[([^\]]*)\])?")
# ``noqa`` in any case; character classes search faster than (?i)
_NOQA = LazyPattern(rb"#\s*[nN][oO][qQ][aA]\s*:")
_NOQA_CODE = LazyPattern(rb"[\s,]*([A-Z]+[0-9]+)")
_OWN_CODE = LazyPattern(rb"PF[0-9]{3}")


def find_suppressions(source: bytes) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Each suppressing line as (line number, codes); () as codes means every code."""
    pkgforge = b"pkgforge:" in source
    if not pkgforge and _NOQA.search(source) is None:
        return ()
    found: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if b"#" not in line:
            continue
        codes = _line_codes(line, pkgforge=pkgforge)
        if codes is not None:
            found.append((number, codes))
    return tuple(found)


def noqa_codes_end(line: bytes) -> int | None:
    """Where the code list of the line's first ``# noqa: CODES`` ends (the offset after its
    last code), for ``check --add-noqa`` to add codes to it; None when the line has no
    ``noqa`` with codes (then a new comment is needed)."""
    for match in _NOQA.finditer(line):
        position, end = match.end(), None
        while (code := _NOQA_CODE.match(line, position)) is not None:
            position = end = code.end()
        if end is not None:
            return end
    return None


def _line_codes(line: bytes, *, pkgforge: bool) -> tuple[str, ...] | None:
    """The codes this line silences, () for all of them, None when it silences nothing."""
    codes: list[str] = []
    if pkgforge and b"pkgforge:" in line:
        match = _PKGFORGE.search(line)
        if match is not None:
            listed = [c for c in re.split(rb"[\s,]+", match.group(1) or b"") if c]
            if not listed:
                return ()  # ``# pkgforge: ignore``: every code
            codes.extend(c.decode("ascii", "replace").upper() for c in listed)
    for match in _NOQA.finditer(line):
        position = match.end()
        while (code := _NOQA_CODE.match(line, position)) is not None:
            position = code.end()
            if _OWN_CODE.fullmatch(code.group(1)):
                codes.append(code.group(1).decode("ascii"))
    if not codes:
        return None
    return tuple(sorted(set(codes)))
