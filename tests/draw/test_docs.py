"""docs/tree.md and docs/graph.md show real output: their console blocks run with every
other page's (tests/consoledocs.py); here, the Mermaid drawing GitHub renders is the
command's output, and docs/graph-sound.svg is ``pkgforge graph --format svg`` of the
tutorial's sound project (tools/sound_demo.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .test_graph import EDGES, MODULES

DOCS = Path(__file__).resolve().parents[2] / "docs"
SVG = "{http://www.w3.org/2000/svg}"


def console_blocks(page: str) -> list[tuple[str, str]]:
    """(command, output) of each ```console block that runs one pkgforge command."""
    found = []
    for block in re.findall(r"^```console\n(.*?)^```$", page, re.DOTALL | re.MULTILINE):
        command, _, output = block.partition("\n")
        assert command.startswith("$ pkgforge "), command
        found.append((command.removeprefix("$ "), output))
    return found


def test_the_mermaid_github_draws_is_the_command_s_output() -> None:
    text = (DOCS / "graph.md").read_text(encoding="utf-8")
    (drawn,) = re.findall(r"^```mermaid\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)
    printed = dict(console_blocks(text))[
        "pkgforge graph --focus sound.effects.echo --format mermaid"
    ]
    assert drawn == printed


def test_the_picture_is_the_graph_of_the_sound_project() -> None:
    root = ET.parse(DOCS / "graph-sound.svg").getroot()
    groups = list(root.iter(f"{SVG}g"))
    nodes = {g.findtext(f"{SVG}title") for g in groups if "module" in g.get("class", "").split()}
    assert nodes == MODULES
    edges = {g.get("id") for g in groups if "import" in g.get("class", "").split()}
    assert edges == {f"import-{s}-{t}" for s, t in EDGES}
    breaking = [g for g in groups if "breaks" in g.get("class", "").split()]
    assert {g.get("id") for g in breaking} == {
        "module-sound",
        "module-sound.effects.echo",
        "import-sound.effects.echo-sound",
    }
    assert "graph-sound.svg" in (DOCS / "graph.md").read_text(encoding="utf-8")


def test_the_index_lists_both_pages() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    assert "(tree.md)" in index and "(graph.md)" in index
