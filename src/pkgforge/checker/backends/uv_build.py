"""uv_build: the modules ``[tool.uv.build-backend]`` names under its module root.

uv_build ships ``module-root``/``module-name`` (default ``src/`` and the project's name,
lower-cased, with ``-`` and ``.`` as ``_``; a dotted name is a package inside namespace
folders; a list names several) and everything below it, less ``wheel-exclude``, and less
``source-exclude`` since a wheel is built from the sdist. It never builds modules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.mounts import (
    Decision,
    dotted_parents,
    installed_mounts,
    norm,
    project_name,
    strings,
    table,
)

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "ships"]

SETTING = "`[tool.uv.build-backend] module-root` and `module-name`"
"""Where this backend's configuration says what ships (PF105's hint)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    settings = table(pyproject, "tool", "uv", "build-backend")
    module_root = settings.get("module-root", "src")
    if not isinstance(module_root, str):
        return None
    base = norm(module_root)
    names = _module_names(pyproject, settings)
    source = "[tool.uv.build-backend]" if settings else "uv_build's default"
    if not names:
        return None
    pairs = []
    for name in names:
        stub = name.endswith("-stubs")
        relative = name.removesuffix("-stubs").replace(".", "/") + ("-stubs" if stub else "")
        pairs.append((f"{base}/{relative}" if base else relative, relative))
    skip = [
        form
        for pattern in (
            *strings(settings.get("wheel-exclude")),
            *strings(settings.get("source-exclude")),
        )
        for form in _exclude_forms(pattern)
    ]
    where = f"{base}/" if base else "the project root"
    return Decision(installed_mounts(root, pairs, skip), f"{source} (module-root {where})")


def creates(reader: Reader) -> None:
    """No module (uv_build ships the source tree as it is); with ``namespace = true`` its
    modules are namespace packages (PEP 420), as declared, and a dotted module name's
    parents are namespace folders that other distributions share."""
    settings = table(reader.pyproject, "tool", "uv", "build-backend")
    if reader.backend != "uv_build":
        return
    names = [n for n in _module_names(reader.pyproject, settings) if n]
    if settings.get("namespace") is True:
        reader.namespaces += names
    for name in names:
        reader.namespaces += dotted_parents(name.removesuffix("-stubs"))


def _exclude_forms(pattern: str) -> tuple[str, ...]:
    """The walk's patterns for one of uv's: ``/a/b`` is anchored at the project root, and
    ``a/b`` (like a bare name) matches at any depth."""
    if pattern.startswith("/"):
        return (pattern.lstrip("/"),)
    if "/" in pattern.rstrip("/"):
        return (pattern, f"*/{pattern}")
    return (pattern,)


def _module_names(pyproject: Mapping[str, Any], settings: Mapping[str, Any]) -> list[str]:
    """``module-name``, else the project's name lower-cased with ``-`` and ``.`` as ``_``."""
    names = strings(settings.get("module-name"))
    if names:
        return names
    project = project_name(pyproject)
    return [re.sub(r"[-_.]+", "_", project).lower()] if project else []
