"""``pkgforge graph --format html`` in a real browser: Debian's Chromium, headless, driven
by Playwright. The page loads from the file alone (no request leaves it), logs no error,
and its DOM holds one node per module and the legend. The screenshot is kept in the
test's tmp folder, and in $PKGFORGE_TEST_ARTIFACTS when that is set (CI uploads it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import save_artifact
from .test_graph import EDGES, MODULES

pytestmark = pytest.mark.slow


@pytest.fixture
def page_of(browser: Any, needs_dot: str):  # type: ignore[no-untyped-def]
    """Open an html file in a fresh page; collect its console messages, errors and
    requests."""
    opened = []

    def open_file(path: Path) -> tuple[Any, dict[str, list[str]]]:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        opened.append(context)
        page = context.new_page()
        seen: dict[str, list[str]] = {"console": [], "errors": [], "requests": []}
        page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        return page, seen

    yield open_file
    for context in opened:
        context.close()


def test_the_page_loads_alone_with_a_node_per_module_and_the_legend(
    sound_project: Path, run_cli, page_of, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "sound-graph.html"
    status, _, err = run_cli("graph", str(sound_project), "--format", "html", "-o", str(target))
    assert status == 0, err
    page, seen = page_of(target)
    assert seen["errors"] == []
    assert [m for m in seen["console"] if m.startswith(("error", "warning"))] == []
    assert seen["requests"] == [target.as_uri()]  # nothing fetched: one self-contained file
    names = page.eval_on_selector_all(
        "#graph svg g.node.module", "nodes => nodes.map(n => n.querySelector('title').textContent)"
    )
    assert sorted(names) == sorted(MODULES)
    edges = page.eval_on_selector_all("#graph svg g.edge.import", "edges => edges.map(e => e.id)")
    assert sorted(edges) == sorted(f"import-{s}-{t}" for s, t in EDGES)
    legend = page.locator("#legend li")
    assert legend.count() == 8
    assert page.locator("#legend").is_visible()
    texts = legend.all_inner_texts()
    assert any("import cycle (PF406)" in t for t in texts)
    assert any("breaks (PF411)" in t for t in texts)
    assert "src/sound/effects/echo.py:3 from sound import __version__ fails when sound" in (
        page.inner_text("#broken")
    )
    page.screenshot(path=str(tmp_path / "sound-graph.png"), full_page=True)
    assert (tmp_path / "sound-graph.png").stat().st_size > 10_000
    save_artifact(tmp_path / "sound-graph.png")


def test_a_click_shows_one_module_s_imports(
    sound_project: Path, run_cli, page_of, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "graph.html"
    run_cli("graph", str(sound_project), "--format", "html", "-o", str(target))
    page, seen = page_of(target)
    page.click("[id='module-sound.effects.echo']")
    near = page.eval_on_selector_all("#graph .near", "found => found.map(n => n.id)")
    assert set(near) == {
        "module-sound.effects.echo",
        "module-sound",
        "module-sound.effects.surround",
        "module-sound.filters.vocoder",
        "import-sound-sound.effects.echo",
        "import-sound.effects.echo-sound",
        "import-sound.effects.surround-sound.effects.echo",
        "import-sound.filters.vocoder-sound.effects.echo",
    }
    assert page.eval_on_selector("#graph", "g => g.classList.contains('focused')")
    page.screenshot(path=str(tmp_path / "sound-graph-focused.png"), full_page=True)
    save_artifact(tmp_path / "sound-graph-focused.png")
    page.click("[id='module-sound.effects.echo']")  # again: everything
    assert page.eval_on_selector_all("#graph .near", "found => found.length") == 0
    assert seen["errors"] == []
