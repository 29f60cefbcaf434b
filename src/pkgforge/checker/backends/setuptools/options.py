"""setuptools' older configuration files, read without running anything.

setup.cfg with :mod:`configparser`; setup.py with :mod:`ast`: only literal keyword
arguments of its one ``setup(...)`` call count (lists, dicts,
``find_packages(...)`` / ``find_namespace_packages(...)`` with literal arguments,
or a module-level name bound once to one of those). Anything else is
:data:`~pkgforge.checker.backends.mounts.UNKNOWN`. Imported only when one of the files
changed since the last run.
"""

from __future__ import annotations

import ast
from typing import Any

from pkgforge.checker.backends.mounts import UNKNOWN
from pkgforge.checker.backends.setuptools.script import (
    call_name,
    cfg_list,
    parse_setup_cfg,
    parse_setup_script,
    resolve,
    setup_keywords,
)

__all__ = ["setup_cfg", "setup_py"]

_KEYS = ("packages", "package_dir", "py_modules")
_FIND_FUNCTIONS = {"find_packages": False, "find_namespace_packages": True}


def setup_cfg(data: bytes) -> dict[str, Any]:
    sections = parse_setup_cfg(data)
    if sections is None or "options" not in sections:
        return {}
    options = sections["options"]
    config: dict[str, Any] = {}
    if "package_dir" in options:
        config["package_dir"] = _cfg_mapping(options["package_dir"])
    if "packages" in options:
        value = options["packages"].strip()
        if value in {"find:", "find_namespace:"}:
            find = sections.get("options.packages.find", {})
            config["packages"] = {
                "where": cfg_list(find.get("where", "")) or ["."],
                "include": cfg_list(find.get("include", "")),
                "exclude": cfg_list(find.get("exclude", "")),
                "namespace": value == "find_namespace:",
            }
        elif ":" in value:
            config["packages"] = UNKNOWN  # attr:/file: directives run code or read files
        else:
            config["packages"] = cfg_list(value)
    if "py_modules" in options:
        value = options["py_modules"]
        config["py_modules"] = UNKNOWN if ":" in value else cfg_list(value)
    return config


def _cfg_mapping(value: str) -> dict[str, str] | str:
    mapping: dict[str, str] = {}
    for line in value.splitlines():
        if not line.strip():
            continue
        key, sep, target = line.partition("=")
        if not sep:
            return UNKNOWN
        mapping[key.strip()] = target.strip()
    return mapping


def setup_py(data: bytes) -> dict[str, Any]:
    """The literal package settings of setup.py's one ``setup(...)`` call."""
    script = parse_setup_script(data)
    if script is None:
        return dict.fromkeys(_KEYS, UNKNOWN)
    call = script.setup_call
    if call is None:
        # No setup() (or several, picked at run time): nothing here is known.
        return dict.fromkeys(_KEYS, UNKNOWN) if script.setup_calls else {}
    if call.args:
        return dict.fromkeys(_KEYS, UNKNOWN)  # positional setup() arguments: not setuptools'
    keywords, complete = setup_keywords(script)
    config: dict[str, Any] = {
        key: _literal(resolve(value, script.bindings), key)
        for key, value in keywords.items()
        if key in _KEYS
    }
    if not complete:
        # setup(**options): every setting it does not spell out may be in there.
        for key in _KEYS:
            config.setdefault(key, UNKNOWN)
    return config


def _literal(node: ast.expr | None, key: str) -> Any:
    if node is None:
        return UNKNOWN
    if key == "packages" and isinstance(node, ast.Call):
        return _find_call(node)
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
    if key == "package_dir":
        if isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return value
        return UNKNOWN
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    return UNKNOWN


def _find_call(call: ast.Call) -> Any:
    name = call_name(call.func)
    if name not in _FIND_FUNCTIONS:
        return UNKNOWN
    arguments: dict[str, Any] = {}
    try:
        for name_, node in zip(("where", "exclude", "include"), call.args, strict=False):
            arguments[name_] = ast.literal_eval(node)
        for keyword in call.keywords:
            if keyword.arg not in {"where", "exclude", "include"}:
                return UNKNOWN
            arguments[keyword.arg] = ast.literal_eval(keyword.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
    where = arguments.get("where", ".")
    include = arguments.get("include", ())
    exclude = arguments.get("exclude", ())
    if not isinstance(where, str) or not _string_list(include) or not _string_list(exclude):
        return UNKNOWN
    return {
        "where": [where],
        "include": list(include),
        "exclude": list(exclude),
        "namespace": _FIND_FUNCTIONS[name],
    }


def _string_list(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
