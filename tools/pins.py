"""Drift of the pinned test environment, and of the default template's pins, as a report.

``constraints.txt`` locks the test environment (the README's test command installs
with ``-c constraints.txt``), so CI stays green whatever the index publishes. What
the index has that the lock does not is drift: this script reports it and exits 0.

    nox -s pins                      # the report (network: asks the index through uv)
    python tools/pins.py --strict    # exit 1 when something drifted
    nox -s lock                      # refresh constraints.txt (a code change: run the tests)

After a refresh, tests/scaffold/test_template_pins.py names each hook of the
default template whose revision no longer equals the lock: bump it there and
freeze the template (``python -m pkgforge.scaffold.update.history freeze --bump X``).
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "constraints.txt"
TEMPLATE_PINS = ROOT / "tests" / "scaffold" / "template_pins.toml"
PRECOMMIT = (
    ROOT / "templates" / "default" / "{{cookiecutter.project_slug}}" / ".pre-commit-config.yaml"
)
NOXFILE = ROOT / "noxfile.py"
_REV = re.compile(r"^\s*-\s*repo:\s*(?P<repo>\S+)\s*\n\s*rev:\s*(?P<rev>\S+)", re.MULTILINE)


def parse_lock(text: str) -> dict[str, set[str]]:
    """Distribution (normalised) -> the versions a lock or constraints file pins."""
    pins: dict[str, set[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        exact = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        if exact:
            pins.setdefault(canonicalize_name(requirement.name), set()).update(exact)
    return pins


def drift(locked: Mapping[str, set[str]], fresh: Mapping[str, set[str]]) -> list[str]:
    """One line per distribution whose pins differ between the lock and a fresh resolve."""
    lines = []
    for name in sorted(locked.keys() | fresh.keys()):
        old, new = locked.get(name, set()), fresh.get(name, set())
        if old != new:
            before = ", ".join(sorted(old)) or "(not locked)"
            after = ", ".join(sorted(new)) or "(no longer needed)"
            lines.append(f"{name} {before} -> {after}")
    return lines


def hook_pins(config_text: str, hooks: Mapping[str, str]) -> dict[str, str]:
    """Distribution -> the version a pre-commit config pins it at (``rev: vX``)."""
    revs = {m["repo"]: m["rev"].strip("'\"") for m in _REV.finditer(config_text)}
    return {
        canonicalize_name(dist): revs[repo].removeprefix("v")
        for repo, dist in hooks.items()
        if repo in revs
    }


def template_drift(locked: Mapping[str, set[str]], hooks: Mapping[str, str]) -> list[str]:
    lines = []
    for dist, version in sorted(hooks.items()):
        if version not in locked.get(dist, set()):
            have = ", ".join(sorted(locked.get(dist, set()))) or "nothing"
            lines.append(f"the template's {dist} hook is v{version}; the lock has {have}")
    return lines


def lock_inputs() -> list[str]:
    """What ``nox -s lock`` resolves: ``LOCK_INPUTS`` of the noxfile, one definition."""
    tree = ast.parse(NOXFILE.read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "LOCK_INPUTS" for t in node.targets
        ):
            return [str(item) for item in ast.literal_eval(node.value)]
    raise LookupError("noxfile.py defines no LOCK_INPUTS")


def resolve_fresh(uv: str, extra: Sequence[str]) -> str:
    done = subprocess.run(
        [
            uv,
            "pip",
            "compile",
            *lock_inputs(),
            "--upgrade",
            "--no-header",
            "--no-annotate",
            "-q",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["uv failed"])[-1]
        raise OSError(last)
    return done.stdout


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--fresh", type=Path, help="a resolve to compare with (default: ask uv)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when something drifted")
    parser.add_argument("uv_args", nargs="*", help="passed to uv pip compile (after --)")
    args = parser.parse_args(argv)

    locked = parse_lock(args.lock.read_text("utf-8"))
    hooks = tomllib.loads(TEMPLATE_PINS.read_text("utf-8"))["hooks"]
    behind = template_drift(locked, hook_pins(PRECOMMIT.read_text("utf-8"), hooks))
    for line in behind:
        print(f"template: {line}")

    if args.fresh is not None:
        fresh_text = args.fresh.read_text("utf-8")
    else:
        uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
        try:
            fresh_text = resolve_fresh(uv, args.uv_args)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"info: the index could not be asked ({exc}); no drift report")
            return 0
    changed = drift(locked, parse_lock(fresh_text))
    name = args.lock.name
    if changed:
        print(f"{name}: {len(changed)} of {len(locked)} pins differ from the index today")
        for line in changed:
            print(f"  {line}")
        print("refresh with 'nox -s lock', then run the tests")
    else:
        print(f"{name}: all {len(locked)} pins are the index's newest")
    return 1 if args.strict and (changed or behind) else 0


if __name__ == "__main__":
    raise SystemExit(main())
