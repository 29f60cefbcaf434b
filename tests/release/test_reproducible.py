"""Reproducible builds: the same tree gives the same bytes, whoever builds it and when.

Real builds (``--no-isolation`` for speed, one isolated), in separate copies of
the tree whose files carry different mtimes and modes, at different times.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from pkgforge.errors import BuildError, UsageError
from pkgforge.release import reproducible
from pkgforge.release.build import build
from pkgforge.release.manifest import manifest_path, read_manifest
from pkgforge.release.reproducible import DEFAULT_EPOCH, normalize_sdist, source_date

from .conftest import write_project, write_sdist

COMMIT_DATE = "2021-03-04T05:06:08+00:00"
COMMIT_EPOCH = 1614834368


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def touch_all(root: Path, mtime: float, mode: int | None = None) -> None:
    """Give every file under ``root`` the same ``mtime`` (and ``mode``), as a fresh copy has."""
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            if mode is not None:
                path.chmod(mode)
            os.utime(path, (mtime, mtime))


def artifact_bytes(root: Path, **options: object) -> dict[str, bytes]:
    result = build(root, **options)  # type: ignore[arg-type]
    read_manifest(result.outdir)  # the manifest names exactly these bytes
    return {path.name: path.read_bytes() for path in result.artifacts}


def gzip_header(sdist: Path) -> tuple[int, int]:
    """(flags, mtime) of the gzip header."""
    raw = sdist.read_bytes()[:10]
    return raw[3], int.from_bytes(raw[4:8], "little")


def members(sdist: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(sdist, "r:gz") as archive:
        return archive.getmembers()


def git(root: Path, *argv: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_COMMITTER_DATE": COMMIT_DATE,
        "GIT_AUTHOR_DATE": COMMIT_DATE,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    subprocess.run(["git", *argv], cwd=root, env=env, check=True, capture_output=True)


def assert_normalized(sdist: Path, epoch: int) -> None:
    flags, mtime = gzip_header(sdist)
    assert flags == 0  # no file name, comment or extra field
    assert mtime == epoch
    infos = members(sdist)
    assert [m.name for m in infos] == sorted(m.name for m in infos)
    for member in infos:
        assert (member.mtime, member.uid, member.gid) == (epoch, 0, 0), member.name
        assert (member.uname, member.gname) == ("", ""), member.name
        assert member.mode in (0o644, 0o755), member.name
        assert member.pax_headers == {}, member.name


# -- whole builds -------------------------------------------------------------


def test_copies_of_a_tree_without_git_build_identical_bytes(tmp_path: Path) -> None:
    first = write_project(tmp_path / "a" / "sound")
    second = write_project(tmp_path / "b" / "sound")
    touch_all(first, 1_000_000_000, 0o644)
    touch_all(second, 1_700_000_000, 0o664)  # another umask, another day
    one = artifact_bytes(first, isolation=False)
    time.sleep(1.1)  # another clock: the gzip header and generated files took the time
    two = artifact_bytes(second, isolation=False)
    assert list(one) == ["sound-1.0.tar.gz", "sound-1.0-py3-none-any.whl"]
    assert one == two
    assert_normalized(first / "dist" / "sound-1.0.tar.gz", DEFAULT_EPOCH)
    assert manifest_path(first / "dist").read_bytes() == manifest_path(second / "dist").read_bytes()


def test_wheel_alone_from_copies_is_identical(tmp_path: Path) -> None:
    first = write_project(tmp_path / "a" / "sound")
    second = write_project(tmp_path / "b" / "sound")
    touch_all(first, 1_000_000_000)
    touch_all(second, 1_700_000_000)
    one = artifact_bytes(first, isolation=False, sdist=False)
    time.sleep(1.1)
    assert artifact_bytes(second, isolation=False, sdist=False) == one


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_git_the_date_is_the_last_commits_and_copies_build_identical_bytes(
    tmp_path: Path,
) -> None:
    first = write_project(tmp_path / "a" / "sound")
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        git(first, *argv)
    second = tmp_path / "b" / "sound"
    shutil.copytree(first, second)  # a second checkout, files written later
    touch_all(first, 1_650_000_000)
    touch_all(second, 1_700_000_000, 0o664)
    one = artifact_bytes(first, isolation=False)
    time.sleep(1.1)
    assert artifact_bytes(second, isolation=False) == one
    sdist = first / "dist" / "sound-1.0.tar.gz"
    assert_normalized(sdist, COMMIT_EPOCH)
    with zipfile.ZipFile(first / "dist" / "sound-1.0-py3-none-any.whl") as wheel:
        assert {info.date_time for info in wheel.infolist()} == {(2021, 3, 4, 5, 6, 8)}


def test_source_date_epoch_from_the_environment_wins(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    result = build(project, isolation=False)
    assert_normalized(result.artifacts[0], 1_600_000_000)
    assert source_date(project).origin == "SOURCE_DATE_EPOCH"


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", ""])
def test_invalid_source_date_epoch_is_a_usage_error(
    project: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        build(project, isolation=False)
    assert not (project / "dist").exists()


def test_cli_invalid_source_date_epoch(project: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    status, out, err = run_cli("build", str(project), "--no-isolation")
    assert status == 2
    assert out == ""
    assert err.splitlines()[0] == (
        "error: SOURCE_DATE_EPOCH='yesterday' is not a number of seconds since 1970"
    )
    assert not (project / "dist").exists()


def test_the_wheel_is_the_one_the_unnormalised_sdist_builds(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Normalising changes no content: python -m build (from setuptools' own sdist) makes
    the same wheel, byte for byte, and an sdist with the same members and contents."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(COMMIT_EPOCH))
    ours = artifact_bytes(project, isolation=False)
    theirs = tmp_path / "theirs"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(theirs), str(project)],
        check=True,
        capture_output=True,
    )
    assert (theirs / "sound-1.0-py3-none-any.whl").read_bytes() == ours[
        "sound-1.0-py3-none-any.whl"
    ]
    raw = theirs / "sound-1.0.tar.gz"
    assert raw.read_bytes() != ours["sound-1.0.tar.gz"]  # setuptools' own is not reproducible
    assert reproducible._contents(raw) == reproducible._contents(project / "dist" / raw.name)


@pytest.mark.slow
def test_isolated_builds_of_copies_are_identical(tmp_path: Path) -> None:
    installer = "uv" if shutil.which("uv") or _has_uv() else "pip"
    first = write_project(tmp_path / "a" / "sound")
    second = write_project(tmp_path / "b" / "sound")
    touch_all(first, 1_000_000_000)
    touch_all(second, 1_700_000_000)
    one = artifact_bytes(first, installer=installer)
    assert artifact_bytes(second, installer=installer) == one
    assert_normalized(first / "dist" / "sound-1.0.tar.gz", DEFAULT_EPOCH)


def _has_uv() -> bool:
    try:
        import uv

        uv.find_uv_bin()
    except (ImportError, FileNotFoundError):
        return False
    return True


# -- other backends: made reproducible by themselves, left as they are --------

HATCHLING = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "sound"
version = "1.0"
description = "A demo package"
readme = "README.md"
license = "MIT"
requires-python = ">=3.11"
"""

BACKENDS = {
    "hatchling": HATCHLING,
    "flit_core": HATCHLING.replace('"hatchling"', '"flit_core>=3.12"').replace(
        "hatchling.build", "flit_core.buildapi"
    ),
}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_a_backend_that_is_reproducible_already_keeps_its_bytes(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip(backend)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(COMMIT_EPOCH))
    files = {"src/sound/zz.py": "", "src/sound/aa/__init__.py": "__all__: list[str] = []\n"}
    root = write_project(tmp_path / "sound", pyproject=BACKENDS[backend], files=files)
    ours = artifact_bytes(root, isolation=False)
    theirs = tmp_path / "theirs"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(theirs), str(root)],
        check=True,
        capture_output=True,
    )
    assert ours == {name: (theirs / name).read_bytes() for name in ours}


# -- normalize_sdist on its own -----------------------------------------------


def _tar_gz(path: Path, entries: list[tarfile.TarInfo], data: dict[str, bytes]) -> Path:
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=DEFAULT_EPOCH) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for info in entries:
            payload = data.get(info.name)
            archive.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return path


def _info(name: str, size: int = 0, **fields: object) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = DEFAULT_EPOCH
    info.mode = 0o644
    for key, value in fields.items():
        setattr(info, key, value)
    return info


def test_a_normalised_sdist_is_left_byte_for_byte(tmp_path: Path) -> None:
    # Not in name order (hatchling's walk order): the backend's order is kept.
    sdist = _tar_gz(
        tmp_path / "sound-1.0.tar.gz",
        [_info("sound-1.0/z.py", 2), _info("sound-1.0/PKG-INFO", 2)],
        {"sound-1.0/z.py": b"z\n", "sound-1.0/PKG-INFO": b"p\n"},
    )
    before = sdist.read_bytes()
    assert normalize_sdist(sdist, DEFAULT_EPOCH) is False
    assert sdist.read_bytes() == before


def test_links_modes_and_duplicates_survive_normalising(tmp_path: Path) -> None:
    data = {"sound-1.0/run.sh": b"#!/bin/sh\n", "sound-1.0/b.txt": b"first\n"}
    entries = [
        _info("sound-1.0", type=tarfile.DIRTYPE, mode=0o775, mtime=1_700_000_000.5),
        _info("sound-1.0/run.sh", 10, mode=0o775, uid=1000, uname="dev", gname="dev"),
        _info("sound-1.0/b.txt", 6, mtime=1_700_000_001),
        _info("sound-1.0/a-link", type=tarfile.LNKTYPE, linkname="sound-1.0/run.sh"),
        _info("sound-1.0/latest", type=tarfile.SYMTYPE, linkname="run.sh", mode=0o777),
    ]
    sdist = _tar_gz(tmp_path / "sound-1.0.tar.gz", entries, data)
    assert normalize_sdist(sdist, COMMIT_EPOCH) is True
    assert_normalized_except_links(sdist)
    with tarfile.open(sdist, "r:gz") as archive:
        by_name = {m.name: m for m in archive.getmembers()}
        assert list(by_name) == sorted(by_name)
        assert by_name["sound-1.0/run.sh"].mode == 0o755
        assert by_name["sound-1.0/a-link"].isfile()  # a hard link becomes its file
        link = archive.extractfile("sound-1.0/a-link")
        assert link is not None and link.read() == b"#!/bin/sh\n"
        assert by_name["sound-1.0/latest"].linkname == "run.sh"
    assert normalize_sdist(sdist, COMMIT_EPOCH) is False  # idempotent


def assert_normalized_except_links(sdist: Path) -> None:
    flags, mtime = gzip_header(sdist)
    assert (flags, mtime) == (0, COMMIT_EPOCH)
    for member in members(sdist):
        assert (member.mtime, member.uid, member.gid, member.uname) == (COMMIT_EPOCH, 0, 0, "")


def test_a_name_stored_twice_stays_twice_in_order(tmp_path: Path) -> None:
    sdist = write_sdist(
        tmp_path, [("sound/__init__.py", "one"), ("README.md", "r"), ("sound/__init__.py", "two")]
    )
    assert normalize_sdist(sdist, DEFAULT_EPOCH) is True
    with tarfile.open(sdist, "r:gz") as archive:
        names = archive.getnames()
        contents = [
            archive.extractfile(m).read()  # type: ignore[union-attr]
            for m in archive.getmembers()
            if m.name.endswith("__init__.py")
        ]
    assert names.count("sound-1.0/sound/__init__.py") == 2
    assert contents == [b"one", b"two"]


def test_gzip_header_with_another_name_or_time_is_rewritten(tmp_path: Path) -> None:
    sdist = tmp_path / "sound-1.0.tar.gz"
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.PAX_FORMAT) as archive:
        archive.addfile(_info("sound-1.0/PKG-INFO", 2), io.BytesIO(b"p\n"))
    with (
        sdist.open("wb") as raw,
        gzip.GzipFile(filename="build-tmp.tar", mode="wb", fileobj=raw, mtime=5) as compressed,
    ):
        compressed.write(tar.getvalue())
    assert gzip_header(sdist)[0] & 8  # FNAME
    assert normalize_sdist(sdist, DEFAULT_EPOCH) is True
    assert gzip_header(sdist) == (0, DEFAULT_EPOCH)


def test_a_broken_sdist_is_a_build_error(tmp_path: Path) -> None:
    sdist = tmp_path / "sound-1.0.tar.gz"
    sdist.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 20)
    with pytest.raises(BuildError, match=r"cannot normalise sound-1\.0\.tar\.gz"):
        normalize_sdist(sdist, DEFAULT_EPOCH)


def test_a_rewrite_that_loses_a_member_is_refused_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sdist = write_sdist(tmp_path, [("sound/__init__.py", "x")])
    before = sdist.read_bytes()
    real = reproducible._rewrite

    def lossy(source: Path, target: Path, epoch: int) -> list[reproducible.Entry]:
        entries = real(source, target, epoch)
        with tarfile.open(target, "r:gz") as archive:
            kept = [m for m in archive.getmembers() if m.name.endswith("PKG-INFO")]
            payload = archive.extractfile(kept[0]).read()  # type: ignore[union-attr]
        with tarfile.open(target, "w:gz") as archive:
            archive.addfile(kept[0], io.BytesIO(payload))
        return entries

    monkeypatch.setattr(reproducible, "_rewrite", lossy)
    with pytest.raises(BuildError, match="changed its contents"):
        normalize_sdist(sdist, DEFAULT_EPOCH)
    assert sdist.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sound-1.0.tar.gz"]


def test_a_failed_normalisation_leaves_dist_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = project / "dist"
    dist.mkdir()
    (dist / "sound-0.9.tar.gz").write_bytes(b"old")

    def broken(source: Path, target: Path, epoch: int) -> list[reproducible.Entry]:
        target.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(reproducible, "_rewrite", broken)
    with pytest.raises(BuildError, match="disk full"):
        build(project, isolation=False)
    assert sorted(p.name for p in dist.iterdir()) == ["sound-0.9.tar.gz"]


def test_without_git_or_commit_the_date_is_fixed(tmp_path: Path) -> None:
    assert source_date(tmp_path) == reproducible.SourceDate(
        DEFAULT_EPOCH, "no git commit: the fixed date 1980-01-01"
    )
    if shutil.which("git"):
        git(tmp_path, "init", "-q")  # a repository with no commit yet
        assert source_date(tmp_path).epoch == DEFAULT_EPOCH
