"""The summary cache: one file per project, so a warm ``check`` reads one file.

The file is two pickles back to back: a small header (pkgforge's version and
the Python version) and, only if the header matches, the body
``{"feature_version": (3, N), "entries": {relpath: (size, mtime_ns, summary)},
"memo": {...}}``. Entries parsed for another feature version are dropped.
A checked project is untrusted input, so unpickling only admits the summary
dataclasses (see ``_SafeUnpickler``): a planted cache file cannot run code.

Any problem reading the cache means "no cache"; any problem writing it is
logged and ignored. Writes are atomic (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from pkgforge import __version__
from pkgforge.check import summary as _summary_module
from pkgforge.check.summary import ModuleSummary

__all__ = ["CACHE_DIR_NAME", "SummaryCache"]

log = logging.getLogger("pkgforge")

CACHE_DIR_NAME = ".pkgforge_cache"
_CACHE_FILE = "check-v1.pickle"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by pkgforge.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_ALLOWED = frozenset(
    ("pkgforge.check.summary", name)
    for name in _summary_module.__all__
    if isinstance(getattr(_summary_module, name), type)
)

Entry = tuple[int, int, ModuleSummary]


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a pkgforge cache")


def _header() -> tuple[object, ...]:
    return (__version__, tuple(sys.version_info[:3]))


class SummaryCache:
    """Per-file summaries of one project, keyed by relpath with (size, mtime_ns)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.header = _header()
        self.feature_version: tuple[int, int] | None = None
        self.entries: dict[str, Entry] = {}
        self.memo: dict[str, Any] = {}
        """Small project-level results worth keeping (e.g. pyproject validation by hash)."""
        self.dirty = False
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
            body = _SafeUnpickler(buffer).load()
            entries, memo = body["entries"], body["memo"]
            feature_version = body["feature_version"]
            if not isinstance(entries, dict) or not isinstance(memo, dict):
                raise TypeError("malformed cache body")
        except Exception as err:  # noqa: BLE001 - a corrupt cache is no cache, never fatal
            log.debug("ignoring unreadable cache %s: %s", path, err)
            return False
        self.entries = entries
        self.memo = memo
        self.feature_version = feature_version
        return True

    def use_feature_version(self, feature_version: tuple[int, int] | None) -> None:
        """Summaries depend on the parse feature version: forget those made for another."""
        if feature_version != self.feature_version:
            self.feature_version = feature_version
            self.entries.clear()
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
        body = {
            "feature_version": self.feature_version,
            "entries": self.entries,
            "memo": self.memo,
        }
        pickle.dump(body, payload, protocol=pickle.HIGHEST_PROTOCOL)
        for target in (self.root / CACHE_DIR_NAME / _CACHE_FILE, None):
            path = target or _user_cache_file(self.root)
            if path is not None and _write_atomic(path, payload.getvalue()):
                self.dirty = False
                return path
        log.debug("could not write the cache anywhere; continuing without it")
        return None


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


def _prepare_dir(directory: Path) -> None:
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    if directory.name == CACHE_DIR_NAME:
        (directory / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="ascii")
        (directory / ".gitignore").write_text("*\n", encoding="ascii")
