"""The final check of ``new``, prepared in a helper process while the template renders.

Most of that check's cost is loading the checker (the rule families, the project
model, packaging's parsers, PF501's validator), not checking a fresh project. A
helper process forked when ``new`` starts does that loading on another core while
cookiecutter renders; when the project is in place it runs the same
:func:`~pkgforge.scaffold.validate.check_project` on it, every rule included, and
sends the findings back with the log records and warnings the check produced.

The helper is an optimisation, never a behaviour: if it cannot start (no ``fork``,
as on Windows and macOS, or other threads running), dies, or its check raises, the
check runs here as it always did, so an error surfaces exactly as before. It never
writes to the project, never prints, and has its own session: a terminal's Ctrl-C
reaches only this process, which stops the helper and reaps it before going on.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Self

from pkgforge.forking import can_fork as _can_fork
from pkgforge.forking import reaped as _reaped

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

    from pkgforge.checker.findings import Finding

__all__ = ["CheckAhead", "warm_up"]

log = logging.getLogger("pkgforge")

_STOP_WAIT = 5.0
_FAILED = pickle.dumps(("failed",))


class CheckAhead:
    """A context manager around the helper; :meth:`check` returns its findings, or None
    when the caller must check in-process (no helper, or the helper failed)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._pid: int | None = None
        self._request: int | None = None  # we write the project folder here
        self._reply: int | None = None  # and read the helper's reply here

    def __enter__(self) -> Self:
        if self.enabled and _can_fork():
            self._start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _start(self) -> None:
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        try:
            pid = os.fork()
        except OSError as err:
            log.debug("no helper process for the check (%s)", err)
            for fd in (request_r, request_w, reply_r, reply_w):
                os.close(fd)
            return
        if pid == 0:  # the helper
            try:
                os.close(request_w)
                os.close(reply_r)
                _serve(request_r, reply_w)
            finally:
                os._exit(0)
        os.close(request_r)
        os.close(reply_w)
        self._pid, self._request, self._reply = pid, request_w, reply_r

    def check(self, project_dir: Path) -> tuple[Finding, ...] | None:
        """The helper's findings on ``project_dir``; None if it has none to give."""
        if self._pid is None or self._request is None or self._reply is None:
            return None
        replied = False
        try:
            with os.fdopen(self._request, "wb") as request:
                self._request = None
                pickle.dump(project_dir, request)
            with os.fdopen(self._reply, "rb") as answer:
                self._reply = None
                reply = pickle.load(answer)
            replied = True
        except Exception as err:  # noqa: BLE001 - a helper that failed is no helper
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
        for fd in (self._request, self._reply):
            if fd is not None:
                with suppress(OSError):
                    os.close(fd)
        self._request = self._reply = None
        pid, self._pid = self._pid, None
        if pid is None:
            return
        if not replied or not _reaped(pid, _STOP_WAIT):
            # SIGTERM first: the helper's finally blocks run (say, a half-written cache
            # of PF501's validator is removed); SIGKILL if it does not end in time.
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            if not _reaped(pid, _STOP_WAIT):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                with suppress(ChildProcessError):
                    os.waitpid(pid, 0)


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
    the build readers, packaging's parsers and PF501's validator (generated into the
    user cache if missing).

    ``tests/scaffold/test_checkahead.py`` checks that checking a new project after this
    imports nothing more.
    """
    import importlib

    from pkgforge.checker.engine import requires_python_floor
    from pkgforge.checker.pyproject_schema import schema_errors
    from pkgforge.checker.rules import load_rules

    for name in _USED_BY_THE_CHECK:
        importlib.import_module(name)
    load_rules()
    requires_python_floor(">=3")
    schema_errors({})


# Imported by the engine inside its functions.
_USED_BY_THE_CHECK = (
    "tomllib",
    "pkgforge.checker.backends.facts",
    "pkgforge.checker.backends.setuptools.extensions",
    "pkgforge.checker.backends.setuptools.wheel",
    "pkgforge.checker.parallel",
    "pkgforge.checker.suppressions",
    "pkgforge.scaffold.validate",
)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments may not pickle, and the text is what is shown.
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = record.stack_info = None
        self.records.append(record)


def _serve(request: int, reply_to: int) -> None:
    """The helper's side: warm up, read one project folder, check it, send the reply.

    Any failure sends a reply that makes the caller check in-process (where the same
    failure raises as it always did).
    """
    import warnings

    os.setsid()  # out of the terminal's process group: Ctrl-C is the caller's to handle
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    # Only the reply goes to the caller: anything printed here goes nowhere.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    reply = _FAILED
    try:
        with suppress(Exception):  # the check itself will meet it, or not
            warm_up()
        try:
            with os.fdopen(request, "rb") as f:
                project_dir = pickle.load(f)
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
    with suppress(OSError), os.fdopen(reply_to, "wb") as f:
        f.write(reply)


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
