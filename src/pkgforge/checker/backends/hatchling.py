"""hatchling: what its wheel target ships, and the files its build hooks write."""

from __future__ import annotations

import posixpath
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

SETTING = "`[tool.hatch.build.targets.wheel] packages`"
"""Where this backend's configuration says what ships (PF105's hint)."""

_WRITE_NO_MODULE = frozenset({"autorun"})
"""Build hook plugins whose documented output holds no module of the project, so no
blind spot: hatch-autorun adds one ``hatch_autorun_<project>.pth`` file at the root of
the wheel (its ``initialize`` puts only that file in ``force_include``). Any other
plugin's code is not the project's to read: it may write any module."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    build = table(pyproject, "tool", "hatch", "build")
    wheel = table(build, "targets", "wheel")

    def option(key: str) -> object:
        return wheel[key] if key in wheel else build.get(key)

    packages = [norm(p) for p in strings(option("packages")) if norm(p)]
    only_include = [norm(p) for p in strings(option("only-include"))]
    include = strings(option("include"))
    where = "[tool.hatch.build.targets.wheel]" if wheel else "[tool.hatch.build]"
    source = f"{where} in pyproject.toml"
    if not (packages or only_include or include):
        default = _default(root, pyproject)
        if default is None:
            return None
        packages, only_include = default
        source = "hatchling's default file selection"
    rewrite = _sources(option("sources"), packages)
    included = []
    for pattern in include:
        path = literal_path(pattern)
        if path is None or not (root / path).exists():
            return None  # a glob hatch resolves against the tree: not followed
        included.append(path)
    selected = _selection(only_include or packages, [*included, *packages])
    pairs = [(path, _rewrite(path, rewrite)) for path in selected]
    return Decision(installed_mounts(root, pairs, strings(option("exclude"))), source)


def creates(reader: Reader) -> None:
    """The version file hatch-vcs or hatchling's own version hook writes; a reason for any
    other build hook."""
    tool = table(reader.pyproject, "tool")
    for section, keys in (
        (table(tool, "hatch", "build", "hooks", "vcs"), ("version-file",)),
        (table(tool, "hatch", "build", "targets", "wheel", "hooks", "vcs"), ("version-file",)),
        (table(tool, "hatch", "version", "raw-options"), ("write_to", "version_file")),
        (table(tool, "hatch", "build", "hooks", "version"), ("path",)),
        (table(tool, "hatch", "build", "targets", "wheel", "hooks", "version"), ("path",)),
    ):
        for key in keys:
            value = section.get(key)
            if isinstance(value, str):
                reader.paths.append(clean_path(value))
    for where in (("hatch", "build", "hooks"), ("hatch", "build", "targets", "wheel", "hooks")):
        for name in table(tool, *where):
            if name in {"vcs", "mypyc", "version"} or name in _WRITE_NO_MODULE:
                continue
            why = f"the hatch build hook {name!r} may create modules"
            if name == "custom":
                path = table(tool, *where, "custom").get("path", "hatch_build.py")
                reader.script(why, clean_path(path) if isinstance(path, str) else "")
            else:
                reader.sign(why)  # a plugin's code is not the project's to read


def _selection(roots: list[str], filters: list[str]) -> list[str]:
    """What hatchling ships: the files under ``roots`` (only-include, else packages) that
    ``filters`` (include and packages) match; without roots, what the filters match."""
    if not roots:
        return filters
    if not filters:
        return roots
    selected = []
    for folder in roots:
        for path in filters:
            if _within(folder, path):
                selected.append(folder)
            elif _within(path, folder):
                selected.append(path)
    return list(dict.fromkeys(selected))


def _within(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(f"{folder}/")


def _default(root: Path, pyproject: Mapping[str, Any]) -> tuple[list[str], list[str]] | None:
    """hatchling's default selection: <name>/, src/<name>/, <name>.py, */<name>/."""
    raw = project_name(pyproject)
    if raw is None:
        return None
    canonical = re.sub(r"[-_.]+", "-", raw).lower()
    for name in dict.fromkeys(re.sub(r"[^\w\d.]+", "_", n) for n in (raw, canonical)):
        if (root / name / "__init__.py").is_file():
            return [name], []
        if (root / "src" / name / "__init__.py").is_file():
            return [f"src/{name}"], []
        if (root / f"{name}.py").is_file():
            return [], [f"{name}.py"]
        found = list(root.glob(f"*/{name}/__init__.py"))
        if len(found) == 1:
            return [found[0].parent.parent.name], []
    return None


def _sources(value: object, packages: list[str]) -> dict[str, str]:
    rewrite: dict[str, str] = {}
    if isinstance(value, list):
        rewrite.update({f"{norm(s)}/": "" for s in strings(value) if norm(s)})
    elif isinstance(value, Mapping):
        for key, target in value.items():
            if isinstance(key, str) and isinstance(target, str):
                prefix = f"{norm(key)}/" if norm(key) else ""
                rewrite[prefix] = f"{norm(target)}/" if norm(target) else ""
    for package in packages:
        parent = posixpath.dirname(package)
        if parent and f"{package}/" not in rewrite:
            rewrite[f"{parent}/"] = ""
    return dict(sorted(rewrite.items()))


def _rewrite(path: str, rewrite: Mapping[str, str]) -> str:
    # hatchling takes the first matching source in sorted order.
    probe = f"{path}/"
    for prefix, target in rewrite.items():
        if probe.startswith(prefix):
            return norm(target + probe[len(prefix) :])
    return path
