"""``pkgforge publish``: upload the last build's artifacts with twine, then verify."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pkgforge.commands._common import Subparsers, add_parser
from pkgforge.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from pkgforge.release.upload import ProgressCallback

__all__ = ["register", "run"]

TIMEOUT_ENV = "PKGFORGE_TIMEOUT"


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "publish",
        help="upload exactly the last build's artifacts, then verify them on the index",
        parents=parents,
    )
    parser.add_argument("path", metavar="PATH", nargs="?", default=".")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--repository", metavar="NAME", help="a repository from .pypirc")
    target.add_argument("--repository-url", metavar="URL", help="an index upload URL")
    parser.add_argument("--dry-run", action="store_true", help="do everything but upload")
    parser.add_argument(
        "--skip-existing", action="store_true", help="skip files the index already has"
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        help="how long the index may stay silent (connecting, taking the upload, "
        f"answering) before that is an error (default: ${TIMEOUT_ENV}, else 60)",
    )
    parser.set_defaults(run=run)


def _seconds(text: str) -> float:
    from pkgforge.release.transport import check_timeout

    try:
        return check_timeout(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0, not {text!r}"
        ) from None


def _timeout(args: argparse.Namespace) -> float | None:
    if args.timeout is not None:
        return float(args.timeout)
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return None
    try:
        return _seconds(value)
    except argparse.ArgumentTypeError as err:
        raise UsageError(
            f"{TIMEOUT_ENV} {err}", hint=f"set {TIMEOUT_ENV} to a number of seconds, such as 60"
        ) from None


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.release.publish import publish

    timeout = _timeout(args)
    with _progress(log) as progress:
        result = publish(
            args.path,
            repository=args.repository,
            repository_url=args.repository_url,
            dry_run=args.dry_run,
            skip_existing=args.skip_existing,
            # For indexes whose simple API is not at UPLOAD_URL/simple/.
            simple_url=os.environ.get("PKGFORGE_SIMPLE_URL") or None,
            timeout=timeout,
            progress=progress,
        )
    verb = {
        "uploaded": "uploaded",
        "skipped": "skipped (already on the index, same sha256)",
        "would-upload": "would upload",
        "would-skip": "would skip (already on the index, same sha256)",
    }
    for item in result.files:
        print(f"{item.filename}: {verb[item.action]}")
    name = f"{result.project} {result.version}"
    if result.dry_run:
        print(f"dry run: {name} checked against {result.simple_url}; nothing uploaded")
    else:
        print(f"published {name}: {len(result.files)} files verified on {result.simple_url}")
    return 0


def _wants_progress(log: logging.Logger) -> bool:
    """A bar for a person at a terminal: not in CI, not piped, not with -q."""
    ci = os.environ.get("CI", "").strip().lower()
    if ci and ci not in {"0", "false", "no"}:
        return False
    return log.isEnabledFor(logging.INFO) and sys.stderr.isatty()


@contextmanager
def _progress(log: logging.Logger) -> Iterator[ProgressCallback | None]:
    """A rich progress bar per uploaded file on stderr, when a person is watching.

    While it shows, pkgforge's log lines are printed through the same console,
    above the bars, so that neither overwrites the other.
    """
    if not _wants_progress(log):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    console = Console(stderr=True, highlight=False)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("[progress.percentage]{task.percentage:>3.0f}%"),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(compact=True, elapsed_when_finished=True),
        console=console,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    tasks: dict[str, TaskID] = {}

    def progress(filename: str, sent: int, total: int) -> None:
        if filename not in tasks:
            tasks[filename] = bars.add_task(filename, total=total)
        bars.update(tasks[filename], completed=sent, total=total)

    handlers = log.handlers[:]
    formatter = handlers[0].formatter if handlers else None
    log.handlers[:] = [_ConsoleHandler(console, formatter)]
    try:
        with bars:
            yield progress
    finally:
        log.handlers[:] = handlers


class _ConsoleHandler(logging.Handler):
    """Print log records through rich's console, which keeps them above the live bars."""

    def __init__(self, console: Console, formatter: logging.Formatter | None) -> None:
        super().__init__()
        self._console = console
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self._console.print(self.format(record), markup=False, highlight=False)
