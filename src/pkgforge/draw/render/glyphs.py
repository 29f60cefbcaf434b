"""The characters a text drawing is made of: box-drawing ones where the output's
encoding has them, ASCII otherwise. The branches and the marks are chosen apart: a
Windows console in cp437 has the boxes but no arrows; ``LANG=C`` has neither."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, replace

__all__ = ["ASCII", "UNICODE", "Glyphs", "glyphs_for"]


@dataclass(frozen=True)
class Glyphs:
    tee: str
    """A child that has siblings after it."""
    last: str
    """The last child."""
    pipe: str
    """The line below a child that has siblings after it."""
    blank: str
    arrow: str
    """``imports``."""
    cycle: str
    """Marks a module or an import on an import cycle."""
    broken: str
    """Marks an import that fails."""

    def branches(self) -> str:
        return self.tee + self.last + self.pipe + self.blank

    def marks(self) -> str:
        return self.arrow + self.cycle + self.broken


UNICODE = Glyphs("├── ", "└── ", "│   ", "    ", "→", "↻", "✗")
ASCII = Glyphs("|-- ", "`-- ", "|   ", "    ", "->", "*", "x")


def glyphs_for(encoding: str | None) -> Glyphs:
    """The box-drawing branches and the marks, each where ``encoding`` can write them."""
    branches = _writes(encoding, UNICODE.branches())
    marks = _writes(encoding, UNICODE.marks())
    chosen = UNICODE if branches else ASCII
    source = UNICODE if marks else ASCII
    return replace(chosen, arrow=source.arrow, cycle=source.cycle, broken=source.broken)


def _writes(encoding: str | None, text: str) -> bool:
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True
