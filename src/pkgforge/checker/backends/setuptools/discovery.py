"""What setuptools ships: `[tool.setuptools]`, setup.cfg `[options]`, and setup.py's literals.

setup.py is read, never run (:mod:`.options`): only literal arguments of
its ``setup(...)`` call count. Anything else is *unknown*, and an unknown
``packages`` falls back to setuptools' automatic discovery rather than a guess.

The readings of setup.cfg and setup.py are plain data remembered in the cache's
memo by content hash, so a warm run reads the two files but parses neither.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pkgforge.checker.backends.mounts import UNKNOWN, Decision, Mount, merged, strings, table
from pkgforge.checker.digests import hexdigest

__all__ = ["automatic", "has_python", "setuptools_decision"]

_MAX_SCAN_DIRS = 2000


def setuptools_decision(
    root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None
) -> Decision:
    """The mounts setuptools ships, from the first of its three configurations that decides."""
    config, source = _pyproject_config(pyproject), "[tool.setuptools] in pyproject.toml"
    if config.get("packages") is None and config.get("py_modules") is None:
        legacy, legacy_source = _legacy_config(root, memo)
        if legacy:
            source = f"{source} and {legacy_source}" if config else legacy_source
            config = {**legacy, **config}
    return _decide(root, config, source if config else "")


def _pyproject_config(pyproject: Mapping[str, Any]) -> dict[str, Any]:
    setuptools = table(pyproject, "tool", "setuptools")
    config: dict[str, Any] = {}
    package_dir = setuptools.get("package-dir")
    if isinstance(package_dir, Mapping):
        config["package_dir"] = {k: v for k, v in package_dir.items() if isinstance(v, str)}
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        config["packages"] = strings(packages)
    elif isinstance(packages, Mapping):
        find = table(setuptools, "packages", "find")
        config["packages"] = {
            "where": strings(find.get("where")) or ["."],
            "include": strings(find.get("include")),
            "exclude": strings(find.get("exclude")),
            "namespace": find.get("namespaces", True) is not False,
        }
    modules = setuptools.get("py-modules")
    if isinstance(modules, list):
        config["py_modules"] = strings(modules)
    return config


def _legacy_config(root: Path, memo: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    """setup.cfg's `[options]` and setup.py's literals (setup.py wins, as in setuptools)."""
    cfg = _read(root / "setup.cfg")
    script = _read(root / "setup.py")
    if cfg is None and script is None:
        return {}, ""
    digest = hexdigest((cfg or b"") + b"\0" + (script or b""), 32)
    remembered = (memo or {}).get("setuptools")
    if isinstance(remembered, tuple) and len(remembered) == 3 and remembered[0] == digest:
        return dict(remembered[1]), str(remembered[2])
    # Parsed only when one of them changed: a warm run answers from the memo.
    from pkgforge.checker.backends.setuptools.options import setup_cfg, setup_py

    config: dict[str, Any] = {}
    sources = []
    if cfg is not None:
        from_cfg = setup_cfg(cfg)
        if from_cfg:
            config.update(from_cfg)
            sources.append("[options] in setup.cfg")
    if script is not None:
        from_py = setup_py(script)
        if from_py:
            config.update(from_py)
            sources.append("setup() arguments in setup.py")
    source = " and ".join(sources)
    if memo is not None:
        memo["setuptools"] = (digest, config, source)
    return config, source


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _decide(root: Path, config: Mapping[str, Any], source: str) -> Decision:
    package_dir = config.get("package_dir")
    packages = config.get("packages")
    modules = config.get("py_modules")
    if package_dir == UNKNOWN:
        return automatic(
            root,
            {},
            f"{source}: package_dir is not a literal (computed, or in **kwargs)",
            guess=True,
        )
    mapping: dict[str, str] = dict(package_dir or {})
    base = _resolve(root, mapping.get("", ""))
    mapped = [
        Mount(_resolve(root, target), prefix=key) for key, target in mapping.items() if key != ""
    ]
    if UNKNOWN in (packages, modules):
        if mapping:
            # The layout is known even if the list is not: take what is under it.
            flat = base == root and not mapped
            taken = [*mapped, Mount(base, flat=flat)] if "" in mapping or not mapped else mapped
            return Decision(tuple(taken), f"{source} (packages= is not a literal: took all)")
        return automatic(
            root,
            mapping,
            f"{source}: packages= is not a literal (computed, or in **kwargs)",
            guess=True,
        )
    if packages is None and modules is None:
        where = f" ({source})" if source else ""
        return automatic(root, mapping, f"setuptools automatic discovery{where}")
    mounts: list[Mount] = []
    names: set[str] = set(strings(modules))
    if isinstance(packages, dict):
        for where in packages["where"]:
            path = base if where in {".", ""} else _resolve(root, where)
            mounts.append(_find_mount(root, path, packages))
    else:
        prefixes = {m.prefix for m in mapped}
        for package in strings(packages):
            if not _mapped(package, prefixes):
                names.add(package.split(".")[0])
        mounts.extend(m for m in mapped if any(_mapped(p, {m.prefix}) for p in strings(packages)))
    if names:
        mounts.append(Mount(base, only=frozenset(names)))
    return Decision(merged(mounts), source)


def _mapped(package: str, prefixes: set[str]) -> bool:
    return any(package == p or package.startswith(p + ".") for p in prefixes)


def _resolve(root: Path, relative: str) -> Path:
    if relative in {"", "."}:
        return root
    return Path(os.path.normpath(root / relative))


def _find_mount(root: Path, path: Path, find: Mapping[str, Any]) -> Mount:
    """``find_packages(where)``: the top-level directories it finds, filtered by include.

    Plain ``find`` only takes directories with ``__init__.py`` (and does not descend
    into others); ``find_namespace`` takes every directory, so at the project root
    pkgforge leaves out what flat-layout discovery would (docs/, tools/...).
    """
    import fnmatch

    include: list[str] = find["include"]
    exclude = tuple(find["exclude"])
    namespace = bool(find["namespace"])
    try:
        entries = [e for e in os.scandir(path) if e.is_dir() and e.name[0] != "."]
    except OSError:
        entries = []
    names = {
        e.name
        for e in entries
        if namespace or os.path.isfile(os.path.join(e.path, "__init__.py"))  # noqa: PTH113, PTH118
    }
    if include:
        names = {
            n
            for n in names
            if any(fnmatch.fnmatchcase(n, p) or p.startswith(n + ".") for p in include)
        }
    elif namespace:
        return Mount(path, flat=path == root, exclude=exclude)
    return Mount(path, only=frozenset(names), exclude=exclude, needs_init=not namespace)


def automatic(
    root: Path, mapping: Mapping[str, str], source: str, *, guess: bool = False
) -> Decision:
    """setuptools' automatic discovery: explicit package_dir, then src/, then flat.

    ``guess`` is for a configuration pkgforge could not read: then a src/ with no
    Python in it (C++ sources) does not win over Python at the root.
    """
    mapped = tuple(Mount(_resolve(root, t), prefix=k) for k, t in mapping.items() if k != "")
    if mapped:
        return Decision(mapped, f"{source}, explicit package_dir")
    src = _resolve(root, mapping.get("", "src"))
    if src.is_dir() and (not guess or has_python(src)):
        return Decision((Mount(src),), f"{source}, src layout ({src.relative_to(root)}/)")
    return Decision((Mount(root, flat=True, packages_win=not guess),), f"{source}, flat layout")


def has_python(path: Path) -> bool:
    """True when a .py file is somewhere under ``path`` (a bounded search)."""
    pending = [os.fspath(path)]
    seen = 0
    while pending and seen < _MAX_SCAN_DIRS:
        seen += 1
        try:
            with os.scandir(pending.pop()) as scan:
                for entry in scan:
                    if entry.name.endswith(".py"):
                        return True
                    if entry.name[0] != "." and entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except OSError:
            continue
    return bool(pending)  # too big to search: say yes, as setuptools would
