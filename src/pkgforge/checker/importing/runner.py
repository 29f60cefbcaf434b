"""Run import jobs in child interpreters: forked from warm parents, a few at a time.

One child per job: a module imported after another in the same process is not
fresh. Where the platform can fork, a *warm parent* (:mod:`._child` ``serve``)
starts once per starting state (nothing imported, or one top-level package
imported) and forks a child per job: the interpreter's start-up is paid once,
and a child forked from a parent that imported nothing of the package is as
fresh as a new interpreter. Elsewhere, or when a parent's warm-up left threads
running (forking them is unsafe), each job gets an interpreter of its own that
does the same warm-up first.

Whatever runs, the jobs see the environment the caller gives (an allow-list,
:func:`import_environment`), each in a working folder and ``HOME`` of its own
under a temporary folder; what a module prints goes to a log file, never to
pkgforge's output. A job has a timeout; a job that outlives it is killed with
everything it started (its own process group). When the run is interrupted
(Ctrl-C), no child outlives it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

__all__ = [
    "CHILD_SCRIPT",
    "Job",
    "JobResult",
    "RunSetup",
    "Status",
    "cpu_count",
    "import_environment",
    "run_jobs",
]

log = logging.getLogger("pkgforge")

CHILD_SCRIPT = Path(__file__).with_name("_child.py")
"""The script the child interpreters run (never imported by pkgforge)."""

_POSIX = os.name == "posix"
_GRACE = 30.0
"""Seconds past a job's timeout after which a warm parent that has not answered is stuck."""
_CAN_FORK = hasattr(os, "fork") and sys.platform != "darwin"
# On macOS, frameworks a module loads may abort in a forked child: one interpreter per job.

Status = Literal["done", "timeout", "crashed"]

# What the imports may see of pkgforge's environment: where programs are, the language
# and the time zone. No token, no TWINE_*/PIP_* setting, no PYTHONPATH.
_ALLOWED = ("PATH", "LANG", "LANGUAGE", "TZ")
_ALLOWED_WINDOWS = ("SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "NUMBER_OF_PROCESSORS")


def import_environment(home: Path, temp: Path) -> dict[str, str]:
    """The allow-listed environment the imports run in: PATH, locale and TZ from this
    process, ``HOME`` and the temporary folder pointed at the run's own folders."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name in _ALLOWED
        or name.startswith("LC_")
        or (os.name == "nt" and name in _ALLOWED_WINDOWS)
    }
    environ["HOME"] = os.fspath(home)
    for name in ("TMPDIR", "TEMP", "TMP"):
        environ[name] = os.fspath(temp)
    if os.name == "nt":
        environ["USERPROFILE"] = os.fspath(home)
    return environ


@dataclass(frozen=True)
class Job:
    """Import ``module`` (then ``from module import *`` with ``star``), or load an entry
    point (``module`` and its ``attrs``), in a child that starts after ``warm`` was
    imported (``("sound.effects",)``: after its package, which importing
    ``sound.effects.echo`` imports first in any case)."""

    module: str
    warm: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()
    star: bool = False
    report: bool = False
    """Report which of the package's modules are imported afterwards (reachability)."""


@dataclass(frozen=True)
class JobResult:
    job: Job
    status: Status
    record: Mapping[str, Any] = field(default_factory=dict)
    """The child's record (``done``): ``error``, ``star``, ``has_all``, ``loaded``,
    ``not_found``."""
    detail: str = ""
    """What happened to the interpreter (``timeout``, ``crashed``)."""
    printed: str = ""
    """The end of what the child printed."""

    @property
    def error(self) -> Mapping[str, Any] | None:
        error = self.record.get("error")
        return error if isinstance(error, Mapping) else None


@dataclass(frozen=True)
class RunSetup:
    """Where and how the children run."""

    executable: Path
    environ: Mapping[str, str]
    """The children's whole environment (see :func:`import_environment`)."""
    paths: tuple[Path, ...] = ()
    """First on ``sys.path``, as they are (a source tree's package roots)."""
    sites: tuple[Path, ...] = ()
    """First on ``sys.path`` after ``paths``, as site directories (``.pth`` files run)."""
    mounts: Mapping[str, Path] = field(default_factory=dict)
    """Modules and packages found where they are rather than by ``sys.path``."""
    report: tuple[str, ...] = ()
    """The package's top-level names: what ``loaded`` lists."""
    isolated: bool = False
    """Run with ``-I`` (a verification's clean environment; not a project's own, whose
    user site-packages may be part of it)."""
    timeout: float = 60.0
    workers: int = 1


def run_jobs(setup: RunSetup, jobs: Sequence[Job], *, fork: bool | None = None) -> list[JobResult]:
    """Run every job; a result per job, in order. ``fork`` None: fork where it is safe."""
    if not jobs:
        return []
    use_fork = _CAN_FORK if fork is None else fork and _CAN_FORK
    with tempfile.TemporaryDirectory(prefix="pkgforge-import-") as scratch_name:
        run = _Run(Path(scratch_name), setup, jobs)
        spawn = run.forked() if use_fork else list(range(len(jobs)))
        if spawn:
            run.spawned(spawn)
        return run.complete()


class _Run:
    def __init__(self, scratch: Path, setup: RunSetup, jobs: Sequence[Job]) -> None:
        self.scratch = scratch
        self.setup = setup
        self.jobs = jobs
        self.results: list[JobResult | None] = [None] * len(jobs)
        (scratch / "jobs").mkdir()
        self.home = scratch / "home"
        self.home.mkdir()
        self.cwd = scratch / "cwd"
        self.cwd.mkdir()
        self.environ = {**setup.environ, "HOME": os.fspath(self.home)}
        self.configs: dict[tuple[str, ...], Path] = {}
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen[bytes]] = set()
        self.stopped = threading.Event()

    def complete(self) -> list[JobResult]:
        """Jobs that never ran (an interrupted run) count as crashed."""
        return [
            r if r is not None else JobResult(self.jobs[i], "crashed", detail="not run")
            for i, r in enumerate(self.results)
        ]

    # -- what a child needs --------------------------------------------------------

    def command(self, *args: str) -> list[str]:
        flags = ["-I", "-B"] if self.setup.isolated else ["-B"]
        return [os.fspath(self.setup.executable), *flags, os.fspath(CHILD_SCRIPT), *args]

    def config(self, warm: tuple[str, ...]) -> Path:
        path = self.configs.get(warm)
        if path is None:
            path = self.scratch / f"config-{len(self.configs)}.json"
            payload = {
                "paths": [os.fspath(p) for p in self.setup.paths],
                "sites": [os.fspath(p) for p in self.setup.sites],
                "mounts": {k: os.fspath(v) for k, v in self.setup.mounts.items()},
                "warm": list(warm),
                "report": list(self.setup.report),
                "timeout": self.setup.timeout,
                "log": os.fspath(path.with_suffix(".log")),
                "cwd": os.fspath(self.cwd),
            }
            path.write_text(json.dumps(payload), encoding="utf-8")
            self.configs[warm] = path
        return path

    def job_payload(self, index: int) -> dict[str, Any]:
        job = self.jobs[index]
        folder = self.scratch / "jobs" / str(index)
        return {
            "id": index,
            "module": job.module,
            "attrs": list(job.attrs),
            "star": job.star,
            "report": job.report,
            "cwd": os.fspath(folder / "cwd"),
            "home": os.fspath(folder / "home"),
            "result": os.fspath(folder.with_suffix(".json")),
            "log": os.fspath(folder.with_suffix(".log")),
        }

    def finish(self, index: int, exit_status: int | None, *, timed_out: bool = False) -> None:
        """Read what the child left behind and record the job's result."""
        job = self.jobs[index]
        folder = self.scratch / "jobs" / str(index)
        printed = _read_tail(folder.with_suffix(".log"))
        if timed_out:
            result = JobResult(
                job,
                "timeout",
                detail=f"import did not finish within {self.setup.timeout:g} s",
                printed=printed,
            )
        else:
            record = _read_record(folder.with_suffix(".json"))
            if record is None or "internal" in record:
                detail = _crash(exit_status, printed)
                if record is not None:
                    detail = f"pkgforge's import child failed: {record['internal']}"
                result = JobResult(job, "crashed", detail=detail, printed=printed)
            else:
                result = JobResult(job, "done", record=record, printed=printed)
        if printed and log.isEnabledFor(logging.DEBUG):
            log.debug("importing %s printed: %s", job.module, printed)
        self.results[index] = result

    # -- forked from warm parents -----------------------------------------------------

    def forked(self) -> list[int]:
        """Run the jobs through warm parents; return the jobs left for :meth:`spawned`.

        A warm parent starts when its first job is due, at most one more than there are
        workers at a time, and leaves when its jobs are done. One whose warm-up fails
        hands its jobs to the parent of the package it imported (their imports then
        show the failure), down to the top-level package."""
        queues: dict[tuple[str, ...], deque[int]] = {}
        for index, job in enumerate(self.jobs):
            queues.setdefault(job.warm, deque()).append(index)
        left: list[int] = []
        servers: dict[tuple[str, ...], _Server] = {}
        finished: list[_Server] = []  # replaced by a new one for the same warm-up
        failed: set[tuple[str, ...]] = set()
        selector = selectors.DefaultSelector()
        running = 0
        try:
            while True:
                alive = sum(s.alive for s in servers.values())
                for warm, queue in list(queues.items()):
                    if not queue or warm in failed or alive > self.setup.workers:
                        continue
                    if warm not in servers or not servers[warm].alive:
                        if warm in servers:
                            finished.append(servers[warm])
                        servers[warm] = _Server(self, warm)
                        selector.register(servers[warm].answers, selectors.EVENT_READ, warm)
                        alive += 1
                if not alive:
                    break
                for warm, server in servers.items():
                    queue = queues[warm]
                    while server.ready and server.alive and queue and running < self.setup.workers:
                        server.send(self.job_payload(queue.popleft()))
                        running += 1
                    if server.ready and not queue and not server.running:
                        server.close()
                for server in servers.values():
                    if server.alive and server.overdue(self.setup.timeout + _GRACE):
                        # An answer that never came: the parent is stuck; its jobs run apart.
                        log.debug("the warm parent of %s stopped answering", server.warm)
                        _kill(server.process)
                for key, _ in selector.select(timeout=_GRACE):
                    server = servers[key.data]
                    for answer in server.read():
                        running -= self._answered(server, answer, queues, left, failed)
                    if not server.alive:
                        selector.unregister(server.answers)
                        running -= len(server.running)
                        self._ended(server, queues, left, failed)
        finally:
            selector.close()
            for server in [*finished, *servers.values()]:
                server.stop()
        return sorted(left)

    def _answered(
        self,
        server: _Server,
        answer: Mapping[str, Any],
        queues: dict[tuple[str, ...], deque[int]],
        left: list[int],
        failed: set[tuple[str, ...]],
    ) -> int:
        """Handle one answer of a warm parent; return how many jobs it finished."""
        queue = queues[server.warm]
        if "ready" in answer:
            if not answer["ready"]:
                failed.add(server.warm)
                self._hand_down(server.warm, queues)
            elif int(answer.get("threads", 1)) > 1:
                log.debug("the warm-up of %s left threads running: no forking", server.warm)
                left.extend(queue)
                queue.clear()
                server.close()
            else:
                server.ready = True
            return 0
        index = int(answer["id"])
        server.running.discard(index)
        self.finish(index, answer.get("status"), timed_out=bool(answer.get("timeout")))
        return 1

    @staticmethod
    def _hand_down(warm: tuple[str, ...], queues: dict[tuple[str, ...], deque[int]]) -> None:
        """A warm-up that failed: its jobs go to the warm parent of the package above, and
        from the top-level package to the parent that imported nothing. There each child
        imports what failed in the warm-up on its own way to its module, and fails as a
        user's first import would."""
        parent = warm[-1].rpartition(".")[0] if warm else ""
        queues.setdefault((parent,) if parent else (), deque()).extend(queues[warm])
        queues[warm].clear()

    def _ended(
        self,
        server: _Server,
        queues: dict[tuple[str, ...], deque[int]],
        left: list[int],
        failed: set[tuple[str, ...]],
    ) -> None:
        """A warm parent's output ended: the jobs it did not finish."""
        queue = queues[server.warm]
        if not server.ready and server.warm not in failed and queue:
            # Its warm-up killed it (a package that exits or crashes when imported).
            failed.add(server.warm)
            server.stop()
            log_file = self.config(server.warm).with_suffix(".log")
            detail = _crash(server.process.returncode, _read_tail(log_file))
            if server.warm:
                self._hand_down(server.warm, queues)
            else:
                for index in queue:
                    self.results[index] = JobResult(self.jobs[index], "crashed", detail=detail)
                queue.clear()
        else:
            left.extend(sorted(server.running))  # a parent that died: each job apart
            if not server.commands.closed:  # it died on its own: the rest apart too
                left.extend(queue)
                queue.clear()
        server.running.clear()

    # -- one interpreter per job ------------------------------------------------------

    def spawned(self, indexes: Sequence[int]) -> None:
        workers = max(1, min(self.setup.workers, len(indexes)))
        pool = ThreadPoolExecutor(workers, thread_name_prefix="pkgforge-import")
        try:
            list(pool.map(self._spawn_one, indexes))
        finally:
            self.stopped.set()
            with self.lock:
                for process in self.live:
                    _kill(process)
            pool.shutdown(wait=True, cancel_futures=True)

    def _spawn_one(self, index: int) -> None:
        if self.stopped.is_set():
            return
        job = self.jobs[index]
        payload = self.job_payload(index)
        job_file = self.scratch / "jobs" / f"{index}.job"
        job_file.write_text(json.dumps(payload), encoding="utf-8")
        command = self.command("run", os.fspath(self.config(job.warm)), os.fspath(job_file))
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self.cwd,
                env=self.environ,
                start_new_session=_POSIX,
            )
        except OSError as err:
            self.results[index] = JobResult(
                job, "crashed", detail=f"the interpreter did not start: {err.strerror or err}"
            )
            return
        with self.lock:
            self.live.add(process)
        try:
            if self.stopped.is_set():
                _kill(process)
            try:
                status = process.wait(self.setup.timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()
                self.finish(index, None, timed_out=True)
                return
        finally:
            with self.lock:
                self.live.discard(process)
        self.finish(index, status)


class _Server:
    """One warm parent and the jobs it runs."""

    def __init__(self, run: _Run, warm: tuple[str, ...]) -> None:
        self.warm = warm
        self.ready = False
        self.alive = True
        self.running: set[int] = set()
        self.sent: dict[int, float] = {}
        self._buffer = b""
        self.process = subprocess.Popen(
            run.command("serve", os.fspath(run.config(warm))),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=run.cwd,
            env=run.environ,
            start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.commands: IO[bytes] = self.process.stdin
        self.answers: IO[bytes] = self.process.stdout

    def send(self, payload: Mapping[str, Any]) -> None:
        self.running.add(int(payload["id"]))
        self.sent[int(payload["id"])] = time.monotonic()
        try:
            self.commands.write(json.dumps(payload).encode() + b"\n")
            self.commands.flush()
        except OSError:
            pass  # it died: its end of output says so

    def overdue(self, limit: float) -> bool:
        """A job it runs has had no answer for ``limit`` seconds (it enforces the timeout
        itself, so that never happens to a parent that works)."""
        now = time.monotonic()
        return any(now - self.sent[index] > limit for index in self.running)

    def read(self) -> Iterator[Mapping[str, Any]]:
        chunk = os.read(self.answers.fileno(), 65536)
        if not chunk:
            self.alive = False
            return
        self._buffer += chunk
        while b"\n" in self._buffer:
            line, _, self._buffer = self._buffer.partition(b"\n")
            with contextlib.suppress(ValueError):
                answer = json.loads(line)
                if isinstance(answer, dict):
                    yield answer

    def close(self) -> None:
        """No more jobs: it finishes and leaves (its end of output follows)."""
        if not self.commands.closed:
            with contextlib.suppress(OSError):
                self.commands.close()

    def stop(self) -> None:
        self.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill(self.process)
            self.process.wait()
        finally:
            with contextlib.suppress(OSError):
                self.answers.close()


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.returncode is not None:
        return
    try:
        if _POSIX:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _crash(status: int | None, printed: str) -> str:
    if status is not None and status < 0:
        try:
            why = f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            why = f"was killed by signal {-status}"
    elif status is not None:
        why = f"exited with status {status} before the import finished"
    else:
        why = "ended before the import finished"
    last = printed.strip().splitlines()[-1:] if printed.strip() else []
    return f"the interpreter {why}" + (f" ({last[0][:200]})" if last else "")


def _read_tail(path: Path, size: int = 2000) -> str:
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            stream.seek(max(0, stream.tell() - size))
            return stream.read().decode("utf-8", "replace")
    except OSError:
        return ""


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
