"""What ``check --fix`` and ``check --add-noqa`` did: frozen results the CLI renders."""

from __future__ import annotations

from dataclasses import dataclass

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Finding

__all__ = ["FileChange", "FixResult", "NoqaResult", "Unapplied"]


@dataclass(frozen=True)
class FileChange:
    """One file the run changes (or would change, for a dry run)."""

    path: str
    """As findings show it: relative to the working directory when the project is in it."""
    before: bytes | None
    """None for a file the run creates."""
    after: bytes


@dataclass(frozen=True)
class Unapplied:
    """A finding whose fix was tried and not kept, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class FixResult:
    """``pkgforge check --fix``: what was fixed, what it changed, what remains."""

    remaining: CheckResult
    """What a check finds once the fixes are in (for a dry run: would find)."""
    fixed: tuple[Finding, ...]
    """The findings the fixes removed, as they were found before."""
    changes: tuple[FileChange, ...]
    unapplied: tuple[Unapplied, ...] = ()
    """Fixes not kept: each would have made a new finding."""
    hidden: tuple[Finding, ...] = ()
    """Remaining findings with an unsafe fix that ``unsafe_fixes`` would apply."""
    written: bool = False
    """True when the changes were written to the project (never for a dry run)."""


@dataclass(frozen=True)
class NoqaResult:
    """``pkgforge check --add-noqa``: the findings now silenced by a ``# noqa`` comment."""

    remaining: CheckResult
    """What a check finds once the comments are in."""
    silenced: tuple[Finding, ...]
    changes: tuple[FileChange, ...]
    unapplied: tuple[Unapplied, ...] = ()
    """Findings that could not take a comment (a directory, a line inside a string...)."""
    written: bool = False
