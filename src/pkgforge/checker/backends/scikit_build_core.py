"""scikit-build-core: the Python packages its wheel ships beside what CMake installs."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.mounts import (
    Decision,
    installed_mounts,
    norm,
    project_name,
    strings,
    table,
)

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["BACKENDS", "SETTING", "creates", "ships"]

SETTING = "`[tool.scikit-build] wheel.packages`"
"""Where this backend's configuration says what ships (PF105's hint)."""

BACKENDS = frozenset({"scikit_build_core.build", "scikit_build_core.setuptools.build_meta"})
"""Its build-backend values (CMakeLists.txt is read for them: :mod:`.cmake`)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    settings = table(pyproject, "tool", "scikit-build")
    packages = table(settings, "wheel").get("packages")
    if isinstance(packages, list):
        pairs = [(norm(p), posixpath.basename(norm(p))) for p in strings(packages)]
        return Decision(installed_mounts(root, pairs), "[tool.scikit-build] wheel.packages")
    if isinstance(packages, Mapping):
        pairs = [(norm(v), k) for k, v in packages.items() if isinstance(v, str)]
        return Decision(installed_mounts(root, pairs), "[tool.scikit-build] wheel.packages")
    name = project_name(pyproject)
    if name is None:
        return None
    parts = [part.replace("-", "_") for part in name.split(".")]
    candidates = ["_".join(parts)] + (["/".join(parts)] if len(parts) > 1 else [])
    for base in ("src/", "python/", ""):
        for relative in candidates:
            folder = root / f"{base}{relative}"
            if (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file():
                mounts = installed_mounts(root, [(f"{base}{relative}", relative)])
                return Decision(mounts, f"scikit-build-core's default ({base}{relative})")
    return None


def creates(reader: Reader) -> None:
    """The modules CMakeLists.txt installs (:mod:`.cmake`), below ``wheel.install-dir``,
    with ``${SKBUILD_PROJECT_NAME}`` known; and a reason, since CMake may build more."""
    if reader.backend not in BACKENDS:
        return
    reader.sign("the build backend scikit-build-core compiles modules")
    install_dir = table(reader.pyproject, "tool", "scikit-build", "wheel").get("install-dir", "")
    if not isinstance(install_dir, str) or install_dir.startswith("/"):
        install_dir = "${unknown}"  # another wheel folder than site-packages: none is a module
    name = project_name(reader.pyproject)
    variables = {"SKBUILD_PLATLIB_DIR": ""}
    if name is not None:
        variables["SKBUILD_PROJECT_NAME"] = name.replace("-", "_").replace(".", "_")
    from pkgforge.checker.backends.cmake import read_cmake

    read_cmake(reader, active=True, variables=variables, prefix=install_dir.strip("/"))
