"""``pkgforge check`` on Django's and SymPy's sources against the floor and ruff.

Run: ``python bench/bench_check.py [--repeat N] [--instructions]`` (both trees in one
command, issue 18), or ``--project django|sympy`` for one tree at a time (issue 3).

Both trees together (the default), every row once per round, in turn, so that a shared
machine's drifting load weighs on every row alike; ruff with its own cache, as a user
runs it:

* floor: one process reads and ``ast.parse``s every file pkgforge checks;
* cold: ``--no-cache`` (pkgforge and ruff);
* unchanged: nothing changed since the last run (each tool's cache);
* one file edited, as pre-commit runs it (a fresh process): before each run the middle
  module of Django's list (``__init__.py`` files left out) is rewritten so that the tool sees a change since its own last
  run: "lines moved" adds or removes a blank line at the top (every line of the file
  moves: its summary changes, not what it imports or binds), "import changed" swaps an
  import at the end (every rule may depend on it);
* ``--watch``: the time from writing a star import into that file to the screen that
  reports it (PF402);
* the cache's size on disk and the peak RSS of a cold run (the largest of its processes);
* with ``--instructions``: callgrind's count for the unchanged and edited cases;
* with ``--warm-only``: only the unchanged and edited rows, which a quiet minute can
  hold (the floor and the cold rows take seconds each).

Targets (issue 18): after one edit <= 100 ms; unchanged <= 35 ms and below ruff's cached
run; cold <= 0.5x the floor; a finding on screen <= 300 ms after the save under --watch.

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
import re
import resource
import select
import shutil
import signal
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


class Edit:
    """Rewrites one file so that each tool sees a change since its own last run."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        self.kind = kind
        self.last: dict[str, int] = {}

    def text(self, state: int) -> str:
        if self.kind == "lines moved":
            return "\n" * (state + 1) + self.original
        return self.original + ("\nimport json as _bench\n", "\nimport csv as _bench\n")[state]

    def before(self, tool: str) -> None:
        state = 1 - self.last.get(tool, 1)
        self.last[tool] = state
        self.path.write_text(self.text(state), encoding="utf-8")

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")


def together(repeat: int, instructions: bool, *, warm_only: bool = False) -> None:
    trees = [fetch(name) for name in sorted(PROJECTS)]
    files = [path for tree in trees for path in checked_files(tree)]
    # the middle module of Django's list (not an __init__.py, whose text the build facts
    # also read: editing one reruns every rule, docs/benchmarks.md has that figure too)
    modules = [p for p in sorted(checked_files(trees[0])) if p.name != "__init__.py"]
    edited = modules[len(modules) // 2]
    size = sum(p.stat().st_size for p in files)
    print(f"\nDjango + SymPy together: {len(files)} files, {size / 1e6:.1f} MB; edited: {edited}")
    py = user_python()
    pkgforge = [os.fspath(Path(py).parent / "pkgforge"), "check", "--format", "json"]
    pkgforge += [os.fspath(tree) for tree in trees]
    ruff = which("ruff")
    packages = sorted({os.fspath(t / p.relative_to(t).parts[0]) for t in trees for p in files
                       if p.is_relative_to(t)})  # fmt: skip
    ruff_cmd = [ruff or "ruff", "check", "--isolated", "--select", RUFF_RULES, "--exit-zero"]
    ruff_cmd += packages
    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch, "files.txt")
        listing.write_text("\n".join(os.fspath(p) for p in files), encoding="utf-8")
        floor_script = Path(scratch, "floor.py")
        floor_script.write_text(FLOOR, encoding="utf-8")
        moved, imported = Edit(edited, "lines moved"), Edit(edited, "import changed")
        rows: dict[str, tuple[list[str], Edit | None, str]] = {
            "floor: read + ast.parse, 1 process": ([py, os.fspath(floor_script), os.fspath(listing)], None, ""),
            "pkgforge check --no-cache (cold)": ([*pkgforge, "--no-cache"], None, ""),
            "ruff check --no-cache (cold)": ([*ruff_cmd, "--no-cache"], None, ""),
            "pkgforge check, unchanged": (pkgforge, None, ""),
            "ruff check, unchanged (its cache)": (ruff_cmd, None, ""),
            "pkgforge check, one file edited: lines moved": (pkgforge, moved, "pkgforge"),
            "ruff check, one file edited: lines moved": (ruff_cmd, moved, "ruff"),
            "pkgforge check, one file edited: import changed": (pkgforge, imported, "pkgforge"),
            "ruff check, one file edited: import changed": (ruff_cmd, imported, "ruff"),
        }  # fmt: skip
        if ruff is None:
            rows = {label: row for label, row in rows.items() if not label.startswith("ruff")}
        if warm_only:  # the seconds-long rows would take most of a quiet minute
            rows = {label: row for label, row in rows.items()
                    if not label.startswith("floor") and "cold" not in label}  # fmt: skip
        samples: dict[str, list[Timing]] = {label: [] for label in rows}
        load_before = os.getloadavg()
        try:
            for command in (pkgforge, ruff_cmd):  # fill the caches
                run(command)
                run(command)
            edited_at = 0.0
            for round_number in range(repeat + 1):
                for label, (argv, edit, tool) in rows.items():
                    if edit is not None:
                        edit.before(tool)
                    elif "unchanged" in label:
                        # a run within 2 s of an edit is not recorded for replay (racy
                        # mtimes): without the seconds-long rows, wait that out
                        time.sleep(max(0.0, edited_at + 2.1 - time.monotonic()))
                        run(argv)  # what the tool's last run saw is this tree
                    timing = run(argv)
                    if edit is not None:
                        moved.restore()
                        edited_at = time.monotonic()
                        run(argv)  # the tool's cache sees the original again
                    if round_number:  # the first round warms up
                        samples[label].append(timing)
            watch = float("nan") if warm_only else watch_latency(pkgforge, edited, repeat)
        finally:
            moved.restore()
        load_after = os.getloadavg()
        medians = {
            label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for label, runs in samples.items()
        }
        print(f"load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after "
              f"({os.cpu_count()} CPUs)")  # fmt: skip
        floor = medians.get("floor: read + ast.parse, 1 process", (0.0, 0.0))[0]
        print(f"  {'(median of runs)':<50} {'wall':>8}   {'vs floor':>7}  {'vs ruff':>7}  cpu")
        for label, (wall, cpu) in medians.items():
            peer = label.replace("pkgforge check", "ruff check").replace(
                "ruff check, unchanged", "ruff check, unchanged (its cache)"
            )
            peer = "ruff check --no-cache (cold)" if "cold" in label else peer
            vs_ruff = medians.get(peer) if label.startswith("pkgforge") else None
            ratio = f"{wall / vs_ruff[0]:6.2f}x" if vs_ruff else ""
            vs_floor = f"{wall / floor:7.2f}x" if floor else ""
            print(f"  {label:<50} {wall * 1000:8.1f} ms {vs_floor:>8}  {ratio:>7}  "
                  f"{cpu * 1000:6.0f} ms")  # fmt: skip
        print(f"  cache on disk: {cache_bytes(trees) / 1e6:.2f} MB (.pkgforge_cache of both trees)")
        if not warm_only:
            print(f"  --watch: a finding on screen after the save: median {watch * 1000:.0f} ms")
            print(f"  peak RSS of a cold run: {peak_rss([*pkgforge, '--no-cache']) / 1024:.0f} MB")
        if instructions:
            for label, (argv, edit, tool) in rows.items():
                if label.startswith("floor") or "cold" in label:
                    continue
                if edit is not None:
                    edit.before(tool)
                else:  # a run more than 2 s after the last edit is recorded for replay
                    time.sleep(2.1)
                    run(argv)
                count = instruction_count(argv)
                moved.restore()
                run(argv)
                print(f"  instructions, {label}: {count / 1e6:,.0f} M")


def cache_bytes(trees: Sequence[Path]) -> int:
    return sum(
        p.stat().st_size
        for tree in trees
        for p in (tree / ".pkgforge_cache").glob("*")
        if p.is_file()
    )


def peak_rss(argv: Sequence[str]) -> int:
    """KiB: the largest resident set of ``argv`` and its processes (a fresh watcher, so
    that no earlier child's peak counts)."""
    script = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=False
    )
    return int(done.stdout.strip())


def watch_latency(pkgforge: Sequence[str], edited: Path, repeat: int) -> float:
    """Median seconds from writing a star import into ``edited`` to the screen of
    ``check --watch`` that reports it."""
    argv = [arg for arg in pkgforge if arg not in {"--format", "json"}]
    process = subprocess.Popen([*argv, "--watch"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True, env={**os.environ, "NO_COLOR": "1"})  # fmt: skip
    original = edited.read_text(encoding="utf-8")
    found: list[float] = []
    try:
        _screen(process, 120)
        for n in range(repeat):
            time.sleep(0.3)
            start = time.perf_counter()
            edited.write_text(original + f"\nfrom os import *  # {n}\n", encoding="utf-8")
            screen = _screen(process, 30)
            if b"PF402" in screen and edited.name.encode() in screen:
                found.append(time.perf_counter() - start)
            edited.write_text(original, encoding="utf-8")
            _screen(process, 30)
    finally:
        edited.write_text(original, encoding="utf-8")
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    return statistics.median(found) if found else float("nan")


def _screen(process: subprocess.Popen[bytes], seconds: float) -> bytes:
    """What the watch prints up to the end of its next screen."""
    assert process.stdout is not None
    seen = b""
    end = time.monotonic() + seconds
    while b"Watching for file changes" not in seen and time.monotonic() < end:
        ready, _, _ = select.select([process.stdout], [], [], 0.01)
        if ready:
            seen += os.read(process.stdout.fileno(), 1 << 20)
    return seen


def instruction_count(argv: Sequence[str]) -> int:
    """Instructions of ``argv``'s own process, counted by callgrind."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                          capture_output=True, text=True, check=False)  # fmt: skip
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if counted is None:
        raise SystemExit(f"callgrind run failed:\n{done.stderr}")
    return int(counted.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--project", action="append", choices=sorted(PROJECTS))
    parser.add_argument("--instructions", action="store_true", help="count with callgrind too")
    parser.add_argument(
        "--warm-only",
        action="store_true",
        help="only the unchanged and edited rows (no floor, cold, --watch or peak RSS)",
    )
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"pkgforge check bench on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"load average before: {load} (other work on the machine skews wall times)")
    if not args.project:
        together(args.repeat, args.instructions, warm_only=args.warm_only)
        return
    for name in args.project:
        report(bench_project(name, args.repeat))


if __name__ == "__main__":
    main()
