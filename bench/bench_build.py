"""``pkgforge build`` against ``python -m build`` and ``uv build`` on one generated project.

Run: ``python bench/bench_build.py [--repeat N]``. Every tool builds the sdist and
the wheel (from the sdist) in a fresh isolated environment into a fresh output
directory; the tools take turns in each round so that machine noise hits them
alike. Prints medians and ratios to ``python -m build``.

The project comes from ``pkgforge new`` (the Sound demo) when that works, else
it is written here: same shape, a setuptools src layout.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import print_table, time_command, user_python, which

# Inside the ``sound`` package, as ``pkgforge new --module`` takes them.
SUBMODULES = [
    "formats.wav",
    "formats.aiff",
    "formats.au",
    "effects.echo",
    "effects.surround",
    "effects.reverse",
    "filters.equalizer",
    "filters.vocoder",
    "filters.karaoke",
]
MODULES = [f"sound.{name}" for name in SUBMODULES]

PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "sound"
version = "1.0"
description = "The Sound package of the Python tutorial"
readme = "README.md"
license = "MIT"
requires-python = ">=3.11"

[tool.setuptools.packages.find]
where = ["src"]
"""


def make_project(parent: Path) -> Path:
    """The Sound demo: ``pkgforge new`` when it works, else written directly."""
    argv = [sys.executable, "-m", "pkgforge", "new", "sound", "-o", str(parent), "--no-input"]
    for module in SUBMODULES:
        argv += ["--module", module]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    root = parent / "sound"
    if done.returncode == 0 and (root / "pyproject.toml").is_file():
        print("project: generated with 'pkgforge new'")
        return root
    print("project: 'pkgforge new' failed; writing the Sound demo directly")
    shutil.rmtree(root, ignore_errors=True)
    files = {"pyproject.toml": PYPROJECT, "README.md": "# sound\n\nThe Sound demo.\n"}
    packages = {m.rsplit(".", 1)[0] for m in MODULES} | {"sound"}
    for package in packages:
        exported = sorted(m.rsplit(".", 1)[1] for m in MODULES if m.rsplit(".", 1)[0] == package)
        subpackages = sorted(p.rsplit(".", 1)[1] for p in packages if p.startswith(package + "."))
        names = exported + subpackages
        files[f"src/{package.replace('.', '/')}/__init__.py"] = (
            f'"""{package}."""\n\n__all__ = {names!r}\n'
        )
    for module in MODULES:
        files[f"src/{module.replace('.', '/')}.py"] = (
            f'"""{module}."""\n\n__all__ = ["run"]\n\n\ndef run() -> str:\n    return "{module}"\n'
        )
    for relpath, text in files.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _uv_binary() -> str | None:
    """uv from the ``uv`` package of this environment, else from PATH."""
    try:
        import uv

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        return which("uv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    py = user_python()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch_name:
        scratch = Path(scratch_name)
        project = make_project(scratch)
        out = scratch / "out"
        uv = _uv_binary()
        candidates: dict[str, list[str] | None] = {
            "python -m build": [py, "-m", "build", str(project), "-o", str(out)],
            "pkgforge build": [py, "-m", "pkgforge", "-q", "build", str(project), "--outdir", str(out)],
            "pkgforge build --installer uv": [
                py, "-m", "pkgforge", "-q", "build", str(project), "--outdir", str(out),
                "--installer", "uv",
            ],
            "uv build": [uv, "build", str(project), "-o", str(out)] if uv else None,
        }  # fmt: skip
        runs: dict[str, list[float]] = {label: [] for label, argv in candidates.items() if argv}
        for round_number in range(args.repeat + 1):  # round 0 warms caches, not counted
            for label, argv in candidates.items():
                if argv is None:
                    continue
                shutil.rmtree(out, ignore_errors=True)
                try:
                    seconds = time_command(argv, cwd=str(project))
                except subprocess.CalledProcessError as err:
                    sys.exit(f"{label} failed:\n{err.stderr.decode(errors='replace')[-2000:]}")
                if round_number:
                    runs[label].append(seconds)
        rows: dict[str, float | None] = {
            label: statistics.median(runs[label]) if label in runs else None for label in candidates
        }
    print_table(
        f"build sdist + wheel, isolated (median of {args.repeat})",
        rows,
        baseline="python -m build",
    )


if __name__ == "__main__":
    main()
