"""Ctrl-C at any point of a real ``pkgforge new`` leaves nothing behind and exits 130.

The command runs in a subprocess that pauses at a chosen point (the test patches that
step to write a marker file and sleep); the test waits for the marker, then sends
SIGINT to the process group, as a terminal's Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

DRIVER = """
import signal, sys, time
from pathlib import Path

# Whoever runs the tests may ignore SIGINT (a background job does) and a child inherits
# that; a user's terminal does not.
signal.signal(signal.SIGINT, signal.default_int_handler)

point, marker = sys.argv[1], Path(sys.argv[2])

def pause():
    marker.write_text("paused")
    time.sleep(120)

if point == "render":
    import cookiecutter.generate as generate
    real_file, calls = generate.generate_file, []
    def generate_file(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            pause()
        return real_file(*args, **kwargs)
    generate.generate_file = generate_file
elif point == "modules":
    import pkgforge.scaffold.project as project
    real_plan = project.write_plan
    def write_plan(plan):
        real_plan(plan)
        pause()
    project.write_plan = write_plan
elif point == "check":
    import pkgforge.scaffold.validate as validate
    real_check = validate.check_project
    def check_project(project_dir, **kwargs):
        assert (project_dir / "pyproject.toml").is_file()  # already moved into place
        pause()
        return real_check(project_dir, **kwargs)
    validate.check_project = check_project

from pkgforge.cli import main
sys.exit(main(sys.argv[3:]))
"""


def interrupt_new(work: Path, marker: Path, point: str, *args: str) -> tuple[int, str]:
    """Run ``pkgforge new`` paused at ``point``, Ctrl-C it there; (exit status, stderr)."""
    with subprocess.Popen(
        [sys.executable, "-c", DRIVER, point, str(marker), "new", *args],
        cwd=work,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, to send Ctrl-C to
    ) as proc:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "never reached the pause"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.parametrize("point", ["render", "modules", "check"])
def test_ctrl_c_leaves_nothing_behind(work: Path, tmp_path: Path, point: str) -> None:
    marker = tmp_path / "marker"
    status, err = interrupt_new(
        work, marker, point, "sound", "-o", "made/here", "--no-input", "--module", "effects.echo"
    )
    assert status == 130, err
    assert err.strip().endswith("error: interrupted"), err
    assert "Traceback" not in err
    assert list(work.iterdir()) == []


def test_ctrl_c_during_the_final_check_keeps_an_empty_target_folder(
    work: Path, tmp_path: Path
) -> None:
    # An existing empty folder is used as the project folder; Ctrl-C gives it back empty.
    (work / "sound").mkdir()
    status, err = interrupt_new(work, tmp_path / "marker", "check", "sound", "--no-input")
    assert status == 130, err
    assert [p.name for p in work.iterdir()] == ["sound"]
    assert list((work / "sound").iterdir()) == []


def test_ctrl_c_in_a_template_hook_leaves_nothing_behind(work: Path, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    template = tmp_path / "hooked"
    (template / "{{cookiecutter.project_name}}").mkdir(parents=True)
    (template / "{{cookiecutter.project_name}}/README.md").write_text("hi\n")
    (template / "cookiecutter.json").write_text(json.dumps({"project_name": "x"}))
    (template / "hooks").mkdir()
    (template / "hooks/post_gen_project.py").write_text(
        f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('hook')\ntime.sleep(120)\n"
    )
    status, err = interrupt_new(
        work, marker, "none", "sound", "--template", str(template), "--no-input"
    )
    assert status == 130, err
    assert list(work.iterdir()) == []
