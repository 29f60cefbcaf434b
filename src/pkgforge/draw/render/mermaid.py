"""``pkgforge graph`` as a Mermaid flowchart (GitHub and GitLab draw it in Markdown):
the same clusters, colours and labels as the DOT drawing."""

from __future__ import annotations

from pkgforge.draw.graph import ModuleGraph, ModuleNode
from pkgforge.draw.render.dot import COLORS
from pkgforge.draw.render.graph_text import entry_note

__all__ = ["render_mermaid"]


def render_mermaid(graph: ModuleGraph) -> str:
    ids = {node.name: f"m{index}" for index, node in enumerate(graph.modules)}
    breaking = {m for cycle in graph.cycles if cycle.breaks for m in cycle.modules}
    lines = ["flowchart LR"]
    lines += _nodes(graph, ids)
    styled: dict[str, list[int]] = {"cycle": [], "broken": []}
    for index, edge in enumerate(graph.edges):
        source, target = ids[edge.source], ids[edge.target]
        if edge.breaks:
            note = "<br>".join(f"✗ {entry_note(b)}" for b in edge.breaks)
            lines.append(f'  {source} -- "{_text(note)}" --> {target}')
        else:
            lines.append(f"  {source} --> {target}")
        if edge.breaks or edge.on_broken_cycle:
            styled["broken"].append(index)
        elif edge.cycle is not None:
            styled["cycle"].append(index)
    lines += [
        f"  classDef package fill:{COLORS['package']},stroke:{COLORS['package_line']}",
        f"  classDef cycle fill:{COLORS['cycle_fill']},stroke:{COLORS['cycle']}",
        f"  classDef breaks fill:{COLORS['broken_fill']},stroke:{COLORS['broken']}",
    ]
    for name, members in (
        ("package", [n for n in graph.modules if n.is_package and n.cycle is None]),
        ("cycle", [n for n in graph.modules if n.cycle is not None and n.name not in breaking]),
        ("breaks", [n for n in graph.modules if n.name in breaking]),
    ):
        if members:
            lines.append(f"  class {','.join(ids[n.name] for n in members)} {name}")
    if styled["cycle"]:
        numbers = ",".join(map(str, styled["cycle"]))
        lines.append(f"  linkStyle {numbers} stroke:{COLORS['cycle']}")
    if styled["broken"]:
        numbers = ",".join(map(str, styled["broken"]))
        lines.append(f"  linkStyle {numbers} stroke:{COLORS['broken']},stroke-width:2px")
    return "\n".join(lines) + "\n"


def _nodes(graph: ModuleGraph, ids: dict[str, str]) -> list[str]:
    """Each package a subgraph (nested as its folders are), holding its modules."""
    by_package: dict[str, list[ModuleNode]] = {}
    for node in graph.modules:
        package = node.name if node.is_package else node.name.rpartition(".")[0]
        by_package.setdefault(package, []).append(node)
    lines: list[str] = []
    open_packages: list[str] = []
    for index, package in enumerate(sorted(by_package)):
        while open_packages and not package.startswith(f"{open_packages[-1]}."):
            open_packages.pop()
            lines.append("  " * (len(open_packages) + 1) + "end")
        indent = "  " * (len(open_packages) + 1)
        if package:
            lines.append(f'{indent}subgraph p{index}["{_text(package)}"]')
            open_packages.append(package)
            indent += "  "
        for node in by_package[package]:
            label = _label(node, clustered=bool(package))
            lines.append(f'{indent}{ids[node.name]}["{_text(label)}"]')
    while open_packages:
        open_packages.pop()
        lines.append("  " * (len(open_packages) + 1) + "end")
    return lines


def _label(node: ModuleNode, *, clustered: bool) -> str:
    if not clustered:
        return node.name
    return "__init__" if node.is_package else node.name.rpartition(".")[2]


def _text(text: str) -> str:
    """Text inside a Mermaid label's quotes (its entity codes, not backslashes)."""
    return text.replace("&", "#amp;").replace('"', "#quot;")
