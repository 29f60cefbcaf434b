"""``pkgforge graph``: draw the module-level import graph, its cycles and the ones that break."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import (
    Subparsers,
    add_drawing_arguments,
    add_parser,
    terminal_style,
    write_stdout,
)
from pkgforge.draw.formats import GRAPH_FORMATS, NEEDS_GRAPHVIZ

if TYPE_CHECKING:
    import logging

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "graph",
        help="draw the import graph, its cycles and the imports that break",
        parents=parents,
    )
    add_drawing_arguments(
        parser,
        formats=GRAPH_FORMATS,
        path_help="a project folder (default: .); a package's folder or a module's file "
        "inside one is the --focus",
        format_help="text (default), json, dot (Graphviz), mermaid, svg or html "
        "(svg and html need Graphviz's dot)",
    )
    parser.add_argument(
        "--focus",
        metavar="MODULE",
        help="draw only MODULE (and the modules under it) and its neighbours",
    )
    parser.add_argument(
        "--depth",
        metavar="N",
        type=_depth,
        help="how many imports away from --focus (default 1), or from the top-level "
        "packages without --focus",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="write the drawing to FILE (replaced whole, never half-written) instead of stdout",
    )
    parser.set_defaults(run=run)


def _depth(value: str) -> int:
    try:
        depth = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if depth < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {depth}")
    return depth


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.draw.graph import import_graph
    from pkgforge.draw.render import render_graph
    from pkgforge.draw.render.glyphs import glyphs_for

    fmt = args.output_format
    if fmt in NEEDS_GRAPHVIZ:
        from pkgforge.draw.render.svg import find_dot

        find_dot(fmt)  # before the project is read: a missing Graphviz is said at once
    graph = import_graph(args.path, focus=args.focus, depth=args.depth, use_cache=not args.no_cache)
    if args.output is not None:
        drawing = render_graph(graph, fmt, glyphs=glyphs_for("utf-8"))
        _write(args.output, drawing)
        log.info("wrote %s", args.output)
        return 0
    glyphs, color = terminal_style(fmt)
    write_stdout(render_graph(graph, fmt, glyphs=glyphs, color=color))
    return 0


def _write(target: Path, text: str) -> None:
    """Write ``text`` beside ``target``, then rename it over: a failure leaves the old file."""
    import os

    from pkgforge.errors import PkgforgeError

    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    except OSError as err:
        raise PkgforgeError(
            f"cannot write {target}: {err.strerror or err}",
            hint="give --output a file in a folder you can write to",
        ) from None
    finally:
        temporary.unlink(missing_ok=True)
