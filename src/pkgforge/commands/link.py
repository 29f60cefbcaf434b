"""``pkgforge link [PATH] --template SOURCE``: record the template a project follows."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser, add_template_source

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "link",
        help="record the template of a project pkgforge did not make, so update can serve it",
        parents=parents,
    )
    parser.add_argument("path", metavar="PATH", nargs="?", default=".", help="project folder")
    add_template_source(parser, required=True)
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="settings",
        help="an answer to record (repeatable); the rest comes from pyproject.toml and the "
        "template's defaults",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing .pkgforge-template.json"
    )
    parser.add_argument(
        "--no-input",
        action="store_true",
        help="never prompt: what nothing else gives takes the template's default (listed)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.commands.new import shown_path
    from pkgforge.scaffold.update.link import link_project

    result = link_project(
        args.path,
        template=args.template,
        checkout=args.checkout,
        directory=args.directory,
        settings=args.settings,
        force=args.force,
        no_input=args.no_input,
    )
    state = result.state
    verb = "Replaced" if result.replaced else "Wrote"
    print(f"{verb} {shown_path(result.state_file)}: template {state.source!r} {state.version}")
    width = max((len(key) for key in state.answers), default=0)
    for key, value in sorted(state.answers.items()):
        print(f"  {key:<{width}} = {value!r}  ({result.origins.get(key, '?')})")
    if result.defaulted:
        log.warning(
            "%d answer(s) took the template's default, as nothing in the project gives them: "
            "%s; check them, or link again with --force and --set KEY=VALUE",
            len(result.defaulted),
            ", ".join(result.defaulted),
        )
    log.info("Commit it; 'pkgforge update' now follows the template from this version")
    return 0
