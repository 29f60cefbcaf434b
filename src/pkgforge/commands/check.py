"""``pkgforge check``: validate layouts and distributions against the rules."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from pkgforge.commands._common import Subparsers, add_parser

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "check",
        help="check package layouts, wheels and sdists against the import rules",
        parents=parents,
    )
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        default=["."],
        help="a project directory (default: .), a path inside one, or a .whl/.tar.gz/.zip",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        dest="output_format",
        help="report format (default: text; github = workflow annotations)",
    )
    parser.add_argument(
        "--select",
        metavar="CODES",
        help="comma-separated codes or prefixes to run (replaces [tool.pkgforge] select)",
    )
    parser.add_argument(
        "--ignore",
        metavar="CODES",
        help="comma-separated codes or prefixes to skip (replaces [tool.pkgforge] ignore)",
    )
    parser.add_argument(
        "--import",
        action="store_true",
        dest="run_imports",
        help="also import every module, each in a fresh interpreter of the project's "
        "environment (runs the project's code; PF412)",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="with --import: the project's interpreter or virtual environment "
        "(default: the project's .venv/ or venv/, else the active environment)",
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.set_defaults(run=run)


def _codes(value: str | None) -> list[str] | None:
    return None if value is None else [code for code in value.split(",") if code.strip()]


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    import sys

    from pkgforge.checker.engine import check
    from pkgforge.checker.report import render
    from pkgforge.checker.report.text import use_color
    from pkgforge.errors import UsageError

    if args.python is not None and not args.run_imports:
        raise UsageError(
            "--python only applies with --import", hint="add --import to import the modules"
        )
    result = check(
        args.paths,
        select=_codes(args.select),
        ignore=_codes(args.ignore),
        use_cache=not args.no_cache,
        run_imports=args.run_imports,
        python=args.python,
    )
    color = args.output_format == "text" and use_color(sys.stdout)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        # A file name that is not valid UTF-8 must not crash the report.
        reconfigure(errors="backslashreplace")
    for skipped in result.skipped:
        log.warning("skipped %s", skipped)
    sys.stdout.write(render(result, args.output_format, color=color))
    for problem in result.rule_errors:
        log.error("%s; this is a pkgforge bug, please report it", problem)
    if result.rule_errors:
        return 2
    return 1 if result.has_errors else 0
