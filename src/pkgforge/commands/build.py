"""``pkgforge build``: check, build with PyPA build, inspect the artifacts."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser
from pkgforge.errors import UsageError

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence
    from pathlib import Path

    from pkgforge.checker.findings import Finding

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers, "build", help="check, build the sdist and wheel, inspect them", parents=parents
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
        help="what installs the build requirements in the isolated environment (default pip)",
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
        )
    except CheckFailedError as err:
        _print_findings(err.findings)
        raise
    except BackendError as err:
        _print_output(err.backend, err.output)
        raise
    _print_findings(result.findings)
    for artifact in result.artifacts:
        print(f"{_display(artifact)} ({_size(artifact.stat().st_size)})")
    log.debug("timings: %s", ", ".join(f"{t.step} {t.seconds:.2f}s" for t in result.timings))
    return 0


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


def _print_findings(findings: Sequence[Finding]) -> None:
    # The line format of 'pkgforge check' (text), so editors and people read both alike.
    for f in findings:
        print(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}")


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
