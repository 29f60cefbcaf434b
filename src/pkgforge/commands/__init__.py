"""The subcommands. Each module has ``register(subparsers, parents)`` and a
``run(args, log) -> int``; only the module of the chosen command does real work, and
only it is imported when the command line names one (:func:`command`)."""

from __future__ import annotations

import importlib

from pkgforge import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["COMMANDS", "COMMAND_NAMES", "command"]

COMMAND_NAMES = (
    "new",
    "add",
    "update",
    "link",
    "check",
    "tree",
    "graph",
    "explain",
    "rules",
    "build",
    "verify",
    "publish",
    "completion",
)
"""Every subcommand, in the order ``pkgforge --help`` lists them."""


def command(name: str) -> ModuleType:
    """The module of the subcommand ``name``."""
    if name not in COMMAND_NAMES:
        raise KeyError(name)
    return importlib.import_module(f"pkgforge.commands.{name}")


def __getattr__(name: str) -> object:
    if name == "COMMANDS":  # every command's module, in COMMAND_NAMES's order
        return tuple(command(n) for n in COMMAND_NAMES)
    if name in COMMAND_NAMES:
        return command(name)
    raise AttributeError(f"module 'pkgforge.commands' has no attribute {name!r}")
