"""When statements run: dead version branches, TYPE_CHECKING, platform branches, and how
the certainty of a finding follows (an error only where the statement always runs)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pkgforge.checker.certainty import Certainty, Reach, certainty_of_reach, severity_for
from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.summarize import summarize_source
from pkgforge.checker.summary import ModuleSummary

from .trees import findings_of


def summary(text: str, oldest: tuple[int, int] | None = (3, 11)) -> ModuleSummary:
    return summarize_source(textwrap.dedent(text).encode(), feature_version=oldest)


def reach_of(text: str, module: str, oldest: tuple[int, int] | None = (3, 11)) -> Reach:
    (info,) = [i for i in summary(text, oldest).imports if i.module == module]
    return info.reach


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("sys.version_info < (3,)", Reach.NEVER),
        ("sys.version_info[0] == 2", Reach.NEVER),
        ("sys.version_info.major < 3", Reach.NEVER),
        ("sys.version_info >= (3,)", Reach.ALWAYS),
        ("sys.version_info[:2] >= (3, 8)", Reach.ALWAYS),  # requires-python >= 3.11
        ("sys.version_info < (3, 9)", Reach.NEVER),
        ("sys.version_info >= (3, 12)", Reach.SOMETIMES),  # 3.11 does not take it
        ("(3, 8) <= sys.version_info < (3, 10)", Reach.NEVER),
        ("PY2", Reach.NEVER),
        ("six.PY3", Reach.ALWAYS),
        ("not PY3", Reach.NEVER),
        ("TYPE_CHECKING", Reach.NEVER),
        ("typing.TYPE_CHECKING", Reach.NEVER),
        ("False", Reach.NEVER),
        ("sys.platform == 'win32'", Reach.SOMETIMES),
        ("os.name == 'nt'", Reach.SOMETIMES),
        ("PY2 or sys.platform == 'win32'", Reach.SOMETIMES),
        ("PY2 and sys.platform == 'win32'", Reach.NEVER),
        ("some_setting", Reach.SOMETIMES),
        ("__name__ == '__main__'", Reach.LATER),
        ("not TYPE_CHECKING and __name__ == '__main__'", Reach.LATER),
    ],
)
def test_reach_of_an_if_body(condition: str, expected: Reach) -> None:
    text = f"import sys, os, six, typing\nif {condition}:\n    import target\n"
    assert reach_of(text, "target") is expected


def test_else_branch_is_the_negation() -> None:
    text = """\
    import sys
    if sys.version_info >= (3,):
        import py3
    else:
        import py2
    if sys.platform == "win32":
        import win
    else:
        import posix
    """
    assert reach_of(text, "py3") is Reach.ALWAYS
    assert reach_of(text, "py2") is Reach.NEVER
    assert reach_of(text, "win") is Reach.SOMETIMES
    assert reach_of(text, "posix") is Reach.SOMETIMES


def test_a_module_level_flag_is_followed() -> None:
    text = """\
    import sys
    PY2 = sys.version_info[0] == 2
    IS_38 = sys.version_info >= (3, 8)
    if PY2:
        import urllib2
    if IS_38:
        import modern
    """
    assert reach_of(text, "urllib2") is Reach.NEVER
    assert reach_of(text, "modern") is Reach.ALWAYS


def test_without_a_lower_bound_python_3_is_still_assumed() -> None:
    text = "import sys\nif sys.version_info[0] == 2:\n    import urllib2\n"
    assert reach_of(text, "urllib2", oldest=None) is Reach.NEVER


def test_a_project_that_supports_python_2_keeps_its_py2_branches() -> None:
    text = "import sys\nif PY2:\n    import a\nif sys.version_info < (3,):\n    import b\n"
    assert reach_of(text, "a", oldest=(2, 7)) is Reach.SOMETIMES
    assert reach_of(text, "b", oldest=(2, 7)) is Reach.SOMETIMES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("try:\n    import a\nexcept ImportError:\n    import target\n", Reach.SOMETIMES),
        ("for x in ():\n    import target\n", Reach.SOMETIMES),
        ("while True:\n    import target\n    break\n", Reach.ALWAYS),
        ("def f():\n    import target\n", Reach.LATER),
        ("class K:\n    import target\n", Reach.ALWAYS),
        ("with open('f'):\n    import target\n", Reach.ALWAYS),
    ],
)
def test_reach_of_other_blocks(text: str, expected: Reach) -> None:
    assert reach_of(text, "target") is expected


def test_binding_reach_is_the_surest_binding() -> None:
    result = summary(
        """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from x import OnlyTyped, Both
        Both = 1
        if some_flag:
            Maybe = 1
        def f():
            global Later
            Later = 1
        """
    )
    reach = {b.name: b.reach for b in result.bindings}
    lines = {b.name: b.line for b in result.bindings}
    assert reach["OnlyTyped"] is Reach.NEVER
    assert reach["Both"] is Reach.ALWAYS
    assert lines["Both"] == 4  # the first binding that runs, not the TYPE_CHECKING one
    assert reach["Maybe"] is Reach.SOMETIMES
    assert reach["Later"] is Reach.LATER
    assert "OnlyTyped" not in result.bound_names
    assert result.never_bound == {"OnlyTyped"}


def test_severity_follows_certainty() -> None:
    assert severity_for(Severity.ERROR, Certainty.PROVEN) is Severity.ERROR
    assert severity_for(Severity.ERROR, Certainty.SOME_PATHS) is Severity.WARNING
    assert severity_for(Severity.ERROR, Certainty.UNSEEN) is Severity.INFO
    assert severity_for(Severity.WARNING, Certainty.SOME_PATHS) is Severity.WARNING
    assert certainty_of_reach(Reach.NEVER) is None
    assert certainty_of_reach(Reach.ALWAYS) is Certainty.PROVEN
    assert certainty_of_reach(Reach.LATER) is Certainty.SOME_PATHS


# -- PF404 follows reach ---------------------------------------------------------------


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = []\n'
    )
    for relpath, text in files.items():
        path = tmp_path / "src" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _imports_fine(root: Path, module: str) -> bool:
    run = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=root / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode == 0


TYPED = {
    "pkg/__init__.py": "",
    "pkg/models.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg.other import Thing\n"
        "class Model:\n    pass\n"
    ),
    "pkg/other.py": "class Thing:\n    pass\n",
}


def test_type_checking_on_both_sides_is_silent(tmp_path: Path) -> None:
    files = {
        **TYPED,
        "pkg/user.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from pkg.models import Thing\n"
        ),
    }
    root = _project(tmp_path, files)
    assert findings_of(root, "PF404") == []
    assert _imports_fine(root, "pkg.user")


def test_a_run_time_import_of_a_type_checking_only_name_is_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path, {**TYPED, "pkg/user.py": "from pkg.models import Thing\n"})
    (finding,) = findings_of(root, "PF404")
    assert finding.severity is Severity.ERROR
    assert "TYPE_CHECKING" in finding.message
    assert not _imports_fine(root, "pkg.user")  # CPython agrees


def test_a_missing_module_in_a_function_is_a_warning(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/user.py": "def f():\n    import pkg.missing\n"},
    )
    (finding,) = findings_of(root, "PF404")
    assert finding.severity is Severity.WARNING
    assert _imports_fine(root, "pkg.user")


def test_a_missing_module_in_a_platform_branch_is_a_warning(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/user.py": "import sys\nif sys.platform == 'win32':\n    import pkg.missing\n",
        },
    )
    (finding,) = findings_of(root, "PF404")
    assert finding.severity is Severity.WARNING


def test_a_missing_module_in_a_dead_branch_is_silent(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/user.py": "import sys\nif sys.version_info < (3,):\n    import pkg.missing\n",
        },
    )
    assert findings_of(root, "PF404") == []
    assert _imports_fine(root, "pkg.user")


def test_a_missing_module_at_module_level_is_still_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path, {"pkg/__init__.py": "", "pkg/user.py": "import pkg.missing\n"})
    (finding,) = findings_of(root, "PF404")
    assert finding.severity is Severity.ERROR
    assert not _imports_fine(root, "pkg.user")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("from ... import x\n", Severity.ERROR),
        ("def f():\n    from ... import x\n", Severity.WARNING),
        ("try:\n    from ... import x\nexcept ImportError:\n    x = None\n", None),
        ("import sys\nif sys.version_info < (3,):\n    from ... import x\n", None),
    ],
)
def test_pf405_follows_reach(tmp_path: Path, body: str, expected: Severity | None) -> None:
    root = _project(tmp_path, {"pkg/__init__.py": "", "pkg/user.py": body})
    result = check([root], select=["PF405"], use_cache=False)
    assert [f.severity for f in result.findings] == ([expected] if expected else [])
    assert _imports_fine(root, "pkg.user") is (expected is not Severity.ERROR)


def test_a_python2_backport_named_like_the_stdlib_is_not_first_party(tmp_path: Path) -> None:
    # future ships `builtins/` for Python 2; on Python 3 `from builtins import max` is the
    # standard module, whatever the project's own package binds
    root = _project(
        tmp_path,
        {
            "builtins/__init__.py": "from .misc import newmax\n",
            "builtins/misc.py": "newmax = max\n",
            "pkg/__init__.py": "",
            "pkg/user.py": "from builtins import max, min\n",
        },
    )
    assert findings_of(root, "PF404") == []
    assert _imports_fine(root, "pkg.user")


def test_after_a_statement_that_may_raise_a_try_body_runs_only_sometimes() -> None:
    text = """\
    try:
        import first
        long
        import cStringIO
    except NameError:
        import io
    """
    assert reach_of(text, "first") is Reach.ALWAYS
    assert reach_of(text, "cStringIO") is Reach.SOMETIMES  # `long` raises on Python 3
    assert reach_of(text, "io") is Reach.SOMETIMES


def _pf403(root: Path) -> list[Finding]:
    result = check([root], select=["PF403"], use_cache=False)
    assert result.rule_errors == ()
    return list(result.findings)


GENERATOR = {
    "pkg/__init__.py": "",
    "pkg/gen/__init__.py": "",
    "pkg/gen/genapi.py": "VALUE = 1\n",
}


def test_pf403_in_a_script_that_nothing_imports_is_a_warning(tmp_path: Path) -> None:
    # numpy's code_generators/generate_numpy_api.py: `python generate_numpy_api.py` works
    script = "import genapi\n\nif __name__ == '__main__':\n    print(genapi.VALUE)\n"
    root = _project(tmp_path, {**GENERATOR, "pkg/gen/make.py": script})
    (finding,) = _pf403(root)
    assert finding.severity is Severity.WARNING
    assert "as a script" in finding.message
    folder = root / "src" / "pkg" / "gen"
    ran = subprocess.run(
        [sys.executable, "make.py"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0 and ran.stdout.strip() == "1"  # as a script it works
    assert not _imports_fine(root, "pkg.gen.make")  # as a module it does not


def test_pf403_in_an_imported_module_stays_an_error(tmp_path: Path) -> None:
    script = "import genapi\n\nif __name__ == '__main__':\n    print(genapi.VALUE)\n"
    files = {**GENERATOR, "pkg/gen/make.py": script, "pkg/user.py": "from pkg.gen import make\n"}
    root = _project(tmp_path, files)
    (finding,) = _pf403(root)
    assert finding.severity is Severity.ERROR
    assert not _imports_fine(root, "pkg.user")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import genapi\n", Severity.ERROR),
        ("def f():\n    import genapi\n", Severity.WARNING),
        ("import sys\nif sys.version_info < (3,):\n    import genapi\n", None),
    ],
)
def test_pf403_follows_reach(tmp_path: Path, body: str, expected: Severity | None) -> None:
    root = _project(tmp_path, {**GENERATOR, "pkg/gen/user.py": body})
    assert [f.severity for f in _pf403(root)] == ([expected] if expected else [])
    assert _imports_fine(root, "pkg.gen.user") is (expected is not Severity.ERROR)
