"""``pkgforge build``: check, build with PyPA build, inspect the artifacts, verify the wheel."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import (
    Subparsers,
    add_parser,
    add_verification_options,
    print_findings,
)
from pkgforge.errors import UsageError

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence
    from pathlib import Path

    from pkgforge.checker.findings import Finding
    from pkgforge.release.build import BuildResult

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "build",
        help="check, build the sdist and wheel, inspect them, import the wheel for real",
        parents=parents,
    )
    parser.add_argument(
        "path", metavar="PATH", nargs="?", default=".", help="the project (default: here)"
    )
    parser.add_argument("--outdir", metavar="DIR", help="where artifacts go (default PATH/dist)")
    parser.add_argument("--sdist", action="store_true", help="build the sdist (neither flag: both)")
    parser.add_argument(
        "--wheel", action="store_true", help="build the wheel (from the source tree if alone)"
    )
    parser.add_argument(
        "--no-isolation",
        action="store_true",
        help="use the build backend installed in this environment",
    )
    parser.add_argument(
        "--installer",
        choices=("pip", "uv"),
        default="pip",
        help="what installs the build requirements in the isolated environment, and the "
        "wheel's dependencies for its verification (default pip)",
    )
    parser.add_argument(
        "-C",
        "--config-setting",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="config_settings",
        help="pass a setting to the backend (repeatable)",
    )
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="do not import the wheel in a clean environment (then a static import error "
        "stops the build before it starts)",
    )
    add_verification_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.errors import BackendError, CheckFailedError
    from pkgforge.release.build import build

    # Neither flag means both, as with ``python -m build``.
    both = not (args.sdist or args.wheel)
    try:
        result = build(
            args.path,
            outdir=args.outdir,
            sdist=args.sdist or both,
            wheel=args.wheel or both,
            isolation=not args.no_isolation,
            installer=args.installer,
            config_settings=_config_settings(args.config_settings),
            verify=not args.no_verify,
            python=args.python,
            timeout=args.timeout,
        )
    except CheckFailedError as err:
        _report(args, err.findings, None)
        raise
    except BackendError as err:
        _print_output(err.backend, err.output)
        raise
    _report(args, result.findings, result)
    log.debug("timings: %s", ", ".join(f"{t.step} {t.seconds:.2f}s" for t in result.timings))
    return 0


def _report(
    args: argparse.Namespace, findings: Sequence[Finding], result: BuildResult | None
) -> None:
    if args.output_format == "json":
        import json

        from pkgforge.checker.report.json_report import findings_dict

        verification = result.verification if result is not None else None
        payload = findings_dict(
            findings,
            verification=verification.record() if verification is not None else None,
            artifacts=[str(a) for a in result.artifacts] if result is not None else [],
            manifest=str(result.manifest) if result is not None else None,
        )
        print(json.dumps(payload, indent=2))
        return
    print_findings(findings)
    if result is not None:
        for artifact in result.artifacts:
            print(f"{_display(artifact)} ({_size(artifact.stat().st_size)})")


def _config_settings(pairs: Sequence[str]) -> dict[str, str | list[str]] | None:
    """``-C KEY=VALUE`` pairs; a key given twice becomes a list, as with ``python -m build``."""
    settings: dict[str, str | list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(
                f"-C {pair!r} is not KEY=VALUE", hint="pass backend settings as -C KEY=VALUE"
            )
        previous = settings.get(key)
        if previous is None:
            settings[key] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            settings[key] = [previous, value]
    return settings or None


def _print_output(backend: str, output: str) -> None:
    import sys

    lines = output.rstrip().splitlines()
    if not lines:
        return
    print(f"--- output of {backend} ---", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    print("---", file=sys.stderr)


def _display(path: Path) -> str:
    from pathlib import Path

    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _size(size: int) -> str:
    return f"{size / 1024:.1f} kB" if size >= 1024 else f"{size} B"
