"""The subcommands. Each module has ``register(subparsers, parents)`` and a
``run(args, log) -> int``; only the module of the chosen command does real work."""

from __future__ import annotations

from pkgforge.commands import (
    add,
    build,
    check,
    completion,
    explain,
    graph,
    link,
    new,
    publish,
    rules,
    tree,
    update,
    verify,
)

__all__ = [
    "COMMANDS",
    "add",
    "build",
    "check",
    "completion",
    "explain",
    "graph",
    "link",
    "new",
    "publish",
    "rules",
    "tree",
    "update",
    "verify",
]

COMMANDS = (
    new,
    add,
    update,
    link,
    check,
    tree,
    graph,
    explain,
    rules,
    build,
    verify,
    publish,
    completion,
)
