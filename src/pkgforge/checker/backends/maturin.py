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

__all__ = ["creates", "ships"]


def ships(root: Path, pyproject: Mapping[str, Any], memo: object = None) -> Decision | None:
    settings = table(pyproject, "tool", "maturin")
    module = settings.get("module-name")
    if not isinstance(module, str):
        module = _cargo_lib_name(root, settings) or project_name(pyproject)
    if not isinstance(module, str):
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
    """The Rust module's name: ``module-name``, else Cargo.toml's library name."""
    maturin = table(reader.pyproject, "tool", "maturin")
    is_backend = reader.backend == "maturin"
    if not (is_backend or "maturin" in table(reader.pyproject, "tool")):
        return
    name = maturin.get("module-name")
    if isinstance(name, str):
        reader.modules.append(name)
        return
    cargo = reader.text(maturin.get("manifest-path") or "Cargo.toml")
    lib = _cargo_text_lib_name(cargo) if cargo is not None else None
    if lib is None:
        if is_backend:
            reader.sign("maturin builds a Rust module whose name pkgforge cannot read")
        return
    # a mixed Rust/Python project puts the module inside the package of that name
    reader.modules.extend((lib, f"{lib}.{lib}"))


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


def _cargo_text_lib_name(text: str) -> str | None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeError):
        return None
    name = table(data, "lib").get("name") or table(data, "package").get("name")
    return name.replace("-", "_") if isinstance(name, str) else None
