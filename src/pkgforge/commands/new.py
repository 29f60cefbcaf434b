"""``pkgforge new NAME``: render a new project and check it."""

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
        "new",
        help="create a new project from a cookiecutter template",
        parents=parents,
    )
    parser.add_argument("name", metavar="NAME", help="distribution name, e.g. sound or sound-tools")
    parser.add_argument("-o", "--output-dir", metavar="DIR", default=".", help="parent directory")
    parser.add_argument(
        "--module",
        metavar="DOTTED",
        action="append",
        default=[],
        help="add a module or subpackage, e.g. effects.echo (repeatable)",
    )
    parser.add_argument("--template", metavar="NAME|PATH", default="default", help="template")
    parser.add_argument("--no-input", action="store_true", help="use defaults, never prompt")
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="settings",
        help="override a template variable (repeatable)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.names import parse_project_name

    parse_project_name(args.name)
    raise PkgforgeError("'pkgforge new' is not implemented yet")
