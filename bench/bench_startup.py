"""CLI start-up: ``pkgforge --version`` and ``--help`` against the peers' CLIs.

Run: ``python bench/bench_startup.py [--repeat N]``. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import compile_pkgforge, median_seconds, print_table, time_command, which


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    compile_pkgforge()
    py = sys.executable
    candidates: dict[str, list[str] | None] = {
        "python -c pass (floor)": [py, "-c", "pass"],
        "pkgforge --version": [py, "-m", "pkgforge", "--version"],
        "pkgforge --help": [py, "-m", "pkgforge", "--help"],
        "pkgforge check --help": [py, "-m", "pkgforge", "check", "--help"],
        "python -m build --version": [py, "-m", "build", "--version"],
        "twine --version": [py, "-m", "twine", "--version"],
        "cookiecutter --version": [py, "-m", "cookiecutter", "--version"],
        "hatch --version": [which("hatch"), "--version"] if which("hatch") else None,
        "ruff --version": [which("ruff"), "--version"] if which("ruff") else None,
        "uv --version": [which("uv"), "--version"] if which("uv") else None,
    }
    rows: dict[str, float | None] = {}
    for label, argv in candidates.items():
        if argv is None:
            rows[label] = None
            continue
        rows[label] = median_seconds(lambda argv=argv: time_command(argv), repeat=args.repeat)
    print_table("CLI start-up (median wall time)", rows, baseline="pkgforge --version")


if __name__ == "__main__":
    main()
