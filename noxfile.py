"""Developer tasks: ``nox -s tests``, ``lint``, ``types``, ``docs``, ``bench``, ``lock``, ``pins``."""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|venv"
nox.options.sessions = ["lint", "types", "tests", "docs"]

PYTHONS = ["3.11", "3.12", "3.13", "3.14", "3.15"]
# The test environment is locked (the README's test command installs with it), so
# CI stays green whatever the index publishes; `lock` refreshes it, `pins` reports drift.
LOCK = "constraints.txt"
# What the lock resolves (tools/pins.py resolves the same to report drift): the
# dependencies and the test group, for every platform, from the oldest Python up.
LOCK_INPUTS = (
    "pyproject.toml",
    "--group",
    "pyproject.toml:test",
    "--universal",
    "--python-version",
    "3.11",
)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --, e.g. -- -m 'not slow')."""
    session.install("-e", ".", "--group", "test", "-c", LOCK)
    session.run("pytest", *session.posargs)


@nox.session(reuse_venv=True)
def lint(session: nox.Session) -> None:
    """ruff (lint and format check)."""
    session.install("--group", "lint")
    # "." so that the Python blocks of docs/*.md are formatted as the code is
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(reuse_venv=True)
def types(session: nox.Session) -> None:
    """mypy --strict on src."""
    session.install("-e", ".", "--group", "types")
    session.run("mypy")


@nox.session(reuse_venv=True)
def docs(session: nox.Session) -> None:
    """Regenerate docs/rules.md from the rule docstrings (``-- --check`` only verifies)."""
    session.install("-e", ".")
    session.run("python", "-m", "pkgforge.checker.docgen", "docs/rules.md", *session.posargs)


@nox.session(reuse_venv=True)
def bench(session: nox.Session) -> None:
    """Benchmarks against the peers on this machine; prints medians and ratios."""
    session.install("-e", ".", "--group", "test", "cookiecutter", "hatch", "cruft")
    scripts = ("startup", "new", "update", "check", "build", "publish")
    for script in (f"bench_{name}" for name in scripts):
        session.run("python", f"bench/{script}.py", *session.posargs)


@nox.session(reuse_venv=True)
def lock(session: nox.Session) -> None:
    """Refresh constraints.txt from the index (then run the tests: a refresh is a change)."""
    session.install("uv")
    session.run(
        "uv",
        "pip",
        "compile",
        *LOCK_INPUTS,
        "--upgrade",
        "-q",
        "-o",
        LOCK,
        "--custom-compile-command",
        "nox -s lock",
    )


@nox.session(reuse_venv=True)
def pins(session: nox.Session) -> None:
    """Report drift: constraints.txt and the template's pins against the index (exit 0)."""
    session.install("packaging", "uv", "-c", LOCK)
    session.run("python", "tools/pins.py", *session.posargs)
