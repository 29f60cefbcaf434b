"""Human-readable findings: ``path:line:col: CODE [name] message``, grouped by file."""

from __future__ import annotations

import itertools
import os
from typing import TextIO

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Severity

__all__ = ["render", "use_color"]

_RESET = "\033[0m"
_BOLD = "\033[1m"
_SEVERITY_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
}


def use_color(stream: TextIO, environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """Colour when ``stream`` is a terminal; FORCE_COLOR forces it, NO_COLOR turns it off."""
    env = os.environ if environ is None else environ
    if env.get("FORCE_COLOR"):
        return True
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(result: CheckResult, *, color: bool = False, summary: bool = True) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    blocks: list[str] = []
    for _, group in itertools.groupby(result.findings, key=lambda f: f.path):
        lines = [
            f"{paint(f.path, _BOLD)}:{f.line}:{f.column}: "
            f"{paint(f.code, _SEVERITY_COLORS[f.severity])} [{f.name}] {f.message}"
            for f in group
        ]
        blocks.append("\n".join(lines))
    if summary:
        blocks.append(summary_line(result))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def summary_line(result: CheckResult) -> str:
    files = _plural(result.files_checked, "file")
    if not result.findings and not result.files_checked:
        return "Nothing was checked: 0 files."
    if not result.findings:
        tail = f" ({_plural(result.suppressed, 'finding')} suppressed)" if result.suppressed else ""
        return f"All checks passed: {files} checked{tail}."
    counts = [
        _plural(result.count(severity), str(severity))
        for severity in Severity
        if result.count(severity)
    ]
    return f"Found {', '.join(counts)} in {files} checked."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
