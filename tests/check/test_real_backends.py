"""Each build backend whose configuration check reads builds a project for real, and the
wheel's modules are exactly the ones discovery checks.

Every project holds what ships and decoys that do not (a second package, tools/,
tests/, an excluded module), configured the way that backend is told. The wheel is
built as ``python -m build`` builds it (from the sdist), without isolation: the
backends come from the test environment, so no index is needed. meson-python and
scikit-build-core compile a tiny C extension (meson, ninja and cmake from PyPI); their
wheel is built from the tree, since meson-python's sdist needs a git checkout.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pkgforge.checker.engine import check, load_project
from pkgforge.checker.model import Project
from pkgforge.checker.shipping import WheelView

from .conftest import backend_pyproject, write_tree

pytestmark = pytest.mark.slow


_NATIVE_C = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static struct PyModuleDef native = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&native); }
"""

# The package imports its compiled module, so the check must know the build creates it.
_USES_NATIVE = "from . import _native\nfrom ._native import __name__ as native_name\n"


def _pyproject(backend: str, requires: str, extra: str = "", name: str = "sound") -> str:
    return backend_pyproject(backend, requires, name=name) + extra


# name -> (files, whether the wheel is built from the sdist)
PROJECTS: dict[str, tuple[dict[str, str], bool]] = {
    "setuptools-pyproject": (
        {
            "pyproject.toml": _pyproject(
                "setuptools.build_meta",
                "setuptools",
                '[tool.setuptools.packages.find]\nwhere = ["lib"]\nexclude = ["sound.tests*"]\n',
            ),
            "lib/sound/__init__.py": "from .effects import echo\n",
            "lib/sound/effects/__init__.py": "",
            "lib/sound/effects/echo.py": "",
            "lib/sound/tests/__init__.py": "",
            "lib/sound/tests/test_echo.py": "",
            "tools/release.py": "",
        },
        True,
    ),
    "setuptools-exclude-parent": (
        {
            # An exact pattern leaves out that package's own modules, not its
            # subpackages (a namespace's __init__.py kept out of the wheel this way).
            "pyproject.toml": _pyproject(
                "setuptools.build_meta",
                "setuptools",
                '[tool.setuptools.packages.find]\nexclude = ["tests*", "acme", "acme.demo"]\n',
                name="acme-sound",
            ),
            "acme/__init__.py": "",
            "acme/sound/__init__.py": "",
            "acme/sound/echo.py": "",
            "acme/demo/__init__.py": "",
            "acme/demo/more/__init__.py": "",
            "acme/demo/samples/play.py": "",  # find_namespace (the default here) finds it
            "tests/__init__.py": "",
            "tests/unit/__init__.py": "",
        },
        True,
    ),
    "setuptools-setup-cfg-exclude-parent": (
        {
            "pyproject.toml": _pyproject("setuptools.build_meta", "setuptools", name="acme-sound"),
            "setup.cfg": (
                "[options]\npackages = find:\n"
                "[options.packages.find]\nexclude =\n    tests*\n    acme\n    acme.demo\n"
            ),
            "acme/__init__.py": "",
            "acme/sound/__init__.py": "",
            "acme/demo/__init__.py": "",
            "acme/demo/more/__init__.py": "",
            "acme/demo/samples/play.py": "",  # no __init__.py: plain find does not find it
            "tests/__init__.py": "",
        },
        # from the tree: the sdist leaves acme/__init__.py out, and plain find in the
        # unpacked sdist then finds no package at all
        False,
    ),
    "setuptools-setup-cfg": (
        {
            "pyproject.toml": _pyproject("setuptools.build_meta", "setuptools"),
            "setup.cfg": (
                "[options]\npackages = find:\npackage_dir =\n    = python\n"
                "py_modules = single\n[options.packages.find]\nwhere = python\n"
            ),
            "python/sound/__init__.py": "",
            "python/sound/echo.py": "",
            "python/single.py": "",
            "python/notes/readme.py": "",  # no __init__.py: find: skips it
            "src/other/__init__.py": "",
        },
        True,
    ),
    "setuptools-setup-py": (
        {
            "pyproject.toml": _pyproject("setuptools.build_meta", "setuptools"),
            "setup.py": (
                "from setuptools import setup\n"
                "PACKAGES = ['sound', 'sound.effects']\n"
                "setup(packages=PACKAGES, package_dir={'': 'code'})\n"
            ),
            "code/sound/__init__.py": "",
            "code/sound/effects/__init__.py": "",
            "code/sound/effects/echo.py": "",
            "code/sound/unlisted/__init__.py": "",
            "code/decoy/__init__.py": "",
        },
        True,
    ),
    "hatchling": (
        {
            "pyproject.toml": _pyproject(
                "hatchling.build",
                "hatchling",
                "[tool.hatch.build.targets.wheel]\n"
                'packages = ["python/sound"]\n'
                'include = ["python/sound", "python/sound/py.typed", "/tool.py"]\n'
                'exclude = ["python/sound/_vendor", "test_*.py"]\n',
            ),
            "python/sound/__init__.py": "",
            "python/sound/py.typed": "",
            "python/sound/echo.py": "",
            "python/sound/test_echo.py": "",
            "python/sound/_vendor/six.py": "",
            "python/other/__init__.py": "",
            "tool.py": "",
        },
        True,
    ),
    "flit": (
        {
            "pyproject.toml": _pyproject(
                "flit_core.buildapi", "flit_core", "[tool.flit.module]\nname = 'sound'\n"
            ).replace('version = "0.1"\n', 'version = "0.1"\ndescription = "d"\n'),
            "src/sound/__init__.py": "",
            "src/sound/effects/__init__.py": "",
            "src/sound/effects/echo.py": "",
            "tools/gen.py": "",
            "other/__init__.py": "",
        },
        True,
    ),
    "pdm": (
        {
            "pyproject.toml": _pyproject(
                "pdm.backend",
                "pdm-backend",
                '[tool.pdm.build]\nexcludes = ["src/sound/_private_tool.py"]\n',
            ),
            "src/sound/__init__.py": "",
            "src/sound/echo.py": "",
            "src/sound/_private_tool.py": "",
            "src/other/__init__.py": "",
            "tests/test_sound.py": "",
        },
        True,
    ),
    "poetry": (
        {
            "pyproject.toml": _pyproject(
                "poetry.core.masonry.api",
                "poetry-core",
                "[tool.poetry]\n"
                'packages = [{ include = "sound", from = "lib" },'
                ' { include = "docs_only", format = "sdist" }]\n'
                'exclude = ["lib/sound/scratch.py"]\n',
            ),
            "lib/sound/__init__.py": "",
            "lib/sound/echo.py": "",
            "lib/sound/scratch.py": "",
            "docs_only/__init__.py": "",
            "lib/decoy/__init__.py": "",
        },
        True,
    ),
    "uv_build": (
        {
            "pyproject.toml": _pyproject(
                "uv_build",
                "uv_build",
                '[tool.uv.build-backend]\nmodule-root = "python"\n'
                'wheel-exclude = ["gen.py"]\nsource-exclude = ["/python/sound_tools/scratch.py"]\n',
                name="Sound-Tools",
            ),
            "python/sound_tools/__init__.py": "",
            "python/sound_tools/echo.py": "",
            "python/sound_tools/gen.py": "",
            "python/sound_tools/scratch.py": "",
            "python/helper.py": "",
            "src/decoy/__init__.py": "",
        },
        True,
    ),
    "meson-python": (
        {
            "pyproject.toml": _pyproject("mesonpy", "meson-python"),
            "meson.build": (
                "project('sound', 'c', version: '0.1')\n"
                "py = import('python').find_installation(pure: false)\n"
                "py.extension_module('_native', 'native.c', install: true, subdir: 'sound')\n"
                "py.install_sources('sound/__init__.py', 'sound/echo.py', subdir: 'sound')\n"
            ),
            "native.c": _NATIVE_C,
            "sound/__init__.py": _USES_NATIVE,
            "sound/echo.py": "",
            # (a .py file in an installed folder that install_sources does not list is
            # still checked: discovery reads meson.build per folder)
            "tools/gen.py": "",
        },
        False,
    ),
    "scikit-build-core": (
        {
            "pyproject.toml": _pyproject("scikit_build_core.build", "scikit-build-core"),
            "CMakeLists.txt": (
                "cmake_minimum_required(VERSION 3.15)\n"
                "project(${SKBUILD_PROJECT_NAME} LANGUAGES C)\n"
                "find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)\n"
                "python_add_library(_native MODULE native.c WITH_SOABI)\n"
                "install(TARGETS _native DESTINATION sound)\n"
            ),
            "native.c": _NATIVE_C,
            "src/sound/__init__.py": _USES_NATIVE,
            "src/sound/echo.py": "",
            "tools/gen.py": "",
        },
        False,
    ),
}


def _build(root: Path, out: Path, *, from_sdist: bool) -> Path:
    env = dict(os.environ)
    # uv_build runs its uv-build binary, meson-python its meson and ninja, and
    # scikit-build-core its cmake: all installed beside this interpreter.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = [sys.executable, "-m", "build", "--no-isolation", "-o", os.fspath(out)]
    if not from_sdist:
        command.append("--wheel")
    done = subprocess.run(
        [*command, os.fspath(root)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("*.whl")
    return wheel


def _wheel_modules(wheel: Path) -> tuple[set[str], set[str]]:
    """(Python modules, compiled modules) in the wheel, as dotted names."""
    python, compiled = set(), set()
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if ".dist-info/" in name or ".data/" in name:
                continue
            stem, _, suffix = name.rpartition(".")
            if suffix == "py":
                python.add(stem.replace("/", ".").removesuffix(".__init__"))
            elif suffix in {"so", "pyd"}:
                folder, _, filename = name.rpartition("/")
                dotted = filename.partition(".")[0]
                compiled.add(f"{folder.replace('/', '.')}.{dotted}" if folder else dotted)
    return python, compiled


def _shipped(project: Project) -> set[str]:
    """The modules discovery says ship: the walked files, less the packages a setuptools
    package list leaves out (the walk keeps them, to say what imports them in vain)."""
    wheel = WheelView(project)
    shipped = set()
    for file in project.files:
        if not file.module:
            continue
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        if not package or wheel.ships(package) is not False:
            shipped.add(file.module)
    return shipped


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_wheel_holds_what_discovery_checks(tmp_path: Path, name: str) -> None:
    files, from_sdist = PROJECTS[name]
    root = write_tree(tmp_path / "project", files)
    project = load_project(root, use_cache=False)
    discovered = _shipped(project)
    assert discovered, "a fixture must ship something"

    wheel = _build(root, tmp_path / "dist", from_sdist=from_sdist)
    python, compiled = _wheel_modules(wheel)

    assert discovered == python
    # What the backend compiles, the check knows the build creates.
    unknown = {m for m in compiled if not any(fnmatch.fnmatch(m, g) for g in project.generated)}
    assert unknown == set()
    # ... and nothing it reports about the package is an error.
    result = check([root], use_cache=False)
    assert not result.has_errors, result.findings
