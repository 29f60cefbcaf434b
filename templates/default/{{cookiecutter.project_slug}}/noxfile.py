#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Development tasks: ``nox`` runs the default sessions, ``nox -l`` lists them."""

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"

DIR = Path(__file__).parent.resolve()
PYPROJECT = nox.project.load_toml("pyproject.toml")


@nox.session
def lint(session: nox.Session) -> None:
    """Run the linters and formatters over every file."""
    session.install("pre-commit")
    session.run(
        "pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite against the installed package."""
    session.install("-e.", *nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the HTML documentation into docs/_build/html."""
    session.install("-e.", *nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("sphinx-build", "-n", "-T", "-b", "html", "docs", "docs/_build/html")


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into dist/ and check them."""
    build_path = DIR / "build"
    if build_path.exists():
        shutil.rmtree(build_path)
    session.install("build", "twine")
    session.run("python", "-m", "build")
    dists = sorted(str(path) for path in (DIR / "dist").iterdir())
    session.run("twine", "check", "--strict", *dists)


if __name__ == "__main__":
    nox.main()
