"""Wheels, sdists and source projects made on the spot for the build and dist-rule tests."""

from __future__ import annotations

import io
import logging
import tarfile
import textwrap
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

Members = Iterable[tuple[str, str | bytes]]

METADATA = """\
Metadata-Version: 2.4
Name: {name}
Version: {version}
Summary: A demo package
Description-Content-Type: text/markdown

# Sound

A package for sound files.
"""


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


def write_wheel(
    directory: Path,
    members: Members = (),
    *,
    name: str = "sound",
    version: str = "1.0",
    metadata: str | None = None,
) -> Path:
    """A wheel with ``members`` (duplicates allowed) plus dist-info METADATA/WHEEL/RECORD."""
    path = directory / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    meta = metadata if metadata is not None else METADATA.format(name=name, version=version)
    wheel = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    # zipfile warns on a duplicate name; the duplicate is the point of some fixtures.
    with zipfile.ZipFile(path, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for member, data in members:
            archive.writestr(member, _bytes(data))
        archive.writestr(f"{info}/METADATA", meta)
        archive.writestr(f"{info}/WHEEL", wheel)
        archive.writestr(f"{info}/RECORD", "")
    return path


def write_sdist(
    directory: Path,
    members: Members = (),
    *,
    name: str = "sound",
    version: str = "1.0",
    metadata: str | None = None,
) -> Path:
    """An sdist ``name-version.tar.gz`` with PKG-INFO and ``members`` under its top directory."""
    path = directory / f"{name}-{version}.tar.gz"
    top = f"{name}-{version}"
    meta = metadata if metadata is not None else METADATA.format(name=name, version=version)
    with tarfile.open(path, "w:gz") as archive:
        for member, data in [("PKG-INFO", meta), *members]:
            payload = _bytes(data)
            info = tarfile.TarInfo(f"{top}/{member}")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path


@pytest.fixture(autouse=True)
def _restore_pkgforge_logger() -> Iterator[None]:
    """The CLI installs a handler on a stream pytest closes later (in any earlier test):
    start each test with the logger as a library user has it, restore it afterwards."""
    logger = logging.getLogger("pkgforge")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers[:], logger.propagate, logger.level = [], True, logging.NOTSET
    yield
    logger.handlers[:], logger.propagate, logger.level = saved[0], saved[1], saved[2]


@pytest.fixture
def make_wheel(tmp_path: Path) -> Callable[..., Path]:
    def make(members: Members = (), **kwargs: str) -> Path:
        return write_wheel(tmp_path, members, **kwargs)

    return make


@pytest.fixture
def make_sdist(tmp_path: Path) -> Callable[..., Path]:
    def make(members: Members = (), **kwargs: str) -> Path:
        return write_sdist(tmp_path, members, **kwargs)

    return make


PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "1.0"
description = "A demo package"
readme = "README.md"
license = "MIT"
requires-python = ">=3.11"
dependencies = []

[tool.setuptools.packages.find]
where = ["src"]
"""


def write_project(
    root: Path, *, name: str = "sound", files: dict[str, str] | None = None, pyproject: str = ""
) -> Path:
    """A small src-layout setuptools project; ``files`` adds or overrides files."""
    content = {
        "pyproject.toml": pyproject or PYPROJECT.format(name=name),
        "README.md": f"# {name}\n\nA demo package.\n",
        "LICENSE": "MIT License\n",
        f"src/{name}/__init__.py": '"""Sound."""\n\n__all__: list[str] = []\n',
        f"src/{name}/formats/__init__.py": '"""Formats."""\n\n__all__ = ["wav"]\n',
        f"src/{name}/formats/wav.py": '"""WAV files."""\n\n\ndef read() -> bytes:\n'
        '    return b""\n',
    }
    content.update(files or {})
    for relpath, text in content.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "sound")


def build_wheel(root: Path, outdir: Path) -> Path:
    """The wheel of the project at ``root``, built by its real backend (no isolation)."""
    from build import ProjectBuilder
    from pyproject_hooks import quiet_subprocess_runner

    builder = ProjectBuilder(root, runner=quiet_subprocess_runner)
    return Path(builder.build("wheel", outdir))


def dependency_wheel(folder: Path, name: str, source: str = "VALUE = 1\n") -> Path:
    """A wheel of distribution ``name`` (one package, its import name) in ``folder``: what a
    find-links folder serves."""
    import_name = name.replace("-", "_")
    folder.mkdir(parents=True, exist_ok=True)
    return write_wheel(
        folder,
        [(f"{import_name}/__init__.py", source)],
        name=import_name,
        metadata=f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
    )


def local_index(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """pip and uv install from ``folder`` alone: no configuration file, no index."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in [n for n in __import__("os").environ if n.startswith(("PIP_", "UV_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    monkeypatch.setenv("UV_NO_INDEX", "1")
    monkeypatch.setenv("UV_FIND_LINKS", str(folder))
