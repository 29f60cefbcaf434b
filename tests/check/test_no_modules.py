"""PF105: a project with Python files where nothing ships is a loud warning, never silence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Severity
from pkgforge.checker.report.text import render

from .conftest import GOOD_PYPROJECT
from .test_discover import backend


def test_python_that_does_not_ship_is_a_warning_with_a_hint(
    make_project: Callable[..., Path],
) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.setuptools]\npackages = ["sound"]\n'
    root = make_project(
        {"python/sound/__init__.py": "", "python/sound/echo.py": ""}, pyproject=pyproject
    )
    result = check([root], use_cache=False)
    assert result.files_checked == 0
    (finding,) = [f for f in result.findings if f.code == "PF105"]
    assert finding.severity is Severity.WARNING
    assert finding.path.endswith("pyproject.toml")
    assert "[tool.setuptools] in pyproject.toml" in finding.message
    assert "`python/sound/__init__.py`" in finding.message
    assert "`python/sound/`" in finding.message
    assert not result.has_errors


def test_warm_run_still_warns_and_notices_the_fix(make_project: Callable[..., Path]) -> None:
    pyproject = (
        backend("hatchling.build") + '[tool.hatch.build.targets.wheel]\npackages = ["sound"]\n'
    )
    root = make_project({"lib/sound/__init__.py": ""}, pyproject=pyproject)
    for _ in range(2):
        result = check([root], select=["PF105"], use_cache=True)
        assert [f.code for f in result.findings] == ["PF105"]
    (root / "pyproject.toml").write_text(pyproject.replace('"sound"]', '"lib/sound"]'))
    result = check([root], select=["PF105"], use_cache=True)
    assert result.findings == () and result.files_checked == 1


def test_no_warning_when_something_ships(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "tools/gen.py": ""})
    assert check([root], select=["PF105"], use_cache=False).findings == ()


def test_tests_docs_and_setup_py_alone_check_nothing_and_say_so(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {"setup.py": "", "tests/test_x.py": "", "docs/conf.py": "", ".venv/lib/x.py": ""}
    )
    result = check([root], select=["PF105"], use_cache=False)
    assert result.files_checked == 0
    (finding,) = result.findings
    assert finding.severity is Severity.WARNING
    assert "none outside tests, docs and build scripts" in finding.message
    assert "All checks passed" not in render(result)


def test_a_folder_without_python_says_so(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n")
    (finding,) = check([tmp_path], select=["PF105"], use_cache=False).findings
    assert "selects no Python files" in finding.message


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    result = check([tmp_path], use_cache=False)
    assert [(f.code, f.path) for f in result.findings] == [("PF105", ".")]
    assert "the folder is empty" in result.findings[0].message
    assert not result.has_errors


def test_zero_files_is_never_all_checks_passed(tmp_path: Path) -> None:
    result = check([tmp_path], ignore=["PF105"], use_cache=False)
    assert result.findings == () and result.files_checked == 0
    assert render(result) == "Nothing was checked: 0 files.\n"


def test_the_hint_names_the_backend_setting(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"python/sound/__init__.py": ""}, pyproject=backend("poetry.core.masonry.api")
    )
    (finding,) = check([root], select=["PF105"], use_cache=False).findings
    assert "`[tool.poetry] packages`" in finding.message
    assert "`[tool.pkgforge] packages`" in finding.message


def test_tool_pkgforge_packages_says_what_ships(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.pkgforge]\npackages = ["python/sound", "tools/cli.py"]\n'
    root = make_project(
        {
            "setup.py": "setup(packages=computed())\n",
            "python/sound/__init__.py": "",
            "python/other/__init__.py": "",
            "tools/cli.py": "",
        },
        pyproject=pyproject,
    )
    result = check([root], use_cache=False)
    assert result.files_checked == 2
    assert not [f for f in result.findings if f.code == "PF105"]


def test_tool_pkgforge_packages_must_be_strings(make_project: Callable[..., Path]) -> None:
    import pytest

    from pkgforge.errors import ConfigError

    root = make_project(
        {"src/sound/__init__.py": ""}, pyproject=GOOD_PYPROJECT + "[tool.pkgforge]\npackages = 3\n"
    )
    with pytest.raises(ConfigError, match="packages"):
        check([root], use_cache=False)
