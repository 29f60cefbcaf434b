"""``pkgforge build`` with real PyPA build runs (``--no-isolation`` for speed, one isolated)."""

from __future__ import annotations

import datetime
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.errors import (
    BackendError,
    BuildError,
    CheckFailedError,
    ProjectNotFoundError,
    UsageError,
)
from pkgforge.release.build import build
from pkgforge.release.manifest import LEGACY_MANIFEST_NAME, manifest_path, read_manifest

from .conftest import write_project

RunCli = Callable[..., tuple[int, str, str]]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes: what 'unchanged' is compared against."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def old_dist(project: Path) -> dict[str, bytes]:
    """A dist/ from an earlier release, with its manifest."""
    dist = project / "dist"
    dist.mkdir()
    (dist / "sound-0.9.tar.gz").write_bytes(b"old sdist")
    (dist / LEGACY_MANIFEST_NAME).write_text('{"schema": 1}\n')
    return snapshot(dist)


# A PEP 517 backend in the tree (backend-path): its sdist works, its wheel hook raises.
FAILING_BACKEND = """\
import io, tarfile

def build_sdist(sdist_directory, config_settings=None):
    name = "sound-1.0"
    import warnings
    warnings.warn("License classifiers are deprecated")
    with tarfile.open(f"{sdist_directory}/{name}.tar.gz", "w:gz") as tar:
        for path in ("pyproject.toml", "_backend/failing.py"):
            tar.add(path, f"{name}/{path}")
        meta = b"Metadata-Version: 2.4\\nName: sound\\nVersion: 1.0\\n"
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        info.size = len(meta)
        tar.addfile(info, io.BytesIO(meta))
    return f"{name}.tar.gz"

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    print("compiling the sound extension")
    raise RuntimeError("boom: no compiler for the sound extension")
"""

FAILING_PYPROJECT = """\
[build-system]
requires = []
build-backend = "failing"
backend-path = ["_backend"]

[project]
name = "sound"
version = "1.0"
"""


@pytest.fixture
def failing_project(tmp_path: Path) -> Path:
    root = tmp_path / "sound"
    (root / "_backend").mkdir(parents=True)
    (root / "_backend" / "failing.py").write_text(FAILING_BACKEND)
    (root / "pyproject.toml").write_text(FAILING_PYPROJECT)
    return root


# -- success -----------------------------------------------------------------


def test_build_makes_sdist_wheel_and_manifest(
    project: Path, caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A temp folder of this test's own: other xdist workers build in the shared /tmp too.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    caplog.set_level(logging.INFO, logger="pkgforge")
    result = build(project, isolation=False)
    dist = project / "dist"
    assert [p.name for p in result.artifacts] == ["sound-1.0.tar.gz", "sound-1.0-py3-none-any.whl"]
    assert result.outdir == dist
    # Only the artifacts and the hidden manifest folder, out of the way of dist/* globs.
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [".pkgforge", "sound-1.0.tar.gz", "sound-1.0-py3-none-any.whl"]
    )
    assert result.manifest == project / "dist" / ".pkgforge" / "manifest.json"
    assert (result.project, result.version) == ("sound", "1.0")
    manifest = read_manifest(dist)  # verifies sizes and hashes
    assert [a.filename for a in manifest.artifacts] == [p.name for p in result.artifacts]
    assert [a.kind for a in manifest.artifacts] == ["sdist", "wheel"]
    with zipfile.ZipFile(dist / "sound-1.0-py3-none-any.whl") as wheel:
        assert "sound/formats/wav.py" in wheel.namelist()
    assert {t.step for t in result.timings} >= {"check", "sdist", "wheel", "inspect"}
    assert not [f for f in result.findings if f.severity == "error"]
    assert "building the wheel from the sdist" in caplog.text
    assert list(scratch.iterdir()) == []


def test_build_leaves_stale_files_and_says_so(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old_dist(project)
    caplog.set_level(logging.INFO, logger="pkgforge")
    result = build(project, isolation=False, sdist=True, wheel=False)
    assert [p.name for p in result.stale] == ["sound-0.9.tar.gz"]
    assert (project / "dist" / "sound-0.9.tar.gz").read_bytes() == b"old sdist"
    assert [a.filename for a in read_manifest(project / "dist").artifacts] == ["sound-1.0.tar.gz"]
    assert "will not upload them" in caplog.text


def test_wheel_only_builds_from_the_source_tree(
    project: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    result = build(project, outdir=out, isolation=False, sdist=False)
    assert capfd.readouterr() == ("", "")  # the library never prints, nor does the backend
    assert [p.name for p in result.artifacts] == ["sound-1.0-py3-none-any.whl"]
    assert sorted(p.name for p in out.iterdir()) == [".pkgforge", "sound-1.0-py3-none-any.whl"]
    assert result.manifest == manifest_path(out) == out / ".pkgforge" / "manifest.json"
    assert not (project / "dist").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_source_date_epoch_comes_from_the_last_commit(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_COMMITTER_DATE": "2021-03-04T05:06:08+00:00",
        "GIT_AUTHOR_DATE": "2021-03-04T05:06:08+00:00",
    }
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", *argv], cwd=project, env=env, check=True)
    result = build(project, isolation=False, sdist=False)
    with zipfile.ZipFile(result.artifacts[0]) as wheel:
        stamp = wheel.getinfo("sound/__init__.py").date_time
    assert datetime.datetime(*stamp) == datetime.datetime(2021, 3, 4, 5, 6, 8)


def test_cli_build_prints_artifacts(project: Path, run_cli: RunCli) -> None:
    status, out, err = run_cli(
        "build", str(project), "--no-isolation", "-v", "-C", "x=1", "-C", "x=2"
    )
    assert status == 0, err
    # Progress: PyPA build's steps, then (with -v) the backend's own output, live.
    assert "Building sdist..." in err
    assert "running sdist" in err
    assert "timings: check" in err
    assert "sound-1.0.tar.gz" in out
    assert "sound-1.0-py3-none-any.whl" in out
    assert manifest_path(project / "dist").is_file()


@pytest.mark.slow
def test_fully_isolated_build(project: Path) -> None:
    result = build(project)
    assert [p.name for p in result.artifacts] == ["sound-1.0.tar.gz", "sound-1.0-py3-none-any.whl"]
    read_manifest(project / "dist")


@pytest.mark.slow
def test_isolated_build_with_uv(project: Path) -> None:
    pytest.importorskip("uv")
    result = build(project, installer="uv", sdist=False)
    assert [p.name for p in result.artifacts] == ["sound-1.0-py3-none-any.whl"]


# -- check and inspection stop the build -------------------------------------

FAILING_CHECKS = {
    "PF401": ("src/sound/effects.py", "def load():\n    from os.path import *\n"),
    "PF302": ("src/sound/effects.py", '__all__ = ["echo"]\n'),
}


@pytest.mark.parametrize("code", sorted(FAILING_CHECKS))
def test_project_failing_check_is_not_built_and_unchanged(tmp_path: Path, code: str) -> None:
    from pkgforge.checker.rules import load_rules

    if code not in load_rules():
        pytest.skip(f"{code} is not registered yet")
    relpath, source = FAILING_CHECKS[code]
    root = write_project(tmp_path / "sound", files={relpath: source})
    before = snapshot(root)
    # Without verification the static error stops the build before it starts; with it,
    # the wheel confirms the error and the build stops before dist/ is written.
    for verify, said in ((False, "nothing was built"), (True, "was not changed")):
        with pytest.raises(CheckFailedError, match=said) as caught:
            build(root, isolation=False, verify=verify)
        (static,) = [f for f in caught.value.findings if f.code == code]
        assert static.severity == "error"
        assert ("(confirmed: " in static.message) is verify
        # Building writes setuptools' egg-info into the tree, as any build does; nothing else.
        after = {k: v for k, v in snapshot(root).items() if ".egg-info/" not in k}
        assert after == before
        assert not (root / "dist").exists()


def test_cli_prints_the_findings_that_stop_the_build(tmp_path: Path, run_cli: RunCli) -> None:
    root = write_project(tmp_path / "sound", files={"src/tests/__init__.py": ""})
    old = old_dist(root)
    status, out, err = run_cli("build", str(root), "--no-isolation")
    assert status == 1
    assert "PF505" in out
    assert "error: the built artifacts have 1 error(s)" in err
    assert snapshot(root / "dist") == old


def test_inspection_error_leaves_dist_unchanged(tmp_path: Path) -> None:
    root = write_project(tmp_path / "sound", files={"src/tests/__init__.py": ""})
    old = old_dist(root)
    with pytest.raises(CheckFailedError, match="was not changed") as caught:
        build(root, isolation=False)
    codes = {(f.code, f.path.split("/")[-1]) for f in caught.value.findings}
    assert ("PF505", "tests") in codes
    assert snapshot(root / "dist") == old


def test_broken_readme_fails_the_build(tmp_path: Path) -> None:
    pyproject = (
        write_project(tmp_path / "sound")
        .joinpath("pyproject.toml")
        .read_text()
        .replace('readme = "README.md"', 'readme = "README.rst"')
    )
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject,
        files={"README.rst": "Sound\n=====\n\n`broken <http://x\n"},
    )
    with pytest.raises(CheckFailedError) as caught:
        build(root, isolation=False, wheel=False)
    assert "PF502" in {f.code for f in caught.value.findings}
    assert not (root / "dist").exists()


# -- backend failures --------------------------------------------------------


def test_failing_backend_leaves_dist_unchanged_and_names_backend_and_hook(
    failing_project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = old_dist(failing_project)
    with pytest.raises(BackendError) as caught:
        build(failing_project, isolation=False)
    err = caught.value
    assert str(err) == "failing failed in build_wheel"
    assert (err.backend, err.hook) == ("failing", "build_wheel")
    assert "compiling the sound extension" in err.output
    assert "boom: no compiler" in err.output
    assert snapshot(failing_project / "dist") == old
    # The sdist hook's warning was relayed to the user before the wheel failed.
    assert ("pkgforge", logging.WARNING, "License classifiers are deprecated") in (
        caplog.record_tuples
    )


def test_cli_shows_backend_output_on_failure(failing_project: Path, run_cli: RunCli) -> None:
    status, _, err = run_cli("build", str(failing_project), "--no-isolation")
    assert status == 1
    assert "error: failing failed in build_wheel" in err
    assert "RuntimeError: boom: no compiler for the sound extension" in err
    assert "Traceback" in err  # the backend's own output, not ours
    assert not (failing_project / "dist").exists()


def test_file_missing_from_sdist_breaks_the_wheel(tmp_path: Path) -> None:
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "sound"\nversion = "1.0"\n'
        "[tool.setuptools]\n"
        'package-dir = {"" = "src"}\npackages = ["sound", "sound.formats"]\n'
    )
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject,
        files={"MANIFEST.in": "prune src/sound/formats\n"},
    )
    with pytest.raises(BackendError) as caught:
        build(root, isolation=False)
    assert caught.value.hook.endswith("_build_wheel")  # setuptools fails in egg_info already
    assert "src/sound/formats" in caught.value.output
    assert not (root / "dist").exists()


def test_backend_that_cannot_be_imported(tmp_path: Path) -> None:
    root = tmp_path / "sound"
    write_project(
        root,
        pyproject='[build-system]\nrequires = []\nbuild-backend = "no_such_backend_xyz"\n'
        '[project]\nname = "sound"\nversion = "1.0"\n',
    )
    with pytest.raises(BackendError, match="no_such_backend_xyz cannot be imported") as caught:
        build(root, isolation=False)
    assert "no_such_backend_xyz" in caught.value.output
    assert caught.value.hint is not None
    assert "--no-isolation" in caught.value.hint


def test_missing_build_requirements_without_isolation(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "sound",
        pyproject='[build-system]\nrequires = ["no-such-dist-xyz>=1"]\n'
        'build-backend = "setuptools.build_meta"\n[project]\nname = "sound"\nversion = "1.0"\n',
    )
    with pytest.raises(BuildError, match="missing from this environment: no-such-dist-xyz"):
        build(root, isolation=False)


def test_invalid_build_system_table(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "sound",
        pyproject='[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["nowhere"]\n'
        '[project]\nname = "sound"\nversion = "1.0"\n',
    )
    with pytest.raises(BuildError, match="backend-path") as caught:
        build(root, isolation=False)
    assert caught.value.hint == "fix [build-system] in pyproject.toml"


def test_backend_without_a_mandatory_hook(failing_project: Path) -> None:
    (failing_project / "_backend" / "failing.py").write_text("")
    with pytest.raises(BackendError, match="failing failed in build_sdist") as caught:
        build(failing_project, isolation=False)
    assert "has no attribute 'build_sdist'" in caught.value.output
    assert not (failing_project / "dist").exists()


def test_backend_refusing_the_operation(failing_project: Path) -> None:
    (failing_project / "_backend" / "failing.py").write_text(
        "class UnsupportedOperation(Exception):\n    pass\n\n\n"
        "def build_sdist(sdist_directory, config_settings=None):\n"
        "    raise UnsupportedOperation('no sdists here')\n"
    )
    with pytest.raises(BuildError, match="failing failed in build_sdist: UnsupportedOperation"):
        build(failing_project, isolation=False)
    assert not (failing_project / "dist").exists()


def test_unreadable_pyproject(tmp_path: Path) -> None:
    root = tmp_path / "sound"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project\n")
    with pytest.raises(BuildError, match=r"cannot read .*pyproject\.toml"):
        build(root, isolation=False)


def test_unwritable_outdir_leaves_nothing_behind(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(BuildError, match="cannot write the artifacts"):
        build(project, outdir=blocker / "dist", isolation=False, wheel=False)
    assert blocker.read_text() == "a file where a directory should be"


@pytest.mark.slow
def test_uninstallable_build_requirement_in_isolation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("uv")
    caplog.set_level(logging.DEBUG, logger="pkgforge")
    root = write_project(
        tmp_path / "sound",
        pyproject='[build-system]\nrequires = ["setuptools>=99999"]\n'
        'build-backend = "setuptools.build_meta"\n[project]\nname = "sound"\nversion = "1.0"\n',
    )
    with pytest.raises(BackendError, match="uv could not install the build requirements") as caught:
        build(root, installer="uv")
    assert "setuptools>=99999" in caught.value.output
    assert not (root / "dist").exists()
    # The installer's output is shown once, with the error, not also as progress.
    shown = [r.getMessage() for r in caplog.records if r.name == "pkgforge" and r.levelno > 10]
    debug = [r.getMessage() for r in caplog.records if r.name == "pkgforge" and r.levelno == 10]
    assert any("No solution found" in m for m in debug)
    assert not any("No solution found" in m for m in shown)


# -- usage errors ------------------------------------------------------------


def test_usage_errors(tmp_path: Path, project: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match=r"no pyproject\.toml"):
        build(tmp_path / "empty")
    with pytest.raises(UsageError, match="nothing to build"):
        build(project, sdist=False, wheel=False)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UsageError, match="is not a directory"):
        build(project, outdir=tmp_path / "afile")
    with pytest.raises(UsageError, match="unknown installer"):
        build(project, installer="conda")  # type: ignore[arg-type]


def test_installer_uv_without_uv_is_a_clear_error(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uv", None)  # makes 'import uv' fail
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("UV", raising=False)
    with pytest.raises(UsageError, match="--installer uv needs uv") as caught:
        build(project, installer="uv")
    assert caught.value.hint is not None
    assert "--installer pip" in caught.value.hint
    assert not (project / "dist").exists()


def test_cli_rejects_bad_config_setting(project: Path, run_cli: RunCli) -> None:
    status, _, err = run_cli("build", str(project), "-C", "novalue")
    assert status == 2
    assert "is not KEY=VALUE" in err


def test_config_settings_reach_the_backend(failing_project: Path) -> None:
    backend = failing_project / "_backend" / "failing.py"
    backend.write_text(
        FAILING_BACKEND.replace(
            'print("compiling the sound extension")',
            'print("settings:", __import__("json").dumps(config_settings))',
        )
    )
    with pytest.raises(BackendError) as caught:
        build(failing_project, isolation=False, config_settings={"a": "1", "b": ["2", "3"]})
    line = next(x for x in caught.value.output.splitlines() if x.startswith("settings:"))
    assert json.loads(line.removeprefix("settings:")) == {"a": "1", "b": ["2", "3"]}


def test_sdist_is_unpacked_safely(tmp_path: Path) -> None:
    from pkgforge.release.backend import unpack_sdist

    evil = tmp_path / "evil-1.0.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("evil-1.0/../../escape.txt")
        tar.addfile(info)
    with pytest.raises(BuildError, match=r"cannot unpack evil-1\.0\.tar\.gz"):
        unpack_sdist(evil, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_config_settings_from_the_command_line() -> None:
    from pkgforge.commands.build import _config_settings

    assert _config_settings([]) is None
    assert _config_settings(["a=1", "b=", "a=2", "a=3", "c=x=y"]) == {
        "a": ["1", "2", "3"],
        "b": "",
        "c": "x=y",
    }
    with pytest.raises(UsageError, match="is not KEY=VALUE"):
        _config_settings(["=1"])


def test_build_reads_and_parses_each_source_file_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker import parallel

    parsed: list[str] = []
    real = parallel._summarize_one

    def counting(path: str, size: int, feature_version: tuple[int, int] | None) -> object:
        parsed.append(path)
        return real(path, size, feature_version)

    monkeypatch.setattr(parallel, "_summarize_one", counting)
    build(project, isolation=False)
    sources = sorted(str(p) for p in project.rglob("*.py") if "dist" not in p.parts)
    assert sorted(parsed) == sources
