"""Replay: an unchanged ``pkgforge check`` prints what the same command printed, without
loading the engine; any change to what that output depended on runs the check again."""

from __future__ import annotations

import json
import logging
import marshal
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pkgforge.checker import engine, replay
from pkgforge.cli import main

REPLAY = Path(".pkgforge_cache") / replay.REPLAY_FILE
PASSED = ("All checks passed: 2 files checked.\n", 0)
BAD_IMPORT = "from sound.missing import X\n"


def settle(*paths: Path) -> None:
    """Date every file and folder a minute back: recorded inputs must not be racy."""
    past = time.time_ns() - 60_000_000_000
    for top in paths:
        for folder, dirs, files in os.walk(top):
            for name in (*dirs, *files):
                os.utime(Path(folder, name), ns=(past, past), follow_symlinks=False)
        os.utime(top, ns=(past, past))


def changed(path: Path, text: str) -> None:
    """Write ``text`` and date it a minute back, with a distinct mtime."""
    path.write_text(text, encoding="utf-8")
    past = time.time_ns() - 50_000_000_000
    os.utime(path, ns=(past, past))
    os.utime(path.parent, ns=(past, past))


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project({"src/sound/__init__.py": BAD_IMPORT, "src/sound/echo.py": "Y = 2\n"})
    (root / ".pkgforge_cache").mkdir()  # as a first run makes it: the root's mtime moves
    settle(root)
    return root


@pytest.fixture(autouse=True)
def _restores_the_logger(run_cli: object) -> None:
    """main() points pkgforge's logger at this test's stderr: run_cli puts it back."""


@pytest.fixture(autouse=True)
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on the import path, where a test can install something."""
    folder = tmp_path / "site"
    folder.mkdir()
    settle(folder)
    monkeypatch.syspath_prepend(str(folder))
    return folder


@pytest.fixture
def engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each call of the engine's check, recorded (and let through)."""
    calls: list[object] = []
    real = engine.check

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check", counting)
    return calls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, int]:
    status = main(["check", *argv])
    return capsys.readouterr().out, status


def test_an_unchanged_project_is_answered_without_the_engine(
    project: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    first = run(capsys, str(project))
    assert first[1] == 1 and "sound.missing" in first[0]
    assert (project / REPLAY).is_file()
    second = run(capsys, str(project))
    third = run(capsys, str(project))
    assert second == first == third
    assert len(engine_runs) == 1


def test_a_replayed_run_never_imports_the_engine_or_logging(project: Path) -> None:
    code = (
        "import json, sys\n"
        "from pkgforge.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "print(json.dumps([status, sorted(sys.modules)]))\n"
    )

    def loaded() -> tuple[int, set[str]]:
        out = subprocess.run(
            [sys.executable, "-c", code, "check", "-q", str(project)],
            capture_output=True,
            text=True,
            check=True,
        )
        status, modules = json.loads(out.stdout.strip().splitlines()[-1])
        return status, set(modules)

    cold_status, cold = loaded()
    warm_status, warm = loaded()
    assert cold_status == warm_status == 1
    assert "pkgforge.checker.engine" in cold
    assert not {"pkgforge.checker.engine", "logging", "dataclasses", "pickle"} & warm
    # the command line is looked up as typed: not even argparse is needed
    assert not {"argparse", "pkgforge.commands", "pkgforge.errors"} & warm


def test_value_options_are_the_check_commands() -> None:
    """The fast path tells PATHs from option values with a list of its own: the options
    of ``pkgforge check`` that take a value, which must be the parser's."""
    import argparse

    from pkgforge.cli import _build_parser

    parser = _build_parser("check")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    check = sub.choices["check"]
    taking = {
        option
        for action in check._actions
        if action.option_strings and action.nargs != 0
        for option in action.option_strings
    }
    assert taking == replay.VALUE_OPTIONS


def test_the_first_path_is_found_past_option_values() -> None:
    argv = ["--format", "json", "-q", "--select=PF4", "--config", "a.toml", "src", "tests"]
    assert replay.positional(argv) == ["src", "tests"]
    assert replay.positional(["--", "-odd"]) == ["-odd"]


def _edit_module(root: Path) -> None:
    changed(root / "src/sound/__init__.py", "Y = 1\n")


def _add_module(root: Path) -> None:
    changed(root / "src/sound/extra.py", "import sound.gone\n")


def _edit_pyproject(root: Path) -> None:
    path = root / "pyproject.toml"
    changed(path, path.read_text(encoding="utf-8") + '\n[tool.pkgforge]\nignore = ["PF4"]\n')


def _add_root_file(root: Path) -> None:
    changed(root / "setup.cfg", "[metadata]\nname = sound\n")


def _install_somewhere(root: Path) -> None:
    # an install adds a dist-info folder to a folder of the import path
    (root.parent / "site" / "noise-1.0.dist-info").mkdir()


@pytest.mark.parametrize(
    "change",
    [_edit_module, _add_module, _edit_pyproject, _add_root_file, _install_somewhere],
    ids=["module edited", "module added", "pyproject edited", "root file added", "install"],
)
def test_a_changed_input_runs_the_check_again(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    engine_runs: list[object],
    change: Callable[[Path], None],
) -> None:
    run(capsys, str(project))
    run(capsys, str(project))
    assert len(engine_runs) == 1
    change(project)
    again = run(capsys, str(project))
    assert len(engine_runs) == 2
    if change in (_edit_module, _edit_pyproject):
        assert again == PASSED or "sound.missing" not in again[0]


def test_another_command_line_cwd_or_environment_is_its_own_answer(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    engine_runs: list[object],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    run(capsys, str(project))
    quiet = run(capsys, "-q", str(project))
    selected = run(capsys, "--select", "PF2", str(project))
    assert len(engine_runs) == 3
    assert selected == PASSED
    assert "sound.missing" in quiet[0] and "Found" not in quiet[0]
    monkeypatch.setenv("NO_COLOR", "1")
    run(capsys, str(project))
    monkeypatch.chdir(tmp_path)
    run(capsys, str(project))
    assert len(engine_runs) == 5
    assert run(capsys, "--select", "PF2", str(project)) == selected
    assert len(engine_runs) == 6


def test_a_changed_config_file_runs_the_check_again(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    config = tmp_path / "pkgforge.toml"
    config.write_text('select = ["PF4"]\n', encoding="utf-8")
    settle(config)
    before = run(capsys, "--config", str(config), str(project))
    run(capsys, "--config", str(config), str(project))
    assert len(engine_runs) == 1
    changed(config, 'select = ["PF2"]\n')
    assert run(capsys, "--config", str(config), str(project)) == PASSED
    assert before[1] == 1


def test_changed_pkgforge_code_runs_the_check_again(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    engine_runs: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rule = tmp_path / "rule.py"
    rule.write_text("X = 1\n", encoding="utf-8")
    settle(rule)
    monkeypatch.setattr(replay, "_own_sources", lambda: [str(rule)])
    run(capsys, str(project))
    run(capsys, str(project))
    assert len(engine_runs) == 1
    changed(rule, "X = 2\n")
    run(capsys, str(project))
    assert len(engine_runs) == 2


def test_a_file_changed_just_now_is_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    # Written within the last two seconds, a file may still change without its mtime
    # moving on a coarse clock: the run is not recorded.
    (project / "src/sound/echo.py").write_text("Y = 3\n", encoding="utf-8")
    run(capsys, str(project))
    run(capsys, str(project))
    assert len(engine_runs) == 2
    assert not (project / REPLAY).exists()


def test_a_run_that_logged_is_not_recorded(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.check

    def warning(*args: object, **kwargs: object) -> object:
        logging.getLogger("pkgforge").warning("something the output does not hold")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "check", warning)
    status = main(["check", str(project)])
    assert "something the output does not hold" in capsys.readouterr().err
    assert main(["check", str(project)]) == status
    assert "something the output does not hold" in capsys.readouterr().err
    assert not (project / REPLAY).exists()


def test_no_cache_neither_reads_nor_writes_a_replay(
    project: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    run(capsys, str(project))
    run(capsys, "--no-cache", str(project))
    run(capsys, "--no-cache", str(project))
    assert len(engine_runs) == 3
    entries = replay.read_entries(str(project / REPLAY))
    assert len(entries) == 1


def test_an_archive_or_a_run_without_the_cache_cannot_be_recorded(project: Path) -> None:
    reports: list[tuple[object, object]] = []
    engine.check([project], use_cache=False, on_inputs=lambda *r: reports.append(r))
    assert reports == [(None, None)]
    recorder = replay.Recorder("key")
    recorder.add(None, None)
    assert recorder.save("output", 0) is False


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal",
        marshal.dumps(("old", {})),
        marshal.dumps((2, ["not", "a", "dict"])),
        marshal.dumps((2, {"key": "not an entry"})),
    ],
)
def test_a_corrupt_replay_file_is_ignored(
    project: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    first = run(capsys, str(project))
    (project / REPLAY).write_bytes(content)
    assert run(capsys, str(project)) == first


def test_a_malformed_entry_for_this_command_is_ignored(
    project: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    first = run(capsys, str(project))
    version, entries = marshal.loads((project / REPLAY).read_bytes())
    malformed = (
        "text",
        b"not marshal",
        marshal.dumps(("x",)),
        marshal.dumps(("/a\0/b", (3, 0), bytes(48), "", 0)),  # two paths, three counted
        marshal.dumps(("/", (1, 0), bytes(16), b"bytes", 1)),
        marshal.dumps(("/", (1, 0), bytes(3), "", 1)),
        marshal.dumps(("/", (-1, 1), bytes(0), "", 1)),
    )
    for bad in malformed:
        key = next(iter(entries))
        (project / REPLAY).write_bytes(marshal.dumps((version, {key: bad})))
        assert run(capsys, str(project)) == first
    assert len(engine_runs) == 1 + len(malformed)


def test_a_planted_answer_does_not_match(
    project: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    # A replay file that came with the project (an sdist, a repository) names directory
    # ctimes from another machine: the kernel set this copy's when it arrived.
    first = run(capsys, str(project))
    version, entries = marshal.loads((project / REPLAY).read_bytes())
    key, entry = next(iter(entries.items()))
    forged = [
        (path, kind, a, b + 1) if kind == replay.DIRECTORY else (path, kind, a, b)
        for path, kind, a, b in replay.inputs_of(entry)
    ]
    planted = {key: replay.pack_entry(forged, "All checks passed!\n", 0)}
    (project / REPLAY).write_bytes(marshal.dumps((version, planted)))
    assert run(capsys, str(project)) == first
    assert len(engine_runs) == 2


def test_at_most_a_few_commands_are_remembered(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for code in ("PF1", "PF2", "PF3", "PF4", "PF5", "PF101", "PF102", "PF103", "PF104", "PF2"):
        run(capsys, "--select", code, str(project))
    entries = replay.read_entries(str(project / REPLAY))
    assert len(entries) == 8  # the oldest went; the second PF2 run was a replay
    assert not any("'--select', 'PF1'," in key for key in entries)
    assert "'--select', 'PF104'," in list(entries)[-1]


def test_an_unwritable_replay_is_skipped_quietly(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, str(project))
    (project / REPLAY).unlink()
    (project / REPLAY).mkdir()  # os.replace cannot put a file there
    assert run(capsys, str(project)) == first
    assert capsys.readouterr().err == ""


@pytest.fixture
def two_projects(make_project: Callable[..., Path], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    first = make_project({"src/sound/__init__.py": "X = 1\n"})
    second = tmp_path / "other"
    (second / "noise").mkdir(parents=True)
    (second / "noise" / "__init__.py").write_text("Y = 1\n", encoding="utf-8")
    for root in (first, second):
        (root / ".pkgforge_cache").mkdir()
    settle(first, second)
    yield first, second


def test_a_command_over_two_projects_watches_both(
    two_projects: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    engine_runs: list[object],
) -> None:
    first, second = two_projects
    assert run(capsys, str(first), str(second))[1] == 0
    run(capsys, str(first), str(second))
    assert len(engine_runs) == 1
    changed(second / "noise" / "__init__.py", "import noise.gone\n")
    assert run(capsys, str(first), str(second))[1] == 1
    assert len(engine_runs) == 2


def test_silent_runs_replay_their_exit_status(
    project: Path, capsys: pytest.CaptureFixture[str], engine_runs: list[object]
) -> None:
    assert run(capsys, "-qq", str(project)) == ("", 1)
    assert run(capsys, "-qq", str(project)) == ("", 1)
    assert run(capsys, "-qq", "--exit-zero", str(project)) == ("", 0)
    assert len(engine_runs) == 2
