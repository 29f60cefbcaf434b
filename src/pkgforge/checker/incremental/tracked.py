"""A source file whose summary is read from the cache on first use, and recorded as read.

A recorded check (:mod:`.deps`) builds its model of these: every ``file.summary`` is a
read of that file's key, and a re-check after an edit unpickles only the summaries that
the units it runs again ask for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pkgforge.checker.incremental import deps
from pkgforge.checker.model import SourceFile
from pkgforge.checker.summary import ModuleSummary

__all__ = ["StaleCache", "TrackedFile"]


class StaleCache(BaseException):
    """A summary the re-check needs is no longer in the cache: the engine runs every rule
    on a full model instead. A BaseException, so that no rule's ``except Exception``
    mistakes it for its own failure."""


class TrackedFile(SourceFile):
    """A :class:`~pkgforge.checker.model.SourceFile` whose ``summary`` is ``load(source)``,
    loaded when first read; ``key`` is its dependency key (its index in the walk's order).
    Made with :meth:`made` (a re-check makes one per file of the project: its fields are
    set at once, not one by one)."""

    key: int
    _path: Path | str
    _load: Callable[[Any], ModuleSummary] | None
    _source: Any
    _summary: ModuleSummary | None

    @classmethod
    def made(
        cls,
        path: Path | str,
        relpath: str,
        module: str,
        is_package: bool,
        key: int,
        *,
        load: Callable[[Any], ModuleSummary] | None = None,
        source: Any = None,
        summary: ModuleSummary | None = None,
    ) -> TrackedFile:
        made = object.__new__(cls)
        fields = {
            "_path": path,
            "relpath": relpath,
            "module": module,
            "is_package": is_package,
            "key": key,
            "_load": load,
            "_source": source,
            "_summary": summary,
        }
        object.__setattr__(made, "__dict__", fields)
        return made

    @property
    def path(self) -> Path:
        """Absolute path (made from the walk's string when first asked for)."""
        path = self._path
        if not isinstance(path, Path):
            path = Path(path)
            object.__setattr__(self, "_path", path)
        return path

    @property
    def summary(self) -> ModuleSummary:
        deps.read(self.key)
        found = self._summary
        if found is None:
            load = self._load
            found = load(self._source) if load is not None else ModuleSummary()
            object.__setattr__(self, "_summary", found)
        return found
