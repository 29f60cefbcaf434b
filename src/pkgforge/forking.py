"""Helper processes forked to work beside the main one: when that is safe, and reaping.

``new`` forks two: one that loads and runs the final check
(:mod:`pkgforge.scaffold.checkahead`), one that asks the index about the name
(:mod:`pkgforge.availability`), each on another core and outside the main process's
GIL. Both fall back to working in-process where forking is not safe.
"""

from __future__ import annotations

import os
import sys
import time

__all__ = ["can_fork", "reaped"]


def can_fork() -> bool:
    """``fork`` is safe here: Linux (macOS frameworks may not survive it), and no other
    thread that could hold a lock the helper would need."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def reaped(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to end; True once it is reaped."""
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if done:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
