"""A generated project's pins of pkgforge resolve from an index, as they will from PyPI.

The project pins ``pkgforge-cli==<this release>`` (its noxfile, its release workflow
and a ``repo: local`` pre-commit hook): no git tag that may not exist. Here a local
pypiserver holds the wheel built from this checkout, pip reads nothing of this
machine's configuration (only ``PIP_INDEX_URL``), and the project's own ``check``
session and its ``pkgforge-check`` hook install pkgforge from that index and run it.
pkgforge-cli's dependencies come through pypiserver's fallback to PyPI (network).
The release workflow's pin is installed the same way in
tests/publish/test_release_workflow.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import pkgforge
from pkgforge.scaffold import new_project
from tests.localindex import isolated_pip_environ

pytestmark = [pytest.mark.slow, pytest.mark.network]


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=1200
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{output[-6000:]}"
    return output


def test_the_check_session_and_the_hook_install_the_pinned_release_from_the_index(
    tmp_path: Path, pkgforge_index: tuple[str, Path]
) -> None:
    simple_url, server_log = pkgforge_index
    project = new_project("sound", output_dir=tmp_path, no_input=True, run_check=False).project_dir
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    bin_dir = str(Path(sys.executable).parent)  # nox and pre-commit, as a developer has them
    env = isolated_pip_environ(
        PIP_INDEX_URL=simple_url,
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit"),
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    )
    # pip asks the index for the project's page (the wheel itself may come from pip's cache).
    asked = "GET /simple/pkgforge-cli/"

    # The noxfile's check session: pip installs PKGFORGE into the session's venv.
    nox = [sys.executable, "-m", "nox", "--session", "check", "--force-venv-backend", "virtualenv"]
    out = _run(nox, project, env)
    assert f"pkgforge-cli=={pkgforge.__version__}" in out
    assert "Session check was successful" in out
    assert server_log.read_text().count(asked) >= 1, "pkgforge-cli did not come from the index"

    # The pkgforge-check hook: pre-commit builds its environment with the pin. The other
    # hooks' repositories are on GitHub, out of reach here: the config keeps only this one.
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text("utf-8"))
    config["repos"] = [repo for repo in config["repos"] if repo["repo"] == "local"]
    only_local = tmp_path / "pre-commit-config.yaml"
    only_local.write_text(yaml.safe_dump(config), encoding="utf-8")
    before = server_log.read_text().count(asked)
    hook = [sys.executable, "-m", "pre_commit", "run", "pkgforge-check", "--all-files"]
    hook += ["--config", str(only_local)]
    out = _run(hook, project, env)
    assert re.search(r"pkgforge check\.+Passed", out), out
    assert server_log.read_text().count(asked) > before, "the hook's pkgforge is not the index's"
