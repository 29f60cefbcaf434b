"""``pkgforge graph``: the module-level import graph, its cycles and the imports that break.

The sound project of tools/sound_demo.py has the tutorial's imports, a cycle Python
resolves (formats.wavread <-> formats.wavwrite) and one that breaks (sound <->
effects.echo: importing ``sound`` fails). The graph must say exactly what ``check``
proves, and what CPython does.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import pkgforge
from pkgforge.draw.graph import ModuleGraph, import_graph
from pkgforge.errors import UsageError

from .conftest import python_imports, sound_demo

EDGES = {
    ("sound", "sound.effects.echo"),
    ("sound.effects.echo", "sound"),
    ("sound.effects.surround", "sound.effects.echo"),
    ("sound.effects.surround", "sound.formats"),
    ("sound.effects.surround", "sound.filters.equalizer"),
    ("sound.filters.vocoder", "sound.effects.echo"),
    ("sound.formats.wavread", "sound.formats.wavwrite"),
    ("sound.formats.wavwrite", "sound.formats.wavread"),
}
MODULES = {"sound", "sound.effects", "sound.filters", "sound.formats"} | {
    f"sound.{m}" for m in sound_demo.TUTORIAL_MODULES
}


@pytest.fixture(scope="module")
def graph(sound_project: Path) -> ModuleGraph:
    return import_graph(sound_project)


def test_one_node_per_module_one_edge_per_module_level_import(graph: ModuleGraph) -> None:
    assert {node.name for node in graph.modules} == MODULES
    assert {(e.source, e.target) for e in graph.edges} == EDGES
    surround = {e.target: e for e in graph.edges if e.source == "sound.effects.surround"}
    assert surround["sound.formats"].statement == "from .. import formats"
    assert surround["sound.formats"].line == 4


def test_imports_inside_functions_and_under_type_checking_are_no_edges(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n"
        "def f():\n    from pkg import c\n"
    )
    (package / "b.py").write_text("")
    (package / "c.py").write_text("import pkg.b\n")
    drawn = import_graph(tmp_path, use_cache=False)
    assert [(e.source, e.target) for e in drawn.edges] == [("pkg.c", "pkg.b")]


def test_cycles_and_the_cycle_that_breaks_are_what_check_finds(
    graph: ModuleGraph, sound_project: Path
) -> None:
    assert [(c.modules, c.breaks) for c in graph.cycles] == [
        (("sound", "sound.effects.echo"), True),
        (("sound.formats.wavread", "sound.formats.wavwrite"), False),
    ]
    (broken,) = graph.broken
    assert (broken.importer, broken.target, broken.name, broken.entry) == (
        "sound.effects.echo",
        "sound",
        "__version__",
        "sound",
    )
    assert broken.certain and broken.path == "src/sound/effects/echo.py" and broken.line == 3
    breaking = [e for e in graph.edges if e.breaks]
    assert [(e.source, e.target) for e in breaking] == [("sound.effects.echo", "sound")]
    loop = [(e.source, e.target) for e in graph.edges if e.on_broken_cycle]
    assert loop == [("sound", "sound.effects.echo")]
    # check says the same: one PF406 per cycle, one PF411 on the breaking statement
    result = pkgforge.check([sound_project], use_cache=False)
    found = {(f.code, f.path.rpartition("src/")[2], f.line) for f in result.findings}
    assert found == {
        ("PF406", "sound/__init__.py", 3),
        ("PF406", "sound/formats/wavread.py", 3),
        ("PF411", "sound/effects/echo.py", 3),
    }


def test_cpython_agrees_with_the_marks(sound_project: Path, tmp_path: Path) -> None:
    """The entry point the breaking edge names fails in a fresh interpreter; bound before
    the import, the name is there in time: the cycle stays, the mark goes, and CPython
    imports every module."""
    failed = python_imports(sound_project, "sound")
    assert failed.returncode == 1
    assert "cannot import name '__version__' from partially initialized module 'sound'" in (
        failed.stderr
    )
    fixed = tmp_path / "sound"
    shutil.copytree(
        sound_project, fixed, ignore=shutil.ignore_patterns(".pkgforge_cache", "__pycache__")
    )
    init = fixed / "src" / "sound" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    line = (
        "from sound.effects import echo  # runs echo.py, which needs __version__: not bound yet\n"
    )
    assert line in text
    init.write_text(text.replace(line, "").replace("\n__all__", f"{line}\n__all__"))
    drawn = import_graph(fixed, use_cache=False)
    assert [(c.modules, c.breaks) for c in drawn.cycles] == [
        (("sound", "sound.effects.echo"), False),
        (("sound.formats.wavread", "sound.formats.wavwrite"), False),
    ]
    assert drawn.broken == ()
    assert not any(e.breaks or e.on_broken_cycle for e in drawn.edges)
    for node in drawn.modules:
        done = python_imports(fixed, node.name)
        assert done.returncode == 0, (node.name, done.stderr)


def test_focus_keeps_a_module_and_its_neighbours(sound_project: Path) -> None:
    def names(**options: object) -> set[str]:
        return {n.name for n in import_graph(sound_project, **options).modules}  # type: ignore[arg-type]

    echo = "sound.effects.echo"
    assert names(focus=echo, depth=0) == {echo}
    assert import_graph(sound_project, focus=echo, depth=0).edges == ()  # sound is not drawn
    near = {echo, "sound", "sound.effects.surround", "sound.filters.vocoder"}
    assert names(focus=echo) == near
    assert names(focus=echo, depth=2) == near | {
        "sound.formats",
        "sound.filters.equalizer",
    }
    # a package focuses on the modules under it too
    assert names(focus="sound.formats", depth=0) == {
        m for m in MODULES if m.startswith("sound.formats")
    }
    # --depth alone counts from the top-level package
    assert names(depth=1) == {"sound", echo}
    focused = import_graph(sound_project, focus="sound.formats", depth=0)
    assert {(e.source, e.target) for e in focused.edges} == {
        ("sound.formats.wavread", "sound.formats.wavwrite"),
        ("sound.formats.wavwrite", "sound.formats.wavread"),
    }  # surround's import of sound.formats is out with surround
    assert [c.number for c in focused.cycles] == [2]
    assert focused.broken == () and focused.total_modules == len(MODULES)


def test_a_path_inside_the_project_is_the_focus(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    effects = sound_project / "src" / "sound" / "effects"
    by_folder = import_graph(effects)
    assert by_folder.focus == "sound.effects"
    assert {n.name for n in by_folder.modules} == {
        n.name for n in import_graph(sound_project, focus="sound.effects").modules
    }
    assert import_graph(effects / "echo.py", depth=0).focus == "sound.effects.echo"
    assert import_graph(sound_project / "src").focus is None  # above the packages: all
    assert import_graph(effects, focus="sound.formats").focus == "sound.formats"
    status, out, _ = run_cli("graph", str(effects / "reverse.py"))
    assert status == 0
    assert out == (
        "sound.effects.reverse\n\n"
        "1 module, 0 imports, 0 import cycles, 0 imports that break "
        "(of 16 modules: --focus sound.effects.reverse)\n"
    )


def test_an_unknown_focus_names_the_closest_module(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"no module sound\.efects") as raised:
        import_graph(sound_project, focus="sound.efects")
    assert raised.value.hint == "did you mean sound.effects?"
    status, out, err = run_cli("graph", str(sound_project), "--depth", "-1")
    assert (status, out) == (2, "")
    assert "argument --depth: must be 0 or more, not -1" in err
    with pytest.raises(UsageError):
        import_graph(sound_project, depth=-1)


def test_text_lists_imports_cycles_and_what_breaks(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run_cli("graph", str(sound_project))
    assert status == 0
    assert (
        "sound.effects.echo  ↻ cycle 1\n└── → sound  line 3  ↻ cycle 1  ✗ breaks when sound "
        in (out)
    )
    assert "  ↻ 1  sound → sound.effects.echo → sound  ✗ breaks (PF411)" in out
    assert "  ↻ 2  sound.formats.wavread → sound.formats.wavwrite → sound.formats.wavread\n" in out
    assert (
        "  ✗ src/sound/effects/echo.py:3  `from sound import __version__` fails when sound is "
        "imported first (error)"
    ) in out
    assert out.endswith("16 modules, 8 imports, 2 import cycles, 1 import that breaks\n")


def test_text_in_ascii(sound_project: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "pkgforge", "graph", str(sound_project)],
        capture_output=True,
        env=env,
        check=True,
    )
    out = done.stdout.decode("ascii")
    assert "`-- -> sound  line 3  * cycle 1  x breaks when sound is imported first" in out


def test_json_is_the_result_object(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run_cli("graph", str(sound_project), "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert {m["name"] for m in data["modules"]} == MODULES
    assert {(e["source"], e["target"]) for e in data["edges"]} == EDGES
    assert data["broken"][0]["entry"] == "sound"
    assert data["cycles"][0]["loop"] == ["sound", "sound.effects.echo", "sound"]


def _dot_statements(dot: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    nodes = dict(re.findall(r'^\s*"([\w.]+)" \[(id=.*)\];$', dot, re.MULTILINE))
    edges = re.findall(r'^\s*"([\w.]+)" -> "([\w.]+)" \[(.*)\];$', dot, re.MULTILINE)
    return nodes, edges


def test_dot_has_a_node_per_module_in_package_clusters(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, dot, _ = run_cli("graph", str(sound_project), "--format", "dot")
    assert status == 0
    nodes, edges = _dot_statements(dot)
    assert set(nodes) == MODULES
    assert {(s, t) for s, t, _ in edges} == EDGES
    assert 'class="module cycle breaks"' in nodes["sound.effects.echo"]
    assert 'label="echo"' in nodes["sound.effects.echo"]
    assert 'class="module package"' in nodes["sound.effects"]
    assert 'label="__init__"' in nodes["sound.effects"]
    styles = {(s, t): attributes for s, t, attributes in edges}
    assert 'label="✗ breaks when sound is imported first"' in styles["sound.effects.echo", "sound"]
    assert 'class="import cycle broken-cycle"' in styles["sound", "sound.effects.echo"]
    assert 'class="import cycle"' in styles["sound.formats.wavread", "sound.formats.wavwrite"]
    assert 'subgraph "cluster_sound.effects" {' in dot


def test_dot_is_valid_graphviz(sound_project: Path, run_cli, needs_dot: str) -> None:  # type: ignore[no-untyped-def]
    _, dot, _ = run_cli("graph", str(sound_project), "--format", "dot")
    done = subprocess.run(
        [needs_dot, "-Tjson"], input=dot, capture_output=True, text=True, check=True
    )
    laid_out = json.loads(done.stdout)
    names = {o["name"] for o in laid_out["objects"] if "nodes" not in o and "subgraphs" not in o}
    assert names == MODULES


def test_mermaid_has_a_node_per_module_and_styles_the_marks(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, text, _ = run_cli("graph", str(sound_project), "--format", "mermaid")
    assert status == 0
    assert text.startswith("flowchart LR\n")
    ids = dict(re.findall(r'^\s*(m\d+)\["([^"]*)"\]$', text, re.MULTILINE))
    assert len(ids) == len(MODULES)
    assert sorted(ids.values()).count("__init__") == 4
    links = re.findall(r"^  (m\d+) (?:--> |-- \"[^\"]*\" --> )(m\d+)$", text, re.MULTILINE)
    assert len(links) == len(EDGES)
    assert '-- "✗ breaks when sound is imported first" -->' in text
    assert text.count("subgraph ") == text.count("\n    end\n") + text.count("\n  end\n")


def test_svg_is_laid_out_by_graphviz(sound_project: Path, run_cli, needs_dot: str) -> None:  # type: ignore[no-untyped-def]
    status, svg, _ = run_cli("graph", str(sound_project), "--format", "svg")
    assert status == 0
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    groups = root.findall(".//svg:g", ns)
    nodes = [g for g in groups if "module" in g.get("class", "").split()]
    assert {g.findtext("svg:title", namespaces=ns) for g in nodes} == MODULES
    edges = [g for g in groups if "import" in g.get("class", "").split()]
    assert len(edges) == len(EDGES)
    (breaking,) = [g for g in edges if "breaks" in g.get("class", "").split()]
    assert breaking.get("id") == "import-sound.effects.echo-sound"


def test_svg_and_html_without_graphviz_name_the_package(
    sound_project: Path, run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    previous = tmp_path / "graph.svg"
    previous.write_text("the last drawing\n", encoding="utf-8")
    for fmt in ("svg", "html"):
        status, out, err = run_cli(
            "graph", str(sound_project), "--format", fmt, "-o", str(previous)
        )
        assert (status, out) == (1, "")
        lines = err.splitlines()
        assert lines[0] == (
            f"error: --format {fmt} needs Graphviz's dot program, which is not installed "
            "(package: graphviz)"
        )
        assert lines[1].startswith(
            "hint: install Graphviz (Debian/Ubuntu: apt-get install graphviz"
        )
        assert len(lines) == 2
    assert previous.read_text(encoding="utf-8") == "the last drawing\n"  # untouched
    # said before the project is read: a long analysis does not end in this error
    status, _, err = run_cli("graph", str(tmp_path / "no-project"), "--format", "svg")
    assert status == 1 and "needs Graphviz's dot program" in err
    # the formats that need no program still work
    status, _, _ = run_cli("graph", str(sound_project), "--format", "dot")
    assert status == 0


def test_output_replaces_the_file_whole(sound_project: Path, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "graph.dot"
    target.write_text("old\n", encoding="utf-8")
    status, out, _ = run_cli("graph", str(sound_project), "--format", "dot", "-o", str(target))
    assert (status, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("digraph imports {")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.dot"]  # no temporary left
    status, _, err = run_cli(
        "graph", str(sound_project), "-o", str(tmp_path / "missing" / "graph.txt")
    )
    assert status == 1 and err.startswith("error: cannot write ")


def test_a_project_without_modules_is_an_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("graph", str(tmp_path))
    assert (status, out) == (2, "")
    assert err.startswith("error: no Python module found in ")


def test_the_library_function_returns_a_frozen_result(graph: ModuleGraph) -> None:
    assert pkgforge.import_graph is import_graph
    assert "import_graph" in pkgforge.__all__
    with pytest.raises(dataclasses.FrozenInstanceError):
        graph.edges = ()  # type: ignore[misc]
    node = graph.node("sound.effects.echo")
    assert node is not None and node.cycle == 1 and not node.is_package
