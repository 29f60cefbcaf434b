"""Replay: answer an unchanged ``pkgforge check`` with what the same command printed.

A warm check of an unchanged project already skips parsing and the rules (the summary
cache keeps the last result), but it still loads the engine to find that out: the
discovery modules, dataclasses, pickle and hashlib cost more than the check itself.
So the CLI records, beside the summary cache, what a run printed and its exit status,
with every input that run depended on as an ``os.stat`` signature. A later run with
the same command line, working directory, interpreter and environment whose inputs all
stat the same prints that output again, without importing the engine.

The inputs come from :func:`pkgforge.checker.engine.check` (``on_inputs``): each
directory the walk read (mtime and ctime: an entry added, removed or renamed), each
checked file and each file at the project root (size and mtime), the build files that
exist and those that do not, the import paths and the project's environments (an
install changes them), the directories between each PATH and its project. To those
the CLI adds the ``--config`` files and pkgforge's own source files.

Nothing here may import more than ``os``, ``sys`` and ``marshal``: this module is the
whole cost of a replayed run beyond argparse. A run is recorded only when it printed
nothing on stderr, and never when a file or folder of the project changed in the last
two seconds (a file still being written could keep its mtime: git calls such entries
racy). The file is
read with ``marshal``, as the interpreter reads a checkout's ``__pycache__``; anything
malformed is no replay. A planted file cannot match: directory ctimes are set by the
kernel when the files arrive, never by the archive or the repository they came from.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from collections.abc import Iterable, Sequence
from stat import S_ISDIR

__all__ = [
    "ABSENT",
    "DIRECTORY",
    "FILE",
    "Recorder",
    "Stamp",
    "answer",
    "stamp",
    "stamps",
]

DIRECTORY, FILE, ABSENT = 0, 1, 2
Stamp = tuple[str, int, int, int]
"""(path, kind, a, b): a directory's (mtime_ns, ctime_ns), a file's (size, mtime_ns),
or ABSENT for a path that must not exist."""

REPLAY_FILE = "replay-v1.marshal"
_CACHE_DIR = ".pkgforge_cache"  # engine.cache.CACHE_DIR_NAME, without importing it
_KEEP = 8
"""Commands remembered per project (pre-commit's file lists vary; each costs one entry)."""
_RACY_NS = 2_000_000_000
_FORMAT = 1


def stamp(path: str) -> Stamp:
    """``path``'s signature now: as a directory, a file, or ABSENT."""
    try:
        info = os.stat(path)  # noqa: PTH116 - str paths keep the replay fast
    except OSError:
        return (path, ABSENT, 0, 0)
    if S_ISDIR(info.st_mode):
        return (path, DIRECTORY, info.st_mtime_ns, info.st_ctime_ns)
    return (path, FILE, info.st_size, info.st_mtime_ns)


def stamps(paths: Iterable[str]) -> list[Stamp]:
    return [stamp(path) for path in paths]


def _unchanged(recorded: Sequence[Stamp]) -> bool:
    for path, kind, first, second in recorded:
        try:
            info = os.stat(path)  # noqa: PTH116
        except OSError:
            if kind == ABSENT:
                continue
            return False
        if kind == DIRECTORY:
            if info.st_mtime_ns != first or info.st_ctime_ns != second:
                return False
        elif kind != FILE or info.st_size != first or info.st_mtime_ns != second:
            return False
    return True


def _own_sources() -> list[str]:
    """pkgforge's Python files (its templates aside): a changed rule or renderer must
    not be answered with the old code's output (an editable install keeps its version)."""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # noqa: PTH100, PTH120
    found: list[str] = []
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        found.append(entry.path)
                    elif entry.name not in {"templates", "__pycache__"} and entry.is_dir():
                        pending.append(entry.path)
        except OSError:
            found.append(folder)  # stamped ABSENT or as it is: either way compared next time
    return sorted(found)


def _replay_file(start: str) -> str | None:
    """The replay file of the project at or above ``start`` (a directory), if any."""
    current = start
    while True:
        candidate = os.path.join(current, _CACHE_DIR, REPLAY_FILE)  # noqa: PTH118
        if os.path.isfile(candidate):  # noqa: PTH113
            return candidate
        parent = os.path.dirname(current)  # noqa: PTH120
        if parent == current:
            return None
        current = parent


def _read(path: str) -> dict[str, object]:
    try:
        with open(path, "rb") as stream:  # noqa: PTH123
            data = marshal.loads(stream.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == _FORMAT):
        return {}
    entries = data[1]
    return entries if isinstance(entries, dict) else {}


def _start(paths: Sequence[str]) -> str:
    first = os.path.realpath(paths[0] if paths else ".")
    return first if os.path.isdir(first) else os.path.dirname(first)  # noqa: PTH112, PTH120


def answer(key: str, paths: Sequence[str]) -> tuple[str, int] | None:
    """The recorded (output, exit status) of the command ``key`` on ``paths``, if every
    input it depended on is unchanged; else None."""
    found = _replay_file(_start(paths))
    if found is None:
        return None
    entry = _read(found).get(key)
    if not (isinstance(entry, tuple) and len(entry) == 3):
        return None
    recorded, output, status = entry
    try:
        if not _unchanged(recorded):
            return None
    except (TypeError, ValueError):  # a malformed entry is no replay
        return None
    if not isinstance(output, str) or not isinstance(status, int):
        return None
    return output, status


def _racy(item: Stamp, started_ns: int) -> bool:
    """Changed so shortly before the run that a later change might keep the same mtime."""
    _, kind, first, second = item
    changed = first if kind == DIRECTORY else second
    return kind != ABSENT and changed > started_ns - _RACY_NS


class Recorder:
    """Collects one command's inputs while it runs, then records its output."""

    def __init__(self, key: str, extra_files: Iterable[str] = ()) -> None:
        self.key = key
        self.roots: list[str] = []
        self.inputs: list[Stamp] = stamps(extra_files)
        self.environment: list[Stamp] = []
        self.complete = True
        self.started_ns = time.time_ns()

    def add(self, root: str | None, inputs: Sequence[Stamp] | None) -> None:
        """The engine's report for one target: None when it cannot say (an archive, no
        cache), which makes the whole command unrecordable."""
        if root is None or inputs is None:
            self.complete = False
            return
        self.roots.append(root)
        # The project's own files and folders must not be racy; the import path's folders
        # and pkgforge's sources change only by installs and edits, not while a check runs.
        inside = root.rstrip(os.sep) + os.sep
        for item in inputs:
            own = item[0] == root or item[0].startswith(inside)
            (self.inputs if own else self.environment).append(item)

    def save(self, output: str, status: int) -> bool:
        """Record ``output`` and ``status`` beside the first project's cache; True when
        written. Never raises: a replay that cannot be written is just not there."""
        if not self.complete or not self.roots:
            return False
        if any(_racy(item, self.started_ns) for item in self.inputs):
            return False
        inputs = [*self.inputs, *self.environment, *stamps(_own_sources())]
        target = os.path.join(self.roots[0], _CACHE_DIR, REPLAY_FILE)  # noqa: PTH118
        entries = _read(target)
        entries.pop(self.key, None)
        entries[self.key] = (tuple(inputs), output, status)
        while len(entries) > _KEEP:
            del entries[next(iter(entries))]
        temporary = f"{target}.{os.getpid()}.tmp"
        try:
            with open(temporary, "wb") as stream:  # noqa: PTH123
                marshal.dump((_FORMAT, entries), stream)
            os.replace(temporary, target)  # noqa: PTH105
        except (OSError, ValueError):
            _remove(temporary)
            return False
        return True


def _remove(path: str) -> None:
    try:
        os.unlink(path)  # noqa: PTH108
    except OSError:
        return


def command_key(
    options: Iterable[tuple[str, object]], paths: Sequence[str], stdout_tty: bool
) -> str:
    """What the output depends on besides the inputs: the command line, where it runs,
    the interpreter and its import path, and the environment variables pkgforge reads."""
    from pkgforge import __version__

    environment = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name in _ENVIRONMENT or name.startswith("PKGFORGE_")
    )
    return repr(
        (
            _FORMAT,
            __version__,
            sys.executable,
            sys.version,
            sys.path,
            os.getcwd(),  # noqa: PTH109
            [os.path.realpath(path) for path in paths],
            sorted((name, repr(value)) for name, value in options),
            environment,
            stdout_tty,
        )
    )


_ENVIRONMENT = frozenset({"FORCE_COLOR", "NO_COLOR", "TERM", "VIRTUAL_ENV", "CONDA_PREFIX"})
