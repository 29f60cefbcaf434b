"""``pkgforge verify``: import wheels in a clean environment, as ``build`` does."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import (
    Subparsers,
    add_parser,
    add_verification_options,
    print_findings,
)

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence

    from pkgforge.release.verify.verifier import VerifyResult

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "verify",
        help="import wheels in a clean environment, each module in a fresh interpreter",
        parents=parents,
    )
    parser.add_argument(
        "paths",
        metavar="DIST_OR_DIR",
        nargs="*",
        help="a wheel, or a folder of wheels (default: dist, the last build's)",
    )
    parser.add_argument(
        "--extras",
        action="store_true",
        help="also install each extra that a module needs, and verify those modules with it",
    )
    parser.add_argument(
        "--installer",
        choices=("pip", "uv"),
        default="pip",
        help="what installs the declared dependencies (default pip, with its own configuration)",
    )
    add_verification_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.errors import VerifyError
    from pkgforge.release.verify.verifier import verify

    result = verify(
        args.paths,
        extras=args.extras,
        timeout=args.timeout,
        python=args.python,
        installer=args.installer,
    )
    if args.output_format == "json":
        _print_json(result)
    else:
        print_findings(result.findings)
        for verification in result.verifications:
            if verification.ran:
                errors = sum(f.severity == "error" for f in verification.findings)
                count = len(verification.modules)
                print(
                    f"{verification.wheel.name}: {count} module{'' if count == 1 else 's'} "
                    f"imported with Python {verification.python}, {errors} error(s)"
                )
    if not any(v.ran for v in result.verifications):
        raise VerifyError(
            "no wheel could be verified (see the warnings above)",
            hint="pass --python with an interpreter the wheels support, or fix the installer",
        )
    log.debug("verified %d wheel(s)", len(result.verifications))
    return 1 if result.has_errors else 0


def _print_json(result: VerifyResult) -> None:
    import json

    from pkgforge.checker.report.json_report import findings_dict

    records = [v.record() for v in result.verifications]
    payload = findings_dict(
        result.findings,
        verification={"ran": all(r["ran"] for r in records), "wheels": records},
    )
    print(json.dumps(payload, indent=2))
