"""The rule catalogue as data: look a rule up by code or name, list them all."""

from __future__ import annotations

import difflib

from pkgforge.checker.findings import DOCS_URL
from pkgforge.checker.rules.base import Rule
from pkgforge.errors import UsageError

__all__ = ["all_rules", "find_rule", "rule_url"]


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, ordered by code."""
    from pkgforge.checker.rules import load_rules

    return tuple(load_rules().values())


def rule_url(rule: Rule) -> str:
    """Where the rule is documented (the same anchor as ``Finding.url``)."""
    return f"{DOCS_URL}#{rule.code.lower()}-{rule.name}"


def find_rule(code_or_name: str) -> Rule:
    """The rule with this code (``PF402``, ``pf402``) or name (``star-import``).

    Raise UsageError, with the closest match as a hint, when there is none.
    """
    wanted = code_or_name.strip()
    rules = all_rules()
    for rule in rules:
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    keys = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(wanted.upper(), keys, n=1) or difflib.get_close_matches(
        wanted.lower(), keys, n=1
    )
    hint = f"did you mean {close[0]}?" if close else "run 'pkgforge rules' for the catalogue"
    raise UsageError(f"unknown rule {code_or_name!r}", hint=hint)
