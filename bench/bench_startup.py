"""CLI start-up: ``pkgforge --version`` and ``--help`` against the peers' CLIs.

Run: ``python bench/bench_startup.py [--repeat N]``. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import interleaved, load_note, print_table, time_command, user_python, which


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    py = user_python()
    candidates: dict[str, list[str] | None] = {
        "python -c pass (floor)": [py, "-c", "pass"],
        "pkgforge --version": [py, "-m", "pkgforge", "--version"],
        "pkgforge --help": [py, "-m", "pkgforge", "--help"],
        "pkgforge check --help": [py, "-m", "pkgforge", "check", "--help"],
        "python -m build --version": [py, "-m", "build", "--version"],
        "twine --version": [py, "-m", "twine", "--version"],
        "cookiecutter --version": [py, "-m", "cookiecutter", "--version"],
        "hatch --version": [py, "-m", "hatch", "--version"] if which("hatch") else None,
        "ruff --version": [which("ruff"), "--version"] if which("ruff") else None,
        "uv --version": [which("uv"), "--version"] if which("uv") else None,
    }
    runs: dict[str, Callable[[], float] | None] = {
        label: (None if argv is None else (lambda argv=argv: time_command(argv)))
        for label, argv in candidates.items()
    }
    before = load_note()
    rows = interleaved(runs, repeat=args.repeat)
    print_table("CLI start-up (median wall time, in rounds)", rows, baseline="pkgforge --version")
    print(f"  machine: {before} before, {load_note()} after")


if __name__ == "__main__":
    main()
