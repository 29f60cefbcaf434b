"""``pkgforge graph --format mermaid`` drawn by Mermaid itself, in Chromium: the flowchart
parses and renders one node per module, a cluster per package and an arrow per import.

Mermaid is an npm package: ``npm pack`` fetches the pinned release once into pytest's
cache folder (no node_modules, nothing run but the browser bundle). Without npm, the
registry, or Chromium, the test skips and says why.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import save_artifact
from .test_graph import EDGES, MODULES

pytestmark = [pytest.mark.slow, pytest.mark.network]

MERMAID = "mermaid@11.17.2"
"""The release GitHub drew with when this was written (pinned: the test must not drift)."""


@pytest.fixture(scope="session")
def mermaid_js(request: pytest.FixtureRequest) -> Path:
    folder = Path(request.config.cache.mkdir("mermaid"))
    bundle = folder / f"{MERMAID.replace('@', '-')}.min.js"
    if bundle.is_file():
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (it comes with Node.js), so Mermaid is not at hand")
    packed = subprocess.run(
        [npm, "pack", MERMAID, "--silent", "--pack-destination", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if packed.returncode != 0:
        pytest.skip(f"npm pack {MERMAID} failed (offline?): {packed.stderr.strip()[:200]}")
    archive = folder / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        member = tar.extractfile("package/dist/mermaid.min.js")
        assert member is not None
        bundle.write_bytes(member.read())
    archive.unlink()
    return bundle


def test_mermaid_draws_every_module_package_and_import(
    sound_project: Path, run_cli, browser: Any, mermaid_js: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    status, text, _ = run_cli("graph", str(sound_project), "--format", "mermaid")
    assert status == 0
    page = browser.new_page(viewport={"width": 1400, "height": 500})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content('<html><body><div id="out"></div></body></html>')
    page.add_script_tag(path=str(mermaid_js))
    drawn = page.evaluate(
        """async (text) => {
            mermaid.initialize({ startOnLoad: false });
            await mermaid.parse(text);
            const { svg } = await mermaid.render("imports", text);
            const out = document.getElementById("out");
            out.innerHTML = svg;
            const texts = (selector) =>
                [...out.querySelectorAll(selector)].map((n) => n.textContent.trim());
            return {
                nodes: texts("g.node"),
                clusters: texts("g.cluster .cluster-label"),
                edges: out.querySelectorAll("path.flowchart-link").length,
                labels: texts(".edgeLabel").filter((t) => t),
            };
        }""",
        text,
    )
    page.screenshot(path=str(tmp_path / "sound-mermaid.png"), full_page=True)
    save_artifact(tmp_path / "sound-mermaid.png")
    page.close()
    assert errors == []
    assert len(drawn["nodes"]) == len(MODULES)
    assert sorted(drawn["nodes"]).count("__init__") == 4
    assert sorted(drawn["clusters"]) == ["sound", "sound.effects", "sound.filters", "sound.formats"]
    assert drawn["edges"] == len(EDGES)
    assert set(drawn["labels"]) == {"✗ breaks when sound is imported first"}
