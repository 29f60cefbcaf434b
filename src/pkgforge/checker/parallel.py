"""Read and summarise files, across processes when there are enough of them.

Parsing is CPU-bound, so threads do not help; forked workers start in a few
milliseconds on Linux and inherit the already-imported summariser. This process is
one of the parsers: with N CPUs it forks N - 1 workers (:class:`ParsePool`), which on a
cold run start parsing while the walk still finds files, and joins them once its own
head start (``meanwhile``) is done. Below :data:`PARALLEL_MIN_FILES` (or without
``fork``) one process is faster.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Self

from pkgforge.checker.summarize import summarize_source
from pkgforge.checker.summary import ModuleSummary, ParseProblem, ProblemKind

__all__ = ["MAX_FILE_BYTES", "PARALLEL_MIN_FILES", "READ_ERROR", "summarize_paths"]

log = logging.getLogger("pkgforge")

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Larger files are reported (PF413), not parsed: no hand-written module is this big, and
a generated one (a data table) costs more to parse than the rest of a project."""
PARALLEL_MIN_FILES = 64
"""Measured on 2 cores: below this many uncached files, forking costs more than it saves."""

READ_ERROR = "cannot read file"
"""How a read failure's ParseProblem message starts (such summaries are not cached)."""

Job = tuple[str, int]
"""(absolute path, size in bytes)."""


def summarize_paths(
    jobs: Sequence[Job],
    feature_version: tuple[int, int] | None,
    *,
    workers: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[ModuleSummary]:
    """Summaries of the files in ``jobs``, in the same order. Never raises for a bad file.

    ``meanwhile`` runs in this process while worker processes parse (only then).
    """
    with ParsePool(feature_version, workers) as pool:
        return pool.summaries(jobs, meanwhile)


def _parsers() -> int:
    """How many processes may parse: one per CPU, on Linux (fork), single-threaded."""
    if sys.platform != "linux":
        return 1
    # forking a multi-threaded process can deadlock in the child
    if threading.active_count() > 1:
        return 1
    # The load average was tried as a brake and dropped: it lags by a minute, and on
    # this 2-core machine at load 2.7 two workers still beat one by 30% (Django).
    return os.cpu_count() or 1


_CHUNK_FILES = 24
"""Files per task: small enough that the last one to finish keeps nobody waiting long,
large enough that a task's round trip costs little beside its parsing."""


class ParsePool:
    """Parsing processes: ``parsers - 1`` forked workers, and this process.

    A cold run hands over each file as the walk finds it (:meth:`add`): the workers start
    once there are :data:`PARALLEL_MIN_FILES` of them, and parse while the walk goes on.
    :meth:`summaries` then sends what is left, runs ``meanwhile`` (the main process's
    head start), and takes its own share: every task the workers have not started yet
    is cancelled and parsed here, so that nobody waits while another has work left, and
    this process's own summaries never cross a pipe. Any failure of the workers (no
    fork, a dead worker) leaves their files to this process. Use it as a context manager,
    so that a run that ends early stops the workers.
    """

    def __init__(self, feature_version: tuple[int, int] | None, parsers: int | None = None):
        self.feature_version = feature_version
        self.parsers = parsers if parsers is not None else _parsers()
        # told how many: parse in parallel whatever the number of files
        self._enough = 1 if parsers is not None else PARALLEL_MIN_FILES
        self._executor: Any = None
        self._tasks: list[tuple[Any, list[Job]]] = []
        self._held: list[Job] = []
        self._given: set[str] = set()
        self._failed = self.parsers < 2

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, job: Job) -> None:
        """A file the walk found: parsed by a worker soon, if workers are worth it."""
        if self._failed:
            return
        self._held.append(job)
        if len(self._held) >= (_CHUNK_FILES if self._executor else self._enough):
            self._give(self._held)
            self._held = []

    def summaries(
        self, jobs: Sequence[Job], meanwhile: Callable[[], object] | None = None
    ) -> list[ModuleSummary]:
        """Summaries of ``jobs``, in order (files added but not asked for are dropped)."""
        rest = [job for job in jobs if job[0] not in self._given]
        self._held = []
        if self._executor is not None or len(jobs) >= self._enough:
            self._give(_largest_first(rest))
        done: dict[str, ModuleSummary] = {}
        if self._executor is not None:
            if meanwhile is not None:
                try:
                    meanwhile()
                except Exception:  # only a head start: the rule does the work itself if need be
                    log.debug("work done while parsing failed", exc_info=True)
            done = self._collect()
        fv = self.feature_version
        return [
            found if (found := done.get(path)) is not None else _summarize_one(path, size, fv)
            for path, size in jobs
        ]

    def close(self) -> None:
        """Stop the workers (tasks not started are dropped); idempotent."""
        executor, self._executor, self._tasks = self._executor, None, []
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _give(self, jobs: Sequence[Job]) -> None:
        if not jobs or (self._executor is None and not self._start()):
            return
        for start in range(0, len(jobs), _CHUNK_FILES):
            chunk = list(jobs[start : start + _CHUNK_FILES])
            try:
                future = self._executor.submit(_summarize_chunk, (chunk, self.feature_version))
            except Exception as err:  # noqa: BLE001 - a broken pool: this process parses
                log.debug("parallel parsing stopped (%s); parsing in one process", err)
                self._failed = True
                return
            self._tasks.append((future, chunk))
            self._given.update(path for path, _ in chunk)

    def _start(self) -> bool:
        # forking a multi-threaded process can deadlock in the child
        if self._failed or sys.platform != "linux" or threading.active_count() > 1:
            self._failed = True
            return False
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            # An executor, not multiprocessing.Pool: if a worker dies, Pool waits forever,
            # while the executor raises BrokenProcessPool (and this process parses).
            context = multiprocessing.get_context("fork")
            self._executor = ProcessPoolExecutor(self.parsers - 1, mp_context=context)
        except (OSError, ValueError, ImportError) as err:  # no fork here
            log.debug("parallel parsing unavailable (%s); parsing in one process", err)
            self._failed = True
            return False
        return True

    def _collect(self) -> dict[str, ModuleSummary]:
        """Parse here every task no worker has started (the last given first), then wait
        for the workers' results."""
        done: dict[str, ModuleSummary] = {}
        fv = self.feature_version
        for future, chunk in reversed(self._tasks):
            if future.cancel():
                done.update((path, _summarize_one(path, size, fv)) for path, size in chunk)
        for future, chunk in self._tasks:
            if future.cancelled():
                continue
            try:
                summaries = future.result()
            except Exception as err:  # noqa: BLE001 - a dead worker: parsed here below
                log.debug("a parsing worker failed (%s); parsing its files here", err)
                continue
            done.update(zip((path for path, _ in chunk), summaries, strict=True))
        self.close()
        return done


def _largest_first(jobs: Sequence[Job]) -> list[Job]:
    """The largest files first: the last tasks, those this process takes, are the
    smallest, so the parsers finish close together."""
    return sorted(jobs, key=lambda job: -job[1])


def _summarize_chunk(task: tuple[list[Job], tuple[int, int] | None]) -> list[ModuleSummary]:
    jobs, feature_version = task
    return [_summarize_one(path, size, feature_version) for path, size in jobs]


def _summarize_one(path: str, size: int, feature_version: tuple[int, int] | None) -> ModuleSummary:
    if size > MAX_FILE_BYTES:
        message = (
            f"file is {size / 1_048_576:.1f} MiB; pkgforge does not parse files over "
            f"{MAX_FILE_BYTES // 1_048_576} MiB, so its names and imports are unknown"
        )
        return _problem(message, ProblemKind.TOO_LARGE)
    try:
        source = Path(path).read_bytes()
    except OSError as err:
        return _problem(f"{READ_ERROR}: {err.strerror or err}", ProblemKind.UNREADABLE)
    return summarize_source(source, filename=path, feature_version=feature_version)


def _problem(message: str, kind: ProblemKind) -> ModuleSummary:
    """A summary that knows nothing (no bindings): the graph reads its names as unknown."""
    return ModuleSummary(problem=ParseProblem(message=message, line=1, column=1, kind=kind))
