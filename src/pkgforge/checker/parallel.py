"""Read and summarise files, across processes when there are enough of them.

Parsing is CPU-bound, so threads do not help; forked workers start in a few
milliseconds on Linux and inherit the already-imported summariser. Below
:data:`PARALLEL_MIN_FILES` (or without ``fork``) one process is faster.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

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


def _in_processes(
    jobs: Sequence[Job],
    feature_version: tuple[int, int] | None,
    workers: int,
    meanwhile: Callable[[], object] | None,
) -> list[ModuleSummary]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Balance by bytes: largest first, each to the lightest chunk so far.
    chunks: list[list[int]] = [[] for _ in range(workers * 2)]
    loads = [0] * len(chunks)
    for index in sorted(range(len(jobs)), key=lambda i: -jobs[i][1]):
        lightest = loads.index(min(loads))
        chunks[lightest].append(index)
        loads[lightest] += jobs[index][1] + 2048
    tasks = [([jobs[i] for i in chunk], feature_version) for chunk in chunks if chunk]
    context = multiprocessing.get_context("fork")
    # An executor, not multiprocessing.Pool: if a worker dies, Pool waits forever,
    # while the executor raises BrokenProcessPool (and the caller parses here).
    with ProcessPoolExecutor(workers, mp_context=context) as executor:
        futures = [executor.submit(_summarize_chunk, task) for task in tasks]
        if meanwhile is not None:
            try:
                meanwhile()
            except Exception:  # only a head start: the rule does the work itself if need be
                log.debug("work done while parsing failed", exc_info=True)
        results = [future.result() for future in futures]
    ordered: list[ModuleSummary | None] = [None] * len(jobs)
    for chunk, summaries in zip((c for c in chunks if c), results, strict=True):
        for index, summary in zip(chunk, summaries, strict=True):
            ordered[index] = summary
    return [s if s is not None else _problem("not parsed", ProblemKind.TOO_LARGE) for s in ordered]


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
