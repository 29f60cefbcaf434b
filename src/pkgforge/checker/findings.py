"""What a check produces: findings with a stable shape (DESIGN.md, JSON findings)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DOCS_URL", "Finding", "Severity", "any_errors"]

DOCS_URL = "https://github.com/pkgforge/pkgforge/blob/main/docs/rules.md"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. ``path`` is relative to the checked root, in POSIX form;
    ``line`` and ``column`` are 1-based (1, 1 for a whole file or directory)."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    subject: tuple[str, ...] = ()
    """What the finding is about, as its rule's fixer needs it (the names of an ``__all__``,
    a requirement, an import): data, never shown; not part of the JSON shape."""
    module: str = ""
    """The module a finding is about, where it is one (an import that failed)."""

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "url": self.url,
        } | ({"module": self.module} if self.module else {})


def any_errors(findings: Iterable[Finding]) -> bool:
    """True when a finding is at error level: what makes a command fail."""
    return any(f.severity is Severity.ERROR for f in findings)
