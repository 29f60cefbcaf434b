"""Compiled extension modules that a backend's configuration names resolve like modules.

Rust crates cannot be fetched here, so maturin and setuptools-rust are read from their
configuration only (tests/check/test_real_backends.py compiles C extensions with
meson-python and scikit-build-core for real). Each project imports its compiled module
every way a package does: the module's names, the module from its package (relative and
absolute), and from another module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pkgforge.checker.engine import check, load_project

from .conftest import backend_pyproject, write_tree


def _uses(package: str, native: str) -> dict[str, str]:
    return {
        "__init__.py": (
            f"from {package}.{native} import run\n"
            f"from . import {native}\n"
            f"from .{native} import helper\n"
            '__all__ = ["helper", "run"]\n'
        ),
        "use.py": f"from {package} import {native}\n\n\ndef go() -> object:\n    return {native}\n",
    }


def _tree(pyproject: str, package_dir: str, native: str, **more: str) -> dict[str, str]:
    package = package_dir.rpartition("/")[2]
    files = {f"{package_dir}/{k}": v for k, v in _uses(package, native).items()}
    return {"pyproject.toml": pyproject, **files, **more}


CASES = {
    "maturin module-name and python-source": (
        _tree(
            backend_pyproject("maturin", "maturin", name="sound")
            + '[tool.maturin]\nmodule-name = "sound._native"\npython-source = "python"\n',
            "python/sound",
            "_native",
            **{"Cargo.toml": '[package]\nname = "sound"\n', "src/lib.rs": ""},
        ),
        "sound._native",
    ),
    "maturin [lib] name in a mixed project": (
        _tree(
            backend_pyproject("maturin", "maturin", name="sound"),
            "sound",
            "sound",
            **{"Cargo.toml": '[package]\nname = "sound-rs"\n[lib]\nname = "sound"\n'},
        ),
        "sound.sound",
    ),
    "setuptools-rust in pyproject.toml": (
        _tree(
            backend_pyproject("setuptools.build_meta", "setuptools-rust", name="sound")
            + '[[tool.setuptools-rust.ext-modules]]\ntarget = "sound._lib"\n',
            "src/sound",
            "_lib",
        ),
        "sound._lib",
    ),
    "setuptools-rust in setup.py": (
        _tree(
            backend_pyproject("setuptools.build_meta", "setuptools-rust", name="sound"),
            "src/sound",
            "_lib",
            **{
                "setup.py": (
                    "from setuptools import setup\nfrom setuptools_rust import RustExtension\n"
                    "setup(rust_extensions=[RustExtension('sound._lib', 'Cargo.toml')])\n"
                )
            },
        ),
        "sound._lib",
    ),
    "scikit-build-core installs into ${SKBUILD_PROJECT_NAME}": (
        _tree(
            backend_pyproject("scikit_build_core.build", "scikit-build-core", name="sound-tools"),
            "src/sound_tools",
            "_core",
            **{
                "CMakeLists.txt": (
                    "pybind11_add_module(_core MODULE src/main.cpp)\n"
                    "install(TARGETS _core LIBRARY DESTINATION ${SKBUILD_PROJECT_NAME})\n"
                )
            },
        ),
        "sound_tools._core",
    ),
    "scikit-build-core wheel.install-dir": (
        _tree(
            backend_pyproject("scikit_build_core.build", "scikit-build-core", name="sound")
            + '[tool.scikit-build]\nwheel.install-dir = "sound"\n',
            "src/sound",
            "_core",
            **{
                "CMakeLists.txt": (
                    "nanobind_add_module(_core src/main.cpp)\n"
                    "install(TARGETS _core DESTINATION .)\n"
                )
            },
        ),
        "sound._core",
    ),
    "meson-python extension_module": (
        _tree(
            backend_pyproject("mesonpy", "meson-python", name="sound"),
            "sound",
            "_native",
            **{
                "meson.build": (
                    "project('sound', 'c')\npy = import('python').find_installation()\n"
                    "py.extension_module('_native', 'native.c', install: true, subdir: 'sound')\n"
                    "py.install_sources('sound/__init__.py', 'sound/use.py', subdir: 'sound')\n"
                )
            },
        ),
        "sound._native",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_compiled_module_the_configuration_names_resolves(tmp_path: Path, case: str) -> None:
    files, native = CASES[case]
    root = write_tree(tmp_path / "project", files)
    project = load_project(root, use_cache=False)
    assert native in project.generated
    assert {f.module for f in project.files} >= {native.rpartition(".")[0]}
    result = check([root], use_cache=False)
    # no error, and no cycle through the package (`from . import _native` imports the
    # compiled submodule, not the package's own names)
    assert [f for f in result.findings if f.code.startswith("PF4")] == []
    assert not result.has_errors


def test_a_module_no_configuration_names_is_still_missing(tmp_path: Path) -> None:
    files, _ = CASES["maturin module-name and python-source"]
    files = {**files, "python/sound/use.py": "from sound import _other\n"}
    root = write_tree(tmp_path / "project", files)
    result = check([root], select=["PF404"], use_cache=False)
    assert [(f.code, f.severity.value) for f in result.findings] == [("PF404", "error")]
