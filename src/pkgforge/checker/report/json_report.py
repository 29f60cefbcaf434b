"""Machine-readable findings: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Finding, Severity, any_errors

__all__ = ["SCHEMA_VERSION", "findings_dict", "render", "to_dict"]

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


def findings_dict(findings: Sequence[Finding], **fields: object) -> dict[str, object]:
    """Findings of another command (``build``, ``verify``) in the shape ``check`` prints,
    with that command's own ``fields`` after them."""
    counts = {
        f"{severity}s": sum(f.severity is severity for f in findings) for severity in Severity
    }
    return {
        "version": SCHEMA_VERSION,
        "findings": [finding.to_dict() for finding in findings],
        "summary": {**counts, "has_errors": any_errors(findings)},
        **fields,
    }
