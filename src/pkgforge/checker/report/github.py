"""GitHub Actions workflow commands: one ``::error file=...::message`` line per finding."""

from __future__ import annotations

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Finding, Severity

__all__ = ["annotation", "render"]

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join(
        (
            f"file={_property(finding.path)}",
            f"line={finding.line}",
            f"col={finding.column}",
            f"title={_property(f'{finding.code} {finding.name}')}",
        )
    )
    return f"::{_COMMANDS[finding.severity]} {properties}::{_data(finding.message)}"


def render(result: CheckResult, *, color: bool = False) -> str:
    return "".join(annotation(finding) + "\n" for finding in result.findings)
