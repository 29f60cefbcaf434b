"""``pkgforge check --fix --unsafe-fixes`` on real projects: what it fixes, what it declines,
how long it takes, and whether what it writes still compiles.

Run: ``python bench/bench_fix.py [--corpus held-out|original] [NAME...] [--limit N]``.

For each project (pinned sdists, downloaded once into ``bench/.cache/real-projects``),
a copy of the source tree is fixed for real, with every fix (unsafe ones too). Then:

* every changed Python file must compile (``compile(..., "exec")``) when it did before
  (a module with a star import in a function did not: it must compile now), and every
  changed TOML file must parse;
* a fresh ``check`` of the fixed copy must find nothing the unfixed tree did not (by
  code, file and message with the numbers left out), as a fix promises.

It prints one row per project (the wall time of the fix, the findings fixed by code, the
fixes not applied and why) and the totals. Measure on the held-out corpus; never tune
on it (bench/held_out_projects.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE))

import precision  # bench/precision.py: the corpora and their sdists

from pkgforge import check, fix

_NUMBERS = re.compile(r"[0-9]+")


def _keys(findings: object) -> Counter[tuple[str, str, str]]:
    return Counter(
        (f.path, f.code, _NUMBERS.sub("#", f.message))
        for f in findings  # type: ignore[attr-defined]
    )


def _compiles(data: bytes, name: str) -> bool:
    try:
        compile(data, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def run_one(name: str, version: str) -> dict[str, object]:
    tree = precision.corpus.fetch(name, precision.SOURCES, version)
    with tempfile.TemporaryDirectory(prefix="pkgforge-bench-fix-") as tmp:
        copy = Path(shutil.copytree(tree, Path(tmp) / tree.name, symlinks=True))
        before = check([copy], use_cache=False)
        started = time.perf_counter()
        result = fix([copy], unsafe_fixes=True, use_cache=False)
        elapsed = time.perf_counter() - started
        broken = []
        for change in result.changes:
            path = change.path
            if path.endswith(".py"):
                compiled_before = change.before is None or _compiles(change.before, path)
                if not _compiles(change.after, path) and compiled_before:
                    broken.append(path)
            elif path.endswith(".toml"):
                try:
                    tomllib.loads(change.after.decode("utf-8"))
                except (UnicodeDecodeError, tomllib.TOMLDecodeError):
                    broken.append(path)
        after = check([copy], use_cache=False)
        new = _keys(after.findings) - _keys(before.findings)
    return {
        "project": f"{name} {version}",
        "seconds": round(elapsed, 2),
        "findings": len(before.findings),
        "fixed": Counter(f.code for f in result.fixed),
        "unapplied": Counter(u.reason.split(" at ")[0] for u in result.unapplied),
        "files": len(result.changes),
        "broken": broken,
        "new": sorted(new),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--corpus", choices=sorted(precision.CORPORA), default="held-out")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args(argv)
    projects = precision.CORPORA[args.corpus]
    names = args.names or sorted(projects)
    if args.limit:
        names = names[: args.limit]
    totals: Counter[str] = Counter()
    failures = 0
    for name in names:
        try:
            row = run_one(name, projects[name])
        except Exception as err:  # noqa: BLE001 - a row per project, whatever happens
            print(f"{name}: {type(err).__name__}: {err}", flush=True)
            failures += 1
            continue
        totals.update(row["fixed"])  # type: ignore[arg-type]
        bad = row["broken"] or row["new"]
        failures += bool(bad)
        print(
            f"{row['project']}: {row['seconds']} s, {row['findings']} findings, "
            f"fixed {dict(row['fixed'])} in {row['files']} files"  # type: ignore[call-overload]
            + (f", not applied {dict(row['unapplied'])}" if row["unapplied"] else "")  # type: ignore[call-overload]
            + (f", BROKEN {row['broken']}" if row["broken"] else "")
            + (f", NEW FINDINGS {row['new']}" if row["new"] else ""),
            flush=True,
        )
    print(f"fixed in all: {dict(totals)}; projects with a problem: {failures} of {len(names)}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
