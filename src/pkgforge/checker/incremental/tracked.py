"""A source file whose summary is read from the cache on first use, and recorded as read.

A recorded check (:mod:`.deps`) builds its model of these: every ``file.summary`` is a
read of that file's key, and a re-check after an edit unpickles only the summaries that
the units it runs again ask for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pkgforge.checker.incremental import deps
from pkgforge.checker.model import SourceFile
from pkgforge.checker.summary import ModuleSummary

__all__ = ["StaleCache", "TrackedFile"]


class StaleCache(BaseException):
    """A summary the re-check needs is no longer in the cache: the engine runs every rule
    on a full model instead. A BaseException, so that no rule's ``except Exception``
    mistakes it for its own failure."""


class TrackedFile(SourceFile):
    """A :class:`~pkgforge.checker.model.SourceFile` whose ``summary`` is loaded by
    ``load`` when first read; ``key`` is its dependency key (its index in the walk's
    order)."""

    key: int
    _path: Path | str
    _load: Callable[[], ModuleSummary] | None
    _summary: ModuleSummary | None

    def __init__(
        self,
        path: Path | str,
        relpath: str,
        module: str,
        is_package: bool,
        *,
        key: int,
        load: Callable[[], ModuleSummary] | None = None,
        summary: ModuleSummary | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "_path", path)
        set_(self, "relpath", relpath)
        set_(self, "module", module)
        set_(self, "is_package", is_package)
        set_(self, "key", key)
        set_(self, "_load", load)
        set_(self, "_summary", summary)

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
            found = load() if load is not None else ModuleSummary()
            object.__setattr__(self, "_summary", found)
        return found
