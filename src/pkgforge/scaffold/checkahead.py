"""The final check of ``new``, prepared in a helper process while the template renders.

Most of that check's cost is loading the checker (the rule families, the project
model, packaging's parsers, PF501's validator), not checking a fresh project. A
helper Python started when ``new`` starts does that loading on another core while
cookiecutter renders; when the project is in place it runs the same
:func:`~pkgforge.scaffold.validate.check_project` on it, every rule included, and
sends the findings back with the log records and warnings the check produced.

The helper is an optimisation, never a behaviour: if it cannot start, dies, or its
check raises, the check runs here as it always did, so an error surfaces exactly as
before. It never writes to the project; Ctrl-C reaches only this process (the helper
has its own session), which stops the helper and waits for it before going on.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

    from pkgforge.checker.findings import Finding

__all__ = ["CheckAhead", "warm_up"]

log = logging.getLogger("pkgforge")

# Run by the helper: the same module search path as ours first, then serve one check.
_BOOT = (
    "import pickle, sys\n"
    "sys.path[:] = pickle.load(sys.stdin.buffer)\n"
    "from pkgforge.scaffold.checkahead import _serve\n"
    "_serve()\n"
)
_STOP_WAIT = 5.0
_FAILED = pickle.dumps(("failed",))


class CheckAhead:
    """A context manager around the helper; :meth:`check` returns its findings, or None
    when the caller must check in-process (no helper, or the helper failed)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CheckAhead:
        if self.enabled and sys.executable and not getattr(sys, "frozen", False):
            self._proc = _start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def check(self, project_dir: Path) -> tuple[Finding, ...] | None:
        """The helper's findings on ``project_dir``; None if it has none to give."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            return None
        replied = False
        try:
            pickle.dump(project_dir, proc.stdin)
            proc.stdin.close()
            reply = pickle.load(proc.stdout)
            replied = True
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as err:
            log.debug("the check's helper process failed (%s); checking here", err)
            return None
        finally:
            self._stop(replied=replied)
        if not (isinstance(reply, tuple) and len(reply) == 4 and reply[0] == "ok"):
            log.debug("the check's helper process could not check; checking here")
            return None
        _, findings, records, caught = reply
        _replay(records, caught)
        return tuple(findings)

    def _stop(self, *, replied: bool = False) -> None:
        """End the helper (if it still runs) and reap it: no zombie, nothing left."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        if replied:
            try:
                proc.wait(_STOP_WAIT)  # it exits as soon as it has replied
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            # SIGTERM first: the helper's finally blocks run (say, a half-written cache
            # of PF501's validator is removed); SIGKILL if it does not end in time.
            proc.terminate()
            try:
                proc.wait(_STOP_WAIT)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait()


def _start() -> subprocess.Popen[bytes] | None:
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Its own session: a terminal's Ctrl-C goes to this process only, which
            # stops the helper itself.
            start_new_session=True,
        )
    except (OSError, ValueError) as err:
        log.debug("no helper process for the check (%s)", err)
        return None
    assert proc.stdin is not None
    try:
        pickle.dump(list(sys.path), proc.stdin)
        proc.stdin.flush()
    except OSError:
        proc.kill()
        proc.wait()
        return None
    return proc


def _replay(records: list[logging.LogRecord], caught: list[tuple[Any, ...]]) -> None:
    """Emit the helper's log records and warnings here, as the check would have."""
    import warnings

    for record in records:
        if log.isEnabledFor(record.levelno):
            log.handle(record)
    for message, category, filename, lineno in caught:
        warnings.warn_explicit(message, category, filename, lineno)


def warm_up() -> None:
    """Import what the final check of a new project uses: the engine, every rule family,
    packaging's parsers and PF501's validator (generated into the user cache if missing).

    ``tests/scaffold/test_checkahead.py`` checks that checking a new project after this
    imports nothing more.
    """
    from pkgforge.checker.engine import requires_python_floor
    from pkgforge.checker.pyproject_schema import schema_errors
    from pkgforge.checker.rules import load_rules

    load_rules()
    requires_python_floor(">=3")
    schema_errors({})


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments may not pickle, and the text is what is shown.
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = record.stack_info = None
        self.records.append(record)


def _serve() -> None:
    """The helper's side: warm up, read one project folder, check it, send the reply.

    Any failure sends a reply that makes the caller check in-process (where the same
    failure raises as it always did).
    """
    import signal
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    # Only the reply goes to the caller: anything else printed goes nowhere.
    reply_to: IO[bytes] = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    reply = _FAILED
    try:
        try:
            warm_up()
        except Exception:  # noqa: BLE001, S110 - the check itself will meet it, or not
            pass
        try:
            project_dir = pickle.load(sys.stdin.buffer)
        except EOFError:  # the caller needs no check (an error, or Ctrl-C)
            return
        collect = _Collect()
        logger = logging.getLogger("pkgforge")
        logger.handlers[:] = [collect]
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        from pkgforge.scaffold.validate import check_project

        with warnings.catch_warnings(record=True) as caught:
            findings = check_project(project_dir)
        shown = [(w.message, w.category, w.filename, w.lineno) for w in caught]
        # Pickled whole before writing: a failure here is a "failed" reply, not half of one.
        reply = pickle.dumps(("ok", findings, collect.records, shown))
    except Exception:  # noqa: BLE001 - reported as "failed": the caller re-runs the check
        reply = _FAILED
    try:
        reply_to.write(reply)
        reply_to.flush()
    except OSError:
        pass
    finally:
        # At once: the caller waits for this exit, and there is nothing left to tidy.
        os._exit(0)


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
