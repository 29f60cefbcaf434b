"""What each build backend ships into the wheel, read from its own configuration.

One reader per backend, each following that backend's documented file selection
and its default when nothing is configured (hatchling, flit-core, pdm-backend,
poetry-core, scikit-build-core, maturin, meson-python; setuptools lives in
:mod:`.setuptools_config`). A reader returns None when the configuration uses
something pkgforge does not follow (a glob it cannot resolve, a missing name):
then setuptools-style automatic discovery decides, and says so.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pkgforge.checker.mounts import Decision, Mount, merged, strings, table
from pkgforge.checker.setuptools_config import automatic, setuptools_decision

__all__ = ["ship_decision"]

_Reader = Callable[[Path, Mapping[str, Any], "dict[str, Any] | None"], "Decision | None"]

_GLOB_CHARS = frozenset("*?[")
# Trailing patterns that select a whole directory's Python files.
_WHOLE_DIR_SUFFIXES = ("/**/*.py", "/**/*", "/**", "/*.py", "/*", "/")


def ship_decision(
    root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None
) -> Decision:
    """The mounts the project's build backend ships, with what decided them.

    ``[tool.pkgforge] packages`` (root-relative package directories or modules) wins:
    it is how a project whose build configuration is computed says what ships.
    """
    told = strings(table(pyproject, "tool", "pkgforge").get("packages"))
    if told:
        pairs = [(_norm(p), posixpath.basename(_norm(p))) for p in told if _norm(p)]
        return Decision(_installed_mounts(root, pairs), "[tool.pkgforge] packages")
    backend = table(pyproject, "build-system").get("build-backend")
    reader = _reader(backend if isinstance(backend, str) else "", pyproject)
    decision = reader(root, pyproject, memo) if reader is not None else None
    if decision is None and reader is not None:
        name = backend if isinstance(backend, str) and backend else "the build backend"
        why = f"{name}: a file selection pkgforge cannot follow (a glob, or no default match)"
        decision = automatic(root, {}, why, guess=True)
    if decision is None:
        decision = setuptools_decision(root, pyproject, memo)
    named = _entry_point_modules(pyproject)
    if named and any(m.flat for m in decision.mounts):
        mounts = tuple(m._replace(named=named) if m.flat else m for m in decision.mounts)
        decision = decision._replace(mounts=mounts)
    return decision


def _entry_point_modules(pyproject: Mapping[str, Any]) -> frozenset[str]:
    """Top-level modules that [project] scripts and entry points import by name."""
    project = table(pyproject, "project")
    groups = [table(project, "scripts"), table(project, "gui-scripts")]
    groups.extend(table(project, "entry-points", group) for group in table(project, "entry-points"))
    return frozenset(
        value.partition(":")[0].strip().partition(".")[0]
        for group in groups
        for value in group.values()
        if isinstance(value, str)
    )


def _reader(backend: str, pyproject: Mapping[str, Any]) -> _Reader | None:
    """The backend's reader; None for setuptools (and for backends pkgforge does not know)."""
    top = backend.split(".", maxsplit=1)[0].split(":", maxsplit=1)[0]
    readers: dict[str, _Reader] = {
        "hatchling": _hatch,
        "flit_core": _flit,
        "flit": _flit,
        "pdm": _pdm,
        "poetry": _poetry,
        "scikit_build_core": _scikit_build,
        "maturin": _maturin,
        "mesonpy": _meson,
    }
    if top in readers:
        return readers[top]
    if top in {"", "setuptools"}:
        return None
    # An in-tree or unknown backend: follow whichever tool's settings are there.
    if table(pyproject, "tool", "setuptools"):
        return None
    if table(pyproject, "tool", "hatch", "build"):
        return _hatch
    if table(pyproject, "tool", "poetry").get("packages"):
        return _poetry
    return None


def _project_name(pyproject: Mapping[str, Any]) -> str | None:
    name = table(pyproject, "project").get("name")
    if not isinstance(name, str):
        name = table(pyproject, "tool", "poetry").get("name")
    return name if isinstance(name, str) and name else None


def _norm(path: str) -> str:
    """A root-relative POSIX path without ./, trailing / or a leading / (hatch anchors)."""
    text = posixpath.normpath(path.replace("\\", "/").strip("/"))
    return "" if text == "." else text


def _literal_path(pattern: str) -> str | None:
    """The path a file-selection pattern names, when it names one directory or file."""
    text = pattern.replace("\\", "/")
    for suffix in _WHOLE_DIR_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if _GLOB_CHARS & set(text):
        return None
    return _norm(text)


def _installed_mounts(
    root: Path, pairs: Iterable[tuple[str, str]], skip: Iterable[str] = ()
) -> tuple[Mount, ...]:
    """Mounts for (source path, path in the wheel) pairs, both root-relative POSIX."""
    mounts: list[Mount] = []
    patterns = tuple(skip)
    for source, target in pairs:
        path = root / source if source else root
        installed = _norm(target)
        is_module = source.endswith(".py")
        name = posixpath.basename(installed).removesuffix(".py") if is_module else installed
        if is_module:
            parent = posixpath.dirname(installed).replace("/", ".")
            mounts.append(Mount(path.parent, prefix=parent, only=frozenset({name}), skip=patterns))
        elif not installed:
            mounts.append(Mount(path, skip=patterns))
        elif "/" not in installed and path.name == installed:
            mounts.append(Mount(path.parent, only=frozenset({installed}), skip=patterns))
        else:
            mounts.append(Mount(path, prefix=installed.replace("/", "."), skip=patterns))
    return merged(mounts)


# hatchling ------------------------------------------------------------------


def _hatch(root: Path, pyproject: Mapping[str, Any], _memo: object = None) -> Decision | None:
    build = table(pyproject, "tool", "hatch", "build")
    wheel = table(build, "targets", "wheel")

    def option(key: str) -> object:
        return wheel[key] if key in wheel else build.get(key)

    packages = [_norm(p) for p in strings(option("packages")) if _norm(p)]
    only_include = [_norm(p) for p in strings(option("only-include"))]
    include = strings(option("include"))
    where = "[tool.hatch.build.targets.wheel]" if wheel else "[tool.hatch.build]"
    source = f"{where} in pyproject.toml"
    if not (packages or only_include or include):
        default = _hatch_default(root, pyproject)
        if default is None:
            return None
        packages, only_include = default
        source = "hatchling's default file selection"
    rewrite = _hatch_sources(option("sources"), packages)
    selected = [*packages, *only_include]
    for pattern in include:
        path = _literal_path(pattern)
        if path is None or not (root / path).exists():
            return None  # a glob hatch resolves against the tree: not followed
        selected.append(path)
    pairs = [(path, _hatch_rewrite(path, rewrite)) for path in selected]
    return Decision(_installed_mounts(root, pairs, strings(option("exclude"))), source)


def _hatch_default(root: Path, pyproject: Mapping[str, Any]) -> tuple[list[str], list[str]] | None:
    """hatchling's default selection: <name>/, src/<name>/, <name>.py, */<name>/."""
    raw = _project_name(pyproject)
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


def _hatch_sources(value: object, packages: list[str]) -> dict[str, str]:
    rewrite: dict[str, str] = {}
    if isinstance(value, list):
        rewrite.update({f"{_norm(s)}/": "" for s in strings(value) if _norm(s)})
    elif isinstance(value, Mapping):
        for key, target in value.items():
            if isinstance(key, str) and isinstance(target, str):
                prefix = f"{_norm(key)}/" if _norm(key) else ""
                rewrite[prefix] = f"{_norm(target)}/" if _norm(target) else ""
    for package in packages:
        parent = posixpath.dirname(package)
        if parent and f"{package}/" not in rewrite:
            rewrite[f"{parent}/"] = ""
    return dict(sorted(rewrite.items()))


def _hatch_rewrite(path: str, rewrite: Mapping[str, str]) -> str:
    # hatchling takes the first matching source in sorted order.
    probe = f"{path}/"
    for prefix, target in rewrite.items():
        if probe.startswith(prefix):
            return _norm(target + probe[len(prefix) :])
    return path


# flit-core ------------------------------------------------------------------


def _flit(root: Path, pyproject: Mapping[str, Any], _memo: object = None) -> Decision | None:
    name = table(pyproject, "tool", "flit", "module").get("name")
    source = "[tool.flit.module] name"
    if not isinstance(name, str):
        name = table(pyproject, "tool", "flit", "metadata").get("module")
    if not isinstance(name, str):
        project = _project_name(pyproject)
        if project is None:
            return None
        stub = project.endswith("-stubs")
        name = project.removesuffix("-stubs").replace("-", "_") + ("-stubs" if stub else "")
        source = "flit's module named like the project"
    relative = name.replace(".", "/")
    found = [
        candidate
        for candidate in (relative, f"{relative}.py", f"src/{relative}", f"src/{relative}.py")
        if (root / candidate).is_dir() or (root / candidate).is_file()
    ]
    if len(found) != 1:
        return None  # flit refuses to build: nothing or several candidates
    return Decision(_installed_mounts(root, [(found[0], relative)]), f"{source} ({found[0]})")


# pdm-backend ----------------------------------------------------------------


def _pdm(root: Path, pyproject: Mapping[str, Any], _memo: object = None) -> Decision | None:
    build = table(pyproject, "tool", "pdm", "build")
    includes = strings(build.get("includes"))
    excludes = strings(build.get("excludes"))
    package_dir = build.get("package-dir")
    if not isinstance(package_dir, str):
        in_src = any(_norm(i).split("/")[0] == "src" for i in includes)
        use_src = ((root / "src").is_dir() and not includes) or (
            in_src and "src" not in excludes and "src/" not in excludes
        )
        package_dir = "src" if use_src else ""
    base = _norm(package_dir)
    skip = (*excludes, *(strings(build.get("source-includes")) or ["tests"]))
    source = "[tool.pdm.build] in pyproject.toml" if build else "pdm-backend's default"
    if not includes:
        path = root / base if base else root
        tops = _pdm_top_packages(path)
        if tops:
            only = frozenset(tops)
        else:
            only = frozenset(n[:-3] for n in _names(path) if n.endswith(".py"))
        return Decision(
            (Mount(path, only=only, skip=skip),), f"{source} (package-dir {base or '.'})"
        )
    pairs = []
    for include in includes:
        selected = _literal_path(include)
        if selected is None:
            return None
        inside = base and (selected == base or selected.startswith(f"{base}/"))
        pairs.append((selected, selected[len(base) + 1 :] if inside else selected))
    return Decision(_installed_mounts(root, pairs, skip), source)


def _pdm_top_packages(path: Path) -> list[str]:
    tops = []
    for name in _names(path):
        if name in {"__pycache__", "__pypackages__"}:
            continue
        folder = path / name
        if (folder / "__init__.py").is_file() or (
            name.endswith("-stubs") and (folder / "__init__.pyi").is_file()
        ):
            tops.append(name)
    return tops


def _names(path: Path) -> list[str]:
    try:
        with os.scandir(path) as scan:
            return sorted(entry.name for entry in scan)
    except OSError:
        return []


# poetry-core ----------------------------------------------------------------


def _poetry(root: Path, pyproject: Mapping[str, Any], _memo: object = None) -> Decision | None:
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
            include = _literal_path(spec["include"])
            origin, target = spec.get("from", ""), spec.get("to", "")
            if include is None or not isinstance(origin, str) or not isinstance(target, str):
                return None
            pairs.append((_norm(f"{origin}/{include}"), _norm(f"{target}/{include}")))
        return Decision(_installed_mounts(root, pairs, skip), "[tool.poetry] packages")
    name = _project_name(pyproject)
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
        return Decision(_installed_mounts(root, pairs, skip), f"poetry-core's default ({package})")
    return None


# scikit-build-core -------------------------------------------------------------


def _scikit_build(
    root: Path, pyproject: Mapping[str, Any], _memo: object = None
) -> Decision | None:
    settings = table(pyproject, "tool", "scikit-build")
    packages = table(settings, "wheel").get("packages")
    if isinstance(packages, list):
        pairs = [(_norm(p), posixpath.basename(_norm(p))) for p in strings(packages)]
        return Decision(_installed_mounts(root, pairs), "[tool.scikit-build] wheel.packages")
    if isinstance(packages, Mapping):
        pairs = [(_norm(v), k) for k, v in packages.items() if isinstance(v, str)]
        return Decision(_installed_mounts(root, pairs), "[tool.scikit-build] wheel.packages")
    name = _project_name(pyproject)
    if name is None:
        return None
    parts = [part.replace("-", "_") for part in name.split(".")]
    candidates = ["_".join(parts)] + (["/".join(parts)] if len(parts) > 1 else [])
    for base in ("src/", "python/", ""):
        for relative in candidates:
            folder = root / f"{base}{relative}"
            if (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file():
                mounts = _installed_mounts(root, [(f"{base}{relative}", relative)])
                return Decision(mounts, f"scikit-build-core's default ({base}{relative})")
    return None


# maturin --------------------------------------------------------------------


def _maturin(root: Path, pyproject: Mapping[str, Any], _memo: object = None) -> Decision | None:
    settings = table(pyproject, "tool", "maturin")
    module = settings.get("module-name")
    if not isinstance(module, str):
        module = _cargo_lib_name(root, settings) or _project_name(pyproject)
    if not isinstance(module, str):
        return None
    extra = strings(settings.get("python-packages"))
    python_source = settings.get("python-source")
    if isinstance(python_source, str):
        py_root = root / _norm(python_source)
        source = f"[tool.maturin] python-source = {python_source!r}"
        if not py_root.is_dir():
            return None
    else:
        import_name = (_project_name(pyproject) or module).replace("-", "_")
        in_src = any((root / "src" / n / "__init__.py").is_file() for n in (import_name, *extra))
        rust = (root / "rust" / "Cargo.toml").is_file()
        py_root = root / "src" if rust and in_src else root
        source = "maturin's default python source"
    top = module.split(".")[0].replace("-", "_")
    package = py_root / top
    names = set(extra)
    if package.is_dir() and (
        (package / "__init__.py").is_file() or not (package / "Cargo.toml").is_file()
    ):
        names.add(top)
    else:
        source = f"{source}: {module!r} is a pure Rust module"
    if not names:
        return Decision((), source)
    return Decision((Mount(py_root, only=frozenset(names)),), source)


def _cargo_lib_name(root: Path, settings: Mapping[str, Any]) -> str | None:
    import tomllib

    manifest = settings.get("manifest-path")
    path = root / (manifest if isinstance(manifest, str) else "Cargo.toml")
    try:
        cargo = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    name = table(cargo, "lib").get("name")
    return name if isinstance(name, str) else None


# meson-python ---------------------------------------------------------------


def _meson(
    root: Path, pyproject: Mapping[str, Any], memo: dict[str, Any] | None = None
) -> Decision | None:
    from pkgforge.checker.meson_config import meson_packages

    found = meson_packages(root, _project_name(pyproject), memo)
    if found is None:
        return None
    (pairs, skip), source = found
    return Decision(_installed_mounts(root, pairs, skip), source)
