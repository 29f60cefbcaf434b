"""What a run imports: libraries that a run does not use stay unloaded.

Each test runs pkgforge in a fresh interpreter and reads ``sys.modules`` at the end,
so a new eager import fails here. A module imported lazily and never used is in
``sys.modules`` as an unexecuted lazy module: it counts as not loaded. Timing is
not asserted here; bench/ measures it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs pkgforge's CLI in-process, then prints the modules whose code has run. With
# PKGFORGE_TEST_ONE_PROCESS set, ``new`` runs its final check in this process too, instead
# of its helper's (so that the list holds what the whole command runs).
_RUN_AND_LIST = """\
import json, os, sys
if os.environ.get("PKGFORGE_TEST_ONE_PROCESS"):
    import pkgforge.scaffold.checkahead
    pkgforge.scaffold.checkahead._can_fork = lambda: False
from pkgforge.cli import main
status = main(sys.argv[1:])
loaded = sorted(n for n, m in list(sys.modules.items()) if type(m).__name__ != "_LazyModule")
print(json.dumps({"status": status, "loaded": loaded}))
"""


def _loaded_after(cwd: Path, *argv: str, one_process: bool = False) -> set[str]:
    env = dict(os.environ)
    if one_process:
        env["PKGFORGE_TEST_ONE_PROCESS"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 0, out
    return set(result["loaded"])


def _tops(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


@pytest.fixture(scope="module")
def new_no_input(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules that ran in ``pkgforge new sound --no-input`` (check included, here)."""
    return _loaded_after(
        tmp_path_factory.mktemp("new"), "new", "sound", "--no-input", one_process=True
    )


@pytest.fixture(scope="module")
def new_no_input_caller(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules that ran in the process of ``pkgforge new sound --no-input`` whose final
    check ran in its helper process."""
    return _loaded_after(tmp_path_factory.mktemp("new-caller"), "new", "sound", "--no-input")


@pytest.mark.parametrize(
    "unused",
    [
        "arrow",  # cookiecutter's {% now %} tag, which the built-in templates do not use
        "dateutil",  # arrow's
        "uuid",  # cookiecutter's uuid4(), idem
        "socket",  # email.utils' (importlib.metadata reads cookiecutter's version)
        "calendar",  # idem
        "importlib.metadata",  # cookiecutter's __version__, read only when asked for
        "email",  # importlib.metadata's
        "packaging._manylinux",  # wheel-tag probes: validating pyproject.toml never runs them
        "packaging._musllinux",
        "pkgforge.checker.importing",  # check --import only
        "concurrent.futures",  # worker pools: a fresh project is parsed in one process
        "multiprocessing",
    ],
)
def test_new_no_input_does_not_load(new_no_input: set[str], unused: str) -> None:
    assert unused not in new_no_input
    assert not any(name.startswith(f"{unused}.") for name in new_no_input)


def test_new_no_input_still_uses_cookiecutter_and_checks(new_no_input: set[str]) -> None:
    # The deferral keeps the real machinery: cookiecutter renders, its extensions load,
    # and the check really runs (validate-pyproject's validator included).
    assert {"cookiecutter.generate", "cookiecutter.extensions", "jinja2"} <= new_no_input
    assert "pkgforge.checker.engine" in new_no_input
    assert any(name.startswith("_pkgforge_pyproject_schema_") for name in new_no_input)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "pkgforge.checker.engine",  # the final check runs in the helper process
        "pkgforge.checker.rules",
        "packaging.specifiers",
        "packaging.requirements",
        "validate_pyproject",
    ],
)
def test_new_leaves_the_check_s_modules_to_its_helper(
    new_no_input_caller: set[str], elsewhere: str
) -> None:
    assert elsewhere not in new_no_input_caller
    assert not any(name.startswith(f"{elsewhere}.") for name in new_no_input_caller)
    assert {"cookiecutter.generate", "jinja2"} <= new_no_input_caller


def test_check_of_a_small_project_does_not_load_the_import_runner(tmp_path: Path) -> None:
    project = tmp_path / "sound"
    (project / "src" / "sound").mkdir(parents=True)
    (project / "src" / "sound" / "__init__.py").write_text('__all__ = ["x"]\nx = 1\n')
    (project / "pyproject.toml").write_text(
        '[project]\nname = "sound"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        'license = "MIT"\ndependencies = []\n'
    )
    loaded = _loaded_after(tmp_path, "check", "--no-cache", "sound")
    assert "pkgforge.checker.rules.runtime" in loaded  # PF412 is loaded, and cheap
    for unused in ("pkgforge.checker.importing.plan", "pkgforge.checker.importing.runner"):
        assert unused not in loaded
    assert "concurrent" not in _tops(loaded)
