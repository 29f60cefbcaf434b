"""What a check produces: findings with a stable shape (DESIGN.md, JSON findings)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["DOCS_URL", "Finding", "Severity"]

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
        }
