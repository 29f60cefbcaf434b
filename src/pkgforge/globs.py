"""Path globs with the syntax and matching of ruff's ``per-file-ignores`` (globset).

A pattern is relative to the project root. It matches a path when it matches the
whole relative path or just the file's name (``__init__.py`` matches in every
folder). ``*`` and ``?`` cross ``/``, as in ruff; ``**`` as a whole path component
(``**/x``, ``x/**``, ``x/**/y``) spans any number of folders, and inside a name
(``x**``) is ``*``. ``[abc]``, ``[!abc]``, ``[a-z]``, ``{a,b}`` (nestable) and
``\\`` escapes work as in globset; matching is case-sensitive. A leading ``!``
negates. pkgforge also reports on folders (PF101 on ``legacy/``): a folder
matches what any path inside it would match with the rest left empty, so
``legacy/**`` covers ``legacy`` itself as well as everything under it.
"""

from __future__ import annotations

import functools
import posixpath
import re

__all__ = ["GlobError", "check_pattern", "path_matches"]


class GlobError(ValueError):
    """A pattern globset would refuse; the message says why."""


def check_pattern(pattern: str) -> None:
    """Raise GlobError if ``pattern`` is not a valid per-path pattern."""
    _compiled(pattern)


def path_matches(pattern: str, path: str) -> bool:
    """Whether ``pattern`` covers ``path`` (POSIX, relative to the project root)."""
    negated, whole, name = _compiled(pattern)
    hit = (
        name.fullmatch(path.rpartition("/")[2]) is not None
        or whole.fullmatch(path) is not None
        or whole.fullmatch(path + "/") is not None
    )
    return hit != negated


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> tuple[bool, re.Pattern[str], re.Pattern[str]]:
    negated = pattern.startswith("!")
    raw = pattern[1:] if negated else pattern
    if not raw:
        raise GlobError("an empty pattern matches nothing")
    if raw.startswith("/"):
        raise GlobError("patterns are relative to the project root; drop the leading '/'")
    relative = posixpath.normpath(raw)
    return (
        negated,
        re.compile(_translate(relative), re.DOTALL),
        re.compile(_translate(raw), re.DOTALL),
    )


def _translate(pattern: str) -> str:
    return _sequence(pattern, 0, nested=False)[0]


def _sequence(pattern: str, start: int, *, nested: bool) -> tuple[str, int]:
    """Translate from ``start`` to the end, or (in a group) to its next ',' or '}'."""
    out: list[str] = []
    i = start
    size = len(pattern)
    while i < size:
        char = pattern[i]
        if char == "}" or (nested and char == ","):
            if not nested:
                raise GlobError("unopened '}' (escape it as [}])")
            break
        if char == "\\":
            if i + 1 == size:
                raise GlobError("a dangling '\\' at the end")
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif char == "?":
            out.append(".")
            i += 1
        elif char == "*":
            if pattern.startswith("**", i):
                i, piece = _double_star(pattern, i)
                out.append(piece)
            else:
                out.append(".*")
                i += 1
        elif char == "[":
            piece, i = _char_class(pattern, i)
            out.append(piece)
        elif char == "{":
            alternatives: list[str] = []
            i += 1
            while True:
                piece, i = _sequence(pattern, i, nested=True)
                alternatives.append(piece)
                if i >= size:
                    raise GlobError("unclosed '{' (escape it as [{])")
                i += 1
                if pattern[i - 1] == "}":
                    break
            out.append("(?:" + "|".join(alternatives) + ")")
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out), i


def _double_star(pattern: str, i: int) -> tuple[int, str]:
    """``**`` at ``i``: recursive when it is a whole path component, else ``*``."""
    after = i + 2
    starts_component = i == 0 or pattern[i - 1] == "/"
    ends_component = after == len(pattern) or pattern[after] == "/"
    if not (starts_component and ends_component):
        return after, ".*"
    if after == len(pattern):
        return after, ".*"  # `**` or `x/**`: everything below
    return after + 1, "(?:.*/)?"  # `**/x` or `x/**/y`: zero or more folders


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    i = start + 1
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    members: list[str] = []
    first = True
    while i < len(pattern) and (pattern[i] != "]" or first):
        first = False
        if pattern[i] == "-" and members and i + 1 < len(pattern) and pattern[i + 1] != "]":
            members.append("-")
        else:
            members.append(re.escape(pattern[i]))
        i += 1
    if i >= len(pattern):
        raise GlobError("unclosed '[' (escape it as [[])")
    return "[" + ("^" if negate else "") + "".join(members) + "]", i + 1
