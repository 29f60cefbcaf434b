"""Shared fixtures."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pkgforge.cli import main


@pytest.fixture(autouse=True, scope="session")
def _isolated_template_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``new`` keeps compiled templates in the user cache; the tests keep theirs here (the
    variable reaches the subprocesses too)."""
    from pkgforge.scaffold.jinjacache import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("template-cache"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_verify_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``build`` and ``verify`` keep their environments in the user cache; the tests keep
    theirs here (the variable reaches the subprocesses too)."""
    from pkgforge.release.verify.environment import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("verify-cache"))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``pkgforge ARGS`` in-process; return (exit status, stdout, stderr)."""

    logger = logging.getLogger("pkgforge")
    saved = (logger.handlers[:], logger.propagate, logger.level)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    # main() pointed the logger at this test's captured stderr, which pytest closes.
    logger.handlers[:], logger.propagate, logger.level = saved


REPO_ROOT = Path(__file__).resolve().parents[1]
PKGFORGE_URL = "https://github.com/pkgforge/pkgforge"


@pytest.fixture(scope="session")
def pkgforge_git_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A local git repository of this pkgforge, tagged ``v{__version__}`` as a release is.

    Returns the repository and the environment that makes git (so pip and
    pre-commit) fetch ``https://github.com/pkgforge/pkgforge`` from it: the
    generated project's pins then resolve here, unchanged, without GitHub.
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
