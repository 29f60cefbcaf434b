"""``pkgforge check``: the engine, the project model and the rules.

``check`` and ``load_project`` are loaded on first use, so importing a
submodule such as :mod:`pkgforge.check.summary` stays cheap.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__all__ = ["CheckResult", "check", "check_project", "load_project"]

if TYPE_CHECKING:
    from pkgforge.check.engine import CheckResult, check, check_project, load_project


def __getattr__(name: str) -> Any:
    if name in __all__:
        value = getattr(importlib.import_module("pkgforge.check.engine"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pkgforge.check' has no attribute {name!r}")


class _CallablePackage(types.ModuleType):
    """Lets ``pkgforge.check(paths)`` call :func:`check`.

    DESIGN.md promises both a ``pkgforge.check`` function and a ``check/``
    package; the import system binds the package as ``pkgforge.check`` whenever
    one of its modules is imported, so the package forwards calls instead.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> CheckResult:
        from pkgforge.check.engine import check

        return check(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
