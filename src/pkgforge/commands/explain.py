"""``pkgforge explain CODE``: print a rule's documentation."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser, complete_rule_codes

if TYPE_CHECKING:
    import logging

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(subparsers, "explain", help="show a rule's documentation", parents=parents)
    code = parser.add_argument(
        "code", metavar="CODE", help="a rule code such as PF402, or its name"
    )
    code.completer = complete_rule_codes  # type: ignore[attr-defined]
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.checker.catalogue import find_rule, rule_url

    rule = find_rule(args.code)
    print(f"{rule.code} {rule.name} ({rule.severity}): {rule.title}\n")
    print(rule.doc)
    print(f"\n{rule_url(rule)}")
    return 0
