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

The CLI asks here first (:func:`replay_command`), before argparse or anything else is
imported: the key is the command line as typed, so nothing here may import more than
``os``, ``sys`` and ``marshal``, and a replayed run is the interpreter's start, one
``os.stat`` per input and the output. A run is recorded only when it printed nothing on
stderr, and never when a file or folder of the project changed in the last two seconds
(a file still being written could keep its mtime: git calls such entries racy). The
file (``.pkgforge_cache/replay-v2.marshal``) is read with ``marshal``, as the
interpreter reads a checkout's ``__pycache__``; each command's entry is one blob of a
joined string of paths and two int64 per path, unpacked only for the command asked
about. Anything malformed is no replay. A planted file cannot match: directory ctimes are set by the
kernel when the files arrive, never by the archive or the repository they came from.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from stat import S_ISDIR

from pkgforge import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "ABSENT",
    "DIRECTORY",
    "FILE",
    "NEVER_REPLAYED",
    "REPLAY_FILE",
    "VALUE_OPTIONS",
    "Recorder",
    "Stamp",
    "answer",
    "command_key",
    "inputs_of",
    "isatty",
    "pack_entry",
    "positional",
    "read_entries",
    "replay_command",
    "stamp",
    "stamps",
    "write_output",
]

DIRECTORY, FILE, ABSENT = 0, 1, 2
Stamp = tuple[str, int, int, int]
"""(path, kind, a, b): a directory's (mtime_ns, ctime_ns), a file's (size, mtime_ns),
or ABSENT for a path that must not exist."""

REPLAY_FILE = "replay-v2.marshal"
_OLD_FILES = ("replay-v1.marshal",)
_CACHE_DIR = ".pkgforge_cache"  # engine.cache.CACHE_DIR_NAME, without importing it
_KEEP = 8
"""Commands remembered per project (pre-commit's file lists vary; each costs one entry)."""
_RACY_NS = 2_000_000_000
_FORMAT = 2

VALUE_OPTIONS = frozenset(
    {
        "--output-format",
        "--format",
        "--select",
        "--ignore",
        "--extend-select",
        "--extend-ignore",
        "--config",
        "--fail-on",
        "--python",
    }
)
"""The options of ``pkgforge check`` that take a value (tests/check/test_replay.py holds
this to the command's parser): what follows one is not a PATH. Only used to find the
first PATH, beside whose project the replay file is; a miss just checks again."""


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


def _unchanged(paths: Sequence[str], files: int, directories: int, numbers: Iterable[int]) -> bool:
    """Whether every path still has its recorded signature: ``paths`` holds the ``files``,
    then the ``directories``, then the paths that must not exist, and ``numbers`` two per
    file or directory (see :data:`Stamp`). The hot loop of a replayed run: one
    ``os.stat`` per input, the most recently changed first (what changed last time is
    what someone is editing: a run that cannot replay finds out at its first stat)."""
    stat = os.stat
    pairs = iter(numbers)
    for path, size, mtime_ns in zip(paths[:files], pairs, pairs, strict=False):
        try:
            info = stat(path)
        except OSError:
            return False
        if info.st_size != size or info.st_mtime_ns != mtime_ns:
            return False
    counted = files + directories
    for path, mtime_ns, ctime_ns in zip(paths[files:counted], pairs, pairs, strict=False):
        try:
            info = stat(path)
        except OSError:
            return False
        if info.st_mtime_ns != mtime_ns or info.st_ctime_ns != ctime_ns:
            return False
    for path in paths[counted:]:
        try:
            stat(path)
        except OSError:
            continue
        return False
    return True


def pack_entry(inputs: Sequence[Stamp], output: str, status: int) -> bytes:
    """One command's entry: the paths of its inputs joined in one string (files, then
    directories, each the last modified first; then those that must not exist), two
    int64 per file or directory (read back without building a tuple per input), its
    output and exit status."""
    files = sorted((i for i in inputs if i[1] == FILE), key=lambda i: -i[3])
    directories = sorted((i for i in inputs if i[1] == DIRECTORY), key=lambda i: -i[2])
    absent = [i for i in inputs if i[1] == ABSENT]
    counted = [*files, *directories]
    numbers = memoryview(bytearray(16 * len(counted))).cast("q")
    for index, (_, _, first, second) in enumerate(counted):
        numbers[2 * index] = first
        numbers[2 * index + 1] = second
    paths = "\0".join(path for path, _, _, _ in (*counted, *absent))
    counts = (len(files), len(directories))
    return marshal.dumps((paths, counts, numbers.tobytes(), output, status))


_Entry = tuple["list[str]", int, int, "Sequence[int]", str, int]


def _unpack(entry: object) -> _Entry | None:
    try:
        paths, (files, directories), numbers, output, status = marshal.loads(entry)  # type: ignore[arg-type]
        view = memoryview(numbers).cast("q")
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(paths, str) and isinstance(files, int) and isinstance(directories, int)):
        return None
    if not isinstance(output, str) or not isinstance(status, int):
        return None
    names = paths.split("\0") if paths else []
    if not 0 <= files <= files + directories <= len(names) or directories < 0:
        return None
    if len(view) != 2 * (files + directories):
        return None
    return names, files, directories, view, output, status


def inputs_of(entry: bytes) -> list[Stamp]:
    """The inputs an entry of the replay file records (for tests and tools)."""
    unpacked = _unpack(entry)
    if unpacked is None:
        return []
    names, files, directories, numbers, _, _ = unpacked
    found: list[Stamp] = []
    for index, name in enumerate(names):
        if index < files + directories:
            kind = FILE if index < files else DIRECTORY
            found.append((name, kind, numbers[2 * index], numbers[2 * index + 1]))
        else:
            found.append((name, ABSENT, 0, 0))
    return found


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


def read_entries(path: str) -> dict[str, bytes]:
    """The entries of a replay file: command key -> packed entry (see :func:`pack_entry`)."""
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
    entry = read_entries(found).get(key)
    unpacked = _unpack(entry) if isinstance(entry, bytes) else None
    if unpacked is None:
        return None
    names, files, directories, numbers, output, status = unpacked
    if not _unchanged(names, files, directories, numbers):
        return None
    return output, status


def positional(argv: Sequence[str]) -> list[str]:
    """The PATHs of a ``pkgforge check`` command line (after ``check``), as far as
    :data:`VALUE_OPTIONS` tells them from option values."""
    found: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--":
            found.extend(argv[argv.index("--") + 1 :])
            break
        elif arg.startswith("-") and arg != "-":
            skip = arg in VALUE_OPTIONS
        else:
            found.append(arg)
    return found


NEVER_REPLAYED = frozenset(
    {"--fix", "--diff", "--add-noqa", "--watch", "--no-cache", "--import", "--help", "-h"}
)
"""Options of commands whose answer is never a replay (they change files, watch, run the
project's code or skip the cache; none is ever recorded, so a recorded answer for one
can only have been planted)."""


def replay_command(argv: Sequence[str]) -> int | None:
    """Answer ``pkgforge check ARGV`` by printing its recorded output, when the same command
    was recorded and nothing it depended on changed: its exit status; else None (then it
    runs). Imports nothing but ``os``, ``sys`` and ``marshal``: no argparse, no engine."""
    if any(arg.partition("=")[0] in NEVER_REPLAYED for arg in argv):
        return None
    try:
        key = command_key(argv, isatty(sys.stdout))
        answered = answer(key, positional(argv))
    except (OSError, ValueError):
        return None
    if answered is None:
        return None
    output, status = answered
    write_output(output)
    return status


def isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def write_output(output: str) -> None:
    """Print a check's output; a file name that is not valid UTF-8 must not crash it."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    sys.stdout.write(output)


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
        folder = os.path.join(self.roots[0], _CACHE_DIR)  # noqa: PTH118
        target = os.path.join(folder, REPLAY_FILE)  # noqa: PTH118
        entries = read_entries(target)
        entries.pop(self.key, None)
        entries[self.key] = pack_entry(inputs, output, status)
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
        for old in _OLD_FILES:
            _remove(os.path.join(folder, old))  # noqa: PTH118
        return True


def _remove(path: str) -> None:
    try:
        os.unlink(path)  # noqa: PTH108
    except OSError:
        return


def command_key(argv: Sequence[str], stdout_tty: bool) -> str:
    """What the output depends on besides the inputs: the command line as typed (after
    ``check``), where it runs, the interpreter and its import path, and the environment
    variables pkgforge reads. The PATHs are resolved too (a symbolic link retargeted
    is another project)."""
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
            list(argv),
            [os.path.realpath(path) for path in positional(argv)],
            environment,
            stdout_tty,
        )
    )


_ENVIRONMENT = frozenset({"FORCE_COLOR", "NO_COLOR", "TERM", "VIRTUAL_ENV", "CONDA_PREFIX"})
