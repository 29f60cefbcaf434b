"""The output formats of ``pkgforge tree`` and ``pkgforge graph``. Nothing is imported
here: the commands read these when the CLI starts."""

from __future__ import annotations

__all__ = ["GRAPH_FORMATS", "NEEDS_GRAPHVIZ", "TREE_FORMATS"]

TREE_FORMATS = ("text", "json")
GRAPH_FORMATS = ("text", "json", "dot", "mermaid", "svg", "html")
NEEDS_GRAPHVIZ = frozenset({"svg", "html"})
"""The formats that Graphviz's ``dot`` lays out."""
