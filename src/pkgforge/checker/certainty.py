"""How sure a finding is, and the one place where that decides its severity.

DESIGN.md makes severity a promise: an **error** means pkgforge proved that the
statement fails when it runs, on every Python and platform the project allows;
a **warning** means it is wrong or fragile, or fails only on some paths; an
**info** means the analysis hit something it cannot see into. A rule states the
severity of the problem when proven (its registered severity) and, for each
hit, how far it could see (:class:`Certainty`). :func:`severity_for` is the only
mapping from the two to the severity a user sees, so no rule carries ad-hoc
exemptions of its own.
"""

from __future__ import annotations

import enum

from pkgforge.checker.findings import Severity

__all__ = ["Certainty", "Reach", "certainty_of_reach", "severity_for"]


class Certainty(enum.IntEnum):
    """How far the analysis could see for one hit; higher is surer."""

    UNSEEN = 1
    """Something on the way could not be seen into (a dynamic namespace, a compiled
    module, a namespace shared with other distributions): the hit says what."""
    SOME_PATHS = 2
    """The statement fails only on some paths (a function body, a platform branch, a
    version branch some supported Pythons take), or is wrong without failing."""
    PROVEN = 3
    """The statement runs at import time on every supported Python and platform, and
    everything it depends on was seen: it fails."""


class Reach(enum.StrEnum):
    """When a statement runs, as far as its enclosing conditions tell."""

    ALWAYS = "always"
    """At import time, on every supported Python and platform."""
    SOMETIMES = "sometimes"
    """At import time under a condition that holds on some supported Pythons or
    platforms only, or that the analysis cannot evaluate."""
    LATER = "later"
    """Not at import time: a function body, a ``__main__`` guard."""
    NEVER = "never"
    """Not on any supported Python: ``if TYPE_CHECKING:``, ``if sys.version_info < (3,):``,
    ``if PY2:``."""


def certainty_of_reach(reach: Reach) -> Certainty | None:
    """The certainty of a failure proven for a statement with this reach; None when the
    statement never runs (no finding at all)."""
    if reach is Reach.NEVER:
        return None
    if reach is Reach.ALWAYS:
        return Certainty.PROVEN
    return Certainty.SOME_PATHS


def severity_for(proven: Severity, certainty: Certainty) -> Severity:
    """The severity of a hit: the rule's severity when proven, at most a warning on some
    paths, info when the analysis could not see."""
    if certainty is Certainty.UNSEEN:
        return Severity.INFO
    if certainty is Certainty.SOME_PATHS and proven is Severity.ERROR:
        return Severity.WARNING
    return proven
