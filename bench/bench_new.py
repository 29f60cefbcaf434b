"""``pkgforge new sound --no-input`` against the peers' project generators.

Run: ``python bench/bench_new.py [--repeat N]``. Each run gets a fresh, empty
folder; the commands run in rounds (each once per round, in turn), so that a
shared machine's drifting load weighs on every row alike. The table shows
medians and each row's ratio to ``pkgforge new``; the targets follow.

- ``pkgforge new`` includes validating the result (``pkgforge check``) and asking the
  index pip reads (PyPI here) whether the name is taken; the ``--offline`` row asks
  nothing, so the difference is what the question costs.
- ``cookiecutter --no-input`` renders the very same built-in template.
- ``hatch new`` and ``uv init --lib`` make their own (smaller) projects.

Targets (issue 8): ``pkgforge new`` at most 0.8x the cookiecutter CLI on the same
template, and at most 1.5x ``hatch new``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import interleaved, load_note, print_table, time_command, user_python, which

REPO = Path(__file__).resolve().parents[1]
OURS = "pkgforge new sound --no-input"
WITHOUT_CHECK = (
    "from pkgforge.scaffold import new_project as new; new('sound', no_input=True, run_check=False)"
)
TARGETS = {"cookiecutter --no-input (same template)": 0.8, "hatch new sound": 1.5}


def in_fresh_folder(root: Path, argv: Sequence[str]) -> float:
    """Time ``argv`` once, run inside a new empty folder under ``root``."""
    folder = Path(tempfile.mkdtemp(dir=root))
    return time_command(argv, cwd=str(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    py = user_python()
    template = REPO / "templates" / "default"
    hatch, uv = which("hatch"), which("uv")

    with tempfile.TemporaryDirectory(prefix="bench-new-") as scratch:
        root = Path(scratch)
        # cookiecutter's CLI writes replay files to the home folder; keep them in scratch.
        config = root / "cookiecutterrc.yaml"
        config.write_text(f"replay_dir: {root / 'replay'}\ncookiecutters_dir: {root / 'cc'}\n")
        os.environ["COOKIECUTTER_CONFIG"] = str(config)
        checked = root / "checked"
        checked.mkdir()
        time_command([py, "-m", "pkgforge", "new", "sound", "--no-input"], cwd=str(checked))
        check = [py, "-m", "pkgforge", "check", "--no-cache", "sound"]

        def fresh(argv: Sequence[str]) -> Callable[[], float]:
            return lambda: in_fresh_folder(root, argv)

        def in_checked(argv: Sequence[str]) -> Callable[[], float]:
            return lambda: time_command(argv, cwd=str(checked))

        runs: dict[str, Callable[[], float] | None] = {
            "python -c pass (floor)": fresh([py, "-c", "pass"]),
            OURS: fresh([py, "-m", "pkgforge", "new", "sound", "--no-input"]),
            "  ... --offline (no question to the index)": fresh(
                [py, "-m", "pkgforge", "new", "sound", "--no-input", "--offline"]
            ),
            "new_project() without check": fresh([py, "-c", WITHOUT_CHECK]),
            "pkgforge check (the new project)": in_checked(check),
            "  ... of which without PF501": in_checked([*check, "--ignore", "PF501"]),
            "cookiecutter --no-input (same template)": fresh(
                [py, "-m", "cookiecutter", "--no-input", str(template), "project_name=sound"]
            ),
            "hatch new sound": fresh([py, "-m", "hatch", "new", "sound"]) if hatch else None,
            "uv init --lib sound": fresh([uv, "init", "--lib", "sound"]) if uv else None,
        }
        before = load_note()
        results = interleaved(runs, repeat=args.repeat)
        after = load_note()

    print_table(
        f"Project generation, median of {args.repeat} rounds (fresh folder each run)",
        results,
        baseline=OURS,
    )
    print(f"  machine: {before} before, {after} after")
    ours = results[OURS] or 0.0
    for peer, limit in TARGETS.items():
        theirs = results.get(peer)
        if not theirs:
            print(f"  target: {OURS} <= {limit}x {peer}: not measured ({peer} unavailable)")
            continue
        ratio = ours / theirs
        verdict = "meets" if ratio <= limit else "misses"
        print(f"  target: {OURS} <= {limit}x {peer}: {verdict} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
