"""How pkgforge writes an ``__all__``: the names in ruff's RUF022 order, one line when it
fits, else one name per line (as ruff's formatter would lay it out). ``new``, ``add`` and
``check --fix`` write them alike."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["LINE_LENGTH", "export_sort_key", "render_all"]

_DIGITS = re.compile(r"(\d+)")


def export_sort_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    """Ruff's RUF022 order: CONSTANTS, then CamelCase, then the rest, each naturally sorted."""
    if name.isupper():
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    natural = tuple(
        (1, int(part)) if part.isdigit() else (0, part) for part in _DIGITS.split(name) if part
    )
    return group, natural


LINE_LENGTH = 88
"""ruff's (and black's) default line length."""


def render_all(names: Iterable[str]) -> str:
    """A fresh ``__all__`` assignment, sorted the way ruff expects: on one line when it
    fits in :data:`LINE_LENGTH`, else one name per line with a trailing comma."""
    ordered = sorted(set(names), key=export_sort_key)
    if not ordered:
        return "__all__: list[str] = []\n"  # typed: mypy cannot infer an empty list's type
    one_line = "__all__ = [" + ", ".join(f'"{name}"' for name in ordered) + "]\n"
    if len(one_line) - 1 <= LINE_LENGTH:
        return one_line
    return "__all__ = [\n" + "".join(f'    "{name}",\n' for name in ordered) + "]\n"
