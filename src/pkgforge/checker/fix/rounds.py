"""Fix, check again, keep only what makes no new finding: one project's rounds of fixes.

Each round asks the fixers for proposals on the findings of the last check, writes them
into the scratch copy (one proposal per file a round: a fixer locates its edits in the
text the check saw), and checks the copy again. A round is kept when no finding is new
and every fixed finding is gone. Otherwise its proposals are tried one at a time, each
checked on its own: one that still makes a new finding is not applied (a proposal that
fixed several findings at once is asked for again one finding at a time). Findings are
compared by file, code, subject and message with the numbers left out, since a fix
moves lines.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.fix.base import Fixer, FixRequest, Proposal, fixable, load_fixer
from pkgforge.checker.fix.result import Unapplied
from pkgforge.checker.rules.base import Applicability, Rule

if TYPE_CHECKING:
    from pkgforge.checker.engine import CheckResult, TreeCheck
    from pkgforge.checker.fix.workspace import Workspace
    from pkgforge.checker.model import Project

__all__ = ["MAX_ROUNDS", "Outcome", "candidates", "fix_rounds", "offered"]

log = logging.getLogger("pkgforge")

MAX_ROUNDS = 20
"""A bound on the rounds (each fixes at least one finding, so it is rarely reached)."""

_NUMBERS = re.compile(r"[0-9]+")
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}

Key = tuple[str, str, tuple[str, ...], str]


def key(finding: Finding) -> Key:
    """What stays of a finding when a fix moves lines."""
    message = _NUMBERS.sub("#", finding.message)
    return (finding.path, finding.code, finding.subject, message)


@dataclass
class Outcome:
    """Where one project's rounds ended."""

    last: TreeCheck
    """The copy's last check: what remains."""
    fixed: list[Finding] = field(default_factory=list)
    """The findings of the first check that the last one no longer has: since no kept fix
    adds a finding, each went away by a fix (its own, or one that fixed it on the way)."""
    unapplied: list[Unapplied] = field(default_factory=list)


@dataclass
class _Applied:
    proposal: Proposal
    before: dict[str, bytes | None]
    """Each written file's bytes before the proposal, to undo it."""


def candidates(
    found: TreeCheck,
    rules: Mapping[str, Rule],
    *,
    unsafe: bool,
    refused: AbstractSet[Key] = frozenset(),
) -> list[Finding]:
    """The findings (under the focus) that a fix allowed to this run may fix."""
    settings = found.project.settings
    return [
        f
        for f in found.result.findings
        if key(f) not in refused and fixable(rules[f.code], settings, unsafe=unsafe)
    ]


def fix_rounds(
    workspace: Workspace, rules: Mapping[str, Rule], *, unsafe: bool, start: TreeCheck
) -> Outcome:
    """Fix what can be fixed in ``workspace``, whose copy ``start`` is a check of; its
    copy holds the kept fixes after. Each round is judged by the whole project."""
    outcome = Outcome(start)
    refused: set[Key] = set()
    alone: set[Key] = set()
    for number in range(1, MAX_ROUNDS + 1):
        wanted = candidates(outcome.last, rules, unsafe=unsafe, refused=refused)
        applied = _apply_round(workspace, outcome.last.project, wanted, rules, alone)
        if not applied:
            break
        log.debug("fix round %d: %d proposal(s)", number, len(applied))
        after = workspace.check()
        if _problem(outcome.last.everywhere, after.everywhere, applied) is None:
            outcome.last = after
            continue
        for done in reversed(applied):
            _undo(workspace, done)
        for done in applied:
            _redo(workspace, done)
            after = workspace.check()
            problem = _problem(outcome.last.everywhere, after.everywhere, [done])
            if problem is None:
                outcome.last = after
                continue
            _undo(workspace, done)
            keys = [key(f) for f in done.proposal.findings]
            if len(keys) > 1:
                alone.update(keys)
                continue
            refused.update(keys)
            outcome.unapplied.append(Unapplied(done.proposal.findings[0], problem))
            log.debug("fix of %s not applied: %s", done.proposal.findings[0], problem)
    left = Counter(key(f) for f in outcome.last.result.findings)
    for finding in start.result.findings:
        if left[key(finding)] > 0:
            left[key(finding)] -= 1
        else:
            outcome.fixed.append(finding)
    return outcome


def offered(
    read: Callable[[str], bytes | None],
    project: Project,
    findings: Sequence[Finding],
    rules: Mapping[str, Rule],
) -> list[Finding]:
    """The findings that an unsafe fix, not enabled, proposes to fix (nothing is written):
    what ``--unsafe-fixes`` would add."""
    wanted = [
        f
        for f in findings
        if rules[f.code].fix is Applicability.UNSAFE
        and fixable(rules[f.code], project.settings, unsafe=True)
    ]
    found: list[Finding] = []
    for code, group in groupby(sorted(wanted, key=lambda f: f.code), key=lambda f: f.code):
        fixer = load_fixer(rules[code])
        assert fixer is not None
        for proposal in _proposals(fixer, FixRequest(project, tuple(group), read)):
            found.extend(proposal.findings)
    return found


def _proposals(fixer: Fixer, request: FixRequest) -> list[Proposal]:
    """The fixer's proposals; none when it fails (a pkgforge bug: the other fixes go on,
    and ``--debug`` shows the traceback)."""
    try:
        return list(fixer(request))
    except Exception:  # one broken fixer must not stop the others
        code = request.findings[0].code if request.findings else "?"
        log.warning("the fixer of %s failed; this is a pkgforge bug, please report it", code)
        log.debug("fixer of %s failed", code, exc_info=True)
        return []


def _apply_round(
    workspace: Workspace,
    project: Project,
    wanted: Sequence[Finding],
    rules: Mapping[str, Rule],
    alone: set[Key],
) -> list[_Applied]:
    """Ask each rule's fixer, write the proposals that touch no file already touched this
    round (a later round takes the others), and return them."""
    touched: set[str] = set()
    applied: list[_Applied] = []
    for code, group in groupby(sorted(wanted, key=lambda f: f.code), key=lambda f: f.code):
        fixer = load_fixer(rules[code])
        assert fixer is not None
        findings = list(group)
        together = tuple(f for f in findings if key(f) not in alone)
        batches = [together] if together else []
        batches += [(f,) for f in findings if key(f) in alone]
        for batch in batches:
            for proposal in _proposals(fixer, FixRequest(project, batch, workspace.read)):
                paths = {*proposal.edits, *(f.path for f in proposal.findings)}
                if not proposal.edits or paths & touched:
                    continue
                touched |= paths
                before = {path: workspace.read(path) for path in proposal.edits}
                applied.append(_Applied(proposal, before))
                _redo(workspace, applied[-1])
    return applied


def _redo(workspace: Workspace, applied: _Applied) -> None:
    for path, data in applied.proposal.edits.items():
        workspace.write(path, data)


def _undo(workspace: Workspace, applied: _Applied) -> None:
    for path, data in applied.before.items():
        workspace.write(path, data)


def _problem(before: CheckResult, after: CheckResult, applied: Sequence[_Applied]) -> str | None:
    """Why the check ``after`` the proposals is not acceptable; None when it is: nothing new
    (nor more severe) and every finding they fix gone."""
    expected = Counter(key(f) for f in before.findings)
    expected.subtract(key(f) for done in applied for f in done.proposal.findings)
    found = Counter(key(f) for f in after.findings)
    worst_before: dict[Key, int] = {}
    for finding in before.findings:
        rank = _RANK[finding.severity]
        worst_before[key(finding)] = max(rank, worst_before.get(key(finding), rank))
    fixed = {key(f) for done in applied for f in done.proposal.findings}
    for finding in after.findings:
        finding_key = key(finding)
        if found[finding_key] > max(expected[finding_key], 0):
            if finding_key in fixed:
                return "the fix does not remove the finding"
            return f"it would add {_shown(finding)}"
        if _RANK[finding.severity] > worst_before.get(finding_key, _RANK[finding.severity]):
            return f"it would raise {_shown(finding)}"
    return None


def _shown(finding: Finding) -> str:
    return (
        f"{finding.code} [{finding.name}] ({finding.severity}) at "
        f"{finding.path}:{finding.line}: {finding.message}"
    )
