"""One content digest for a template folder, whatever it came from (a folder, a zip, the history).

The digest covers every file's relative path and bytes, in sorted order, and
nothing else: timestamps, permissions, empty folders and the zip or tar
wrapping do not change it. ``.git`` and ``__pycache__`` folders are left out
(pip byte-compiles the built-in templates when it installs pkgforge).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["IGNORED_DIRS", "content_digest", "template_files"]

IGNORED_DIRS = frozenset({".git", "__pycache__"})


def template_files(folder: Path) -> list[str]:
    """Every file under ``folder`` as a sorted relative POSIX path, ignored folders left out."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        base = Path(root).relative_to(folder)
        found.extend((base / name).as_posix() for name in files)
    return sorted(found)


def content_digest(folder: Path) -> str:
    """``sha256:<hex>`` over the sorted relative paths and bytes of the files under ``folder``."""
    digest = hashlib.sha256()
    for relative in template_files(folder):
        data = (folder / relative).read_bytes()
        # Lengths make the stream unambiguous: no two trees hash the same bytes.
        digest.update(f"{len(relative.encode())}:{relative}:{len(data)}:".encode())
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"
