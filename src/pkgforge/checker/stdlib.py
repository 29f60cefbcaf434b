"""What each standard-library module holds on each Python 3 version a project supports.

Only one interpreter runs where pkgforge runs; the others' standard libraries are read
from typeshed's stdlib stubs, reduced to a table of names per module and minor version
(``stdlib_names.json``, written by ``tools/stdlib_names.py``). The table errs towards
presence (see that tool), and leaves private modules and names out: pkgforge claims a
name is missing only where the table says so for a public name.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["missing_from_stdlib", "supported_minors"]

_NEWEST_ASKED = 30  # requires-python is asked about 3.0 to 3.30


_TABLE = Path(__file__).with_name("stdlib_names.json")


@cache
def _text() -> str:
    return _TABLE.read_text(encoding="utf-8")


@cache
def _newest() -> int:
    """The newest minor version the table describes (its first line says)."""
    head = _text().partition("\n")[0].removesuffix('"modules": {')
    told: list[int] = json.loads(head.rstrip(", ") + "}")["minors"]
    return told[1]


@cache
def _entry(module: str) -> Mapping[str, Any] | None:
    """The table's entry of ``module``, parsed from its own line: the table has one module
    a line (tools/stdlib_names.py), and a re-check asks about a module or two, where
    parsing the whole table would cost more than the rest of the rule."""
    text = _text()
    key = "\n" + json.dumps(module) + ":"
    start = text.find(key)
    if start < 0:
        return None
    start += len(key)
    entry: Mapping[str, Any] = json.loads(text[start : text.index("\n", start)].rstrip(","))
    return entry


def missing_from_stdlib(module: str, name: str, minors: Iterable[int]) -> tuple[list[int], bool]:
    """The minor versions among ``minors`` whose standard library has a module ``module``
    without a public ``name`` (nor a submodule of that name), and whether that is every one
    of ``minors`` (the table tells apart only the versions typeshed describes: any other
    one counts as unknown, so not as missing)."""
    asked = sorted(set(minors))
    if not asked or name.startswith("_") or any(p.startswith("_") for p in module.split(".")):
        return [], False
    entry = _entry(module)
    if entry is None:
        return [], False
    present = set(entry["minors"])
    if name in entry["names"]:
        return [], False
    has = set(entry["some"].get(name, ()))
    lacking = [m for m in asked if m in present and m not in has]
    running = sys.modules.get(module)  # already imported here: ask it too, as a check
    if running is not None and sys.version_info[1] in lacking and hasattr(running, name):
        lacking.remove(sys.version_info[1])
    return lacking, len(lacking) == len(asked)


def supported_minors(
    requires_python: str | None, oldest: int = 0, memo: dict[str, Any] | None = None
) -> list[int]:
    """The Python 3 minor versions ``requires-python`` allows (from ``oldest`` on, when it
    says nothing), up to the newest the table describes; remembered in ``memo`` (the
    cache's) by the specifier, as importing ``packaging.specifiers`` costs a re-check more
    than the rule that asks."""
    allowed: tuple[int, ...] | None = None
    if requires_python:
        remembered = memo.get("supported-minors") if memo is not None else None
        if isinstance(remembered, tuple) and remembered[0] == requires_python:
            allowed = remembered[1]
        else:
            allowed = _allowed_minors(requires_python)
            if memo is not None:
                memo["supported-minors"] = (requires_python, allowed)
    return list(range(oldest, _newest() + 1)) if allowed is None else list(allowed)


def _allowed_minors(requires_python: str) -> tuple[int, ...] | None:
    """The minors ``requires_python`` allows, None when it is not a valid specifier."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    newest = _newest()
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return None
    return tuple(
        m
        for m in range(min(newest, _NEWEST_ASKED) + 1)
        if spec.contains(f"3.{m}.0") or spec.contains(f"3.{m}.99")
    )
