"""What the build readers share: the files they may read, and what they found."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pkgforge.checker.backends.scripts import ScriptWrites, script_writes

__all__ = ["MAX_BYTES", "Reader", "read_text"]

MAX_BYTES = 2_000_000  # a build file larger than this is not read (it says nothing readable)


def read_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


class Reader:
    """Collects what each build file says; each backend's ``creates`` adds to it."""

    def __init__(
        self,
        root: Path,
        files: Iterable[str],
        python_files: Iterable[str],
        pyproject: Mapping[str, Any],
        backend: str = "",
    ) -> None:
        self.root = root
        self.backend = backend
        """The declared build backend (``setuptools.build_meta``); '' when none is."""
        self.files = {Path(f) for f in files}
        self.python_files = {Path(f) for f in python_files}
        self.pyproject = pyproject
        self.env: dict[str, ast.expr | None] = {}
        self.modules: list[str] = []
        self.paths: list[str] = []
        self.unnamed: list[str] = []
        self.scripts: list[ScriptWrites] = []
        self.namespaces: list[str] = []
        self.setup_kwargs: dict[str, Any] = {}
        self.setup_star = False
        self.setup_text = ""
        self.setup_cfg: Mapping[str, Mapping[str, str]] = {}

    def text(self, relpath: str) -> str | None:
        path = self.root / relpath
        if path not in self.files:
            return None  # not stamped by the cache fingerprint: never read it
        return read_text(path)

    def sign(self, why: str) -> None:
        if why not in self.unnamed:
            self.unnamed.append(why)

    def script(self, why: str, relpath: str) -> None:
        """A build script in the project: what it may write, read from its text; a reason
        for any module when that cannot be bounded (see :mod:`.scripts`)."""
        local = frozenset(
            path.stem for path in self.files if path.parent == self.root and path.suffix == ".py"
        )
        writes = script_writes(why, self.text(relpath), local - {Path(relpath).stem})
        if writes is None:
            self.sign(why)
        else:
            self.scripts.append(writes)
