"""Fixtures for the check engine tests: copies of fixture projects, small trees."""

from __future__ import annotations

import py_compile
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# Bytecode the PF102 fixtures need, written at copy time: .pyc files are build
# output that git must not track.
BYTECODE = {
    "pf102/fail": ("sound/gone.pyc",),
    "pf102/fail_pycache": ("sound/__pycache__/old.cpython-311.pyc",),
    "pf102/pass": (
        "sound/__pycache__/__init__.cpython-311.pyc",
        "sound/__pycache__/echo.cpython-311.pyc",
    ),
}

GOOD_PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "sound"
version = "1.0"
requires-python = ">=3.11"
license = "MIT"
"""


@pytest.fixture
def rule_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The codes of the rules each check runs (wholly, or some of their units), in order:
    with the cache (the incremental runner) or without it (the engine's)."""
    return _recorded_runs(monkeypatch)[0]


@pytest.fixture
def unit_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(rule code, unit) of each unit that a check with the cache runs; (code, "") for a
    rule without units that runs."""
    return _recorded_runs(monkeypatch)[1]


def _recorded_runs(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[tuple[str, str]]]:
    from pkgforge.checker import engine
    from pkgforge.checker.incremental import runner

    runs: list[str] = []
    units: list[tuple[str, str]] = []
    execute, run_rules = runner._execute, engine._run_rules

    def executing(rule: Any, model: Any, run: Any) -> Any:
        runs.append(rule.code)
        found = execute(rule, model, run)
        if run.used_units:
            units.extend((rule.code, unit) for unit in run.unit_deps)
        else:
            units.append((rule.code, ""))
        return found

    def running(rules: Any, model: Any) -> Any:
        chosen = list(rules)
        runs.extend(rule.code for rule in chosen)
        return run_rules(chosen, model)

    monkeypatch.setattr(runner, "_execute", executing)
    monkeypatch.setattr(engine, "_run_rules", running)
    return runs, units


@pytest.fixture
def fixture_project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy ``fixtures/<name>`` to a temporary directory (checks may write a cache)."""

    def copy(name: str) -> Path:
        target = tmp_path / name.replace("/", "-")
        shutil.copytree(FIXTURES / name, target, symlinks=True)
        for relpath in BYTECODE.get(name, ()):
            _write_bytecode(target / relpath, tmp_path)
        return target

    return copy


def _write_bytecode(target: Path, scratch: Path) -> None:
    source = scratch / f"{target.stem.partition('.')[0]}_source.py"
    source.write_text("VALUE = 1\n", encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    py_compile.compile(str(source), cfile=str(target), doraise=True)
    source.unlink()


def backend_pyproject(backend: str, requires: str, name: str = "sound") -> str:
    """A minimal valid pyproject.toml built by ``backend`` (``requires`` its distribution)."""
    return (
        f'[project]\nname = "{name}"\nversion = "0.1"\nrequires-python = ">=3.11"\n'
        f'license = "MIT"\n\n[build-system]\nrequires = ["{requires}"]\n'
        f'build-backend = "{backend}"\n'
    )


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (relpath -> text or bytes) under ``root``; return ``root``."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Build a src-layout project from ``files``; a valid pyproject.toml unless given."""

    def make(files: Mapping[str, str | bytes], *, pyproject: str | None = GOOD_PYPROJECT) -> Path:
        root = tmp_path / "project"
        if pyproject is not None:
            write_tree(root, {"pyproject.toml": pyproject})
        return write_tree(root, files)

    return make
