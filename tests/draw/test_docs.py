"""docs/tree.md and docs/graph.md show real output: each ``$ pkgforge ...`` console block is
run in the tutorial's sound project (tools/sound_demo.py) and must print what the page
shows; docs/graph-sound.svg is ``pkgforge graph --format svg`` of that project."""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("page", ["tree.md", "graph.md"])
def test_the_console_examples_print_what_the_page_shows(
    page: str, sound_project: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(sound_project)
    blocks = console_blocks((DOCS / page).read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    for command, shown in blocks:
        status, out, err = run_cli(*shlex.split(command)[1:])
        assert status == 0, (command, err)
        assert out == shown, command


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
