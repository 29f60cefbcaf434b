"""Run one piece of work in a forked child while this process does another.

After parsing, the rules run on one CPU while the others sit idle; the import-cycle
simulation (PF411) alone is about half of the rules' time on a large project. A forked
child inherits the whole model for free (copy-on-write), runs its share, and sends back
only its result, pickled. Anything that goes wrong in the child (no ``fork``, a crash,
a result that does not unpickle) makes the caller do that work itself: never a wrong
or missing answer, at worst no gain.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Beside"]

log = logging.getLogger("pkgforge")

T = TypeVar("T")


class Beside(Generic[T]):
    """``work()`` started in a forked child; :meth:`result` waits for its value.

    Without ``fork``, or with other threads running (forking them can deadlock the
    child), the work runs in this process when :meth:`result` is called.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid = 0
        self._reader = -1
        if sys.platform != "linux" or threading.active_count() > 1:
            return
        try:
            reader, writer = os.pipe()
            pid = os.fork()
        except OSError as err:
            log.debug("no child for %s: %s", work, err)
            return
        if pid == 0:  # the child: never returns
            os.close(reader)
            _serve(work, writer)
        os.close(writer)
        self._pid, self._reader = pid, reader

    def result(self) -> T:
        if not self._pid:
            return self._work()
        chunks = []
        try:
            with os.fdopen(self._reader, "rb") as stream:
                while chunk := stream.read(1 << 20):
                    chunks.append(chunk)
        finally:
            _, status = os.waitpid(self._pid, 0)
        if status == 0 and chunks:
            try:
                value: T = pickle.loads(b"".join(chunks))  # our own child wrote it
            except Exception as err:  # noqa: BLE001 - then do the work here
                log.debug("the child's result did not unpickle: %s", err)
            else:
                return value
        log.debug("the child doing %s failed (status %d); doing it here", self._work, status)
        return self._work()


def _serve(work: Callable[[], object], writer: int) -> None:
    """In the child: do the work, send the pickled value, and leave without cleaning up
    what belongs to the parent (no atexit, no flushing of inherited buffers)."""
    status = 1
    try:
        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as stream:
            stream.write(data)
        status = 0
    finally:
        # Whatever happened (an exception, Ctrl-C), the parent does the work itself.
        os._exit(status)
