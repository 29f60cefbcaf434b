"""Fixtures for the scaffold tests: an isolated git identity, a work folder, tree snapshots."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

SOUND_MODULES = (
    "formats.wavread",
    "formats.wavwrite",
    "effects.echo",
    "effects.surround",
    "effects.reverse",
    "filters.equalizer",
)

GIT_NAME = "Ada Lovelace"
GIT_EMAIL = "ada@example.org"


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A known git identity, independent of the machine's git configuration."""
    config = tmp_path / "gitconfig"
    config.write_text(f"[user]\n\tname = {GIT_NAME}\n\temail = {GIT_EMAIL}\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return config


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder, made the current directory."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``root``, by relative path."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes | None]]:
    """Take a snapshot of a tree, to assert that a refused command changed nothing."""
    return _snapshot


@pytest.fixture
def sound_modules() -> tuple[str, ...]:
    """The tutorial's Sound package, as ``--module`` arguments."""
    return SOUND_MODULES


@pytest.fixture(scope="session")
def sound_template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rendered default project, made once and copied by the tests that edit it."""
    from pkgforge.scaffold import new_project

    parent = tmp_path_factory.mktemp("rendered")
    return new_project("sound", output_dir=parent, no_input=True, run_check=False).project_dir


@pytest.fixture
def sound(sound_template_project: Path, work: Path) -> Path:
    """A fresh copy of a default ``sound`` project in the work folder."""
    target = work / "sound"
    shutil.copytree(sound_template_project, target)
    return target
