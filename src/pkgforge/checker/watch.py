"""``check --watch``: check again whenever a file of the checked projects changes.

The file watcher is watchfiles (Rust's ``notify``: inotify, FSEvents, ReadDirectoryChangesW),
imported only here. Changes are grouped: a batch is handed over once no new change has
come for :data:`QUIET_MS` (an editor's save is often several events: a temporary file,
a rename, a chmod), or after :data:`MAX_BATCH_MS` of steady changes. Each check is an
ordinary :func:`~pkgforge.checker.engine.check` with the cache, so a re-check after one
edit recomputes what that edit can have changed (:mod:`~pkgforge.checker.incremental`).
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.cache import CACHE_DIR_NAME
from pkgforge.checker.discover import find_root
from pkgforge.errors import PkgforgeError

if TYPE_CHECKING:
    import threading

    from pkgforge.checker.engine import CheckResult

__all__ = ["IDLE_MS", "MAX_BATCH_MS", "QUIET_MS", "WatchUpdate", "watch_roots", "watched"]

log = logging.getLogger("pkgforge")

QUIET_MS = 50
"""A batch of changes is checked once no change came for this long."""
MAX_BATCH_MS = 1600
"""... or after this long, if changes keep coming."""
IDLE_MS = 200
"""How long the watcher waits for a change before it hands back control (to start the
watch before the first check; then the wait simply starts again)."""


@dataclass(frozen=True)
class WatchUpdate:
    """One check of the watch: its result, or the error that stopped it (a broken
    configuration: the watch goes on, and the next change checks again)."""

    changed: tuple[str, ...]
    """The paths whose change started this check; () for the first one."""
    result: CheckResult | None
    error: PkgforgeError | None = None


def watch_roots(paths: Sequence[str | os.PathLike[str]]) -> tuple[Path, ...]:
    """The project folders to watch for ``paths`` (each PATH's project, once)."""
    roots: dict[Path, None] = {}
    for path in paths or (".",):
        root, _ = find_root(path)
        roots.setdefault(root, None)
    return tuple(roots)


def watched(
    paths: Sequence[str | os.PathLike[str]],
    run: Callable[[], CheckResult],
    *,
    stop: threading.Event | None = None,
) -> Generator[WatchUpdate, None, None]:
    """Check now (``run``), then again after each batch of changes under the projects of
    ``paths``, until ``stop`` is set (or Ctrl-C: KeyboardInterrupt)."""
    roots = watch_roots(paths)
    import watchfiles

    changes = watchfiles.watch(
        *roots,
        watch_filter=_filter(watchfiles),
        debounce=MAX_BATCH_MS,
        step=QUIET_MS,
        stop_event=stop,
        rust_timeout=IDLE_MS,
        yield_on_timeout=True,
        raise_interrupt=True,
    )
    # Watching starts now, before the first check: a change made while it runs is seen.
    # (The first step returns after IDLE_MS at most; what it saw, the first check sees.)
    if next(changes, None) is None:
        return
    yield _checked((), run)
    for batch in changes:
        if not batch:
            continue  # IDLE_MS without a change
        changed = tuple(sorted({path for _, path in batch}))
        log.debug("changed: %s", ", ".join(changed))
        yield _checked(changed, run)


def _checked(changed: tuple[str, ...], run: Callable[[], CheckResult]) -> WatchUpdate:
    try:
        update = WatchUpdate(changed, run())
    except PkgforgeError as err:
        update = WatchUpdate(changed, None, err)
    # A watch lives long: what the check left behind is freed now (the console script
    # keeps the cyclic collector off for one-shot runs).
    gc.collect()
    return update


def _filter(watchfiles: Any) -> Any:
    """watchfiles' default filter (VCS folders, __pycache__, editors' swap and backup
    files), and pkgforge's own cache, which every check writes."""

    class Filter(watchfiles.DefaultFilter):  # type: ignore[misc]
        ignore_dirs = (*watchfiles.DefaultFilter.ignore_dirs, CACHE_DIR_NAME)

    return Filter()
