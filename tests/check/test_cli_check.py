"""``pkgforge check``, ``explain`` and ``rules`` through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import GOOD_PYPROJECT

RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def clean(make_project: Callable[..., Path]) -> Path:
    return make_project({"src/sound/__init__.py": '"""Sound."""\n'})


def test_clean_project_exits_zero(run_cli: RunCli, clean: Path) -> None:
    status, out, err = run_cli("check", str(clean), "--no-cache")
    assert status == 0, out + err
    assert out.startswith("All checks passed")


def test_error_finding_exits_one(run_cli: RunCli, clean: Path) -> None:
    (clean / "src" / "sound" / "class.py").write_text("", encoding="utf-8")
    with (clean / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[project.scripts]\nsound = "sound.class:main"\n')  # proves PF202
    status, out, _ = run_cli("check", str(clean), "--no-cache", "--format", "json")
    assert status == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["PF202"]


def test_warnings_alone_exit_zero(run_cli: RunCli, clean: Path) -> None:
    (clean / "src" / "sound" / "Echo.py").write_text("", encoding="utf-8")
    status, out, _ = run_cli("check", str(clean), "--select", "PF204", "--format", "github")
    assert status == 0
    assert out.startswith("::warning file=")


def test_missing_path_exits_two(run_cli: RunCli, tmp_path: Path) -> None:
    status, out, err = run_cli("check", str(tmp_path / "nope"))
    assert status == 2
    assert err.startswith("error: ") and "hint: " in err
    assert out == ""


def test_unknown_code_exits_two_with_suggestion(run_cli: RunCli, clean: Path) -> None:
    status, _, err = run_cli("check", str(clean), "--select", "PF1O1")
    assert status == 2
    assert "not a rule code" in err
    status, _, err = run_cli("check", str(clean), "--ignore", "PF990")
    assert status == 2
    assert "unknown rule code 'PF990'" in err


def test_invalid_config_exits_two(run_cli: RunCli, clean: Path) -> None:
    (clean / "pyproject.toml").write_text(GOOD_PYPROJECT + "[tool.pkgforge]\nselct = []\n")
    status, _, err = run_cli("check", str(clean))
    assert status == 2
    assert "unknown setting 'selct'" in err
    assert "Traceback" not in err


def test_explain_prints_the_docstring(run_cli: RunCli) -> None:
    status, out, _ = run_cli("explain", "pf101")
    assert status == 0
    assert out.startswith("PF101 missing-init (error)")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in out
    assert run_cli("explain", "orphan-bytecode")[1].startswith("PF102 orphan-bytecode")


def test_explain_unknown_code_suggests(run_cli: RunCli) -> None:
    status, _, err = run_cli("explain", "PF1011")
    assert status == 2
    assert "unknown rule 'PF1011'" in err
    assert "hint: did you mean PF101?" in err
    status, _, err = run_cli("explain", "mising-init")
    assert "did you mean missing-init?" in err


def test_rules_text_and_json(run_cli: RunCli) -> None:
    status, out, _ = run_cli("rules")
    assert status == 0
    assert out.splitlines()[0].split()[:3] == ["PF101", "error", "missing-init"]
    status, out, _ = run_cli("rules", "--format", "json")
    rows = json.loads(out)
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes)
    assert {"PF101", "PF204", "PF501", "PF503", "PF508", "PF509", "PF412"} <= set(codes)
    assert rows[0]["url"].endswith("#pf101-missing-init")


def test_skipped_directories_are_warned_about_on_every_run(run_cli: RunCli, clean: Path) -> None:
    sound = clean / "src" / "sound"
    (sound / "loop").mkdir()
    (sound / "loop" / "__init__.py").write_text("", encoding="utf-8")
    (sound / "loop" / "again").symlink_to(sound)
    for _ in range(2):  # cold, then answered from the cache
        status, _, err = run_cli("check", str(clean), "--select", "PF1")
        assert status == 0
        assert "warning: skipped src/sound/loop/again: a directory already checked" in err


def test_undecodable_file_name_does_not_crash_the_report(clean: Path) -> None:
    import os
    import subprocess
    import sys

    (clean / "src" / "sound" / os.fsdecode(b"bad\xff.py")).write_text("", encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict", NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "pkgforge", "check", "--no-cache", "--select", "PF201", str(clean)],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # a PF201 warning: nothing needs the name
    assert b"bad\\udcff.py" in done.stdout


def test_corrupt_wheel_is_an_error_not_a_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    wheel = tmp_path / "sound-1.0-py3-none-any.whl"
    wheel.write_bytes(b"not a zip file")
    status, _, err = run_cli("check", str(wheel))
    assert status != 0
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_a_python_file_path_reports_only_that_file(run_cli: RunCli, clean: Path) -> None:
    sound = clean / "src" / "sound"
    (sound / "Echo.py").write_text("", encoding="utf-8")
    (sound / "Delay.py").write_text("", encoding="utf-8")
    status, out, _ = run_cli("check", str(sound / "Echo.py"), "--select", "PF204")
    assert status == 0
    assert "Echo.py" in out and "Delay.py" not in out
    status, out, _ = run_cli("check", str(clean / "pyproject.toml"), "--select", "PF204")
    assert "Echo.py" in out and "Delay.py" in out  # pyproject.toml means the project


def test_some_other_file_is_a_usage_error(run_cli: RunCli, clean: Path) -> None:
    (clean / "README.md").write_text("# sound\n", encoding="utf-8")
    status, _, err = run_cli("check", str(clean / "README.md"))
    assert status == 2
    assert "is not a project directory, a Python file or an archive" in err
