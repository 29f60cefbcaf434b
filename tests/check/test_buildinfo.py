"""buildinfo: what the build configuration says about modules beyond the source files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkgforge.checker.backends.buildinfo import BuildInfo, Wheel
from pkgforge.checker.engine import check, load_project
from pkgforge.checker.model import Project

from .conftest import GOOD_PYPROJECT, write_tree

SETUPTOOLS = GOOD_PYPROJECT
MESON = GOOD_PYPROJECT.replace('"setuptools>=77"', '"meson-python"').replace(
    "setuptools.build_meta", "mesonpy"
)
HATCH = GOOD_PYPROJECT.replace('"setuptools>=77"', '"hatchling", "hatch-vcs"').replace(
    "setuptools.build_meta", "hatchling.build"
)


def _project(root: Path, files: dict[str, str]) -> Project:
    write_tree(root, {"src/sound/__init__.py": "", **files})
    return load_project(root, use_cache=False)


def _build(root: Path, files: dict[str, str]) -> BuildInfo:
    return _project(root, files).build


# -- modules the build creates ---------------------------------------------------------------


def test_setup_py_literal_extensions(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS,
            "setup.py": (
                "from setuptools import setup, Extension\n"
                "from pybind11.setup_helpers import Pybind11Extension\n"
                "from setuptools_rust import RustExtension\n"
                "NAME = 'sound._named'\n"
                "setup(\n"
                "    ext_modules=[\n"
                "        Extension('sound._speedups', ['c/speedups.c']),\n"
                "        Pybind11Extension(name='sound._bind', sources=['c/bind.cpp']),\n"
                "        Extension(NAME, ['c/n.c']),\n"
                "    ],\n"
                "    rust_extensions=[RustExtension(target='sound._rust')],\n"
                ")\n"
            ),
        },
    )
    assert project.build.unnamed == ()
    assert {"sound._speedups", "sound._bind", "sound._named", "sound._rust"} <= project.generated


def test_setup_py_extensions_named_at_run_time(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {
            "setup.py": (
                "from setuptools import setup, Extension\n"
                "exts = [Extension(f'sound.{n}', [n + '.c']) for n in ('a', 'b')]\n"
                "setup(ext_modules=exts)\n"
            )
        },
    )
    assert any("run time" in why for why in info.unnamed)


def test_setup_py_ext_modules_from_a_function_is_unnamed(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {
            "setup.py": "from setuptools import setup\nfrom build_helpers import exts\nsetup(ext_modules=exts())\n"
        },
    )
    assert info.unnamed == ("setup.py computes ext_modules at run time",)


def test_cythonize_globs_become_module_globs(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS,
            "setup.py": (
                "from setuptools import setup\nfrom Cython.Build import cythonize\n"
                "setup(ext_modules=cythonize('src/sound/*.pyx'))\n"
            ),
        },
    )
    assert project.build.unnamed == ()
    assert "sound.*" in project.generated


def test_cffi_out_of_line_module(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS,
            "build_ffi.py": (
                "from cffi import FFI\nffibuilder = FFI()\n"
                'ffibuilder.set_source("sound._cffi", "#include <x.h>")\n'
            ),
            "setup.py": "from setuptools import setup\nsetup(cffi_modules=['build_ffi.py:ffibuilder'])\n",
        },
    )
    assert "sound._cffi" in project.generated
    assert project.build.unnamed == ()


def test_cffi_script_that_cannot_be_read_is_unnamed(tmp_path: Path) -> None:
    info = _build(
        tmp_path, {"setup.py": "from setuptools import setup\nsetup(cffi_modules=['x/b.py:ffi'])\n"}
    )
    assert any("CFFI build script x/b.py" in why for why in info.unnamed)


def test_numpy_distutils_is_unnamed(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {
            "setup.py": (
                "from numpy.distutils.misc_util import Configuration\n"
                "config = Configuration('sound')\nconfig.add_extension('_fib', ['fib.f90'])\n"
            )
        },
    )
    assert any("numpy.distutils" in why for why in info.unnamed)


def test_pyproject_ext_modules_and_version_files(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS
            + '\n[tool.setuptools]\next-modules = [{name = "sound._ext", sources = ["e.c"]}]\n'
            + '\n[tool.setuptools_scm]\nwrite_to = "src/sound/_version.py"\n',
        },
    )
    assert {"sound._ext", "sound._version"} <= project.generated


@pytest.mark.parametrize(
    "table",
    [
        '[tool.hatch.build.hooks.vcs]\nversion-file = "src/sound/_version.py"\n',
        '[tool.hatch.version.raw-options]\nversion_file = "src/sound/_version.py"\n',
        '[tool.pdm.version]\nsource = "scm"\nwrite_to = "sound/_version.py"\n',
        # hatchling's own version hook writes the one file its `path` names
        '[tool.hatch.build.hooks.version]\npath = "src/sound/_version.py"\n',
    ],
)
def test_version_files_of_other_backends(tmp_path: Path, table: str) -> None:
    project = _project(tmp_path, {"pyproject.toml": HATCH + "\n" + table})
    assert "sound._version" in project.generated
    # a hook whose output is named is no blind spot for the package's other modules
    assert project.build.unnamed == ()


def test_versioneer_version_file(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "setup.cfg": "[versioneer]\nVCS = git\nversionfile_source = src/sound/_version.py\n",
            "setup.py": (
                "import versioneer\nfrom setuptools import setup\n"
                "setup(cmdclass=versioneer.get_cmdclass())\n"
            ),
        },
    )
    assert "sound._version" in project.generated
    assert project.build.unnamed == ()


def test_custom_build_py_is_unnamed(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {"setup.py": "from setuptools import setup\nsetup(cmdclass={'build_py': MyBuild})\n"},
    )
    assert info.unnamed == ("setup.py customises the build (cmdclass)",)


def test_meson_extension_modules_and_generated_files(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": MESON,
            "meson.build": (
                "project('sound', 'c')\npy = import('python').find_installation()\n"
                "py.extension_module('_core', 'c/core.c', install: true, subdir: 'sound')  # (\n"
                "py.extension_module(\n  '_top',\n  ['t.c'],\n  install: true,\n)\n"
                "foreach n : ['a', 'b']\n  py.extension_module(n, n + '.c', subdir: 'sound')\n"
                "endforeach\n"
            ),
            "src/sound/meson.build": (
                "configure_file(input: 'v.py.in', output: '_version.py', configuration: c)\n"
                "custom_target('gen', output: ['_tables.py', '_tables.c'], command: [x])\n"
            ),
        },
    )
    assert {"sound._core", "_top", "sound._version", "sound._tables"} <= project.generated
    assert any("meson" in why for why in project.build.unnamed)


def test_meson_build_ignored_for_another_backend(tmp_path: Path) -> None:
    info = _build(tmp_path, {"pyproject.toml": HATCH, "meson.build": "project('x')\n"})
    assert info.unnamed == ()


def test_cmake_modules_of_scikit_build(tmp_path: Path) -> None:
    pyproject = GOOD_PYPROJECT.replace("setuptools.build_meta", "scikit_build_core.build")
    project = _project(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "CMakeLists.txt": (
                "pybind11_add_module(_core MODULE src/core.cpp)\n"
                "nanobind_add_module(_nb src/nb.cpp)\n"
                "install(TARGETS _core LIBRARY DESTINATION sound)\n"
                "install(TARGETS _nb DESTINATION ${SKBUILD_PROJECT_NAME})\n"
            ),
        },
    )
    assert "sound._core" in project.generated
    assert any("scikit-build-core" in why for why in project.build.unnamed)


def test_maturin_module_name_and_cargo_lib(tmp_path: Path) -> None:
    maturin = GOOD_PYPROJECT.replace("setuptools.build_meta", "maturin")
    named = _project(
        tmp_path / "named",
        {"pyproject.toml": maturin + '\n[tool.maturin]\nmodule-name = "sound._rs"\n'},
    )
    assert "sound._rs" in named.generated
    assert named.build.unnamed == ()
    cargo = _project(
        tmp_path / "cargo",
        {"pyproject.toml": maturin, "Cargo.toml": '[package]\nname = "x"\n[lib]\nname = "sound"\n'},
    )
    assert "sound.sound" in cargo.generated
    unread = _build(tmp_path / "unread", {"pyproject.toml": maturin})
    assert unread.unnamed


@pytest.mark.parametrize(
    ("backend", "word"),
    [
        ("mesonpy", "meson-python"),
        ("scikit_build_core.build", "scikit-build-core"),
        ("py_build_cmake.build", "py-build-cmake"),
    ],
)
def test_compiling_backends_are_unnamed(tmp_path: Path, backend: str, word: str) -> None:
    pyproject = GOOD_PYPROJECT.replace("setuptools.build_meta", backend)
    info = _build(tmp_path, {"pyproject.toml": pyproject})
    assert any(word in why for why in info.unnamed)


def test_pure_python_project_has_no_build_signs(tmp_path: Path) -> None:
    info = _build(tmp_path, {"pyproject.toml": HATCH, "setup.py": "# not used\n"})
    assert info == BuildInfo(wheel=info.wheel, backend="hatchling.build")
    assert info.wheel.kind == "unknown"


def test_hostile_build_files_never_raise(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {
            "pyproject.toml": MESON,
            "setup.py": "setup(ext_modules=[Extension(",
            "setup.cfg": "[options\npackages = ",
            "meson.build": "py.extension_module('''unterminated",
            "Cargo.toml": "[lib\n",
        },
    )
    assert any("does not parse" in why for why in info.unnamed)


# -- what the wheel holds ----------------------------------------------------------------------


def test_wheel_kinds(tmp_path: Path) -> None:
    def wheel(name: str, files: dict[str, str]) -> Wheel:
        return _build(tmp_path / name, files).wheel

    listed = wheel(
        "list", {"setup.py": "from setuptools import setup\nsetup(packages=['sound', 'sound.a'])\n"}
    )
    assert (listed.kind, listed.names) == ("list", ("sound", "sound.a"))
    found = wheel(
        "find",
        {
            "setup.py": "import setuptools\nsetuptools.setup(packages=setuptools.find_packages(exclude=['tests*']))\n"
        },
    )
    assert (found.kind, found.exclude) == ("find", ("tests*",))
    dynamic = wheel(
        "dyn",
        {
            "setup.py": "from setuptools import setup, find_packages\nsetup(packages=find_packages(exclude=EXCLUDES))\n"
        },
    )
    assert (dynamic.kind, dynamic.exclude) == ("find", None)
    ns = wheel(
        "ns",
        {
            "setup.py": "from setuptools import setup, find_namespace_packages as f\nsetup(packages=f())\n"
        },
    )
    assert ns.kind == "unknown"  # an alias pkgforge does not follow
    cfg = wheel(
        "cfg",
        {
            "setup.py": "from setuptools import setup\nsetup()\n",
            "setup.cfg": "[options]\npackages = find:\n[options.packages.find]\nexclude = tests\n",
        },
    )
    assert (cfg.kind, cfg.exclude) == ("find", ("tests",))
    toml = wheel(
        "toml",
        {"pyproject.toml": SETUPTOOLS + "\n[tool.setuptools.packages.find]\nnamespaces = false\n"},
    )
    assert toml.kind == "find"
    auto = wheel("auto", {"pyproject.toml": SETUPTOOLS})
    assert (auto.kind, auto.source) == ("namespace", "setuptools' automatic discovery")
    computed = wheel(
        "computed", {"setup.py": "from setuptools import setup\nsetup(packages=get())\n"}
    )
    assert computed.kind == "unknown"


def test_wheel_ships() -> None:
    find = Wheel("find", include=(), exclude=("sound.tests*",))
    assert find.ships("sound.effects", chain_has_init=False) is False
    assert find.ships("sound.effects", chain_has_init=True) is True
    assert find.ships("sound.tests", chain_has_init=True) is False
    assert Wheel("find", exclude=None).ships("sound", chain_has_init=True) is None
    assert Wheel("list", ("sound",)).ships("sound.effects", chain_has_init=True) is False
    assert Wheel("namespace").ships("sound.effects", chain_has_init=False) is True
    assert Wheel().ships("sound", chain_has_init=True) is None


@pytest.mark.parametrize(
    ("rule", "covered"),
    [
        (("graft", "sound"), True),
        (("graft", "docs"), False),
        (("recursive-include", "sound", "*.py"), True),
        (("recursive-include", "sound", "*.txt"), False),
        (("include", "sound/effects/*.py"), True),
        (("include", "README.md"), False),
        (("global-include", "*.py"), True),
        (("package-data", "effects/*.py"), True),
        (("package-data", "*.json"), False),
        (("scm",), True),
    ],
)
def test_data_rules(rule: tuple[str, ...], covered: bool) -> None:
    assert Wheel(data=(rule,)).may_ship_as_data("sound/effects/echo.py") is covered


def test_manifest_and_scm_become_data_rules(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS.replace(
                '"setuptools>=77"', '"setuptools>=77", "setuptools-scm"'
            ),
            "MANIFEST.in": "include README.md  # docs\nprune build\n",
        },
    )
    assert info.wheel.data == (("scm",), ("include", "README.md"))


# -- namespaces shared with other distributions -------------------------------------------------


def test_shared_namespaces(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS,
            "src/google/cloud/storage/__init__.py": "",
            "src/zope/__init__.py": "__import__('pkg_resources').declare_namespace(__name__)\n",
            "src/zope/x/__init__.py": "",
            "src/azure/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
            "src/sound/effects/echo.py": "",
            "src/sound/plugins/__init__.py": "from pkgutil import extend_path\n__path__ = extend_path(__path__, __name__)\n",
        },
    )
    assert project.shared_namespaces == {"google", "google.cloud", "zope", "azure", "sound.plugins"}


def test_setuptools_namespace_packages_are_shared(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"setup.cfg": "[options]\nnamespace_packages = acme\n", "src/acme/__init__.py": ""},
    )
    assert "acme" in project.shared_namespaces


# -- the cache notices a changed build file -------------------------------------------------------


def test_a_changed_setup_py_invalidates_remembered_findings(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS,
            "setup.py": "from setuptools import setup, Extension\nsetup(ext_modules=[Extension('sound._x', ['x.c'])])\n",
            "src/sound/__init__.py": "import sound._x\n",
        },
    )
    assert check([root], select=["PF404"]).findings == ()
    (root / "setup.py").write_text("from setuptools import setup\nsetup()\n  ", encoding="utf-8")
    (finding,) = check([root], select=["PF404"]).findings
    assert "no module named sound._x" in finding.message


def test_ext_package_prefixes_the_extension_names(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS,
            "build_ffi.py": "ffi.set_source('_sodium', '')\n",
            "setup.py": (
                "from setuptools import setup, Extension\n"
                "setup(ext_package='sound', cffi_modules=['build_ffi.py:ffi'],\n"
                "      ext_modules=[Extension('_speedups', ['s.c'])])\n"
            ),
        },
    )
    assert {"sound._sodium", "sound._speedups"} <= project.generated
    assert "_sodium" not in project.generated


def test_meson_build_of_a_root_folder_without_python(tmp_path: Path) -> None:
    # contourpy: the C++ sources and their meson.build live in a folder of their own
    project = _project(
        tmp_path,
        {
            "pyproject.toml": MESON,
            "meson.build": "subdir('csrc')\n",
            "csrc/meson.build": (
                "ext = py3.extension_module(\n  '_contourpy',\n  ['a.cpp'],\n"
                "  install: true,\n  subdir: 'sound',\n)\n"
            ),
        },
    )
    assert "sound._contourpy" in project.generated
    assert project.build.unnamed == ("the build backend meson-python compiles modules",)


def test_ext_modules_set_outside_the_setup_call_is_unnamed(tmp_path: Path) -> None:
    info = _build(
        tmp_path,
        {
            "setup.py": (
                "from setuptools import setup\nfrom helpers import extensions\n"
                "kwargs = {'name': 'sound'}\nkwargs['ext_modules'] = extensions()\n"
                "setup(**kwargs)\n"
            )
        },
    )
    assert info.unnamed == ("setup.py sets ext_modules in a way pkgforge cannot read",)


_HOOK = (
    "from hatchling.builders.hooks.plugin.interface import BuildHookInterface\n"
    "class Hook(BuildHookInterface):\n"
    "    def initialize(self, version, build_data):\n"
    "        {}\n"
)
_IMPORTS = "from sound.gone import x\nfrom .missing import y\nfrom ._gen import z\nfrom .sub.deep import w\n"


@pytest.mark.parametrize(
    ("hook", "maybe"),
    [
        # it names the one file it writes: only that module may appear
        ("open('src/sound/_gen.py', 'w').write('z = 1')", {"sound._gen"}),
        # a computed file name in a folder it names: any module of that folder
        ("for n in ['_gen']: open(f'src/sound/{n}.py', 'w')", {"sound.gone", "sound.missing", "sound._gen"}),
        # another program writes what it likes
        ("import subprocess; subprocess.run(['make'])", {"sound.gone", "sound.missing", "sound._gen", "sound.sub.deep"}),
    ],
)  # fmt: skip
def test_a_build_scripts_blind_spot_stays_local(tmp_path: Path, hook: str, maybe: set[str]) -> None:
    # DESIGN.md: a hatch custom hook hides only the modules its text may write; a deleted
    # or missing module elsewhere in the package is still an error
    pyproject = HATCH.replace('"hatch-vcs"', '"hatchling"') + "[tool.hatch.build.hooks.custom]\n"
    files = {
        "pyproject.toml": pyproject,
        "hatch_build.py": _HOOK.format(hook),
        "src/sound/sub/__init__.py": "",
        "src/sound/player.py": _IMPORTS,
    }
    write_tree(tmp_path, {"src/sound/__init__.py": "", **files})
    found = check([tmp_path], select=["PF404"], use_cache=False).findings
    severities = {f.message.split("no module named ")[1].split()[0]: f.severity for f in found}
    assert severities == {
        module: "info" if module in maybe else "error"
        for module in ("sound.gone", "sound.missing", "sound._gen", "sound.sub.deep")
    }


@pytest.mark.parametrize(
    ("hook", "severity"),
    [
        # hatch-autorun writes a .pth file and nothing importable
        ('[tool.hatch.build.hooks.autorun]\ncode = "print(1)"\n', "error"),
        # a plugin whose output is not documented here may write any module
        ("[tool.hatch.build.hooks.some-plugin]\n", "info"),
    ],
)
def test_a_build_hook_plugin_hides_only_what_it_may_write(
    tmp_path: Path, hook: str, severity: str
) -> None:
    pyproject = HATCH.replace('"hatch-vcs"', '"hatchling"') + hook
    files = {"pyproject.toml": pyproject, "src/sound/player.py": "from sound.gone import x\n"}
    write_tree(tmp_path, {"src/sound/__init__.py": "", **files})
    (finding,) = check([tmp_path], select=["PF404"], use_cache=False).findings
    assert finding.severity == severity
