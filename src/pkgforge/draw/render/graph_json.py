"""``pkgforge graph`` as JSON: the result object's fields, for other tools."""

from __future__ import annotations

import dataclasses
import json

from pkgforge.draw.graph import ModuleGraph

__all__ = ["render_json"]


def render_json(graph: ModuleGraph) -> str:
    data = dataclasses.asdict(graph)
    data["root"] = str(graph.root)
    return json.dumps(data, indent=2) + "\n"
