"""Renderers for check results: text, json, sarif, github. Each returns a string."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pkgforge.check.engine import CheckResult

__all__ = ["FORMATS", "Format", "render"]

Format = Literal["text", "json", "sarif", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "sarif", "github")
_MODULES = {
    "text": "pkgforge.check.report.text",
    "json": "pkgforge.check.report.json_report",
    "sarif": "pkgforge.check.report.sarif",
    "github": "pkgforge.check.report.github",
}


def render(result: CheckResult, output_format: Format = "text", *, color: bool = False) -> str:
    """The result in ``output_format``; ``color`` only affects text."""
    module = importlib.import_module(_MODULES[output_format])
    text: str = module.render(result, color=color)
    return text
