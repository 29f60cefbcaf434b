"""pkgforge: scaffold, check, build and publish Python packages.

The command-line interface is a thin layer over these functions. They are
loaded on first use so that ``import pkgforge`` (and ``pkgforge --help``)
stays fast.
"""

from __future__ import annotations

import importlib

# typing costs milliseconds at start-up; type checkers treat this name specially.
TYPE_CHECKING = False

__version__ = "0.1.0"

__all__ = [
    "PkgforgeError",
    "__version__",
    "add_module",
    "build",
    "check",
    "new_project",
    "publish",
]

# public name -> module that defines it
_LAZY = {
    "PkgforgeError": "pkgforge.errors",
    "new_project": "pkgforge.scaffold",
    "add_module": "pkgforge.scaffold",
    "check": "pkgforge.check",
    "build": "pkgforge.release",
    "publish": "pkgforge.release",
}

if TYPE_CHECKING:
    from pkgforge.check import check
    from pkgforge.errors import PkgforgeError
    from pkgforge.release import build, publish
    from pkgforge.scaffold import add_module, new_project


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pkgforge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
