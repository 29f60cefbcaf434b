"""Terminal colours for the text drawings (``check``'s rule: only on a terminal,
``NO_COLOR`` turns them off, ``FORCE_COLOR`` on)."""

from __future__ import annotations

__all__ = ["Paint"]

_RESET = "\033[0m"


class Paint:
    """Wraps text in ANSI colours, or leaves it alone when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text

    def folder(self, text: str) -> str:
        return self._wrap(text, "\033[1;34m")

    def bold(self, text: str) -> str:
        return self._wrap(text, "\033[1m")

    def dim(self, text: str) -> str:
        return self._wrap(text, "\033[2m")

    def warning(self, text: str) -> str:
        return self._wrap(text, "\033[33m")

    def error(self, text: str) -> str:
        return self._wrap(text, "\033[31m")
