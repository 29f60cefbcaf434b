"""``pkgforge new sound --no-input`` against the peers' project generators.

Run: ``python bench/bench_new.py [--repeat N]``. Each run gets a fresh, empty
folder; the table shows medians and each row's ratio to ``pkgforge new``.

- ``pkgforge new`` includes validating the result (``pkgforge check``).
- ``cookiecutter --no-input`` renders the very same built-in template.
- ``hatch new`` and ``uv init --lib`` make their own (smaller) projects.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import compile_pkgforge, median_seconds, print_table, time_command, which

REPO = Path(__file__).resolve().parents[1]


def in_fresh_folder(root: Path, argv: Sequence[str]) -> float:
    """Time ``argv`` once, run inside a new empty folder under ``root``."""
    folder = Path(tempfile.mkdtemp(dir=root))
    return time_command(argv, cwd=str(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    compile_pkgforge()
    py = sys.executable
    template = REPO / "templates" / "default"

    with tempfile.TemporaryDirectory(prefix="bench-new-") as scratch:
        root = Path(scratch)
        # cookiecutter's CLI writes replay files to the home folder; keep them in scratch.
        config = root / "cookiecutterrc.yaml"
        config.write_text(f"replay_dir: {root / 'replay'}\ncookiecutters_dir: {root / 'cc'}\n")
        os.environ["COOKIECUTTER_CONFIG"] = str(config)
        rows: dict[str, Sequence[str] | None] = {
            "python -c pass (floor)": [py, "-c", "pass"],
            "pkgforge new sound --no-input": [py, "-m", "pkgforge", "new", "sound", "--no-input"],
            "new_project() without check": [
                py,
                "-c",
                "from pkgforge.scaffold import new_project as new;"
                + "new('sound', no_input=True, run_check=False)",
            ],
            "pkgforge check (the new project)": None,  # filled below
            "cookiecutter --no-input (same template)": [
                py,
                "-m",
                "cookiecutter",
                "--no-input",
                str(template),
                "project_name=sound",
            ],
            "hatch new sound": [which("hatch") or "", "new", "sound"] if which("hatch") else None,
            "uv init --lib sound": (
                [which("uv") or "", "init", "--lib", "sound"] if which("uv") else None
            ),
        }
        checked = root / "checked"
        checked.mkdir()
        time_command([py, "-m", "pkgforge", "new", "sound", "--no-input"], cwd=str(checked))
        results: dict[str, float | None] = {}
        for label, argv in rows.items():
            if label.startswith("pkgforge check"):
                check_argv = [py, "-m", "pkgforge", "check", "--no-cache", "sound"]
                results[label] = median_seconds(
                    lambda a=check_argv: time_command(a, cwd=str(checked)), repeat=args.repeat
                )
                # PF501 compiles validate-pyproject's JSON schema on every run.
                results["  ... of which without PF501"] = median_seconds(
                    lambda a=[*check_argv, "--ignore", "PF501"]: time_command(a, cwd=str(checked)),
                    repeat=args.repeat,
                )
                continue
            if argv is None:
                results[label] = None
                continue
            results[label] = median_seconds(
                lambda a=argv: in_fresh_folder(root, a), repeat=args.repeat
            )

    print_table(
        f"Project generation, median of {args.repeat} (fresh folder each run)",
        results,
        baseline="pkgforge new sound --no-input",
    )
    ours = results["pkgforge new sound --no-input"] or 0.0
    for peer in ("cookiecutter --no-input (same template)", "hatch new sound"):
        theirs = results.get(peer)
        if theirs:
            verdict = "meets" if ours <= theirs else "misses"
            print(f"  target: pkgforge new <= {peer}: {verdict} ({ours / theirs:.2f}x)")


if __name__ == "__main__":
    main()
