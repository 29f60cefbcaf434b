"""pkgforge checks and builds itself: no error, no warning, and ``build`` ships it.

It runs on a copy of the project's own files (the tracked ones when git can list them),
so that the check's cache and the build's output never land in the working tree, and
other tests reading the tree run undisturbed.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.cli import main

REPO = Path(__file__).resolve().parents[1]
_NOT_THE_PROJECT = shutil.ignore_patterns(
    ".git", ".venv", ".nox", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".cache"
)


def _tracked_files() -> list[str] | None:
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None  # an unpacked sdist, or no git: copy the tree instead
    return [name for name in done.stdout.decode().split("\0") if name]


@pytest.fixture(scope="module")
def pkgforge_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("dogfood") / "pkgforge"
    tracked = _tracked_files()
    if tracked is None:
        shutil.copytree(REPO, copy, ignore=_NOT_THE_PROJECT)
        return copy
    for name in tracked:
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is not there
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def test_pkgforge_checks_itself_clean(pkgforge_copy: Path) -> None:
    result = check([pkgforge_copy], use_cache=False)
    assert result.files_checked > 50
    assert result.findings == ()
    assert result.skipped == ()


@pytest.mark.slow
def test_pkgforge_builds_itself(
    pkgforge_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    status = main(["build", str(pkgforge_copy), "--outdir", str(out), "--no-isolation"])
    assert status == 0, capsys.readouterr()
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "pkgforge/checker/engine.py" in names
    # the templates ship, Jinja folders and all, as package data
    assert any(
        n.startswith("pkgforge/templates/default/{{cookiecutter.project_slug}}/") for n in names
    )
