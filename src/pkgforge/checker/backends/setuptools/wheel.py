"""Which packages setuptools puts into the wheel, and what may still ship as data."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from pkgforge.checker.backends.buildinfo import Wheel
from pkgforge.checker.backends.mounts import strings, table
from pkgforge.checker.backends.reader import Reader
from pkgforge.checker.backends.setuptools.extensions import literal
from pkgforge.checker.backends.setuptools.script import call_name, cfg_list, resolve

__all__ = ["read_wheel"]

_SCM_FINDERS = re.compile(r"setuptools[-_.]?(scm|git|hg|svn|bzr)", re.IGNORECASE)


def read_wheel(reader: Reader, cfg: Mapping[str, Mapping[str, str]]) -> Wheel:
    data = _data_rules(reader, cfg)
    kwargs = reader.setup_kwargs
    if "packages" in kwargs:
        return _wheel_from_setup_py(kwargs["packages"], reader, data)
    if reader.setup_star:
        return Wheel(source="setup.py passes **kwargs", data=data)
    options = cfg.get("options", {})
    if "packages" in options:
        value = options["packages"].strip()
        find = cfg.get("options.packages.find", {})
        include = tuple(cfg_list(find.get("include", "")))
        exclude = tuple(cfg_list(find.get("exclude", "")))
        if value == "find:":
            return Wheel("find", (), include, exclude, "setup.cfg `packages = find:`", data)
        if value == "find_namespace:":
            return Wheel("namespace", (), include, exclude, "setup.cfg `find_namespace:`", data)
        names = tuple(cfg_list(value))
        return Wheel("list", names, source="setup.cfg `packages = ...`", data=data)
    setuptools = table(reader.pyproject, "tool", "setuptools")
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        names = tuple(strings(packages))
        return Wheel("list", names, source="[tool.setuptools] packages", data=data)
    find = table(setuptools, "packages", "find")
    if find:
        include = tuple(strings(find.get("include")))
        exclude = tuple(strings(find.get("exclude")))
        kind = "namespace" if find.get("namespaces", True) else "find"
        return Wheel(kind, (), include, exclude, "[tool.setuptools.packages.find]", data)
    if "py_modules" in kwargs or "py-modules" in setuptools or "py_modules" in options:
        return Wheel(source="an explicit py_modules list", data=data)
    if "ext_modules" in kwargs and "project" not in reader.pyproject:
        # setuptools skips its automatic discovery when ext_modules is given in setup.py
        return Wheel(source="setup.py ext_modules without packages", data=data)
    return Wheel("namespace", source="setuptools' automatic discovery", data=data)


def _wheel_from_setup_py(node: Any, reader: Reader, data: tuple[tuple[str, ...], ...]) -> Wheel:
    env = reader.env
    node = resolve(node, env) or node
    if isinstance(node, ast.List | ast.Tuple):
        names = [literal(item, env) for item in node.elts]
        if all(name is not None for name in names):
            listed = tuple(name for name in names if name is not None)
            return Wheel("list", listed, source="setup.py `packages=[...]`", data=data)
    if isinstance(node, ast.Call):
        name = call_name(node.func)
        if name in {"find_packages", "find_namespace_packages", "find_namespace"}:
            kind = "find" if name == "find_packages" else "namespace"
            include = _literal_patterns(node, "include", env)
            exclude = _literal_patterns(node, "exclude", env, position=1)
            return Wheel(kind, (), include, exclude, f"setup.py `{name}()`", data)
    return Wheel(source="setup.py computes packages at run time", data=data)


def _literal_patterns(
    call: ast.Call, key: str, env: Mapping[str, ast.expr | None], position: int = -1
) -> tuple[str, ...] | None:
    node = next((k.value for k in call.keywords if k.arg == key), None)
    if node is None and 0 <= position < len(call.args):
        node = call.args[position]
    if node is None:
        return ()
    node = resolve(node, env) or node
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        values = [literal(item, env) for item in node.elts]
        if all(v is not None for v in values):
            return tuple(v for v in values if v is not None)
    return None


def _data_rules(
    reader: Reader, cfg: Mapping[str, Mapping[str, str]]
) -> tuple[tuple[str, ...], ...]:
    """What could ship a ``.py`` file of an unlisted folder as package data anyway."""
    rules: list[tuple[str, ...]] = []
    requires = " ".join(strings(table(reader.pyproject, "build-system").get("requires")))
    setup_cfg_requires = cfg.get("options", {}).get("setup_requires", "")
    if _SCM_FINDERS.search(f"{requires} {setup_cfg_requires} {reader.setup_text}"):
        rules.append(("scm",))  # a file finder: every tracked file is in the manifest
    manifest = reader.text("MANIFEST.in")
    for line in (manifest or "").splitlines():
        words = line.split("#", 1)[0].split()
        if words and words[0] in {"include", "recursive-include", "graft", "global-include"}:
            rules.append(tuple(words))
    patterns: list[str] = []
    for value in table(reader.pyproject, "tool", "setuptools", "package-data").values():
        patterns += strings(value)
    for value in cfg.get("options.package_data", {}).values():
        patterns += cfg_list(value)
    if "package_data" in reader.setup_kwargs:
        patterns.append("*")  # not read: assume it may match anything
    rules.extend(("package-data", pattern) for pattern in patterns)
    return tuple(rules)
