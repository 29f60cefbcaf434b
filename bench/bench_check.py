"""``pkgforge check`` on Django's and SymPy's sources against the floor and ruff.

Run: ``python bench/bench_check.py [--repeat N] [--project django|sympy]...``.

For each project (pinned sdists, downloaded with pip once into ``bench/.cache/``):

* floor: a plain single-process script that reads and ``ast.parse``s the same files
  pkgforge checks (the cost of parsing every file once, nothing else);
* ``pkgforge check --no-cache`` (cold: every file parsed, in parallel);
* ``pkgforge check`` with a warm cache (nothing parsed);
* ``ruff check --no-cache`` with the rules that overlap PF3xx/PF4xx.

Every row is a whole command (interpreter start-up included), median wall time.
Targets (issue 3): cold <= 1.0x the floor; warm <= 0.15x the floor and faster than ruff.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import user_python, which

CACHE = Path(__file__).parent / ".cache"
PROJECTS = {"django": "5.2.19", "sympy": "1.14.0"}

# ruff rules that overlap pkgforge's: F403 star import (PF402), F406 star import not at
# module level (PF401), F822 undefined name in __all__ (PF302), PLE0604 non-string in
# __all__ (PF304), PLE0605 invalid __all__ (PF301); syntax errors (PF410) are always on.
RUFF_RULES = "F403,F406,F822,PLE0604,PLE0605"

FLOOR = """\
import ast, sys, warnings
warnings.simplefilter("ignore")
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as f:
        source = f.read()
    try:
        ast.parse(source, path)
    except (SyntaxError, ValueError):
        pass
"""


def fetch(name: str) -> Path:
    """The unpacked sdist of ``name`` (downloaded once with pip, cached)."""
    version = PROJECTS[name]
    target = CACHE / f"{name}-{version}"
    if not (target / ".unpacked").exists():
        download = CACHE / "sdists"
        download.mkdir(parents=True, exist_ok=True)
        archives = list(download.glob(f"{name}-{version}.tar.gz"))
        if not archives:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--no-binary", ":all:", "--dest", os.fspath(download), f"{name}=={version}"],
                check=True,
            )  # fmt: skip
            archives = list(download.glob(f"{name}-{version}.tar.gz"))
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(archives[0]) as tar:
            tar.extractall(target, filter="data")
        (target / ".unpacked").touch()
    (tree,) = [p for p in target.iterdir() if p.is_dir()]
    return tree


Timing = tuple[float, float]
"""(wall seconds, CPU seconds of the child processes: user + system)."""


def run(argv: Sequence[str], *, touch: Path | None = None) -> Timing:
    """One run; the exit status is ignored (findings exit 1). ``touch`` is a file whose
    mtime is bumped first, as an edit would (the pre-commit case)."""
    if touch is not None:
        os.utime(touch)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median(
    argv: Sequence[str], repeat: int, *, warmup: int = 1, touch: Path | None = None
) -> Timing:
    for _ in range(warmup):
        run(argv, touch=touch)
    runs = [run(argv, touch=touch) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def checked_files(tree: Path) -> list[Path]:
    from pkgforge.checker.engine import load_project

    project = load_project(tree, use_cache=False)
    return [f.path for f in project.files]


def bench_project(name: str, repeat: int) -> dict[str, Timing | None]:
    tree = fetch(name)
    files = checked_files(tree)
    size = sum(p.stat().st_size for p in files)
    print(f"\n{name} {PROJECTS[name]}: {len(files)} files, {size / 1e6:.1f} MB ({tree})")
    py = user_python()
    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch, "files.txt")
        listing.write_text("\n".join(os.fspath(p) for p in files), encoding="utf-8")
        floor_script = Path(scratch, "floor.py")
        floor_script.write_text(FLOOR, encoding="utf-8")
        # the console script, as a user types it (``python -m`` adds runpy's imports)
        pkgforge = [os.fspath(Path(py).parent / "pkgforge"), "check", "--format", "json"]
        rows: dict[str, Timing | None] = {}
        rows["floor: read + ast.parse, 1 process"] = median(
            [py, os.fspath(floor_script), os.fspath(listing)], repeat
        )
        rows["pkgforge check --no-cache (cold)"] = median(
            [*pkgforge, "--no-cache", os.fspath(tree)], repeat
        )
        run([*pkgforge, os.fspath(tree)])  # fill the cache
        rows["pkgforge check (warm cache)"] = median([*pkgforge, os.fspath(tree)], repeat)
        # one module edited: discovery and that file again, then every rule on the model
        rows["pkgforge check (warm, one file edited)"] = median(
            [*pkgforge, os.fspath(tree)], repeat, touch=files[len(files) // 2]
        )
        ruff = which("ruff")
        packages = sorted({os.fspath(tree / p.relative_to(tree).parts[0]) for p in files})
        rows[f"ruff check --no-cache --select {RUFF_RULES}"] = (
            median(
                [
                    ruff,
                    "check",
                    "--no-cache",
                    "--isolated",
                    "--select",
                    RUFF_RULES,
                    "--exit-zero",
                    *packages,
                ],
                repeat,
            )
            if ruff
            else None
        )
    return rows


def report(rows: dict[str, Timing | None]) -> None:
    floor = next(iter(rows.values()))
    ruff = list(rows.values())[-1]
    print(f"  {'(median of runs)':<58} {'wall':>8}     {'vs floor':>11}  {'vs ruff':>10}  cpu")
    for label, timing in rows.items():
        if timing is None:
            print(f"  {label:<58} (not available)")
            continue
        wall, cpu = timing
        vs_floor = f"{wall / floor[0]:5.2f}x floor" if floor else ""
        vs_ruff = f"{wall / ruff[0]:5.2f}x ruff" if ruff else ""
        print(f"  {label:<58} {wall * 1000:8.0f} ms  {vs_floor}  {vs_ruff}  {cpu * 1000:6.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--project", action="append", choices=sorted(PROJECTS))
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"pkgforge check bench on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"load average before: {load} (other work on the machine skews wall times)")
    for name in args.project or sorted(PROJECTS):
        report(bench_project(name, args.repeat))


if __name__ == "__main__":
    main()
