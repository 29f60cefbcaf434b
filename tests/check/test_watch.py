"""``check --watch``: a check after every change, the screen cleared as ruff clears it,
Ctrl-C ends it as a shell sees ruff's end (130), and --fix is refused with it."""

from __future__ import annotations

import argparse
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import CheckResult, check
from pkgforge.checker.watch import watched
from pkgforge.cli import _build_parser
from pkgforge.commands import check as check_command
from pkgforge.errors import ConfigError, UsageError


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"src/sound/__init__.py": '__all__ = ["echo"]\n', "src/sound/echo.py": ""})


def _later(action: Callable[[], object], seconds: float = 0.4) -> threading.Thread:
    """Run ``action`` once the watcher has started (it starts after the first check)."""

    def later() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=later, daemon=True)
    thread.start()
    return thread


def test_each_batch_of_changes_is_checked_again(project: Path) -> None:
    stop = threading.Event()
    updates = watched([project], lambda: check([project]), stop=stop)
    first = next(updates)
    assert first.changed == ()
    assert first.result is not None
    assert not first.result.findings
    echo = project / "src/sound/echo.py"
    _later(lambda: echo.write_text("from os import *\n", encoding="utf-8"))
    second = next(updates)
    assert str(echo) in second.changed
    assert second.result is not None
    assert [f.code for f in second.result.findings] == ["PF402"]
    stop.set()
    assert next(updates, None) is None


def test_the_cache_it_writes_starts_no_check(project: Path) -> None:
    stop = threading.Event()
    runs: list[float] = []

    def run() -> CheckResult:
        runs.append(time.monotonic())
        return check([project])

    updates = watched([project], run, stop=stop)
    next(updates)
    _later(lambda: (project / "src/sound/echo.py").write_text("X = 1\n", encoding="utf-8"))
    next(updates)
    # the second check wrote the cache; a third check would come within the second
    _later(stop.set, 1.0)
    assert next(updates, None) is None
    assert len(runs) == 2


def test_a_broken_configuration_is_reported_and_the_watch_goes_on(project: Path) -> None:
    stop = threading.Event()
    updates = watched([project], lambda: check([project]), stop=stop)
    next(updates)
    pyproject = project / "pyproject.toml"
    good = pyproject.read_text(encoding="utf-8")
    _later(lambda: pyproject.write_text(good + "[tool.pkgforge]\nselect = 3\n", encoding="utf-8"))
    broken = next(updates)
    assert isinstance(broken.error, ConfigError)
    _later(lambda: pyproject.write_text(good, encoding="utf-8"))
    fixed = next(updates)
    assert fixed.error is None
    assert fixed.result is not None
    stop.set()


def _args(*argv: str) -> argparse.Namespace:
    args: argparse.Namespace = _build_parser("check").parse_args(["check", *argv])
    return args


def test_watch_with_fix_is_refused() -> None:
    args = _args("--watch", ".")
    args.fix = True  # `--fix` comes from another change; the combination is refused here
    with pytest.raises(UsageError, match="--watch cannot be used with --fix"):
        check_command.run(args, logging.getLogger("pkgforge"))


def test_watch_on_a_wheel_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "sound-1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    with pytest.raises(UsageError, match="--watch checks projects"):
        check_command.run(_args("--watch", str(wheel)), logging.getLogger("pkgforge"))


def _read_until(process: subprocess.Popen[bytes], marker: bytes, seconds: float) -> bytes:
    assert process.stdout is not None
    seen = b""
    end = time.monotonic() + seconds
    while marker not in seen and time.monotonic() < end:
        ready, _, _ = select.select([process.stdout], [], [], 0.05)
        if ready:
            seen += os.read(process.stdout.fileno(), 65536)
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group")
def test_the_command_clears_the_screen_prints_each_check_and_ends_on_ctrl_c(
    project: Path,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pkgforge", "check", "--watch", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        first = _read_until(process, b"Watching for file changes", 60)
        assert first.startswith(b"\x1b[H\x1b[2J\x1b[3J[")
        assert b"Starting check in watch mode..." in first
        assert b"All checks passed" in first
        (project / "src/sound/echo.py").write_text("from os import *\n", encoding="utf-8")
        second = _read_until(process, b"Watching for file changes", 30)
        assert b"\x1b[H\x1b[2J\x1b[3J" in second
        assert b"File change detected..." in second
        assert b"PF402" in second
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert err == b""  # no traceback, no "interrupted"
