"""Runs in the interpreter being verified: imports modules and reports what happened.

This file is never imported by pkgforge: :mod:`.runner` starts it as a script with
the interpreter of the environment under test, which may be an older Python than
pkgforge's own, so it keeps to what Python 3.6 understands (no ``from __future__``
imports, quoted annotations) and to the standard library.

Two ways to run, with the same jobs and the same records:

``serve CONFIG`` (POSIX)
    A warm parent. It sets ``sys.path`` up, imports the modules of ``warm`` (none,
    or a top-level package), answers ``ready`` on its stdout and then reads one job
    per line on stdin; for each it forks a child that runs the job and exits. A
    forked child shares nothing with another, so each import is as fresh as in a
    new interpreter, without paying the interpreter's start-up per module. The
    parent enforces each job's timeout (killing the child's process group) and
    answers ``done`` per job. End of input: it kills what still runs and leaves.

``run CONFIG JOB``
    One job in a fresh interpreter of its own (where there is no fork, or forking the
    warm parent is unsafe): importing the job's module imports its packages first in
    any case.

A job's child runs in its own working folder with its own ``HOME``, stdin closed
and stdout/stderr sent to a log file, and writes its record (JSON) to a file
before it leaves through ``os._exit``, so that a thread or ``atexit`` hook the
module left behind cannot hang it.
"""

import importlib
import json
import os
import sys

_RESULT_PARTS = 200


def describe(err: BaseException) -> "dict[str, object]":
    """What a failure was: its type, message, frames and the chain of its causes."""
    import traceback

    record = _exception(err)
    record["frames"] = [
        [f.filename, f.lineno or 0, f.name, (f.line or "")[:200]]
        for f in traceback.extract_tb(err.__traceback__)
        if f.filename != __file__
    ][-_RESULT_PARTS:]
    causes = []  # type: list[dict[str, object]]
    seen = {id(err)}
    cause = err.__cause__ or err.__context__
    while cause is not None and id(cause) not in seen and len(causes) < 5:
        seen.add(id(cause))
        causes.append(_exception(cause))
        cause = cause.__cause__ or cause.__context__
    record["causes"] = causes
    return record


def _exception(err: BaseException) -> "dict[str, object]":
    try:
        message = str(err)
    except Exception:
        message = "<unprintable>"
    kind = type(err)
    name = kind.__qualname__
    if kind.__module__ not in ("builtins", "__main__"):
        name = kind.__module__ + "." + name
    record = {
        "type": name,
        "bases": [c.__name__ for c in kind.__mro__],
        "message": message[:2000],
    }  # type: dict[str, object]
    if isinstance(err, ImportError):
        # The import system names the module; `raise ImportError("needs x")` does not.
        record["name"] = err.name or ""
        record["not_found"] = isinstance(err, ModuleNotFoundError)
    if isinstance(err, NameError):
        record["unbound"] = getattr(err, "name", None) or _quoted(message)
    if isinstance(err, SyntaxError):
        record["syntax"] = [err.filename or "", err.lineno or 0]
    return record


def _quoted(message: str) -> str:
    """``name 'x' is not defined`` -> ``x`` (NameError.name exists from Python 3.10)."""
    start = message.find("'")
    end = message.find("'", start + 1)
    return message[start + 1 : end] if 0 <= start < end else ""


class _NotFound:
    """Last on ``sys.meta_path``: asked only for modules no other finder has, so it
    records what the import system could not find (a guarded optional import that
    failed leaves its name here even when the module went on)."""

    def __init__(self) -> None:
        self.names = []  # type: list[str]

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if len(self.names) < 50:
            self.names.append(name)


def setup(config: "dict[str, object]") -> None:
    """``sys.path`` as the configuration says: nothing of this script's own, the
    ``sites`` first (their ``.pth`` files processed, as site-packages' are), the
    ``paths`` before them, and ``mounts`` found where they are."""
    # Setting up the import path of the interpreter under test is this script's job.
    own = {"", os.getcwd(), os.path.dirname(os.path.realpath(__file__))}
    kept = [p for p in sys.path if p not in own and os.path.realpath(p) not in own]
    sys.path[:] = kept  # pkgforge: ignore[PF409]
    sites = list(config.get("sites") or [])  # type: ignore[call-overload]
    if sites:
        import site

        for directory in sites:
            site.addsitedir(directory)
        # site.addsitedir appends; an installed wheel's files come before the rest.
        sys.path[:] = sites + [p for p in sys.path if p not in sites]  # pkgforge: ignore[PF409]
    sys.path[:0] = list(config.get("paths") or [])  # type: ignore[call-overload]  # pkgforge: ignore[PF409]
    mounts = config.get("mounts") or {}
    if mounts:
        sys.meta_path.insert(0, _mount_finder(mounts))  # type: ignore[arg-type]
    sys.argv[:] = [""]


def _mount_finder(mounts: "dict[str, str]") -> object:
    import importlib.abc
    import importlib.machinery
    import importlib.util

    class Mounts(importlib.abc.MetaPathFinder):
        def find_spec(
            self, name: str, path: object = None, target: object = None
        ) -> "importlib.machinery.ModuleSpec | None":
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

    return Mounts()


def warm_up(config: "dict[str, object]") -> "dict[str, object]":
    """Import the ``warm`` modules (a top-level package): the state every job starts from."""
    answer = {"ready": True}  # type: dict[str, object]
    for name in config.get("warm") or []:  # type: ignore[attr-defined]
        try:
            importlib.import_module(name)
        except BaseException as err:
            answer["ready"] = False
            answer["error"] = describe(err)
            break
    answer["loaded"] = loaded(config)
    # Forking a process that runs threads is unsafe: pkgforge then starts one
    # interpreter per job instead.
    threading = sys.modules.get("threading")
    answer["threads"] = threading.active_count() if threading is not None else 1
    return answer


def loaded(config: "dict[str, object]") -> "list[str]":
    """The package's modules that are imported now (what an import reached)."""
    tops = set(config.get("report") or [])  # type: ignore[call-overload]
    return sorted(n for n in list(sys.modules) if n.partition(".")[0] in tops)


def run_job(config: "dict[str, object]", job: "dict[str, object]") -> "dict[str, object]":
    """Run one job here: import a module (and star-import it), or load an entry point."""
    not_found = _NotFound()
    sys.meta_path.append(not_found)
    result = {}  # type: dict[str, object]
    module_name = str(job["module"])
    try:
        module = importlib.import_module(module_name)
        target = module  # type: object
        for attribute in job.get("attrs") or []:  # type: ignore[attr-defined]
            target = getattr(target, attribute)
    except BaseException as err:
        result["error"] = describe(err)
    else:
        if job.get("star"):
            try:
                has_all = "__all__" in vars(module)
            except TypeError:  # not a module: something replaced it in sys.modules
                has_all = hasattr(module, "__all__")
            if has_all:
                result["has_all"] = True
                try:
                    exec("from {} import *".format(module_name), {})
                except BaseException as err:
                    result["star"] = describe(err)
    if job.get("report"):
        result["loaded"] = loaded(config)
    result["not_found"] = not_found.names
    return result


def write(path: str, record: "dict[str, object]") -> None:
    temporary = path + ".part"
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(record, stream)
    os.replace(temporary, path)


def enter(job: "dict[str, object]") -> None:
    """The job's own folder, HOME, stdin and log: what a module writes stays there."""
    os.makedirs(str(job["cwd"]), exist_ok=True)
    os.makedirs(str(job["home"]), exist_ok=True)
    os.chdir(str(job["cwd"]))
    os.environ["HOME"] = str(job["home"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    log = os.open(str(job["log"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A log file, not a terminal: an encoding error there would be a failure
            # no user of the module sees.
            reconfigure(encoding="utf-8", errors="backslashreplace")


def finish(job: "dict[str, object]", config: "dict[str, object]") -> None:
    try:
        record = run_job(config, job)
    except BaseException as err:  # pkgforge's own failure, reported as a crash
        record = {"internal": repr(err)}
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    write(str(job["result"]), record)


# -- one job in this process ------------------------------------------------------


def run_one(config_path: str, job_path: str) -> None:
    with open(config_path, encoding="utf-8") as stream:
        config = json.load(stream)
    with open(job_path, encoding="utf-8") as stream:
        job = json.load(stream)
    enter(job)
    setup(config)
    finish(job, config)


# -- the fork server --------------------------------------------------------------


def serve(config_path: str) -> None:
    import select
    import signal
    import time

    with open(config_path, encoding="utf-8") as stream:
        config = json.load(stream)
    # Answers go to the stdout pkgforge reads; whatever the warm-up prints goes to a log.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    log = os.open(config["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.chdir(config["cwd"])

    def say(message: "dict[str, object]") -> None:
        try:
            answers.write(json.dumps(message) + "\n")
            answers.flush()
        except OSError:  # pkgforge went away: end of input follows
            pass

    setup(config)
    answer = warm_up(config)
    say(answer)
    if not answer["ready"]:
        return
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda number, frame: None)
    stdin_fd = 0
    pending = b""
    running = {}  # type: dict[int, tuple[int, float]]
    timeout = float(config["timeout"])
    finished = False
    try:
        while not finished or running:
            wait = None  # type: float | None
            deadlines = [d for _, d in running.values() if d != float("inf")]
            if deadlines:
                wait = max(0.0, min(deadlines) - time.monotonic())
            watched = [wake_read] + ([] if finished else [stdin_fd])
            try:
                ready, _, _ = select.select(watched, [], [], wait)
            except InterruptedError:
                ready = []
            if wake_read in ready:
                try:
                    while os.read(wake_read, 512):
                        pass
                except BlockingIOError:
                    pass
            if stdin_fd in ready:
                chunk = os.read(stdin_fd, 65536)
                if not chunk:
                    finished = True
                    for pid in list(running):
                        _kill(pid)
                pending += chunk
                while b"\n" in pending:
                    line, _, pending = pending.partition(b"\n")
                    if line.strip():
                        job = json.loads(line.decode("utf-8"))
                        pid = _fork(job, config, (wake_read, wake_write, answers.fileno()))
                        running[pid] = (int(job["id"]), time.monotonic() + timeout)
            now = time.monotonic()
            for pid, (ident, deadline) in list(running.items()):
                if deadline <= now:
                    _kill(pid)
                    running[pid] = (ident, float("inf"))
                    say({"id": ident, "timeout": True})
            while running:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                ident, deadline = running.pop(pid, (-1, 0.0))
                if ident >= 0 and deadline != float("inf"):
                    say({"id": ident, "status": _exit_status(status)})
    finally:
        for pid in list(running):
            _kill(pid)


def _fork(job: "dict[str, object]", config: "dict[str, object]", close: "tuple[int, ...]") -> int:
    import signal

    pid = os.fork()
    if pid:
        try:
            os.setpgid(pid, pid)  # here as well as in the child: whichever runs first
        except OSError:
            pass
        return pid
    try:
        os.setpgid(0, 0)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in close:
            os.close(fd)
        enter(job)
        finish(job, config)
    finally:
        os._exit(0)


def _kill(pid: int) -> None:
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)  # the child and whatever it started
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # already gone


def _exit_status(status: int) -> int:
    """Like subprocess's returncode: the exit code, or minus the signal that killed it."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        run_one(sys.argv[2], sys.argv[3])
    sys.stdout.flush()
    os._exit(0)
