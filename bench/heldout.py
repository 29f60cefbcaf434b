"""A held-out corpus (bench/held_out_projects*.py), judged: check's precision, build's blocks.

    python bench/heldout.py check [NAME...] [--jobs 2]   # precision of check's errors
    python bench/heldout.py build [NAME...] [--jobs 2]   # does `pkgforge build` refuse falsely?
    python bench/heldout.py build --sample 30 --seed 14  # a seeded random sample of them
    python bench/heldout.py check --corpus held-out-2    # held-out set 2 (default: set 1)

``check`` is bench/precision.py on a held-out corpus: every error finding in package
code replayed against the wheel PyPI serves for that version.

``build`` runs ``pkgforge build`` (isolated, with its verification of the wheel) on a
copy of each project's sdist tree. A refused build is judged by its blocking errors,
each replayed like a check's error against PyPI's wheel of the same version,
installed with its declared dependencies: a PF412 by importing the module it names
(as the first import, and with the extras or Django configured when that is what it
lacks), any other rule by bench/precision.py's judge of that rule. A refusal is

    false     every blocking error is false: the modules it names import
    real      at least one blocking error is confirmed
    unjudged  neither (an archive rule, a module that needs a host to import...)

The target (issue 14) is no false block. Nothing here is ever tuned on: a false block
found here is fixed as a class, with a synthetic fixture.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE))

import precision  # bench/precision.py: the corpus, wheels, venvs and the judges

BUILDS = precision.CACHE / "heldout-builds"
TIMEOUT = 1800


@dataclass
class Blocking:
    code: str
    path: str
    line: int
    message: str
    module: str
    verdict: str = precision.UNJUDGED
    reason: str = ""


@dataclass
class BuildOutcome:
    project: str
    version: str
    status: str  # built, refused, failed
    seconds: float
    verified: str  # what the verification record says
    blocking: list[Blocking] = field(default_factory=list)
    verdict: str = ""  # for a refusal: false, real, unjudged
    detail: str = ""


def _run_build(tree: Path, outdir: Path) -> tuple[int, dict[str, Any] | None, str]:
    run = subprocess.run(
        [sys.executable, "-m", "pkgforge", "build", ".", "--outdir", os.fspath(outdir),
         "--output-format", "json"],
        capture_output=True, text=True, cwd=tree, timeout=TIMEOUT, check=False,
        env={**os.environ, "PKGFORGE_OFFLINE": "1"},
    )  # fmt: skip
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError:
        data = None
    return run.returncode, data if isinstance(data, dict) else None, run.stderr.strip()


def _judge_blocking(env: precision.Env, error: Blocking) -> None:
    if error.code == "PF412" and error.module:
        outcome = env.probe("import", error.module)
        if not outcome["ok"]:
            outcome = precision._another_reason(env, "import", error.module, outcome)
        if outcome["ok"]:
            error.verdict, error.reason = precision.FALSE, f"`import {error.module}` works"
        elif outcome["type"] in precision._HOST_NEEDED:
            error.verdict = precision.UNJUDGED
            error.reason = f"needs a configured host: {precision._failure(outcome)}"
        else:
            error.verdict = precision.CONFIRMED
            error.reason = f"`import {error.module}` fails: {precision._failure(outcome)}"
        return
    if error.code.startswith("PF5"):
        error.reason = "an archive or metadata rule: read it"
        return
    _, error.verdict, error.reason = precision.judge(
        env, error.code, error.path, error.line, error.message
    )


def build_one(name: str, version: str) -> BuildOutcome:
    tree = precision.corpus.fetch(name, precision.SOURCES, version)
    BUILDS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{name}-", dir=BUILDS) as scratch:
        copy = Path(scratch) / tree.name
        shutil.copytree(tree, copy, symlinks=True)
        start = time.perf_counter()
        try:
            status, data, err = _run_build(copy, Path(scratch) / "dist")
        except subprocess.TimeoutExpired:
            return BuildOutcome(name, version, "failed", TIMEOUT, "", detail="timed out")
        seconds = time.perf_counter() - start
    record = (data or {}).get("verification") or {}
    verified = "ran" if record.get("ran") else str(record.get("reason") or "not run")
    if status == 0:
        return BuildOutcome(name, version, "built", seconds, verified)
    if data is None:
        last = (err.splitlines() or ["?"])[-1]
        return BuildOutcome(name, version, "failed", seconds, verified, detail=last[:300])
    outcome = BuildOutcome(name, version, "refused", seconds, verified)
    for f in data.get("findings", []):
        if f.get("severity") == "error":
            outcome.blocking.append(
                Blocking(
                    f["code"],
                    f["path"],
                    int(f.get("line") or 1),
                    f["message"],
                    f.get("module") or "",
                )
            )
    wheel_file = precision.corpus.download(name, version, precision.SOURCES / "wheels",
                                           wheel=True)  # fmt: skip
    if wheel_file is None:
        outcome.verdict = precision.UNJUDGED
        outcome.detail = "no wheel on PyPI for this interpreter"
        return outcome
    env = precision.Env(name, version, precision.Wheel.open(wheel_file))
    problem = env.ensure()
    for error in outcome.blocking:
        if problem:
            error.reason = problem
        else:
            _judge_blocking(env, error)
    verdicts = {e.verdict for e in outcome.blocking}
    if precision.CONFIRMED in verdicts:
        outcome.verdict = "real"
    elif verdicts == {precision.FALSE}:
        outcome.verdict = "false"
    else:
        outcome.verdict = precision.UNJUDGED
    return outcome


def build_report(outcomes: Sequence[BuildOutcome]) -> str:
    status = Counter(o.status for o in outcomes)
    refusals = Counter(o.verdict for o in outcomes if o.status == "refused")
    verified = sum(o.verified == "ran" for o in outcomes)
    lines = [
        (
            f"pkgforge build, {len(outcomes)} held-out projects: {status['built']} built, "
            f"{status['refused']} refused ({refusals['false']} false, {refusals['real']} real, "
            f"{refusals[precision.UNJUDGED]} unjudged), {status['failed']} failed to build; "
            f"the verification ran for {verified}"
        ),
        "",
        "| project | result | seconds | verification | blocking errors |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for o in outcomes:
        result = o.status + (f" ({o.verdict})" if o.status == "refused" else "")
        codes = ", ".join(sorted({e.code for e in o.blocking})) or "—"
        lines.append(f"| {o.project} {o.version} | {result} | {o.seconds:.0f} | {o.verified} "
                     f"| {codes} |")  # fmt: skip
    for o in outcomes:
        if o.status == "failed":
            lines.append(f"\n!! {o.project}: the build failed: {o.detail}")
        for e in o.blocking:
            lines.append(f"\n{o.project} {e.code} {e.path}:{e.line} [{e.verdict}] {e.message}")
            lines.append(f"    -> {e.reason}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["check", "build"])
    parser.add_argument("projects", nargs="*", help="held-out projects (default: all)")
    parser.add_argument(
        "--corpus",
        choices=precision.HELD_OUT,
        default="held-out",
        help=precision.corpus_help(precision.HELD_OUT),
    )
    parser.add_argument("--jobs", type=int, default=2, help="projects at once")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="build: N projects drawn at random with --seed (when the whole corpus takes "
        "too long; the draw is fixed by the seed before any result is seen)",
    )
    parser.add_argument("--seed", type=int, default=14, help="the --sample draw's seed")
    args, rest = parser.parse_known_args(argv)
    if args.what == "check":
        extra = ["--json"] if args.json else []
        return precision.main(["--corpus", args.corpus, "--jobs", str(args.jobs), *extra,
                               *rest, *args.projects])  # fmt: skip
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    pins = precision.CORPORA[args.corpus]
    names = args.projects or list(pins)
    unknown = [n for n in names if n not in pins]
    if unknown:
        parser.error(f"not in the {args.corpus} corpus: {', '.join(unknown)}")
    if args.sample is not None:
        names = sorted(random.Random(args.seed).sample(sorted(names), min(args.sample, len(names))))
        print(f"sample (seed {args.seed}): {' '.join(names)}", file=sys.stderr, flush=True)
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        outcomes = []
        for outcome in pool.map(lambda n: build_one(n, pins[n]), names):
            print(f"{outcome.project}: {outcome.status} {outcome.verdict}", file=sys.stderr,
                  flush=True)  # fmt: skip
            outcomes.append(outcome)
    if args.json:
        print(json.dumps([asdict(o) for o in outcomes], indent=1))
    else:
        print(build_report(outcomes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
