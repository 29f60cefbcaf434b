"""The rule registry: every rule is a small function registered with :func:`rule`.

A rule function takes the project model (or, for distribution rules, an
archive model) and yields :class:`Hit` objects; the registry turns them into
:class:`~pkgforge.checker.findings.Finding` with the rule's code, name and
severity. The function's docstring (What it does / Why is this bad / Example /
Use instead) is the rule's documentation for ``pkgforge explain`` and docs.

A rule that decides file by file (or module by module, cycle by cycle) loops with
:func:`each`: ``for file in each(project.files):``. A re-check after an edit then runs
only the iterations whose inputs changed (:mod:`pkgforge.checker.incremental.units`
says what such a loop may and may not do); a rule without it runs again whenever
anything it read changed.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pkgforge.checker.certainty import Certainty, severity_for
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.incremental.units import Units, each

__all__ = ["REGISTRY", "Applicability", "Hit", "Rule", "Scope", "Units", "each", "rule"]

Scope = Literal["source", "dist"]


class Applicability(enum.StrEnum):
    """How far a rule's fix may be trusted, in ruff's terms: ``check --fix`` applies the
    safe fixes; ``--unsafe-fixes`` adds the unsafe ones."""

    SAFE = "safe"
    """The behaviour a user sees does not change."""
    UNSAFE = "unsafe"
    """The public API, the package structure or the dependencies change."""


@dataclass(frozen=True)
class Hit:
    """A place a rule found a problem; the rule adds code, name and severity."""

    path: str
    message: str
    line: int = 1
    column: int = 1
    certainty: Certainty = Certainty.PROVEN
    """How far the rule could see; :func:`~pkgforge.checker.certainty.severity_for` turns
    it and the rule's severity into the finding's severity."""
    severity: Severity | None = None
    """For a lesser form of the problem itself (a missing long description is only a
    warning where a broken one is an error); not for doubt, which is ``certainty``."""
    subject: tuple[str, ...] = ()
    """What the finding is about, for the rule's fixer (see :attr:`Finding.subject`)."""
    module: str = ""
    """The module the hit is about, where it is one (reported in JSON)."""


@dataclass(frozen=True)
class Rule:
    """A registered rule: code, name, title, severity, scope, documentation, function."""

    code: str
    name: str
    title: str
    severity: Severity
    scope: Scope
    doc: str
    func: Callable[[Any], Iterable[Hit]]
    fix: Applicability | None = None
    """The fix's applicability; None when the rule has no fix."""
    fixer: str | None = None
    """The fixer, as ``module:function`` inside :mod:`pkgforge.checker.fix` (loaded only by
    ``check --fix``: the rules never import libcst or tomlkit)."""

    def run(self, model: Any) -> Iterator[Finding]:
        for hit in self.func(model):
            yield Finding(
                path=hit.path,
                line=hit.line,
                column=hit.column,
                code=self.code,
                name=self.name,
                severity=severity_for(hit.severity or self.severity, hit.certainty),
                message=hit.message,
                subject=hit.subject,
                module=hit.module,
            )


REGISTRY: dict[str, Rule] = {}

# What a rule's severity promises (docs/check.md), for rules whose docstring has no
# ``## Severity`` section of its own saying more precisely when it is an error.
_SEVERITY_SECTIONS = {
    Severity.ERROR: (
        "## Severity\n"
        "An **error** where pkgforge proved the failure: the statement runs at import time "
        "on every Python and platform the project supports, and everything it depends on "
        "was seen. A **warning** where it runs only on some paths (a function body, a "
        "platform or version branch, an `except` block, a loop). An **info** where the "
        "analysis could not see far enough (a dynamic namespace, a compiled module, a "
        "namespace shared with other distributions); the message says what stopped it. "
        "Nothing where the code never runs (`if TYPE_CHECKING:`, a branch no supported "
        "Python takes)."
    ),
    Severity.WARNING: (
        "## Severity\n"
        "A **warning**: wrong or fragile, but it does not make an import fail; never an "
        "error, so it never blocks `pkgforge build`. An **info** where the analysis could "
        "not see far enough to judge."
    ),
    Severity.INFO: (
        "## Severity\nAn **info**: something the analysis could not see into, and what stopped it."
    ),
}


_FIX_LINES = {
    None: "Fix: **none**.",
    Applicability.SAFE: "Fix: **safe** (`pkgforge check --fix`).",
    Applicability.UNSAFE: "Fix: **unsafe** (`pkgforge check --fix --unsafe-fixes`).",
}
_FIX_SECTION = re.compile(r"^## Fix[ \t]*\n", re.MULTILINE)


def _with_fix_section(code: str, doc: str, fix: Applicability | None) -> str:
    """The docstring with its ``## Fix`` section opened by the fix's applicability: a rule
    with a fix describes it there; a rule without one gets "Fix: none"."""
    found = _FIX_SECTION.search(doc)
    if fix is None:
        if found:
            raise RuntimeError(f"rule {code} documents a fix but names no fixer")
        return f"{doc}\n\n## Fix\n{_FIX_LINES[None]}"
    if not found:
        raise RuntimeError(f"rule {code} has a fixer but no '## Fix' section saying what it does")
    return f"{doc[: found.end()]}{_FIX_LINES[fix]}\n{doc[found.end() :]}"


def rule(
    code: str,
    name: str,
    title: str,
    *,
    severity: Severity = Severity.ERROR,
    scope: Scope = "source",
    fix: Applicability | None = None,
    fixer: str | None = None,
) -> Callable[[Callable[[Any], Iterable[Hit]]], Rule]:
    """Register the decorated function as rule ``code``; codes are stable and unique.

    A rule with a fix names its applicability and its fixer (``module:function`` in
    :mod:`pkgforge.checker.fix`), and says in a ``## Fix`` section what the fix does.
    """

    def register(func: Callable[[Any], Iterable[Hit]]) -> Rule:
        if code in REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        if (fix is None) != (fixer is None):
            raise RuntimeError(f"rule {code}: a fix needs both its applicability and a fixer")
        doc = inspect.cleandoc(func.__doc__ or "")
        if not doc:
            raise RuntimeError(f"rule {code} has no documentation")
        if not re.search(r"^## Severity\s*$", doc, re.MULTILINE):
            doc += "\n\n" + _SEVERITY_SECTIONS[severity]
        doc = _with_fix_section(code, doc, fix)
        registered = Rule(code, name, title, severity, scope, doc, func, fix, fixer)
        REGISTRY[code] = registered
        return registered

    return register
