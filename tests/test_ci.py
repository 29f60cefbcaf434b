""".ci/run: the README's test command, after the Debian packages the skipping tests need."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_ends_with_the_readme_s_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^```console\n(.*?)\n```$", readme, re.MULTILINE | re.DOTALL)
    (test_command,) = [c for c in commands if c.endswith("-m pytest")]
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert lines[-1] == test_command


def test_ci_installs_what_the_skipping_tests_ask_for() -> None:
    """Every ``apt-get install X`` that a skip reason names is installed by .ci/run."""
    wanted: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for found in re.findall(r"apt-get install ([a-z0-9{}_ -]+)\)", path.read_text("utf-8")):
            wanted.update(word for word in found.split() if "{" not in word)
    assert {"graphviz", "chromium"} <= wanted
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (installed,) = re.findall(r"apt-get install -y -qq --no-install-recommends ([a-z ]+);", script)
    assert wanted | {"zsh", "fish"} <= set(installed.split())
