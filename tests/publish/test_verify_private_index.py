"""A wheel's dependencies from a private index: credentials reach the installer, never
the imports.

A real pypiserver that asks for a password to list and download serves the
dependency; pip finds it through ``PIP_INDEX_URL`` (its own configuration, with
its configuration files out of the way), as a private index is set up in CI.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkgforge.release.verify.verifier import verify_wheel
from tests.localindex import pypiserver

from .conftest import PASSWORD, USERNAME

pytestmark = pytest.mark.slow

SNOOP = (
    "import os\n"
    f"seen = [k for k, v in os.environ.items() if {PASSWORD!r} in v]\n"
    "if seen:\n"
    "    raise RuntimeError(f'the index password is visible in {seen}')\n"
    "import pf_private_dep\n"
)


@pytest.fixture(scope="module")
def private_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(simple URL without credentials, the served folder) of an index that needs a password
    for everything."""
    from passlib.apache import HtpasswdFile

    root = tmp_path_factory.mktemp("private-index")
    packages = root / "packages"
    packages.mkdir()
    htpasswd = HtpasswdFile(str(root / "htpasswd"), new=True)
    htpasswd.set_password(USERNAME, PASSWORD)
    htpasswd.save()
    options = ["-P", str(root / "htpasswd"), "-a", "download,list,update"]
    with pypiserver(packages, root / "server.log", options, ready="health") as url:
        yield f"{url}simple/", packages


@pytest.fixture
def wheel(tmp_path: Path, private_index: tuple[str, Path]) -> Path:
    from tests.release.conftest import build_wheel, dependency_wheel, write_project

    dependency_wheel(private_index[1], "pf-private-dep")
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "sound"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["pf-private-dep"]\n'
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
    )
    root = write_project(
        tmp_path / "sound", pyproject=pyproject, files={"src/sound/snoop.py": SNOOP}
    )
    return build_wheel(root, tmp_path / "wheels")


def _pip_index(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    for name in [n for n in __import__("os").environ if n.startswith(("PIP_", "UV_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_INDEX_URL", url)
    monkeypatch.setenv("PIP_KEYRING_PROVIDER", "disabled")


def test_credentials_reach_the_install_and_not_the_imports(
    wheel: Path,
    private_index: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="pkgforge")
    url = private_index[0].replace("http://", f"http://{USERNAME}:{PASSWORD}@")
    _pip_index(monkeypatch, url)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    verification = verify_wheel(wheel)
    assert verification.ran, verification.reason  # pip had the password
    assert verification.findings == ()  # the imports did not: snoop saw no password
    assert "sound.snoop" in verification.imported_cleanly


def test_without_credentials_the_verification_cannot_run_and_says_why(
    wheel: Path,
    private_index: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _pip_index(monkeypatch, private_index[0])
    verification = verify_wheel(wheel)
    assert not verification.ran
    assert verification.reason.startswith("pip could not install the declared dependencies")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"{wheel.name} was not verified: {verification.reason}"]


def test_an_installer_failure_never_shows_the_password(
    tmp_path: Path,
    private_index: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.release.conftest import write_wheel

    caplog.set_level(logging.DEBUG, logger="pkgforge")
    url = private_index[0].replace("http://", f"http://{USERNAME}:{PASSWORD}@")
    _pip_index(monkeypatch, url)
    metadata = "Metadata-Version: 2.1\nName: sound\nVersion: 1.0\nRequires-Dist: pf-nowhere-dep\n"
    wheel = write_wheel(tmp_path, [("sound/__init__.py", "")], metadata=metadata)
    verification = verify_wheel(wheel)
    assert not verification.ran
    assert "pf-nowhere-dep" in verification.reason
    assert PASSWORD not in verification.reason
    assert PASSWORD not in caplog.text
