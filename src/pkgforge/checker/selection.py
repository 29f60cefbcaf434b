"""Which findings a run keeps: select/ignore, per-path ignores, ignore comments, focus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from pkgforge.checker.findings import Finding
from pkgforge.globs import path_matches

__all__ = ["Selection", "Suppressions", "filter_findings", "under_any"]

Suppressions = Mapping[str, tuple[tuple[int, tuple[str, ...]], ...]]
"""relpath -> the file's ``# pkgforge: ignore[...]`` comments as (line, codes)."""


class Selection(NamedTuple):
    """Which codes run. The longest matching prefix decides; on a tie, ignore wins."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_path: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def enabled(self, code: str) -> bool:
        if self.select is None:
            selected = 0
        else:
            selected = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return selected >= 0 and selected > ignored

    def ignored_at(self, code: str, relpath: str) -> bool:
        """Per-path ignores: globs as ruff's ``per-file-ignores`` reads them (pkgforge.globs)."""
        return any(
            any(code.startswith(c) for c in codes) and path_matches(pattern, relpath)
            for pattern, codes in self.per_path
        )


def under_any(relpath: str, focuses: Sequence[str]) -> bool:
    """True when ``relpath`` is one of ``focuses`` or inside one; () means everywhere."""
    return not focuses or any(
        relpath == focus or relpath.startswith(focus + "/") for focus in focuses
    )


def filter_findings(
    findings: Iterable[Finding],
    focuses: Sequence[str],
    selection: Selection,
    suppressions: Suppressions,
) -> tuple[list[Finding], int]:
    """The findings to report, and how many were suppressed."""
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        if not under_any(finding.path, focuses):
            continue
        if not selection.enabled(finding.code):
            continue  # a rule may report for a sibling code it does not own
        if selection.ignored_at(finding.code, finding.path) or _suppressed_inline(
            finding, suppressions.get(finding.path, ())
        ):
            suppressed += 1
            continue
        kept.append(finding)
    return kept, suppressed


def _suppressed_inline(
    finding: Finding, suppressions: Iterable[tuple[int, tuple[str, ...]]]
) -> bool:
    return any(
        line == finding.line and (not codes or any(finding.code.startswith(c) for c in codes))
        for line, codes in suppressions
    )
