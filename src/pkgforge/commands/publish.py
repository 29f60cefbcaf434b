"""``pkgforge publish``: upload the last build's artifacts with twine, then verify."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser
from pkgforge.errors import UsageError

if TYPE_CHECKING:
    import logging

__all__ = ["register", "run"]

TIMEOUT_ENV = "PKGFORGE_TIMEOUT"


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
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        help="how long the index may stay silent (connecting, taking the upload, "
        f"answering) before that is an error (default: ${TIMEOUT_ENV}, else 60)",
    )
    parser.set_defaults(run=run)


def _seconds(text: str) -> float:
    from pkgforge.release.transport import check_timeout

    try:
        return check_timeout(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0, not {text!r}"
        ) from None


def _timeout(args: argparse.Namespace) -> float | None:
    if args.timeout is not None:
        return float(args.timeout)
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return None
    try:
        return _seconds(value)
    except argparse.ArgumentTypeError as err:
        raise UsageError(
            f"{TIMEOUT_ENV} {err}", hint=f"set {TIMEOUT_ENV} to a number of seconds, such as 60"
        ) from None


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.release.publish import publish

    timeout = _timeout(args)
    from pkgforge.commands._progress import progress_bars
    from pkgforge.release.transport import DEFAULT_TIMEOUT

    with progress_bars(log, timeout=timeout or DEFAULT_TIMEOUT) as watchers:
        result = publish(
            args.path,
            repository=args.repository,
            repository_url=args.repository_url,
            dry_run=args.dry_run,
            skip_existing=args.skip_existing,
            # For indexes whose simple API is not at UPLOAD_URL/simple/.
            simple_url=os.environ.get("PKGFORGE_SIMPLE_URL") or None,
            timeout=timeout,
            progress=watchers.progress,
            waiting=watchers.waiting,
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
        if result.credentials:
            print(f"credentials: {result.credentials}")
        print(f"dry run: {name} checked against {result.simple_url}; nothing uploaded")
    else:
        print(f"published {name}: {len(result.files)} files verified on {result.simple_url}")
    return 0
