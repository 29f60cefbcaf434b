"""``pkgforge tree``: draw the package as the Python tutorial draws it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser
from pkgforge.draw.formats import TREE_FORMATS

if TYPE_CHECKING:
    import logging

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "tree",
        help="draw the package as the Python tutorial does, with what each __all__ exports",
        parents=parents,
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        default=".",
        help="a project folder (default: .), or a folder inside one to draw only that",
    )
    parser.add_argument(
        "--format",
        choices=TREE_FORMATS,
        default="text",
        dest="output_format",
        help="text (default: the tutorial's drawing) or json",
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    import sys

    from pkgforge.checker.report.text import use_color
    from pkgforge.draw.render.glyphs import glyphs_for
    from pkgforge.draw.render.tree import render_tree
    from pkgforge.draw.tree import package_tree

    tree = package_tree(args.path, use_cache=not args.no_cache)

    color = args.output_format == "text" and use_color(sys.stdout)
    glyphs = glyphs_for(getattr(sys.stdout, "encoding", None))
    sys.stdout.write(render_tree(tree, args.output_format, glyphs=glyphs, color=color))
    return 0
