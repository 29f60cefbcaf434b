"""``pkgforge check``: the engine, the project model and the rules.

``check`` and ``load_project`` are loaded on first use, so importing a
submodule such as :mod:`pkgforge.check.summary` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["CheckResult", "check", "load_project"]

if TYPE_CHECKING:
    from pkgforge.check.engine import CheckResult, check, load_project


def __getattr__(name: str) -> Any:
    if name in __all__:
        value = getattr(importlib.import_module("pkgforge.check.engine"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pkgforge.check' has no attribute {name!r}")
