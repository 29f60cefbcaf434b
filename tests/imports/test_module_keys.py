"""A module made at run time is a blind spot that stays local (issue 15, class 1).

A ``sys.modules[key] = ...`` covers what its key can name: a literal or ``__name__`` names
one module, a computed tail below a readable prefix names what is below it, a parameter
of the function that writes it names what the project's calls pass for it (the caller's
own name for ``__name__``), and a module loaded from a file location that is not the
package's own is the user's code, which names no module of the package. What cannot be
read stays unknown (an info), never an error. Every error here is replayed in CPython.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from pkgforge.checker.findings import Severity
from pkgforge.checker.module_keys import handed_key, module_key
from pkgforge.checker.summarize import summarize_source
from pkgforge.checker.summary import KeyCall

from .test_namespaces import fails_with, findings, project, works

# a plugin/hook loader of the user's files, in a method, the key a plain parameter
HOOK_LOADER = """\
import importlib.util
import sys


class Hooks:
    def load(self, paths):
        return [self._load_hook(name, path) for name, path in paths.items()]

    def _load_hook(self, name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
"""

# a helper in another module that replaces the module whose name it is given
PROXY = """\
import sys
import types


def recreate_module(name, attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    module.__path__ = sys.modules[name].__path__
    old, sys.modules[name] = sys.modules[name], module
    return old, module
"""


def _severities(root: Path) -> dict[str, Severity]:
    """PF404's severity by the file name of each finding."""
    return {f.path.rsplit("/", 1)[-1]: f.severity for f in findings(root, "PF404")}


def test_a_hook_loader_of_the_users_files_hides_no_module_of_the_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/config/__init__.py": "",
        "pkg/config/options.py": HOOK_LOADER,
        "pkg/contrib/__init__.py": "",
        "pkg/contrib/search.py": "from pkg.config import base\n",
        "pkg/contrib/plain.py": "import pkg.config.base\n",
    }
    root = project(tmp_path, files)
    found = _severities(root)
    assert found == {"search.py": Severity.ERROR, "plain.py": Severity.ERROR}
    assert fails_with(root, "import pkg.contrib.search", "cannot import name 'base'")
    assert fails_with(root, "import pkg.contrib.plain", "No module named 'pkg.config.base'")


@pytest.mark.parametrize(
    "location",
    [
        # the file is the package's own: its name may be one of the package's modules
        "os.path.join(os.path.dirname(__file__), 'plugins', name + '.py')",
        "here / (name + '.py')",
    ],
)
def test_a_loader_of_the_packages_own_files_stays_a_blind_spot(
    tmp_path: Path, location: str
) -> None:
    loader = (
        "import importlib.util, os, sys\nfrom pathlib import Path\n"
        "def load(name):\n"
        "    here = Path(__file__).parent\n"
        f"    spec = importlib.util.spec_from_file_location(name, {location})\n"
        "    module = importlib.util.module_from_spec(spec)\n"
        "    sys.modules[name] = module\n"
        "    return module\n"
    )
    files = {
        "pkg/config/__init__.py": "",
        "pkg/config/options.py": loader,
        "pkg/config/user.py": "def go(name):\n    return load(name)\n",
        "pkg/other.py": "import pkg.config.base\n",
    }
    root = project(tmp_path, files)
    assert [f.severity for f in findings(root, "PF404")] == [Severity.INFO]


def test_a_helper_module_replacing_its_caller_hides_the_callers_names_only(
    tmp_path: Path,
) -> None:
    files = {
        "pkg/__init__.py": (
            "from pkg import local\n__all__ = ['Thing']\n"
            "local.recreate_module(__name__, {'Thing': 1})\n"
        ),
        "pkg/local.py": PROXY,
        "pkg/user.py": "from pkg import Thing\n",
        "pkg/deleted_user.py": "from pkg.gone import x\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/relative_user.py": "from .missing import x\n",
    }
    root = project(tmp_path, files)
    found = _severities(root)
    assert found == {
        "user.py": Severity.INFO,  # the package's own names: the helper replaced it
        "deleted_user.py": Severity.ERROR,
        "relative_user.py": Severity.ERROR,
    }
    assert works(root, "import pkg.user")
    assert fails_with(root, "import pkg.deleted_user", "No module named 'pkg.gone'")
    assert fails_with(root, "import pkg.sub.relative_user", "No module named 'pkg.sub.missing'")


@pytest.mark.parametrize(
    "call",
    [
        # a name it cannot read: any module of the package may be made there
        "for name in NAMES:\n    local.recreate_module(name, {})\n",
        "local.recreate_module(NAMES[0], attrs={})\n",
        "local.recreate_module(*NAMES)\n",
        # handed on: whoever calls it is not seen
        "HOOKS = list(map(local.recreate_module, NAMES))\n",
        "MADE = [local.recreate_module(name, {}) for name in NAMES]\n",
        "def later():\n    from pkg.local import recreate_module\n    return map(recreate_module, NAMES)\n",
    ],
)
def test_a_helper_given_a_name_it_cannot_read_stays_a_blind_spot(tmp_path: Path, call: str) -> None:
    files = {
        # a call it can read does not make the others readable
        "pkg/__init__.py": "from pkg import local\nlocal.recreate_module(__name__, {})\n",
        "pkg/local.py": PROXY,
        "pkg/maker.py": "from pkg import local\nNAMES = ['pkg.gone']\n" + call,
        "pkg/deleted_user.py": "import pkg.gone\n",
    }
    root = project(tmp_path, files)
    assert [f.severity for f in findings(root, "PF404")] == [Severity.INFO]


def test_a_helper_given_a_literal_name_makes_that_module_only(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/local.py": (
            "import sys, types\ndef recreate_module(name, attrs):\n"
            "    sys.modules[name] = module = types.ModuleType(name)\n"
            "    module.__dict__.update(attrs)\n"
        ),
        "pkg/maker.py": "from pkg.local import recreate_module\nrecreate_module('pkg.made', {'x': 1})\n",
        "pkg/made_user.py": "import pkg.maker\nfrom pkg.made import x\n",
        "pkg/deleted_user.py": "from pkg.gone import x\n",
    }
    root = project(tmp_path, files)
    found = _severities(root)
    assert found == {"deleted_user.py": Severity.ERROR}
    assert works(root, "import pkg.made_user")
    assert fails_with(root, "import pkg.deleted_user", "No module named 'pkg.gone'")


@pytest.mark.parametrize(
    ("key", "made", "missing"),
    [
        ("f'pkg.plugins.{name}'", "pkg.plugins.anything", "pkg.other"),
        ("'pkg.plugins.' + name", "pkg.plugins.anything", "pkg.other"),
        ("__name__ + '.' + name", "pkg.vendor.anything", "pkg.other"),
        ("f'{__name__}.{name}'", "pkg.vendor.anything", "pkg.other"),
    ],
)
def test_a_computed_tail_names_modules_below_its_prefix(
    tmp_path: Path, key: str, made: str, missing: str
) -> None:
    files = {
        "pkg/vendor/__init__.py": f"import sys\ndef vendored(name):\n    sys.modules[{key}] = sys\n",
        "pkg/plugins/__init__.py": "",
        "pkg/made_user.py": f"import {made}\n",
        "pkg/missing_user.py": f"import {missing}.x\n",
    }
    root = project(tmp_path, files)
    found = _severities(root)
    assert found == {"made_user.py": Severity.INFO, "missing_user.py": Severity.ERROR}


def test_an_unreadable_key_stays_a_blind_spot_of_the_writers_package(tmp_path: Path) -> None:
    files = {
        "pkg/vendor/__init__.py": (
            "import sys\ndef vendored(name):\n    sys.modules['%s.%s' % (__name__, name)] = sys\n"
        ),
        "pkg/vendor_user.py": "import pkg.vendor.anything\n",
        "pkg/missing_user.py": "import pkg.other.x\n",
    }
    root = project(tmp_path, files)
    found = _severities(root)
    assert found == {"vendor_user.py": Severity.INFO, "missing_user.py": Severity.ERROR}


# -- what the summary records ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "key"),
    [
        ("'pkg.x'", "pkg.x"),
        ("__name__", "."),
        ("__name__ + '.sub'", ".sub"),
        ("f'{__name__}.sub'", ".sub"),
        ("__name__ + '.' + name", ".*"),
        ("__name__ + '.sub.' + name", ".sub.*"),
        ("f'{__name__}.sub.{name}'", ".sub.*"),
        ("f'pkg.plugins.{name}'", "pkg.plugins.*"),
        ("'pkg.plugins.' + name + '.x'", "pkg.plugins.*"),
        ("__name__ + '_compat'", ""),
        ("f'plugin_{name}'", ""),
        ("'%s.%s' % (a, b)", ""),
        ("name", ""),
    ],
)
def test_module_keys(source: str, key: str) -> None:
    assert module_key(ast.parse(source, mode="eval").body) == key


def test_a_call_hands_only_what_plainly_is_a_module_name() -> None:
    def handed(source: str) -> str:
        return handed_key(ast.parse(source, mode="eval").body)

    assert (handed("'pkg.x'"), handed("__name__"), handed("'hello world'")) == ("pkg.x", ".", "")
    assert handed("'name'") == ""  # a plain word is no module key: the call stays opaque


def test_the_summary_records_parameter_keys_and_the_calls_that_pass_them() -> None:
    writer = summarize_source((HOOK_LOADER + PROXY).encode(), filename="m.py")
    assert [key for key, _ in writer.module_writes] == [
        "loader:0:name:Hooks._load_hook",
        "parameter:0:name:recreate_module",
    ]
    source = textwrap.dedent(
        """\
        old, new = local.recreate_module(__name__, attrs={})
        def make(name):
            helper(recreate_module(name, {}))
            return recreate_module("pkg.made", attrs=x)
        run(key="pkg.x", *rest)
        """
    )
    calls = summarize_source(source.encode(), filename="m.py")
    assert calls.key_calls == (
        KeyCall("recreate_module", 1, (".",), (("attrs", ""),)),
        KeyCall("recreate_module", 4, ("pkg.made",), (("attrs", ""),)),
        KeyCall("run", 5, (), (("key", "pkg.x"),)),
    )
    assert calls.opaque_calls == "helper recreate_module"


@pytest.mark.parametrize(
    "function",
    [
        # a parameter rebound before the write: what the callers pass is not the key
        "def f(name):\n    name = name.lower()\n    sys.modules[name] = m\n",
        # a decorator may call it with anything
        "@register\ndef f(name):\n    sys.modules[name] = m\n",
        # a method: called through objects pkgforge does not follow
        "class C:\n    def f(self, name):\n        sys.modules[name] = m\n",
        # not a parameter
        "def f():\n    sys.modules[NAME] = m\n",
    ],
)
def test_a_key_its_callers_do_not_decide_cannot_be_read(function: str) -> None:
    summary = summarize_source(f"import sys\n{function}".encode(), filename="m.py")
    assert [key for key, _ in summary.module_writes] == [""]
