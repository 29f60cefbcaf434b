"""pkgforge's distribution is ``pkgforge-cli``: the name ``pkgforge`` on PyPI belongs to an
unrelated project whose command of the same name shadows this one.

Every install line of the README and the docs installs ``pkgforge-cli`` (or a
checkout), and the docs warn about the other ``pkgforge``.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distribution
from pathlib import Path

import pytest

import pkgforge

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INSTALL = re.compile(r"\b(?:pip|pipx|uv tool|uv pip) install\b(?P<args>[^\n`#|&;]*)")
FENCED = re.compile(r"^ *```[a-z]*\n(.*?)^ *```", re.MULTILINE | re.DOTALL)


def test_the_distribution_is_pkgforge_cli() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["name"] == "pkgforge-cli"
    installed = distribution("pkgforge-cli")
    assert installed.version == pkgforge.__version__
    # The command and the import package keep the name pkgforge.
    (script,) = [e for e in installed.entry_points if e.group == "console_scripts"]
    assert (script.name, script.value) == ("pkgforge", "pkgforge.cli:console_main")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_install_line_installs_pkgforge_cli(page: Path) -> None:
    """In the commands a reader copies (code blocks); the prose may name the wrong one."""
    code = "\n".join(FENCED.findall(page.read_text("utf-8")))
    for match in INSTALL.finditer(code):
        args = match["args"].split()
        names = [a for a in args if re.fullmatch(r"pkgforge(?:[=<>!~\[].*)?", a, re.IGNORECASE)]
        assert not names, f"{page.name}: {match.group(0).strip()!r} installs the unrelated pkgforge"


def test_the_docs_warn_of_the_unrelated_pkgforge() -> None:
    for page in (ROOT / "README.md", ROOT / "docs" / "getting-started.md"):
        text = page.read_text("utf-8")
        assert "pip install pkgforge-cli" in text, page.name
        assert re.search(
            r"`pkgforge` distribution on PyPI is\s+an\s+(?:>\s+)?unrelated\s+project", text
        ), page.name
