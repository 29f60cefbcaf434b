"""pdm-backend: what its wheel ships, and the files its build writes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.buildinfo import clean_path
from pkgforge.checker.backends.mounts import (
    Decision,
    Mount,
    installed_mounts,
    literal_path,
    names_in,
    norm,
    strings,
    table,
)

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "ships"]

SETTING = "`[tool.pdm.build] package-dir`/`includes`"
"""Where this backend's configuration says what ships (PF105's hint)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    build = table(pyproject, "tool", "pdm", "build")
    includes = strings(build.get("includes"))
    excludes = strings(build.get("excludes"))
    package_dir = build.get("package-dir")
    if not isinstance(package_dir, str):
        in_src = any(norm(i).split("/")[0] == "src" for i in includes)
        use_src = ((root / "src").is_dir() and not includes) or (
            in_src and "src" not in excludes and "src/" not in excludes
        )
        package_dir = "src" if use_src else ""
    base = norm(package_dir)
    skip = (*excludes, *(strings(build.get("source-includes")) or ["tests"]))
    source = "[tool.pdm.build] in pyproject.toml" if build else "pdm-backend's default"
    if not includes:
        path = root / base if base else root
        tops = _top_packages(path)
        if tops:
            only = frozenset(tops)
        else:
            only = frozenset(n[:-3] for n in names_in(path) if n.endswith(".py"))
        return Decision(
            (Mount(path, only=only, skip=skip),), f"{source} (package-dir {base or '.'})"
        )
    pairs = []
    for include in includes:
        selected = literal_path(include)
        if selected is None:
            return None
        inside = base and (selected == base or selected.startswith(f"{base}/"))
        pairs.append((selected, selected[len(base) + 1 :] if inside else selected))
    return Decision(installed_mounts(root, pairs, skip), source)


def creates(reader: Reader) -> None:
    """The version file pdm-backend writes; a reason for a pdm_build.py hook."""
    write_to = table(reader.pyproject, "tool", "pdm", "version").get("write_to")
    if isinstance(write_to, str):
        # pdm-backend writes relative to the package directory: src/ when there is one
        reader.paths += [clean_path(write_to), clean_path(f"src/{write_to}")]
    if (reader.root / "pdm_build.py") in reader.files:
        reader.script("pdm_build.py may create modules", "pdm_build.py")


def _top_packages(path: Path) -> list[str]:
    tops = []
    for name in names_in(path):
        if name in {"__pycache__", "__pypackages__"}:
            continue
        folder = path / name
        if (folder / "__init__.py").is_file() or (
            name.endswith("-stubs") and (folder / "__init__.pyi").is_file()
        ):
            tops.append(name)
    return tops
