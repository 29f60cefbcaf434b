"""Edits of pyproject.toml with tomlkit: comments, order and layout stay as written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import Array, Table

__all__ = ["add_requirement", "dumps", "load", "new_table", "remove_requirement"]

_INDENT = re.compile(r"\n([ \t]+)\S")


def load(data: bytes | None) -> tomlkit.TOMLDocument | None:
    """The document, or None when there is none or it is not valid TOML."""
    if data is None:
        return None
    try:
        return tomlkit.parse(data.decode("utf-8"))
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError):
        return None


def dumps(document: tomlkit.TOMLDocument) -> bytes:
    """The document's bytes, ending in one newline as pyproject.toml files do."""
    return (tomlkit.dumps(document).rstrip("\n") + "\n").encode("utf-8")


def new_table(items: Mapping[str, object]) -> Table:
    """A table of ``items`` to add under an existing one, followed by a blank line."""
    table = tomlkit.table()
    for key, value in items.items():
        table[key] = value
    table.add(tomlkit.nl())
    return table


def add_requirement(array: Array, requirement: str) -> None:
    """Append ``requirement`` in the array's own layout (one per line, or inline)."""
    text = array.as_string()
    if "\n" in text:
        found = _INDENT.search(text)
        array.add_line(requirement, indent=found.group(1) if found else "    ")
    else:
        array.append(requirement)


def remove_requirement(table: Table | Any, key: str, requirement: str) -> bool:
    """Remove the entry written ``requirement`` from ``table[key]``; False if absent.
    The entry's end-of-line comment goes with it; an array left empty (with no comment
    in it) is written ``[]``."""
    array = table.get(key)
    if not isinstance(array, Array):
        return False
    for index, item in enumerate(array):
        if isinstance(item, str) and item.strip() == requirement:
            del array[index]
            break
    else:
        return False
    if not len(array) and "#" not in array.as_string():
        table[key] = tomlkit.array()
    return True
