#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Development tasks: ``nox`` runs the default sessions, ``nox -l`` lists them."""

import json
import os
import re
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"

PYPROJECT = nox.project.load_toml("pyproject.toml")
# The pkgforge release that made this project, from the package index (the distribution
# is pkgforge-cli: "pkgforge" on PyPI is another project); the pkgforge-check hook of
# .pre-commit-config.yaml installs the same. `nox -s pins` says when a newer one is out.
PKGFORGE = "pkgforge-cli=={{ cookiecutter.__pkgforge_version }}"
# The files whose exact pins (NAME==VERSION) `nox -s pins` compares with the index.
PINNED_FILES = (
    "noxfile.py",
    ".pre-commit-config.yaml",
    ".github/workflows/release.yml",
)
EXACT_PIN = re.compile(r"\b([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)")


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


@nox.session(default=False)
def pins(session: nox.Session) -> None:
    """Report newer hook revisions and pinned versions; changes no file, never fails."""
    session.install("pre-commit", "pip")
    report = [*_hook_updates(session), *_index_updates(session)]
    for line in report or ["every pin is the newest"]:
        session.log(line)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:  # the scheduled workflow's job summary
        with Path(summary).open("a", encoding="utf-8") as out:
            out.write(
                "## Pins\n\n" + "\n".join(f"- {line}" for line in report or ["none"])
            )
            out.write("\n")


def _hook_updates(session: nox.Session) -> list[str]:
    """What `pre-commit autoupdate` would change, found by updating a copy of the config
    one repository at a time (one that cannot be reached hides no other)."""
    text = Path(".pre-commit-config.yaml").read_text(encoding="utf-8")
    repos = re.findall(r"^\s*-\s*repo:\s*(\S+)", text, flags=re.MULTILINE)
    lines = []
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch, ".pre-commit-config.yaml")
        config.write_text(text, encoding="utf-8")
        for repo in (r for r in repos if r not in {"local", "meta"}):
            try:
                output = session.run(
                    *(
                        "pre-commit",
                        "autoupdate",
                        "--config",
                        str(config),
                        "--repo",
                        repo,
                    ),
                    silent=True,
                )
            except nox.command.CommandFailed:
                lines.append(f"{repo}: pre-commit autoupdate failed (see above)")
                continue
            lines += [
                f"pre-commit hook {line.strip()}"
                for line in str(output).splitlines()
                if " -> " in line
            ]
    return lines


def _index_updates(session: nox.Session) -> list[str]:
    """Exact pins (NAME==VERSION) that the package index has a newer version of."""
    pinned: dict[tuple[str, str], list[str]] = {}
    for name in PINNED_FILES:
        text = Path(name).read_text(encoding="utf-8") if Path(name).is_file() else ""
        for match in EXACT_PIN.finditer(text):
            pinned.setdefault(match.groups(), []).append(name)
    lines = []
    for (project, version), where in sorted(pinned.items()):
        try:
            output = session.run(
                *(
                    "python",
                    "-m",
                    "pip",
                    "install",
                    "--dry-run",
                    "--quiet",
                    "--no-deps",
                ),
                *("--ignore-installed", "--report", "-", project),
                silent=True,
                stderr=None,  # pip's warnings go to the log, not into the JSON report
            )
        except nox.command.CommandFailed:
            lines.append(
                f"{project} {version}: pip found no version on the index (see above)"
            )
            continue
        newest = json.loads(str(output))["install"][0]["metadata"]["version"]
        if newest != version:
            lines.append(f"{project} {version} -> {newest} ({', '.join(where)})")
    return lines


if __name__ == "__main__":
    nox.main()
