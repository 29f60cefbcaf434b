"""The generated project's release workflow, run here step by step up to the upload.

The ``run:`` steps of ``.github/workflows/release.yml`` run unchanged, in order,
in a generated project (a git repository, as the checkout with ``fetch-depth: 0``
makes it), with a fresh venv first on PATH as ``actions/setup-python`` puts its
Python. ``pip install "pkgforge-cli==X"`` installs this checkout's wheel from the
local pypiserver (pip isolated from this machine's configuration; pkgforge-cli's
dependencies come through pypiserver's fallback to PyPI). The ``uses:``
steps are stood in for: the artifact hand-over by a folder, and
``pypa/gh-action-pypi-publish`` by twine uploading the same folder to the local
pypiserver. Then the package is installed from that index into a fresh venv,
with pip isolated, and imported.

Also here: the generated noxfile's ``build`` session after ``pkgforge build``,
which failed on ``twine check dist/.pkgforge-manifest.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml

from pkgforge.scaffold import new_project
from tests.localindex import isolated_pip_environ

from .conftest import LocalIndex

pytestmark = [pytest.mark.slow, pytest.mark.network]

BIN = "Scripts" if os.name == "nt" else "bin"


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{output[-6000:]}"
    return output


def _git(project: Path, *argv: str) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, *argv], cwd=project, check=True, capture_output=True)


def _fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    return path / BIN


def _isolated_environ(extra: dict[str, str]) -> dict[str, str]:
    """No pip configuration of this machine, no twine credentials of the user."""
    return isolated_pip_environ(**extra)


def _run_step(step: dict[str, Any], project: Path, env: dict[str, str], scripts: Path) -> str:
    """A ``run:`` step as the runner runs it: bash -eo pipefail, or ``shell: python``."""
    shell = step.get("shell", "bash")
    script = scripts / f"step-{len(list(scripts.iterdir()))}"
    script.write_text(step["run"], encoding="utf-8")
    if shell == "python":
        return _run(["python", str(script)], project, env)
    assert shell == "bash", f"a shell this test does not know: {shell}"
    return _run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], project, env)


@pytest.fixture
def released(
    tmp_path: Path,
    unique_name: str,
    local_index: LocalIndex,
    pkgforge_wheel: Path,
) -> dict[str, Any]:
    """Run the release workflow of a generated project; return what it staged and printed."""
    # The index holds this pkgforge release, as PyPI will: the workflow pins it.
    shutil.copy2(pkgforge_wheel, local_index.packages / pkgforge_wheel.name)
    project = new_project(
        unique_name, output_dir=tmp_path, no_input=True, run_check=False
    ).project_dir
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "init")
    # An older build lying in dist/ (dist/ is ignored by git): never staged.
    (project / "dist").mkdir()
    (project / "dist" / f"{unique_name.replace('-', '_')}-0.0.9.tar.gz").write_bytes(b"old")
    workflow = yaml.safe_load((project / ".github/workflows/release.yml").read_text("utf-8"))

    runner_bin = _fresh_venv(tmp_path / "runner")  # what actions/setup-python provides
    env = _isolated_environ(
        {
            "PIP_INDEX_URL": local_index.simple_url,
            **{k: str(v) for k, v in workflow.get("env", {}).items()},
            "PATH": f"{runner_bin}{os.pathsep}{os.environ['PATH']}",
            "VIRTUAL_ENV": str(runner_bin.parent),
        }
    )
    scripts = tmp_path / "steps"
    scripts.mkdir()
    artifact: Path | None = None
    log: list[str] = []
    for step in workflow["jobs"]["dist"]["steps"]:
        uses = step.get("uses", "")
        if "run" in step:
            log.append(_run_step(step, project, env, scripts))
        elif uses.startswith("actions/checkout@"):
            assert step["with"]["fetch-depth"] == 0  # the git history is here: SOURCE_DATE_EPOCH
        elif uses.startswith("actions/setup-python@"):
            pass  # the fresh venv first on PATH
        elif uses.startswith("actions/upload-artifact@"):
            artifact = project / step["with"]["path"]
        else:
            pytest.fail(f"a step this test does not know: {step}")
    assert artifact is not None
    return {"project": project, "artifact": artifact, "log": "\n".join(log), "workflow": workflow}


def test_release_workflow_uploads_exactly_what_pkgforge_built(
    released: dict[str, Any], local_index: LocalIndex, unique_name: str, tmp_path: Path
) -> None:
    project: Path = released["project"]
    artifact: Path = released["artifact"]
    # pkgforge build ran its check, built, inspected, and wrote the manifest.
    assert "will not upload them" in released["log"]  # it saw the older build in dist/
    manifest = json.loads((project / "dist" / ".pkgforge" / "manifest.json").read_text())
    recorded = {a["filename"]: a["sha256"] for a in manifest["artifacts"]}
    assert len(recorded) == 2

    # A stray file in dist/ (an older build, say) is not staged: only the manifest's files.
    staged = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in artifact.iterdir()}
    assert staged == recorded

    publish = released["workflow"]["jobs"]["publish"]
    (download,) = [s for s in publish["steps"] if "download-artifact" in s["uses"]]
    (upload,) = [s for s in publish["steps"] if "gh-action-pypi-publish" in s["uses"]]
    # The job uploads what it downloaded, and that is the staged folder.
    assert download["with"]["path"] == upload["with"]["packages-dir"]
    twine = [sys.executable, "-m", "twine", "upload", "--non-interactive"]
    twine += ["--repository-url", local_index.url, *sorted(str(p) for p in artifact.iterdir())]
    env = _isolated_environ(
        {"TWINE_USERNAME": local_index.username, "TWINE_PASSWORD": local_index.password}
    )
    _run(twine, project, env)
    assert local_index.files_of(unique_name) == sorted(recorded)

    # Installed from that index alone into a fresh venv, it imports.
    user_bin = _fresh_venv(tmp_path / "user")
    pip = [str(user_bin / "python"), "-m", "pip", "install", "--isolated", "--no-cache-dir"]
    _run(
        [*pip, "--index-url", local_index.simple_url, unique_name],
        tmp_path,
        _isolated_environ({}),
    )
    import_name = unique_name.replace("-", "_")
    out = _run(
        [str(user_bin / "python"), "-c", f"import {import_name}; print({import_name}.__version__)"],
        tmp_path,
        _isolated_environ({}),
    )
    assert out.strip() == manifest["version"]

    # The staging step re-hashes: a file replaced after `pkgforge build` stops the release.
    (stage,) = [s for s in released["workflow"]["jobs"]["dist"]["steps"] if s.get("shell")]
    artifact.rename(tmp_path / "first-staging")
    wheel = next((project / "dist").glob("*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    script = tmp_path / "stage.py"
    script.write_text(stage["run"], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=project, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "changed after pkgforge build recorded it" in done.stderr
