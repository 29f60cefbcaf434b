"""The rule catalogue: one module per family, registered in :mod:`.base`.

:func:`load_rules` imports every family module once. A family module that does
not exist (yet) is skipped; any other import error is a bug and is raised.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from pkgforge.checker.rules.base import REGISTRY, Rule

__all__ = ["FAMILIES", "load_rules"]

FAMILIES = (
    "pkgforge.checker.rules.layout",
    "pkgforge.checker.rules.names",
    "pkgforge.checker.rules.exports",
    "pkgforge.checker.rules.imports",
    "pkgforge.checker.rules.dependencies",
    "pkgforge.checker.rules.metadata",
    "pkgforge.checker.rules.dist",
    "pkgforge.checker.rules.runtime",
)


def load_rules() -> Mapping[str, Rule]:
    """Import every rule family and return the registry, ordered by code."""
    for module in FAMILIES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
    return dict(sorted(REGISTRY.items()))
