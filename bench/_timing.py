"""Shared timing helpers for the bench scripts: medians of whole commands."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence

__all__ = ["median_seconds", "print_table", "time_command"]


def time_command(argv: Sequence[str], *, cwd: str | None = None) -> float:
    """Run ``argv`` once (output discarded) and return the wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def median_seconds(run: Callable[[], float], *, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    return statistics.median(run() for _ in range(repeat))


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
    return shutil.which(name)


def compile_pkgforge() -> None:
    """Write pkgforge's bytecode once, as an installed wheel has it.

    An editable checkout has none, and under PYTHONDONTWRITEBYTECODE every run
    would recompile pkgforge while the peers load their installed bytecode.
    """
    import compileall
    from pathlib import Path

    import pkgforge

    compileall.compile_dir(Path(pkgforge.__file__).parent, quiet=1)
