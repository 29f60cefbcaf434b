"""What each build backend ships into the wheel and creates at build time, read from its
own configuration, never by running it.

One module per backend, each following that backend's documented file selection and
its default when nothing is configured, behind one interface (:class:`Backend`):

- ``ships(root, pyproject, memo)``: the folders the wheel ships (:class:`Decision`), or
  None when the configuration uses something pkgforge does not follow (a glob it cannot
  resolve, a missing name): then setuptools-style automatic discovery decides, and says so;
- ``creates(reader)``: the modules the build compiles or writes (an extension module,
  a ``_version.py``), and why when it cannot name them.

The backends: :mod:`.setuptools` (pyproject, setup.cfg, setup.py), :mod:`.hatchling`,
:mod:`.flit`, :mod:`.pdm`, :mod:`.poetry`, :mod:`.maturin`, :mod:`.scikit_build_core`,
:mod:`.meson_python`, :mod:`.uv_build`. Shared: :mod:`.mounts` (what discovery hands the walk),
:mod:`.buildinfo` (the build facts' records), :mod:`.reader`, :mod:`.cmake`, and
:mod:`.facts` (all ``creates`` together, for the model).

A backend's module is imported only when a project uses it: discovery runs on warm
checks too.
"""

from __future__ import annotations

import importlib
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from pkgforge.checker.backends.mounts import Decision, installed_mounts, norm, strings, table

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["Backend", "backend_module", "ship_decision", "ship_setting"]


class Backend(Protocol):
    """What each backend's module offers (modules satisfy it by their functions)."""

    SETTING: str
    """Where the backend's configuration says what ships, for people."""

    def ships(
        self, root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None
    ) -> Decision | None: ...

    def creates(self, reader: Reader) -> None: ...


# The build backend's top-level module -> the module of this package that reads it.
_MODULES = {
    "setuptools": "setuptools",
    "hatchling": "hatchling",
    "flit_core": "flit",
    "flit": "flit",
    "pdm": "pdm",
    "poetry": "poetry",
    "scikit_build_core": "scikit_build_core",
    "maturin": "maturin",
    "mesonpy": "meson_python",
    "uv_build": "uv_build",
}


def backend_module(name: str) -> Backend:
    """The module of this package named ``name`` (``hatchling``)."""
    return cast("Backend", importlib.import_module(f"{__name__}.{name}"))


def ship_decision(
    root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None
) -> Decision:
    """The mounts the project's build backend ships, with what decided them.

    ``[tool.pkgforge] packages`` (root-relative package directories or modules) wins:
    it is how a project whose build configuration is computed says what ships.
    """
    told = strings(table(pyproject, "tool", "pkgforge").get("packages"))
    if told:
        pairs = [(norm(p), posixpath.basename(norm(p))) for p in told if norm(p)]
        return Decision(installed_mounts(root, pairs), "[tool.pkgforge] packages")
    backend = table(pyproject, "build-system").get("build-backend")
    name = _reader_name(backend if isinstance(backend, str) else "", pyproject)
    decision = backend_module(name).ships(root, pyproject, memo)
    if decision is None:
        from pkgforge.checker.backends.setuptools.discovery import automatic

        said = backend if isinstance(backend, str) and backend else "the build backend"
        why = f"{said}: a file selection pkgforge cannot follow (a glob, or no default match)"
        decision = automatic(root, {}, why, guess=True)
    named = _entry_point_modules(pyproject)
    if named and any(m.flat for m in decision.mounts):
        mounts = tuple(m._replace(named=named) if m.flat else m for m in decision.mounts)
        decision = decision._replace(mounts=mounts)
    return decision


def ship_setting(pyproject: Mapping[str, Any]) -> str:
    """Where the project's build backend is told what ships (for a hint)."""
    backend = table(pyproject, "build-system").get("build-backend")
    return backend_module(
        _reader_name(backend if isinstance(backend, str) else "", pyproject)
    ).SETTING


def _reader_name(backend: str, pyproject: Mapping[str, Any]) -> str:
    """The module that reads the backend; setuptools for no backend (PEP 517's default)."""
    top = backend.split(".", maxsplit=1)[0].split(":", maxsplit=1)[0]
    if top in _MODULES:
        return _MODULES[top]
    if top == "":
        return "setuptools"
    # An in-tree or unknown backend: follow whichever tool's settings are there.
    if table(pyproject, "tool", "setuptools"):
        return "setuptools"
    if table(pyproject, "tool", "hatch", "build"):
        return "hatchling"
    if table(pyproject, "tool", "poetry").get("packages"):
        return "poetry"
    return "setuptools"


def _entry_point_modules(pyproject: Mapping[str, Any]) -> frozenset[str]:
    """Top-level modules that [project] scripts and entry points import by name."""
    project = table(pyproject, "project")
    groups = [table(project, "scripts"), table(project, "gui-scripts")]
    groups.extend(table(project, "entry-points", group) for group in table(project, "entry-points"))
    return frozenset(
        value.partition(":")[0].strip().partition(".")[0]
        for group in groups
        for value in group.values()
        if isinstance(value, str)
    )
