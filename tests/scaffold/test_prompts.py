"""Prompts of the real ``pkgforge new``, driven in a subprocess through its stdin: piped
answers are read as cookiecutter reads them, end of input cancels cleanly, and a stdin
with nothing to say never makes ``new`` wait."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import termios
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

# The default template asks, in this order (NAME decides project_name, project_slug and
# import_name): description, author_name, author_email, github_owner, url, license
# (a numbered choice), version, python_min.
PROMPTS = 8

NEW_SOUND = [sys.executable, "-m", "pkgforge", "new", "sound", "-o", "made/here"]


def pkgforge(*args: str, cwd: Path, stdin: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pkgforge", *args],
        cwd=cwd,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_piped_answers_are_read(work: Path) -> None:
    answers = ["Piped {{ 7*7 }} description", "José Müller", "", "", "", "2", "", "3.12"]
    proc = pkgforge("new", "sound", cwd=work, stdin="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "Created sound/" in proc.stdout
    project = tomllib.loads((work / "sound/pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == "Piped {{ 7*7 }} description"  # literal, as typed
    assert project["authors"] == [{"name": "José Müller", "email": "ada@example.org"}]
    assert project["license"] == "Apache-2.0"
    assert project["requires-python"] == ">=3.12"
    assert project["urls"]["Homepage"] == "https://github.com/jose-muller/sound"
    # Each prompt shows its human label, not the variable's name.
    for label in ("One-line description", "Author's name", "First version (PEP 440)"):
        assert label in proc.stdout


def test_set_values_are_not_asked(work: Path) -> None:
    answers = ["Piped", "", "", "", "", "", ""]  # seven: license comes from --set
    proc = pkgforge(
        "new", "sound", "--set", "license=BSD-3-Clause", cwd=work, stdin="\n".join(answers) + "\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert "License" not in proc.stdout
    project = tomllib.loads((work / "sound/pyproject.toml").read_text())["project"]
    assert project["license"] == "BSD-3-Clause"


def test_an_invalid_answer_is_asked_again(work: Path) -> None:
    answers = ["", "", "", "", "", "", "banana", "1.0", "2.7", "3.13"]
    proc = pkgforge("new", "sound", cwd=work, stdin="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "error: version: 'banana' is not a PEP 440 version" in proc.stderr
    assert "error: python_min: '2.7' is not a supported Python" in proc.stderr
    assert proc.stdout.count("First version (PEP 440)") == 2
    assert '__version__ = "1.0"' in (work / "sound/src/sound/__init__.py").read_text()


@pytest.mark.parametrize("answered", [1, PROMPTS - 1])
def test_end_of_piped_answers_cancels_and_leaves_nothing(work: Path, answered: int) -> None:
    stdin = "".join(f"{answer}\n" for answer in ["Piped", "", "", "", "", "", ""][:answered])
    proc = pkgforge("new", "sound", "-o", "made/here", cwd=work, stdin=stdin)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.startswith("error: cancelled at the '")
    assert "(end of input); nothing was made" in proc.stderr
    assert "Traceback" not in proc.stderr and "EOFError" not in proc.stderr
    assert list(work.iterdir()) == []


def test_ctrl_d_at_a_terminal_prompt_cancels_and_leaves_nothing(work: Path) -> None:
    import os
    import pty

    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            NEW_SOUND,
            cwd=work,
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            os.write(controller, b"\x04")  # Ctrl-D on an empty line: end of input
            out, err = proc.communicate(timeout=120)
    finally:
        os.close(controller)
        os.close(terminal)
    assert proc.returncode == 130, err
    assert "One-line description" in out
    assert err.startswith("error: cancelled at the 'description' prompt (end of input)")
    assert list(work.iterdir()) == []


def _as_a_terminal_session() -> None:
    """Make the pty on stdin the child's controlling terminal, as a shell's would be:
    then Ctrl-C typed there is a SIGINT (and echoed as ^C). Runs in the forked child:
    it imports nothing (another thread may hold the import lock)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (b"\x04", "error: cancelled at the 'description' prompt (end of input)"),
        (b"\x03", "error: interrupted"),
    ],
)
def test_a_cancel_message_starts_on_its_own_line_at_a_terminal(
    work: Path, key: bytes, error: str
) -> None:
    import os
    import pty

    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            NEW_SOUND,
            cwd=work,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            preexec_fn=_as_a_terminal_session,  # noqa: PLW1509 - before exec, no threads
        ) as proc:
            os.close(terminal)
            terminal = -1
            try:
                # the whole prompt: "One-line description (A Python package.): "
                seen = _read_until(controller, b"One-line description", time.monotonic() + 120)
                while not seen.endswith(b": "):
                    seen += _read_until(controller, b"", time.monotonic() + 120)
            except BaseException:
                proc.kill()
                raise
            os.write(controller, key)
            while True:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # EIO: the child has gone, and the terminal with it
                    break
                if not chunk:
                    break
                seen += chunk
            proc.wait(timeout=120)
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert proc.returncode == 130, seen
    lines = seen.decode(errors="replace").replace("\r\n", "\n").splitlines()
    assert any(line.startswith(error) for line in lines), lines
    assert list(work.iterdir()) == []


def test_no_stdin_takes_the_defaults_without_asking(work: Path) -> None:
    proc = pkgforge("new", "sound", cwd=work, stdin=None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Created sound/")
    assert "description" not in proc.stdout


WAITING = (
    "warning: waiting for answers on stdin (a pipe that has sent nothing yet); "
    "pass --no-input to take the defaults"
)


def _read_until(stream: Any, wanted: bytes, deadline: float) -> bytes:
    """Read a pipe (or a file descriptor) until ``wanted`` has come."""
    import os
    import select

    fd = stream if isinstance(stream, int) else stream.fileno()
    seen = b""
    while wanted not in seen or not seen:
        assert time.monotonic() < deadline, seen
        if select.select([fd], [], [], 0.5)[0]:
            chunk = os.read(fd, 4096)
            assert chunk, seen
            seen += chunk
    return seen


def test_answers_piped_late_are_read(work: Path) -> None:
    # The answers come 0.5 s after new looks at stdin (it used to wait 0.1 s, then take
    # the defaults): before the notice, so nothing is said about waiting.
    answers = ["Late description", "", "", "", "", "", "", ""]
    with subprocess.Popen(
        [sys.executable, "-m", "pkgforge", "new", "sound", "--debug"],
        cwd=work,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        seen = _read_until(proc.stderr, b"reading the answers from it", time.monotonic() + 120)
        time.sleep(0.5)
        proc.stdin.write("".join(f"{a}\n" for a in answers).encode())
        proc.stdin.close()
        err = seen + proc.stderr.read()
        proc.stdout.read()
        proc.wait(timeout=120)
    assert proc.returncode == 0, err
    assert b"waiting for answers" not in err
    project = tomllib.loads((work / "sound/pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["description"] == "Late description"


@pytest.mark.parametrize("answered", [True, False])
def test_a_silent_pipe_is_waited_for_and_said_once(work: Path, answered: bool) -> None:
    # CI runners may hand over a pipe that nobody writes to: after 2 s new says it waits,
    # once, and how not to; answers that come later are read, a pipe closed unanswered
    # takes the defaults.
    with subprocess.Popen(
        [sys.executable, "-m", "pkgforge", "new", "sound"],
        cwd=work,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None and proc.stderr is not None
        started = time.monotonic()
        seen = _read_until(proc.stderr, b"--no-input to take the defaults", started + 120)
        assert time.monotonic() - started >= 2.0
        time.sleep(1.0)  # it keeps waiting, and says it no more
        if answered:
            proc.stdin.write(b"After the notice\n" + b"\n" * (PROMPTS - 1))
        proc.stdin.close()
        assert proc.stdout is not None
        out, err = proc.stdout.read(), seen + proc.stderr.read()
        proc.wait(timeout=120)
    assert proc.returncode == 0, err
    assert err.decode().splitlines().count(WAITING) == 1
    assert out.decode().startswith("Created sound/") != answered  # prompts come first
    description = tomllib.loads((work / "sound/pyproject.toml").read_text())["project"]
    expected = "After the notice" if answered else "A Python package."
    assert description["description"] == expected


def _interruptible() -> None:
    """Whoever runs the tests may ignore SIGINT (a background job does) and a child
    inherits that; a user's terminal does not."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_at_a_prompt_leaves_nothing(work: Path) -> None:
    import os
    import select
    import signal

    with subprocess.Popen(
        NEW_SOUND,
        cwd=work,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_interruptible,  # noqa: PLW1509 - only resets a signal, before exec
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(b"Piped\n")
        proc.stdin.flush()
        seen = b""
        deadline = time.monotonic() + 120
        while b"Author's name" not in seen:  # answered the first, now waits at the second
            assert time.monotonic() < deadline, seen
            if not select.select([proc.stdout], [], [], 1)[0]:
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, proc.stderr.read()
            seen += chunk
        os.killpg(proc.pid, signal.SIGINT)
        err = proc.stderr.read().decode()
        proc.stdin.close()
        proc.wait(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().endswith("error: interrupted")
    assert list(work.iterdir()) == []


def test_at_a_terminal_the_name_verdict_comes_before_the_first_prompt(work: Path) -> None:
    # Asked for answers, the user hears first that the name is taken, and may stop there.
    import pty

    from tests.localindex import static_index

    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PKGFORGE_OFFLINE"))}
    try:
        with (
            static_index(["sound"]) as index,
            subprocess.Popen(
                [*NEW_SOUND, "--index-url", index.url],
                cwd=work,
                env=env,
                stdin=terminal,
                stdout=terminal,
                stderr=terminal,
                preexec_fn=_as_a_terminal_session,  # noqa: PLW1509 - before exec, no threads
            ) as proc,
        ):
            os.close(terminal)
            terminal = -1
            try:
                seen = _read_until(controller, b"One-line description", time.monotonic() + 120)
            finally:
                proc.kill()
            proc.wait(timeout=120)
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    text = seen.decode(errors="replace")
    taken = text.find("the name 'sound' is taken on ")
    assert 0 <= taken < text.index("One-line description"), text
