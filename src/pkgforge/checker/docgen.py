"""Generate docs/rules.md from the rule docstrings: ``python -m pkgforge.checker.docgen [OUT]``.

A test compares the committed file with :func:`render_rules_markdown`, so the
reference cannot drift from what ``pkgforge explain`` prints.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from pkgforge.checker.catalogue import all_rules
from pkgforge.checker.rules.base import Rule

__all__ = ["REQUIRED_SECTIONS", "main", "missing_sections", "render_rules_markdown"]

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")
_GENERATED = (
    "<!-- Generated from the rule docstrings by "
    "`python -m pkgforge.checker.docgen docs/rules.md`; do not edit by hand. -->"
)
_INTRO = (
    "Codes are stable: rules are added, never renumbered. "
    "`pkgforge explain CODE` prints one entry; `pkgforge rules` lists them."
)
_SCOPES = {"source": "source tree", "dist": "wheels and sdists"}


def missing_sections(rule: Rule) -> list[str]:
    """The required docstring headings that ``rule`` lacks, in order."""
    return [
        s
        for s in REQUIRED_SECTIONS
        if not re.search(rf"^{re.escape(s)}\s*$", rule.doc, re.MULTILINE)
    ]


def render_rules_markdown(rules: Sequence[Rule] | None = None) -> str:
    rules = all_rules() if rules is None else rules
    lines = [
        "# Rule reference",
        "",
        _GENERATED,
        "",
        _INTRO,
        "",
        "| Code | Name | Severity | Checks | Summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} "
            f"| {rule.severity} | {_SCOPES[rule.scope]} | {rule.title} |"
        )
    for rule in rules:
        body = re.sub(r"^## ", "### ", rule.doc, flags=re.MULTILINE)
        lines += [
            "",
            f"## {rule.code} {rule.name}",
            "",
            f"*{rule.title}* — severity **{rule.severity}**, checks the {_SCOPES[rule.scope]}.",
            "",
            body,
        ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m pkgforge.checker.docgen",
        description="Write the rule reference (docs/rules.md) from the rules' docstrings.",
    )
    parser.add_argument("output", nargs="?", help="file to write (default: standard output)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if OUTPUT is out of date"
    )
    args = parser.parse_args(argv)
    text = render_rules_markdown()
    if args.output is None:
        if args.check:
            parser.error("--check needs OUTPUT")
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            print(f"{target} is out of date; run: python -m pkgforge.checker.docgen {target}")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
