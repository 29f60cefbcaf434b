"""The summary cache: one file per project, so a warm ``check`` reads one file.

The file is three pickles back to back:

1. a header (pkgforge's version, the Python version, a stamp of pkgforge's own
   check code): anything else means "no cache";
2. the front: the parse feature version, a small memo (parsed pyproject.toml,
   validate-pyproject's verdict, each by content hash) and the last run's raw
   findings with the fingerprint of the tree and settings they came from;
3. the per-file summaries ``{relpath: (size, mtime_ns, summary)}``, unpickled only
   when some file changed: an unchanged project never pays for them.

A checked project is untrusted input, so unpickling only admits pkgforge's own
summary and finding classes (``_SafeUnpickler``): a planted cache cannot run code.
Any problem reading the cache means "no cache"; any problem writing it is logged
and ignored. Writes are atomic (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge import __version__

if TYPE_CHECKING:
    from pkgforge.checker.summary import ModuleSummary

__all__ = ["CACHE_DIR_NAME", "SummaryCache", "prepared_cache_dir"]

log = logging.getLogger("pkgforge")

CACHE_DIR_NAME = ".pkgforge_cache"
_CACHE_FILE = "check-v1.pickle"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by pkgforge.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# Only pkgforge's own data classes may be unpickled; their modules are imported
# on first use, so a warm run that needs no summaries never loads them.
_ALLOWED_MODULES = frozenset(
    {"pkgforge.checker.summary", "pkgforge.checker.findings", "pkgforge.checker.certainty"}
)

Entry = tuple[int, int, "ModuleSummary"]


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES:
            namespace = importlib.import_module(module)
            value = getattr(namespace, name, None)
            if name in getattr(namespace, "__all__", ()) and isinstance(value, type):
                return value
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a pkgforge cache")


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
    digest = hashlib.blake2b("\n".join(sorted(parts)).encode(), digest_size=16)
    return digest.hexdigest()


class SummaryCache:
    """Per-file summaries of one project, keyed by relpath with (size, mtime_ns)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.header = _header()
        self.feature_version: tuple[int, int] | None = None
        self.memo: dict[str, Any] = {}
        """Small project-level results worth keeping (e.g. pyproject validation by hash)."""
        self.result: tuple[str, Any] | None = None
        """(fingerprint, findings data) of the last complete run."""
        self.dirty = False
        self._entries: dict[str, Entry] | None = {}
        self._pending: bytes = b""
        self._loaded_from: Path | None = None

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
                data = stream.read()
        except OSError:
            return False
        try:
            buffer = io.BytesIO(data)
            if _SafeUnpickler(buffer).load() != self.header:
                log.debug("cache %s is from another pkgforge or Python; ignoring it", path)
                return False
            front = _SafeUnpickler(buffer).load()
            memo, result = front["memo"], front["result"]
            feature_version = front["feature_version"]
            if not isinstance(memo, dict) or not (result is None or isinstance(result, tuple)):
                raise TypeError("malformed cache front")
        except Exception as err:  # noqa: BLE001 - a corrupt cache is no cache, never fatal
            log.debug("ignoring unreadable cache %s: %s", path, err)
            return False
        self.memo = memo
        self.result = result
        self.feature_version = feature_version
        self._entries = None
        self._pending = data[buffer.tell() :]
        return True

    @property
    def has_summaries(self) -> bool:
        """Whether any file's summary is stored (without unpickling them)."""
        return bool(self._pending) if self._entries is None else bool(self._entries)

    @property
    def entries(self) -> dict[str, Entry]:
        """The per-file summaries, unpickled on first use."""
        if self._entries is None:
            try:
                entries = _SafeUnpickler(io.BytesIO(self._pending)).load()
                if not isinstance(entries, dict):
                    raise TypeError("malformed cache entries")
            except Exception as err:  # noqa: BLE001 - a corrupt cache is no cache
                log.debug("ignoring unreadable cache entries: %s", err)
                entries = {}
            self._entries, self._pending = entries, b""
        return self._entries

    def recall(self, fingerprint: str) -> Any:
        """The findings data stored for ``fingerprint`` by :meth:`store`, or None."""
        if self.result is not None and self.result[0] == fingerprint:
            return self.result[1]
        return None

    def store(self, fingerprint: str, data: Any) -> None:
        self.result = (fingerprint, data)
        self.dirty = True

    def use_feature_version(self, feature_version: tuple[int, int] | None) -> None:
        """Summaries depend on the parse feature version: forget those made for another."""
        if feature_version != self.feature_version:
            self.feature_version = feature_version
            self._entries, self._pending = {}, b""
            self.result = None
            self.dirty = True

    def get(self, relpath: str, size: int, mtime_ns: int) -> ModuleSummary | None:
        entry = self.entries.get(relpath)
        if entry is not None and entry[0] == size and entry[1] == mtime_ns:
            return entry[2]
        return None

    def put(self, relpath: str, size: int, mtime_ns: int, summary: ModuleSummary) -> None:
        self.entries[relpath] = (size, mtime_ns, summary)
        self.dirty = True

    def remember(self, key: str, value: Any) -> None:
        self.memo[key] = value
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        """Forget files that no longer exist."""
        stale = self.entries.keys() - keep
        for relpath in stale:
            del self.entries[relpath]
        self.dirty = self.dirty or bool(stale)

    def save(self) -> Path | None:
        """Write the cache if it changed; return where, or None. Never raises."""
        if not self.dirty:
            return self._loaded_from
        payload = io.BytesIO()
        pickle.dump(self.header, payload, protocol=pickle.HIGHEST_PROTOCOL)
        # Anything else would make the next load fail, and every run cold.
        memo = {key: value for key, value in self.memo.items() if _plain(value)}
        front = {"feature_version": self.feature_version, "memo": memo, "result": self.result}
        pickle.dump(front, payload, protocol=pickle.HIGHEST_PROTOCOL)
        if self._entries is None:  # never looked at: keep the stored bytes as they are
            payload.write(self._pending)
        else:
            pickle.dump(self._entries, payload, protocol=pickle.HIGHEST_PROTOCOL)
        for target in (self.root / CACHE_DIR_NAME / _CACHE_FILE, None):
            path = target or _user_cache_file(self.root)
            if path is not None and _write_atomic(path, payload.getvalue()):
                self.dirty = False
                return path
        log.debug("could not write the cache anywhere; continuing without it")
        return None


_PLAIN_TYPES = (str, bytes, int, float, bool, type(None))


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
    key = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    return Path(platformdirs.user_cache_dir("pkgforge")) / "check" / f"{key}.pickle"


def _write_atomic(path: Path, data: bytes) -> bool:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _prepare_dir(path.parent)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as err:
        log.debug("cannot write cache %s: %s", path, err)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


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
