"""Machine-readable findings: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json

from pkgforge.checker.engine import CheckResult

__all__ = ["SCHEMA_VERSION", "render", "to_dict"]

SCHEMA_VERSION = 1


def to_dict(result: CheckResult) -> dict[str, object]:
    return {
        "version": SCHEMA_VERSION,
        "findings": [finding.to_dict() for finding in result.findings],
        "summary": {
            "files_checked": result.files_checked,
            **{f"{severity}s": count for severity, count in result.counts.items()},
            "suppressed": result.suppressed,
            "has_errors": result.has_errors,
        },
    }


def render(result: CheckResult, *, color: bool = False) -> str:
    return json.dumps(to_dict(result), indent=2) + "\n"
