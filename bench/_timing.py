"""Shared timing helpers for the bench scripts: medians of whole commands."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence

__all__ = [
    "compile_pkgforge",
    "interleaved",
    "load_note",
    "median_seconds",
    "print_table",
    "time_command",
    "user_python",
    "which",
]


def time_command(argv: Sequence[str], *, cwd: str | None = None) -> float:
    """Run ``argv`` once (output discarded) and return the wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def median_seconds(run: Callable[[], float], *, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    return statistics.median(run() for _ in range(repeat))


def interleaved(
    runs: dict[str, Callable[[], float] | None], *, repeat: int, warmup: int = 1
) -> dict[str, float | None]:
    """Median seconds of each run, taken in rounds (each run once per round, in turn).

    On a shared machine the load drifts within seconds; rounds spread that drift over
    every row alike, so the ratios between rows hold better than with one row after
    the other. ``None`` rows are not available and stay ``None``.
    """
    samples: dict[str, list[float]] = {label: [] for label, run in runs.items() if run}
    for round_number in range(warmup + repeat):
        for label, run in runs.items():
            if run is None:
                continue
            seconds = run()
            if round_number >= warmup:
                samples[label].append(seconds)
    return {
        label: statistics.median(samples[label]) if run else None for label, run in runs.items()
    }


def load_note() -> str:
    """The 1-minute load average and the core count, to print beside the figures."""
    import os

    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except OSError:
        load = "unknown"
    return f"load average {load} on {os.cpu_count()} cores"


def print_table(title: str, rows: dict[str, float | None], *, baseline: str) -> None:
    """Print medians and the ratio of each row to ``baseline``."""
    print(f"\n{title}")
    base = rows.get(baseline)
    for label, seconds in rows.items():
        if seconds is None:
            print(f"  {label:<44} (not available)")
            continue
        ratio = f"{seconds / base:6.2f}x {baseline}" if base else ""
        print(f"  {label:<44} {seconds * 1000:9.1f} ms  {ratio}")


def which(name: str) -> str | None:
    """``name`` from this Python's own environment first (a venv run without activating
    it, as ``.venv/bin/python bench/...``), then from PATH."""
    import sys
    from pathlib import Path

    here = Path(sys.executable).parent
    return shutil.which(name, path=str(here)) or shutil.which(name)


def compile_pkgforge() -> None:
    """Write pkgforge's bytecode once, as an installed wheel has it.

    An editable checkout has none, and under PYTHONDONTWRITEBYTECODE every run
    would recompile pkgforge while the peers load their installed bytecode.
    """
    import compileall
    from pathlib import Path

    import pkgforge

    compileall.compile_dir(Path(pkgforge.__file__).parent, quiet=1)


def user_python() -> str:
    """A Python where pkgforge is installed from its wheel, as a user has it.

    The development venv's editable install loads setuptools' import finder at every
    interpreter start (about 15 ms here, for every command of that venv, peers
    included); users who ``pip install pkgforge-cli`` never pay it. So the benches run
    pkgforge and the Python-based peers with this interpreter: a venv next to the
    development one (``bench/.cache/user-venv``) that holds pkgforge's wheel, built
    from this checkout now and byte-compiled as pip does, and sees the development
    venv's other distributions through a ``.pth`` line (a path line, which does not
    run the editable install's ``.pth`` code).
    """
    import subprocess
    import sys
    import sysconfig
    import tempfile
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    venv = repo / "bench" / ".cache" / "user-venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "_dev_venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out,
             str(repo)],
            check=True, capture_output=True,
        )  # fmt: skip
        (wheel,) = Path(out).glob("pkgforge_cli-*.whl")
        # pip installs it as for a user: console script, byte-compiled modules
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
             "--no-deps", "--no-index", "--isolated", str(wheel)],
            check=True, capture_output=True,
        )  # fmt: skip
    return str(python)
