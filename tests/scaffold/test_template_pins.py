"""The default template's pins are current, and stay current: drift is a test failure.

- pre-commit hook revisions equal the versions constraints.txt locks for this test
  environment (ruff, mypy, validate-pyproject, zizmor). The index publishing a newer
  version is drift: ``nox -s pins`` reports it, no test fails on it;
- pkgforge itself is pinned as ``pkgforge-cli==<this release>`` from the index (the
  noxfile, the release workflow, and a ``repo: local`` pre-commit hook), never a git
  tag; tests/scaffold/test_pins_resolve.py installs those pins from a local index;
- a weekly workflow reports drift (``nox -s pins``) and fails on none;
- every GitHub Action is pinned by full commit SHA with its version in a comment,
  both as recorded in ``template_pins.toml``;
- zizmor finds nothing, with no relaxing configuration;
- each job has only the permissions it needs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

import pkgforge
from tests.tools import load_tool

PINS = tomllib.loads((Path(__file__).with_name("template_pins.toml")).read_text("utf-8"))
TEMPLATE = Path(pkgforge.__file__).parent / "templates" / "default"
if not TEMPLATE.is_dir():  # an editable install: the templates are at the repository's top
    TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "default"

# pre-commit hook repository -> the distribution whose locked version its rev must be.
HOOK_TOOLS: dict[str, str] = PINS["hooks"]
REPO_ROOT = Path(__file__).resolve().parents[2]
LOCK = REPO_ROOT / "constraints.txt"
PINS_TOOL = load_tool("pins")
PKGFORGE_PIN = f"pkgforge-cli=={pkgforge.__version__}"
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*\S))?\s*$")
FULL_SHA = re.compile(r"[0-9a-f]{40}")


def _locked(distribution: str) -> str:
    """The one version constraints.txt pins ``distribution`` at."""
    versions = PINS_TOOL.parse_lock(LOCK.read_text("utf-8")).get(canonicalize_name(distribution))
    assert versions is not None, f"constraints.txt does not pin {distribution}"
    assert len(versions) == 1, f"constraints.txt pins {distribution} at {sorted(versions)}"
    return next(iter(versions))


def _workflows(project: Path) -> list[Path]:
    return sorted((project / ".github" / "workflows").glob("*.yml"))


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _hooks(project: Path) -> dict[str, dict[str, Any]]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text("utf-8"))
    return {repo["repo"]: repo for repo in config["repos"]}


# -- pre-commit ------------------------------------------------------------------------


@pytest.mark.parametrize(("repo", "distribution"), sorted(HOOK_TOOLS.items()))
def test_hook_revision_is_the_locked_version(
    sound_template_project: Path, repo: str, distribution: str
) -> None:
    locked = _locked(distribution)
    rev = _hooks(sound_template_project)[repo]["rev"]
    assert rev == f"v{locked}", (
        f"{repo} is pinned at {rev} but constraints.txt locks {distribution} "
        f"{locked}: set rev: v{locked} in the default template's .pre-commit-config.yaml"
    )


def test_mypy_hook_satisfies_the_dev_group(sound_template_project: Path) -> None:
    pyproject = tomllib.loads((sound_template_project / "pyproject.toml").read_text("utf-8"))
    (spec,) = [
        r for r in pyproject["dependency-groups"]["dev"] if isinstance(r, str) and "mypy" in r
    ]
    rev = _hooks(sound_template_project)["https://github.com/pre-commit/mirrors-mypy"]["rev"]
    assert Version(rev.removeprefix("v")) in SpecifierSet(spec.removeprefix("mypy"))


def test_pkgforge_hook_is_a_local_hook_pinned_to_this_release(
    sound_template_project: Path,
) -> None:
    """No git tag to resolve: pre-commit installs the pinned release from the index."""
    (hook,) = _hooks(sound_template_project)["local"]["hooks"]
    assert hook["id"] == "pkgforge-check"
    assert hook["language"] == "python"
    assert hook["entry"] == "pkgforge check"
    assert hook["additional_dependencies"] == [PKGFORGE_PIN]
    # The same whole-project hook as this repository's .pre-commit-hooks.yaml.
    (published,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    for key in ("pass_filenames", "always_run", "require_serial"):
        assert hook[key] == published[key], key


def test_every_pkgforge_pin_is_this_release_from_the_index(sound_template_project: Path) -> None:
    """The hook, the nox sessions and the release workflow install the same pkgforge-cli."""
    found: dict[str, set[str]] = {}
    for path in sound_template_project.rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8")
            assert "git+https://github.com/pkgforge" not in text, path
            for version in re.findall(r"pkgforge-cli==([^\"'\s]+)", text):
                found.setdefault(version, set()).add(path.name)
            # pkgforge installed by its bare name would be the unrelated "pkgforge" on PyPI.
            assert not re.search(r"install[^\n]*[\"' ]pkgforge[\"'\s=<>]", text), path
    assert found == {pkgforge.__version__: {"noxfile.py", "release.yml", ".pre-commit-config.yaml"}}


# -- GitHub Actions --------------------------------------------------------------------


def test_every_action_is_pinned_by_sha_with_its_version(sound_template_project: Path) -> None:
    expected = PINS["actions"]
    used: set[str] = set()
    for path in _workflows(sound_template_project):
        text = path.read_text("utf-8")
        lines = [m for line in text.splitlines() if (m := USES_LINE.match(line))]
        # Every `uses:` of the parsed workflow is one of the lines read here.
        parsed = [step["uses"] for step in _steps(yaml.safe_load(text)) if "uses" in step]
        assert [m["ref"] for m in lines] == parsed, path.name
        for match in lines:
            action, _, ref = match["ref"].partition("@")
            where = f"{path.name}: {match.group(0).strip()}"
            assert FULL_SHA.fullmatch(ref), f"{where}: not pinned by a full commit SHA"
            assert match["comment"], f"{where}: no '# vX.Y.Z' comment after the SHA"
            assert action in expected, f"{where}: not recorded in template_pins.toml"
            assert (ref, match["comment"]) == (expected[action]["sha"], expected[action]["tag"]), (
                f"{where}: template_pins.toml records {expected[action]['sha']} "
                f"# {expected[action]['tag']}"
            )
            used.add(action)
    assert used == set(expected), "template_pins.toml records actions the template no longer uses"


def test_no_zizmor_relaxation(sound_template_project: Path) -> None:
    assert not list(sound_template_project.rglob("zizmor.y*ml"))


def _zizmor() -> str | None:
    beside = Path(sys.executable).with_name("zizmor")
    return str(beside) if beside.is_file() else shutil.which("zizmor")


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(sound_template_project: Path, persona: str) -> None:
    zizmor = _zizmor()
    if zizmor is None:
        pytest.skip("zizmor is not installed")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--persona", persona, "."],
        cwd=sound_template_project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_each_job_has_only_the_permissions_it_needs(sound_template_project: Path) -> None:
    granted: dict[str, dict[str, str]] = {}
    for path in _workflows(sound_template_project):
        workflow = yaml.safe_load(path.read_text("utf-8"))
        assert workflow["permissions"] == {}, f"{path.name}: the workflow grants a default"
        for name, job in workflow["jobs"].items():
            granted[f"{path.stem}.{name}"] = job["permissions"]
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{path.name}: {name}"
    assert granted == {
        "ci.lint": {"contents": "read"},
        "ci.tests": {"contents": "read"},
        "pins.pins": {"contents": "read"},
        "release.dist": {"contents": "read"},
        # OIDC for Trusted Publishing and the PEP 740 attestations; nothing else writes.
        "release.publish": {"id-token": "write"},
    }


def test_drift_is_a_weekly_report_that_never_fails(sound_template_project: Path) -> None:
    workflow = yaml.safe_load(
        (sound_template_project / ".github/workflows/pins.yml").read_text("utf-8")
    )
    # yaml reads the key `on` as True
    assert [entry["cron"] for entry in workflow[True]["schedule"]] == ["23 5 * * 1"]
    (job,) = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[-1] == "nox --session pins"
    assert not any("continue-on-error" in step for step in job["steps"])
    nox_sessions = (sound_template_project / "noxfile.py").read_text("utf-8")
    assert "def pins(session: nox.Session)" in nox_sessions


def test_release_publishes_with_trusted_publishing_and_attestations(
    sound_template_project: Path,
) -> None:
    workflow = yaml.safe_load(
        (sound_template_project / ".github/workflows/release.yml").read_text()
    )
    (step,) = [
        s for s in workflow["jobs"]["publish"]["steps"] if "gh-action-pypi-publish" in s["uses"]
    ]
    assert step["with"] == {"packages-dir": "dist/", "attestations": True}  # no password
    assert "secrets" not in (sound_template_project / ".github/workflows/release.yml").read_text()
    assert workflow["jobs"]["publish"]["environment"]["name"] == "pypi"
