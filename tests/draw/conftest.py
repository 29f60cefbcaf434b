"""Fixtures of the drawing tests: the tutorial's sound project, Graphviz and Chromium.

Graphviz and Chromium are Debian packages (``apt-get install graphviz chromium``; .ci/run
installs them); a test that needs one skips, with that reason, where it is missing.
Playwright drives the system's Chromium: no browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tools import load_tool

sound_demo = load_tool("sound_demo")

CHROMIUM = os.environ.get("PKGFORGE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_ENV = "PKGFORGE_TEST_ARTIFACTS"
"""A folder where the browser tests also save their screenshots (CI uploads it)."""


@pytest.fixture(scope="session")
def sound_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tools/sound_demo.py's project: the tutorial's modules and imports (read-only)."""
    return sound_demo.make(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def needs_dot() -> str:
    found = shutil.which("dot")
    if found is None:
        pytest.skip("Graphviz's dot is not installed (Debian: apt-get install graphviz)")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (it is in the test dependency group)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def save_artifact(source: Path) -> None:
    """Copy ``source`` into $PKGFORGE_TEST_ARTIFACTS when it is set."""
    folder = os.environ.get(ARTIFACTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, Path(folder) / source.name)


def python_imports(project: Path, module: str) -> subprocess.CompletedProcess[str]:
    """Import ``module`` of ``project`` (its src/ on the path) first in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(project / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # tests copy and edit these projects within a second
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=project,
    )
