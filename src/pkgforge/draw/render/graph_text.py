"""``pkgforge graph`` as text: each module and what it imports, then the cycles and the
imports that break."""

from __future__ import annotations

from pkgforge.draw.graph import BrokenImport, ImportEdge, ModuleGraph
from pkgforge.draw.render.glyphs import UNICODE, Glyphs
from pkgforge.draw.render.paint import Paint
from pkgforge.draw.render.words import plural

__all__ = ["entry_note", "render_text", "summary"]


def render_text(graph: ModuleGraph, *, glyphs: Glyphs = UNICODE, color: bool = False) -> str:
    paint = Paint(color)
    out: dict[str, list[ImportEdge]] = {}
    for edge in graph.edges:
        out.setdefault(edge.source, []).append(edge)
    lines: list[str] = []
    for node in graph.modules:
        head = paint.bold(node.name)
        if node.cycle is not None:
            head += "  " + paint.warning(f"{glyphs.cycle} cycle {node.cycle}")
        lines.append(head)
        edges = out.get(node.name, [])
        width = max((len(e.target) for e in edges), default=0)
        for index, edge in enumerate(edges):
            branch = glyphs.last if index == len(edges) - 1 else glyphs.tee
            text = f"{branch}{glyphs.arrow} {edge.target:<{width}}  " + paint.dim(
                f"line {edge.line}"
            )
            if edge.cycle is not None:
                text += "  " + paint.warning(f"{glyphs.cycle} cycle {edge.cycle}")
            for broken in edge.breaks:
                text += "  " + paint.error(f"{glyphs.broken} {entry_note(broken)}")
            lines.append(text)
    if graph.cycles:
        lines += ["", paint.bold("Import cycles (PF406)")]
        for cycle in graph.cycles:
            loop = f" {glyphs.arrow} ".join(cycle.loop)
            text = f"  {glyphs.cycle} {cycle.number}  {loop}"
            if len(cycle.modules) > len(cycle.loop) - 1:
                text += paint.dim(f"  ({len(cycle.modules)} modules in the cycle)")
            if cycle.breaks:
                text += "  " + paint.error(f"{glyphs.broken} breaks (PF411)")
            lines.append(text)
    if graph.broken:
        lines += ["", paint.bold("Imports that break (PF411)")]
        for broken in graph.broken:
            lines += _broken_lines(broken, graph, glyphs, paint)
    lines += ["", paint.dim(summary(graph))]
    return "\n".join(lines) + "\n"


def entry_note(broken: BrokenImport) -> str:
    """``breaks when sound is imported first`` (and ``(warning)`` when not certain)."""
    note = f"breaks when {broken.entry} is imported first"
    return note if broken.certain else f"{note} (warning)"


def _broken_lines(
    broken: BrokenImport, graph: ModuleGraph, glyphs: Glyphs, paint: Paint
) -> list[str]:
    level = "error" if broken.certain else "warning"
    paths = {node.name: node.path for node in graph.modules}
    chain = f" {glyphs.arrow} ".join(
        f"{paths.get(module, module)}:{line}" for module, line in broken.chain
    )
    lines = [
        (
            f"  {paint.error(glyphs.broken)} {broken.path}:{broken.line}  `{broken.statement}` "
            f"fails when {paint.bold(broken.entry)} is imported first ({level})"
        ),
        paint.dim(
            f"      {broken.target} is still running line {broken.suspended_at} and binds "
            f"`{broken.name}` only at line {broken.bound_at}"
        ),
    ]
    if chain:
        lines.append(paint.dim(f"      imports in progress: {chain}"))
    return lines


def summary(graph: ModuleGraph) -> str:
    """``16 modules, 8 imports, 2 import cycles, 1 import that breaks`` (and what was left out)."""
    shown = len(graph.modules)
    parts = [plural(shown, "module"), plural(len(graph.edges), "import")]
    parts.append(plural(len(graph.cycles), "import cycle"))
    parts.append(plural(len(graph.broken), "import that breaks", "imports that break"))
    text = ", ".join(parts)
    if shown < graph.total_modules:
        chosen = []
        if graph.focus is not None:
            chosen.append(f"--focus {graph.focus}")
        if graph.depth is not None:
            chosen.append(f"--depth {graph.depth}")
        text += f" (of {graph.total_modules} modules: {' '.join(chosen)})"
    return text
