"""``pkgforge rules``: list the rule catalogue."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser

if TYPE_CHECKING:
    import logging

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(subparsers, "rules", help="list every rule", parents=parents)
    parser.add_argument("--format", choices=("text", "json"), default="text", dest="output_format")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.checker.catalogue import all_rules, rule_url

    rules = all_rules()
    if args.output_format == "json":
        import json

        rows = [
            {
                "code": r.code,
                "name": r.name,
                "title": r.title,
                "severity": str(r.severity),
                "scope": r.scope,
                "fix": None if r.fix is None else str(r.fix),
                "url": rule_url(r),
            }
            for r in rules
        ]
        print(json.dumps(rows, indent=2))
        return 0
    width = max((len(r.name) for r in rules), default=0)
    for r in rules:
        fix = f"  (fix: {r.fix})" if r.fix is not None else ""
        print(f"{r.code}  {r.severity!s:<7}  {r.name:<{width}}  {r.title}{fix}")
    return 0
