"""The engine: selection, suppression, per-path ignores, errors, archives, parsing versions."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import CheckResult, check, requires_python_floor
from pkgforge.checker.findings import Severity
from pkgforge.checker.rules.base import REGISTRY, Hit, Rule
from pkgforge.checker.selection import Selection
from pkgforge.errors import ConfigError, UsageError

from .conftest import GOOD_PYPROJECT


def _codes(result: CheckResult) -> list[str]:
    return [f.code for f in result.findings]


@pytest.fixture
def shouty(make_project: Callable[..., Path]) -> Path:
    """Two PF204 findings, one of them in a legacy directory."""
    return make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/Echo.py": "",
            "src/sound/old/__init__.py": "",
            "src/sound/old/Delay.py": "",
        }
    )


def test_selection_longest_prefix_wins() -> None:
    selection = Selection(select=("PF4",), ignore=("PF40",))
    assert not selection.enabled("PF402")
    assert not selection.enabled("PF101")
    assert Selection(select=("PF402",), ignore=("PF4",)).enabled("PF402")
    assert not Selection(select=None, ignore=("PF402",)).enabled("PF402")
    assert Selection().enabled("PF101")


def test_select_and_ignore(shouty: Path) -> None:
    assert _codes(check([shouty], select=["PF2"], use_cache=False)) == ["PF204", "PF204"]
    assert _codes(check([shouty], select=["PF2"], ignore=["PF204"], use_cache=False)) == []


def test_config_ignore_and_cli_override(shouty: Path) -> None:
    (shouty / "pyproject.toml").write_text(
        GOOD_PYPROJECT + '[tool.pkgforge]\nignore = { PF204 = "legacy names" }\n', encoding="utf-8"
    )
    assert "PF204" not in _codes(check([shouty], use_cache=False))
    assert "PF204" in _codes(check([shouty], ignore=[], use_cache=False))


def test_per_path_ignores(shouty: Path) -> None:
    (shouty / "pyproject.toml").write_text(
        GOOD_PYPROJECT + '[tool.pkgforge.per-path-ignores]\n"src/sound/old/*" = ["PF2"]\n',
        encoding="utf-8",
    )
    result = check([shouty], select=["PF204"], use_cache=False)
    assert [f.path for f in result.findings] == ["src/sound/Echo.py"]
    assert result.suppressed == 1


def test_suppression_comment(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": '__all__ = ["a"]\na = 1\n',
            "src/sound/x.py": (
                "from os import *  # pkgforge: ignore[PF402]\n"
                "from sys import *  # pkgforge: ignore\n"
                "from json import *  # pkgforge: ignore[PF101]\n"
            ),
        }
    )
    result = check([root], select=["PF402"], use_cache=False)
    assert [(f.path, f.line) for f in result.findings] == [("src/sound/x.py", 3)]
    assert result.suppressed == 2


def test_unknown_codes_are_usage_errors(shouty: Path) -> None:
    with pytest.raises(UsageError, match="unknown rule code 'PF999'") as info:
        check([shouty], select=["PF999"])
    assert info.value.hint == "did you mean PF509?" or "pkgforge rules" in (info.value.hint or "")
    with pytest.raises(UsageError, match="not a rule code"):
        check([shouty], ignore=["E501"])


def test_unknown_code_in_config_is_a_config_error(shouty: Path) -> None:
    (shouty / "pyproject.toml").write_text(
        GOOD_PYPROJECT + '[tool.pkgforge]\nselect = ["PF9"]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="unknown rule code 'PF9'"):
        check([shouty])


def test_a_crashing_rule_is_reported_not_raised(
    shouty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(project: object) -> list[Hit]:
        """## What it does\nBreaks."""
        raise ZeroDivisionError("oops")

    monkeypatch.setitem(
        REGISTRY,
        "PF199",
        Rule("PF199", "broken", "broken", Severity.ERROR, "source", "doc", broken),
    )
    result = check([shouty], select=["PF1", "PF204"], use_cache=False)
    assert result.rule_errors == ("rule PF199 (broken) crashed: ZeroDivisionError: oops",)
    assert "PF204" in _codes(result)


def test_focus_on_a_subdirectory(shouty: Path) -> None:
    result = check([shouty / "src" / "sound" / "old"], select=["PF2", "PF5"], use_cache=False)
    assert [f.path for f in result.findings] == ["src/sound/old/Delay.py"]


def test_paths_are_relative_to_the_working_directory(
    shouty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shouty.parent)
    result = check(["project"], select=["PF204"], use_cache=False)
    assert result.findings[0].path == "project/src/sound/Echo.py"


def test_result_counts(shouty: Path) -> None:
    result = check([shouty], select=["PF204"], use_cache=False)
    assert result.files_checked == 4
    assert result.counts == {"error": 0, "warning": 2, "info": 0}
    assert not result.has_errors


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        (">=3.9", (3, 9)),
        (">=3.8.1,<4", (3, 8)),
        ("~=3.10", (3, 10)),
        (">=2.7", (3, 0)),
        ("nonsense", None),
        ("<3", None),
    ],
)
def test_requires_python_floor(spec: str, floor: tuple[int, int] | None) -> None:
    assert requires_python_floor(spec) == floor


def test_parses_for_the_oldest_supported_python(make_project: Callable[..., Path]) -> None:
    files = {
        "src/sound/__init__.py": "",
        "src/sound/m.py": "match = 1\nmatch match:\n    case _: pass\n",
    }
    new = make_project(files)
    assert _codes(check([new], select=["PF410"], use_cache=False)) == []
    (new / "pyproject.toml").write_text(GOOD_PYPROJECT.replace(">=3.11", ">=3.9"), encoding="utf-8")
    assert _codes(check([new], select=["PF410"], use_cache=False)) == ["PF410"]


def test_archives_get_the_dist_rules_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "sound-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("sound/__init__.py", "")
    seen: list[object] = []

    def dist_rule(model: object) -> list[Hit]:
        seen.append(model)
        return [Hit("sound-1.0-py3-none-any.whl", "checked")]

    def source_rule(model: object) -> list[Hit]:
        raise AssertionError("source rules never see an archive")

    monkeypatch.setitem(
        REGISTRY, "PF598", Rule("PF598", "d", "d", Severity.INFO, "dist", "d", dist_rule)
    )
    monkeypatch.setitem(
        REGISTRY, "PF199", Rule("PF199", "s", "s", Severity.INFO, "source", "s", source_rule)
    )
    monkeypatch.setattr(
        "pkgforge.checker.archive.load_archive", lambda path, project=None: ("archive", path)
    )
    result = check([wheel], select=["PF598", "PF199"], use_cache=False)
    assert seen == [("archive", wheel)]
    assert _codes(result) == ["PF598"]
    assert result.files_checked == 1


def test_an_archive_in_dist_is_compared_with_its_project(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"src/sound/__init__.py": ""})
    wheel = root / "dist" / "sound-1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("sound/__init__.py", "")
    seen: list[object] = []
    monkeypatch.setattr(
        "pkgforge.checker.archive.load_archive",
        lambda path, project=None: seen.append(project) or "archive",
    )
    check([wheel], use_cache=False)
    (project,) = seen
    assert project is not None
    assert project.root == root.resolve()  # type: ignore[attr-defined]
    assert [f.module for f in project.files] == ["sound"]  # type: ignore[attr-defined]


def test_many_paths_in_one_project_share_one_run(
    shouty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker import engine

    calls: list[object] = []
    real = engine._discover_at

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_discover_at", counting)
    sound = shouty / "src" / "sound"
    result = check([sound / "Echo.py", sound / "old" / "Delay.py"], select=["PF204"])
    assert len(calls) == 1
    assert [f.path for f in result.findings] == ["src/sound/Echo.py", "src/sound/old/Delay.py"]
    assert result.files_checked == 2


def test_pyproject_line_suppression(make_project) -> None:  # type: ignore[no-untyped-def]
    pyproject = (
        '[project]\nname = "sound"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        'license = "MIT"\ndependencies = [\n  "requests>=2",{comment}\n]\n'
    )
    files = {"src/sound/__init__.py": '"""Sound."""\n__all__: list[str] = []\n'}
    root = make_project(files, pyproject=pyproject.format(comment=""))
    assert [f.code for f in check([root], select=["PF408"], use_cache=False).findings] == ["PF408"]
    (root / "pyproject.toml").write_text(
        pyproject.format(comment="  # pkgforge: ignore[PF408] -- used through a plugin")
    )
    result = check([root], select=["PF408"], use_cache=False)
    assert result.findings == ()
    assert result.suppressed == 1


def test_check_project_agrees_with_check(make_project) -> None:  # type: ignore[no-untyped-def]
    from pkgforge.checker.engine import check_project, load_project

    root = make_project(
        {
            "src/sound/__init__.py": "from .echo import *\n__all__ = ['missing']\n",
            "src/sound/echo.py": "def f():\n    import os  # pkgforge: ignore[PF409]\n",
        }
    )
    expected = check([root], use_cache=False)
    got = check_project(load_project(root, use_cache=False))
    assert got.findings == expected.findings
    assert {f.code for f in got.findings} >= {"PF302", "PF402"}
    assert (got.files_checked, got.suppressed) == (expected.files_checked, expected.suppressed)


@pytest.mark.parametrize("collecting", [True, False])
def test_the_cyclic_collector_pauses_during_a_check_and_is_restored(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, collecting: bool
) -> None:
    import gc

    from pkgforge.checker import engine

    seen: list[bool] = []
    real = engine._run_rules

    def watching(*args: object) -> object:
        seen.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_run_rules", watching)
    root = make_project({"src/sound/__init__.py": "X = 1\n"})
    (gc.enable if collecting else gc.disable)()
    try:
        check([root], use_cache=False)
        assert seen == [False]
        assert gc.isenabled() is collecting
    finally:
        gc.enable()
