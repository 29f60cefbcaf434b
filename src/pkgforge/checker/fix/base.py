"""What a fixer receives and what it proposes, and how a rule's fixer is found.

A rule names its fixer (``@rule(..., fix=Applicability.SAFE, fixer="exports:drop_duplicates")``);
the fixer is a function of this package that takes a :class:`FixRequest` (the project as
last checked, the rule's findings, the files as they are now) and yields a
:class:`Proposal` for each finding it can fix: the new bytes of every file the fix
writes. A fixer declines by yielding nothing for a finding (it logs why at debug level);
whether a proposal is kept is decided by checking the result (:mod:`.rounds`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from pkgforge.checker.rules.base import Applicability, Rule
from pkgforge.checker.selection import Selection

if TYPE_CHECKING:
    from pkgforge.checker.findings import Finding
    from pkgforge.checker.model import Project
    from pkgforge.config import Settings

__all__ = ["FixRequest", "Fixer", "Proposal", "by_file", "declined", "fixable", "load_fixer"]

log = logging.getLogger("pkgforge")


@dataclass(frozen=True)
class FixRequest:
    project: Project
    """The model of the project as last checked (its root is the scratch copy)."""
    findings: tuple[Finding, ...]
    """The rule's findings to fix; paths relative to the project root."""
    read: Callable[[str], bytes | None]
    """A file's bytes now (None when it does not exist), by path relative to the root."""


@dataclass(frozen=True)
class Proposal:
    """One fix: the findings it removes and the new content of each file it writes."""

    findings: tuple[Finding, ...]
    edits: Mapping[str, bytes]
    """Path relative to the project root -> the file's new bytes (a new file too)."""


Fixer = Callable[[FixRequest], Iterable[Proposal]]


def load_fixer(rule: Rule) -> Fixer | None:
    """The function ``rule.fixer`` names (``module:function`` in this package)."""
    if rule.fixer is None:
        return None
    module, _, function = rule.fixer.partition(":")
    found: Fixer = getattr(importlib.import_module(f"{__package__}.{module}"), function)
    return found


def fixable(rule: Rule, settings: Settings, *, unsafe: bool) -> bool:
    """Whether ``check --fix`` applies the rule's fix: it has one, it is safe or unsafe
    fixes are on, and ``[tool.pkgforge] fixable``/``unfixable`` allow it."""
    if rule.fix is None or (rule.fix is Applicability.UNSAFE and not unsafe):
        return False
    return Selection(select=settings.fixable, ignore=settings.unfixable).enabled(rule.code)


def by_file(findings: Sequence[Finding]) -> Iterator[tuple[str, list[Finding]]]:
    """The findings grouped by path (a fixer makes one proposal per file it edits)."""
    for path, group in groupby(sorted(findings, key=lambda f: f.path), key=lambda f: f.path):
        yield path, list(group)


def declined(finding: Finding, why: str) -> None:
    """Log why a fixer proposes nothing for ``finding`` (``--debug`` shows it)."""
    log.debug("no fix for %s:%d %s: %s", finding.path, finding.line, finding.code, why)
