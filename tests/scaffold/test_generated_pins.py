"""The generated project's ``nox -s pins``: a drift report that changes nothing, never fails.

Run for real (``nox --no-venv``: this environment's pre-commit and pip) against local
stand-ins for what it asks: a git repository of hooks with a newer tag than the
config's ``rev``, and a pypiserver with newer releases of the pinned pkgforge-cli and
black. The weekly workflow that runs it is checked in test_template_pins.py.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pkgforge
from pkgforge.scaffold import new_project
from tests.localindex import isolated_pip_environ, pypiserver

pytestmark = pytest.mark.slow

HOOKS = "- id: shout\n  name: shout\n  entry: echo\n  language: system\n"


def _git(cwd: Path, *argv: str) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, *argv], cwd=cwd, check=True, capture_output=True)


def _hook_repo(path: Path) -> Path:
    path.mkdir()
    (path / ".pre-commit-hooks.yaml").write_text(HOOKS)
    _git(path, "init", "-q")
    for tag in ("v1.0.0", "v2.0.0"):
        _git(path, "add", "-A")
        _git(path, "commit", "-q", "--allow-empty", "-m", tag)
        _git(path, "tag", tag)
    return path


def _wheel(folder: Path, name: str, version: str) -> None:
    """A minimal valid wheel: what pip needs to read a release's metadata."""
    stem = f"{name.replace('-', '_')}-{version}"
    files = {
        f"{stem}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{stem}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = "".join(
        f"{path},sha256={hashlib.sha256(text.encode()).hexdigest()},{len(text)}\n"
        for path, text in files.items()
    )
    with zipfile.ZipFile(folder / f"{stem}-py3-none-any.whl", "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
        archive.writestr(f"{stem}.dist-info/RECORD", record + f"{stem}.dist-info/RECORD,,\n")


def _pins_session(project: Path, **env: str) -> str:
    """``nox -s pins`` in ``project`` with this environment's tools; its output (exit 0)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    nox = [sys.executable, "-m", "nox", "--session", "pins", "--no-venv", "--no-install"]
    done = subprocess.run(
        nox,
        cwd=project,
        env=isolated_pip_environ(PATH=path, **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    return out


def _snapshot(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in project.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(project).parts and ".nox" not in p.parts
    }


def test_pins_session_reports_newer_hooks_and_releases_and_changes_nothing(
    tmp_path: Path,
) -> None:
    project = new_project("sound", output_dir=tmp_path, no_input=True, run_check=False).project_dir
    hooks = _hook_repo(tmp_path / "hooks")
    config = project / ".pre-commit-config.yaml"
    # The generated config, but with a hook repository this test can reach.
    config.write_text(
        config.read_text()
        + f"\n  - repo: {hooks.as_uri()}\n    rev: v1.0.0\n    hooks:\n      - id: shout\n"
    )
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    packages = tmp_path / "packages"
    packages.mkdir()
    _wheel(packages, "pkgforge-cli", "99.0.0")
    _wheel(packages, "black", "99.1.0")
    before = _snapshot(project)
    summary = tmp_path / "summary.md"

    with pypiserver(packages, tmp_path / "server.log", ["--disable-fallback"]) as url:
        out = _pins_session(
            project,
            PIP_INDEX_URL=f"{url}simple/",
            PRE_COMMIT_HOME=str(tmp_path / "pre-commit"),
            GITHUB_STEP_SUMMARY=str(summary),
        )
    assert "updating v1.0.0 -> v2.0.0" in out
    version = pkgforge.__version__
    expected = (
        f"pkgforge-cli {version} -> 99.0.0 "
        "(noxfile.py, .pre-commit-config.yaml, .github/workflows/release.yml)"
    )
    assert expected in out
    assert "black 26.10.1 -> 99.1.0 (.pre-commit-config.yaml)" in out
    assert expected in summary.read_text()
    assert _snapshot(project) == before  # a report: no file of the project changed


def test_pins_session_never_fails_when_nothing_answers(tmp_path: Path) -> None:
    project = new_project("sound", output_dir=tmp_path, no_input=True, run_check=False).project_dir
    out = _pins_session(
        project,
        PIP_INDEX_URL="http://127.0.0.1:9/simple/",  # nothing listens on the discard port
        PIP_RETRIES="0",
        PIP_TIMEOUT="2",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit"),
        GIT_CONFIG_COUNT="1",  # and no hook repository answers either
        GIT_CONFIG_KEY_0="url.http://127.0.0.1:9/.insteadOf",
        GIT_CONFIG_VALUE_0="https://github.com/",
    )
    assert "https://github.com/astral-sh/ruff-pre-commit: pre-commit autoupdate failed" in out
    assert "pip found no version on the index" in out
