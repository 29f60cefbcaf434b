"""``pkgforge publish``: upload the last build's artifacts with twine, then verify."""

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
        "publish",
        help="upload exactly the last build's artifacts, then verify them on the index",
        parents=parents,
    )
    parser.add_argument("path", metavar="PATH", nargs="?", default=".")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--repository", metavar="NAME", help="a repository from .pypirc")
    target.add_argument("--repository-url", metavar="URL", help="an index upload URL")
    parser.add_argument("--dry-run", action="store_true", help="do everything but upload")
    parser.add_argument(
        "--skip-existing", action="store_true", help="skip files the index already has"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    raise PkgforgeError("'pkgforge publish' is not implemented yet")
