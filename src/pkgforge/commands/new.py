"""``pkgforge new NAME``: render a new project and check it."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser, add_template_source

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence
    from pathlib import Path

    from pkgforge.checker.findings import Finding

__all__ = ["print_findings", "register", "run", "shown_path"]


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
    add_template_source(parser, required=False)
    parser.add_argument("--no-input", action="store_true", help="use defaults, never prompt")
    parser.add_argument(
        "--index-url",
        metavar="URL",
        help="the simple API asked whether the name is taken (default: the index pip reads)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        default=None,
        help="do not ask an index about the name (also: PKGFORGE_OFFLINE=1)",
    )
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
    from pkgforge.scaffold import new_project

    result = new_project(
        args.name,
        output_dir=args.output_dir,
        modules=args.module,
        template=args.template,
        no_input=args.no_input,
        settings=args.settings,
        checkout=args.checkout,
        directory=args.directory,
        index_url=args.index_url,
        offline=args.offline,
    )
    shown = shown_path(result.project_dir)
    state = result.state
    version = state.version[:12] if state.kind == "git" else state.version
    if state.kind in ("folder", "zip"):
        version = state.version[:19]
    print(f"Created {shown}/ ({len(result.files)} files) from template {state.source!r} {version}")
    for module in result.modules:
        print(f"  added {module}")
    print_findings(result.findings)
    if result.has_errors:
        return 1
    if not result.findings:
        log.info("pkgforge check: no findings")
    return 0


def print_findings(findings: Sequence[Finding]) -> None:
    """One line per finding: ``path:line:col: CODE message`` (paths as ``check`` shows them)."""
    for finding in findings:
        print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}")


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    from pathlib import Path

    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)
