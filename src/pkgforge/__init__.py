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
    "add_noqa",
    "build",
    "check",
    "fix",
    "import_graph",
    "link_project",
    "new_project",
    "package_tree",
    "publish",
    "update_project",
    "verify",
]

# public name -> the module that defines it. Each is the module that holds the
# function itself, not a package re-exporting it: once ``pkgforge.release.build``
# is imported, ``pkgforge.release.build`` is that module, not the function.
_LAZY = {
    "PkgforgeError": "pkgforge.errors",
    "new_project": "pkgforge.scaffold.project",
    "link_project": "pkgforge.scaffold.update.link",
    "add_module": "pkgforge.scaffold.add",
    "build": "pkgforge.release.build",
    "check": "pkgforge.checker.engine",
    "fix": "pkgforge.checker.fix.run",
    "add_noqa": "pkgforge.checker.fix.run",
    "publish": "pkgforge.release.publish",
    "update_project": "pkgforge.scaffold.update.update",
    "package_tree": "pkgforge.draw.tree",
    "import_graph": "pkgforge.draw.graph",
    "verify": "pkgforge.release.verify.verifier",
}

if TYPE_CHECKING:
    from pkgforge.checker.engine import check
    from pkgforge.checker.fix.run import add_noqa, fix
    from pkgforge.draw.graph import import_graph
    from pkgforge.draw.tree import package_tree
    from pkgforge.errors import PkgforgeError
    from pkgforge.release.build import build
    from pkgforge.release.publish import publish
    from pkgforge.release.verify.verifier import verify
    from pkgforge.scaffold.add import add_module
    from pkgforge.scaffold.project import new_project
    from pkgforge.scaffold.update.link import link_project
    from pkgforge.scaffold.update.update import update_project


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pkgforge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
