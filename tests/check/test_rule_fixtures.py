"""Every rule of this family has a failing and a passing fixture project."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Severity

CASES = [
    ("PF101", "pf101/fail", {"sound/effects"}),
    ("PF101", "pf101/pass", set()),
    ("PF101", "pf101/pass_namespace", set()),
    ("PF102", "pf102/fail", {"sound/gone.pyc"}),
    ("PF102", "pf102/fail_pycache", {"sound/__pycache__/old.cpython-311.pyc"}),
    ("PF102", "pf102/pass", set()),
    ("PF103", "pf103/fail", {"sound/echo.py"}),
    ("PF103", "pf103/pass", set()),
    ("PF104", "pf104/fail", {"sound/echo.py"}),
    ("PF104", "pf104/pass", set()),
    ("PF201", "pf201/fail", {"sound/my-echo.py"}),
    ("PF201", "pf201/pass", set()),
    (
        "PF201",
        "pf201/warn",
        {
            "sound/__pyinstaller/hook-sound.py",
            "sound/migrations/0001_initial.py",
            "sound/my-echo.py",
            "sound/tables/unicode10-0-0.py",
        },
    ),
    ("PF202", "pf202/fail", {"sound/class.py"}),
    ("PF202", "pf202/pass", set()),
    ("PF202", "pf202/warn", {"sound/class.py", "sound/locale/is"}),
    ("PF203", "pf203/fail", {"email"}),
    ("PF203", "pf203/pass", set()),
    ("PF204", "pf204/fail", {"sound/Echo.py"}),
    ("PF204", "pf204/pass", set()),
    ("PF501", "pf501/fail", {"pyproject.toml"}),
    ("PF501", "pf501/pass", set()),
    ("PF503", "pf503/fail", {"src/sound/__init__.py"}),
    ("PF503", "pf503/pass", set()),
    ("PF503", "pf503/pass_dynamic", set()),
    ("PF508", "pf508/fail", {"pyproject.toml"}),
    ("PF508", "pf508/pass", set()),
    ("PF508", "pf508/pass_file", set()),
    ("PF509", "pf509/fail", {"pyproject.toml"}),
    ("PF509", "pf509/pass", set()),
]


@pytest.mark.parametrize(("code", "fixture", "paths"), CASES, ids=[c[1] for c in CASES])
def test_rule_fixture(
    fixture_project: Callable[[str], Path], code: str, fixture: str, paths: set[str]
) -> None:
    result = check([fixture_project(fixture)], select=[code], use_cache=False)
    assert {f.path for f in result.findings} == paths
    assert all(f.code == code for f in result.findings)


def test_every_fixture_fails_only_its_own_rule_at_error_level(
    fixture_project: Callable[[str], Path],
) -> None:
    """A 'pass' fixture is clean for this family's rules, not only for its own."""
    family = ["PF1", "PF2", "PF5"]
    for _, fixture, paths in CASES:
        if paths:
            continue
        result = check([fixture_project(fixture)], select=family, use_cache=False)
        assert [f for f in result.findings if f.severity is Severity.ERROR] == [], fixture


def test_orphan_severities(fixture_project: Callable[[str], Path]) -> None:
    legacy = check([fixture_project("pf102/fail")], select=["PF102"], use_cache=False)
    cached = check([fixture_project("pf102/fail_pycache")], select=["PF102"], use_cache=False)
    assert [f.severity for f in legacy.findings] == [Severity.ERROR]
    assert [f.severity for f in cached.findings] == [Severity.WARNING]


def test_clash_message_says_which_one_wins(fixture_project: Callable[[str], Path]) -> None:
    (finding,) = check([fixture_project("pf104/fail")], select=["PF104"], use_cache=False).findings
    assert "can never be imported" in finding.message
    assert "sound/echo/" in finding.message


def test_version_mismatch_points_at_the_line(fixture_project: Callable[[str], Path]) -> None:
    (finding,) = check([fixture_project("pf503/fail")], select=["PF503"], use_cache=False).findings
    assert finding.line == 3
    assert "'1.0'" in finding.message and "'1.1'" in finding.message
    assert finding.severity == "warning"  # wrong, but nothing fails


def test_invalid_toml_reports_its_line(fixture_project: Callable[[str], Path]) -> None:
    # Made here, not committed: a broken pyproject.toml in the tree breaks ruff's config search.
    project = fixture_project("pf501/pass")
    with (project / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write("[tool.oops\n")
    (finding,) = check([project], select=["PF501"], use_cache=False).findings
    assert finding.line == 10
    assert "TOML" in finding.message


@pytest.mark.slow
def test_import_failed(fixture_project: Callable[[str], Path]) -> None:
    failing = fixture_project("pf412/fail")
    # The hang, crash and environment cases are in test_import_run.py.
    result = check(
        [failing], select=["PF412"], use_cache=False, run_imports=True, python=sys.executable
    )
    assert [(f.path, f.line) for f in result.findings] == [("src/sound/broken.py", 1)]
    assert "RuntimeError: boom" in result.findings[0].message
    assert not list(failing.rglob("__pycache__")), "--import must not write bytecode"
    passing = check(
        [fixture_project("pf412/pass")], select=["PF412"], run_imports=True, python=sys.executable
    )
    assert passing.findings == ()


def test_import_failed_needs_the_flag(fixture_project: Callable[[str], Path]) -> None:
    result = check([fixture_project("pf412/fail")], select=["PF412"], use_cache=False)
    assert result.findings == ()
