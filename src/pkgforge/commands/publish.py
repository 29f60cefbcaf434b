"""``pkgforge publish``: upload the last build's artifacts with twine, then verify."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence

from pkgforge.commands._common import Subparsers, add_parser

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
    from pkgforge.release.publish import publish

    result = publish(
        args.path,
        repository=args.repository,
        repository_url=args.repository_url,
        dry_run=args.dry_run,
        skip_existing=args.skip_existing,
        # For indexes whose simple API is not at UPLOAD_URL/simple/.
        simple_url=os.environ.get("PKGFORGE_SIMPLE_URL") or None,
    )
    verb = {
        "uploaded": "uploaded",
        "skipped": "skipped (already on the index, same sha256)",
        "would-upload": "would upload",
        "would-skip": "would skip (already on the index, same sha256)",
    }
    for item in result.files:
        print(f"{item.filename}: {verb[item.action]}")
    name = f"{result.project} {result.version}"
    if result.dry_run:
        print(f"dry run: {name} checked against {result.simple_url}; nothing uploaded")
    else:
        print(f"published {name}: {len(result.files)} files verified on {result.simple_url}")
    return 0
