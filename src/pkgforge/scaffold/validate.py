"""Run ``pkgforge check`` over what ``new`` and ``add`` just wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pkgforge.checker.findings import Finding

__all__ = ["check_project"]


def check_project(
    project_dir: Path,
    *,
    ahead: Callable[[Path], tuple[Finding, ...] | None] | None = None,
) -> tuple[Finding, ...]:
    """The findings of every rule on ``project_dir``, with paths as ``pkgforge check`` shows
    them (relative to the working directory when the project is below it).

    With ``ahead`` (:meth:`pkgforge.scaffold.checkahead.CheckAhead.check`), the helper
    process that loaded the checker meanwhile runs the check; when it cannot (None), the
    check runs here.
    """
    if ahead is not None:
        findings = ahead(project_dir)
        if findings is not None:
            return findings
    from pkgforge.checker.engine import check

    # No cache: a fresh project should not get a cache folder it never asked for.
    return check([project_dir], use_cache=False).findings
