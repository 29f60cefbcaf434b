"""Where a cold ``pkgforge check`` of Django + SymPy spends its CPU, part by part, in one
process (issue 18): the floor's read + ``ast.parse`` (collector on, as bench_check.py's
floor runs), the same with the collector off (as pkgforge parses), pkgforge's
``summarize_source`` (parse included), and pickling the summaries to the main process and
back (what the worker processes hand over). CPU time, as a share of the floor's.

Run: ``python bench/bench_cold_parts.py [--repeat N]`` (the trees of bench_check.py).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import os
import pickle
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_check import PROJECTS, checked_files, fetch


def cpu() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2, help="the least CPU of N runs")
    repeat = parser.parse_args().repeat
    from pkgforge.checker.summarize import summarize_source

    warnings.simplefilter("ignore")
    files = [os.fspath(p) for name in sorted(PROJECTS) for p in checked_files(fetch(name))]
    sources = [Path(p).read_bytes() for p in files]

    def parse_all(collect: bool) -> None:
        (gc.enable if collect else gc.disable)()
        for path in files:
            with contextlib.suppress(SyntaxError, ValueError):
                ast.parse(Path(path).read_bytes(), path)
        gc.enable()

    def summarize_all() -> list[object]:
        return [summarize_source(s, filename=p) for p, s in zip(files, sources, strict=True)]

    parts: dict[str, Callable[[], object]] = {
        "floor: read + ast.parse, collector on": lambda: parse_all(True),
        "read + ast.parse, collector off": lambda: parse_all(False),
        "summarize_source (parse included)": summarize_all,
    }
    rows: dict[str, float] = {}
    for label, part in parts.items():
        runs = []
        for _ in range(repeat):
            start = cpu()
            part()
            runs.append(cpu() - start)
        rows[label] = min(runs)
    summaries = summarize_all()
    start = cpu()
    blob = pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL)
    rows["pickle.dumps of the summaries (workers)"] = cpu() - start
    start = cpu()
    pickle.loads(blob)
    rows["pickle.loads of the summaries (main)"] = cpu() - start
    size = sum(map(len, sources)) / 1e6
    print(f"{len(files)} files, {size:.1f} MB; summaries pickled: {len(blob) / 1e6:.1f} MB")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    floor = rows["floor: read + ast.parse, collector on"]
    for label, seconds in rows.items():
        print(f"  {label:<44} {seconds * 1000:8.0f} ms CPU  {seconds / floor:5.2f}x floor")


if __name__ == "__main__":
    main()
