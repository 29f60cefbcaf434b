"""PF501's validator: pre-compiled into the user cache, with the library as fallback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pkgforge.checker import pyproject_schema

VALID = {"project": {"name": "sound", "version": "1.0", "license": "MIT"}}
INVALID = {"project": {"name": "sound", "version": "1.0", "license": "MIT License"}}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("_pkgforge_pyproject_schema_")]:
        monkeypatch.delitem(sys.modules, name)
    return tmp_path


def test_generates_once_then_reuses(cache_home: Path) -> None:
    assert pyproject_schema.schema_errors(dict(VALID)) == []
    generated = list((cache_home / "pkgforge" / "validate-pyproject").glob("*/__init__.py"))
    assert len(generated) == 1
    problems = pyproject_schema.schema_errors(dict(INVALID))
    assert len(problems) == 1
    message, key = problems[0]
    assert "license" in key
    assert "MIT License" in message or "SPDX" in message or "license" in message


def test_unwritable_cache_falls_back_to_the_library(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = cache_home / "blocked"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert pyproject_schema.schema_errors(dict(VALID)) == []
    assert "license" in pyproject_schema.schema_errors(dict(INVALID))[0][1]
    assert not (blocker / "pkgforge").exists()


def test_broken_generated_validator_falls_back(cache_home: Path) -> None:
    pyproject_schema.schema_errors(dict(VALID))
    (init,) = (cache_home / "pkgforge" / "validate-pyproject").glob("*/__init__.py")
    init.write_text("raise RuntimeError('corrupt')\n")
    for cached in init.parent.glob("__pycache__/__init__*"):
        cached.unlink()
    assert "license" in pyproject_schema.schema_errors(dict(INVALID))[0][1]
