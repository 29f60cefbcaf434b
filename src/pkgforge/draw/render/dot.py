"""``pkgforge graph`` in Graphviz's DOT language: one node per module, each package a
cluster (as its folder holds its modules), cycles and broken imports coloured.

The node of a module has the id ``module-NAME`` and the classes ``module`` (and
``package``, ``cycle``, ``breaks``); an edge has ``import`` (and ``cycle``,
``broken-cycle``, ``breaks``). Graphviz copies both into its SVG, where the html
page's style and script find them.
"""

from __future__ import annotations

from collections.abc import Iterator

from pkgforge.draw.graph import ImportEdge, ModuleGraph, ModuleNode
from pkgforge.draw.render.graph_text import entry_note, summary

__all__ = ["COLORS", "node_classes", "render_dot"]

COLORS = {
    "line": "#6e7781",
    "text": "#1f2328",
    "fill": "#ffffff",
    "package": "#ddf4ff",
    "package_line": "#0969da",
    "cluster": "#d0d7de",
    "cycle": "#bf8700",
    "cycle_fill": "#fff8c5",
    "broken": "#cf222e",
    "broken_fill": "#ffebe9",
}
"""One palette for every picture (GitHub's Primer colours): the html legend uses it too."""

_FONT = "Helvetica,Arial,sans-serif"


def render_dot(graph: ModuleGraph) -> str:
    title = graph.root.name or "project"
    defaults = {
        "graph": {
            "rankdir": "LR",
            "fontname": _FONT,
            "fontsize": "12",
            "nodesep": "0.25",
            "ranksep": "0.7",
            "labelloc": "b",
            "label": f"{title}: {summary(graph)}",
            "tooltip": title,
        },
        "node": {
            "shape": "box",
            "style": "rounded,filled",
            "fontname": _FONT,
            "fontsize": "11",
            "color": COLORS["line"],
            "fillcolor": COLORS["fill"],
            "fontcolor": COLORS["text"],
            "height": "0.3",
        },
        "edge": {"color": COLORS["line"], "arrowsize": "0.7", "fontname": _FONT, "fontsize": "10"},
    }
    lines = ["digraph imports {"]
    lines += [f"  {kind} [{_attributes(values)}];" for kind, values in defaults.items()]
    lines += _clusters(graph)
    lines += [_edge(edge) for edge in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def node_classes(node: ModuleNode, breaking: set[str]) -> list[str]:
    classes = ["module"]
    if node.is_package:
        classes.append("package")
    if node.cycle is not None:
        classes.append("cycle")
    if node.name in breaking:
        classes.append("breaks")
    return classes


def _clusters(graph: ModuleGraph) -> list[str]:
    """Nodes inside nested clusters, one per package that holds a drawn module."""
    home = {node.name: _package_of(node) for node in graph.modules}
    packages = {package for package in home.values() if package}
    parent: dict[str, str] = {}
    for package in packages:
        above = package.rpartition(".")[0]
        while above and above not in packages:
            above = above.rpartition(".")[0]
        parent[package] = above
    children: dict[str, list[str]] = {}
    for package in sorted(packages):
        children.setdefault(parent[package], []).append(package)
    members: dict[str, list[ModuleNode]] = {}
    for node in graph.modules:
        members.setdefault(home[node.name], []).append(node)
    breaking = _breaking_modules(graph)
    return list(_cluster_lines("", children, members, breaking, "  "))


def _cluster_lines(
    package: str,
    children: dict[str, list[str]],
    members: dict[str, list[ModuleNode]],
    breaking: set[str],
    indent: str,
) -> Iterator[str]:
    for node in members.get(package, []):
        yield indent + _node(node, breaking, clustered=bool(package))
    for sub in children.get(package, []):
        yield f"{indent}subgraph {_q(f'cluster_{sub}')} {{"
        style = {"label": sub, "style": "rounded", "color": COLORS["cluster"]}
        style.update(fontcolor=COLORS["line"], labeljust="l", labelloc="t")
        yield f"{indent}  graph [{_attributes(style)}];"
        yield from _cluster_lines(sub, children, members, breaking, indent + "  ")
        yield f"{indent}}}"


def _package_of(node: ModuleNode) -> str:
    return node.name if node.is_package else node.name.rpartition(".")[0]


def _breaking_modules(graph: ModuleGraph) -> set[str]:
    """The modules of the cycles that break."""
    return {module for cycle in graph.cycles if cycle.breaks for module in cycle.modules}


def _node(node: ModuleNode, breaking: set[str], *, clustered: bool) -> str:
    # In its package's cluster a module is named as in its folder; the package is __init__.
    label = node.name
    if clustered:
        label = "__init__" if node.is_package else node.name.rpartition(".")[2]
    attributes = {
        "id": f"module-{node.name}",
        "class": " ".join(node_classes(node, breaking)),
        "label": label,
        "tooltip": f"{node.name} ({node.path})",
    }
    if node.name in breaking:
        attributes.update(color=COLORS["broken"], fillcolor=COLORS["broken_fill"])
    elif node.cycle is not None:
        attributes.update(color=COLORS["cycle"], fillcolor=COLORS["cycle_fill"])
    elif node.is_package:
        attributes.update(color=COLORS["package_line"], fillcolor=COLORS["package"])
    return f"{_q(node.name)} [{_attributes(attributes)}];"


def _edge(edge: ImportEdge) -> str:
    classes = ["import"]
    attributes = {"tooltip": f"{edge.source}, line {edge.line}: {edge.statement}"}
    if edge.cycle is not None:
        classes.append("cycle")
        attributes["color"] = COLORS["cycle"]
    if edge.on_broken_cycle:
        classes.append("broken-cycle")
        attributes.update(color=COLORS["broken"], penwidth="1.6")
    if edge.breaks:
        classes.append("breaks")
        notes = "\n".join(f"✗ {entry_note(b)}" for b in edge.breaks)
        statements = "; ".join(f"line {b.line}: {b.statement}" for b in edge.breaks)
        attributes.update(
            color=COLORS["broken"],
            fontcolor=COLORS["broken"],
            penwidth="2.4",
            label=notes,
            tooltip=f"{edge.source}, {statements}: {notes}",
        )
    attributes["class"] = " ".join(classes)
    attributes["id"] = f"import-{edge.source}-{edge.target}"
    return f"  {_q(edge.source)} -> {_q(edge.target)} [{_attributes(attributes)}];"


def _attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={_q(value)}" for key, value in attributes.items())


def _q(text: str) -> str:
    """A DOT string: quoted, with backslashes, quotes and line ends escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
