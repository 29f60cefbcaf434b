"""The summary cache: one append-only log per project, written a few records at a time.

A run appends what it learnt (the summaries of the files it parsed, the memo entries
it changed, its findings) as records at the end of ``.pkgforge_cache/check-v3.log``;
it never rewrites what an earlier run wrote, so a re-check after one edit writes a few
kilobytes, not the whole cache. Each record is framed::

    magic (2 bytes) | kind (1) | payload length (4) | crc32 of the payload (4) |
    crc32 of the nine bytes before (4) | payload

and the kinds are:

* ``H`` the header (pkgforge's version, the Python version, a stamp of pkgforge's own
  check code): the first record; anything else means "no cache";
* ``F`` the parse feature version that the summaries after it were made for;
* ``S`` a chunk of summaries ``{relpath: (size, mtime_ns, packed summary) or None}``
  (None: the file is gone), preceded in the payload by a pickle of its relpaths. Each
  summary is pickled and compressed on its own (zlib), so that a run that needs one
  file's summary decompresses and unpickles that one (a re-check after an edit needs a
  few), while compression more than makes up for what a pickle per file costs (both
  benchmark trees: 2.3 MB where one pickle of every summary takes 5.0 MB);
* ``M`` memo entries (small project-level results: the walk, parsed pyproject.toml,
  validate-pyproject's verdict...), plain data only;
* ``R`` the findings of a run (:class:`StoredResult`), the last one wins; what a
  re-check needs to run again only what an edit changed (:mod:`~pkgforge.checker.incremental`)
  is in memo entries, so that a re-check appends only the parts it changed.

Later records win over earlier ones. A header or a payload whose checksum does not
match (a write cut short by a crash, a full disk) ends the log there: what follows is
ignored and the log is rewritten at the next save. When dead records (superseded
summaries, old results) pass 15% of the log, the next save compacts the log into a new
file and renames it over the old one.

Two processes may check the same project at once (an editor's ``--watch`` and a
pre-commit hook): every append and every compaction holds an exclusive ``flock`` on
``check-v3.lock``, each append is one ``write`` at the end of the file, and a reader
takes no lock: a record being written is incomplete (ignored) or complete, and a
compaction replaces the file whole. The worst a race can do is lose a record: a later
run parses that file again.

A checked project is untrusted input, so unpickling only admits pkgforge's own
summary and finding classes (``_SafeUnpickler``): a planted cache cannot run code.
Any problem reading the cache means "no cache"; any problem writing it is logged
and ignored.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import pickle
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge import __version__
from pkgforge.checker.digests import hexdigest

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from pkgforge.checker.findings import Finding
    from pkgforge.checker.summary import ModuleSummary

__all__ = [
    "CACHE_DIR_NAME",
    "CHUNK_FILES",
    "StoredResult",
    "SummaryCache",
    "frame",
    "pack_summary",
    "prepared_cache_dir",
    "records",
    "safe_loads",
]

log = logging.getLogger("pkgforge")

CACHE_DIR_NAME = ".pkgforge_cache"
_CACHE_FILE = "check-v3.log"
_LOCK_FILE = "check-v3.lock"
_OLD_FILES = ("check-v1.pickle", "check-v2.log", "check-v2.lock")
"""Earlier formats' files, removed when the new one is written."""
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by pkgforge.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# Only pkgforge's own data classes may be unpickled; their modules are imported
# on first use, so a warm run that needs no summaries never loads them.
_ALLOWED_MODULES = frozenset(
    {
        "pkgforge.checker.summary",
        "pkgforge.checker.findings",
        "pkgforge.checker.certainty",
        "pkgforge.checker.cache",
        # a rule's record: its units' findings and contributions, the build facts
        "pkgforge.checker.incremental.records",
        "pkgforge.checker.backends.buildinfo",
        "pkgforge.checker.graph",
        "pkgforge.checker.rules.base",
    }
)

CHUNK_FILES = 64
"""Summaries per ``S`` record (each packed on its own: a chunk is their index)."""
_ZLIB_LEVEL = 1
"""Faster than the default 6 by a third, for 2% more bytes."""

_MAGIC = b"\xf5\x1e"
_HEAD = struct.Struct("<2scII")  # magic, kind, payload length, payload crc32
_HEAD_CRC = struct.Struct("<I")
_HEAD_SIZE = _HEAD.size + _HEAD_CRC.size
_CRC = struct.Struct("<I")
_CRC_AT = 7
"""Where the payload's crc32 sits in a record's header."""
_COMPACT_MIN_BYTES = 64 * 1024
_COMPACT_SHARE = 0.15
"""The log is rewritten whole when its dead records (superseded summaries, old results)
would be more than this share of it, and at least _COMPACT_MIN_BYTES: the file stays
within ~1.2x its live records. A rewrite copies the chunks that are all alive as they are
(only the chunks with a superseded entry are pickled again), so it costs little."""

Entry = tuple[int, int, "ModuleSummary"]
"""(size, mtime_ns, summary) of one file."""
Packed = tuple[int, int, bytes]
"""(size, mtime_ns, the summary pickled and compressed) of one file, as stored."""


@dataclass(frozen=True)
class StoredResult:
    """The raw findings of the last complete run, and what they were computed from.

    ``shape`` digests everything they depend on except the checked files' contents
    (the settings, the walk's tree, the build files, the environment); ``stamps`` says
    which version of each checked file they saw, whose summary is in the cache: (size,
    mtime_ns) per file in the walk's order, packed as ``<qq`` (the walk's files are part
    of the shape). ``by_rule`` holds each selected rule's raw findings, so that a later
    run can reuse those of the rules an edit cannot have changed.
    """

    shape: str
    stamps: bytes
    by_rule: Mapping[str, tuple[Finding, ...]]
    suppressions: Mapping[str, Any]
    recorded: bool = False
    """The run recorded what each rule's units read: the
    :class:`~pkgforge.checker.incremental.records.Record` is in the memo, part by part,
    so that a re-check appends only the parts it changed; ``by_rule`` is then empty (the
    record holds every finding)."""


_PUBLIC_CLASSES = frozenset({"StoredResult"})


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES:
            namespace = importlib.import_module(module)
            value = getattr(namespace, name, None)
            public = name in getattr(namespace, "__all__", ()) or name in _PUBLIC_CLASSES
            if public and isinstance(value, type):
                return value
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a pkgforge cache")


def _unpickle(data: bytes | memoryview) -> Any:
    return _SafeUnpickler(io.BytesIO(data)).load()


def safe_loads(data: bytes | memoryview) -> Any:
    """Unpickle data of a cache: only pkgforge's own data classes may come out."""
    return _unpickle(data)


def pack_summary(summary: ModuleSummary) -> bytes:
    """A summary as the cache stores it: pickled, compressed."""
    return zlib.compress(pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL), _ZLIB_LEVEL)


def _unpack_summary(packed: bytes) -> ModuleSummary:
    summary: ModuleSummary = _unpickle(zlib.decompress(packed))
    return summary


def _header() -> tuple[object, ...]:
    return (__version__, tuple(sys.version_info[:3]), _code_stamp())


def _code_stamp() -> str:
    """A digest of the checker's own source files (names, sizes, mtimes).

    The version alone is not enough: an editable install, or a rule changed
    without a version bump, must not be answered with findings cached by the
    old code. About 40 stats; an installed wheel's files never change.
    """
    here = Path(__file__).parent
    parts: list[str] = []
    for folder in (here, here / "rules", here.parent):
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        info = entry.stat()
                        parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{folder}:unreadable")
    return hexdigest("\n".join(sorted(parts)).encode())


def frame(kind: bytes, payload: bytes) -> bytes:
    """One log record."""
    head = _HEAD.pack(_MAGIC, kind, len(payload), zlib.crc32(payload))
    return head + _HEAD_CRC.pack(zlib.crc32(head)) + payload


def records(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(kind, payload start, payload end) of each intact record, in order; stops at the
    first damaged one (the payload's checksum is checked when it is used)."""
    view = memoryview(data)
    offset, size = 0, len(data)
    while offset + _HEAD_SIZE <= size:
        head = view[offset : offset + _HEAD.size]
        magic, kind, length, _ = _HEAD.unpack(head)
        (head_crc,) = _HEAD_CRC.unpack_from(view, offset + _HEAD.size)
        start = offset + _HEAD_SIZE
        if magic != _MAGIC or head_crc != zlib.crc32(head) or start + length > size:
            return
        yield kind, start, start + length
        offset = start + length


class _Damaged(Exception):
    """A payload whose checksum does not match."""


class SummaryCache:
    """Per-file summaries of one project, keyed by relpath with (size, mtime_ns)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.header = _header()
        self.feature_version: tuple[int, int] | None = None
        self.memo: dict[str, Any] = {}
        """Small project-level results worth keeping (e.g. pyproject validation by hash)."""
        self.stored: StoredResult | None = None
        """The last complete run's findings (:meth:`store`)."""
        self.dirty = False
        self._data = b""
        self._chunks: list[tuple[int, int, tuple[str, ...]]] = []
        """(record start, payload end, relpaths) of each summary chunk read."""
        self._where: dict[str, int] = {}
        """relpath -> index in _chunks of its newest entry."""
        self._older: dict[str, list[int]] = {}
        """relpath -> indexes of chunks with its superseded entries, newest first."""
        self._loaded: dict[int, dict[str, Packed | None]] = {}
        self._decoded: dict[str, Entry] = {}
        """relpath -> its newest stored entry, once unpacked."""
        self._new: dict[str, Entry | None] = {}
        """Entries put (or removed: None) by this run, not yet written."""
        self._packed: dict[str, bytes] = {}
        """The packed form of entries put by this run, when already known."""
        self._memo_seen: dict[str, Any] = {}
        self._new_result = False
        self._dead = 0
        """Bytes of the log that later records made useless."""
        self._rewrite = True
        """Write a whole new log (none was read, or it was damaged or stale)."""
        self._loaded_from: Path | None = None
        self._read_stat: tuple[int, int, int] = (-1, -1, -1)

    # -- reading ------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path) -> SummaryCache:
        """The cache for ``root``, empty when there is none or it cannot be used."""
        cache = cls(root)
        for path in (root / CACHE_DIR_NAME / _CACHE_FILE, None):
            target = path or _user_cache_file(root)
            if target is not None and cache._read(target):
                cache._loaded_from = target
                break
        else:
            # Made now, before the walk stamps the root directory, so that the
            # second run does not see a changed root and walk again.
            with contextlib.suppress(OSError):
                _prepare_dir(root / CACHE_DIR_NAME)
        return cache

    def _read(self, path: Path) -> bool:
        try:
            with path.open("rb") as stream:
                info = os.fstat(stream.fileno())
                data = stream.read()
        except OSError:
            return False
        self._read_stat = (info.st_ino, info.st_size, info.st_mtime_ns)
        if len(data) != info.st_size:
            self._read_stat = (-1, -1, -1)  # written to while read: never append to it
        try:
            return self._parse(data, path)
        except Exception as err:  # noqa: BLE001 - a corrupt cache is no cache, never fatal
            log.debug("ignoring unreadable cache %s: %s", path, err)
            fresh = SummaryCache(self.root)
            self.__dict__.update(fresh.__dict__)
            return False

    def _parse(self, data: bytes, path: Path) -> bool:
        found = records(data)
        first = next(found, None)
        if first is None or first[0] != b"H" or _payload(data, first) != self.header:
            log.debug("cache %s is from another pkgforge or Python; ignoring it", path)
            return False
        self._data = data
        end = first[2]
        memo: dict[str, Any] = {}
        memo_sizes: dict[str, int] = {}
        result: tuple[bytes, int, int] | None = None
        written = 0
        for record in found:
            kind, start, stop = record
            end = stop
            size = stop - start + _HEAD_SIZE
            if kind == b"S":
                relpaths = _unpickle(memoryview(data)[start:stop])
                if not isinstance(relpaths, tuple):
                    raise TypeError("malformed summary chunk")
                index = len(self._chunks)
                self._chunks.append((start, stop, relpaths))
                for relpath in relpaths:
                    previous = self._where.get(relpath)
                    if previous is not None:
                        self._older.setdefault(relpath, []).insert(0, previous)
                    self._where[relpath] = index
                written += len(relpaths)
            elif kind == b"M":
                entries = _payload(data, record)
                if not isinstance(entries, dict):
                    raise TypeError("malformed memo record")
                for key in entries:
                    self._dead += memo_sizes.pop(key, 0)
                    memo_sizes[key] = size // max(len(entries), 1)
                memo.update(entries)
            elif kind == b"R":
                if result is not None:
                    self._dead += result[2] - result[1] + _HEAD_SIZE
                result = record
            elif kind == b"F":
                self.feature_version = _payload(data, record)
        if result is not None:
            try:
                stored = _payload(data, result)
            except (_Damaged, pickle.UnpicklingError):
                stored = None
            self.stored = stored if isinstance(stored, StoredResult) else None
        # superseded summaries, in proportion to the chunks' sizes
        chunk_bytes = sum(stop - start for start, stop, _ in self._chunks)
        if written:
            self._dead += chunk_bytes * (written - len(self._where)) // written
        self.memo = memo
        self._memo_seen = dict(memo)
        # a damaged tail: write anew next time
        self._rewrite = end != len(data)
        return True

    def _chunk(self, index: int) -> dict[str, Packed | None]:
        loaded = self._loaded.get(index)
        if loaded is None:
            start, stop, _ = self._chunks[index]
            try:
                stream = io.BytesIO(_checked(self._data, start, stop))
                _SafeUnpickler(stream).load()  # the relpaths (an unpickler reads one pickle)
                loaded = _SafeUnpickler(stream).load()
                if not isinstance(loaded, dict):
                    raise TypeError("malformed summary chunk")
            except Exception as err:  # noqa: BLE001 - a damaged chunk: its files are parsed again
                log.debug("ignoring a damaged summary chunk: %s", err)
                loaded = {}
                self._rewrite = True
            self._loaded[index] = loaded
        return loaded

    def _stored_entry(self, relpath: str) -> Entry | None:
        if relpath in self._new:
            return self._new[relpath]
        decoded = self._decoded.get(relpath)
        if decoded is not None:
            return decoded
        index = self._where.get(relpath)
        if index is None:
            return None
        packed = self._chunk(index).get(relpath)
        if packed is None:
            return None
        entry = self._unpacked(packed)
        if entry is not None:
            self._decoded[relpath] = entry
        return entry

    def _unpacked(self, packed: Packed) -> Entry | None:
        try:
            return packed[0], packed[1], _unpack_summary(packed[2])
        except Exception as err:  # noqa: BLE001 - a damaged summary: the file is parsed again
            log.debug("ignoring a damaged summary: %s", err)
            self._rewrite = True
            return None

    @property
    def has_summaries(self) -> bool:
        """Whether any file's summary is stored (without unpickling them)."""
        return bool(self._where) or any(v is not None for v in self._new.values())

    @property
    def entries(self) -> dict[str, Entry]:
        """Every file's summary (unpickles every chunk: for tests and tools)."""
        found: dict[str, Entry] = {}
        for relpath in sorted({*self._where, *self._new}):
            entry = self._stored_entry(relpath)
            if entry is not None:
                found[relpath] = entry
        return found

    def get(self, relpath: str, size: int, mtime_ns: int) -> ModuleSummary | None:
        entry = self._stored_entry(relpath)
        if entry is not None and entry[0] == size and entry[1] == mtime_ns:
            return entry[2]
        return None

    def get_earlier(self, relpath: str, size: int, mtime_ns: int) -> ModuleSummary | None:
        """The summary of that version of ``relpath``, also when a newer one was stored
        since (until the log is compacted)."""
        found = self.get(relpath, size, mtime_ns)
        if found is not None:
            return found
        for index in (self._where.get(relpath), *self._older.get(relpath, ())):
            packed = self._chunk(index).get(relpath) if index is not None else None
            if packed is not None and packed[0] == size and packed[1] == mtime_ns:
                entry = self._unpacked(packed)
                return entry[2] if entry is not None else None
        return None

    # -- changing -----------------------------------------------------------------

    def put(
        self,
        relpath: str,
        size: int,
        mtime_ns: int,
        summary: ModuleSummary,
        packed: bytes | None = None,
    ) -> None:
        """Keep ``summary`` for that version of the file (``packed``: its
        :func:`pack_summary`, when a parsing worker made it already)."""
        self._new[relpath] = (size, mtime_ns, summary)
        if packed is not None:
            self._packed[relpath] = packed
        else:
            self._packed.pop(relpath, None)
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        """Forget files that no longer exist."""
        for relpath in {*self._where, *self._new} - keep:
            if self._new.get(relpath, 0) is not None:
                self._new[relpath] = None
                self.dirty = True

    def remember(self, key: str, value: Any) -> None:
        self.memo[key] = value
        self.dirty = True

    def recall(self, fingerprint: str) -> StoredResult | None:
        """The result stored by :meth:`store` when it was for ``fingerprint``, else None."""
        if self.memo.get("result") == fingerprint:
            return self.stored
        return None

    def store(self, fingerprint: str, result: StoredResult) -> None:
        """Keep ``result``; :meth:`recall` gives it back for the same ``fingerprint``."""
        self.stored = result
        self.memo["result"] = fingerprint
        self._new_result = True
        self.dirty = True

    def use_feature_version(self, feature_version: tuple[int, int] | None) -> None:
        """Summaries depend on the parse feature version: forget those made for another."""
        if feature_version != self.feature_version:
            self.feature_version = feature_version
            self._chunks, self._where, self._loaded, self._new = [], {}, {}, {}
            self._older, self._decoded, self._packed = {}, {}, {}
            self.stored = None
            self.memo.pop("result", None)
            self._rewrite = True
            self.dirty = True

    # -- writing ------------------------------------------------------------------

    def save(self) -> Path | None:
        """Write what changed (appended, or a whole new log); return where, or None.
        Never raises."""
        if not self.dirty and not self._memo_changed():
            return self._loaded_from
        for target in (self.root / CACHE_DIR_NAME / _CACHE_FILE, None):
            path = target or _user_cache_file(self.root)
            if path is not None and self._write(path):
                self.dirty = False
                return path
        log.debug("could not write the cache anywhere; continuing without it")
        return None

    def _memo_changed(self) -> dict[str, Any]:
        """The memo entries this run set to another value (not merely an equal one)."""
        seen = self._memo_seen
        changed = {}
        for key, value in self.memo.items():
            before = seen.get(key, _UNSET)
            if value is before or (type(value) is type(before) and value == before):
                continue
            if _plain(value):
                changed[key] = value
        return changed

    def _write(self, path: Path) -> bool:
        try:
            _prepare_dir(path.parent)
            with _locked(path.with_name(_LOCK_FILE)):
                fresh = self._rewrite or path != self._loaded_from or self._replaced(path)
                increment = b"" if fresh else self._increment()
                dead = self._dead + len(increment) // 2  # what this increment supersedes, roughly
                total = len(self._data) + len(increment)
                if fresh or dead > max(total * _COMPACT_SHARE, _COMPACT_MIN_BYTES):
                    _write_atomic(path, self._whole())
                    for old in _OLD_FILES:
                        with contextlib.suppress(OSError):
                            (path.parent / old).unlink()
                else:
                    _append(path, increment)
        except OSError as err:
            log.debug("cannot write cache %s: %s", path, err)
            return False
        self._memo_seen = dict(self.memo)
        self._new_result = False
        return True

    def _replaced(self, path: Path) -> bool:
        """Whether the file is no longer the one this run read (another process rewrote,
        removed or appended to it): appending would then add to a log this run has not
        read. A rewrite renames a new file into place (another inode), an append changes
        the size."""
        try:
            info = path.stat()
        except OSError:
            return True
        inode, size, mtime_ns = self._read_stat
        if (info.st_ino, info.st_size, info.st_mtime_ns) == (inode, size, mtime_ns):
            return False
        if info.st_ino != inode or info.st_size <= size:
            return True
        try:  # appended to by another process: still the log this run read, and more
            with path.open("rb") as stream:
                return stream.read(len(self._data)) != self._data
        except OSError:
            return True

    def _packed_new(self) -> dict[str, Packed | None]:
        packed: dict[str, Packed | None] = {}
        for relpath, entry in self._new.items():
            if entry is None:
                packed[relpath] = None
                continue
            data = self._packed.get(relpath)
            if data is None:
                data = self._packed[relpath] = pack_summary(entry[2])
            packed[relpath] = (entry[0], entry[1], data)
        return packed

    def _increment(self) -> bytes:
        """The records this run adds to the log."""
        parts = list(_summary_records(self._packed_new()))
        memo = self._memo_changed()
        if memo:
            parts.append(frame(b"M", _dumps(memo)))
        if self._new_result and self.stored is not None:
            parts.append(frame(b"R", _dumps(self.stored)))
        return b"".join(parts)

    def _whole(self) -> bytes:
        """A complete new log: the header and every live record. A chunk whose entries
        are all still the newest is copied as it is (not unpickled)."""
        parts = [frame(b"H", _dumps(self.header)), frame(b"F", _dumps(self.feature_version))]
        rest: dict[str, Packed | None] = {}
        for index, (start, stop, relpaths) in enumerate(self._chunks):
            if all(self._where.get(r) == index and r not in self._new for r in relpaths):
                parts.append(self._data[start - _HEAD_SIZE : stop])
            else:
                for relpath in relpaths:
                    if self._where.get(relpath) == index and relpath not in self._new:
                        rest[relpath] = self._chunk(index).get(relpath)
        rest.update(self._packed_new())
        parts.extend(_summary_records({k: v for k, v in sorted(rest.items()) if v is not None}))
        memo = {key: value for key, value in self.memo.items() if _plain(value)}
        parts.append(frame(b"M", _dumps(memo)))
        if self.stored is not None:
            parts.append(frame(b"R", _dumps(self.stored)))
        return b"".join(parts)


def _checked(data: bytes, start: int, stop: int) -> memoryview:
    """A record's payload, after checking it against its checksum."""
    view = memoryview(data)[start:stop]
    (crc,) = _CRC.unpack_from(data, start - _HEAD_SIZE + _CRC_AT)
    if zlib.crc32(view) != crc:
        raise _Damaged("a cache record is damaged")
    return view


def _payload(data: bytes, record: tuple[bytes, int, int]) -> Any:
    return _unpickle(_checked(data, record[1], record[2]))


def _summary_records(entries: Mapping[str, Packed | None]) -> Iterator[bytes]:
    items = list(entries.items())
    for start in range(0, len(items), CHUNK_FILES):
        chunk = dict(items[start : start + CHUNK_FILES])
        yield frame(b"S", _dumps(tuple(chunk)) + _dumps(chunk))


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


_PLAIN_TYPES = (str, bytes, int, float, bool, type(None))
_UNSET = object()


def _plain(value: object) -> bool:
    """True for data the safe unpickler reads back: builtins in tuples, lists, dicts."""
    if isinstance(value, _PLAIN_TYPES):
        return True
    if isinstance(value, (tuple, list)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def _user_cache_file(root: Path) -> Path | None:
    """The fallback location, for projects in read-only directories."""
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    key = hexdigest(os.fsencode(root), 12)
    return Path(platformdirs.user_cache_dir("pkgforge")) / "check" / f"{key}.log"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if need be) while the block runs;
    without ``fcntl`` (Windows), no lock: a lost race then costs a re-parse."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Linux
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _append(path: Path, data: bytes) -> None:
    """Add ``data`` at the end of the log in one write; a short write is cut off again,
    so that the next record starts where a reader expects one."""
    if not data:
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        before = os.fstat(descriptor).st_size
        written = os.write(descriptor, data)
        if written != len(data):
            os.ftruncate(descriptor, before)
            raise OSError(f"short write to {path}")
    finally:
        os.close(descriptor)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def prepared_cache_dir(root: Path) -> Path:
    """``root``'s cache folder, made with its CACHEDIR.TAG and .gitignore when missing
    (``check --fix`` keeps its scratch copy there); raises OSError when it cannot be."""
    directory = root / CACHE_DIR_NAME
    _prepare_dir(directory)
    return directory


def _prepare_dir(directory: Path) -> None:
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    if directory.name == CACHE_DIR_NAME:
        (directory / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="ascii")
        (directory / ".gitignore").write_text("*\n", encoding="ascii")
