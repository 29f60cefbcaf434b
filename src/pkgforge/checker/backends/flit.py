"""flit-core: the one module or package it ships (flit builds no extension modules)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.mounts import Decision, installed_mounts, project_name, table

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "ships"]

SETTING = "`[tool.flit.module] name`"
"""Where this backend's configuration says what ships (PF105's hint)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    name = table(pyproject, "tool", "flit", "module").get("name")
    source = "[tool.flit.module] name"
    if not isinstance(name, str):
        name = table(pyproject, "tool", "flit", "metadata").get("module")
    if not isinstance(name, str):
        project = project_name(pyproject)
        if project is None:
            return None
        stub = project.endswith("-stubs")
        name = project.removesuffix("-stubs").replace("-", "_") + ("-stubs" if stub else "")
        source = "flit's module named like the project"
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
    """Nothing: flit ships the source tree as it is."""
