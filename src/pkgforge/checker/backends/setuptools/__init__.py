"""setuptools: what it ships and what its build creates, from pyproject.toml's
``[tool.setuptools]``, setup.cfg and setup.py (read through its syntax tree, never run).

- :mod:`.script`: parsing setup.py and setup.cfg, shared with the declared dependencies;
- :mod:`.options`: setup.cfg's and setup.py's package settings (packages, package_dir);
- :mod:`.discovery`: the folders that ship, from the first configuration that decides;
- :mod:`.extensions`: the modules setup.py's build creates (extensions, CFFI, versions);
- :mod:`.wheel`: which packages go into the wheel, and what may still ship as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.buildinfo import clean_path
from pkgforge.checker.backends.mounts import Decision, strings, table
from pkgforge.checker.backends.setuptools.discovery import setuptools_decision

if TYPE_CHECKING:
    from pkgforge.checker.backends.buildinfo import Wheel
    from pkgforge.checker.backends.reader import Reader

__all__ = ["BACKENDS", "SETTING", "creates", "ships", "wheel_packages"]

SETTING = "`[tool.setuptools.packages.find] where` (or setup.py's `packages=`)"
"""Where this backend's configuration says what ships (PF105's hint)."""

BACKENDS = frozenset({"setuptools.build_meta", "setuptools.build_meta:__legacy__"})


def ships(root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None) -> Decision:
    return setuptools_decision(root, pyproject, memo)


def creates(reader: Reader) -> None:
    """setup.py's extension modules, setup.cfg's and ``[tool.setuptools]``'s (with
    setuptools-rust's, setuptools-scm's and versioneer's) modules, files and namespaces."""
    from pkgforge.checker.backends.setuptools.extensions import read_setup_py

    read_setup_py(reader)
    _read_setup_cfg(reader)
    _read_pyproject(reader)


def wheel_packages(reader: Reader) -> Wheel:
    """Which packages go into the wheel (after :func:`creates` has read the files)."""
    from pkgforge.checker.backends.setuptools.wheel import read_wheel

    return read_wheel(reader, reader.setup_cfg)


def _read_pyproject(reader: Reader) -> None:
    tool = table(reader.pyproject, "tool")
    setuptools = table(tool, "setuptools")
    ext = setuptools.get("ext-modules")
    if isinstance(ext, list):
        for item in ext:
            name = item.get("name") if isinstance(item, Mapping) else None
            if isinstance(name, str):
                reader.modules.append(name)
            else:
                reader.sign("[tool.setuptools] ext-modules has an entry without a name")
    for item in table(tool, "setuptools-rust").get("ext-modules") or []:
        target = item.get("target") if isinstance(item, Mapping) else None
        if isinstance(target, str):
            reader.modules.append(target)
        else:
            reader.sign("[tool.setuptools-rust] ext-modules has an entry without a target")
    reader.namespaces += strings(setuptools.get("namespace-packages"))
    # files written at build time: a version module
    for section in (table(tool, "setuptools_scm"), table(tool, "setuptools-scm")):
        for key in ("write_to", "version_file"):
            value = section.get(key)
            if isinstance(value, str):
                reader.paths.append(clean_path(value))


def _read_setup_cfg(reader: Reader) -> None:
    text = reader.text("setup.cfg")
    if text is None:
        return
    from pkgforge.checker.backends.setuptools.script import cfg_list, parse_setup_cfg

    sections = parse_setup_cfg(text) or {}
    reader.setup_cfg = sections
    options = sections.get("options", {})
    reader.namespaces += cfg_list(options.get("namespace_packages", ""))
    versioneer = sections.get("versioneer", {})
    for key in ("versionfile_source", "versionfile_build"):
        if versioneer.get(key):
            reader.paths.append(clean_path(versioneer[key]))
