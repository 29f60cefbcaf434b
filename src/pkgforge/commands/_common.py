"""Small helpers shared by the subcommand modules."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Protocol

    from pkgforge.checker.findings import Finding
    from pkgforge.draw.render.glyphs import Glyphs

    class Subparsers(Protocol):
        def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser: ...

else:
    Subparsers = object  # only ever used in annotations


__all__ = [
    "Subparsers",
    "add_drawing_arguments",
    "add_parser",
    "add_template_source",
    "add_verification_options",
    "complete_rule_codes",
    "print_findings",
    "terminal_style",
    "write_stdout",
]


def add_parser(
    subparsers: Subparsers,
    name: str,
    *,
    help: str,
    description: str | None = None,
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """Add a subcommand parser with the shared global options."""
    return subparsers.add_parser(
        name,
        help=help,
        description=description or help,
        parents=list(parents),
    )


def add_template_source(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """``--template``, ``--checkout`` and ``--directory``: where a template comes from
    (``new`` and ``link`` take the same sources, so they say so in the same words)."""
    template = parser.add_argument(
        "--template",
        metavar="SOURCE",
        required=required,
        default=None if required else "default",
        help="a built-in template (default, minimal), a template folder, a git repository "
        "(gh:owner/repo, https://..., git+ssh://..., file://..., a local repository) or a zip file",
    )
    template.completer = _complete_template  # type: ignore[attr-defined]
    parser.add_argument(
        "--checkout",
        metavar="REF",
        help="the branch, tag or commit of a git template (default: its default branch)",
    )
    parser.add_argument(
        "--directory",
        metavar="DIR",
        help="the template's folder inside the repository, zip or folder",
    )


def add_verification_options(parser: argparse.ArgumentParser) -> None:
    """``--timeout``, ``--python`` and ``--output-format``: how ``build`` and ``verify`` import
    a wheel, and how they report it (they verify alike, so they say so in the same words)."""
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=60.0,
        help="how long one import may take before it counts as hanging (default 60)",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter to verify with, one that the wheel's requires-python allows "
        "(default: the one running pkgforge)",
    )
    parser.add_argument(
        "--output-format",
        "--format",
        choices=("text", "json"),
        default="text",
        dest="output_format",
        help="report format (default text; json: the findings as 'check' prints them)",
    )


def print_findings(findings: Sequence[Finding]) -> None:
    """One line per finding, in the line format of ``pkgforge check``, so editors and people
    read both alike."""
    for f in findings:
        print(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}")


def add_drawing_arguments(
    parser: argparse.ArgumentParser,
    *,
    formats: Sequence[str],
    path_help: str,
    format_help: str,
) -> None:
    """``PATH``, ``--format`` and ``--no-cache``: what ``tree`` and ``graph`` draw, and how."""
    parser.add_argument("path", metavar="PATH", nargs="?", default=".", help=path_help)
    parser.add_argument(
        "--format", choices=formats, default="text", dest="output_format", help=format_help
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")


def terminal_style(output_format: str) -> tuple[Glyphs, bool]:
    """For a drawing printed on stdout: the glyphs its encoding can write, and whether to
    colour it (text on a terminal, as ``check`` decides)."""
    import sys

    from pkgforge.checker.report.text import use_color
    from pkgforge.draw.render.glyphs import glyphs_for

    color = output_format == "text" and use_color(sys.stdout)
    return glyphs_for(getattr(sys.stdout, "encoding", None)), color


def write_stdout(text: str) -> None:
    """Print ``text`` as it is; a character stdout's encoding lacks (a module named in
    another script under ``LANG=C``) is escaped, not a crash."""
    import sys

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    sys.stdout.write(text)


# Completers: argcomplete calls them at a TAB (``pkgforge completion``), never on a run.


def _complete_template(prefix: str, **_: object) -> list[str]:
    """The built-in templates' names, then the folders and zip files that ``prefix`` starts."""
    from argcomplete.completers import FilesCompleter

    from pkgforge.scaffold.templates import builtin_templates

    names = [name for name in builtin_templates() if name.startswith(prefix)]
    return names + list(FilesCompleter(allowednames=("zip",), directories=True)(prefix))


def complete_rule_codes(prefix: str, **_: object) -> list[str]:
    """Every rule's code (``PF402``) and name (``star-import``), for ``explain``."""
    from pkgforge.checker.catalogue import all_rules

    rules = all_rules()
    words = [rule.code for rule in rules] + [rule.name for rule in rules]
    return [word for word in words if word.startswith(prefix)]
