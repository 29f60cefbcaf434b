"""Reading and summarising files, in one process or several."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker import parallel
from pkgforge.checker.engine import check
from pkgforge.checker.parallel import MAX_FILE_BYTES, READ_ERROR, summarize_paths


@pytest.fixture(autouse=True)
def _no_stray_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the workers, which a live thread rules out (forking it could
    deadlock): a daemon thread an earlier test of this xdist worker left behind (a silent
    index's question, a server) must not turn them into one-process runs."""
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


def _jobs(tmp_path: Path, count: int) -> list[tuple[str, int]]:
    jobs = []
    for index in range(count):
        path = tmp_path / f"m{index}.py"
        path.write_text(f"import os\nVALUE_{index} = {index}\n" * (index % 7 + 1))
        jobs.append((str(path), path.stat().st_size))
    return jobs


def test_processes_give_the_same_summaries_in_order(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 40)
    serial = summarize_paths(jobs, None, workers=1)
    forked = summarize_paths(jobs, None, workers=2)
    assert forked == serial
    assert [s.bindings[-1].name for s in forked[:3]] == ["VALUE_0", "VALUE_1", "VALUE_2"]


def test_threshold_keeps_small_runs_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "_parsers", lambda: 2)
    jobs = _jobs(tmp_path, parallel.PARALLEL_MIN_FILES - 1)
    with parallel.ParsePool(None) as pool:
        for job in jobs:
            pool.add(job)
        assert len(pool.summaries(jobs)) == len(jobs)
        assert pool._given == set()  # nothing was handed to a worker


def test_huge_file_is_reported_not_parsed(tmp_path: Path) -> None:
    (summary,) = summarize_paths([(str(tmp_path / "big.py"), MAX_FILE_BYTES + 1)], None)
    assert summary.problem is not None
    assert "MiB" in summary.problem.message


def test_missing_file_is_a_read_problem(tmp_path: Path) -> None:
    (summary,) = summarize_paths([(str(tmp_path / "gone.py"), 10)], None)
    assert summary.problem is not None
    assert summary.problem.message.startswith(READ_ERROR)


def test_fork_failure_falls_back_to_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork(*args: object, **kwargs: object) -> None:
        raise OSError("no fork here")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_fork)
    jobs = _jobs(tmp_path, 3)
    assert summarize_paths(jobs, None, workers=2) == summarize_paths(jobs, None, workers=1)


def test_meanwhile_runs_while_workers_parse(tmp_path: Path) -> None:
    calls: list[int] = []
    jobs = _jobs(tmp_path, 10)
    summarize_paths(jobs, None, workers=2, meanwhile=lambda: calls.append(1))
    assert calls == [1]
    summarize_paths(jobs, None, workers=2, meanwhile=lambda: 1 / 0)  # never fatal
    summarize_paths(jobs, None, workers=1, meanwhile=lambda: calls.append(2))
    assert calls == [1]


def test_a_dying_worker_does_not_hang_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    jobs = _jobs(tmp_path, 6)
    parent = os.getpid()
    real = parallel._summarize_one

    def die_in_worker(path: str, size: int, feature_version: object) -> object:
        if os.getpid() != parent:
            os._exit(1)
        return real(path, size, feature_version)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_summarize_one", die_in_worker)
    summaries = summarize_paths(jobs, None, workers=2)
    assert [s.problem for s in summaries] == [None] * 6


def test_this_process_parses_too_while_the_workers_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two parsers in all: one forked worker and this process, taking chunks in turn;
    # this process's own summaries never cross a pipe.
    import os
    import time

    jobs = _jobs(tmp_path, 40)
    parent = os.getpid()
    here: list[str] = []
    real = parallel._summarize_one

    def slow_in_worker(path: str, size: int, feature_version: object) -> object:
        if os.getpid() == parent:
            here.append(path)
        else:
            time.sleep(0.01)
        return real(path, size, feature_version)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_summarize_one", slow_in_worker)
    summaries = summarize_paths(jobs, None, workers=2)
    assert 0 < len(here) < len(jobs)
    assert summaries == summarize_paths(jobs, None, workers=1)


def test_files_handed_over_during_the_walk_are_parsed_while_it_goes_on(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 100)
    with parallel.ParsePool(None, 2) as pool:
        for job in jobs[:70]:
            pool.add(job)
        assert pool._tasks  # the workers started before the walk ended
        # a file the walk found but the tree left out is not asked for
        summaries = pool.summaries(jobs[5:])
    assert summaries == summarize_paths(jobs[5:], None, workers=1)


def test_a_run_that_ends_before_parsing_stops_the_workers(tmp_path: Path) -> None:
    import time

    jobs = _jobs(tmp_path, 400)
    start = time.perf_counter()
    with parallel.ParsePool(None, 2) as pool:
        for job in jobs:
            pool.add(job)
    assert pool._executor is None
    assert time.perf_counter() - start < 30  # no hang waiting for work nobody wants


def test_a_cold_check_parses_during_the_walk_and_finds_the_same(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"src/sound/m{i}.py": f"from sound import m{(i + 1) % 80}\n" for i in range(80)}
    files["src/sound/__init__.py"] = "from sound.gone import X\n"
    root = make_project(files)
    added: list[object] = []
    real_add = parallel.ParsePool.add

    def counting(self: parallel.ParsePool, job: parallel.Job) -> None:
        added.append(job)
        real_add(self, job)

    monkeypatch.setattr(parallel.ParsePool, "add", counting)
    streamed = check([root], use_cache=False)
    assert len(added) == 81
    monkeypatch.setattr(parallel, "_parsers", lambda: 1)
    assert check([root], use_cache=False) == streamed


def test_a_check_that_fails_after_the_walk_leaves_no_worker_behind(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.errors import UsageError

    pools: list[parallel.ParsePool] = []
    real_add = parallel.ParsePool.add

    def remembered(self: parallel.ParsePool, job: parallel.Job) -> None:
        if self not in pools:
            pools.append(self)
        real_add(self, job)

    monkeypatch.setattr(parallel.ParsePool, "add", remembered)
    root = make_project({f"src/sound/m{i}.py": "X = 1\n" for i in range(90)})
    with pytest.raises(UsageError, match="no rule is selected"):
        check([root], use_cache=False, select=["PF1"], ignore=["PF1"])
    assert len(pools) == 1
    assert pools[0]._tasks == [] and pools[0]._executor is None  # closed, workers gone


def test_a_live_thread_keeps_parsing_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # forking a process that runs another thread can deadlock the child
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    jobs = _jobs(tmp_path, 100)
    with parallel.ParsePool(None, 2) as pool:
        for job in jobs:
            pool.add(job)
        assert not pool._tasks
        assert pool.summaries(jobs) == summarize_paths(jobs, None, workers=1)
    assert pool._given == set()
