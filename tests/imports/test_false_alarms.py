"""Regression tests for the false alarms found on real projects (see real_projects.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding


def run(tmp_path: Path, files: dict[str, str], code: str, deps: str = "[]") -> list[Finding]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.11"\n'
        f"dependencies = {deps}\n"
    )
    for relpath, text in files.items():
        path = tmp_path / "src" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = check([tmp_path], select=[code], use_cache=False)
    assert result.rule_errors == ()
    return [f for f in result.findings if f.code == code]


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"pkg/redis.py": "def f():\n    import redis\n"}, "a module importing its namesake"),
        (
            {"pkg/geoip2.py": "import geoip2.database\n"},
            "a dotted path the sibling module cannot have",
        ),
        (
            {"pkg/selenium.py": "x = 1\n", "pkg/test.py": "from selenium import webdriver\n"},
            "a name the sibling does not define",
        ),
        (
            {
                "pkg/parser.py": "P = 1\n",
                "pkg/listener.py": (
                    'if "." in __name__:\n    from .parser import P\n'
                    "else:\n    from parser import P\n"
                ),
            },
            "ANTLR's fallback for running the file as a script",
        ),
        (
            {"pkg/echo.py": "x = 1\n", "pkg/user.py": "try:\n    import echo\nexcept ImportError:\n    pass\n"},
            "a guarded import",
        ),
        (
            {"pkg/arrays.py": "import numpy as np\nkind = np.dtype('u1')\n", "pkg/numpy.py": "def pack():\n    pass\n"},
            "an attribute the sibling lacks: another numpy is meant (a dependency question)",
        ),
    ],
)  # fmt: skip
def test_pf403_ignores_third_party_namesakes(
    tmp_path: Path, files: dict[str, str], reason: str
) -> None:
    files = {"pkg/__init__.py": "", **files}
    assert run(tmp_path, files, "PF403") == [], reason


def test_pf403_weighs_no_popularity(tmp_path: Path) -> None:
    # sympy/printing/numpy.py: `import numpy` beside it fails without numpy either way,
    # however well known the name; in a function, only when the function runs
    files = {
        "pkg/__init__.py": "",
        "pkg/numpy.py": "x = 1\n",
        "pkg/printer.py": "def f():\n    import numpy\n",
    }
    (finding,) = run(tmp_path, files, "PF403")
    assert finding.severity == "warning"
    # declared, it is that distribution's, installed here or not
    assert run(tmp_path / "declared", files, "PF403", deps='["numpy"]') == []


def test_pf403_needs_a_sibling_that_can_be_a_module(tmp_path: Path) -> None:
    # an Alembic migrations folder: `from alembic import context` beside alembic.ini
    # means the alembic distribution; a data file is no module to mean
    files = {
        "pkg/__init__.py": "",
        "pkg/migrations/__init__.py": "",
        "pkg/migrations/alembic.ini": "[alembic]\n",
        "pkg/migrations/env.py": "from alembic import context\n",
    }
    assert run(tmp_path, files, "PF403") == []
    # a C source beside the sources is the extension module the build makes of it
    files = {"pkg/__init__.py": "", "pkg/_speedups.c": "", "pkg/user.py": "import _speedups\n"}
    (finding,) = run(tmp_path / "extension", files, "PF403")
    assert "the sibling module pkg._speedups" in finding.message


@pytest.mark.parametrize("code", ["PF404", "PF302"])
def test_a_name_only_annotated_at_module_level_is_not_missing(tmp_path: Path, code: str) -> None:
    # `name: T` alone binds nothing, but says the module will have it: here a helper
    # writes it into the module's globals (atpublic's `public(name=value)`)
    declared = (
        "from public import public\n"
        "class FrozenDict(dict):\n    pass\n"
        "__all__ = ['FrozenDict', 'frozendict']\n"
        "frozendict: type[FrozenDict]\n"
        "public(frozendict=FrozenDict)\n"
    )
    files = {
        "pkg/__init__.py": "",
        "pkg/shapes.py": declared,
        "pkg/user.py": "from pkg.shapes import frozendict\n",
    }
    assert run(tmp_path, files, code) == []
    # without the annotation nothing says so: the name is missing
    files["pkg/shapes.py"] = declared.replace("frozendict: type[FrozenDict]\n", "")
    (finding,) = run(tmp_path / "undeclared", files, code)
    assert "frozendict" in finding.message and finding.severity == "error"


def test_pf403_still_reports_the_tutorial_case(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/echo.py": "x = 1\n",
        "pkg/surround.py": "import echo\nprint(echo.x)\n",
    }
    (finding,) = run(tmp_path, files, "PF403")
    assert "implicit relative import" in finding.message


def test_pf407_treats_guarded_names_as_optional(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/compat.py": (
            "try:\n    import simplejson as json\n    has = True\n"
            "except ImportError:\n    import json\n    has = False\n"
            "if has:\n    from simplejson import JSONDecodeError\n"
        ),
        "pkg/help.py": (
            "try:\n    from urllib3.contrib import pyopenssl\nexcept ImportError:\n"
            "    pyopenssl = None\nelse:\n    import OpenSSL\n"
        ),
        "pkg/new.py": "import sys\nif sys.version_info >= (3, 14):\n    import annotationlib\n",
    }
    assert run(tmp_path, files, "PF407", deps='["urllib3"]') == []


def test_pf407_function_imports_are_warnings(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/img.py": "def f():\n    from PIL import Image\n"}
    (finding,) = run(tmp_path, files, "PF407")
    assert finding.severity == "warning"
    assert "inside a function" in finding.message


def test_pf404_skips_tests_that_import_missing_names_on_purpose(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "pi = 3\n",
        "pkg/tests/__init__.py": "",
        "pkg/tests/test_pi.py": "def test():\n    from pkg import Pi\n",
    }
    assert run(tmp_path, files, "PF404") == []


def test_pf302_reads_exports_through_project_star_imports(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from .core import *\n__all__ = ['a', 'core', 'missing']\n",
        "pkg/core.py": "__all__ = ['a']\na = 1\n",
    }
    (finding,) = run(tmp_path, files, "PF302")
    assert "`missing`" in finding.message


def test_pf302_checks_package_init_files_too(tmp_path: Path) -> None:
    # ruff#10095: ruff skips F822 in __init__.py (where __all__ may list submodules);
    # pkgforge knows the submodules, so it can still check the other names
    files = {
        "pkg/__init__.py": "from .sub import thing\n__all__ = ['abcd', 'sub', 'thing', 'nested']\n",
        "pkg/sub.py": "thing = 1\n",
        "pkg/nested/__init__.py": "",
    }
    (finding,) = run(tmp_path, files, "PF302")
    assert "`abcd`" in finding.message
    assert "not one of its submodules" in finding.message


def test_composed_all_is_read_through_the_modules_it_names(tmp_path: Path) -> None:
    # django.db.models: `from .fields import __all__ as fields_all` ... `__all__ = fields_all + [...]`
    files = {
        "pkg/__init__.py": "",
        "pkg/fields.py": "__all__ = ['Field']\nField = 1\n",
        "pkg/base.py": "__all__ = ['Model', 'Gone']\nModel = 1\n",
        "pkg/models.py": (
            "from pkg.fields import *\n"
            "from pkg.fields import __all__ as fields_all\n"
            "from pkg import base\n"
            "from pkg.base import Model\n"
            "__all__ = fields_all + base.__all__ + ['helper']\n"
            "def helper():\n    pass\n"
        ),
        "pkg/dynamic.py": "__all__ = [n for n in dir()]\n",
    }
    assert [f.path.rsplit("/", 1)[-1] for f in run(tmp_path / "a", files, "PF301")] == [
        "dynamic.py"
    ]
    undefined = run(tmp_path / "b", files, "PF302")
    # `Gone` is missing from base (reported there) and from models (reported at its __all__)
    assert sorted((f.path.rsplit("/", 1)[-1], f.line) for f in undefined) == [
        ("base.py", 1),
        ("models.py", 5),
    ]


def test_modules_that_write_their_namespace_are_not_second_guessed(tmp_path: Path) -> None:
    # transformers-style lazy packages replace themselves in sys.modules
    files = {
        "pkg/__init__.py": (
            "import sys\n__all__ = ['Model']\n"
            "sys.modules[__name__] = _LazyModule(__name__, globals()['__file__'])\n"
        ),
        "pkg/user.py": "from pkg import Model\n",
        "pkg/gen.py": "for n in ('a', 'b'):\n    globals()[n] = n\n__all__ = ['a', 'b']\n",
        "pkg/other.py": "from pkg.gen import a\n",
    }
    assert run(tmp_path / "a", files, "PF302") == []
    # one info per module whose names cannot be listed, each where it is imported: the
    # package replacing itself is no blind spot for its other modules (DESIGN.md)
    found = run(tmp_path / "b", files, "PF404")
    assert sorted((f.path.rsplit("/", 1)[-1], f.severity) for f in found) == [
        ("other.py", "info"),
        ("user.py", "info"),
    ]


def test_sibling_named_like_an_installed_dependency_is_that_dependency(tmp_path: Path) -> None:
    # pkgforge's own layout: release/build.py beside `import build` (PyPA build) in
    # release/backend.py. Python 3 imports the installed `build`, so the dependency is used.
    files = {
        "pkg/__init__.py": "",
        "pkg/release/__init__.py": "",
        "pkg/release/build.py": "def run():\n    pass\n",
        "pkg/release/backend.py": "def go():\n    import build\n    return build.ProjectBuilder\n",
    }
    for code in ("PF403", "PF407", "PF408"):
        assert run(tmp_path / code, files, code, deps='["build>=1.2"]') == [], code


def test_all_extended_only_for_the_type_checker_is_not_pf302(tmp_path: Path) -> None:
    # pip._vendor.pyproject_hooks: `if TYPE_CHECKING: from ._impl import X; __all__ += ["X"]`;
    # future.moves.html: `__all__` assigned only in the Python 2 branch
    files = {
        "pkg/hooks.py": (
            "from typing import TYPE_CHECKING\n__all__ = ['run']\ndef run(): pass\n"
            "if TYPE_CHECKING:\n    from pkg.impl import Runner\n    __all__ += ['Runner']\n"
        ),
        "pkg/impl.py": "class Runner: pass\n",
        "pkg/html.py": "PY3 = True\nif PY3:\n    from json import *\nelse:\n    __all__ = ['escape']\n",
    }
    assert run(tmp_path, files, "PF302") == []


def test_a_computed_sys_modules_key_covers_its_own_package_only(tmp_path: Path) -> None:
    # pip._vendor's `vendored()` writes sys.modules[computed]: modules under pip._vendor may
    # exist without a file, but a missing module elsewhere in pip is still missing
    files = {
        "pkg/__init__.py": "",
        "pkg/_vendor/__init__.py": (
            "import sys\ndef vendored(name):\n    sys.modules[__name__ + '.' + name] = sys\n"
        ),
        "pkg/user.py": "import pkg._vendor.anything\n",
        "pkg/other.py": "import pkg.internal.missing\n",
    }
    found = run(tmp_path, files, "PF404")
    assert [(f.path.rsplit("/", 1)[-1], str(f.severity)) for f in found] == [
        ("other.py", "error"),
        ("user.py", "info"),
    ]


def test_a_project_package_named_like_the_standard_library_is_not_imported(
    tmp_path: Path,
) -> None:
    # future ships Python 2 backports as top-level `builtins`, `html`: on Python 3 the
    # standard library comes first on sys.path, so `from builtins import max` is stdlib's
    files = {
        "builtins/__init__.py": "",
        "html/__init__.py": "",
        "pkg/minmax.py": "from builtins import max, min\nfrom html import escape\n",
    }
    assert run(tmp_path, files, "PF404") == []


def test_pf403_trusts_sys_path_only_where_it_changes_before_the_import(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/helper.py": "x = 1\n",
        # a sibling put on sys.path before the import: it may well be found
        "pkg/tool.py": "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\nimport helper\n",
        # sys.path changed in a function, later: the import has already failed
        "pkg/app.py": "import sys\ndef load(d):\n    sys.path.insert(0, d)\nimport helper\n",
    }  # fmt: skip
    (finding,) = run(tmp_path, files, "PF403")
    assert (finding.path, finding.line, finding.severity) == ("src/pkg/app.py", 4, "error")


def test_pf404_checks_a_testing_helper_module(tmp_path: Path) -> None:
    # `pkg.testing` is an API its users import (numpy.testing); only test suites import
    # missing names on purpose
    files = {
        "pkg/__init__.py": "",
        "pkg/testing.py": "from pkg.gone import fixture\n",
        "pkg/tests/__init__.py": "",
        "pkg/tests/test_gone.py": "def test():\n    from pkg.gone import fixture\n",
    }
    (finding,) = run(tmp_path, files, "PF404")
    assert (finding.path, finding.severity) == ("src/pkg/testing.py", "error")
