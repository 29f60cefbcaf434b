"""The build manifest stays out of ``dist/``, so tools that take every file of it keep working.

``nox -s build`` of the generated project ran ``twine check --strict`` on every
entry of ``dist/`` and failed on ``dist/.pkgforge-manifest.json``;
``actions/upload-artifact`` drops hidden files, so the manifest never reached
a later job anyway.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pkgforge.errors import ManifestError
from pkgforge.release.build import build
from pkgforge.release.manifest import (
    LEGACY_MANIFEST_NAME,
    find_manifest,
    manifest_path,
    read_manifest,
)


def test_every_file_dist_glob_names_passes_twine_check_after_a_build(project: Path) -> None:
    import glob

    build(project, isolation=False)
    entries = sorted(glob.glob(str(project / "dist" / "*")))  # noqa: PTH207 - its hidden-name rule
    assert len(entries) == 2
    # What release tooling does: twine check (and upload) of dist/*.
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *entries],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_lives_hidden_in_dist_and_git_ignores_it(project: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    result = build(project, isolation=False)
    assert result.manifest == project / "dist" / ".pkgforge" / "manifest.json"
    payload = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert payload["schema"] == 1
    assert [a["filename"] for a in payload["artifacts"]] == [p.name for p in result.artifacts]
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".pkgforge" not in status


def test_build_removes_the_legacy_manifest(project: Path) -> None:
    dist = project / "dist"
    dist.mkdir()
    (dist / LEGACY_MANIFEST_NAME).write_text('{"schema": 1}\n', encoding="utf-8")
    build(project, isolation=False, wheel=False)
    assert not (dist / LEGACY_MANIFEST_NAME).exists()
    assert find_manifest(dist) == manifest_path(dist)


def test_legacy_manifest_is_still_read(project: Path) -> None:
    result = build(project, isolation=False, wheel=False)
    dist = project / "dist"
    result.manifest.replace(dist / LEGACY_MANIFEST_NAME)
    assert find_manifest(dist) == dist / LEGACY_MANIFEST_NAME
    assert [a.filename for a in read_manifest(dist).artifacts] == ["sound-1.0.tar.gz"]


def test_the_new_manifest_wins_over_a_legacy_one(project: Path) -> None:
    dist = project / "dist"
    build(project, isolation=False, wheel=False)
    (dist / LEGACY_MANIFEST_NAME).write_text("not json", encoding="utf-8")
    assert [a.filename for a in read_manifest(dist).artifacts] == ["sound-1.0.tar.gz"]


@pytest.mark.parametrize("filename", ["../sound-1.0.tar.gz", "/etc/passwd", "a\\b.whl", ".."])
def test_a_manifest_naming_a_file_elsewhere_is_refused(project: Path, filename: str) -> None:
    result = build(project, isolation=False, wheel=False)
    payload = json.loads(result.manifest.read_text(encoding="utf-8"))
    payload["artifacts"][0]["filename"] = filename
    result.manifest.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(ManifestError, match="names a file outside"):
        read_manifest(project / "dist")


def test_a_manifest_that_is_not_an_object_is_unreadable(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    manifest_path(dist).parent.mkdir()
    manifest_path(dist).write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ManifestError, match="unreadable"):
        read_manifest(dist)


@pytest.mark.slow
def test_generated_nox_build_session_works_after_pkgforge_build(tmp_path: Path) -> None:
    """The issue's reproduction: ``pkgforge build``, then ``nox -s build``, in a new project.

    nox runs in this environment (``--no-venv --no-install``), so its sessions use
    this pkgforge and need no index; ``--no-isolation`` builds with this setuptools.
    """
    from pkgforge.scaffold import new_project

    project = new_project("sound", output_dir=tmp_path, no_input=True, run_check=False).project_dir
    build(project, isolation=False)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    nox = [sys.executable, "-m", "nox", "--no-venv", "--no-install", "--no-color"]
    done = subprocess.run(
        [*nox, "-s", "build", "--", "--no-isolation"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (project / "dist").iterdir()) == [
        ".pkgforge",
        "sound-0.1.0-py3-none-any.whl",
        "sound-0.1.0.tar.gz",
    ]
    assert read_manifest(project / "dist").version == "0.1.0"


def test_globs_and_backends_leave_the_manifest_out(project: Path) -> None:
    """dist/* (shell, glob, twine, gh-action-pypi-publish) skips hidden names, and a
    hatchling sdist built after pkgforge build does not sweep the manifest in."""
    import glob
    import tarfile

    pytest.importorskip("hatchling")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    build_system = text[text.index("[build-system]") : text.index("[project]")]
    pyproject.write_text(
        text.replace(
            build_system,
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n',
        ),
        encoding="utf-8",
    )
    first = build(project, isolation=False)
    globbed = glob.glob(str(project / "dist" / "*"))  # noqa: PTH207 - as a shell globs
    assert sorted(globbed) == sorted(map(str, first.artifacts))
    second = build(project, isolation=False)  # the first build's manifest is in the tree now
    sdist = next(p for p in second.artifacts if p.name.endswith(".tar.gz"))
    with tarfile.open(sdist) as archive:
        assert not [n for n in archive.getnames() if ".pkgforge" in n]
    assert [p.read_bytes() for p in first.artifacts] == [p.read_bytes() for p in second.artifacts]
