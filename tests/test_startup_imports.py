"""What a run imports: libraries that a run does not use stay unloaded.

Each test runs pkgforge in a fresh interpreter and reads ``sys.modules`` at the end,
so a new eager import fails here. A module imported lazily and never used is in
``sys.modules`` as an unexecuted lazy module: it counts as not loaded. Timing is
not asserted here; bench/ measures it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs pkgforge's CLI in-process, then prints the modules whose code has run.
_RUN_AND_LIST = """\
import json, sys
from pkgforge.cli import main
status = main(sys.argv[1:])
loaded = sorted(n for n, m in list(sys.modules.items()) if type(m).__name__ != "_LazyModule")
print(json.dumps({"status": status, "loaded": loaded}))
"""


def _loaded_after(cwd: Path, *argv: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 0, out
    return set(result["loaded"])


def _tops(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


@pytest.fixture(scope="module")
def new_no_input(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules that ran in ``pkgforge new sound --no-input`` (check included)."""
    return _loaded_after(tmp_path_factory.mktemp("new"), "new", "sound", "--no-input")


@pytest.mark.parametrize(
    "unused",
    [
        "arrow",  # cookiecutter's {% now %} tag, which the built-in templates do not use
        "dateutil",  # arrow's
        "uuid",  # cookiecutter's uuid4(), idem
        "socket",  # email.utils' (importlib.metadata reads cookiecutter's version)
        "calendar",  # idem
        "packaging._manylinux",  # wheel-tag probes: validating pyproject.toml never runs them
        "packaging._musllinux",
        "pkgforge.checker.importrun",  # check --import only
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
    for unused in ("pkgforge.checker.importrun", "pkgforge.checker.importproc"):
        assert unused not in loaded
    assert "concurrent" not in _tops(loaded)
