"""``check --statistics``: how many findings of each code, most frequent first (as ruff)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Severity

__all__ = ["STATISTICS_FORMATS", "Row", "render", "rows"]

STATISTICS_FORMATS = ("text", "json")


@dataclasses.dataclass(frozen=True)
class Row:
    """One code's count, and how many of its findings are at each severity."""

    code: str
    name: str
    count: int
    errors: int
    warnings: int
    infos: int

    def by_severity(self) -> str:
        """``1 error, 2 warnings``."""
        pairs = ((self.errors, "error"), (self.warnings, "warning"), (self.infos, "info"))
        return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in pairs if n)


def rows(result: CheckResult) -> list[Row]:
    """One row per code, the most frequent first, then by code."""
    levels: dict[tuple[str, str], Counter[Severity]] = {}
    for finding in result.findings:
        levels.setdefault((finding.code, finding.name), Counter())[finding.severity] += 1
    table = [
        Row(
            code,
            name,
            counts.total(),
            counts[Severity.ERROR],
            counts[Severity.WARNING],
            counts[Severity.INFO],
        )
        for (code, name), counts in levels.items()
    ]
    return sorted(table, key=lambda row: (-row.count, row.code))


def render(result: CheckResult, output_format: str = "text") -> str:
    """The statistics as tab-separated text or as a JSON list (``STATISTICS_FORMATS``)."""
    table = rows(result)
    if output_format == "json":
        return json.dumps([dataclasses.asdict(row) for row in table], indent=2) + "\n"
    width = max((len(str(row.count)) for row in table), default=1)
    return "".join(
        f"{row.count:>{width}}\t{row.code}\t{row.name}\t{row.by_severity()}\n" for row in table
    )
