"""Land a set of file writes and deletions in a project all at once, or not at all.

``update`` lands a template's new version with it, ``check --fix`` its fixes.

Every new content is first written to a hidden staging folder inside the project
(the same filesystem, so each later step is a rename). Then each target is
renamed aside into the staging folder and the new file renamed into its place.
A failure or Ctrl-C at any step undoes the steps already taken in reverse, so
the tree is byte-identical to what it was; Ctrl-C is ignored while undoing.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.errors import PkgforgeError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

__all__ = ["STAGING_PREFIX", "FileContent", "land"]

log = logging.getLogger("pkgforge")

STAGING_PREFIX = ".pkgforge-update-"
"""The hidden staging folder's default prefix (a folder the check's walk skips)."""


@dataclass(frozen=True)
class FileContent:
    """A file's bytes and whether it is executable."""

    data: bytes
    executable: bool = False


def land(
    project_dir: Path,
    writes: Mapping[str, FileContent],
    deletes: frozenset[str],
    *,
    finish: Callable[[], None] | None = None,
    staging_prefix: str = STAGING_PREFIX,
) -> None:
    """Write ``writes`` and delete ``deletes`` (paths relative to ``project_dir``) at once.

    ``finish`` runs after every file is in place and before the change is kept:
    if it raises, the files are restored too (``update`` writes the git index there;
    ``check --fix`` lands the next project's fixes). Folders left empty by the
    deletions are removed.
    """
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix, dir=project_dir))
    try:
        staged = _stage(project_dir, staging, writes)
        journal = _Journal(project_dir, staging)
        try:
            for path in sorted(deletes | set(writes)):
                journal.replace(path, staged.get(path))
            journal.prune_empty_dirs({str(Path(path).parent) for path in deletes})
            if finish is not None:
                finish()
        except BaseException:
            with _ignoring_sigint():
                journal.undo()
            raise
    finally:
        with _ignoring_sigint():
            shutil.rmtree(staging, ignore_errors=True)


def _stage(root: Path, staging: Path, writes: Mapping[str, FileContent]) -> dict[str, Path]:
    new = staging / "new"
    new.mkdir()
    staged: dict[str, Path] = {}
    for index, (path, content) in enumerate(sorted(writes.items())):
        target = new / str(index)
        try:
            target.write_bytes(content.data)
            target.chmod(_mode(root / path, target, executable=content.executable))
        except OSError as err:
            raise PkgforgeError(
                f"cannot write the new {path}: {err.strerror or err}; nothing was changed",
                hint="check the free space and permissions of the project folder",
            ) from err
        staged[path] = target
    return staged


def _mode(existing: Path, staged: Path, *, executable: bool) -> int:
    """The replaced file's permissions (a private 0600 file stays private), or the new
    file's default; executable for whoever may read it, as git sets the bit."""
    try:
        mode = stat.S_IMODE(existing.stat().st_mode)
    except OSError:
        mode = stat.S_IMODE(staged.stat().st_mode)
    if executable:
        return mode | ((mode & 0o444) >> 2)
    return mode & ~0o111


class _Journal:
    """The steps taken so far, to be undone in reverse.

    Each step is recorded *before* it is taken (a Ctrl-C can arrive between a rename
    and the next line), and undoing checks what really happened.
    """

    def __init__(self, root: Path, staging: Path) -> None:
        self.root = root
        self.aside = staging / "old"
        self.aside.mkdir()
        self.steps: list[tuple[str, Path, Path | None]] = []
        self._count = 0

    def replace(self, path: str, new: Path | None) -> None:
        """Move the current ``path`` aside (if any) and put ``new`` (if any) in its place."""
        target = self.root / path
        if target.exists() or target.is_symlink():
            self._count += 1
            aside = self.aside / str(self._count)
            self.steps.append(("aside", target, aside))
            _rename(target, aside)
        if new is not None:
            self._make_parents(target.parent)
            self.steps.append(("placed", target, new))
            _rename(new, target)

    def prune_empty_dirs(self, folders: set[str]) -> None:
        for folder in sorted(folders, key=lambda f: -len(Path(f).parts)):
            directory = self.root / folder
            while directory != self.root and directory.is_dir() and not any(directory.iterdir()):
                self.steps.append(("rmdir", directory, None))
                directory.rmdir()
                directory = directory.parent

    def _make_parents(self, directory: Path) -> None:
        missing: list[Path] = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for folder in reversed(missing):
            self.steps.append(("mkdir", folder, None))
            folder.mkdir()

    def undo(self) -> None:
        for kind, target, other in reversed(self.steps):
            with contextlib.suppress(OSError):
                if kind == "placed" and other is not None and not other.exists():
                    target.replace(other)
                elif kind == "aside" and other is not None and other.exists():
                    other.replace(target)
                elif kind == "mkdir" and target.is_dir():
                    target.rmdir()
                elif kind == "rmdir" and not target.exists():
                    target.mkdir()
        self.steps.clear()


def _rename(source: Path, target: Path) -> None:
    try:
        source.replace(target)
    except OSError as err:
        raise PkgforgeError(
            f"cannot replace {target}: {err.strerror or err}; nothing was changed",
            hint="close programs that hold the file open, and check its permissions",
        ) from err


@contextlib.contextmanager
def _ignoring_sigint() -> Iterator[None]:
    """Keep a second Ctrl-C from interrupting the undo (only the main thread can)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
