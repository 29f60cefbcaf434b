"""``pkgforge check``: validate layouts and distributions against the rules."""

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
        "check",
        help="check package layouts, wheels and sdists against the import rules",
        parents=parents,
    )
    parser.add_argument("paths", metavar="PATH", nargs="*", default=["."])
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        dest="output_format",
    )
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes")
    parser.add_argument(
        "--import", action="store_true", dest="run_imports", help="also import every module"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    raise PkgforgeError("'pkgforge check' is not implemented yet")
