"""``pkgforge tree``: draw the package as the Python tutorial draws it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import (
    Subparsers,
    add_drawing_arguments,
    add_parser,
    terminal_style,
    write_stdout,
)
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
    add_drawing_arguments(
        parser,
        formats=TREE_FORMATS,
        path_help="a project folder (default: .), or a folder inside one to draw only that",
        format_help="text (default: the tutorial's drawing) or json",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.draw.render.tree import render_tree
    from pkgforge.draw.tree import package_tree

    tree = package_tree(args.path, use_cache=not args.no_cache)
    glyphs, color = terminal_style(args.output_format)
    write_stdout(render_tree(tree, args.output_format, glyphs=glyphs, color=color))
    return 0
