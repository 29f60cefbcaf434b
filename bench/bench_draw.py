"""``pkgforge tree`` and ``pkgforge graph`` on Django's sources (issue 17: text and dot <= 2 s).

Run: ``python bench/bench_draw.py [--repeat N] [--full-svg]``.

Every row is a whole command (interpreter start-up included), median wall and CPU time,
taken in interleaved rounds beside ``pkgforge check`` (the same model, the same
cache), the peer that shows what drawing adds. Cold rows use ``--no-cache``: every
file parsed. Graphviz's layout is timed apart, on the DOT that ``--format dot``
writes: for a ``--focus`` and, with ``--full-svg``, for all of Django (minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import load_note, time_command, user_python, which
from bench_check import PROJECTS, Timing, fetch, run

FOCUS = "django.db.models.base"
NODE = ' [id="module-'
"""How a module's node starts in the DOT drawing."""


def _rounds(rows: dict[str, list[str]], repeat: int) -> dict[str, Timing]:
    """Median (wall, CPU) of each command, run in interleaved rounds after one warm-up
    round: on a loaded machine the CPU time (user + system, the command's child processes
    included) moves far less than the wall time."""
    samples: dict[str, list[Timing]] = {label: [] for label in rows}
    for round_number in range(repeat + 1):
        for label, argv in rows.items():
            timing = run(argv)
            if round_number:
                samples[label].append(timing)
    return {
        label: (
            statistics.median(wall for wall, _ in timings),
            statistics.median(cpu for _, cpu in timings),
        )
        for label, timings in samples.items()
    }


def _layout_seconds(dot: str, source: str) -> float:
    start = time.perf_counter()
    subprocess.run([dot, "-Tsvg", "-o", os.devnull], input=source.encode(), check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--full-svg", action="store_true", help="also lay out all of Django")
    args = parser.parse_args()
    tree = os.fspath(fetch("django"))
    pkgforge = os.fspath(Path(user_python()).parent / "pkgforge")
    print(f"pkgforge tree/graph on Django {PROJECTS['django']}, {load_note()}")
    subprocess.run([pkgforge, "check", tree], capture_output=True, check=False)  # the cache
    rows = _rounds(
        {
            "pkgforge check (warm cache)": [pkgforge, "check", "--exit-zero", tree],
            "pkgforge graph (warm)": [pkgforge, "graph", tree],
            "pkgforge graph --format dot (warm)": [pkgforge, "graph", tree, "--format", "dot"],
            "pkgforge tree (warm)": [pkgforge, "tree", tree],
            "pkgforge check --no-cache (cold)": [
                pkgforge,
                "check",
                "--exit-zero",
                "--no-cache",
                tree,
            ],
            "pkgforge graph --no-cache (cold)": [pkgforge, "graph", "--no-cache", tree],
            "pkgforge graph --format dot --no-cache (cold)": [
                *(pkgforge, "graph", "--no-cache", "--format", "dot", tree)
            ],
            "pkgforge tree --no-cache (cold)": [pkgforge, "tree", "--no-cache", tree],
        },
        args.repeat,
    )
    print(f"\nmedian of {args.repeat} rounds ({load_note()} after them)")
    print(f"  {'':<48} {'wall':>9} {'cpu':>9}")
    for label, (wall, cpu) in rows.items():
        print(f"  {label:<48} {wall * 1000:7.0f} ms {cpu * 1000:7.0f} ms")
    dot = which("dot")
    if dot is None:
        print("\nGraphviz's dot is not installed: no layout times")
        return
    focused = subprocess.run(
        [pkgforge, "graph", tree, "--format", "dot", "--focus", FOCUS],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    nodes = focused.count(NODE)
    print(f"\nGraphviz layout ({load_note()}):")
    print(f"  --focus {FOCUS} ({nodes} modules): {_layout_seconds(dot, focused):.2f} s")
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch, "graph.svg")
        seconds = time_command(
            [pkgforge, "graph", tree, "--format", "svg", "--focus", FOCUS, "-o", os.fspath(target)]
        )
        print(f"  pkgforge graph --format svg --focus {FOCUS}, whole command: {seconds:.2f} s")
    if args.full_svg:
        whole = subprocess.run(
            [pkgforge, "graph", tree, "--format", "dot"], capture_output=True, text=True, check=True
        ).stdout
        modules = whole.count(NODE)
        seconds = _layout_seconds(dot, whole)
        print(f"  all of Django ({modules} modules): {seconds:.1f} s ({load_note()})")


if __name__ == "__main__":
    main()
