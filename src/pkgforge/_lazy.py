"""Defer the modules a run may never use, with the standard library's ``LazyLoader``.

Inside ``with deferred("arrow"):`` the *first* import of ``arrow`` finds the module
as usual (a missing module still fails at the import) but runs its code only when
one of its attributes is first read. Libraries that pkgforge drives unchanged
(cookiecutter's Jinja extensions, validate-pyproject's formats) import some
modules at the top that most runs never touch: this keeps their code as it is
and their behaviour identical, minus the start-up cost.

Two limits, both of the import system, decide what can be deferred:

- only ``import name`` and ``from package import submodule`` bind a module
  object; ``from name import obj`` reads ``obj`` at once, which runs the module;
- on Python 3.11 any later ``import name`` reads ``name.__spec__``, which runs
  it too. So a deferred module is one that the code we load imports once, and
  uses only inside functions a typical run does not call.
"""

from __future__ import annotations

import importlib.util
import sys
from contextlib import contextmanager

TYPE_CHECKING = False  # typing is not imported: this runs on the CLI's start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__all__ = ["deferred"]


class _DeferringFinder:
    """A meta path finder that asks the others for a spec and makes its loader lazy."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        # Built-in, frozen and namespace modules have no exec_module to defer.
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


@contextmanager
def deferred(*names: str) -> Iterator[None]:
    """Defer the first import of each of ``names`` made inside the block.

    Modules already imported stay as they are; the block does not import anything
    itself. Imports after the block are ordinary ones.
    """
    finder = _DeferringFinder(frozenset(names))
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
