"""Shared fixtures."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from pkgforge.cli import main

# The property tests draw the same examples on every run, so the suite (and CI) gives
# the same verdict until the code changes; `HYPOTHESIS_PROFILE=explore` draws new and
# more examples, to hunt for bugs (turn what it finds into an explicit @example).
settings.register_profile("suite", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_template_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``new`` keeps compiled templates in the user cache; the tests keep theirs here (the
    variable reaches the subprocesses too)."""
    from pkgforge.scaffold.jinjacache import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("template-cache"))


@pytest.fixture(autouse=True, scope="session")
def _no_index_by_default() -> None:
    """``new`` and ``publish --dry-run`` ask no real index from the suite: a test that
    means to ask one (a local index) passes ``offline=False`` or ``--index-url``."""
    from pkgforge.availability import OFFLINE_ENV

    os.environ[OFFLINE_ENV] = "1"


@pytest.fixture(autouse=True)
def _pkgforge_logger_restored() -> Iterator[None]:
    """Every test leaves the ``pkgforge`` logger as it found it: a test that calls
    ``pkgforge.cli.main`` directly points it at that test's captured stderr, which pytest
    closes, and the next test in the same worker would log into the closed stream
    ("--- Logging error ---" and a traceback on its stderr)."""
    logger = logging.getLogger("pkgforge")
    saved = (logger.handlers[:], logger.propagate, logger.level, logger.filters[:])
    yield
    logger.handlers[:], logger.propagate, logger.level, logger.filters[:] = saved


@pytest.fixture(autouse=True, scope="session")
def _isolated_verify_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``build`` and ``verify`` keep their environments in the user cache; the tests keep
    theirs here (the variable reaches the subprocesses too)."""
    from pkgforge.release.verify.environment import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("verify-cache"))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``pkgforge ARGS`` in-process; return (exit status, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


REPO_ROOT = Path(__file__).resolve().parents[1]
PKGFORGE_URL = "https://github.com/pkgforge/pkgforge"


@pytest.fixture(scope="session")
def pkgforge_git_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A local git repository of this pkgforge, tagged ``v{__version__}`` as a release is.

    Returns the repository and the environment that makes git (so pip and
    pre-commit) fetch ``https://github.com/pkgforge/pkgforge`` from it: what points
    pre-commit at the repository (``.pre-commit-hooks.yaml``) resolves here, without
    GitHub.
    """
    import pkgforge

    if not (REPO_ROOT / "pyproject.toml").is_file() or shutil.which("git") is None:
        pytest.skip("needs pkgforge's source tree and git")
    repo = tmp_path_factory.mktemp("pkgforge-repo") / "pkgforge"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    repo.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, repo / name)
    shutil.copy2(REPO_ROOT / ".pre-commit-hooks.yaml", repo / ".pre-commit-hooks.yaml")
    for name in ("src", "templates"):
        shutil.copytree(REPO_ROOT / name, repo / name, ignore=ignore)
    git = ["git", "-c", "user.name=pkgforge tests", "-c", "user.email=tests@example.org"]
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["commit", "-q", "-m", "release"],
        ["tag", f"v{pkgforge.__version__}"],
    ):
        subprocess.run([*git, *argv], cwd=repo, check=True, capture_output=True)
    env = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{repo.as_uri()}.insteadOf",
        "GIT_CONFIG_VALUE_0": PKGFORGE_URL,
    }
    return repo, env


@pytest.fixture(scope="session")
def pkgforge_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, ``pkgforge_cli-VERSION-py3-none-any.whl``, built once."""
    import sys

    if not (REPO_ROOT / "pyproject.toml").is_file():
        pytest.skip("needs pkgforge's source tree")
    out = tmp_path_factory.mktemp("pkgforge-wheel")
    build = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    subprocess.run([*build, str(REPO_ROOT)], check=True, capture_output=True, timeout=600)
    (wheel,) = out.glob("pkgforge_cli-*.whl")
    return wheel


@pytest.fixture(scope="session")
def pkgforge_index(
    tmp_path_factory: pytest.TempPathFactory, pkgforge_wheel: Path
) -> Iterator[tuple[str, Path]]:
    """A pypiserver that holds this checkout's wheel, as PyPI will hold a release.

    What it does not hold (pkgforge-cli's dependencies) it sends on to PyPI, as
    pypiserver does by default. Yields the simple API's URL and the server's log, where
    each request shows.
    """
    from tests.localindex import pypiserver

    root = tmp_path_factory.mktemp("pkgforge-index")
    packages = root / "packages"
    packages.mkdir()
    shutil.copy2(pkgforge_wheel, packages / pkgforge_wheel.name)
    log = root / "server.log"
    with pypiserver(packages, log, ["-v"]) as url:  # -v: each request in the log
        yield f"{url}simple/", log
