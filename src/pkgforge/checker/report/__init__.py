"""Renderers for check results: text, json, sarif, github. Each returns a string."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pkgforge.checker.engine import CheckResult

__all__ = ["FORMATS", "Format", "render"]

Format = Literal["text", "json", "sarif", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "sarif", "github")
_MODULES = {
    "text": "pkgforge.checker.report.text",
    "json": "pkgforge.checker.report.json_report",
    "sarif": "pkgforge.checker.report.sarif",
    "github": "pkgforge.checker.report.github",
}


def render(
    result: CheckResult,
    output_format: Format = "text",
    *,
    color: bool = False,
    summary: bool = True,
) -> str:
    """The result in ``output_format``; ``color`` and ``summary`` (the last line) only affect text."""
    module = importlib.import_module(_MODULES[output_format])
    options = {"summary": summary} if output_format == "text" else {}
    text: str = module.render(result, color=color, **options)
    return text
