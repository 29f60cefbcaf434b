"""``pkgforge completion SHELL``: print the shell completion script (bash, zsh, fish).

The script comes from argcomplete: at each TAB the shell runs ``pkgforge`` with
argcomplete's environment variables, and :func:`pkgforge.cli.main` answers from
the same argparse parser that parses the command line, so completions never
drift from the options. Other runs only test one environment variable.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser

if TYPE_CHECKING:
    import logging

__all__ = ["SHELLS", "register", "run"]

SHELLS = ("bash", "zsh", "fish")

_HOW = """\
Print the completion script for SHELL. Install it once:
  bash:  echo 'eval "$(pkgforge completion bash)"' >> ~/.bashrc
  zsh:   echo 'eval "$(pkgforge completion zsh)"' >> ~/.zshrc   (after compinit)
  fish:  pkgforge completion fish > ~/.config/fish/completions/pkgforge.fish
"""


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "completion",
        help="print the shell completion script for bash, zsh or fish",
        description=_HOW,
        parents=parents,
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    import sys

    from argcomplete.shell_integration import shellcode

    sys.stdout.write(shellcode(["pkgforge"], shell=args.shell))
    return 0
