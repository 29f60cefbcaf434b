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


# --- check speaks ruff: the options ruff users type daily --------------------------


@pytest.fixture
def mixed(make_project: Callable[..., Path]) -> Path:
    """One error (PF202, proved by an entry point) and one warning (PF204)."""
    root = make_project(
        {
            "src/sound/__init__.py": '"""Sound."""\n',
            "src/sound/class.py": "",
            "src/sound/Echo.py": "",
        }
    )
    with (root / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[project.scripts]\nsound = "sound.class:main"\n')
    return root


def _json_codes(out: str) -> list[str]:
    return [f["code"] for f in json.loads(out)["findings"]]


def test_output_format_and_its_format_alias(run_cli: RunCli, mixed: Path) -> None:
    for option in ("--output-format", "--format"):
        status, out, _ = run_cli("check", str(mixed), "--no-cache", option, "json")
        assert status == 1
        assert _json_codes(out) == ["PF204", "PF202"]


def test_exit_zero_reports_but_exits_zero(run_cli: RunCli, mixed: Path) -> None:
    status, out, _ = run_cli("check", str(mixed), "--no-cache", "--exit-zero")
    assert status == 0
    assert "PF202" in out and out.rstrip().endswith("checked.")


def test_exit_zero_still_fails_on_usage_errors(run_cli: RunCli, mixed: Path) -> None:
    status, _, err = run_cli("check", str(mixed), "--exit-zero", "--select", "PF999")
    assert status == 2
    assert "unknown rule code 'PF999'" in err


def test_fail_on_warning(run_cli: RunCli, mixed: Path) -> None:
    assert run_cli("check", str(mixed), "--no-cache", "--select", "PF204")[0] == 0
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--select", "PF204", "--fail-on", "warning"
    )
    assert status == 1
    assert "PF204" in out
    # --fail-on info: any finding fails; a clean run passes whatever the level
    assert run_cli("check", str(mixed), "--select", "PF204", "--fail-on", "info")[0] == 1
    assert run_cli("check", str(mixed), "--select", "PF103", "--fail-on", "info")[0] == 0
    assert run_cli("check", str(mixed), "--select", "PF202", "--fail-on", "error")[0] == 1


def test_fail_on_and_exit_zero_conflict(run_cli: RunCli, mixed: Path) -> None:
    status, _, err = run_cli("check", str(mixed), "--exit-zero", "--fail-on", "warning")
    assert status == 2
    assert "not allowed with" in err


def test_statistics_text_and_json(run_cli: RunCli, mixed: Path) -> None:
    (mixed / "src" / "sound" / "Delay.py").write_text("", encoding="utf-8")
    status, out, _ = run_cli("check", str(mixed), "--no-cache", "--statistics")
    assert status == 1  # statistics change the report, not the verdict
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows == [
        ["2", "PF204", "non-lowercase-module-name", "2 warnings"],
        ["1", "PF202", "keyword-module-name", "1 error"],
    ]
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--statistics", "--output-format", "json"
    )
    assert json.loads(out) == [
        {"code": "PF204", "name": "non-lowercase-module-name", "count": 2,
         "errors": 0, "warnings": 2, "infos": 0},
        {"code": "PF202", "name": "keyword-module-name", "count": 1,
         "errors": 1, "warnings": 0, "infos": 0},
    ]  # fmt: skip


def test_statistics_need_text_or_json(run_cli: RunCli, mixed: Path) -> None:
    status, _, err = run_cli("check", str(mixed), "--statistics", "--output-format", "sarif")
    assert status == 2
    assert "--statistics" in err and "text or json" in err


def test_extend_select_adds_to_the_configured_selection(run_cli: RunCli, mixed: Path) -> None:
    with (mixed / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[tool.pkgforge]\nselect = ["PF202"]\n')
    _, out, _ = run_cli("check", str(mixed), "--no-cache", "--format", "json")
    assert _json_codes(out) == ["PF202"]
    _, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json", "--extend-select", "PF204"
    )
    assert _json_codes(out) == ["PF204", "PF202"]
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json",
        "--extend-select", "PF204", "--extend-ignore", "PF202",
    )  # fmt: skip
    assert status == 0
    assert _json_codes(out) == ["PF204"]


def test_extend_select_on_top_of_every_rule(run_cli: RunCli, mixed: Path) -> None:
    with (mixed / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[tool.pkgforge]\nignore = ["PF2"]\n')
    _, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json", "--extend-select", "PF204"
    )
    assert _json_codes(out) == ["PF204"]  # the more specific code wins, as in ruff


def test_codes_options_can_be_repeated(run_cli: RunCli, mixed: Path) -> None:
    _, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json",
        "--select", "PF202", "--select", "PF204",
    )  # fmt: skip
    assert _json_codes(out) == ["PF204", "PF202"]


@pytest.mark.parametrize("value", ["", " ", ",", " , "])
@pytest.mark.parametrize("option", ["--select", "--extend-select"])
def test_a_blank_selection_is_a_usage_error(
    run_cli: RunCli, mixed: Path, option: str, value: str
) -> None:
    # an unset $CODES in CI (`--select "$CODES"`) must not pass silently
    status, out, err = run_cli("check", str(mixed), "--no-cache", option, value)
    assert status == 2
    assert out == ""
    assert f"error: {option} names no rule code" in err
    assert "hint: " in err


def test_a_selection_that_runs_no_rule_is_a_usage_error(run_cli: RunCli, mixed: Path) -> None:
    status, _, err = run_cli("check", str(mixed), "--select", "PF4", "--ignore", "PF4")
    assert status == 2
    assert "no rule is selected" in err


def test_a_config_that_selects_nothing_is_a_config_error(run_cli: RunCli, mixed: Path) -> None:
    with (mixed / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write("\n[tool.pkgforge]\nselect = []\n")
    status, out, err = run_cli("check", str(mixed), "--no-cache")
    assert status == 2
    assert "no rule is selected" in err
    assert "All checks passed" not in out


def test_an_unknown_code_has_a_hint(run_cli: RunCli, mixed: Path) -> None:
    status, _, err = run_cli("check", str(mixed), "--extend-select", "PF2O4")
    assert status == 2
    assert "error: --extend-select: 'PF2O4' is not a rule code or prefix" in err
    status, _, err = run_cli("check", str(mixed), "--extend-ignore", "PF299")
    assert status == 2
    assert "error: --extend-ignore: unknown rule code 'PF299'" in err
    assert "hint: " in err


def test_config_key_value_overrides_the_project_setting(run_cli: RunCli, mixed: Path) -> None:
    with (mixed / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[tool.pkgforge]\nignore = ["PF204"]\n')
    status, out, _ = run_cli("check", str(mixed), "--no-cache", "--format", "json")
    assert _json_codes(out) == ["PF202"]
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json", "--config", "ignore = []"
    )
    assert _json_codes(out) == ["PF204", "PF202"]
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json",
        "--config", 'per-path-ignores = { "src/sound/class.py" = ["PF202"] }',
        "--config", "ignore=[]",
    )  # fmt: skip
    assert status == 0
    assert _json_codes(out) == ["PF204"]


def test_config_file_replaces_the_project_table(
    run_cli: RunCli, mixed: Path, tmp_path: Path
) -> None:
    with (mixed / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write('\n[tool.pkgforge]\nignore = ["PF204"]\n')
    shared = tmp_path / "ci" / "pyproject.toml"
    shared.parent.mkdir()
    shared.write_text('[tool.pkgforge]\nselect = ["PF204"]\n', encoding="utf-8")
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json", "--config", str(shared)
    )
    assert status == 0
    assert _json_codes(out) == ["PF204"]  # the project's own ignore is not read
    plain = tmp_path / "ci" / "pkgforge.toml"
    plain.write_text('select = ["PF202"]\n', encoding="utf-8")
    status, out, _ = run_cli(
        "check", str(mixed), "--no-cache", "--format", "json", "--config", str(plain),
        "--config", 'ignore = ["PF204"]',
    )  # fmt: skip
    assert _json_codes(out) == ["PF202"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("select=PF4", "neither a file nor a TOML KEY = VALUE"),
        ("selct = []", "unknown setting 'selct'"),
        ("select = 3", "list of strings"),
        ('packages = ["src/x"]', "'packages' cannot be set with --config"),
        ("missing/pyproject.toml", "neither a file nor a TOML KEY = VALUE"),
    ],
)
def test_bad_config_values_are_usage_errors(
    run_cli: RunCli, mixed: Path, value: str, words: str
) -> None:
    status, _, err = run_cli("check", str(mixed), "--config", value)
    assert status == 2
    assert words in err
    assert "Traceback" not in err


def test_two_config_files_are_a_usage_error(run_cli: RunCli, mixed: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    for path in (first, second):
        path.write_text("select = []\n", encoding="utf-8")
    status, _, err = run_cli("check", str(mixed), "--config", str(first), "--config", str(second))
    assert status == 2
    assert "one --config file" in err


def test_an_invalid_config_file_is_a_config_error(
    run_cli: RunCli, mixed: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "pkgforge.toml"
    broken.write_text("select = [\n", encoding="utf-8")
    status, _, err = run_cli("check", str(mixed), "--config", str(broken))
    assert status == 2
    assert f"{broken}" in err and "not valid TOML" in err


def test_quiet_drops_the_summary_line(run_cli: RunCli, mixed: Path) -> None:
    status, out, _ = run_cli("check", str(mixed), "--no-cache", "-q")
    assert status == 1
    assert "PF202" in out
    assert "Found" not in out and "checked" not in out
    status, out, _ = run_cli("-q", "check", str(mixed), "--no-cache", "--select", "PF103")
    assert (status, out) == (0, "")  # nothing found: nothing printed


@pytest.mark.parametrize("flags", [("-qq",), ("--silent",), ("-q", "-q")])
def test_silent_prints_nothing_but_keeps_the_status(
    run_cli: RunCli, mixed: Path, flags: tuple[str, ...]
) -> None:
    status, out, err = run_cli("check", str(mixed), "--no-cache", *flags)
    assert (status, out, err) == (1, "", "")
    status, out, _ = run_cli("check", str(mixed), "--no-cache", "--format", "json", *flags)
    assert (status, out) == (1, "")


def test_an_unknown_option_points_to_the_subcommands_help(run_cli: RunCli, clean: Path) -> None:
    status, _, err = run_cli("check", str(clean), "--bogus")
    assert status == 2
    assert err.splitlines() == [
        "error: unknown option '--bogus'",
        "hint: run 'pkgforge check --help' for the options",
    ]
    status, _, err = run_cli("check", "--output-format", "xml")
    assert status == 2
    assert "hint: run 'pkgforge check --help' for the options" in err
    status, _, err = run_cli("--bogus")
    assert "hint: run 'pkgforge --help' for the options" in err
