"""``pkgforge build`` and ``pkgforge publish``: ship exactly what was checked.

``build`` lives in :mod:`.build`, ``publish`` in :mod:`.publish`; both are
loaded on first use because they pull in PyPA build and twine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["build", "publish"]

if TYPE_CHECKING:
    from pkgforge.release.build import build
    from pkgforge.release.publish import publish


def __getattr__(name: str) -> Any:
    if name in __all__:
        value = getattr(importlib.import_module(f"pkgforge.release.{name}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pkgforge.release' has no attribute {name!r}")
