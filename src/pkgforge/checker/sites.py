"""The project's own environments, where its dependencies are installed.

pkgforge often runs from its own environment (pipx, uv tool) while the project's
dependencies live in the project's ``.venv/`` or ``venv/``, or in the active
``VIRTUAL_ENV``. Their site-packages directories tell which import names the declared
distributions provide (PF403, PF407, PF408), before pkgforge's own ``sys.path``.
Kept apart and free of imports so the warm path can stamp them cheaply.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_site_dirs"]


def project_site_dirs(root: Path) -> tuple[str, ...]:
    """site-packages directories of the project's virtual environments, nearest first."""
    candidates = [root / ".venv", root / "venv"]
    active = os.environ.get("VIRTUAL_ENV")
    if active:
        candidates.append(Path(active))
    found: list[str] = []
    for env in candidates:
        if not (env / "pyvenv.cfg").is_file():
            continue
        sites = [
            env / "Lib" / "site-packages",
            *sorted((env / "lib").glob("python3*/site-packages")),
        ]
        found += [
            os.fspath(site) for site in sites if site.is_dir() and os.fspath(site) not in found
        ]
    return tuple(found)
