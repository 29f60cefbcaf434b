"""flit-core: the one module or package it ships (flit builds no extension modules)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.mounts import (
    Decision,
    dotted_parents,
    installed_mounts,
    project_name,
    table,
)

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "ships"]

SETTING = "`[tool.flit.module] name`"
"""Where this backend's configuration says what ships (PF105's hint)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    named = _module_name(pyproject)
    if named is None:
        return None
    name, source = named
    relative = name.replace(".", "/")
    found = [
        candidate
        for candidate in (relative, f"{relative}.py", f"src/{relative}", f"src/{relative}.py")
        if (root / candidate).is_dir() or (root / candidate).is_file()
    ]
    if len(found) != 1:
        return None  # flit refuses to build: nothing or several candidates
    return Decision(installed_mounts(root, [(found[0], relative)]), f"{source} ({found[0]})")


def creates(reader: Reader) -> None:
    """No module: flit ships the source tree as it is. A dotted module name
    (``acme.providers.http``) is one portion of namespace packages that other
    distributions share: flit ships none of its parents' files, so ``acme`` and
    ``acme.providers`` are namespaces, not packages of the project."""
    named = _module_name(reader.pyproject) if reader.backend.startswith("flit") else None
    if named is not None:
        reader.namespaces += dotted_parents(named[0])


def _module_name(pyproject: Mapping[str, Any]) -> tuple[str, str] | None:
    """The module flit ships and where that name comes from."""
    name = table(pyproject, "tool", "flit", "module").get("name")
    if isinstance(name, str):
        return name, "[tool.flit.module] name"
    name = table(pyproject, "tool", "flit", "metadata").get("module")
    if isinstance(name, str):
        return name, "[tool.flit.module] name"
    project = project_name(pyproject)
    if project is None:
        return None
    stub = project.endswith("-stubs")
    name = project.removesuffix("-stubs").replace("-", "_") + ("-stubs" if stub else "")
    return name, "flit's module named like the project"
