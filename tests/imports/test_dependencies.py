"""PF407/PF408 on real declarations and the distributions installed in the test venv.

PF407 is an error only where pkgforge proves the import fails for a user who installs the
package; every case that falls short has a fixture here that shows the lesser severity.
Name mapping uses real installed distributions: pytest (`_pytest`), PyYAML (`yaml`),
markdown-it-py (`markdown_it`), the `jaraco.*` namespace portions, cookiecutter's own
dependencies (python-slugify, arrow).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding

HEADER = '[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.11"\n'


def project(root: Path, files: dict[str, str], deps: str | None = "[]", extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    text = HEADER + (f"dependencies = {deps}\n" if deps is not None else "") + extra
    (root / "pyproject.toml").write_text(text)
    for relpath, body in {"src/pkg/__init__.py": "", **files}.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return root


def findings(root: Path, code: str = "PF407") -> list[Finding]:
    result = check([root], select=[code], use_cache=False)
    assert result.rule_errors == ()
    return [f for f in result.findings if f.code == code]


def in_a_fresh_environment(env: Path, root: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as a user's fresh environment would: the project's sources, and none
    of the distributions it does not declare (a venv of its own, without pip)."""
    venv.create(env, with_pip=False)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    return subprocess.run(
        [str(python), "-c", code],
        env={"PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        check=False,
    )


def one(root: Path, code: str = "PF407") -> Finding:
    (finding,) = findings(root, code)
    return finding


# -- the error, and the interpreter agreeing --------------------------------------------


def test_module_level_undeclared_import_is_an_error_that_really_fails(tmp_path: Path) -> None:
    # importing the package runs pkg.core: a user's `import pkg` fails
    files = {"src/pkg/__init__.py": "from pkg import core\n", "src/pkg/core.py": "import yaml\n"}
    root = project(tmp_path / "p", files)
    finding = one(root)
    assert finding.severity == "error"
    assert (
        "`import yaml` needs `yaml` (`pyyaml` provides it), which no declared dependency provides"
        in finding.message
    )
    run = in_a_fresh_environment(tmp_path / "venv", root, "import pkg")
    assert run.returncode == 1
    assert "ModuleNotFoundError: No module named 'yaml'" in run.stderr


def test_declared_dependency_is_not_reported(tmp_path: Path) -> None:
    files = {"src/pkg/core.py": "import yaml\nimport attr\nimport dateutil.parser\n"}
    deps = '["PyYAML>=6", "attrs", "python-dateutil"]'
    assert findings(project(tmp_path, files, deps)) == []


# -- cases that fall short of an error -----------------------------------------------


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("def f():\n    import yaml\n", "inside a function"),
        ("if __name__ == '__main__':\n    import yaml\n", "`__main__` guard"),
        ("import sys\nif sys.platform == 'win32':\n    import yaml\n", "platform"),
        ("import os\nif os.name == 'nt':\n    import yaml\n", "platform"),
        ("import sys\nif sys.version_info >= (3, 12):\n    import yaml\n", "version"),
        ("for _ in range(2):\n    import yaml\n", "condition"),
    ],
)
def test_imports_that_run_only_sometimes_are_warnings(tmp_path: Path, body: str, why: str) -> None:
    finding = one(project(tmp_path, {"src/pkg/core.py": body}))
    assert finding.severity == "warning"
    assert "needs `yaml`" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n",
        "try:\n    import yaml\nexcept ModuleNotFoundError:\n    yaml = None\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n",
        "import sys\nif sys.version_info < (3,):\n    import yaml\n",
        "PY2 = False\nif PY2:\n    import yaml\n",
    ],
)
def test_guarded_and_dead_imports_are_not_reported(tmp_path: Path, body: str) -> None:
    assert findings(project(tmp_path, {"src/pkg/core.py": body})) == []


@pytest.mark.parametrize(
    ("files", "extra"),
    [
        ({"src/pkg/pytest_plugin.py": "import yaml\n"}, ""),
        ({"src/pkg/plugin.py": "import yaml\n"}, ""),
        ({"src/pytest_pkg/__init__.py": "import yaml\n"}, ""),
        ({"src/pkg/sphinxext/roles.py": "import yaml\n", "src/pkg/sphinxext/__init__.py": ""}, ""),
        ({"src/pkg/contrib/__init__.py": "", "src/pkg/contrib/sphinx.py": "import yaml\n"}, ""),
        ({"src/sphinxcontrib/pkg/__init__.py": "import yaml\n"}, ""),
        ({"src/pkg/mypy.py": "import mypy.plugin\n"}, ""),
        ({"src/pkg/_pytest_fixtures.py": "import yaml\n"}, ""),
        ({"src/pkg/examples/__init__.py": "", "src/pkg/examples/demo.py": "import yaml\n"}, ""),
        (
            {"src/pkg/hooks.py": "import yaml\n"},
            '[project.entry-points.pytest11]\npkg = "pkg.hooks"\n',
        ),
        (
            {"src/pkg/hooks.py": "import yaml\n"},
            '[project.entry-points."sphinx.html_themes"]\npkg = "pkg.hooks:setup"\n',
        ),
        ({"src/pkg/checks.py": "import mypy.plugin\n"}, '[tool.mypy]\nplugins = ["pkg.checks"]\n'),
        # the adapter package for a library (array_api_compat/torch/) needs that library
        ({"src/pkg/torch/__init__.py": "", "src/pkg/torch/_aliases.py": "import torch\n"}, ""),
    ],
)  # fmt: skip
def test_plugin_integration_and_example_modules_are_warnings(
    tmp_path: Path, files: dict[str, str], extra: str
) -> None:
    finding = one(project(tmp_path, files, extra=extra))
    assert finding.severity == "warning", finding.message


OPTIONAL_INTEGRATIONS = [
    {"src/pkg/contrib/__init__.py": "", "src/pkg/contrib/mysql.py": "import MySQLdb\n"},
    {"src/pkg/yaml_support.py": "import yaml\n"},
    {"src/pkg/scripts/__init__.py": "", "src/pkg/scripts/cli.py": "import yaml\n"},
    # imported by the package, but under try/except ImportError: `import pkg` goes on
    {
        "src/pkg/__init__.py": "try:\n    from pkg import yaml_support\nexcept ImportError:\n    pass\n",
        "src/pkg/yaml_support.py": "import yaml\n",
    },
    # imported by the package only inside a function
    {
        "src/pkg/__init__.py": "def load():\n    from pkg import yaml_support\n",
        "src/pkg/yaml_support.py": "import yaml\n",
    },
]


@pytest.mark.parametrize("files", OPTIONAL_INTEGRATIONS)
def test_an_optional_integration_is_a_warning_asking_for_an_extra(
    tmp_path: Path, files: dict[str, str]
) -> None:
    # Django's db/backends/mysql/introspection.py: importing it without the driver fails,
    # but nothing the package runs on its own imports it (DESIGN.md, "Reachability")
    finding = one(project(tmp_path, files))
    assert finding.severity == "warning", finding.message
    assert "optional integration" in finding.message
    assert "in an extra" in finding.message


@pytest.mark.parametrize(
    ("files", "extra"),
    [
        # imported by the top-level package (through a parent package, a from-import)
        (
            {
                "src/pkg/__init__.py": "from pkg.contrib.mysql import connect\n",
                "src/pkg/contrib/__init__.py": "",
                "src/pkg/contrib/mysql.py": "import MySQLdb\nconnect = 1\n",
            },
            "",
        ),
        # run by an entry point
        (
            {"src/pkg/scripts/__init__.py": "", "src/pkg/scripts/cli.py": "import yaml\n"},
            '[project.scripts]\npkg = "pkg.scripts.cli:main"\n',
        ),
        # the first regular package below a namespace directory
        ({"src/ns/pkg/__init__.py": "from ns.pkg import core\n", "src/ns/pkg/core.py": "import yaml\n"}, ""),
    ],
)  # fmt: skip
def test_a_module_the_package_always_runs_is_an_error(
    tmp_path: Path, files: dict[str, str], extra: str
) -> None:
    finding = one(project(tmp_path, files, extra=extra))
    assert finding.severity == "error", finding.message


def test_a_host_tool_is_not_a_plugin_of_itself(tmp_path: Path) -> None:
    files = {"src/pytest/__init__.py": "import yaml\n", "src/pytest/plugin.py": "import yaml\n"}
    root = project(tmp_path, files)
    found = {f.path: f.severity for f in findings(root)}
    assert found == {"src/pytest/__init__.py": "error", "src/pytest/plugin.py": "warning"}


def test_one_finding_per_module_and_distribution_the_surest(tmp_path: Path) -> None:
    body = "def f():\n    import pyglet.gl\nimport pyglet.window\nfrom pyglet import clock\n"
    files = {"src/pkg/__init__.py": "from . import plot\n", "src/pkg/plot.py": body}
    finding = one(project(tmp_path, files))
    assert (finding.severity, finding.line) == ("error", 3)


def test_type_checking_imports_do_not_guard_the_real_one(tmp_path: Path) -> None:
    body = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\nimport yaml\n"
    files = {"src/pkg/__init__.py": "import pkg.core\n", "src/pkg/core.py": body}
    assert one(project(tmp_path, files)).severity == "error"


def test_tests_are_not_package_code(tmp_path: Path) -> None:
    files = {
        "src/pkg/tests/__init__.py": "",
        "src/pkg/tests/test_core.py": "import yaml\n",
        "src/pkg/conftest.py": "import yaml\n",
        "src/pkg/testing.py": "import yaml\n",
        "src/pkg/tests_core/__init__.py": "import yaml\n",
        "src/pkg/unittests/__init__.py": "import yaml\n",
    }
    assert findings(project(tmp_path, files)) == []


def test_a_package_named_like_test_tools_is_package_code(tmp_path: Path) -> None:
    files = {
        "src/testfixtures/__init__.py": "import yaml\n",
        "src/tests_core/__init__.py": "import yaml\n",
    }
    finding = one(project(tmp_path, files))
    assert (finding.path, finding.severity) == ("src/testfixtures/__init__.py", "error")


def test_a_dependency_group_does_not_ship_but_is_a_warning(tmp_path: Path) -> None:
    extra = '[dependency-groups]\ndev = ["PyYAML"]\n'
    finding = one(project(tmp_path, {"src/pkg/core.py": "import yaml\n"}, extra=extra))
    assert finding.severity == "warning"
    assert "only group 'dev' (pyproject.toml) provides" in finding.message
    assert "groups do not ship" in finding.message


def test_poetry_groups_and_main_dependencies(tmp_path: Path) -> None:
    extra = (
        '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2"\n'
        '[tool.poetry.group.dev.dependencies]\nPyYAML = "*"\n'
    )
    files = {"src/pkg/core.py": "import requests\nimport yaml\n"}
    finding = one(project(tmp_path, files, deps=None, extra=extra))
    assert finding.severity == "warning"
    assert "`yaml`" in finding.message
    assert "poetry group 'dev'" in finding.message


def test_transitive_availability_is_a_warning(tmp_path: Path) -> None:
    # cookiecutter (installed here) requires python-slugify and arrow
    files = {"src/pkg/core.py": "import cookiecutter\nimport slugify\nimport arrow\n"}
    found = findings(project(tmp_path, files, '["cookiecutter"]'))
    assert [f.severity for f in found] == ["warning", "warning"]
    assert "comes only through python-slugify, a dependency of cookiecutter" in found[0].message


def test_an_extra_of_a_dependency_counts_only_when_requested(tmp_path: Path) -> None:
    # setuptools lists pytest only under its `test` extra
    files = {
        "src/pkg/__init__.py": "from pkg.core import *\n",
        "src/pkg/core.py": "import setuptools\nimport _pytest\n",
    }
    plain = one(project(tmp_path / "a", files, '["setuptools"]'))
    assert plain.severity == "error"
    requested = one(project(tmp_path / "b", files, '["setuptools[test]"]'))
    assert requested.severity == "warning"
    assert "a dependency of setuptools" in requested.message


def test_usually_present_distributions_are_warnings(tmp_path: Path) -> None:
    finding = one(project(tmp_path, {"src/pkg/core.py": "import setuptools\n"}))
    assert finding.severity == "warning"
    # no Python >= 3.12 venv brings setuptools
    files = {
        "src/pkg/__init__.py": "from .core import *\n",
        "src/pkg/core.py": "import pkg_resources\n",
    }
    root = project(tmp_path / "new", files)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(">=3.11", ">=3.12"))
    assert one(root).severity == "error"


# -- what pkgforge cannot see: one info per project ------------------------------------


def test_dynamic_dependencies_from_a_build_hook_are_unknown(tmp_path: Path) -> None:
    extra = (
        'dynamic = ["dependencies"]\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        "[tool.hatch.metadata.hooks.custom]\n"
    )
    files = {"src/pkg/a.py": "import yaml\n", "src/pkg/b.py": "import requests\nimport toml\n"}
    finding = one(project(tmp_path, files, deps=None, extra=extra))
    assert finding.severity == "info"
    assert finding.path == "pyproject.toml"
    assert "3 third-party import(s)" in finding.message
    assert "hatchling.build computes them" in finding.message


def test_hatch_requirements_txt_hook_is_read(tmp_path: Path) -> None:
    extra = (
        'dynamic = ["dependencies"]\n'
        '[build-system]\nrequires = ["hatchling", "hatch-requirements-txt"]\n'
        'build-backend = "hatchling.build"\n'
        '[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ["requirements/run.txt"]\n'
    )
    files = {
        "src/pkg/__init__.py": "import yaml\nimport requests\n",
        "requirements/run.txt": "PyYAML\n",
    }
    finding = one(project(tmp_path, files, deps=None, extra=extra))
    assert (finding.severity, "`requests`" in finding.message) == ("error", True)


def test_dependencies_not_installed_here_make_names_unknown(tmp_path: Path) -> None:
    files = {"src/pkg/__init__.py": "import yaml\n", "src/pkg/b.py": "import surely_other\n"}
    # what the declared distribution brings along cannot be seen: `yaml` is PyYAML's (the
    # table says so), but it may well come with the other one, however well known it is
    (finding,) = findings(project(tmp_path, files, '["surely-not-installed-dist>=1"]'))
    assert (finding.path, finding.severity) == ("pyproject.toml", "info")
    assert "(surely-not-installed-dist) may provide" in finding.message
    assert "`surely_other` (src/pkg/b.py:1)" in finding.message
    assert "`yaml` (src/pkg/__init__.py:1)" in finding.message


def test_a_conditional_dependency_not_installed_here_is_a_warning(tmp_path: Path) -> None:
    deps = """["pywin32; sys_platform == 'win32'"]"""
    files = {"src/pkg/a.py": "import yaml\nimport win32api\n"}
    finding = one(project(tmp_path, files, deps))
    assert finding.severity == "warning"
    assert "`yaml`" in finding.message


# -- setuptools' own declarations -------------------------------------------------------


def test_setup_py_literal_install_requires_and_extras(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "src/pkg/__init__.py": "import yaml\nimport markdown_it\nimport requests\n",
            "setup.py": (
                "from setuptools import setup\n"
                "REQUIRES = ['PyYAML']\n"
                "setup(install_requires=REQUIRES, extras_require={'md': ['markdown-it-py']})\n"
            ),
        },
        deps=None,
        extra='dynamic = ["dependencies", "optional-dependencies"]\n',
    )
    finding = one(root)
    assert finding.severity == "error"
    assert "`requests`" in finding.message


def test_setup_py_without_pyproject_project_table(tmp_path: Path) -> None:
    root = tmp_path
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/__init__.py").write_text("import yaml\nimport requests\n")
    (root / "setup.py").write_text(
        "from setuptools import setup, find_packages\n"
        "setup(name='pkg', package_dir={'': 'src'}, packages=find_packages('src'),\n"
        "      install_requires=['requests'])\n"
    )
    finding = one(root)
    assert "`yaml`" in finding.message
    assert finding.severity == "error"


def test_computed_install_requires_is_unknown(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "src/pkg/core.py": "import yaml\n",
            "setup.py": (
                "from setuptools import setup\n"
                "setup(install_requires=open('requirements.txt').read().splitlines())\n"
            ),
        },
        deps=None,
        extra='dynamic = ["dependencies"]\n',
    )
    finding = one(root)
    assert finding.severity == "info"
    assert "setup.py computes install_requires" in finding.message


@pytest.mark.parametrize(
    ("setup_py", "why"),
    [
        (
            "from setuptools import setup\nsetup(install_requires=open('req.txt').read().split())\n",
            "setup.py computes install_requires",
        ),
        (
            "from setuptools import setup\nsetup(setup_requires=['pbr'], pbr=True)\n",
            "setup_requires plugin",
        ),
    ],
)
def test_pf403_claims_no_missing_top_level_name_it_cannot_see(
    tmp_path: Path, setup_py: str, why: str
) -> None:
    # `import signer` beside signer.py: a dependency pkgforge cannot read may well be a
    # top-level `signer`, so "no top-level `signer`" is no proof (DESIGN.md)
    files = {
        "src/pkg/signer.py": "x = 1\n",
        "src/pkg/crypt.py": "import signer\n",
        "setup.py": setup_py,
    }
    finding = one(
        project(tmp_path, files, deps=None, extra='dynamic = ["dependencies"]\n'), "PF403"
    )
    assert finding.severity == "info"
    assert why in finding.message
    # with every declaration read, the same statement is an error, also when a declared
    # dependency is not installed here (it has a name, and it is not `signer`)
    seen = project(tmp_path / "seen", files, deps='["surely-not-installed-dist"]')
    assert one(seen, "PF403").severity == "error"


def test_pf403_weighs_what_a_user_installs(tmp_path: Path) -> None:
    # an extra not installed here is no excuse (a user installs without extras), and what
    # pkgforge's own environment has (PyYAML, here) is not the user's
    files = {
        "src/pkg/__init__.py": "from pkg import crypt\n",
        "src/pkg/yaml.py": "x = 1\n",
        "src/pkg/signer.py": "x = 1\n",
        "src/pkg/crypt.py": "import signer\nimport yaml\n",
    }
    extra = '[project.optional-dependencies]\nfast = ["surely-not-installed-dist"]\n'
    found = findings(project(tmp_path, files, extra=extra), "PF403")
    assert [(f.line, f.severity) for f in found] == [(1, "error"), (2, "error")]


def test_a_relative_import_elsewhere_in_the_module_excuses_only_a_fallback(tmp_path: Path) -> None:
    files = {
        "src/pkg/base.py": "X = 1\n",
        "src/pkg/out.py": "from .base import X\nimport base\n",
        "src/pkg/script.py": (
            "if '.' in __name__:\n    from .base import X\nelse:\n    from base import X\n"
        ),
    }
    (finding,) = findings(project(tmp_path, files), "PF403")
    assert (finding.path, finding.line, finding.severity) == ("src/pkg/out.py", 2, "error")


def test_a_setup_requires_plugin_may_compute_install_requires(tmp_path: Path) -> None:
    # setup(setup_requires=["pbr"], pbr=True): the plugin fills install_requires (pbr
    # from requirements.txt) where setup.py shows none
    root = tmp_path / "plugin"
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/__init__.py").write_text("import yaml\n")
    (root / "setup.cfg").write_text("[metadata]\nname = pkg\n[files]\npackages = pkg\n")
    (root / "setup.py").write_text(
        "import setuptools\nsetuptools.setup(setup_requires=['pbr>=2'], pbr=True)\n"
    )
    finding = one(root)
    assert finding.severity == "info"
    assert "setup_requires plugin" in finding.message
    # what setup.py does declare is read as before
    (root / "setup.py").write_text(
        "import setuptools\nsetuptools.setup(setup_requires=['pbr'], install_requires=[])\n"
    )
    assert one(root).severity == "error"


def test_setup_cfg_and_requirement_files(tmp_path: Path) -> None:
    files = {
        "src/pkg/core.py": "import yaml\nimport requests\nimport attr\n",
        "setup.cfg": "[options]\ninstall_requires =\n    PyYAML\n[options.extras_require]\nweb = requests\n",
    }
    extra = 'dynamic = ["dependencies", "optional-dependencies"]\n'
    finding = one(project(tmp_path / "cfg", files, deps=None, extra=extra))
    assert "`attr`" in finding.message
    files = {
        "src/pkg/core.py": "import yaml\nimport requests\n",
        "requirements.txt": "# runtime\nPyYAML>=6\n-r more.txt\n",
        "more.txt": "requests\n",
    }
    extra = (
        'dynamic = ["dependencies"]\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt"]}\n'
    )
    assert findings(project(tmp_path / "req", files, deps=None, extra=extra)) == []


# -- import names that differ from distribution names -------------------------------------


def test_installed_metadata_maps_import_names(tmp_path: Path) -> None:
    # neither name nor table says markdown-it-py is `markdown_it`; its RECORD does
    files = {"src/pkg/core.py": "import markdown_it\nimport _pytest.fixtures\n"}
    assert findings(project(tmp_path, files, '["markdown-it-py", "pytest"]')) == []


def test_namespace_portions_are_mapped_by_dotted_prefix(tmp_path: Path) -> None:
    files = {"src/pkg/__init__.py": "import jaraco.classes\nimport jaraco.functools\n"}
    found = findings(project(tmp_path, files, '["jaraco.classes"]'))
    # jaraco.classes does not provide its namespace sibling jaraco.functools
    assert [(f.severity, "`jaraco.functools`" in f.message) for f in found] == [("error", True)]


def test_protobuf_does_not_provide_the_whole_google_namespace(tmp_path: Path) -> None:
    files = {"src/pkg/core.py": "import google.protobuf.message\nimport google.auth\n"}
    finding = one(project(tmp_path, files, '["protobuf"]'))
    # protobuf is not installed here: what else it provides is unknown, not missing
    assert finding.severity == "info"
    assert "`google.auth`" in finding.message
    assert "google.protobuf" not in finding.message


def test_a_shared_namespace_is_first_party_only_for_the_project_portion(tmp_path: Path) -> None:
    root = tmp_path
    (root / "pyproject.toml").write_text(
        HEADER + 'dependencies = ["jaraco.classes"]\n'
        '[tool.pkgforge]\nnamespace-packages = ["jaraco"]\n'
    )
    portion = root / "src/jaraco/mine"
    portion.mkdir(parents=True)
    (portion / "__init__.py").write_text(
        "import jaraco.classes\nimport jaraco.functools\nfrom jaraco.mine import util\n"
    )
    (portion / "util.py").write_text("")
    finding = one(root)
    assert finding.severity == "error"
    assert "`jaraco.functools`" in finding.message


def test_from_a_shared_namespace_only_its_portions_import(tmp_path: Path) -> None:
    # `from jaraco import functools` under the `jaraco` namespace the project shares:
    # a namespace package has no names but its portions' modules
    files = {
        "src/jaraco/mine/__init__.py": "from jaraco import functools\nfrom jaraco import mine\n"
    }
    root = project(tmp_path / "p", files)
    finding = one(root)
    assert finding.severity == "error"
    assert "`from jaraco import functools` needs `jaraco.functools`" in finding.message
    assert "jaraco is a namespace package" in finding.message
    run = in_a_fresh_environment(tmp_path / "venv", root, "import jaraco.mine")
    assert "cannot import name 'functools' from 'jaraco'" in run.stderr
    # declared (and installed here), the portion is that distribution's
    assert findings(project(tmp_path / "declared", files, '["jaraco.functools"]')) == []


def test_a_package_put_on_sys_path_serves_its_modules(tmp_path: Path) -> None:
    files = {
        "src/pkg/tools/__init__.py": "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n",
        "src/pkg/tools/helper.py": "",
        "src/pkg/tools/run.py": "import helper\n",
        # elsewhere, a module named like a distribution is not that distribution's copy
        "src/pkg/__init__.py": "from pkg.backends import yaml\n",
        "src/pkg/backends/__init__.py": "",
        "src/pkg/backends/yaml.py": "import yaml\n",
    }
    finding = one(project(tmp_path, files))
    assert (finding.path, finding.severity) == ("src/pkg/backends/yaml.py", "error")


def test_a_package_below_a_folder_without_init_may_be_mounted(tmp_path: Path) -> None:
    # pyyaml: package_dir={"": "lib"} ships lib/yaml as `yaml`, and lib/_yaml imports it
    files = {
        "src/lib/yaml/__init__.py": "",
        "src/lib/_yaml/__init__.py": "import yaml\nimport requests\n",
    }
    finding = one(project(tmp_path, files))
    assert "`requests`" in finding.message


def test_vendored_copies_are_first_party(tmp_path: Path) -> None:
    files = {
        "src/pkg/_vendor/__init__.py": "",
        "src/pkg/_vendor/vendoredlib/__init__.py": "",
        "src/pkg/core.py": "import vendoredlib\nfrom pkg._vendor import vendoredlib as v\n",
    }
    assert findings(project(tmp_path, files)) == []


# -- PF408 ------------------------------------------------------------------------------


def test_unused_dependency_is_a_warning(tmp_path: Path) -> None:
    finding = one(project(tmp_path, {}, '["requests>=2"]'), "PF408")
    assert finding.severity == "warning"
    assert finding.line == 5


@pytest.mark.parametrize(
    ("deps", "why"),
    [
        ('["pytest-xdist"]', "a pytest11 plugin: pytest loads it"),
        ('["surely-not-installed-dist"]', "not installed: import names unknown"),
        ('["types-requests", "foo-stubs"]', "type stubs"),
        ('["tzdata"]', "data only"),
        ('["cookiecutter", "arrow"]', "arrow pins a dependency of cookiecutter"),
    ],
)
def test_pf408_says_nothing_where_use_is_invisible(tmp_path: Path, deps: str, why: str) -> None:
    files = {"src/pkg/core.py": "import cookiecutter\n"}
    found = findings(project(tmp_path, files, deps), "PF408")
    assert [f for f in found if "cookiecutter" not in f.message] == [], why


def test_pf408_is_not_silenced_by_commands_or_a_distribution_s_own_groups(
    tmp_path: Path,
) -> None:
    # pytest installs commands only; twine registers plugins in its own group, and commands
    found = findings(project(tmp_path, {}, '["pytest", "twine"]'), "PF408")
    assert sorted(f.message.split("`")[1] for f in found) == ["pytest", "twine"]
    (pytest_finding,) = [f for f in found if "`pytest`" in f.message]
    assert "it installs commands" in pytest_finding.message


def test_pf408_counts_guarded_and_function_imports_as_uses(tmp_path: Path) -> None:
    files = {
        "src/pkg/core.py": "try:\n    import yaml\nexcept ImportError:\n    pass\n",
        "src/pkg/web.py": "def get():\n    import requests\n",
    }
    assert findings(project(tmp_path, files, '["PyYAML", "requests"]'), "PF408") == []


def test_pf408_locates_setup_py_requirements(tmp_path: Path) -> None:
    root = tmp_path
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/__init__.py").write_text("")
    (root / "setup.py").write_text(
        "from setuptools import setup\nsetup(\n    name='pkg',\n    install_requires=[\n"
        "        'requests>=2',\n    ],\n)\n"
    )
    finding = one(root, "PF408")
    assert (finding.path, finding.line) == ("setup.py", 5)


# -- PF403: a declared dependency named like a sibling ------------------------------------


def test_declared_dependency_named_like_a_sibling_is_not_a_relative_import(
    tmp_path: Path,
) -> None:
    files = {"src/pkg/echo.py": "x = 1\n", "src/pkg/user.py": "import echo\n"}
    assert findings(project(tmp_path / "a", files, '["echo>=1"]'), "PF403") == []
    # undeclared, it is Python 2's implicit relative import
    assert len(findings(project(tmp_path / "b", files), "PF403")) == 1
    # a dependency group counts too: the author means the distribution
    extra = '[dependency-groups]\ndev = ["echo"]\n'
    assert findings(project(tmp_path / "c", files, extra=extra), "PF403") == []
    # a sibling deeper in the package (pkg/utils/echo.py beside pkg/utils/user.py): the
    # same, an absolute import means the top-level distribution in Python 3
    nested = {
        "src/pkg/utils/__init__.py": "",
        **{k.replace("pkg/", "pkg/utils/"): v for k, v in files.items()},
    }
    assert findings(project(tmp_path / "d", nested, '["echo>=1"]'), "PF403") == []
    assert len(findings(project(tmp_path / "e", nested), "PF403")) == 1


# -- reading the declarations ---------------------------------------------------------------


def test_every_declaration_format_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.poetry.dependencies]\n"
        'python = "^3.11"\nrequests = "^2"\n'
        'pywin32 = {version = "*", markers = "sys_platform == \'win32\'"}\n'
        'lxml = {version = "*", optional = true}\n'
        "[tool.poetry.extras]\nxml = ['lxml']\n"
        "[tool.poetry.plugins.pytest11]\npkg = 'pkg.plug'\n"
        "[tool.pdm.dev-dependencies]\nlint = ['ruff']\n"
        "[tool.uv]\ndev-dependencies = ['pytest']\n"
        "[tool.hatch.envs.docs]\ndependencies = ['sphinx']\n"
    )
    import tomllib

    from pkgforge.checker.declared import read_declarations

    pyproject = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    found = read_declarations(tmp_path, pyproject)
    assert found.unknown is None
    assert {(r.name, r.ships, r.main) for r in found.requirements} == {
        ("requests", True, True),
        ("pywin32", True, True),
        ("lxml", True, False),
        ("ruff", False, False),
        ("pytest", False, False),
        ("sphinx", False, False),
    }
    (pywin32,) = [r for r in found.requirements if r.name == "pywin32"]
    assert pywin32.conditional
    assert found.plugin_modules == {"pkg.plug"}


@pytest.mark.parametrize(
    ("setup_py", "unknown"),
    [
        ("from setuptools import setup\nsetup(**kwargs)\n", "passes **kwargs"),
        # a dict that changes before the call (used twice) is not what setup() receives
        (
            (
                "from setuptools import setup\nkw = {'install_requires': ['a']}\n"
                "kw['install_requires'].append('b')\nsetup(**kw)\n"
            ),
            "passes **kwargs",
        ),
        ("import setuptools\nsetuptools.setup(install_requires=deps())\n", "computes"),
        ("print('no call')\n", "no setup(...) call"),
        ("def broken(:\n", "does not parse"),
    ],
)
def test_unreadable_setup_py_is_unknown(tmp_path: Path, setup_py: str, unknown: str) -> None:
    from pkgforge.checker.declared import read_declarations

    (tmp_path / "setup.py").write_text(setup_py)
    found = read_declarations(tmp_path, None)
    assert found.unknown is not None
    assert unknown in found.unknown


@pytest.mark.parametrize(
    "options",
    [
        "{'name': 'pkg', 'install_requires': ['requests>=2', 'PyYAML']}",
        "dict(name='pkg', install_requires=['requests>=2', 'PyYAML'])",
    ],
)
def test_setup_py_options_dict_is_read(tmp_path: Path, options: str) -> None:
    # setup(**OPTIONS) with OPTIONS a dict display bound once and used only there: its
    # install_requires are the declarations, not an unknown
    from pkgforge.checker.declared import read_declarations

    (tmp_path / "setup.py").write_text(
        f"from setuptools import setup\nOPTIONS = {options}\nsetup(**OPTIONS)\n"
    )
    found = read_declarations(tmp_path, None)
    assert found.unknown is None
    assert [r.name for r in found.requirements] == ["requests", "pyyaml"]


def test_setup_py_entry_points_and_name_bound_once(tmp_path: Path) -> None:
    from pkgforge.checker.declared import read_declarations

    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\n"
        "DEPS = ['requests>=2', 'PyYAML']\n"
        "setup(install_requires=DEPS,\n"
        "      entry_points={'pytest11': ['pkg = pkg.plugin'],\n"
        "                    'console_scripts': ['pkg = pkg.cli:main']})\n"
    )
    found = read_declarations(tmp_path, None)
    assert [r.name for r in found.requirements] == ["requests", "pyyaml"]
    assert found.plugin_modules == {"pkg.plugin"}  # a console script is not a plugin
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\nDEPS = ['a']\nDEPS += ['b']\nsetup(install_requires=DEPS)\n"
    )
    assert read_declarations(tmp_path, None).unknown == "setup.py computes install_requires"


def test_the_projects_own_venv_tells_what_its_dependencies_provide(tmp_path: Path) -> None:
    # pkgforge installed with pipx: the project's dependencies live in its .venv only
    root = project(tmp_path, {"src/pkg/core.py": "import odd_name\n"}, '["fakedist"]')
    venv.create(root / ".venv", with_pip=False)
    (site,) = (root / ".venv" / "lib").glob("python3*/site-packages")
    before = check([root], select=["PF407"])  # cached: the next run must notice the install
    assert [f.severity for f in before.findings] == ["info"]
    info = site / "fakedist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakedist\nVersion: 1.0\n")
    (info / "RECORD").write_text("odd_name/__init__.py,,\nfakedist-1.0.dist-info/RECORD,,\n")
    assert check([root], select=["PF407"]).findings == ()
    assert findings(root) == []


def test_the_unseen_info_names_each_distribution_once_and_not_the_project(
    tmp_path: Path,
) -> None:
    extra = (
        "[project.optional-dependencies]\n"
        "cli = ['surely-not-installed-dist>=1', "
        "\"surely-not-installed-dist>=2; python_version < '3.12'\"]\n"
        "all = ['pkg[cli]']\n"
    )
    root = project(
        tmp_path,
        {"src/pkg/core.py": "import zzz_not_a_module\n"},
        '["surely-not-installed-dist"]',
        extra,
    )
    (finding,) = findings(root)
    assert finding.severity == "info"
    assert "(surely-not-installed-dist) may provide" in finding.message
    assert "pkg[cli]" not in finding.message
