"""``check --import``: real interpreters import the project, one fresh process per module."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from pkgforge.checker.engine import check, load_project
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.importing.failures import FailureKind
from pkgforge.checker.importing.plan import ImportRun
from pkgforge.checker.importing.project import import_check
from pkgforge.errors import UsageError

from .conftest import write_tree

RunCli = Callable[..., tuple[int, str, str]]
MakeProject = Callable[..., Path]

PYPROJECT = """\
[project]
name = "sound-{tag}"
version = "1.0"
requires-python = ">=3.11"
{extra}
"""


def pyproject(extra: str = "") -> str:
    # A name nothing installs, so pkgforge's own environment is never "the project's".
    return PYPROJECT.format(tag="pkgforge-import-test", extra=extra)


@pytest.fixture(autouse=True)
def no_active_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests choose the interpreter; the shell that runs them must not."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("CONDA_PREFIX", raising=False)


def make_venv(path: Path) -> Path:
    """A real virtual environment with nothing installed (no pip: fast)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def run(
    make_project: MakeProject,
    files: Mapping[str, str],
    *,
    extra: str = "",
    python: str | os.PathLike[str] | None = sys.executable,
) -> tuple[Finding, ...]:
    root = make_project(
        {"src/sound/__init__.py": '"""Sound."""\n', **files}, pyproject=pyproject(extra)
    )
    return check(
        [root], select=["PF412"], use_cache=False, run_imports=True, python=python
    ).findings


def only(findings: tuple[Finding, ...]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# -- what a failure is -----------------------------------------------------------


def test_module_that_raises_on_purpose_is_a_warning_at_its_line(
    make_project: MakeProject,
) -> None:
    finding = only(
        run(make_project, {"src/sound/echo.py": "X = 1\n\nraise RuntimeError('boom')\n"})
    )
    assert (finding.path, finding.line, finding.severity) == (
        "src/sound/echo.py",
        3,
        Severity.WARNING,
    )
    assert finding.message.startswith("`import sound.echo` fails: RuntimeError: boom; raised by ")
    assert finding.module == "sound.echo"


def test_import_the_machinery_refuses_is_an_error_at_its_line(make_project: MakeProject) -> None:
    files = {"src/sound/echo.py": "X = 1\nfrom json import nothing_here\n"}
    finding = only(run(make_project, files))
    assert (finding.path, finding.line, finding.severity) == (
        "src/sound/echo.py",
        2,
        Severity.ERROR,
    )


def test_module_that_imports_fine_has_no_finding(make_project: MakeProject) -> None:
    assert run(make_project, {"src/sound/echo.py": "import json\nVALUE = json.dumps(1)\n"}) == ()


def test_failure_names_the_innermost_project_frame(make_project: MakeProject) -> None:
    # A private module's own failure is a warning; the public module it breaks is an error
    # of its own, naming where the failure was raised and the imports that reached it.
    findings = run(
        make_project,
        {
            "src/sound/echo.py": "import os\nfrom sound import _effects\n",
            "src/sound/_effects.py": "A = 1\nB = 2\nfrom json import nothing_here\n",
        },
    )
    effects, echo = sorted(findings, key=lambda f: f.path)
    assert (effects.path, effects.line, effects.severity) == (
        "src/sound/_effects.py",
        3,
        Severity.WARNING,
    )
    assert (echo.path, echo.line, echo.severity) == ("src/sound/echo.py", 2, Severity.ERROR)
    assert (
        "(raised at src/sound/_effects.py:3; imports: sound.echo -> sound._effects)" in echo.message
    )


def test_one_root_cause_is_reported_once(make_project: MakeProject) -> None:
    files = {
        "src/sound/echo.py": "import os\nfrom sound import effects\n",
        "src/sound/effects.py": "A = 1\nB = 2\nC = A / 0\n",
    }
    finding = only(run(make_project, files))
    assert (finding.path, finding.line) == ("src/sound/effects.py", 3)
    assert finding.message.endswith("so does the import of 1 module: sound.echo")


def test_frame_inside_a_dependency_is_named(make_project: MakeProject) -> None:
    # json.loads raises inside the standard library: the innermost frame is outside the project.
    finding = only(run(make_project, {"src/sound/echo.py": "import json\njson.loads('{')\n"}))
    assert finding.line == 2
    assert "JSONDecodeError" in finding.message
    assert "(raised in " in finding.message and "json/" in finding.message


def test_sys_exit_at_import_is_a_warning(make_project: MakeProject) -> None:
    finding = only(run(make_project, {"src/sound/echo.py": "import sys\nsys.exit(3)\n"}))
    assert (finding.line, finding.severity) == (2, Severity.WARNING)
    assert "SystemExit: 3; it exits on purpose when imported" in finding.message


def test_keyboard_interrupt_raised_by_a_module_is_a_warning(make_project: MakeProject) -> None:
    finding = only(run(make_project, {"src/sound/echo.py": "raise KeyboardInterrupt\n"}))
    assert finding.severity is Severity.WARNING
    assert "KeyboardInterrupt" in finding.message


def test_interpreter_that_dies_is_a_warning(make_project: MakeProject) -> None:
    finding = only(run(make_project, {"src/sound/echo.py": "import os\nos._exit(7)\n"}))
    assert finding.severity is Severity.WARNING
    assert "the interpreter exited with status 7 before the import finished" in finding.message


def test_syntax_error_points_at_its_line(make_project: MakeProject) -> None:
    files = {"src/sound/echo.py": "X = 1\ndef f(:\n    pass\n"}
    (finding,) = [f for f in run(make_project, files) if f.code == "PF412"]
    assert (finding.line, finding.severity) == (2, Severity.ERROR)
    assert "SyntaxError" in finding.message


@pytest.mark.slow
def test_module_that_hangs_is_a_warning_not_a_hang(make_project: MakeProject) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/hang.py": "import time\nwhile True:\n    time.sleep(1)\n",
            "src/sound/spawns.py": (
                "import subprocess, sys, time\n"
                "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
                "time.sleep(60)\n"
            ),
        },
        pyproject=pyproject(),
    )
    started = time.monotonic()
    result = import_check(load_project(root, use_cache=False), sys.executable, timeout=2)
    assert time.monotonic() - started < 20
    assert [(f.module, f.kind) for f in result.failures] == [
        ("sound.hang", FailureKind.TIMEOUT),
        ("sound.spawns", FailureKind.TIMEOUT),
    ]
    assert result.failures[0].error == "import did not finish within 2 s"


def test_thread_left_running_does_not_hang_the_child(make_project: MakeProject) -> None:
    files = {
        "src/sound/echo.py": (
            "import threading, time\nthreading.Thread(target=time.sleep, args=(600,)).start()\n"
        )
    }
    started = time.monotonic()
    assert run(make_project, files) == ()
    assert time.monotonic() - started < 60


def test_each_module_is_imported_in_a_fresh_interpreter(make_project: MakeProject) -> None:
    # In one shared interpreter, `a` would run before `z` and break it.
    files = {
        "src/sound/a.py": "import builtins\nbuiltins.SOUND_SEEN = True\n",
        "src/sound/z.py": "import builtins\nassert not hasattr(builtins, 'SOUND_SEEN')\n",
    }
    assert run(make_project, files) == ()


def test_main_guard_does_not_run_and_dunder_main_is_skipped(make_project: MakeProject) -> None:
    files = {
        "src/sound/echo.py": "if __name__ == '__main__':\n    raise SystemExit('ran')\n",
        "src/sound/__main__.py": "raise SystemExit('the program ran')\n",
    }
    assert run(make_project, files) == ()


def test_test_suites_are_warnings_and_files_outside_packages_are_not_imported(
    make_project: MakeProject,
) -> None:
    files = {
        "src/sound/tests/__init__.py": "",
        "src/sound/tests/test_echo.py": "from json import fixture_of_a_plugin\n",
        "src/sound/conftest.py": "from json import fixture_of_a_plugin\n",
        "tests/test_sound.py": "raise RuntimeError('not package code')\n",
        "setup.py": "raise RuntimeError('not package code')\n",
        "src/sound/testing.py": "from json import public_api_like_numpy_testing\n",
    }
    assert [(f.path, f.severity) for f in run(make_project, files)] == [
        ("src/sound/conftest.py", Severity.WARNING),
        ("src/sound/testing.py", Severity.ERROR),
        ("src/sound/tests/test_echo.py", Severity.WARNING),
    ]


def test_output_printed_by_a_module_does_not_corrupt_the_report(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/loud.py": (
                "import os, sys\nprint('{\"hello\": 1}')\nos.write(1, b'RAW\\n')\n"
                "sys.stderr.write('NOISE\\n')\nsys.stdout = None\n"
            ),
            "src/sound/broken.py": "print('before')\nfrom json import after_printing\n",
        },
        pyproject=pyproject(),
    )
    command = ["check", str(root), "--select", "PF412", "--import", "--python", sys.executable]
    completed = subprocess.run(
        [sys.executable, "-m", "pkgforge", *command, "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)  # nothing but the report on stdout
    assert [f["path"] for f in report["findings"]] == ["src/sound/broken.py"]
    assert "NOISE" not in completed.stderr and "RAW" not in completed.stderr


def test_no_bytecode_is_written_into_the_project(make_project: MakeProject) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/echo.py": "from sound import fx\n"}
        | {"src/sound/fx.py": "X = 1\n"},
        pyproject=pyproject(),
    )
    check([root], select=["PF412"], use_cache=False, run_imports=True, python=sys.executable)
    assert not list(root.rglob("__pycache__"))


def test_package_init_failure_is_reported_once(make_project: MakeProject) -> None:
    files = {
        "src/sound/effects/__init__.py": "raise ValueError('broken package')\n",
        "src/sound/effects/echo.py": "X = 1\n",
        "src/sound/effects/surround/__init__.py": "",
        "src/sound/effects/surround/wide.py": "X = 1\n",
    }
    finding = only(run(make_project, files))
    assert finding.path == "src/sound/effects/__init__.py"
    assert finding.message.endswith(
        "so does the import of 3 modules: sound.effects.echo, sound.effects.surround, "
        "sound.effects.surround.wide"
    )


def test_checked_source_wins_over_an_installed_copy(
    make_project: MakeProject, tmp_path: Path
) -> None:
    venv = make_venv(tmp_path / "env")
    (site,) = venv.glob("lib/python3*/site-packages")
    write_tree(site, {"sound/__init__.py": "raise RuntimeError('the installed copy ran')\n"})
    assert run(make_project, {"src/sound/echo.py": "X = 1\n"}, python=venv) == ()


def test_package_dir_mount_is_imported_from_its_directory(make_project: MakeProject) -> None:
    extra = '[tool.setuptools]\npackage-dir = {acme = "lib/acme_src"}\npackages = ["acme"]\n'
    root = make_project(
        {
            "lib/acme_src/__init__.py": "from acme import tools\n",
            "lib/acme_src/tools.py": "X = 1\n",
            "lib/acme_src/broken.py": "raise LookupError('mounted')\n",
        },
        pyproject=pyproject(extra),
    )
    findings = check(
        [root], select=["PF412"], use_cache=False, run_imports=True, python=sys.executable
    ).findings
    assert [(f.path, f.line) for f in findings] == [("lib/acme_src/broken.py", 1)]


# -- the environment decides, not the code ------------------------------------------


@pytest.mark.slow
def test_venv_without_a_declared_dependency_warns(
    make_project: MakeProject, tmp_path: Path
) -> None:
    # `packaging` is installed where pkgforge runs, not in the bare venv: the run must use the venv.
    files = {"src/sound/echo.py": "import packaging\n"}
    extra = 'dependencies = ["packaging>=20"]'
    venv = make_venv(tmp_path / "env")
    finding = only(run(make_project, files, extra=extra, python=venv))
    assert (finding.line, finding.severity) == (1, Severity.WARNING)
    assert "No module named 'packaging'" in finding.message
    assert "declared dependency packaging, which this environment lacks" in finding.message


@pytest.mark.slow
def test_undeclared_module_the_top_level_import_reaches_is_an_error(
    make_project: MakeProject, tmp_path: Path
) -> None:
    venv = make_venv(tmp_path / "env")
    files = {"src/sound/__init__.py": "import packaging\n"}
    finding = only(run(make_project, files, python=venv))
    assert finding.severity is Severity.ERROR
    assert "no declared dependency provides `packaging` (it is the top-level package)" in (
        finding.message
    )


@pytest.mark.slow
def test_undeclared_module_nothing_reaches_is_an_optional_integration(
    make_project: MakeProject, tmp_path: Path
) -> None:
    venv = make_venv(tmp_path / "env")
    finding = only(run(make_project, {"src/sound/echo.py": "import packaging\n"}, python=venv))
    assert finding.severity is Severity.WARNING
    assert "an optional integration: no declared dependency provides `packaging`" in (
        finding.message
    )


def test_missing_extra_is_a_warning(make_project: MakeProject) -> None:
    extra = '[project.optional-dependencies]\nfast = ["ujson-never-installed>=5"]'
    finding = only(
        run(make_project, {"src/sound/echo.py": "import ujson_never_installed\n"}, extra=extra)
    )
    assert finding.severity is Severity.WARNING
    assert "(extra 'fast'), which this environment lacks" in finding.message


def test_raise_import_error_from_a_missing_extra_is_a_warning(make_project: MakeProject) -> None:
    extra = '[project.optional-dependencies]\nfast = ["ujson-never-installed>=5"]'
    source = (
        "try:\n    import ujson_never_installed\nexcept ImportError as err:\n"
        "    raise ImportError('pip install sound[fast]') from err\n"
    )
    finding = only(run(make_project, {"src/sound/echo.py": source}, extra=extra))
    assert (finding.line, finding.severity) == (4, Severity.WARNING)


def test_project_module_the_build_may_make_is_info(make_project: MakeProject) -> None:
    files = {
        "src/sound/echo.py": "from sound._speedups import mix\n",
        "src/sound/fx.py": "from . import _native\n",
        "src/sound/ver.py": "from ._version import version\n",
    }
    findings = run(make_project, files)
    assert [(f.path, f.severity) for f in findings] == [
        ("src/sound/echo.py", Severity.INFO),
        ("src/sound/fx.py", Severity.INFO),
        ("src/sound/ver.py", Severity.INFO),
    ]
    assert "build the project in place" in findings[0].message


def test_name_missing_from_a_project_module_is_an_error(make_project: MakeProject) -> None:
    files = {
        "src/sound/echo.py": "from sound.fx import LOUD\n",
        "src/sound/fx.py": "import sys\nif sys.version_info < (3,):\n    LOUD = 1\n",
    }
    finding = only(run(make_project, files))
    assert (finding.path, finding.severity) == ("src/sound/echo.py", Severity.ERROR)
    assert "cannot import name 'LOUD'" in finding.message


# -- finding the interpreter ---------------------------------------------------------


@pytest.mark.slow
def test_project_venv_is_found(make_project: MakeProject) -> None:
    root = make_project(
        {"src/sound/__init__.py": "import packaging\n"},
        pyproject=pyproject('dependencies = ["packaging"]'),
    )
    make_venv(root / ".venv")
    result = _imports(root)
    assert result.interpreter.executable == root / ".venv" / "bin" / "python"
    assert result.interpreter.origin == "the project's .venv/"
    # pkgforge's own environment has packaging; the project's .venv does not.
    assert [f.missing for f in result.failures] == ["packaging"]


@pytest.mark.slow
def test_project_venv_directory_named_venv_is_found(make_project: MakeProject) -> None:
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject())
    make_venv(root / "venv")
    assert _imports(root).interpreter.executable == root / "venv" / "bin" / "python"


@pytest.mark.slow
def test_virtual_env_is_used(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject())
    venv = make_venv(tmp_path / "active")
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    result = _imports(root)
    assert result.interpreter.executable == venv / "bin" / "python"
    assert result.interpreter.origin == f"the active environment (VIRTUAL_ENV={venv})"


def test_no_environment_is_a_usage_error(make_project: MakeProject) -> None:
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject())
    with pytest.raises(UsageError, match="needs the project's Python environment") as raised:
        _imports(root)
    assert raised.value.hint is not None and "--python" in raised.value.hint


def test_pkgforge_own_python_when_the_project_is_installed_there(
    make_project: MakeProject,
) -> None:
    # `packaging` is installed in pkgforge's environment: that environment is the project's.
    root = make_project(
        {"src/sound/__init__.py": ""},
        pyproject='[project]\nname = "packaging"\nversion = "1"\n',
    )
    result = _imports(root)
    assert result.interpreter.executable == Path(sys.executable)
    assert "pkgforge's own Python" in result.interpreter.origin


def test_interpreter_outside_requires_python_is_a_usage_error(make_project: MakeProject) -> None:
    root = make_project(
        {"src/sound/__init__.py": ""},
        pyproject='[project]\nname = "sound-x"\nversion = "1"\nrequires-python = ">=3.99"\n',
    )
    with pytest.raises(UsageError, match=r"requires-python '>=3\.99' does not allow"):
        _imports(root, sys.executable)


def _imports(root: Path, python: str | None = None) -> ImportRun:
    return import_check(load_project(root, use_cache=False), python)


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    return make_project(
        {"src/sound/__init__.py": "", "src/sound/echo.py": "from json import boom\n"},
        pyproject=pyproject(),
    )


def test_cli_import_with_python(run_cli: RunCli, project: Path) -> None:
    status, out, err = run_cli(
        "check", str(project), "--import", "--python", sys.executable, "--select", "PF412"
    )
    assert status == 1, err
    assert (
        "PF412 [import-failed] `import sound.echo` fails: ImportError: cannot import name " in out
    )
    assert f"at {sys.executable} (--python {sys.executable})" in err


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("/no/such/python", "error: --python /no/such/python: no such file or directory"),
        ("no-such-python-command", "no such file or directory"),
        (".", "a directory with no Python interpreter in it"),
        ("/bin/true", "does not run as Python"),
    ],
)
def test_cli_bad_python_is_one_line_and_exit_two(
    run_cli: RunCli, project: Path, python: str, expected: str
) -> None:
    status, out, err = run_cli("check", str(project), "--import", "--python", python)
    assert status == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [err.splitlines()[0]]


def test_cli_python_needs_import(run_cli: RunCli, project: Path) -> None:
    status, _, err = run_cli("check", str(project), "--python", sys.executable)
    assert status == 2
    assert "--python only applies with --import" in err


def test_cli_no_environment(run_cli: RunCli, project: Path) -> None:
    status, out, err = run_cli("check", str(project), "--import")
    assert (status, out) == (2, "")
    assert err.startswith("error: --import needs the project's Python environment")
    assert "hint: pass --python PATH" in err


def test_import_error_raised_on_purpose_is_a_warning(make_project: MakeProject) -> None:
    # rich._win32_console: `else: raise ImportError("... can only be imported on Windows")`
    files = {
        "src/sound/_win32.py": (
            "import sys\nif sys.platform == 'nonesuch':\n    X = 1\nelse:\n"
            "    raise ImportError(f'{__name__} can only be imported on nonesuch')\n"
        ),
        "src/sound/console.py": "from sound import _win32\n",
    }
    finding = only(run(make_project, files))  # one root cause: reported at its root
    assert (finding.path, finding.line, finding.severity) == (
        "src/sound/_win32.py",
        5,
        Severity.WARNING,
    )
    assert "so does the import of 1 module: sound.console" in finding.message


def test_platform_assertion_is_a_warning(make_project: MakeProject) -> None:
    # click._winconsole: `assert sys.platform == "win32"` at import
    files = {"src/sound/console.py": "import sys\nassert sys.platform == 'nonesuch'\n"}
    finding = only(run(make_project, files))
    assert (finding.line, finding.severity) == (2, Severity.WARNING)


def test_platform_test_on_the_failing_import_is_a_warning(make_project: MakeProject) -> None:
    files = {"src/sound/console.py": "import sys\nif sys.platform: from json import gone\n"}
    finding = only(run(make_project, files))
    assert (finding.line, finding.severity) == (2, Severity.WARNING)
    assert "the failing statement tests the platform or Python" in finding.message


def test_platform_named_module_is_a_warning(make_project: MakeProject) -> None:
    # keyring.backends.macOS: ctypes bindings to a framework that only macOS has
    files = {
        "src/sound/macOS/__init__.py": "",
        "src/sound/macOS/api.py": "from json import framework_binding\n",
    }
    finding = only(run(make_project, files))
    assert (finding.path, finding.severity) == ("src/sound/macOS/api.py", Severity.WARNING)
    assert "`macOS` looks platform-specific" in finding.message


def test_same_failure_elsewhere_is_an_error(make_project: MakeProject) -> None:
    files = {"src/sound/console.py": "import sys\nfrom json import framework_binding\n"}
    assert only(run(make_project, files)).severity is Severity.ERROR


def test_stub_only_directory_is_a_module_the_build_makes(make_project: MakeProject) -> None:
    # cryptography's sdist: bindings/_rust/ holds .pyi stubs; the Rust build makes _rust.
    files = {
        "src/sound/_native/__init__.pyi": "def mix() -> None: ...\n",
        "src/sound/_native/fx.pyi": "def echo() -> None: ...\n",
        "src/sound/mixer.py": "from sound._native import mix\n",
        "src/sound/fx.py": "from sound._native import fx\nfx.echo\nECHO = fx.echo\n",
    }
    findings = run(make_project, files)
    assert [(f.path, f.severity) for f in findings] == [
        ("src/sound/fx.py", Severity.INFO),
        ("src/sound/mixer.py", Severity.INFO),
    ]
    assert "`sound._native` has no Python source in the tree" in findings[0].message


def test_import_error_for_an_undeclared_optional_package_is_a_warning(
    make_project: MakeProject,
) -> None:
    # docutils' recommonmark_wrapper: the module exists to use a package nobody must install
    source = (
        "try:\n    import recommonmark_nowhere\nexcept ImportError as err:\n"
        "    raise ImportError('this parser requires recommonmark_nowhere') from err\n"
    )
    finding = only(run(make_project, {"src/sound/md.py": source}))
    assert (finding.line, finding.severity) == (4, Severity.WARNING)
    assert "raised on purpose" in finding.message
    assert "no declared dependency provides `recommonmark_nowhere`" in finding.message


def test_import_error_of_the_import_system_stays_an_error(make_project: MakeProject) -> None:
    finding = only(run(make_project, {"src/sound/md.py": "from json import nothing_here\n"}))
    assert finding.severity is Severity.ERROR


def test_namespace_package_and_single_module_are_imported(make_project: MakeProject) -> None:
    extra = '[tool.pkgforge]\nnamespace-packages = ["acme"]'
    root = make_project(
        {
            "src/acme/plugins/__init__.py": "",
            "src/acme/plugins/broken.py": "raise OSError('ns')\n",
            "src/solo.py": "from acme.plugins import broken\n",
        },
        pyproject=pyproject(extra),
    )
    findings = check(
        [root], select=["PF412"], use_cache=False, run_imports=True, python=sys.executable
    ).findings
    (finding,) = findings  # one root cause, reported at its root
    assert (finding.path, finding.line) == ("src/acme/plugins/broken.py", 1)
    assert "so does the import of 1 module: solo" in finding.message


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_stops_the_run_and_its_children(make_project: MakeProject, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    hang = f"import os\nwith open({str(pids)!r}, 'a') as f:\n    f.write(f'{{os.getpid()}}\\n')\n"
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/hang.py": hang + "while True:\n    pass\n"},
        pyproject=pyproject(),
    )
    # Whoever runs the tests may ignore SIGINT (then so would a child); pkgforge's users do not.
    start = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "runpy.run_module('pkgforge', run_name='__main__')"
    )
    args = ["check", str(root), "--import", "--python", sys.executable, "--no-cache"]
    with subprocess.Popen(
        [sys.executable, "-c", start, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        assert process.stderr.readline().startswith("importing 2 modules")
        deadline = time.monotonic() + 30
        while not _pids(pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        started = _pids(pids)
        assert started and all(_running(pid) for pid in started)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
        assert "error: interrupted" in process.stderr.read()
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in _pids(pids)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(pid) for pid in _pids(pids))


def _pids(path: Path) -> list[int]:
    try:
        return [int(line) for line in path.read_text().split()]
    except (OSError, ValueError):
        return []


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_subpackage_whose_warm_up_fails_hands_its_imports_down(
    make_project: MakeProject,
) -> None:
    # Nine modules below sound.effects: they would fork from a parent that imported it.
    files = {"src/sound/effects/__init__.py": "from json import no_such_effect\n"}
    files |= {f"src/sound/effects/fx{n}.py": "X = 1\n" for n in range(9)}
    finding = only(run(make_project, files))
    assert (finding.path, finding.severity) == ("src/sound/effects/__init__.py", Severity.ERROR)
    assert "so does the import of 9 modules: sound.effects.fx0" in finding.message


def test_a_package_that_starts_threads_is_not_forked_after(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG, logger="pkgforge")
    files = {
        "src/sound/__init__.py": (
            "import threading, time\n"
            "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
        ),
        "src/sound/echo.py": "import threading\nassert threading.active_count() == 2\n",
    }
    # Forked from a parent that runs the thread, the child would have lost it.
    assert run(make_project, files) == ()
    assert "left threads running: no forking" in caplog.text
