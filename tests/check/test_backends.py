"""Discovery follows each build backend's own configuration: what ships is what is checked.

Each test builds a tree with the package that ships and a decoy that does not
(a C++ `src/`, a `tools/` script, a second package), and checks that only the
shipped one is walked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import check, load_project

from .conftest import GOOD_PYPROJECT
from .test_discover import backend


def _modules(root: Path) -> dict[str, str]:
    return {f.relpath: f.module for f in load_project(root, use_cache=False).files}


def _decided_by(root: Path) -> str:
    return str(load_project(root, use_cache=False).extra["layout"].decided_by)


NO_SETUPTOOLS_TABLE = GOOD_PYPROJECT  # setuptools backend, no [tool.setuptools]

# setuptools: setup.cfg ----------------------------------------------------------


def test_setup_cfg_find_with_package_dir(make_project: Callable[..., Path]) -> None:
    cfg = (
        "[options]\npackage_dir =\n    =lib\npackages = find:\n"
        "[options.packages.find]\nwhere = lib\nexclude =\n    tests*\n"
    )
    root = make_project(
        {
            "setup.cfg": cfg,
            "lib/sound/__init__.py": "",
            "lib/sound/echo.py": "",
            "lib/tests/__init__.py": "",
            "src/native.cpp": "",
            "src/helper.py": "",
        }
    )
    assert _modules(root) == {"lib/sound/__init__.py": "sound", "lib/sound/echo.py": "sound.echo"}
    assert "setup.cfg" in _decided_by(root)


def test_setup_cfg_package_list_and_py_modules(make_project: Callable[..., Path]) -> None:
    cfg = "[options]\npackages = sound, sound.effects\npy_modules =\n    helper\n"
    root = make_project(
        {
            "setup.cfg": cfg,
            "sound/__init__.py": "",
            "sound/effects/__init__.py": "",
            "helper.py": "",
            "other/__init__.py": "",
            "build_helper.py": "",
        }
    )
    assert set(_modules(root).values()) == {"sound", "sound.effects", "helper"}


def test_setup_cfg_attr_directive_falls_back(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"setup.cfg": "[options]\npackages = attr: x.y\n", "src/sound/__init__.py": ""}
    )
    assert _modules(root) == {"src/sound/__init__.py": "sound"}
    assert "not a literal" in _decided_by(root)


# setuptools: setup.py literals ------------------------------------------------------


def test_setup_py_package_dir_lib_beats_a_cpp_src(make_project: Callable[..., Path]) -> None:
    setup = (
        "from setuptools import setup, find_packages\n"
        "setup(name='sound', package_dir={'': 'lib'}, packages=find_packages('lib'))\n"
    )
    root = make_project(
        {
            "setup.py": setup,
            "lib/sound/__init__.py": "",
            "src/sound.cpp": "",
            "src/bindings/gen.py": "",
        }
    )
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}
    assert "setup.py" in _decided_by(root)


def test_setup_py_package_and_module_lists(make_project: Callable[..., Path]) -> None:
    setup = (
        "import setuptools\n"
        "PACKAGES = ['sound', 'sound.effects']\n"
        "setuptools.setup(packages=PACKAGES, py_modules=['helper'])\n"
    )
    root = make_project(
        {
            "setup.py": setup,
            "sound/__init__.py": "",
            "sound/effects/__init__.py": "",
            "helper.py": "",
            "Tools/release.py": "",
            "junk/__init__.py": "",
        }
    )
    assert set(_modules(root).values()) == {"sound", "sound.effects", "helper"}


@pytest.mark.parametrize(
    ("config", "namespaces"),
    [
        ({"setup.cfg": "[options]\npackages = find:\n[options.packages.find]\n"}, False),
        ({"pyproject.toml": GOOD_PYPROJECT + "[tool.setuptools.packages.find]\n"}, True),
    ],
)
def test_find_exclude_of_a_parent_package_keeps_its_subpackages(
    make_project: Callable[..., Path], config: dict[str, str], namespaces: bool
) -> None:
    # setuptools matches each package's dotted name on its own: `acme` leaves out
    # acme/__init__.py, not acme.sound, while `tests*` leaves out every tests package.
    # Below an excluded package, plain find takes only folders with an __init__.py;
    # find_namespace (pyproject.toml's default) takes every folder.
    ((name, text),) = config.items()
    excluded = "tests*, acme, acme.sound.demo"
    if name == "setup.cfg":
        text += "exclude = " + excluded + "\n"
    else:
        text += "exclude = [" + ", ".join(f'"{p}"' for p in excluded.split(", ")) + "]\n"
    root = make_project(
        {
            name: text,
            "acme/__init__.py": "",
            "acme/sound/__init__.py": "",
            "acme/sound/echo.py": "",
            "acme/sound/demo/__init__.py": "",
            "acme/sound/demo/play.py": "",
            "acme/sound/demo/more/__init__.py": "",
            "acme/sound/demo/samples/broken.py": "def (",
            "tests/__init__.py": "",
            "tests/unit/__init__.py": "",
        }
    )
    expected = {"acme.sound", "acme.sound.echo", "acme.sound.demo.more"}
    if namespaces:
        expected.add("acme.sound.demo.samples.broken")
    assert set(_modules(root).values()) == expected


def test_setup_py_find_packages_exclude(make_project: Callable[..., Path]) -> None:
    setup = (
        "from setuptools import setup, find_namespace_packages\n"
        "if __name__ == '__main__':\n"
        "    setup(packages=find_namespace_packages(where='src', exclude=['sound.tests*']),\n"
        "          package_dir={'': 'src'})\n"
    )
    root = make_project(
        {
            "setup.py": setup,
            "src/sound/__init__.py": "",
            "src/sound/tests/test_x.py": "",
        }
    )
    assert _modules(root) == {"src/sound/__init__.py": "sound"}


@pytest.mark.parametrize(
    "call",
    [
        "setup(packages=get_packages())",
        "setup(**options)",
        "setup(packages=find_packages() + ['extra'])",
        "setup(packages=[p for p in names])",
    ],
)
def test_setup_py_non_literal_falls_back_to_automatic_discovery(
    make_project: Callable[..., Path], call: str
) -> None:
    """Never guess: a src/ without Python (C++ sources) does not win over the root."""
    root = make_project(
        {
            "setup.py": f"from setuptools import setup\n{call}\n",
            "src/sound.cpp": "",
            "sound/__init__.py": "",
            "tests/test_sound.py": "",
        },
        pyproject=None,
    )
    assert _modules(root) == {"sound/__init__.py": "sound"}
    assert "not a literal" in _decided_by(root)


@pytest.mark.parametrize(
    "arguments",
    [
        "OPTIONS = dict(packages=['sound', 'sound.effects'], package_dir={'': 'code'})",
        "OPTIONS = {'packages': ['sound', 'sound.effects'], 'package_dir': {'': 'code'}}",
    ],
)
def test_setup_py_kwargs_bound_to_a_literal_dict_are_read(
    make_project: Callable[..., Path], arguments: str
) -> None:
    # setup(**OPTIONS) used to check every folder of the flat layout (helpers/ and code/)
    root = make_project(
        {
            "setup.py": f"from setuptools import setup\n{arguments}\nsetup(**OPTIONS)\n",
            "code/sound/__init__.py": "",
            "code/sound/effects/__init__.py": "",
            "code/decoy/__init__.py": "",
            "helpers/__init__.py": "",
        },
        pyproject=None,
    )
    assert set(_modules(root)) == {"code/sound/__init__.py", "code/sound/effects/__init__.py"}
    build = load_project(root, use_cache=False).build
    assert build.wheel.kind == "list" and build.wheel.names == ("sound", "sound.effects")


def test_setup_py_kwargs_changed_before_the_call_are_not_read(
    make_project: Callable[..., Path],
) -> None:
    setup_py = (
        "from setuptools import setup\nOPTIONS = dict(packages=['decoy'])\n"
        "configure(OPTIONS)\nsetup(**OPTIONS)\n"
    )
    root = make_project(
        {"setup.py": setup_py, "sound/__init__.py": "", "decoy/__init__.py": ""}, pyproject=None
    )
    assert "not a literal" in _decided_by(root)
    assert load_project(root, use_cache=False).build.wheel.kind == "unknown"


def test_setup_py_literal_package_dir_with_computed_packages(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "setup.py": "setup(package_dir={'': 'lib'}, packages=compute())\n",
            "lib/sound/__init__.py": "",
            "src/other/__init__.py": "",
        },
        pyproject=None,
    )
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}


def test_setup_py_that_does_not_parse_falls_back(make_project: Callable[..., Path]) -> None:
    root = make_project({"setup.py": "setup(\n", "src/sound/__init__.py": ""})
    assert _modules(root) == {"src/sound/__init__.py": "sound"}


def test_pyproject_settings_win_over_setup_py(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.setuptools]\npackages = ["sound"]\n'
    root = make_project(
        {
            "setup.py": "setup(packages=['other'])\n",
            "sound/__init__.py": "",
            "other/__init__.py": "",
        },
        pyproject=pyproject,
    )
    assert _modules(root) == {"sound/__init__.py": "sound"}


def test_setup_py_reading_is_remembered(make_project: Callable[..., Path]) -> None:
    root = make_project({"setup.py": "setup(packages=['sound'])\n", "sound/__init__.py": ""})
    check([root], use_cache=True)
    from pkgforge.checker.cache import SummaryCache

    memo = SummaryCache.load(root).memo
    assert memo["setuptools"][1] == {"packages": ["sound"]}


# the walk ---------------------------------------------------------------------


def test_build_env_dist_venv_inside_a_package_are_checked(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/build/__init__.py": "",
            "src/sound/env/__init__.py": "",
            "src/sound/dist/__init__.py": "",
            "src/sound/venv/__init__.py": "",
            "src/sound/node_modules/x.py": "",
            "src/sound/.venv/x.py": "",
            "src/sound/myenv/pyvenv.cfg": "",
            "src/sound/myenv/lib/x.py": "",
            "build/lib/sound/__init__.py": "",
            "venv/lib/x.py": "",
        }
    )
    assert set(_modules(root).values()) == {
        "sound",
        "sound.build",
        "sound.env",
        "sound.dist",
        "sound.venv",
    }


def test_a_package_named_build_at_the_root_ships_when_listed(
    make_project: Callable[..., Path],
) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.setuptools]\npackages = ["build"]\n'
    root = make_project({"build/__init__.py": "", "dist/__init__.py": ""}, pyproject=pyproject)
    assert _modules(root) == {"build/__init__.py": "build"}


# hatchling ---------------------------------------------------------------------


HATCH = backend("hatchling.build")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"sound/__init__.py": "", "tools/x.py": ""}, {"sound/__init__.py": "sound"}),
        ({"src/sound/__init__.py": "", "lib/x.py": ""}, {"src/sound/__init__.py": "sound"}),
        ({"sound.py": "", "helper.py": ""}, {"sound.py": "sound"}),
        (
            {"acme/sound/__init__.py": "", "other/x.py": ""},
            {"acme/sound/__init__.py": "acme.sound"},
        ),
    ],
)
def test_hatch_default_file_selection(
    make_project: Callable[..., Path], files: dict[str, str], expected: dict[str, str]
) -> None:
    root = make_project(files, pyproject=HATCH)
    assert _modules(root) == expected


def test_hatch_only_include_sources_and_exclude(make_project: Callable[..., Path]) -> None:
    pyproject = HATCH + (
        "[tool.hatch.build.targets.wheel]\n"
        'only-include = ["python/sound"]\nsources = ["python"]\n'
        'exclude = ["python/sound/_vendor", "test_*.py"]\n'
    )
    root = make_project(
        {
            "python/sound/__init__.py": "",
            "python/sound/test_echo.py": "",
            "python/sound/_vendor/six.py": "",
            "python/other/__init__.py": "",
        },
        pyproject=pyproject,
    )
    assert _modules(root) == {"python/sound/__init__.py": "sound"}


def test_hatch_sources_mapping_renames(make_project: Callable[..., Path]) -> None:
    pyproject = HATCH + (
        '[tool.hatch.build.targets.wheel]\npackages = ["src/code"]\n'
        '[tool.hatch.build.targets.wheel.sources]\n"src/code" = "sound"\n'
    )
    root = make_project({"src/code/__init__.py": "", "src/code/echo.py": ""}, pyproject=pyproject)
    assert _modules(root) == {"src/code/__init__.py": "sound", "src/code/echo.py": "sound.echo"}


def test_hatch_glob_include_falls_back(make_project: Callable[..., Path]) -> None:
    pyproject = HATCH + '[tool.hatch.build.targets.wheel]\ninclude = ["s*d/**/*.py"]\n'
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject)
    assert _modules(root) == {"src/sound/__init__.py": "sound"}
    assert "cannot follow" in _decided_by(root)


# flit ---------------------------------------------------------------------------


def test_flit_module_named_like_the_project(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound_kit/__init__.py": "", "tools/x.py": "", "other/__init__.py": ""},
        pyproject=backend("flit_core.buildapi", "sound-kit"),
    )
    assert _modules(root) == {"src/sound_kit/__init__.py": "sound_kit"}


def test_flit_module_table(make_project: Callable[..., Path]) -> None:
    pyproject = backend("flit_core.buildapi") + '[tool.flit.module]\nname = "acme.sound"\n'
    root = make_project(
        {"acme/sound/__init__.py": "", "acme/other/__init__.py": ""}, pyproject=pyproject
    )
    assert _modules(root) == {"acme/sound/__init__.py": "acme.sound"}


# pdm-backend ------------------------------------------------------------------------


def test_pdm_default_src(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/notes.py": "", "lib/x/__init__.py": ""},
        pyproject=backend("pdm.backend"),
    )
    assert _modules(root) == {"src/sound/__init__.py": "sound"}


def test_pdm_flat_leaves_tests_out(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"sound/__init__.py": "", "tests/__init__.py": "", "tasks.py": ""},
        pyproject=backend("pdm.backend"),
    )
    assert _modules(root) == {"sound/__init__.py": "sound"}


def test_pdm_package_dir_includes_and_excludes(make_project: Callable[..., Path]) -> None:
    pyproject = backend("pdm.backend") + (
        '[tool.pdm.build]\npackage-dir = "python"\nincludes = ["python/sound"]\n'
        'excludes = ["**/_generated"]\n'
    )
    root = make_project(
        {
            "python/sound/__init__.py": "",
            "python/sound/_generated/x.py": "",
            "python/other/__init__.py": "",
        },
        pyproject=pyproject,
    )
    assert _modules(root) == {"python/sound/__init__.py": "sound"}


# poetry-core ---------------------------------------------------------------------------


def test_poetry_default_and_sdist_only_packages(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "scripts/x.py": ""},
        pyproject=backend("poetry.core.masonry.api"),
    )
    assert _modules(root) == {"src/sound/__init__.py": "sound"}
    pyproject = backend("poetry.core.masonry.api") + (
        '[tool.poetry]\npackages = [\n  { include = "sound", from = "src" },\n'
        '  { include = "tests", format = "sdist" },\n  { include = "extra", to = "sound" },\n]\n'
    )
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("", encoding="utf-8")
    (root / "extra").mkdir()
    (root / "extra" / "__init__.py").write_text("", encoding="utf-8")
    assert _modules(root) == {
        "src/sound/__init__.py": "sound",
        "extra/__init__.py": "sound.extra",
    }


# scikit-build-core ------------------------------------------------------------------------


SKBUILD = backend("scikit_build_core.build")


def test_scikit_build_default(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"python/sound/__init__.py": "", "src/main.cpp": "", "src/gen.py": ""}, pyproject=SKBUILD
    )
    assert _modules(root) == {"python/sound/__init__.py": "sound"}


@pytest.mark.parametrize(
    "setting",
    ['packages = ["lib/sound"]', '[tool.scikit-build.wheel.packages]\n"sound" = "lib/sound"'],
)
def test_scikit_build_wheel_packages(make_project: Callable[..., Path], setting: str) -> None:
    table = setting if setting.startswith("[") else f"[tool.scikit-build.wheel]\n{setting}"
    root = make_project(
        {"lib/sound/__init__.py": "", "lib/other/__init__.py": ""}, pyproject=f"{SKBUILD}{table}\n"
    )
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}


# maturin -----------------------------------------------------------------------------------


MATURIN = backend("maturin")


def test_maturin_python_source_and_module_name(make_project: Callable[..., Path]) -> None:
    pyproject = (
        MATURIN + '[tool.maturin]\npython-source = "python"\nmodule-name = "sound._native"\n'
    )
    root = make_project(
        {"python/sound/__init__.py": "", "src/lib.rs": "", "tests/test_x.py": ""},
        pyproject=pyproject,
    )
    assert _modules(root) == {"python/sound/__init__.py": "sound"}


def test_maturin_module_name_from_cargo(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"Cargo.toml": '[lib]\nname = "sound_rs"\n', "sound_rs/__init__.py": "", "other.py": ""},
        pyproject=MATURIN,
    )
    assert _modules(root) == {"sound_rs/__init__.py": "sound_rs"}


def test_maturin_pure_rust_says_that_no_python_ships(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/lib.rs": "", "tests/test_x.py": ""}, pyproject=MATURIN)
    result = check([root], use_cache=False)
    assert result.files_checked == 0
    (finding,) = [f for f in result.findings if f.code == "PF105"]
    assert "'sound' is a pure Rust module" in finding.message
    assert not result.has_errors


# meson-python -------------------------------------------------------------------------------


MESON = backend("mesonpy")


def test_meson_install_sources(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "meson.build": "project('sound', 'c')\npy = import('python').find_installation()\n"
            "subdir('sound')  # the package\nsubdir('tools')\n",
            "sound/meson.build": "py.install_sources(\n  ['__init__.py', 'echo.py'],\n"
            "  subdir: 'sound',\n)\nsubdir('effects')\n",
            "sound/effects/meson.build": "py.install_sources('__init__.py', subdir: 'sound/effects')\n",
            "sound/__init__.py": "",
            "sound/echo.py": "",
            "sound/effects/__init__.py": "",
            "tools/meson.build": "",
            "tools/gen.py": "",
            "vendored-meson/meson.py": "",
        },
        pyproject=MESON,
    )
    assert set(_modules(root).values()) == {"sound", "sound.echo", "sound.effects"}


def test_meson_install_subdir_and_project_name(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "meson.build": "project('sound')\ninstall_subdir('lib/sound', "
            "install_dir: py.get_install_dir())\n",
            "lib/sound/__init__.py": "",
            "lib/other/__init__.py": "",
        },
        pyproject=MESON,
    )
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}
    (root / "meson.build").write_text("project('sound')\n", encoding="utf-8")
    (root / "sound").mkdir()
    (root / "sound" / "__init__.py").write_text("", encoding="utf-8")
    assert _modules(root) == {"sound/__init__.py": "sound"}


def test_meson_moved_sources_build_utils_and_nested_installs(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "meson.build": "project('sci')\nsubdir('sci')\npy.install_sources('tool.py')\n",
            "sci/meson.build": "py.install_sources(['__init__.py'], subdir: 'sci')\n"
            "py.install_sources(['compat/compat/__init__.py'], subdir: 'sci/compat')\n"
            "install_subdir('data', install_dir: py.get_install_dir(subdir: 'sci/tests'))\n",
            "sci/__init__.py": "",
            "sci/compat/compat/__init__.py": "",
            "sci/compat/docs/conf.py": "",
            "sci/_build_utils/__init__.py": "",
            "sci/tests/__init__.py": "",
            "sci/tests/data/sample.py": "",
            "tool.py": "",
        },
        pyproject=MESON,
    )
    assert _modules(root) == {
        "sci/__init__.py": "sci",
        "sci/compat/compat/__init__.py": "sci.compat",
        "sci/tests/__init__.py": "sci.tests",
        "sci/tests/data/sample.py": "sci.tests.data.sample",
        "tool.py": "tool",
    }


def test_meson_reading_is_remembered_until_a_meson_build_changes(tmp_path: Path) -> None:
    from pkgforge.checker.backends.meson_python import meson_packages

    (tmp_path / "sound").mkdir()
    (tmp_path / "meson.build").write_text("subdir('sound')\n")
    (tmp_path / "sound" / "meson.build").write_text("py.install_sources('a.py', subdir: 'sound')\n")
    memo: dict[str, object] = {}
    first = meson_packages(tmp_path, "sound", memo)
    assert first is not None and first[0][0] == [("sound", "sound")]
    assert meson_packages(tmp_path, "sound", memo) == first
    (tmp_path / "sound" / "meson.build").write_text(
        "py.install_sources('a.py', subdir: 'audio')  # moved\n"
    )
    (tmp_path / "audio").mkdir()
    assert meson_packages(tmp_path, "sound", memo) != first


# uv_build -----------------------------------------------------------------------

UV = backend("uv_build", project="Sound-Tools")


def test_uv_build_default_module_under_src(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound_tools/__init__.py": "",
            "src/sound_tools/echo.py": "",
            "src/helper.py": "",
            "tools/gen.py": "",
        },
        pyproject=UV,
    )
    assert _modules(root) == {
        "src/sound_tools/__init__.py": "sound_tools",
        "src/sound_tools/echo.py": "sound_tools.echo",
    }
    assert "uv_build's default" in _decided_by(root)


def test_uv_build_module_root_elsewhere_is_checked(make_project: Callable[..., Path]) -> None:
    # a non-default module-root used to check 0 files and exit 0
    pyproject = UV + '[tool.uv.build-backend]\nmodule-root = "python"\n'
    root = make_project(
        {"python/sound_tools/__init__.py": "import sound_tools.missing\n", "src/x.py": ""},
        pyproject=pyproject,
    )
    assert _modules(root) == {"python/sound_tools/__init__.py": "sound_tools"}
    result = check([root], select=["PF404"], use_cache=False)
    assert [f.code for f in result.findings] == ["PF404"]


def test_uv_build_flat_dotted_and_listed_module_names(make_project: Callable[..., Path]) -> None:
    pyproject = (
        UV + '[tool.uv.build-backend]\nmodule-root = ""\nmodule-name = ["ns.pkg", "other"]\n'
    )
    root = make_project(
        {
            "ns/pkg/__init__.py": "",
            "ns/pkg/m.py": "",
            "ns/sibling/__init__.py": "",
            "other/__init__.py": "",
            "tests/test_x.py": "",
        },
        pyproject=pyproject,
    )
    assert _modules(root) == {
        "ns/pkg/__init__.py": "ns.pkg",
        "ns/pkg/m.py": "ns.pkg.m",
        "other/__init__.py": "other",
    }


def test_uv_build_excludes(make_project: Callable[..., Path]) -> None:
    pyproject = UV + (
        "[tool.uv.build-backend]\n"
        'wheel-exclude = ["gen.py", "sound_tools/sub/*.py"]\n'
        'source-exclude = ["/src/sound_tools/skip.py"]\n'
    )
    root = make_project(
        {
            "src/sound_tools/__init__.py": "",
            "src/sound_tools/gen.py": "",
            "src/sound_tools/skip.py": "",
            "src/sound_tools/keep.py": "",
            "src/sound_tools/sub/__init__.py": "",
        },
        pyproject=pyproject,
    )
    assert set(_modules(root)) == {"src/sound_tools/__init__.py", "src/sound_tools/keep.py"}


def test_uv_build_namespace_is_declared(make_project: Callable[..., Path]) -> None:
    pyproject = UV + "[tool.uv.build-backend]\nnamespace = true\n"
    root = make_project(
        {"src/sound_tools/a.py": "", "src/sound_tools/b/x.py": ""}, pyproject=pyproject
    )
    assert set(_modules(root)) == {"src/sound_tools/a.py", "src/sound_tools/b/x.py"}
    assert check([root], select=["PF101"], use_cache=False).findings == ()
    plain = make_project({}, pyproject=UV)
    assert [f.code for f in check([plain], select=["PF101"], use_cache=False).findings] == ["PF101"]


@pytest.mark.parametrize("option", ["include", "only-include"])
def test_hatch_files_that_are_not_modules_ship_as_data(
    make_project: Callable[..., Path], option: str
) -> None:
    pyproject = HATCH + (
        f'[tool.hatch.build.targets.wheel]\n{option} = ["sound", "sound/data/notes.txt", '
        '"LICENSE.txt", "/tool.py"]\n'
    )
    root = make_project(
        {
            "sound/__init__.py": "",
            "sound/data/notes.txt": "",
            "LICENSE.txt": "",
            "tool.py": "",
        },
        pyproject=pyproject,
    )
    result = check([root], use_cache=False)
    assert result.skipped == ()  # was: "sound/data/notes.txt: cannot read directory"
    assert _modules(root) == {"sound/__init__.py": "sound", "tool.py": "tool"}


def test_hatch_include_filters_packages_and_only_include(make_project: Callable[..., Path]) -> None:
    # With packages or only-include, hatchling walks only those, and include filters them.
    pyproject = HATCH + (
        "[tool.hatch.build.targets.wheel]\n"
        'only-include = ["src"]\npackages = ["src/sound"]\ninclude = ["/tool.py"]\n'
    )
    root = make_project(
        {"src/sound/__init__.py": "", "src/other/__init__.py": "", "tool.py": ""},
        pyproject=pyproject,
    )
    assert _modules(root) == {"src/sound/__init__.py": "sound"}
