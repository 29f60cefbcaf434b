"""Uploads show progress on a terminal, and stay quiet in CI, when piped and with -q."""

from __future__ import annotations

import errno
import os
import pty
import select
import subprocess
import sys
import time

import pytest

from pkgforge.release.publish import publish

BAR = "━"  # rich's bar; a run without a bar never prints it


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``argv`` with stdin, stdout and stderr on a pseudo-terminal; return (status, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not select.select([master], [], [], 1.0)[0]:
            continue
        try:
            chunk = os.read(master, 1 << 16)
        except OSError as err:  # EIO: the child closed the terminal
            if err.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    if proc.poll() is None:
        proc.kill()
    status = proc.wait(timeout=30)
    return status, b"".join(chunks).decode("utf-8", "replace")


def _env(local_index, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "NO_COLOR", "TERM"}}
    env.update(TERM="xterm-256color", COLUMNS="120", **extra)
    return env


def _argv(project, local_index, *extra: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        sys.executable,
        "-m",
        "pkgforge",
        *extra,
        "publish",
        str(project),
        "--repository-url",
        local_index.url,
    ]


def test_progress_bar_on_a_terminal(build_project, local_index, credentials, unique_name) -> None:
    project = build_project(unique_name)
    wheel = next((project / "dist").glob("*.whl")).name
    status, output = _on_a_terminal(_argv(project, local_index), _env(local_index))
    assert status == 0, output
    assert BAR in output and "100%" in output, output
    bar_lines = [line for line in output.splitlines() if BAR in line]
    assert any(wheel in line for line in bar_lines), output
    assert "2 files verified" in output


@pytest.mark.parametrize(
    ("extra", "env"),
    [([], {"CI": "true"}), (["-q"], {})],
    ids=["CI", "quiet"],
)
def test_no_progress_bar_in_ci_or_with_quiet(
    build_project, local_index, credentials, unique_name, extra, env
) -> None:
    project = build_project(unique_name)
    status, output = _on_a_terminal(_argv(project, local_index, *extra), _env(local_index, **env))
    assert status == 0, output
    assert BAR not in output and "100%" not in output, output


def test_no_progress_bar_when_piped(
    run_pkgforge, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    done = run_pkgforge(
        "publish", str(project), "--repository-url", local_index.url, env={"TERM": "xterm"}
    )
    assert done.returncode == 0, done.stderr
    assert BAR not in done.stdout + done.stderr
    assert "\x1b[" not in done.stdout + done.stderr


def test_library_reports_progress_per_file(
    build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    seen: dict[str, list[tuple[int, int]]] = {}

    def progress(filename: str, sent: int, total: int) -> None:
        seen.setdefault(filename, []).append((sent, total))

    result = publish(project, repository_url=local_index.url, progress=progress)
    assert set(seen) == {f.filename for f in result.files}
    for steps in seen.values():
        sent, total = steps[-1]
        assert sent == total > 0
        assert [s for s, _ in steps] == sorted(s for s, _ in steps)


def test_a_silent_index_shows_the_time_waited_against_the_timeout(
    build_project, silent_index, credentials, unique_name
) -> None:
    import re

    project = build_project(unique_name)
    argv = [sys.executable, "-m", "pkgforge", "publish", str(project)]
    argv += ["--repository-url", silent_index, "--timeout", "3"]
    status, output = _on_a_terminal(argv, _env(None))
    assert status == 1, output
    host = silent_index.removeprefix("http://").rstrip("/")
    shown = re.findall(rf"waiting for {re.escape(host)}: (\d) s of 3 s \(--timeout\)", output)
    assert shown and {"1", "2"} <= set(shown), output  # it counts while it waits
    assert "did not answer" in output or "timed out" in output or "no answer" in output, output


def test_a_silent_index_is_not_counted_off_a_terminal(
    run_pkgforge, build_project, silent_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    done = run_pkgforge("publish", str(project), "--repository-url", silent_index, "--timeout", "2")
    assert done.returncode == 1, done.stderr
    assert "waiting for" not in done.stdout + done.stderr
