"""``new``'s final check runs in a helper process forked at the start (checkahead).

Each test runs ``pkgforge new`` in a fresh interpreter (the helper is only forked
from a single-threaded process, and pytest's may not be one), through a small driver
that can disable the helper or make it fail, to compare with the check run in-process.
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

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the helper is forked on Linux")

DRIVER = """
import json, os, sys

mode = sys.argv[1]
import pkgforge.scaffold.checkahead as checkahead

if mode == "in-process":
    checkahead._can_fork = lambda: False
elif mode == "helper-dies":
    checkahead._serve = lambda request, reply_to: os._exit(3)
elif mode == "threads":
    import threading
    threading.Thread(target=__import__("time").sleep, args=(3,), daemon=True).start()

from pkgforge.cli import main

status = main(sys.argv[2:])
try:
    os.waitpid(-1, os.WNOHANG)
    unreaped = True
except ChildProcessError:
    unreaped = False
report = {
    "status": status,
    "checker_loaded_here": "pkgforge.checker.engine" in sys.modules,
    "unreaped_children": unreaped,
}
print("REPORT " + json.dumps(report))
"""


def run_new(work: Path, mode: str, *args: str) -> tuple[dict[str, object], str, str]:
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, mode, "new", *args],
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = proc.stdout.splitlines()
    reports = [line for line in lines if line.startswith("REPORT ")]
    assert reports, proc.stderr
    out = "\n".join(line for line in lines if not line.startswith("REPORT "))
    return json.loads(reports[0].removeprefix("REPORT ")), out, proc.stderr


def star_template(root: Path, *, tool_pkgforge: str = "") -> Path:
    """A template whose project has a finding (PF402, a star import) and logs a warning."""
    template = root / "star-template"
    project = template / "{{cookiecutter.project_name}}"
    package = project / "src" / "{{cookiecutter.import_name}}"
    package.mkdir(parents=True)
    (template / "cookiecutter.json").write_text(
        json.dumps({"project_name": "x", "import_name": "x"}), encoding="utf-8"
    )
    (project / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["setuptools>=77"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[project]\n"
        'name = "{{cookiecutter.project_name}}"\n'
        'version = "1.0"\n'
        'description = "x"\n'
        'requires-python = ">=3.11"\n'
        'license = "MIT"\n' + tool_pkgforge,
        encoding="utf-8",
    )
    (project / "README.md").write_text("x\n", encoding="utf-8")
    (project / "LICENSE").write_text("MIT\n", encoding="utf-8")
    (package / "__init__.py").write_text(
        '"""x."""\n\nfrom os.path import *  # noqa: F403\n', encoding="utf-8"
    )
    return template


def test_the_helper_runs_the_check_and_is_reaped(work: Path) -> None:
    report, out, err = run_new(work, "helper", "sound", "--no-input")
    assert report == {"status": 0, "checker_loaded_here": False, "unreaped_children": False}
    assert "Created sound/" in out
    assert "Traceback" not in err


def test_the_helper_s_findings_and_log_lines_are_those_of_an_in_process_check(
    work: Path, tmp_path: Path
) -> None:
    template = star_template(tmp_path)
    results = {}
    for mode in ("helper", "in-process"):
        target = work / mode
        target.mkdir()
        report, out, err = run_new(
            target, mode, "-v", "sound", "--template", str(template), "--no-input"
        )
        assert report["checker_loaded_here"] is (mode == "in-process")
        assert report["unreaped_children"] is False
        results[mode] = (report["status"], out, err)
    assert results["helper"] == results["in-process"]
    _status, out, err = results["helper"]
    assert "PF402" in out
    assert "parsing" in err  # the check's own debug line, replayed


def test_an_error_in_the_check_surfaces_as_it_does_in_process(work: Path, tmp_path: Path) -> None:
    template = star_template(tmp_path, tool_pkgforge="\n[tool.pkgforge]\nselect = 5\n")
    results = {}
    for mode in ("helper", "in-process"):
        target = work / mode
        target.mkdir()
        report, out, err = run_new(target, mode, "sound", "--template", str(template), "--no-input")
        assert report["checker_loaded_here"] is True  # the helper failed: checked here too
        assert report["unreaped_children"] is False
        assert list(target.iterdir()) == []  # nothing left behind
        results[mode] = (report["status"], out, err)
    assert results["helper"] == results["in-process"]
    status, _, err = results["helper"]
    assert status == 2
    assert "tool.pkgforge.select must be a list of strings" in err
    assert "Traceback" not in err


def test_a_helper_that_dies_means_the_check_runs_here(work: Path) -> None:
    report, out, _err = run_new(work, "helper-dies", "sound", "--no-input")
    assert report == {"status": 0, "checker_loaded_here": True, "unreaped_children": False}
    assert "Created sound/" in out


def test_a_failing_new_leaves_no_process_behind(work: Path, tmp_path: Path) -> None:
    # git (for the author's name) and the helper start first; a template that is not
    # one fails after that: both are reaped all the same.
    report, _, err = run_new(work, "helper", "sound", "--template", str(tmp_path / "nowhere"))
    assert report["status"] in {1, 2}
    assert report["unreaped_children"] is False
    assert "Traceback" not in err


def test_no_helper_is_forked_while_other_threads_run(work: Path) -> None:
    report, _, _ = run_new(work, "threads", "sound", "--no-input")
    assert report["status"] == 0
    assert report["checker_loaded_here"] is True


def test_the_warm_up_loads_every_module_the_check_of_a_new_project_uses(work: Path) -> None:
    script = """
import sys
from pathlib import Path
from pkgforge.scaffold import new_project
result = new_project("sound", no_input=True, run_check=False, modules=["effects.echo"])
from pkgforge.scaffold.checkahead import warm_up
warm_up()
before = set(sys.modules)
from pkgforge.scaffold.validate import check_project
assert check_project(result.project_dir) == ()
print(sorted(set(sys.modules) - before))
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=work, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[]"


INTERRUPT_DRIVER = """
import os, signal, sys, time
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)
marker = Path(sys.argv[1])
caller = os.getpid()

import pkgforge.scaffold.validate as validate
real_check = validate.check_project

def check_project(project_dir, **kwargs):
    if os.getpid() != caller:  # in the helper: the caller now waits for its reply
        marker.write_text(str(os.getpid()))
        time.sleep(120)
    return real_check(project_dir, **kwargs)

validate.check_project = check_project

from pkgforge.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_ctrl_c_while_the_helper_checks_stops_it_and_leaves_nothing(
    work: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    with subprocess.Popen(
        [sys.executable, "-c", INTERRUPT_DRIVER, str(marker), "new", "sound", "--no-input"],
        cwd=work,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        deadline = time.monotonic() + 120
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the helper never checked"
            time.sleep(0.05)
        helper = int(marker.read_text())
        os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C: the caller's group
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().endswith("error: interrupted"), err
    assert "Traceback" not in err
    assert list(work.iterdir()) == []
    with pytest.raises(ProcessLookupError):  # stopped and reaped by the caller
        os.kill(helper, 0)
