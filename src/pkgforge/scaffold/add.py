"""``add_module``: add a module (and any missing packages) to an existing project."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.checker.findings import any_errors
from pkgforge.names import validate_dotted_module
from pkgforge.scaffold.layout import (
    Plan,
    PlannedTree,
    find_package,
    find_project,
    plan_module,
    project_scripts,
    write_plan,
)

if TYPE_CHECKING:
    from pkgforge.checker.findings import Finding

__all__ = ["AddResult", "add_module"]

log = logging.getLogger("pkgforge")


@dataclass(frozen=True)
class AddResult:
    """What ``add_module`` changed."""

    project_dir: Path
    module: str
    """The full dotted name of the new module (``sound.effects.echo``)."""
    created: tuple[Path, ...]
    edited: tuple[Path, ...]
    """``__init__.py`` files whose ``__all__`` gained a name."""
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]

    @property
    def has_errors(self) -> bool:
        return any_errors(self.findings)


def add_module(
    dotted: str, *, project: str | os.PathLike[str] = ".", run_check: bool = True
) -> AddResult:
    """Add ``dotted`` (relative to the top-level package, e.g. ``effects.echo``).

    The project is the nearest folder at or above ``project`` with a
    pyproject.toml. Missing ``__init__.py`` files, the module and its test are
    created, and every parent ``__all__`` gains the next name. Nothing changes
    when the module exists, the name is invalid, or an ``__all__`` is not a
    literal that can be edited safely.
    """
    parts = validate_dotted_module(dotted)
    project_dir = find_project(Path(project))
    package_dir, import_name = find_package(project_dir)
    tree = PlannedTree(Plan(), root=project_dir)
    module = plan_module(
        tree,
        package_dir=package_dir,
        import_name=import_name,
        tests_dir=project_dir / "tests",
        parts=parts,
        lowercase=_reports(project_dir, "PF204"),
        scripts=project_scripts(project_dir) if parts[-1] == "__main__" else {},
    )
    plan = tree.finish()
    created, edited = write_plan(plan)
    for warning in plan.warnings:
        log.warning("%s", warning)
    findings: tuple[Finding, ...] = ()
    if run_check:
        from pkgforge.scaffold.validate import check_project

        findings = check_project(project_dir)
    return AddResult(
        project_dir=project_dir,
        module=module,
        created=created,
        edited=edited,
        findings=findings,
        warnings=tuple(plan.warnings),
    )


def _reports(project_dir: Path, code: str) -> bool:
    """Whether ``pkgforge check`` runs rule ``code`` on the project (its ``[tool.pkgforge]``)."""
    import tomllib

    from pkgforge.checker.selection import Selection
    from pkgforge.config import load_settings

    # find_package has read this file already; an unreadable one never gets here.
    with (project_dir / "pyproject.toml").open("rb") as handle:
        settings = load_settings(tomllib.load(handle))
    return Selection(settings.select, settings.ignore).enabled(code)
