"""``pkgforge add DOTTED``: add a module or subpackage to a project."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from pkgforge.commands._common import Subparsers, add_parser
from pkgforge.errors import PkgforgeError

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "add",
        help="add a module or subpackage, keeping every __all__ right",
        parents=parents,
    )
    parser.add_argument("dotted", metavar="DOTTED", help="e.g. effects.echo")
    parser.add_argument("--project", metavar="DIR", default=".", help="project directory")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    raise PkgforgeError("'pkgforge add' is not implemented yet")
