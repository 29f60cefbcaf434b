"""Import modules, each in a fresh interpreter process, a few at a time.

One child per module: a module imported after another in the same process is not
fresh (the first may leave state that makes the second pass or fail). Each child
runs with ``-B`` (no bytecode written into the project) from an empty temporary
directory, with stdin closed and its own process group, so that a timeout kills
whatever the module started too. Its stdout and stderr go to a log file, so what
a module prints cannot reach pkgforge's output; the verdict goes to a separate
result file, written before the child leaves through ``os._exit`` so that a thread
or ``atexit`` hook the module left behind cannot hang it. When the run is
interrupted (Ctrl-C), every child still running is killed.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FailureKind", "Verdict", "cpu_count", "import_each"]

log = logging.getLogger("pkgforge")

_POSIX = os.name == "posix"


class FailureKind(enum.StrEnum):
    RAISED = "raised"
    """The import raised (any BaseException, SystemExit included)."""
    TIMEOUT = "timeout"
    """The import did not finish in time."""
    CRASHED = "crashed"
    """The interpreter died without a verdict (a signal, ``os._exit``)."""


# Runs in the project's interpreter, which may be older than pkgforge's Python:
# keep to syntax Python 3.6 understands.
_CHILD = r"""
import importlib, importlib.abc, importlib.machinery, importlib.util
import json, os, sys, traceback


def describe(err):
    frames = [
        [f.filename, f.lineno or 0, (f.line or "")[:200]]
        for f in traceback.extract_tb(err.__traceback__)
        if f.filename != __file__
    ]
    try:
        message = str(err)
    except Exception:
        message = "<unprintable>"
    kind = type(err)
    name = kind.__qualname__
    if kind.__module__ not in ("builtins", "__main__"):
        name = kind.__module__ + "." + name
    result = {"type": name, "message": message[:2000], "frames": frames[-200:]}
    result["import_error"] = isinstance(err, ImportError)
    # The import system names the module; `raise ImportError("needs x")` does not.
    result["explicit"] = isinstance(err, ImportError) and not err.name
    # The module an ImportError is about; for `raise ImportError("install x") from e`,
    # the one its cause is about.
    cause, seen = err, 0
    while isinstance(cause, ImportError) and seen < 5:
        if cause.name:
            result["missing"] = cause.name
            result["not_found"] = isinstance(cause, ModuleNotFoundError)
            break
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    if isinstance(err, SyntaxError):
        result["syntax"] = [err.filename or "", err.lineno or 0]
    return result


def main():
    module, result_path, config_path = sys.argv[1:4]
    with open(config_path, encoding="utf-8") as stream:
        config = json.load(stream)
    # Nothing of the child's own: not its directory (sys.path[0]), not the cwd.
    own = {"", os.getcwd(), os.path.dirname(os.path.realpath(__file__))}
    sys.path[:] = [p for p in sys.path if p not in own and os.path.realpath(p) not in own]
    sys.path[:0] = config["paths"]
    mounts = config["mounts"]
    if mounts:

        class Mounts(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                where = mounts.get(name)
                if where is None:
                    return None
                if not os.path.isdir(where):
                    return importlib.util.spec_from_file_location(name, where)
                init = os.path.join(where, "__init__.py")
                if os.path.isfile(init):
                    return importlib.util.spec_from_file_location(
                        name, init, submodule_search_locations=[where]
                    )
                spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
                spec.submodule_search_locations = [where]
                return spec

        sys.meta_path.insert(0, Mounts())
    sys.argv[:] = [""]
    result = {}
    try:
        importlib.import_module(module)
    except BaseException as err:
        result = describe(err)
    temporary = result_path + ".part"
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(result, stream)
    os.replace(temporary, result_path)


main()
os._exit(0)
"""


def import_each(
    executable: Path,
    modules: Sequence[str],
    *,
    paths: Sequence[Path],
    mounts: Mapping[str, Path],
    timeout: float,
    workers: int,
) -> list[Verdict | None]:
    """Import each of ``modules`` in its own ``executable`` process, ``paths`` first on
    ``sys.path`` and ``mounts`` (name -> directory or file) found where they are; a
    verdict per module, None for one that imported."""
    with tempfile.TemporaryDirectory(prefix="pkgforge-import-") as scratch:
        runner = _Runner(Path(scratch), executable, paths, mounts, timeout)
        return runner.run(modules, workers)


@dataclass(frozen=True)
class Verdict:
    """How one child's import failed."""

    kind: FailureKind
    record: Mapping[str, Any]
    """The child's description of the exception (RAISED)."""
    detail: str = ""
    """What happened to the interpreter (TIMEOUT, CRASHED)."""


class _Runner:
    """Starts one child per module and kills them all when the run is interrupted."""

    def __init__(
        self,
        scratch: Path,
        executable: Path,
        paths: Sequence[Path],
        mounts: Mapping[str, Path],
        timeout: float,
    ) -> None:
        self.scratch = scratch
        self.executable = executable
        self.timeout = timeout
        self.cwd = scratch / "cwd"
        self.cwd.mkdir()
        # A file rather than `-c`, so that `ps` shows which module a child imports.
        self.script = scratch / "pkgforge_import.py"
        self.script.write_text(_CHILD, encoding="utf-8")
        self.config = scratch / "config.json"
        self.config.write_text(
            json.dumps(
                {
                    "paths": [os.fspath(p) for p in paths],
                    "mounts": {k: os.fspath(v) for k, v in mounts.items()},
                }
            ),
            encoding="utf-8",
        )
        self.env = dict(os.environ)
        # What a module prints goes to a log file, not a terminal: an encoding error
        # there would be a failure that no user of the module sees.
        self.env["PYTHONIOENCODING"] = "utf-8:backslashreplace"
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen[bytes]] = set()
        self.stopped = threading.Event()

    def run(self, modules: Sequence[str], workers: int) -> list[Verdict | None]:
        pool = ThreadPoolExecutor(workers, thread_name_prefix="pkgforge-import")
        try:
            return list(pool.map(self._one, range(len(modules)), modules))
        finally:
            # Interrupted (Ctrl-C) or not: no child outlives the run.
            self.stopped.set()
            with self.lock:
                for process in self.live:
                    _kill(process)
            pool.shutdown(wait=True, cancel_futures=True)

    def _one(self, index: int, module: str) -> Verdict | None:
        if self.stopped.is_set():
            return None
        result = self.scratch / f"{index}.json"
        output = self.scratch / f"{index}.log"
        command = [
            os.fspath(self.executable),
            "-B",
            os.fspath(self.script),
            module,
            os.fspath(result),
            os.fspath(self.config),
        ]
        try:
            with output.open("wb") as sink:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    cwd=self.cwd,
                    env=self.env,
                    # its own process group, so a timeout kills what the module started too
                    start_new_session=_POSIX,
                )
        except OSError as err:
            return Verdict(
                FailureKind.CRASHED, {}, f"the interpreter did not start: {err.strerror or err}"
            )
        with self.lock:
            self.live.add(process)
        try:
            if self.stopped.is_set():
                _kill(process)
            try:
                status = process.wait(self.timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()
                return Verdict(
                    FailureKind.TIMEOUT, {}, f"import did not finish within {self.timeout:g} s"
                )
        finally:
            with self.lock:
                self.live.discard(process)
        printed = _read_tail(output)
        if printed:
            log.debug("importing %s printed: %s", module, printed)
        try:
            record = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Verdict(FailureKind.CRASHED, {}, _crash(status, printed))
        if not isinstance(record, dict):
            return Verdict(FailureKind.CRASHED, {}, _crash(status, printed))
        return Verdict(FailureKind.RAISED, record) if record else None


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


def _crash(status: int, printed: str) -> str:
    if status < 0:
        try:
            why = f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            why = f"was killed by signal {-status}"
    else:
        why = f"exited with status {status} before the import finished"
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
