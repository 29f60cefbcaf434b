"""``publish``'s progress bars (rich), loaded only when an upload runs."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from pkgforge.release.upload import ProgressCallback

__all__ = ["progress_bars"]


def _wants_progress(log: logging.Logger) -> bool:
    """A bar for a person at a terminal: not in CI, not piped, not with -q."""
    ci = os.environ.get("CI", "").strip().lower()
    if ci and ci not in {"0", "false", "no"}:
        return False
    return log.isEnabledFor(logging.INFO) and sys.stderr.isatty()


@contextmanager
def progress_bars(log: logging.Logger) -> Iterator[ProgressCallback | None]:
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
