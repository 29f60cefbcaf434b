"""maturin: the Python source it ships beside the Rust module it compiles."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.backends.mounts import (
    Decision,
    Mount,
    norm,
    project_name,
    strings,
    table,
)

if TYPE_CHECKING:
    from pkgforge.checker.backends.reader import Reader

__all__ = ["SETTING", "creates", "ships"]

SETTING = "`[tool.maturin] python-source`"
"""Where this backend's configuration says what ships (PF105's hint)."""


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    settings = table(pyproject, "tool", "maturin")
    module = _module_name(settings, _read_cargo(root, settings)) or project_name(pyproject)
    if module is None:
        return None
    extra = strings(settings.get("python-packages"))
    python_source = settings.get("python-source")
    if isinstance(python_source, str):
        py_root = root / norm(python_source)
        source = f"[tool.maturin] python-source = {python_source!r}"
        if not py_root.is_dir():
            return None
    else:
        import_name = (project_name(pyproject) or module).replace("-", "_")
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


def creates(reader: Reader) -> None:
    """The Rust module's name: ``module-name``, else Cargo.toml's library or crate name (a
    mixed Rust/Python project puts a module named so inside the package of that name)."""
    maturin = table(reader.pyproject, "tool", "maturin")
    is_backend = reader.backend == "maturin"
    if not (is_backend or "maturin" in table(reader.pyproject, "tool")):
        return
    manifest = maturin.get("manifest-path")
    cargo = reader.text(manifest if isinstance(manifest, str) else "Cargo.toml")
    name = _module_name(maturin, cargo)
    if name is None:
        if is_backend:
            reader.sign("maturin builds a Rust module whose name pkgforge cannot read")
        return
    if "module-name" in maturin:
        reader.modules.append(name)
    else:
        reader.modules.extend((name, f"{name}.{name}"))


def _module_name(settings: Mapping[str, Any], cargo: str | None) -> str | None:
    """maturin's module name: ``module-name``, else ``[lib] name``, else the crate's name."""
    name = settings.get("module-name")
    if isinstance(name, str) and name:
        return name
    if cargo is None:
        return None
    import tomllib

    try:
        data = tomllib.loads(cargo)
    except (tomllib.TOMLDecodeError, UnicodeError):
        return None
    name = table(data, "lib").get("name") or table(data, "package").get("name")
    return name.replace("-", "_") if isinstance(name, str) and name else None


def _read_cargo(root: Path, settings: Mapping[str, Any]) -> str | None:
    manifest = settings.get("manifest-path")
    path = root / (manifest if isinstance(manifest, str) else "Cargo.toml")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
