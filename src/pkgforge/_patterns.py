"""Regular expressions compiled when first used, not when their module is imported.

Compiling a pattern costs from a few hundred thousand to several million instructions,
and most runs use few of the patterns their modules define (a re-check after an edit
imports the whole checker). :class:`LazyPattern` stands for ``re.compile(pattern,
flags)``: its first call compiles, and puts the compiled pattern's own methods in its
place, so that later calls cost what calls of a compiled pattern cost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, AnyStr, Generic

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LazyPattern"]

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class LazyPattern(Generic[AnyStr]):
    """``re.compile(pattern, flags)``, compiled at its first use."""

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self.pattern: AnyStr = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[AnyStr]:
        found = re.compile(self.pattern, self.flags)
        for name in _METHODS:
            setattr(self, name, getattr(found, name))
        return found

    def match(self, string: AnyStr, *args: Any) -> re.Match[AnyStr] | None:
        return self.compiled().match(string, *args)

    def fullmatch(self, string: AnyStr, *args: Any) -> re.Match[AnyStr] | None:
        return self.compiled().fullmatch(string, *args)

    def search(self, string: AnyStr, *args: Any) -> re.Match[AnyStr] | None:
        return self.compiled().search(string, *args)

    def sub(self, repl: Any, string: AnyStr, count: int = 0) -> AnyStr:
        return self.compiled().sub(repl, string, count)

    def subn(self, repl: Any, string: AnyStr, count: int = 0) -> tuple[AnyStr, int]:
        return self.compiled().subn(repl, string, count)

    def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | Any]:
        return self.compiled().split(string, maxsplit)

    def findall(self, string: AnyStr, *args: Any) -> list[Any]:
        return self.compiled().findall(string, *args)

    def finditer(self, string: AnyStr, *args: Any) -> Iterator[re.Match[AnyStr]]:
        return self.compiled().finditer(string, *args)
