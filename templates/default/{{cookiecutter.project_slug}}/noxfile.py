#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Development tasks: ``nox`` runs the default sessions, ``nox -l`` lists them."""

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"

PYPROJECT = nox.project.load_toml("pyproject.toml")
# The same pkgforge release as the pkgforge-check hook of .pre-commit-config.yaml.
PKGFORGE = "pkgforge @ git+https://github.com/pkgforge/pkgforge@v0.1.0"


@nox.session
def lint(session: nox.Session) -> None:
    """Run the linters, the formatters and ``pkgforge check`` over every file."""
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
def check(session: nox.Session) -> None:
    """Check the package's layout, imports and metadata with ``pkgforge check``."""
    session.install(PKGFORGE)
    session.run("pkgforge", "check", *session.posargs)


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Check, build and inspect the sdist and the wheel into dist/, as the release does."""
    session.install(PKGFORGE)
    # The manifest of what was built goes to the hidden dist/.pkgforge/, so dist/*
    # names only the sdist and the wheel; 'pkgforge publish' uploads exactly those.
    session.run("pkgforge", "build", *session.posargs)


if __name__ == "__main__":
    nox.main()
