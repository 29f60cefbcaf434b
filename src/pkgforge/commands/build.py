"""``pkgforge build``: check, build with PyPA build, inspect the artifacts."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from pkgforge.commands._common import Subparsers, add_parser
from pkgforge.errors import PkgforgeError

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers, "build", help="check, build the sdist and wheel, inspect them", parents=parents
    )
    parser.add_argument("path", metavar="PATH", nargs="?", default=".")
    parser.add_argument("--outdir", metavar="DIR", help="where artifacts go (default PATH/dist)")
    parser.add_argument("--sdist", action="store_true", help="build the sdist")
    parser.add_argument("--wheel", action="store_true", help="build the wheel")
    parser.add_argument("--no-isolation", action="store_true", help="build in this environment")
    parser.add_argument("--installer", choices=("pip", "uv"), default="pip")
    parser.add_argument(
        "-C",
        "--config-setting",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="config_settings",
        help="pass a setting to the backend (repeatable)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    raise PkgforgeError("'pkgforge build' is not implemented yet")
