"""The ``pkgforge-check`` pre-commit hook: valid for pre-commit, documented, and working.

The slow test runs the real ``pre-commit try-repo`` against a local git
repository of this pkgforge, in a generated project: pre-commit builds the
hook's environment from PyPI, as it would for a user who points pre-commit at the
repository. (Generated projects use a ``repo: local`` hook with
``additional_dependencies: ["pkgforge-cli==..."]`` instead:
tests/scaffold/test_pins_resolve.py installs and runs that one.)
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

REPO_ROOT = Path(__file__).resolve().parents[2]
HOOKS_FILE = REPO_ROOT / ".pre-commit-hooks.yaml"


def test_hook_file_passes_pre_commits_own_schema() -> None:
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(HOOKS_FILE))
    assert hook["id"] == "pkgforge-check"
    assert hook["entry"] == "pkgforge check"
    assert hook["language"] == "python"
    # A whole-project checker: no file names, and it runs even when a commit only deletes.
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True


def test_hook_entry_is_a_command_of_this_pkgforge() -> None:
    """``pkgforge check`` as pre-commit runs it: no arguments, in the project's folder."""
    (hook,) = yaml.safe_load(HOOKS_FILE.read_text("utf-8"))
    program, *argv = hook["entry"].split()
    assert program == "pkgforge"
    done = subprocess.run(
        [sys.executable, "-m", "pkgforge", *argv, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _docs_examples() -> dict[str, str]:
    """The pre-commit configs of docs/check.md, by repository (``local`` or the URL)."""
    text = (REPO_ROOT / "docs" / "check.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    examples = [b for b in blocks if "pkgforge-check" in b]
    return {yaml.safe_load(b)["repos"][0]["repo"]: b for b in examples}


def _load_config(tmp_path: Path, text: str) -> dict:  # type: ignore[type-arg]
    from pre_commit.clientlib import load_config

    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(str(path))  # type: ignore[no-any-return]


def test_docs_examples_are_valid_configs_pinned_to_this_release(tmp_path: Path) -> None:
    examples = _docs_examples()
    assert set(examples) == {"local", "https://github.com/pkgforge/pkgforge"}
    (repo,) = _load_config(tmp_path, examples["https://github.com/pkgforge/pkgforge"])["repos"]
    assert repo["rev"] == f"v{pkgforge.__version__}"
    assert [hook["id"] for hook in repo["hooks"]] == ["pkgforge-check"]
    (local,) = _load_config(tmp_path, examples["local"])["repos"]
    (hook,) = local["hooks"]
    assert hook["additional_dependencies"] == [f"pkgforge-cli=={pkgforge.__version__}"]
    # The same hook as the repository's .pre-commit-hooks.yaml describes.
    (published,) = yaml.safe_load(HOOKS_FILE.read_text("utf-8"))
    for key in ("id", "entry", "language", "pass_filenames", "always_run", "require_serial"):
        assert hook[key] == published[key], key


def _git(project: Path, *argv: str) -> None:
    subprocess.run(["git", *argv], cwd=project, check=True, capture_output=True)


@pytest.mark.slow
@pytest.mark.network
def test_try_repo_in_a_generated_project(
    tmp_path: Path, pkgforge_git_repo: tuple[Path, dict[str, str]]
) -> None:
    repo, _ = pkgforge_git_repo
    project = new_project("sound", output_dir=tmp_path, no_input=True, run_check=False).project_dir
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    # pre-commit's own cache: the hook's environment is built here, from PyPI.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    argv = [sys.executable, "-m", "pre_commit", "try-repo", str(repo), "pkgforge-check"]

    def try_repo(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*argv, *extra],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    clean = try_repo("--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"pkgforge check\.+Passed", clean.stdout), clean.stdout

    # A commit that only deletes a module another one imports: no file name to pass,
    # yet the whole-project check runs and fails.
    package = project / "src" / "sound"
    (package / "wav.py").write_text('"""WAV."""\n\n\ndef read() -> bytes:\n    return b""\n')
    (package / "player.py").write_text('"""Play."""\n\nfrom sound.wav import read\n')
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "wav")
    _git(project, "rm", "-q", "src/sound/wav.py")
    broken = try_repo()  # the staged change only
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "PF404" in broken.stdout, broken.stdout
