"""``publish``'s progress bars and its wait on a silent index (rich), loaded only when
publish runs."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from pkgforge.release.transport import Waiting
    from pkgforge.release.upload import ProgressCallback

__all__ = ["Watchers", "progress_bars"]

# A wait shorter than this is a normal answer: it is not worth a line.
_SHOW_WAIT_AFTER = 1.0


@dataclass(frozen=True)
class Watchers:
    """What ``publish`` reports to while a person watches: each upload's progress, and
    each wait on the index (shown as the time waited against the timeout)."""

    progress: ProgressCallback | None = None
    waiting: Waiting | None = None


class _Silence:
    """The index pkgforge is waiting on, since when; read by the display as it redraws."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.host: str | None = None
        self.since = 0.0

    def __call__(self, host: str | None) -> None:
        self.host, self.since = host, time.monotonic()

    def line(self) -> str | None:
        host, waited = self.host, time.monotonic() - self.since
        if host is None or waited < _SHOW_WAIT_AFTER:
            return None
        return (
            f"waiting for {host}: {waited:.0f} s of {self.timeout:g} s "
            "(--timeout) without an answer"
        )


def _wants_progress(log: logging.Logger) -> bool:
    """A bar for a person at a terminal: not in CI, not piped, not with -q."""
    ci = os.environ.get("CI", "").strip().lower()
    if ci and ci not in {"0", "false", "no"}:
        return False
    return log.isEnabledFor(logging.INFO) and sys.stderr.isatty()


@contextmanager
def progress_bars(log: logging.Logger, *, timeout: float) -> Iterator[Watchers]:
    """A rich progress bar per uploaded file on stderr, when a person is watching, and
    above them, while the index keeps silent, how long it has for ``timeout`` seconds.

    While it shows, pkgforge's log lines are printed through the same console,
    above the bars, so that neither overwrites the other.
    """
    if not _wants_progress(log):
        yield Watchers()
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
    from rich.text import Text

    silence = _Silence(timeout)

    class _Bars(Progress):
        def get_renderables(self) -> Iterator[RenderableType]:
            waiting = silence.line()
            if waiting is not None:
                yield Text(waiting)
            yield from super().get_renderables()

    console = Console(stderr=True, highlight=False)
    bars = _Bars(
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
            yield Watchers(progress, silence)
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
