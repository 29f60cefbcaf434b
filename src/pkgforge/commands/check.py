"""``pkgforge check``: validate layouts and distributions against the rules.

The options mean what ruff's options of the same name mean (docs/check.md).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser

if TYPE_CHECKING:
    from pkgforge.checker.engine import CheckResult

__all__ = ["register", "run"]

_FORMATS = ("text", "json", "sarif", "github")
_LEVELS = ("error", "warning", "info")


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
        "--output-format",
        "--format",
        choices=_FORMATS,
        default="text",
        dest="output_format",
        help="report format (default: text; github = workflow annotations)",
    )
    codes = parser.add_argument_group("rule selection (CODES: comma-separated codes or prefixes)")
    codes.add_argument(
        "--select",
        metavar="CODES",
        action="append",
        help="the rules to run, instead of [tool.pkgforge] select",
    )
    codes.add_argument(
        "--ignore",
        metavar="CODES",
        action="append",
        help="the rules to skip, instead of [tool.pkgforge] ignore",
    )
    codes.add_argument(
        "--extend-select",
        metavar="CODES",
        action="append",
        help="rules to run on top of the selection",
    )
    codes.add_argument(
        "--extend-ignore",
        metavar="CODES",
        action="append",
        help="rules to skip on top of the ignored ones",
    )
    parser.add_argument(
        "--config",
        metavar="FILE|KEY=VALUE",
        action="append",
        default=[],
        help="a TOML file read instead of the project's [tool.pkgforge], or a setting "
        "of it in TOML (--config 'select = [\"PF4\"]'); repeatable",
    )
    verdict = parser.add_mutually_exclusive_group()
    verdict.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings fail the run (usage errors still exit 2)",
    )
    verdict.add_argument(
        "--fail-on",
        choices=_LEVELS,
        default="error",
        metavar="LEVEL",
        help="the lowest severity that fails the run: error (default), warning or info",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings of each code instead of the findings (text or json)",
    )
    parser.add_argument(
        "--silent",
        action="store_const",
        const=2,
        dest="quiet",
        default=argparse.SUPPRESS,
        help="print nothing; only the exit status tells (same as -qq)",
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


def _codes(values: list[str] | None) -> list[str] | None:
    """``--select A,B --select C`` -> [A, B, C]; blanks dropped (the library refuses none)."""
    if values is None:
        return None
    return [code for value in values for code in value.split(",") if code.strip()]


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    import sys

    from pkgforge.checker.engine import check
    from pkgforge.checker.findings import Severity
    from pkgforge.checker.report.statistics import STATISTICS_FORMATS
    from pkgforge.errors import UsageError

    if args.python is not None and not args.run_imports:
        raise UsageError(
            "--python only applies with --import", hint="add --import to import the modules"
        )
    if args.statistics and args.output_format not in STATISTICS_FORMATS:
        raise UsageError(
            f"--statistics prints text or json, not {args.output_format}",
            hint="use --output-format text or json with --statistics",
        )
    result = check(
        args.paths,
        select=_codes(args.select),
        ignore=_codes(args.ignore),
        extend_select=_codes(args.extend_select),
        extend_ignore=_codes(args.extend_ignore),
        config=args.config,
        use_cache=not args.no_cache,
        run_imports=args.run_imports,
        python=args.python,
    )
    for skipped in result.skipped:
        log.warning("skipped %s", skipped)
    if args.quiet < 2:  # -qq / --silent: the exit status alone tells
        sys.stdout.write(_report(result, args))
    for problem in result.rule_errors:
        log.error("%s; this is a pkgforge bug, please report it", problem)
    if result.rule_errors:
        return 2
    if args.exit_zero:
        return 0
    failing = {Severity(level) for level in _LEVELS[: _LEVELS.index(args.fail_on) + 1]}
    return 1 if any(f.severity in failing for f in result.findings) else 0


def _report(result: CheckResult, args: argparse.Namespace) -> str:
    import sys

    from pkgforge.checker.report import render, statistics
    from pkgforge.checker.report.text import use_color

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        # A file name that is not valid UTF-8 must not crash the report.
        reconfigure(errors="backslashreplace")
    if args.statistics:
        return statistics.render(result, args.output_format)
    color = args.output_format == "text" and use_color(sys.stdout)
    # -q: the findings without the summary line, as ruff's --quiet
    return render(result, args.output_format, color=color, summary=args.quiet == 0)
