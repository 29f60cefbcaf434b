"""The static check's import errors, against what the verification saw happen.

A static rule predicts that importing a module fails; the verification imported
it. Where they disagree the import wins (DESIGN.md, "Proof by running"):

- a module the wheel ships and the verification imported cleanly (as the first
  import, after its top-level package, star-imported): the static error is
  pkgforge's own false alarm, reported as info so that it can be reported;
- a module that failed: the static error is confirmed and carries the real
  exception, at most as severe as the verification's own verdict on it; unless the
  import stopped at an earlier statement of the same file, so that the finding's line
  never ran: then the static verdict stands, saying so;
- a file the wheel does not ship as a module cannot fail a user's import: a warning.

Only rules whose error means "importing this module fails" are reconciled; the
others (names a case-insensitive file system confuses, metadata) stand as they are.
When the verification did not run, every static verdict stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pkgforge.checker.findings import Finding, Severity

if TYPE_CHECKING:
    from pkgforge.checker.model import Project
    from pkgforge.release.verify.verifier import Verification

__all__ = ["RECONCILED_RULES", "reconcile"]

RECONCILED_RULES = frozenset(
    {
        "PF101", "PF102", "PF302", "PF304", "PF401", "PF403", "PF404", "PF405", "PF407",
        "PF411", "PF416",
    }
)  # fmt: skip
"""Rules whose error predicts that importing the module fails, on any Python the project
supports. Not PF410: a syntax error for the oldest Python that requires-python allows is
no less real when a newer Python imports the module."""

_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def reconcile(
    findings: Sequence[Finding], project: Project, verification: Verification
) -> list[Finding]:
    """``findings`` of the static check, each import error settled by ``verification``."""
    if not verification.ran:
        return list(findings)
    modules = _modules_by_path(project)
    shipped = set(verification.modules)
    failed = verification.failed
    settled = []
    for finding in findings:
        if finding.severity is not Severity.ERROR or finding.code not in RECONCILED_RULES:
            settled.append(finding)
            continue
        module = _module_of(finding.path, modules)
        if module is None or module not in shipped:
            what = f"`{module}`" if module else finding.path
            settled.append(
                replace(
                    finding,
                    severity=Severity.WARNING,
                    message=f"{finding.message} (the wheel does not ship {what} as a module: "
                    "no user's import of the wheel runs it)",
                )
            )
            continue
        named = [module, *_named_modules(finding.message, shipped - {module})]
        confirmed = next((failed[m] for m in named if m in failed), None)
        stopped = verification.stopped_at.get(module)
        if stopped is not None and stopped < finding.line:
            settled.append(
                replace(
                    finding,
                    message=f"{finding.message} (not reached by the verification: importing "
                    f"`{module}` fails earlier, at line {stopped})",
                )
            )
        elif confirmed is not None:
            settled.append(_confirmed(finding, confirmed))
        elif all(m in verification.imported_cleanly for m in named):
            settled.append(
                replace(
                    finding,
                    severity=Severity.INFO,
                    message=f"{finding.message} (pkgforge's own false alarm: the built wheel "
                    f"imports `{module}` cleanly; please report it)",
                    module=module,
                )
            )
        else:
            settled.append(finding)
    return settled


def _confirmed(finding: Finding, proof: Finding) -> Finding:
    severity = min(finding.severity, proof.severity, key=_RANK.__getitem__)
    said = proof.message.split(";")[0]
    return replace(
        finding,
        severity=severity,
        message=f"{finding.message} (confirmed: {said})",
        module=proof.module,
    )


def _modules_by_path(project: Project) -> Mapping[str, str]:
    return {f.relpath: f.module for f in project.files if f.module}


def _module_of(path: str, modules: Mapping[str, str]) -> str | None:
    """The module of a finding's path (relative to the project, or to the working folder
    when the project is inside it)."""
    for relpath, module in modules.items():
        if path == relpath or path.endswith(f"/{relpath}"):
            return module
    return None


def _named_modules(message: str, shipped: set[str]) -> list[str]:
    return [name for name in dict.fromkeys(_DOTTED.findall(message)) if name in shipped]
