"""pyproject.toml's and setup.cfg's build tables: extension modules, version files,
namespace packages, build hooks."""

from __future__ import annotations

from collections.abc import Mapping

from pkgforge.checker.buildconf.reader import Reader, cfg_list, strings, table
from pkgforge.checker.buildinfo import clean_path
from pkgforge.checker.setup_script import parse_setup_cfg

__all__ = ["read_pyproject", "read_setup_cfg"]


def read_pyproject(reader: Reader) -> None:
    data = reader.pyproject
    tool = table(data, "tool")
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
    for section, keys in (
        (table(tool, "setuptools_scm"), ("write_to", "version_file")),
        (table(tool, "setuptools-scm"), ("write_to", "version_file")),
        (table(tool, "hatch", "build", "hooks", "vcs"), ("version-file",)),
        (table(tool, "hatch", "build", "targets", "wheel", "hooks", "vcs"), ("version-file",)),
        (table(tool, "hatch", "version", "raw-options"), ("write_to", "version_file")),
    ):
        for key in keys:
            value = section.get(key)
            if isinstance(value, str):
                reader.paths.append(clean_path(value))
    write_to = table(tool, "pdm", "version").get("write_to")
    if isinstance(write_to, str):
        # pdm-backend writes relative to the package directory: src/ when there is one
        reader.paths += [clean_path(write_to), clean_path(f"src/{write_to}")]
    for path in table(tool, "poetry-dynamic-versioning", "files"):
        reader.paths.append(clean_path(path))
    for where in (("hatch", "build", "hooks"), ("hatch", "build", "targets", "wheel", "hooks")):
        hooks = [name for name in table(tool, *where) if name not in {"vcs", "mypyc"}]
        if hooks:
            reader.sign(f"the hatch build hook {hooks[0]!r} may create modules")
    poetry_build = table(tool, "poetry").get("build")
    if poetry_build is not None:
        reader.sign("poetry's build script may create modules")
    if (reader.root / "pdm_build.py") in reader.files:
        reader.sign("pdm_build.py may create modules")
    if (reader.root / "build.py") in reader.files and "poetry" in tool:
        reader.sign("poetry's build.py may create modules")


def read_setup_cfg(reader: Reader) -> Mapping[str, Mapping[str, str]]:
    text = reader.text("setup.cfg")
    if text is None:
        return {}
    sections = parse_setup_cfg(text) or {}
    options = sections.get("options", {})
    reader.namespaces += cfg_list(options.get("namespace_packages", ""))
    versioneer = sections.get("versioneer", {})
    for key in ("versionfile_source", "versionfile_build"):
        if versioneer.get(key):
            reader.paths.append(clean_path(versioneer[key]))
    return sections
