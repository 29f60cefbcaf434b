"""Counting words, the same in every drawing."""

from __future__ import annotations

__all__ = ["plural"]


def plural(number: int, noun: str, nouns: str | None = None) -> str:
    """``1 module``, ``2 modules``; ``nouns`` for an irregular plural."""
    if number == 1:
        return f"1 {noun}"
    return f"{number} {nouns or noun + 's'}"
