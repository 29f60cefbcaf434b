"""``pkgforge add DOTTED``: add a module or subpackage to a project."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "add",
        help="add a module or subpackage, keeping every __all__ right",
        parents=parents,
    )
    parser.add_argument(
        "dotted",
        metavar="DOTTED",
        help="module relative to the top-level package, e.g. effects.echo",
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        default=".",
        help="a folder inside the project (the nearest pyproject.toml upwards is used)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.commands.new import print_findings
    from pkgforge.scaffold import add_module

    result = add_module(args.dotted, project=args.project)
    root = result.project_dir
    print(f"Added {result.module}")
    for path in result.created:
        print(f"  created {path.relative_to(root).as_posix()}")
    for path in result.edited:
        print(f"  updated {path.relative_to(root).as_posix()} (__all__)")
    print_findings(result.findings)
    return 1 if result.has_errors else 0
