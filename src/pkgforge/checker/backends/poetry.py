"""poetry-core: what its wheel ships, and what its build script may write."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.buildinfo import clean_path
from pkgforge.checker.backends.mounts import (
    Decision,
    installed_mounts,
    literal_path,
    norm,
    project_name,
    strings,
    table,
)

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "ships"]

SETTING = "`[tool.poetry] packages`"
"""Where this backend's configuration says what ships (PF105's hint)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    poetry = table(pyproject, "tool", "poetry")
    packages = poetry.get("packages")
    skip = strings(poetry.get("exclude"))
    if isinstance(packages, list) and packages:
        pairs = []
        for spec in packages:
            if not isinstance(spec, Mapping) or not isinstance(spec.get("include"), str):
                return None
            formats = spec.get("format")
            if formats is not None and "wheel" not in strings(formats):
                continue  # an sdist-only include does not ship in the wheel
            include = literal_path(spec["include"])
            origin, target = spec.get("from", ""), spec.get("to", "")
            if include is None or not isinstance(origin, str) or not isinstance(target, str):
                return None
            pairs.append((norm(f"{origin}/{include}"), norm(f"{target}/{include}")))
        return Decision(installed_mounts(root, pairs, skip), "[tool.poetry] packages")
    name = project_name(pyproject)
    if name is None:
        return None
    module = re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")
    for base in ("", "src/"):
        package, single = f"{base}{module}", f"{base}{module}.py"
        if (root / package).is_dir():
            pairs = [(package, module)]
        elif (root / single).is_file():
            pairs = [(single, f"{module}.py")]
        else:
            continue
        return Decision(installed_mounts(root, pairs, skip), f"poetry-core's default ({package})")
    return None


def creates(reader: Reader) -> None:
    """The files poetry-dynamic-versioning writes; a reason for a build script."""
    tool = table(reader.pyproject, "tool")
    for path in table(tool, "poetry-dynamic-versioning", "files"):
        reader.paths.append(clean_path(path))
    build = table(tool, "poetry").get("build")
    script = table(tool, "poetry", "build").get("script") if isinstance(build, dict) else build
    if build is not None:
        path = clean_path(script) if isinstance(script, str) else ""
        reader.script("poetry's build script may create modules", path)
    elif (reader.root / "build.py") in reader.files and "poetry" in tool:
        reader.script("poetry's build.py may create modules", "build.py")
