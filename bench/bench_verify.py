"""What verification costs: ``pkgforge build`` with and without it, and ``pkgforge verify``
on a real wheel of 500+ modules.

Run: ``python bench/bench_verify.py [--repeat N] [--big faker==40.63.0] [--skip-big]``.

1. The Sound demo (bench_build.py's project), built isolated (sdist + wheel from the
   sdist) into a fresh output folder, the rows taking turns in each round:
   ``python -m build``; ``pkgforge build --no-verify``; ``pkgforge build`` with its
   verification environment kept from an earlier build (the second build with the
   same dependency set); ``pkgforge build`` making a new environment every time
   (``PKGFORGE_VERIFY_CACHE=off``, the first build); and the same with
   ``--installer uv``. What verification adds is the difference to ``--no-verify``.
2. ``pkgforge verify`` on a real pure-Python wheel downloaded from PyPI with pip
   (default Faker 40.63.0: 752 modules, cheap to import once their package is; each is
   imported in a fresh child, star-imported, and its entry points loaded), with a new
   environment and with the kept one; and, for scale, one interpreter importing every
   module in turn.

Every figure is printed with the load average before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import load_note, user_python
from bench_build import make_project

HERE = Path(__file__).resolve().parent
WHEELS = HERE / ".cache" / "wheels"
DEFAULT_BIG = "faker==40.63.0"


def timed(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None, check: bool = True
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run. The CPU time is user + system time of the
    whole process tree (every process is waited for by its parent): what a loaded,
    shared machine changes least."""
    before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(list(argv), cwd=cwd, env=dict(env), capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if check and done.returncode:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    return seconds, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _table(title: str, samples: Mapping[str, list[tuple[float, float]]], baseline: str) -> None:
    """Median wall and CPU seconds of each row, and the ratios of both to ``baseline``."""
    print(f"\n{title}")
    base_wall = statistics.median(w for w, _ in samples[baseline])
    base_cpu = statistics.median(c for _, c in samples[baseline])
    for label, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(
            f"  {label:<44} wall {wall:7.2f} s ({wall / base_wall:4.2f}x)   "
            f"CPU {cpu:7.2f} s ({cpu / base_cpu:4.2f}x)"
        )


def bench_build(py: str, repeat: int, cache: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as scratch_name:
        scratch = Path(scratch_name)
        project = make_project(scratch)
        out = scratch / "out"
        kept = {**os.environ, "PKGFORGE_VERIFY_CACHE": str(cache)}
        fresh = {**os.environ, "PKGFORGE_VERIFY_CACHE": "off"}
        build = [py, "-m", "pkgforge", "-q", "build", str(project), "--outdir", str(out)]
        rows: dict[str, tuple[list[str], Mapping[str, str]]] = {
            "python -m build": ([py, "-m", "build", str(project), "-o", str(out)], kept),
            "pkgforge build --no-verify": ([*build, "--no-verify"], kept),
            "pkgforge build (environment kept)": (build, kept),
            "pkgforge build (new environment)": (build, fresh),
            "uv: pkgforge build --no-verify": ([*build, "--installer", "uv", "--no-verify"], kept),
            "uv: pkgforge build (environment kept)": ([*build, "--installer", "uv"], kept),
            "uv: pkgforge build (new environment)": ([*build, "--installer", "uv"], fresh),
        }
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label in rows}
        print(f"before: {load_note()}")
        for round_number in range(repeat + 1):  # round 0 warms caches, not counted
            for label, (argv, env) in rows.items():
                shutil.rmtree(out, ignore_errors=True)
                measured = timed(argv, env=env, cwd=project)
                if round_number:
                    samples[label].append(measured)
        print(f"after: {load_note()}")
    _table(
        f"Sound: build sdist + wheel, isolated (median of {repeat})",
        samples,
        baseline="python -m build",
    )
    for prefix in ("", "uv: "):
        base = samples[f"{prefix}pkgforge build --no-verify"]
        for kind in ("new environment", "environment kept"):
            runs = samples[f"{prefix}pkgforge build ({kind})"]
            wall = statistics.median(w for w, _ in runs) - statistics.median(w for w, _ in base)
            cpu = statistics.median(c for _, c in runs) - statistics.median(c for _, c in base)
            print(
                f"  verification adds ({prefix or 'pip: '}{kind}): wall {wall:+.2f} s, "
                f"CPU {cpu:+.2f} s"
            )


def download(spec: str) -> Path:
    """The wheel of ``spec`` from PyPI, with pip (no dependencies), kept in bench/.cache."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    name = spec.partition("==")[0].replace("-", "_").lower()
    found = sorted(WHEELS.glob(f"{name}-*.whl"))
    version = spec.partition("==")[2]
    found = [w for w in found if not version or f"-{version}-" in w.name]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary",
             ":all:", "--dest", str(WHEELS), spec],
            check=True,
        )  # fmt: skip
        found = sorted(WHEELS.glob(f"{name}-*.whl"))
    return found[-1]


def modules_of(wheel: Path) -> list[str]:
    names = []
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if not member.endswith(".py") or ".dist-info/" in member or ".data/" in member:
                continue
            parts = member[:-3].split("/")
            if parts[-1] == "__init__":
                parts.pop()
            if parts and parts[-1] != "__main__" and all(p.isidentifier() for p in parts):
                names.append(".".join(parts))
    return sorted(names)


def bench_big(py: str, spec: str, cache: Path, repeat: int) -> None:
    wheel = download(spec)
    modules = modules_of(wheel)
    print(f"\n{wheel.name}: {len(modules)} modules")
    kept = {**os.environ, "PKGFORGE_VERIFY_CACHE": str(cache)}
    fresh = {**os.environ, "PKGFORGE_VERIFY_CACHE": "off"}
    verify = [py, "-m", "pkgforge", "verify", str(wheel), "--output-format", "json"]
    done = subprocess.run(verify, env=kept, capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)
    counts = report["summary"]
    print(
        f"  findings: {counts['errors']} errors, {counts['warnings']} warnings, "
        f"{counts['infos']} infos (exit status {done.returncode})"
    )
    for finding in report["findings"]:
        if finding["severity"] == "error":
            print(f"    error: {finding['path']}: {finding['message'][:160]}")
    with tempfile.TemporaryDirectory(prefix="bench-verify-site-") as site:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
        one = (
            "import importlib, sys\n"
            "for name in sys.argv[1:]:\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except BaseException:\n        pass\n"
        )
        serial = [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {site!r})\n" + one]
        rows = {
            "pkgforge verify (new environment)": (verify, fresh),
            "pkgforge verify (environment kept)": (verify, kept),
            "one interpreter imports each module once": ([*serial, *modules], kept),
        }
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label in rows}
        print(f"  before: {load_note()}")
        for round_number in range(repeat + 1):
            for label, (argv, env) in rows.items():
                # verify exits 1 when it finds an error: a finding, not a failed run
                measured = timed(argv, env=env, check=False)
                if round_number:
                    samples[label].append(measured)
        print(f"  after: {load_note()}")
    _table(
        f"{wheel.name}, {len(modules)} modules, {os.cpu_count()} cores (median of {repeat})",
        samples,
        baseline="pkgforge verify (environment kept)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big", default=DEFAULT_BIG, help="the wheel to verify (a pip spec)")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    py = user_python()
    with tempfile.TemporaryDirectory(prefix="bench-verify-cache-") as cache_name:
        cache = Path(cache_name)
        if not args.skip_build:
            bench_build(py, args.repeat, cache)
        if not args.skip_big:
            bench_big(py, args.big, cache, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
