"""``pkgforge graph`` as one self-contained html page: Graphviz's SVG inline, a legend,
the cycles and the imports that break, and a click that shows one module's imports.

Nothing is fetched: no font, script or style comes from elsewhere, and the page's
Content-Security-Policy forbids it, so the file works offline and from a CI artifact.
"""

from __future__ import annotations

import re
from html import escape

from pkgforge.draw.graph import BrokenImport, ModuleGraph
from pkgforge.draw.render.dot import COLORS
from pkgforge.draw.render.graph_text import summary
from pkgforge.draw.render.svg import render_svg

__all__ = ["render_html"]

# Graphviz's prologue: the XML declaration, the DOCTYPE (its DTD address is never
# fetched inline, but it has no place in html) and its comments.
_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)

_STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f8fa; color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
header { padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--cluster); }
h1 { margin: 0; font-size: 20px; }
h1 span { color: var(--line); font-weight: normal; }
h2 { font-size: 14px; margin: 0 0 8px; }
.summary { margin: 2px 0 0; color: var(--line); }
main { display: flex; gap: 16px; padding: 16px 24px; align-items: flex-start; }
#graph { flex: 1; min-width: 0; overflow: auto; background: #fff;
  border: 1px solid var(--cluster); border-radius: 6px; padding: 8px; }
#graph svg { display: block; max-width: 100%; height: auto; }
#graph g.node { cursor: pointer; }
#graph.focused g.node, #graph.focused g.edge { opacity: 0.15; }
#graph.focused g.node.near, #graph.focused g.edge.near { opacity: 1; }
aside { width: 340px; flex: none; }
aside section { background: #fff; border: 1px solid var(--cluster); border-radius: 6px;
  padding: 12px 14px; margin-bottom: 16px; }
#legend ul { list-style: none; margin: 0; padding: 0; }
#legend li { display: flex; align-items: center; gap: 8px; margin: 4px 0; }
#legend svg { flex: none; }
.hint { color: var(--line); margin: 8px 0 0; font-size: 12px; }
ol { margin: 0; padding-left: 20px; }
li code, p code { font-size: 12px; }
.breaks { color: var(--broken); }
"""


_SCRIPT = """
(() => {
  const graph = document.getElementById("graph");
  const nodes = new Map();
  for (const node of graph.querySelectorAll("g.node.module")) {
    nodes.set(node.id.slice("module-".length), { node, edges: [] });
  }
  for (const edge of graph.querySelectorAll("g.edge.import")) {
    const [source, target] = edge.id.slice("import-".length).split("-");
    for (const end of [source, target]) {
      if (nodes.has(end)) nodes.get(end).edges.push([edge, source, target]);
    }
  }
  let chosen = null;
  const show = (name) => {
    for (const near of graph.querySelectorAll(".near")) near.classList.remove("near");
    chosen = name;
    graph.classList.toggle("focused", name !== null);
    if (name === null) return;
    const entry = nodes.get(name);
    entry.node.classList.add("near");
    for (const [edge, source, target] of entry.edges) {
      edge.classList.add("near");
      nodes.get(source === name ? target : source).node.classList.add("near");
    }
  };
  graph.addEventListener("click", (event) => {
    const node = event.target.closest("g.node.module");
    const name = node ? node.id.slice("module-".length) : null;
    show(name === chosen ? null : name);
  });
})();
"""


def render_html(graph: ModuleGraph) -> str:
    """The page; Graphviz's ``dot`` lays the graph out (see :mod:`.svg`)."""
    svg = _PROLOGUE.sub("", render_svg(graph, fmt="html")).strip()
    title = graph.root.name or "project"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{escape(title)}: import graph</title>
<style>
{_palette()}{_STYLE}</style>
</head>
<body>
<header>
<h1>{escape(title)} <span>import graph</span></h1>
<p class="summary">{escape(summary(graph))}</p>
</header>
<main>
<div id="graph">
{svg}
</div>
<aside>
{_legend()}
{_cycles(graph)}
{_broken(graph)}
</aside>
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _palette() -> str:
    """The colours of :data:`~pkgforge.draw.render.dot.COLORS` as CSS variables."""
    variables = " ".join(f"--{name.replace('_', '-')}: {value};" for name, value in COLORS.items())
    return f":root {{ {variables} }}"


def _swatch_box(fill: str, stroke: str) -> str:
    return (
        '<svg width="30" height="16" aria-hidden="true">'
        f'<rect x="1" y="1" width="28" height="14" rx="4" fill="{fill}" stroke="{stroke}"/></svg>'
    )


def _swatch_line(stroke: str, width: float) -> str:
    return (
        '<svg width="30" height="16" aria-hidden="true">'
        f'<line x1="1" y1="8" x2="22" y2="8" stroke="{stroke}" stroke-width="{width}"/>'
        f'<polygon points="22,4 29,8 22,12" fill="{stroke}"/></svg>'
    )


def _legend() -> str:
    rows = [
        (_swatch_box(COLORS["fill"], COLORS["line"]), "a module (named as in its folder)"),
        (
            _swatch_box(COLORS["package"], COLORS["package_line"]),
            "a package's <code>__init__</code>",
        ),
        (_swatch_box(COLORS["cycle_fill"], COLORS["cycle"]), "on an import cycle (PF406)"),
        (_swatch_box(COLORS["broken_fill"], COLORS["broken"]), "on a cycle that breaks (PF411)"),
        (_swatch_line(COLORS["line"], 1), "imports it at module level"),
        (_swatch_line(COLORS["cycle"], 1), "an import on a cycle"),
        (_swatch_line(COLORS["broken"], 1.6), "an import still running when one fails"),
        (
            _swatch_line(COLORS["broken"], 2.6),
            "an import that fails, with the module whose import, first, makes it fail",
        ),
    ]
    items = "\n".join(f"<li>{swatch}<span>{text}</span></li>" for swatch, text in rows)
    return (
        f'<section id="legend">\n<h2>Legend</h2>\n<ul>\n{items}\n</ul>\n'
        '<p class="hint">A box around modules is their package. Click a module to see only '
        "its imports; click it again to see all.</p>\n</section>"
    )


def _cycles(graph: ModuleGraph) -> str:
    if not graph.cycles:
        return '<section id="cycles"><h2>Import cycles (PF406)</h2><p>None.</p></section>'
    items = []
    for cycle in graph.cycles:
        loop = " → ".join(f"<code>{escape(m)}</code>" for m in cycle.loop)
        mark = ' <span class="breaks">✗ breaks (PF411)</span>' if cycle.breaks else ""
        items.append(f"<li>{loop}{mark}</li>")
    return f'<section id="cycles"><h2>Import cycles (PF406)</h2><ol>{"".join(items)}</ol></section>'


def _broken(graph: ModuleGraph) -> str:
    if not graph.broken:
        return '<section id="broken"><h2>Imports that break (PF411)</h2><p>None.</p></section>'
    items = "".join(f"<li>{_broken_item(b)}</li>" for b in graph.broken)
    return f'<section id="broken"><h2>Imports that break (PF411)</h2><ul>{items}</ul></section>'


def _broken_item(broken: BrokenImport) -> str:
    level = "error" if broken.certain else "warning"
    return (
        f"<code>{escape(broken.path)}:{broken.line}</code> "
        f"<code>{escape(broken.statement)}</code> fails when "
        f"<code>{escape(broken.entry)}</code> is imported first ({level}): "
        f"<code>{escape(broken.target)}</code> is still running line {broken.suspended_at} "
        f"and binds <code>{escape(broken.name)}</code> only at line {broken.bound_at}."
    )
