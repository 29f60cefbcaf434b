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
from importlib import resources
from typing import Any

__all__ = ["missing_from_stdlib", "supported_minors"]

_NEWEST_ASKED = 30  # requires-python is asked about 3.0 to 3.30


@cache
def _table() -> Mapping[str, Any]:
    text = resources.files("pkgforge.checker").joinpath("stdlib_names.json").read_text("utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def missing_from_stdlib(module: str, name: str, minors: Iterable[int]) -> tuple[list[int], bool]:
    """The minor versions among ``minors`` whose standard library has a module ``module``
    without a public ``name`` (nor a submodule of that name), and whether that is every one
    of ``minors`` (the table tells apart only the versions typeshed describes: any other
    one counts as unknown, so not as missing)."""
    asked = sorted(set(minors))
    if not asked or name.startswith("_") or any(p.startswith("_") for p in module.split(".")):
        return [], False
    entry = _table()["modules"].get(module)
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


def supported_minors(requires_python: str | None, oldest: int = 0) -> list[int]:
    """The Python 3 minor versions ``requires-python`` allows (from ``oldest`` on, when it
    says nothing), up to the newest the table describes."""
    newest = _table()["minors"][1]
    if requires_python:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            spec = SpecifierSet(requires_python)
        except InvalidSpecifier:
            spec = None
        if spec is not None:
            return [
                m
                for m in range(min(newest, _NEWEST_ASKED) + 1)
                if spec.contains(f"3.{m}.0") or spec.contains(f"3.{m}.99")
            ]
    return list(range(oldest, newest + 1))
