"""The CPython oracle as a measurement: false errors and recall over numbered trees.

tests/imports/test_cpython_oracle.py lets hypothesis draw package trees and fails on
a false error or an unexplained miss. This script draws trees from the same grammar
with ``random.Random(seed)``, one tree per seed, so a block of seeds is a fixed,
reproducible sample: develop on one block, and measure once, at the end, on a block
you have never looked at.

    python bench/oracle.py --seeds 0:300               # the development block
    python bench/oracle.py --seeds 100000:100300       # a fresh block, measured once
    python bench/oracle.py --seeds 0:300 --show-misses # each miss, with its tree

Every failure CPython shows (a module imported first, or ``from module import *``) is
a failure of a kind the import rules claim (PF404, PF405, PF411, PF302...). Recall is
the share of them with an error where the failure starts (or, for a star import, on
the module's ``__all__``); a miss is named by the class ``classify`` gives it (the
documented limitations, "direct import order (PF411 warning)", or "unexplained").
A false error is an error on a statement that ran without raising.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _oracle() -> ModuleType:
    path = ROOT / "tests" / "imports" / "test_cpython_oracle.py"
    spec = importlib.util.spec_from_file_location("pkgforge_cpython_oracle", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


oracle = _oracle()


def tree_of(seed: int) -> dict[str, list[object]]:
    """The tree numbered ``seed``: each module a body of 0 to 5 statements of the grammar."""
    rng = random.Random(seed)
    modules = sorted(oracle.MODULES)
    names = oracle.NAMES
    return {
        module: [
            oracle.Statement(rng.choice(oracle.KINDS), rng.choice(modules), rng.choice(names))
            for _ in range(rng.randint(0, 5))
        ]
        for module in oracle.MODULES
    }


def parse_seeds(text: str) -> range:
    start, _, stop = text.partition(":")
    return range(int(start), int(stop))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=parse_seeds, default=range(300), help="START:STOP")
    parser.add_argument("--python", default=sys.executable, help="the judging interpreter")
    parser.add_argument("--show-misses", action="store_true", help="print each miss and tree")
    parser.add_argument("--show-false", action="store_true", help="print each false error")
    parser.add_argument("--json", action="store_true", help="machine-readable totals")
    args = parser.parse_args(argv)
    driver = oracle.Driver(args.python)
    failures = explained = errors = confirmed = masked = 0
    false: list[tuple[int, str]] = []
    misses: Counter[str] = Counter()
    try:
        for seed in args.seeds:
            verdicts = oracle.run_tree(driver, tree_of(seed))
            failures += verdicts.failures
            explained += verdicts.explained
            confirmed += len(verdicts.confirmed)
            masked += len(verdicts.masked)
            errors += len(verdicts.confirmed) + len(verdicts.masked) + len(verdicts.false)
            for finding, why in verdicts.false:
                false.append((seed, f"{finding.code} {finding.path}:{finding.line} ({why})"))
                if args.show_false:
                    print(f"-- seed {seed}: false {finding.code} {finding.path}:{finding.line}")
                    print(f"   {finding.message}\n   {why}\n{verdicts.source}")
            for kind, module, error in verdicts.misses:
                misses[kind] += 1
                if args.show_misses:
                    print(f"-- seed {seed}: miss [{kind}] importing {module}: {error}")
                    print(verdicts.source)
    finally:
        driver.close()
    recall = explained / failures if failures else 1.0
    totals = {
        "seeds": f"{args.seeds.start}:{args.seeds.stop}",
        "trees": len(args.seeds),
        "errors": errors,
        "confirmed": confirmed,
        "masked": masked,
        "false_errors": len(false),
        "failures": failures,
        "explained": explained,
        "recall": round(recall, 4),
        "misses": dict(misses.most_common()),
    }
    if args.json:
        print(json.dumps(totals, indent=1))
        return 0
    print(
        f"seeds {totals['seeds']} ({totals['trees']} trees): {errors} errors "
        f"({confirmed} confirmed, {masked} masked, {len(false)} false); "
        f"{failures} failures, {explained} with an error: recall {100 * recall:.1f}%"
    )
    for kind, count in misses.most_common():
        print(f"  miss {count:4d}  {kind}")
    for seed, what in false:
        print(f"  false: seed {seed}: {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
