"""``pkgforge check --fix | --diff | --show-fixes | --unsafe-fixes | --add-noqa``, as ruff's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.errors import PkgforgeError
from tests.check.conftest import GOOD_PYPROJECT, write_tree
from tests.check.test_replay import settle

RunCli = Callable[..., tuple[int, str, str]]

INIT = '''"""Sound."""

from .echo import echofilter

__all__ = ["echofilter", "echofilter", "_mix"]  # the API


def _mix(): ...
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PF303 (safe fix) and a PF306 (unsafe fix) in one ``__all__``, and a PF404 (no fix)."""
    root = write_tree(
        tmp_path / "sound",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/sound/__init__.py": INIT,
            "src/sound/echo.py": "def echofilter(): ...\n",
            "src/sound/player.py": "from sound.echo import missing\n",
        },
    )
    monkeypatch.chdir(root)
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pkgforge_cache" not in p.parts
    }


def _all_line(project: Path) -> str:
    text = (project / "src" / "sound" / "__init__.py").read_text()
    return next(line for line in text.splitlines() if line.startswith("__all__"))


def test_fix_applies_the_safe_fixes_and_prints_what_remains(run_cli: RunCli, project: Path) -> None:
    status, out, err = run_cli("check", "--fix")
    assert status == 1  # the PF404 error remains
    assert _all_line(project) == '__all__ = ["echofilter", "_mix"]  # the API'
    assert out == (
        "src/sound/__init__.py:5:26: PF306 [private-export] `_mix` is private (leading "
        "underscore) but listed in `__all__`\n\n"
        "src/sound/player.py:1:1: PF404 [unresolved-import] `from sound.echo import missing`: "
        "module sound.echo defines no `missing` and has no submodule of that name\n\n"
        "Fixed 1 finding (1 more fix available with `--unsafe-fixes`).\n"
        "Found 1 error, 1 warning in 3 files checked.\n"
    )
    assert err == ""


def test_unsafe_fixes_adds_the_rest(run_cli: RunCli, project: Path) -> None:
    status, out, _ = run_cli("check", "--fix", "--unsafe-fixes")
    assert status == 1
    assert _all_line(project) == '__all__ = ["echofilter"]  # the API'
    assert out.endswith("Fixed 2 findings.\nFound 1 error in 3 files checked.\n")
    status, out, _ = run_cli("check", "--fix", "--select", "PF3")
    assert status == 0
    assert out == "No findings fixed.\nAll checks passed: 3 files checked.\n"


def test_show_fixes_lists_what_was_fixed(run_cli: RunCli, project: Path) -> None:
    _, out, _ = run_cli("check", "--fix", "--unsafe-fixes", "--show-fixes", "--select", "PF3")
    assert out == (
        "Fixed 2 findings:\n"
        "- src/sound/__init__.py:\n"
        "    1 × PF303 (duplicate-export)\n"  # noqa: RUF001 - ruff's sign
        "    1 × PF306 (private-export)\n\n"  # noqa: RUF001
        "Fixed 2 findings.\n"
        "All checks passed: 3 files checked.\n"
    )


def test_diff_shows_the_fixes_and_changes_nothing(run_cli: RunCli, project: Path) -> None:
    before = _tree(project)
    status, out, err = run_cli("check", "--diff")
    assert status == 1
    assert out == (
        "--- src/sound/__init__.py\n"
        "+++ src/sound/__init__.py\n"
        "@@ -2,7 +2,7 @@\n"
        " \n"
        " from .echo import echofilter\n"
        " \n"
        '-__all__ = ["echofilter", "echofilter", "_mix"]  # the API\n'
        '+__all__ = ["echofilter", "_mix"]  # the API\n'
        " \n"
        " \n"
        " def _mix(): ...\n"
    )
    assert err == "Would fix 1 finding (1 more fix available with `--unsafe-fixes`).\n"
    assert _tree(project) == before
    assert not list(project.glob(".pkgforge-fix-*"))
    assert not list((project / ".pkgforge_cache").glob("fix-*"))


def test_no_cache_leaves_no_cache_behind(run_cli: RunCli, project: Path) -> None:
    """The scratch copy goes to the system's temporary folder then."""
    _, out, _ = run_cli("check", "--fix", "--no-cache")
    assert "Fixed 1 finding" in out
    assert _all_line(project) == '__all__ = ["echofilter", "_mix"]  # the API'
    assert not (project / ".pkgforge_cache").exists()


def test_diff_exits_0_when_nothing_would_change(run_cli: RunCli, project: Path) -> None:
    status, out, err = run_cli("check", "--diff", "--select", "PF4")
    assert (status, out) == (0, "")
    assert err == "No findings would be fixed.\n"
    assert run_cli("check", "--diff", "--exit-zero")[0] == 0


def test_a_new_file_in_a_diff(run_cli: RunCli, project: Path) -> None:
    (project / "src" / "sound" / "effects").mkdir()
    (project / "src" / "sound" / "effects" / "echo.py").write_text("X = 1\n")
    status, out, _ = run_cli("check", "--diff", "--unsafe-fixes", "--select", "PF101")
    assert status == 1
    assert out == "--- /dev/null\n+++ src/sound/effects/__init__.py\n"
    assert not (project / "src" / "sound" / "effects" / "__init__.py").exists()


def test_fix_reports_in_the_chosen_format(run_cli: RunCli, project: Path) -> None:
    status, out, _ = run_cli("check", "--fix", "--output-format", "json")
    assert status == 1
    report = json.loads(out)
    assert [f["code"] for f in report["findings"]] == ["PF306", "PF404"]
    status, out, _ = run_cli("check", "--fix", "--statistics")
    assert out.split()[:2] == ["1", "PF306"]


def test_fixable_and_unfixable_settings(run_cli: RunCli, project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(GOOD_PYPROJECT + '\n[tool.pkgforge]\nunfixable = ["PF303"]\n')
    _, out, _ = run_cli("check", "--fix", "--unsafe-fixes", "--select", "PF3")
    assert _all_line(project) == '__all__ = ["echofilter", "echofilter"]  # the API'
    assert "Fixed 1 finding." in out
    pyproject.write_text(GOOD_PYPROJECT + '\n[tool.pkgforge]\nfixable = ["PF303"]\n')
    run_cli("check", "--fix", "--unsafe-fixes", "--select", "PF3")
    assert _all_line(project) == '__all__ = ["echofilter"]  # the API'
    pyproject.write_text(GOOD_PYPROJECT + '\n[tool.pkgforge]\nfixable = ["PF9"]\n')
    status, _, err = run_cli("check", "--fix")
    assert status == 2
    assert "[tool.pkgforge]: unknown rule code 'PF9'" in err


@pytest.mark.parametrize("option", ["--fix", "--diff", "--add-noqa"])
def test_a_run_that_fixes_is_never_a_replay(run_cli: RunCli, project: Path, option: str) -> None:
    """check answers an unchanged project with the output recorded for the same command;
    a recorded answer for a fixing command (planted here: none is ever recorded) must not
    stand in for the fix, and the check after a fix must see the fixed project."""
    from pkgforge.checker import engine, replay

    (project / ".pkgforge_cache").mkdir()
    settle(project)  # nothing changed in the last seconds: the run may be recorded
    argv = ["check", "--select", "PF3", option]
    recorder = replay.Recorder(replay.command_key(argv[1:], False))
    engine.check(["."], select=["PF3"], on_inputs=recorder.add)
    assert recorder.save("a recorded answer\n", 0)
    _, out, err = run_cli(*argv)
    assert "a recorded answer" not in out
    if option == "--fix":
        assert _all_line(project) == '__all__ = ["echofilter", "_mix"]  # the API'
        settle(project)
        for _ in range(2):  # recorded, then replayed: the fixed project's answer
            assert run_cli("check", "--select", "PF3")[1].startswith(
                "src/sound/__init__.py:5:26: PF306"
            )
    elif option == "--diff":
        assert out.startswith("--- src/sound/__init__.py")
    else:
        assert err == "Added 2 noqa directives.\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--fix", "--add-noqa"], "--add-noqa cannot be combined with --fix or --diff"),
        (["--diff", "--add-noqa"], "--add-noqa cannot be combined with --fix or --diff"),
        (["--fix", "--import"], "--import cannot be combined with --fix, --diff or --add-noqa"),
    ],
)
def test_options_that_do_not_go_together(
    run_cli: RunCli, project: Path, options: list[str], message: str
) -> None:
    before = _tree(project)
    status, _, err = run_cli("check", *options)
    assert status == 2
    assert f"error: {message}" in err
    assert _tree(project) == before


def test_a_distribution_cannot_be_fixed(run_cli: RunCli, project: Path) -> None:
    wheel = project / "dist" / "sound-1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK")
    status, _, err = run_cli("check", "--fix", str(wheel))
    assert status == 2
    assert "is a distribution: fixes change source trees only" in err


def test_explain_says_whether_a_rule_has_a_fix(run_cli: RunCli) -> None:
    assert "Fix: **safe** (`pkgforge check --fix`)." in run_cli("explain", "PF303")[1]
    assert "Fix: **unsafe**" in run_cli("explain", "PF408")[1]
    assert "Fix: **none**." in run_cli("explain", "PF404")[1]
    _, out, _ = run_cli("rules")
    assert "duplicate-export" in out and "(fix: safe)" in out
    _, out, _ = run_cli("rules", "--format", "json")
    fixes = {row["code"]: row["fix"] for row in json.loads(out)}
    assert (fixes["PF303"], fixes["PF101"], fixes["PF404"]) == ("safe", "unsafe", None)


# -- a fix never makes a new finding -------------------------------------------------


def test_a_fix_that_would_make_a_cycle_is_not_applied(run_cli: RunCli, tmp_path: Path) -> None:
    """`import echo` in surround.py means the sibling; written `from . import echo`, it
    would close a module-level cycle with echo.py, which imports surround: PF406."""
    root = write_tree(
        tmp_path / "cycle",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/sound/__init__.py": "",
            "src/sound/echo.py": "from . import surround\n",
            "src/sound/surround.py": "import echo\nimport reverb\n",
            "src/sound/reverb.py": "",
        },
    )
    surround = root / "src" / "sound" / "surround.py"
    status, out, err = run_cli("check", "--fix", str(root))
    assert surround.read_text() == "import echo\nfrom . import reverb\n"
    assert "not fixed: src/sound/surround.py:1: PF403: it would add PF406 [import-cycle]" in err
    assert "Fixed 1 finding." in out
    assert status == 1


def test_a_path_inside_the_project_fixes_there_and_judges_everywhere(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Only the findings under PATH are fixed, but a fix must make no new finding outside
    PATH either (here the cycle's finding would be in echo.py)."""
    root = write_tree(
        tmp_path / "focus",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/sound/__init__.py": '__all__ = ["a", "a"]\na = 1\n',
            "src/sound/echo.py": "from . import surround\n",
            "src/sound/surround.py": "import echo\n",
        },
    )
    surround = root / "src" / "sound" / "surround.py"
    status, out, err = run_cli("check", "--fix", str(surround))
    assert surround.read_text() == "import echo\n"
    assert "it would add PF406 [import-cycle] (warning) at src/sound/echo.py:1" in err
    assert out.startswith("src/sound/surround.py:1:1: PF403")
    assert "Found 1 error in 1 file checked." in out
    assert status == 1
    assert '__all__ = ["a", "a"]' in (root / "src" / "sound" / "__init__.py").read_text()


def test_a_failing_fixer_stops_only_its_own_fixes(
    run_cli: RunCli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker.fix import exports

    def broken(request: object) -> list[object]:
        raise TypeError("a bug")

    monkeypatch.setattr(exports, "drop_duplicate_exports", broken)
    status, out, err = run_cli("check", "--fix", "--unsafe-fixes", "--select", "PF3")
    assert "warning: the fixer of PF303 failed; this is a pkgforge bug, please report it" in err
    assert _all_line(project) == '__all__ = ["echofilter", "echofilter"]  # the API'
    assert out.startswith("src/sound/__init__.py:5:26: PF303")
    assert status == 0


# -- all at once, or not at all --------------------------------------------------------


def _failing_rename(monkeypatch: pytest.MonkeyPatch, error: BaseException, after: int = 1) -> None:
    from pkgforge import landing

    real = landing._rename
    calls = [0]

    def rename(source: Path, target: Path) -> None:
        calls[0] += 1
        if calls[0] > after:
            raise error
        real(source, target)

    monkeypatch.setattr(landing, "_rename", rename)


def _two_files_to_fix(project: Path) -> None:
    (project / "src" / "sound" / "echo.py").write_text(
        '__all__ = ["echofilter", "echofilter"]\n\n\ndef echofilter(): ...\n'
    )


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (PkgforgeError("cannot replace it: Permission denied"), 1, "error: cannot replace"),
        (KeyboardInterrupt(), 130, "error: interrupted"),
    ],
)
def test_the_fixes_land_all_at_once_or_not_at_all(
    run_cli: RunCli,
    project: Path,
    error: BaseException,
    status: int,
    message: str,
) -> None:
    _two_files_to_fix(project)
    before = _tree(project)
    with pytest.MonkeyPatch.context() as patch:
        _failing_rename(patch, error, after=1)  # the first file is in place, then...
        got, _, err = run_cli("check", "--fix", str(project))
    assert got == status
    assert message in err
    assert _tree(project) == before
    assert not list(project.glob(".pkgforge-fix-*"))
    assert run_cli("check", "--fix", str(project))[0] == 1
    assert _tree(project) != before


def test_every_project_of_a_run_or_none(
    run_cli: RunCli, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = write_tree(
        tmp_path / "other",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/other/__init__.py": '__all__ = ["a", "a"]\na = 1\n',
        },
    )
    before = (_tree(project), _tree(other))
    _failing_rename(monkeypatch, PkgforgeError("cannot replace: No space left on device"), after=2)
    status, _, err = run_cli("check", "--fix", str(project), str(other))
    assert status == 1
    assert "No space left on device" in err
    assert (_tree(project), _tree(other)) == before


def test_a_file_changed_while_fixing_stops_the_run(
    run_cli: RunCli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker.fix import rounds

    real = rounds.fix_rounds
    init = project / "src" / "sound" / "__init__.py"

    def meanwhile(*args: object, **kwargs: object) -> rounds.Outcome:
        outcome = real(*args, **kwargs)  # type: ignore[arg-type]
        init.write_text(INIT + "# an edit made meanwhile\n")
        return outcome

    monkeypatch.setattr(rounds, "fix_rounds", meanwhile)
    status, _, err = run_cli("check", "--fix")
    assert status == 1
    assert "__init__.py changed while pkgforge was fixing it; nothing was changed" in err
    assert init.read_text() == INIT + "# an edit made meanwhile\n"


# -- --add-noqa ------------------------------------------------------------------------


def test_add_noqa_silences_each_finding_on_its_line(run_cli: RunCli, project: Path) -> None:
    player = project / "src" / "sound" / "player.py"
    player.write_text("from sound.echo import missing  # noqa: E501 (a long line)\n")
    (project / "src" / "sound" / "effects").mkdir()
    (project / "src" / "sound" / "effects" / "echo.py").write_text('"""\nX\n"""\n')
    status, out, err = run_cli("check", "--add-noqa")
    assert (status, out) == (0, "")
    assert err == (
        "warning: no noqa comment for src/sound/effects:1 PF101: a directory cannot carry a "
        "comment\nAdded 3 noqa directives.\n"
    )
    assert player.read_text() == (
        "from sound.echo import missing  # noqa: E501, PF404 (a long line)\n"
    )
    assert _all_line(project) == (
        '__all__ = ["echofilter", "echofilter", "_mix"]  # the API  # noqa: PF303, PF306'
    )
    status, out, _ = run_cli("check")
    assert status == 0
    assert out.startswith("src/sound/effects:1:1: PF101")
    # nothing more to add
    before = _tree(project)
    assert run_cli("check", "--add-noqa")[2].endswith("Added 0 noqa directives.\n")
    assert _tree(project) == before


def test_add_noqa_leaves_lines_a_comment_would_change(run_cli: RunCli, tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "strings",
        {
            "pyproject.toml": GOOD_PYPROJECT + 'dependencies = ["PyYAML"]\n',
            "src/sound/__init__.py": (
                '#!/usr/bin/env python\n__all__ = ["a", "a"]\na = 1\n'
                'TEXT = """\n""" ; import \\\n  sound.missing\n'
            ),
        },
    )
    before = _tree(root)
    status, _, err = run_cli("check", "--add-noqa", str(root))
    assert status == 0
    assert "no noqa comment for src/sound/__init__.py:5 PF404: the line ends inside a string" in err
    assert "Added 2 noqa directives." in err
    text = (root / "src" / "sound" / "__init__.py").read_text()
    assert text.splitlines()[:2] == ["#!/usr/bin/env python", '__all__ = ["a", "a"]  # noqa: PF303']
    assert text.splitlines()[3:] == before["src/sound/__init__.py"].decode().splitlines()[3:]
    pyproject = (root / "pyproject.toml").read_text()
    assert 'dependencies = ["PyYAML"]  # noqa: PF408' in pyproject


@pytest.mark.parametrize("option", ["--fix", "--diff", "--add-noqa"])
def test_watch_does_not_fix(run_cli: RunCli, project: Path, option: str) -> None:
    before = _tree(project)
    status, _, err = run_cli("check", "--watch", option)
    assert status == 2
    assert "error: --watch cannot be used with --fix, --diff or --add-noqa" in err
    assert _tree(project) == before


def test_the_scratch_copy_has_the_cache_but_not_the_replay_file(project: Path) -> None:
    """A fix works on a copy that starts from the project's summary cache (nothing
    unchanged is parsed again); the recorded outputs stay behind: they are the
    project's, keyed by its paths."""
    from pkgforge.checker import engine, replay
    from pkgforge.checker.cache import CACHE_DIR_NAME
    from pkgforge.checker.fix.workspace import Workspace

    (project / CACHE_DIR_NAME).mkdir()
    settle(project)  # nothing changed in the last seconds: the run may be recorded
    recorder = replay.Recorder(replay.command_key(["--select", "PF3"], False))
    engine.check(["."], select=["PF3"], on_inputs=recorder.add)
    assert recorder.save("a recorded answer\n", 0)
    kept = {p.name for p in (project / CACHE_DIR_NAME).iterdir()}
    assert replay.REPLAY_FILE in kept
    with Workspace(project, engine.check_tree) as workspace:
        copied = {p.name for p in (workspace.copy / CACHE_DIR_NAME).iterdir()}
    assert copied == kept - {replay.REPLAY_FILE}
