"""Read and summarise files, across processes when there are enough of them.

Parsing is CPU-bound, so threads do not help; forked workers start in a few
milliseconds on Linux and inherit the already-imported summariser. This process is
one of the parsers: with N CPUs it forks N - 1 workers and joins them once its own
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
from typing import Any

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
    count = workers if workers is not None else _default_workers(len(jobs))
    if count > 1:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _in_processes(jobs, feature_version, count, meanwhile)
        except (OSError, ImportError, BrokenProcessPool) as err:  # no fork, a dead worker
            log.debug("parallel parsing unavailable (%s); parsing in one process", err)
    return _summarize_chunk((list(jobs), feature_version))


def _default_workers(count: int) -> int:
    if count < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1
    # forking a multi-threaded process can deadlock in the child
    if threading.active_count() > 1:
        return 1
    # The load average was tried as a brake and dropped: it lags by a minute, and on
    # this 2-core machine at load 2.7 two workers still beat one by 30% (Django).
    cpus = os.cpu_count() or 1
    return min(cpus, max(1, count // (PARALLEL_MIN_FILES // 2)))


_CHUNKS_PER_PARSER = 8
"""Chunks per parsing process: enough that whoever is free last waits for one small chunk."""

_Shared = tuple[Sequence[Job], list[list[int]], "tuple[int, int] | None", Any]
_inherited: list[_Shared] = []
"""What forked workers inherit: the jobs, the chunks, the feature version, and the queue
of chunk numbers still to parse. Only chunk numbers and summaries cross processes."""


def _in_processes(
    jobs: Sequence[Job],
    feature_version: tuple[int, int] | None,
    workers: int,
    meanwhile: Callable[[], object] | None,
) -> list[ModuleSummary]:
    """Parse with ``workers`` processes in all: ``workers - 1`` forked ones and this one,
    which joins them once ``meanwhile`` is done. Each takes the next chunk when it is
    free, so no process waits while another has work left, and this process's own
    summaries are never pickled."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = _balanced_chunks(jobs, workers * _CHUNKS_PER_PARSER)
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    for number in range(len(chunks)):
        queue.put(number)
    for _ in range(workers + 1):  # one end mark for each take, however the pool hands them out
        queue.put(None)
    _inherited[:] = [(jobs, chunks, feature_version, queue)]
    try:
        # An executor, not multiprocessing.Pool: if a worker dies, Pool waits forever,
        # while the executor raises BrokenProcessPool (and the caller parses here).
        with ProcessPoolExecutor(workers - 1, mp_context=context) as executor:
            futures = [executor.submit(_take_chunks) for _ in range(workers - 1)]
            if meanwhile is not None:
                try:
                    meanwhile()
                except Exception:  # only a head start: the rule does the work itself if need be
                    log.debug("work done while parsing failed", exc_info=True)
            parsed = _take_chunks()
            for future in futures:
                parsed.update(future.result())
    finally:
        _inherited.clear()
    ordered: list[ModuleSummary | None] = [None] * len(jobs)
    for number, summaries in parsed.items():
        for index, summary in zip(chunks[number], summaries, strict=True):
            ordered[index] = summary
    return [s if s is not None else _problem("not parsed", ProblemKind.TOO_LARGE) for s in ordered]


def _balanced_chunks(jobs: Sequence[Job], count: int) -> list[list[int]]:
    """Job indexes in ``count`` chunks of about equal bytes, the heaviest chunk first."""
    chunks: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for index in sorted(range(len(jobs)), key=lambda i: -jobs[i][1]):
        lightest = loads.index(min(loads))
        chunks[lightest].append(index)
        loads[lightest] += jobs[index][1] + 2048
    order = sorted(range(count), key=lambda c: -loads[c])
    return [chunks[c] for c in order if chunks[c]]


def _take_chunks() -> dict[int, list[ModuleSummary]]:
    """Parse chunks from the shared queue until it says there are no more."""
    ((jobs, chunks, feature_version, queue),) = _inherited  # set before the workers fork
    parsed: dict[int, list[ModuleSummary]] = {}
    while (number := queue.get()) is not None:
        parsed[number] = [_summarize_one(*jobs[i], feature_version) for i in chunks[number]]
    return parsed


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
