"""The scratch copy of a project where fixes are written and checked before any lands.

The copy mirrors the project: folders are made anew, files are hard links to the
project's (copies where the file system refuses links), symbolic links are copied as
links, and the folders a check never walks into (hidden ones, virtual environments,
``node_modules``) are links to the project's own, so the copy's check reads the same
environments. The project's summary cache is copied too: a check of the copy parses only
what the fixes changed. It lives in the project's ``.pkgforge_cache/`` (the same file
system, so links work; git ignores it), else (``--no-cache`` where there is no cache
folder, a read-only project) in the system's temporary folder.

Every write here replaces the file (a new inode: a hard link's other name, the
project's file, is never written through) and stamps it, and its folder, with a
modification time no earlier write had: the cache and the walk's memo tell files and
folders apart by size and times, and two writes within one clock tick must not look
alike.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Self

from pkgforge.checker.cache import CACHE_DIR_NAME, prepared_cache_dir
from pkgforge.checker.replay import REPLAY_FILE
from pkgforge.errors import PkgforgeError

if TYPE_CHECKING:
    from pkgforge.checker.engine import TreeCheck

__all__ = ["Workspace"]

log = logging.getLogger("pkgforge")

_LINKED_DIRS = frozenset({"node_modules"})
"""Folders the walk never enters, linked rather than mirrored."""

Checker = Callable[[Path, "tuple[str, ...]"], "TreeCheck"]
"""Checks a tree, reporting under the given paths (() for all) and everywhere."""


class Workspace:
    """A scratch copy of the project at ``root``; close it when done. ``focuses``: the
    paths inside it the run is about (() for all of it)."""

    def __init__(
        self,
        root: Path,
        checker: Checker,
        *,
        focuses: tuple[str, ...] = (),
        copy_cache: bool = True,
    ) -> None:
        self.root = root
        self.focuses = focuses
        self._checker = checker
        parent = _scratch_parent(root, make=copy_cache)
        self._scratch = Path(tempfile.mkdtemp(prefix="fix-", dir=parent))
        self.copy = self._scratch / (root.name or "project")
        self.original: dict[str, bytes | None] = {}
        """Each file written here, as the project holds it (None: the project has none)."""
        self._clock = time.time_ns()
        self._made: list[tuple[Path, bool]] = []
        try:
            _mirror(root, self.copy, self._made)
            if copy_cache:
                _copy_cache(root, self.copy)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the copy: what the mirror made, newest first (an unlink or rmdir each,
        where ``shutil.rmtree`` stats every entry first), then whatever is left."""
        for path, folder in reversed(self._made):
            with contextlib.suppress(OSError):
                if folder:
                    path.rmdir()
                else:
                    path.unlink()
        self._made.clear()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def check(self) -> TreeCheck:
        """The model and findings of the copy as it is now: under the focus, as ``check
        PATH`` reports them, and everywhere (a fix must make no new finding anywhere)."""
        return self._checker(self.copy, self.focuses)

    def read(self, relpath: str) -> bytes | None:
        try:
            return (self.copy / relpath).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def write(self, relpath: str, data: bytes | None) -> None:
        """Give the copy's ``relpath`` these bytes (None: remove it)."""
        target = self.copy / relpath
        if relpath not in self.original:
            self.original[relpath] = _read_project_file(self.root / relpath)
        if data is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.with_name(f".{target.name}.pkgforge-fix")
            staged.write_bytes(data)
            with contextlib.suppress(OSError):
                staged.chmod(stat.S_IMODE((self.root / relpath).stat().st_mode))
            staged.replace(target)
            self._stamp(target)
        self._stamp(target.parent)

    def changes(self) -> dict[str, tuple[bytes | None, bytes]]:
        """Path -> (the project's bytes, the copy's), for each file the copy changes."""
        changed: dict[str, tuple[bytes | None, bytes]] = {}
        for relpath, before in sorted(self.original.items()):
            after = self.read(relpath)
            if after is None:
                if before is not None:
                    raise AssertionError(f"a fix removed {relpath}")  # no fixer removes files
                continue
            if after != before:
                changed[relpath] = (before, after)
        return changed

    def unchanged_since_read(self, relpath: str) -> bool:
        """Whether the project's file is still what the copy was made from."""
        return _read_project_file(self.root / relpath) == self.original.get(relpath)

    def _stamp(self, path: Path) -> None:
        self._clock = max(time.time_ns(), self._clock + 1_000_000)
        os.utime(path, ns=(self._clock, self._clock))


def _read_project_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise PkgforgeError(
            f"cannot read {path}: {err.strerror or err}; nothing was changed",
            hint="check the file's permissions",
        ) from err


def _scratch_parent(root: Path, *, make: bool) -> str | None:
    """The project's cache folder when it can be written (made when missing, unless
    ``make`` is false: ``--no-cache`` leaves none behind), else None: the system's."""
    try:
        directory = prepared_cache_dir(root) if make else root / CACHE_DIR_NAME
    except OSError:
        return None
    if not directory.is_dir():
        return None
    return os.fspath(directory) if os.access(directory, os.W_OK) else None


def _mirror(source: Path, target: Path, made: list[tuple[Path, bool]]) -> None:
    """Mirror ``source`` into the new folder ``target`` (see the module's docstring),
    listing in ``made`` each entry made (and whether it is a folder), parents first.
    ``os.scandir``'s entries know their kind: no ``stat`` per file."""
    link = True
    pending = [(os.fspath(source), target, True)]
    while pending:
        here, there, top = pending.pop()
        there.mkdir()
        made.append((there, True))
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as err:
            log.debug("not mirroring %s: %s", here, err)  # the check skips it too
            continue
        for entry in entries:
            destination = there / entry.name
            try:
                if entry.is_symlink():
                    destination.symlink_to(os.readlink(entry.path))  # noqa: PTH115
                elif entry.is_dir():
                    if top and entry.name == CACHE_DIR_NAME:
                        continue
                    if not _walk_skips(entry):
                        pending.append((entry.path, destination, False))
                        continue
                    destination.symlink_to(entry.path, target_is_directory=True)
                elif entry.is_file():
                    link = _link_or_copy(entry.path, destination, link)
                else:
                    continue
                made.append((destination, False))
            except OSError as err:
                log.debug("not mirroring %s: %s", entry.path, err)


def _walk_skips(directory: os.DirEntry[str]) -> bool:
    if directory.name.startswith(".") or directory.name in _LINKED_DIRS:
        return True
    return os.path.isfile(os.path.join(directory.path, "pyvenv.cfg"))  # noqa: PTH113, PTH118


def _link_or_copy(source: str, destination: Path, link: bool) -> bool:
    """Hard-link when the file system allows it (and allowed it so far), else copy with
    the times kept; return whether linking still works."""
    if link:
        try:
            os.link(source, destination, follow_symlinks=False)
            return True
        except OSError:
            pass
    shutil.copy2(source, destination, follow_symlinks=False)
    return False


def _copy_cache(root: Path, copy: Path) -> None:
    """The project's summary cache, so the copy's first check parses nothing unchanged."""
    source = root / CACHE_DIR_NAME
    target = copy / CACHE_DIR_NAME
    try:
        entries = [e for e in source.iterdir() if e.is_file() and e.name != REPLAY_FILE]
    except OSError:
        return
    target.mkdir(exist_ok=True)
    for entry in entries:
        with contextlib.suppress(OSError):
            shutil.copy2(entry, target / entry.name)
