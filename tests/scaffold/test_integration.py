"""The generated project against the real tools, and pkgforge itself from an installed wheel.

Slow: they build wheels and install packages (from PyPI when a dependency is
missing from pip's cache). pip is isolated from the machine's configuration.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pkgforge.scaffold import new_project

# The isolated build and the fresh venv download packages from PyPI (or pip's cache).
pytestmark = [pytest.mark.slow, pytest.mark.network]

REPO = Path(__file__).resolve().parents[2]
SOUND_MODULES = (
    "formats.wavread",
    "formats.wavwrite",
    "effects.echo",
    "effects.surround",
    "effects.reverse",
    "filters.equalizer",
)
STAR_PROBE = (
    "from sound.effects import *\n"
    "print(sorted(n for n in dir() if not n.startswith('_')))\n"
    "print(echo.describe(), surround.describe(), reverse.describe())\n"
)


def isolated_env(**extra: str) -> dict[str, str]:
    """The environment for pip and the tools: no user or site pip configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output when it fails. Returns stdout + stderr."""
    proc = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env or isolated_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{argv} exited {proc.returncode}:\n{output}"
    return output


def test_generated_project_passes_every_peer(tmp_path: Path) -> None:
    # formats.echo beside effects.echo: test files with the same name in two folders
    modules = (*SOUND_MODULES, "formats.echo")
    project = new_project("sound", output_dir=tmp_path, no_input=True, modules=modules).project_dir
    py = sys.executable

    out = run(py, "-m", "validate_pyproject", "pyproject.toml", cwd=project)
    assert "Valid file: pyproject.toml" in out

    for lint in (("check", "--isolated", "."), ("check", "."), ("format", "--check", ".")):
        out = run(py, "-m", "ruff", *lint, cwd=project)
        assert "warning" not in out.lower(), out

    out = run(py, "-m", "mypy", cwd=project)
    assert out.startswith("Success: no issues found"), out

    review = subprocess.run(
        [py, "-m", "repo_review", "--format", "json", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    checks = json.loads(review.stdout)["checks"]
    not_passed = {
        code: c["err_msg"] or c["skip_reason"]
        for code, c in checks.items()
        if c["result"] is not True
    }
    assert len(checks) > 60
    assert not_passed == {}
    assert review.returncode == 0

    out = run(py, "-m", "build", "--outdir", "dist", ".", cwd=project)
    # PYTHONDONTWRITEBYTECODE in the environment makes setuptools say so; that is no finding.
    warnings = [
        line
        for line in out.lower().splitlines()
        if "warning" in line and "byte-compiling is disabled" not in line
    ]
    assert warnings == [], out
    wheel = next((project / "dist").glob("*.whl"))
    sdist = next((project / "dist").glob("*.tar.gz"))
    out = run(py, "-m", "check_wheel_contents", wheel, cwd=project)
    assert out.strip() == f"{wheel}: OK"
    out = run(py, "-m", "twine", "check", "--strict", wheel, sdist, cwd=project)
    assert out.count("PASSED") == 2 and "WARNING" not in out

    # Its own test suite, against the installed wheel (not the source tree).
    site = tmp_path / "site"
    run(py, "-m", "pip", "install", "--isolated", "--no-deps", "--target", site, wheel, cwd=project)
    out = run(
        py,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        cwd=project,
        env=isolated_env(PYTHONPATH=str(site)),
    )
    assert "9 passed" in out, out


def test_wheel_in_a_fresh_venv_makes_the_sound_package(tmp_path: Path) -> None:
    # Build pkgforge's wheel from a copy of the sources, so the checkout stays clean.
    source = tmp_path / "pkgforge-src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    for folder in ("src", "templates"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        tmp_path / "dist",
        source,
        cwd=tmp_path,
    )
    wheel = next((tmp_path / "dist").glob("pkgforge_cli-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {f"pkgforge/templates/{t}/cookiecutter.json" for t in ("default", "minimal")} <= names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    # pip from this environment installs into the fresh one (no ensurepip: seconds saved).
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "--isolated", "-q")
    run(*pip, wheel, cwd=tmp_path)

    work = tmp_path / "work"
    work.mkdir()
    args = [arg for module in SOUND_MODULES for arg in ("--module", module)]
    out = run(venv / "bin" / "pkgforge", "new", "sound", "--no-input", *args, cwd=work)
    assert "Created sound/" in out
    project = work / "sound"
    located = run(
        python,
        "-c",
        "from pkgforge.scaffold.templates import builtin_templates_dir as d; print(d())",
        cwd=work,
    )
    assert Path(located.strip()).is_relative_to(venv), "templates must come from the wheel"
    assert not list(project.rglob("__pycache__")), "bytecode from the installed templates leaked"
    for dotfile in (".gitignore", ".pre-commit-config.yaml", ".github/workflows/release.yml"):
        assert (project / dotfile).is_file(), f"{dotfile} did not ship in the wheel"
    assert os.access(project / "noxfile.py", os.X_OK)

    # The Sound tree, built into a wheel, installed, and star-imported as the tutorial says.
    run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        project / "dist",
        project,
        cwd=work,
    )
    run(*pip, "--no-deps", next((project / "dist").glob("sound-*.whl")), cwd=work)
    out = run(python, "-c", STAR_PROBE, cwd=tmp_path)
    assert out.splitlines() == [
        "['echo', 'reverse', 'surround']",
        "sound.effects.echo sound.effects.surround sound.effects.reverse",
    ]


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_readme_commands_work_in_a_fresh_venv(tmp_path: Path, template: str) -> None:
    # A fresh venv has the pip that ensurepip bundles; `--group` needs pip 25.1.
    import ensurepip

    project = new_project(
        "sound", output_dir=tmp_path, template=template, no_input=True, run_check=False
    ).project_dir
    readme = (project / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```sh\n")[1:]  # the commands to type (console: transcripts)
    commands = next(b.partition("```")[0] for b in blocks if "--group" in b).splitlines()
    assert commands[0].startswith("python -m venv .venv")
    upgrade = next(i for i, c in enumerate(commands) if "install --upgrade pip" in c)
    assert upgrade < next(i for i, c in enumerate(commands) if "-e . --group" in c)
    # `python` on PATH is this interpreter until the README activates the venv.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = isolated_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("VIRTUAL_ENV", None)
    out = run("bash", "-e", "-c", "\n".join(commands), cwd=project, env=env)
    assert "2 passed" in out, out
    print(f"ensurepip bundles pip {ensurepip.version()}")
