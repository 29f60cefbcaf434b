"""Run ``pkgforge check`` over what ``new`` and ``add`` just wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from pkgforge.checker.findings import Finding

__all__ = ["check_project"]


def check_project(project_dir: Path) -> tuple[Finding, ...]:
    """The findings of every rule on ``project_dir``, with paths as ``pkgforge check`` shows
    them (relative to the working directory when the project is below it)."""
    from pkgforge.checker.engine import check

    # No cache: a fresh project should not get a cache folder it never asked for.
    return check([project_dir], use_cache=False).findings
