"""The drawings in each output format: :mod:`.tree` (text, json) for ``pkgforge tree``;
:mod:`.graph_text`, :mod:`.graph_json`, :mod:`.dot`, :mod:`.mermaid`, :mod:`.svg` and
:mod:`.html` for ``pkgforge graph``. Each renderer is a function of the result object
alone; only svg and html run a program (Graphviz's ``dot``)."""

from __future__ import annotations

from pkgforge.draw.graph import ModuleGraph
from pkgforge.draw.render.glyphs import UNICODE, Glyphs

__all__ = ["render_graph"]


def render_graph(
    graph: ModuleGraph, fmt: str = "text", *, glyphs: Glyphs = UNICODE, color: bool = False
) -> str:
    """``graph`` in ``fmt`` (one of :data:`~pkgforge.draw.formats.GRAPH_FORMATS`), ending with
    a newline."""
    if fmt == "text":
        from pkgforge.draw.render.graph_text import render_text

        return render_text(graph, glyphs=glyphs, color=color)
    if fmt == "json":
        from pkgforge.draw.render.graph_json import render_json

        return render_json(graph)
    if fmt == "dot":
        from pkgforge.draw.render.dot import render_dot

        return render_dot(graph)
    if fmt == "mermaid":
        from pkgforge.draw.render.mermaid import render_mermaid

        return render_mermaid(graph)
    if fmt == "svg":
        from pkgforge.draw.render.svg import render_svg

        return render_svg(graph)
    if fmt == "html":
        from pkgforge.draw.render.html import render_html

        return render_html(graph)
    from pkgforge.draw.formats import GRAPH_FORMATS

    raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(GRAPH_FORMATS)}")
