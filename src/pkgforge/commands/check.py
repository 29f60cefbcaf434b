"""``pkgforge check``: validate layouts and distributions against the rules.

The options mean what ruff's options of the same name mean (docs/check.md).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser

if TYPE_CHECKING:
    import logging
    from typing import Any, Self

    from pkgforge.checker.engine import CheckResult
    from pkgforge.checker.replay import Recorder
    from pkgforge.checker.report import Format

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
    parser.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a file changes, printing the current findings each time "
        "(Ctrl-C ends it)",
    )
    fixing = parser.add_argument_group("fixes (as ruff's; see docs/fix.md)")
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes, check again, and report what remains",
    )
    fixing.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, apply the unsafe fixes too",
    )
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a diff and change nothing; exit 1 when there is a fix",
    )
    fixing.add_argument(
        "--show-fixes", action="store_true", help="with --fix, list the findings it fixed"
    )
    fixing.add_argument(
        "--add-noqa",
        action="store_true",
        help="add a '# noqa: PFxxx' comment to each finding's line",
    )
    # quick_exit: a check holds nothing that needs cleaning up when the process ends
    parser.set_defaults(run=run, quick_exit=True)


def _codes(values: list[str] | None) -> list[str] | None:
    """``--select A,B --select C`` -> [A, B, C]; blanks dropped (the library refuses none)."""
    if values is None:
        return None
    return [code for value in values for code in value.split(",") if code.strip()]


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.checker import replay

    _validate(args)
    if args.watch:
        return _watch(args, log)
    if _changes_files(args):
        output, status = _fix_or_silence(args, log)
        _write(output)
        return status
    key = _replay_key(args)
    recorder = replay.Recorder(key, extra_files=args.config) if key is not None else None
    with _LogCounter(log) as logged:
        output, status = _check(args, log, recorder)
    replay.write_output(output)
    if recorder is not None and not logged.count:
        # Only a run that printed nothing else can be replayed by printing its output.
        recorder.save(output, status)
    return status


def _replay_key(args: argparse.Namespace) -> str | None:
    """The replay key of this command (:func:`pkgforge.checker.replay.command_key`, from
    the command line as typed: the CLI looks it up before parsing), or None when it is
    not to be replayed: without the cache, with --import (its answer is the project's code
    running), with a fix (it changes the project), under --watch, or when the working
    directory is gone. Archives need no exclusion: the engine reports that it cannot
    stamp them, so a command that names one is never recorded."""
    import sys

    from pkgforge.checker import replay

    command_line = getattr(args, "command_line", None)
    no_replay = args.no_cache or args.run_imports or args.watch or _changes_files(args)
    if no_replay or not command_line:
        return None
    try:
        return replay.command_key(command_line[1:], replay.isatty(sys.stdout))
    except OSError:
        return None


def _changes_files(args: argparse.Namespace) -> bool:
    """--fix, --diff and --add-noqa: their answer is never a replay (nor recorded)."""
    return bool(args.fix or args.diff or args.add_noqa)


def _write(output: str) -> None:
    from pkgforge.checker.replay import write_output

    write_output(output)


def _validate(args: argparse.Namespace) -> None:
    """Option combinations that make no sense, refused before anything runs."""
    from pkgforge.errors import UsageError

    if args.python is not None and not args.run_imports:
        raise UsageError(
            "--python only applies with --import", hint="add --import to import the modules"
        )
    if args.statistics:
        from pkgforge.checker.report.statistics import STATISTICS_FORMATS
    if args.statistics and args.output_format not in STATISTICS_FORMATS:
        raise UsageError(
            f"--statistics prints text or json, not {args.output_format}",
            hint="use --output-format text or json with --statistics",
        )
    if args.watch and _changes_files(args):
        # ruff refuses it too: every save would rewrite the file being edited
        raise UsageError(
            "--watch cannot be used with --fix, --diff or --add-noqa",
            hint="run 'pkgforge check --fix' once, then 'pkgforge check --watch'",
        )
    if args.watch:
        from pkgforge.checker.engine import ARCHIVE_SUFFIXES

        archives = [p for p in args.paths if str(p).endswith(ARCHIVE_SUFFIXES)]
        if archives:
            raise UsageError(
                f"--watch checks projects, not wheels or sdists: {archives[0]}",
                hint="leave the archive out, or check it without --watch",
            )


def _check(
    args: argparse.Namespace, log: logging.Logger, recorder: Recorder | None
) -> tuple[str, int]:
    """Run the check: (what to print on stdout, the exit status)."""
    result = _run_check(args, recorder)
    for skipped in result.skipped:
        log.warning("skipped %s", skipped)
    output = _report(result, args) if args.quiet < 2 else ""  # -qq: the exit status alone
    for problem in result.rule_errors:
        log.error("%s; this is a pkgforge bug, please report it", problem)
    return output, _status(result, args)


def _run_check(args: argparse.Namespace, recorder: Recorder | None = None) -> CheckResult:
    from pkgforge.checker.engine import check

    return check(
        args.paths,
        select=_codes(args.select),
        ignore=_codes(args.ignore),
        extend_select=_codes(args.extend_select),
        extend_ignore=_codes(args.extend_ignore),
        config=args.config,
        use_cache=not args.no_cache,
        run_imports=args.run_imports,
        python=args.python,
        on_inputs=recorder.add if recorder is not None else None,
    )


def _status(result: CheckResult, args: argparse.Namespace) -> int:
    from pkgforge.checker.findings import Severity

    if result.rule_errors:
        return 2
    if args.exit_zero:
        return 0
    failing = {Severity(level) for level in _LEVELS[: _LEVELS.index(args.fail_on) + 1]}
    return 1 if any(f.severity in failing for f in result.findings) else 0


def _fix_or_silence(args: argparse.Namespace, log: logging.Logger) -> tuple[str, int]:
    """--fix, --diff (a dry run that exits 1 when it would change something) and
    --add-noqa (exits 0, as ruff's): (what to print on stdout, the exit status)."""
    from pkgforge.errors import UsageError

    if args.add_noqa and (args.fix or args.diff):
        raise UsageError(
            "--add-noqa cannot be combined with --fix or --diff",
            hint="fix first, then silence what remains with a second run",
        )
    if args.run_imports:
        raise UsageError(
            "--import cannot be combined with --fix, --diff or --add-noqa",
            hint="fix first, then check with --import",
        )
    options = {
        "select": _codes(args.select),
        "ignore": _codes(args.ignore),
        "extend_select": _codes(args.extend_select),
        "extend_ignore": _codes(args.extend_ignore),
        "config": args.config,
        "use_cache": not args.no_cache,
    }
    if args.add_noqa:
        return _add_noqa(args, log, options)
    return _fix(args, log, options)


def _fix(args: argparse.Namespace, log: logging.Logger, options: dict[str, Any]) -> tuple[str, int]:
    import sys

    from pkgforge.checker.fix.run import fix
    from pkgforge.checker.report import fixes

    result = fix(args.paths, unsafe_fixes=args.unsafe_fixes, dry_run=args.diff, **options)
    for skipped in result.remaining.skipped:
        log.warning("skipped %s", skipped)
    for unapplied in result.unapplied:
        finding = unapplied.finding
        log.info(
            "not fixed: %s:%d: %s: %s", finding.path, finding.line, finding.code, unapplied.reason
        )
    for problem in result.remaining.rule_errors:
        log.error("%s; this is a pkgforge bug, please report it", problem)
    status = _status(result.remaining, args)
    if args.diff:
        if args.quiet < 2:
            _write(fixes.render_diff(result.changes))
            sys.stdout.flush()
        if args.quiet < 1:  # after the diff, on stderr, as ruff says it
            log.info("%s", fixes.applied_line(result, dry_run=True))
        if status == 2:
            return "", 2
        return "", 1 if result.changes and not args.exit_zero else 0
    if args.quiet >= 2:
        return "", status
    if args.output_format != "text" or args.statistics:
        return _report(result.remaining, args), status
    from pkgforge.checker.report.text import use_color

    output = fixes.render_fixed(
        result,
        color=use_color(sys.stdout),
        summary=args.quiet == 0,
        show_fixes=args.show_fixes,
    )
    return output, status


def _add_noqa(
    args: argparse.Namespace, log: logging.Logger, options: dict[str, Any]
) -> tuple[str, int]:
    from pkgforge.checker.fix.run import add_noqa
    from pkgforge.checker.report import fixes

    result = add_noqa(args.paths, **options)
    for skipped in result.remaining.skipped:
        log.warning("skipped %s", skipped)
    for unapplied in result.unapplied:
        finding = unapplied.finding
        log.warning(
            "no noqa comment for %s:%d %s: %s",
            finding.path,
            finding.line,
            finding.code,
            unapplied.reason,
        )
    if args.quiet < 1:
        log.info("%s", fixes.noqa_line(result))
    for problem in result.remaining.rule_errors:
        log.error("%s; this is a pkgforge bug, please report it", problem)
    return "", 2 if result.remaining.rule_errors else 0


_CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"
"""What ruff's --watch writes before each check: cursor home, clear the screen and the
scrollback."""


def _watch(args: argparse.Namespace, log: logging.Logger) -> int:
    """Check, then check again after every change, until Ctrl-C (exit status 130, what a
    shell reports for ruff's --watch, which SIGINT ends)."""
    import sys
    import time

    from pkgforge.checker import replay
    from pkgforge.checker.watch import watched

    if args.output_format != "text" or args.statistics:
        log.warning("--watch always prints the findings as text")
    updates = watched(args.paths, lambda: _run_check(args))
    try:
        for update in updates:
            stamp = time.strftime("[%H:%M:%S]")
            what = (
                "File change detected..." if update.changed else "Starting check in watch mode..."
            )
            parts = [_CLEAR_SCREEN, f"{stamp} {what}\n\n"]
            if update.error is not None:
                hint = f"\nhint: {update.error.hint}" if update.error.hint else ""
                parts.append(f"error: {update.error.message}{hint}\n")
            elif update.result is not None and args.quiet < 2:
                for problem in update.result.rule_errors:
                    parts.append(f"error: {problem}; this is a pkgforge bug, please report it\n")
                parts.append(_report(update.result, args, output_format="text"))
            parts.append(f"\n{time.strftime('[%H:%M:%S]')} Watching for file changes.\n")
            replay.write_output("".join(parts))
            sys.stdout.flush()
    except KeyboardInterrupt:
        updates.close()
        return 130
    return 0


class _LogCounter:
    """Counts what the CLI's handlers print while the check runs."""

    def __init__(self, log: logging.Logger) -> None:
        self.handlers = list(log.handlers)
        self.count = 0

    def filter(self, record: object) -> bool:
        self.count += 1
        return True

    def __enter__(self) -> Self:
        for handler in self.handlers:
            handler.addFilter(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for handler in self.handlers:
            handler.removeFilter(self)


def _report(
    result: CheckResult, args: argparse.Namespace, *, output_format: Format | None = None
) -> str:
    import sys

    from pkgforge.checker.report import render
    from pkgforge.checker.report.text import use_color

    chosen: Format = output_format or args.output_format
    if args.statistics and output_format is None:
        from pkgforge.checker.report import statistics

        return statistics.render(result, chosen)
    color = chosen == "text" and use_color(sys.stdout)
    # -q: the findings without the summary line, as ruff's --quiet
    return render(result, chosen, color=color, summary=args.quiet == 0)
