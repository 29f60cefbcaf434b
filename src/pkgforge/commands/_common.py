"""Small helpers shared by the subcommand modules."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Protocol

    class Subparsers(Protocol):
        def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser: ...

else:
    Subparsers = object  # only ever used in annotations


__all__ = ["Subparsers", "add_parser"]


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
