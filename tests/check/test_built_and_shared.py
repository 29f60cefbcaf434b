"""Modules only a build creates, namespaces shared with other distributions, and PF101
against the wheel: each error is checked against CPython itself.

Issue 7, classes 3, 4 and 10: an import of a module the build may create is not an
error; an import of another distribution's portion of a shared namespace is not
first-party; a folder without ``__init__.py`` is an error only when an import
provably fails because of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.rules.layout import TUTORIAL_RULE

from .conftest import GOOD_PYPROJECT, write_tree


def _found(root: Path, *codes: str) -> list[Finding]:
    return list(check([root], select=list(codes), use_cache=False).findings)


def _run(code: str, *path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter whose sys.path starts with ``path``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    env.pop("PYTHONSTARTUP", None)
    return subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = {[str(p) for p in path]!r}\n{code}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


# -- class 3: modules that exist only after a build ------------------------------------------


EXT_SETUP = (
    "from setuptools import setup, Extension\n"
    "setup(ext_modules=[Extension('sound._speedups', ['csrc/speedups.c'])])\n"
)


def test_an_extension_module_named_in_setup_py_exists(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "setup.py": EXT_SETUP,
            "src/sound/__init__.py": "",
            "src/sound/player.py": "from sound._speedups import mix\nfrom sound import _speedups\n",
        },
    )
    assert _found(root, "PF404", "PF407") == []


def test_a_module_no_build_creates_is_still_an_error(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "setup.py": EXT_SETUP,
            "src/sound/__init__.py": "",
            "src/sound/player.py": "import sound._slowdowns\n",
        },
    )
    (finding,) = _found(root, "PF404")
    assert finding.severity is Severity.ERROR
    assert "no module named sound._slowdowns" in finding.message


def test_unnamed_extension_modules_make_missing_modules_unseen(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "setup.py": (
                "from setuptools import setup, Extension\n"
                "setup(ext_modules=[Extension(f'sound.{n}', [f'{n}.c']) for n in NAMES])\n"
            ),
            "src/sound/__init__.py": "",
            "src/sound/mix.py": "VALUE = 1\n",
            "src/sound/player.py": (
                "import sound._fast\nfrom sound import _faster\nfrom sound.mix import missing\n"
            ),
        },
    )
    findings = _found(root, "PF404")
    by_line = {f.line: f for f in findings}
    assert by_line[1].severity is Severity.INFO and by_line[2].severity is Severity.INFO
    assert (
        "the build may create it: setup.py names an extension module at run time"
        in by_line[1].message
    )
    # a name missing from a plain .py module is no build's doing
    assert by_line[3].severity is Severity.ERROR


def test_meson_project_imports_of_built_modules(tmp_path: Path) -> None:
    pyproject = GOOD_PYPROJECT.replace('"setuptools>=77"', '"meson-python"').replace(
        "setuptools.build_meta", "mesonpy"
    )
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "meson.build": (
                "py = import('python').find_installation()\n"
                "py.extension_module('_core', 'c/core.c', install: true, subdir: 'sound')\n"
            ),
            "sound/meson.build": "configure_file(output: '_version.py', configuration: c)\n",
            "sound/__init__.py": (
                "from sound._core import fast\nfrom sound._version import version\n"
                "from sound._generated import table\n"
            ),
        },
    )
    (finding,) = _found(root, "PF404")
    assert finding.line == 3 and finding.severity is Severity.INFO
    assert "meson" in finding.message


def test_generated_version_file(tmp_path: Path) -> None:
    pyproject = GOOD_PYPROJECT + '\n[tool.setuptools_scm]\nversion_file = "src/sound/_version.py"\n'
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "src/sound/__init__.py": "from sound._version import __version__\nfrom ._version import v\n",
        },
    )
    assert _found(root, "PF404") == []


def test_a_top_level_extension_module_is_first_party(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT.replace("version", "dependencies = []\nversion", 1),
            "setup.py": "from setuptools import setup, Extension\nsetup(ext_modules=[Extension('_sound', ['s.c'])])\n",
            "src/sound/__init__.py": "import _sound\n",
        },
    )
    assert _found(root, "PF404", "PF407") == []


# -- class 4: namespaces shared with other distributions --------------------------------------


def test_another_distributions_portion_is_not_first_party(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "api_core",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/google/api_core/__init__.py": "",
            "src/google/api_core/client.py": (
                "import google.auth\nfrom google import auth\nfrom google.auth import credentials\n"
                "import google.api_core.missing\n"
            ),
        },
    )
    (finding,) = _found(root, "PF404")
    assert finding.line == 4 and finding.severity is Severity.ERROR  # its own portion
    # CPython: with another distribution's portion on sys.path, the imports work
    other = write_tree(
        tmp_path / "auth", {"google/auth/__init__.py": "", "google/auth/credentials.py": ""}
    )
    result = _run(
        "import google.auth\nfrom google import auth\nfrom google.auth import credentials\n"
        "import google.api_core",
        root / "src",
        other,
    )
    assert result.returncode == 0, result.stderr


def test_pkgutil_and_pkg_resources_namespaces(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "zope_x",
        {
            "setup.py": (
                "from setuptools import setup, find_packages\n"
                "setup(packages=find_packages('src'), package_dir={'': 'src'}, namespace_packages=['zope'])\n"
            ),
            "src/zope/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
            "src/zope/x/__init__.py": "",
            "src/zope/x/use.py": "from zope import interface\nimport zope.interface.declarations\nfrom zope.x import nothing\n",
        },
    )
    (finding,) = _found(root, "PF404")
    assert finding.line == 3 and "defines no `nothing`" in finding.message
    other = write_tree(
        tmp_path / "zope_interface",
        {
            "zope/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
            "zope/interface/__init__.py": "",
            "zope/interface/declarations.py": "",
        },
    )
    result = _run(
        "from zope import interface\nimport zope.interface.declarations", root / "src", other
    )
    assert result.returncode == 0, result.stderr


NAMESPACE_NAME = {
    "pyproject.toml": GOOD_PYPROJECT,
    "src/sound/__init__.py": "",
    "src/sound/effects/echo.py": "def echofilter():\n    pass\n",
    "src/sound/player.py": "from sound.effects import echo, __spec__\nfrom sound.effects import echofilter\n",
}


def test_a_name_from_a_closed_namespace_package_is_an_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, NAMESPACE_NAME)
    (pf404,) = _found(root, "PF404")
    assert (pf404.line, pf404.severity) == (2, Severity.ERROR)
    assert "sound.effects is a namespace package" in pf404.message
    (pf101,) = _found(root, "PF101")
    assert pf101.severity is Severity.ERROR and "needs a regular package" in pf101.message
    result = _run("import sound.player", root / "src")
    assert "ImportError: cannot import name 'echofilter'" in result.stderr


def test_a_name_from_a_shared_namespace_package_is_not_an_error(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/acme/tools/__init__.py": "from acme import other_tool\n",
            "src/acme/tools/x.py": "",
        },
    )
    assert _found(root, "PF404", "PF101") == []
    other = write_tree(tmp_path / "other", {"acme/other_tool/__init__.py": ""})
    assert _run("import acme.tools", root / "src", other).returncode == 0


# -- class 10: PF101 and the wheel ---------------------------------------------------------------


def _wheel_contents(root: Path, scratch: Path) -> Path:
    """Build the project's wheel with setuptools (no network) and unpack it."""
    dist = scratch / "dist"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import setuptools.build_meta as b; print(b.build_wheel({str(dist)!r}))",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheel = dist / result.stdout.strip().splitlines()[-1]
    target = scratch / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


LEFT_OUT = {
    "setup.py": (
        "from setuptools import setup, find_packages\n"
        "setup(name='sound', version='1', packages=find_packages())\n"
    ),
    "sound/__init__.py": "from sound.effects import echo\n",
    "sound/effects/echo.py": "def echofilter():\n    pass\n",
}


@pytest.mark.slow
def test_find_packages_leaves_the_folder_out_and_the_import_fails(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "project", LEFT_OUT)
    (finding,) = _found(root, "PF101")
    assert finding.severity is Severity.ERROR
    assert "find_packages()` leaves `sound.effects` out of the wheel" in finding.message
    site = _wheel_contents(root, tmp_path)
    result = _run("import sound", site)
    assert "ModuleNotFoundError: No module named 'sound.effects'" in result.stderr


@pytest.mark.slow
def test_automatic_discovery_ships_the_folder_so_only_a_warning(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "pyproject.toml": GOOD_PYPROJECT.replace('license = "MIT"\n', ""),
            "src/sound/__init__.py": "from sound.effects import echo\n",
            "src/sound/effects/echo.py": "def echofilter():\n    pass\n",
        },
    )
    (finding,) = _found(root, "PF101")
    assert finding.severity is Severity.WARNING
    assert TUTORIAL_RULE in finding.message
    assert "setuptools' automatic discovery ships it" in finding.message
    site = _wheel_contents(root, tmp_path)
    assert _run("import sound.effects.echo", site).returncode == 0


def test_a_left_out_folder_imported_in_a_function_is_a_warning(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {**LEFT_OUT, "sound/__init__.py": "def play():\n    from sound.effects import echo\n"},
    )
    (finding,) = _found(root, "PF101")
    assert finding.severity is Severity.WARNING and "when it runs" in finding.message


def test_a_left_out_folder_nothing_imports_is_a_warning(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**LEFT_OUT, "sound/__init__.py": ""})
    (finding,) = _found(root, "PF101")
    assert (
        finding.severity is Severity.WARNING
        and "nothing in the package imports it" in finding.message
    )


def test_an_explicit_package_list_without_the_folder(tmp_path: Path) -> None:
    files = {
        **LEFT_OUT,
        "setup.py": "from setuptools import setup\nsetup(name='sound', packages=['sound'])\n",
    }
    (finding,) = _found(write_tree(tmp_path / "list", files), "PF101")
    assert finding.severity is Severity.ERROR
    assert "list `sound.effects` in packages" in finding.message
    # listed (as a PEP 420 package): it ships, so only the warning
    listed = {
        **files,
        "setup.py": files["setup.py"].replace("['sound']", "['sound', 'sound.effects']"),
    }
    (warning,) = _found(write_tree(tmp_path / "listed", listed), "PF101")
    assert warning.severity is Severity.WARNING


@pytest.mark.parametrize(
    "extra",
    [
        {"MANIFEST.in": "graft sound\n"},
        {"MANIFEST.in": "recursive-include sound *.py\n"},
        {"pyproject.toml": "[build-system]\nrequires = ['setuptools', 'setuptools-scm']\n"},
    ],
)
def test_data_that_may_ship_the_folder_makes_it_a_warning(
    tmp_path: Path, extra: dict[str, str]
) -> None:
    files = {
        **LEFT_OUT,
        "setup.py": "from setuptools import setup\nsetup(name='sound', packages=['sound'], include_package_data=True)\n",
        **extra,
    }
    (finding,) = _found(write_tree(tmp_path, files), "PF101")
    assert finding.severity is Severity.WARNING


def test_an_importer_that_is_left_out_too_fails_nothing(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            **LEFT_OUT,
            "sound/__init__.py": "",
            "sound/effects/surround.py": "from sound.effects import echo\n",
        },
    )
    (finding,) = _found(root, "PF101")
    assert finding.severity is Severity.WARNING


def test_other_backends_ship_the_folder(tmp_path: Path) -> None:
    pyproject = GOOD_PYPROJECT.replace('"setuptools>=77"', '"flit_core>=3.9"').replace(
        "setuptools.build_meta", "flit_core.buildapi"
    )
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            **{f"src/{k}": v for k, v in LEFT_OUT.items() if k != "setup.py"},
        },
    )
    (finding,) = _found(root, "PF101")
    assert finding.severity is Severity.WARNING and TUTORIAL_RULE in finding.message


def test_an_extension_module_does_not_make_its_missing_package_first_party(
    tmp_path: Path,
) -> None:
    # pyyaml: Extension('yaml._yaml') while lib/yaml/ is not where pkgforge looks
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "setup.py": "from setuptools import setup, Extension\nsetup(ext_modules=[Extension('yaml._yaml', ['y.c'])])\n",
            "src/sound/__init__.py": "import yaml\n",
        },
    )
    assert _found(root, "PF404") == []


def test_a_subdirectory_without_python_files_imports_as_a_namespace(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/sound/__init__.py": "",
            "src/sound/data/table.json": "{}",
            "src/sound/effects/echo.py": "",
            "src/sound/effects/presets/x.json": "{}",
            "src/sound/player.py": (
                "from sound import data\nimport sound.data\nfrom sound.effects import presets\n"
            ),
        },
    )
    assert _found(root, "PF404") == []
    assert _run("import sound.player", root / "src").returncode == 0


def test_a_compiled_init_is_no_namespace_package(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/sound/__init__.py": "",
            "src/sound/effects/__init__.pyx": "def echofilter(): pass\n",
            "src/sound/effects/echo.py": "",
            "src/sound/player.py": "from sound.effects import echofilter\n",
        },
    )
    assert _found(root, "PF404", "PF101") == []


def test_sources_beside_the_package_are_modules_and_globs_stay_in_one_package(
    tmp_path: Path,
) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "setup.py": (
                "from setuptools import setup\nfrom Cython.Build import cythonize\n"
                "setup(ext_modules=cythonize('src/sound/*.pyx'))\n"
            ),
            "src/sound/__init__.py": "",
            "src/sound/_speedups.pyx": "",
            "src/sound/_mix.c": "",
            "src/sound/sub/__init__.py": "",
            "src/sound/player.py": (
                "from sound import _speedups, _mix\nimport sound._fast\nimport sound.sub._fast\n"
            ),
        },
    )
    findings = _found(root, "PF404")
    assert [(f.line, f.severity) for f in findings] == [(2, Severity.INFO), (3, Severity.ERROR)]
