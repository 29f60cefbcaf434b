"""Which of the project's modules the wheel holds, as far as the build configuration
proves it (setuptools' package lists and ``find_packages()``; other backends ship
every package, so nothing is proven absent for them).

PF101 asks it which folders are left out; ``pkgforge tree`` marks what does not ship.
"""

from __future__ import annotations

from collections import defaultdict

from pkgforge.checker.model import Project, shared_view

__all__ = ["WheelView", "wheel_view"]


class WheelView:
    """Which of the project's modules setuptools puts into the wheel, as far as the build
    configuration proves it."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.info = project.build.wheel
        self.has_init = {d.package: d.has_init for d in project.directories if d.package}
        self.modules = project.modules
        self.by_package: defaultdict[str, list[str]] = defaultdict(list)
        for module, file in self.modules.items():
            package = module if file.is_package else module.rpartition(".")[0]
            self.by_package[package].append(module)

    def chain_has_init(self, package: str) -> bool:
        """Every folder from the top-level package down has an ``__init__.py``. An excluded
        package's own files are not walked, but the walk enters one only where ``find``
        does: where it has an ``__init__.py`` (plain find) or needs none (find_namespace)."""
        parts = package.split(".")
        prefixes = (".".join(parts[:i]) for i in range(1, len(parts) + 1))
        return all(self.has_init.get(p, True) or self.info.excludes(p) for p in prefixes)

    def ships(self, package: str) -> bool | None:
        """Whether the modules directly in ``package`` go into the wheel; None when it
        cannot be told."""
        if not package:
            return None  # top-level modules ship through py_modules: not read here
        return self.info.ships(package, self.chain_has_init(package))

    def module_left_out(self, module: str) -> bool:
        """Proven absent from the wheel: its package is not selected, and nothing ships
        the file as data."""
        file = self.modules[module]
        package = module if file.is_package else module.rpartition(".")[0]
        if self.ships(package) is not False:
            return False
        return not self.info.may_ship_as_data(file.relpath)

    def left_out_below(self, package: str) -> frozenset[str]:
        """The modules in and below ``package`` proven absent from the wheel."""
        return frozenset(
            m
            for m in self.modules
            if (m == package or m.startswith(f"{package}.")) and self.module_left_out(m)
        )

    def left_out_directly(self, package: str) -> bool:
        """Some module directly in ``package`` is proven absent from the wheel."""
        return any(self.module_left_out(m) for m in self.by_package.get(package, ()))


def wheel_view(project: Project) -> WheelView:
    """One WheelView per project model, shared by its readers."""
    return shared_view(project, "_wheel_view", WheelView, WheelView)
