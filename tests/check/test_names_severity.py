"""PF201/PF202: an error only when something must find the module by a name that cannot work.

Each verdict is checked against CPython itself: what pkgforge calls a warning really
loads, what it calls an error really fails.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity

from .conftest import GOOD_PYPROJECT, write_tree


def _found(root: Path, code: str) -> list[Finding]:
    result = check([root], select=[code], use_cache=False)
    assert result.rule_errors == ()
    return list(result.findings)


@pytest.fixture
def importable(tmp_path: Path) -> Iterator[Path]:
    """A directory on sys.path for the duration of a test; its modules are forgotten after."""
    root = tmp_path / "site"
    root.mkdir()
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield root
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == "sound" or m.startswith("sound.")]:
            del sys.modules[name]


def test_fail_fixtures_are_errors_and_warn_fixtures_warnings(
    fixture_project: Callable[[str], Path],
) -> None:
    for code, fixture, severity in (
        ("PF201", "pf201/fail", Severity.ERROR),
        ("PF201", "pf201/warn", Severity.WARNING),
        ("PF202", "pf202/fail", Severity.ERROR),
        ("PF202", "pf202/warn", Severity.WARNING),
    ):
        found = _found(fixture_project(fixture), code)
        assert found, fixture
        assert {f.severity for f in found} == {severity}, fixture


def test_the_error_names_the_entry_point(fixture_project: Callable[[str], Path]) -> None:
    (finding,) = _found(fixture_project("pf201/fail"), "PF201")
    assert '[project.scripts] `my-echo = "sound.my-echo:main"`' in finding.message
    assert "SyntaxError" in finding.message


@pytest.mark.parametrize(("code", "fixture"), [("PF201", "pf201/warn"), ("PF202", "pf202/warn")])
def test_what_the_warnings_are_about_really_loads(
    fixture_project: Callable[[str], Path], importable: Path, code: str, fixture: str
) -> None:
    """CPython loads every module these warnings are about (by name, with importlib, as
    Django, PyInstaller and plugin loaders do), so none of them may be an error."""
    project = fixture_project(fixture)
    shutil.copytree(project / "sound", importable / "sound")
    importlib.invalidate_caches()
    found = _found(project, code)
    assert found
    for finding in found:
        dotted = finding.path.removesuffix(".py").replace("/", ".")
        assert importlib.import_module(dotted).__name__ == dotted


def test_what_the_errors_name_really_fails() -> None:
    """The wrapper installers write for a console script is an import statement."""
    for module in ("sound.my-echo", "sound.class", "sound.0001_initial"):
        with pytest.raises(SyntaxError):
            compile(f"from {module} import main\n", "<script>", "exec")


def test_plugin_entry_point_is_an_error_only_when_importlib_metadata_cannot_load_it(
    make_project: Callable[..., Path], importable: Path
) -> None:
    files = {
        "src/sound/__init__.py": "",
        "src/sound/my-echo.py": "def main():\n    return 0\n",
        "src/sound/0001_initial.py": "X = 1\n",
    }
    plugins = (
        '\n[project.entry-points."sound.plugins"]\n'
        'echo = "sound.my-echo:main"\ninitial = "sound.0001_initial:X"\n'
    )
    root = make_project(files, pyproject=GOOD_PYPROJECT + plugins)
    severity = {f.path: f.severity for f in _found(root, "PF201")}
    assert severity == {
        "src/sound/my-echo.py": Severity.ERROR,
        "src/sound/0001_initial.py": Severity.WARNING,
    }
    write_tree(importable, {k.removeprefix("src/"): v for k, v in files.items()})
    importlib.invalidate_caches()
    assert EntryPoint("initial", "sound.0001_initial:X", "sound.plugins").load() == 1
    with pytest.raises(AttributeError):  # its pattern does not match: match() is None
        EntryPoint("echo", "sound.my-echo:main", "sound.plugins").load()


def test_a_keyword_plugin_module_loads_so_it_is_a_warning(
    fixture_project: Callable[[str], Path], importable: Path
) -> None:
    found = _found(fixture_project("pf202/warn"), "PF202")
    assert {f.path: f.severity for f in found}["sound/class.py"] is Severity.WARNING
    write_tree(importable, {"sound/__init__.py": "", "sound/class.py": "class Plugin:\n    pass\n"})
    importlib.invalidate_caches()
    assert EntryPoint("classic", "sound.class:Plugin", "sound.plugins").load().__name__ == "Plugin"


def test_a_module_inside_a_badly_named_directory_proves_the_directory(
    make_project: Callable[..., Path],
) -> None:
    files = {
        "src/sound/__init__.py": "",
        "src/sound/my-tools/__init__.py": "",
        "src/sound/my-tools/cli.py": "def main():\n    return 0\n",
        "src/sound/other-tools/__init__.py": "",
    }
    scripts = '\n[project.scripts]\nsound-cli = "sound.my-tools.cli:main"\n'
    root = make_project(files, pyproject=GOOD_PYPROJECT + scripts)
    severity = {f.path: f.severity for f in _found(root, "PF201")}
    assert severity == {
        "src/sound/my-tools": Severity.ERROR,
        "src/sound/other-tools": Severity.WARNING,
    }


def test_an_entry_point_elsewhere_proves_nothing(make_project: Callable[..., Path]) -> None:
    files = {"src/sound/__init__.py": "", "src/sound/class.py": "", "src/sound/my-echo.py": ""}
    scripts = '\n[project.scripts]\nsound = "sound:main"\nmy-echo = "sound.my_echo:main"\n'
    root = make_project(files, pyproject=GOOD_PYPROJECT + scripts)
    found = _found(root, "PF201") + _found(root, "PF202")
    assert {f.path for f in found} == {"src/sound/class.py", "src/sound/my-echo.py"}
    assert {f.severity for f in found} == {Severity.WARNING}


def test_a_gui_script_proves_a_keyword_module(make_project: Callable[..., Path]) -> None:
    files = {"src/sound/__init__.py": "", "src/sound/import/__init__.py": ""}
    scripts = '\n[project.gui-scripts]\nsound-gui = "sound.import:main"\n'
    root = make_project(files, pyproject=GOOD_PYPROJECT + scripts)
    (finding,) = _found(root, "PF202")
    assert finding.severity is Severity.ERROR
    assert "[project.gui-scripts]" in finding.message


def test_build_is_not_blocked_by_warnings(fixture_project: Callable[[str], Path]) -> None:
    for fixture in ("pf201/warn", "pf202/warn"):
        result = check([fixture_project(fixture)], select=["PF2"], use_cache=False)
        assert result.findings and not result.has_errors


def test_a_flat_layout_script_is_checked_only_when_an_entry_point_names_it(
    tmp_path: Path,
) -> None:
    files = {"sound/__init__.py": "", "my-tool.py": "def main():\n    return 0\n", "run-it.py": ""}
    scripts = '\n[project.scripts]\nmy-tool = "my-tool:main"\n'
    plain = write_tree(tmp_path / "plain", {"pyproject.toml": GOOD_PYPROJECT, **files})
    named = write_tree(tmp_path / "named", {"pyproject.toml": GOOD_PYPROJECT + scripts, **files})
    assert _found(plain, "PF201") == []
    (finding,) = _found(named, "PF201")
    assert (finding.path, finding.severity) == ("my-tool.py", Severity.ERROR)
