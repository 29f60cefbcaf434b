"""Planted import defects: does pkgforge catch a defect that really breaks a wheel?

Into real projects of a held-out corpus (bench/held_out_projects*.py) the harness
plants defects of six kinds, the same edit into a copy of the sdist tree and into a
copy of the wheel PyPI serves for that version:

    deleted-module      a module that another module imports at module level is deleted
    undefined-export    a literal ``__all__`` names a name the module never binds
    breaking-cycle      B imports from A a name that A binds only after it imports B
    missing-relative    a relative import of a module that does not exist
    implicit-relative   ``import sibling``: Python 2's implicit relative import
    type-checking-name  a name bound only under ``if TYPE_CHECKING:`` used at import

A plant counts only once it is verified to break the installed wheel: the mutated
wheel, installed with its declared dependencies in a fresh venv, fails where the
unmutated wheel works, for the planted module imported first in a fresh
interpreter, imported after its top-level package, or ``from m import *``.

Then each judge says whether it caught the plant:

    check   ``pkgforge check`` of the mutated sdist tree has an error finding in a file
            the plant touched that the unmutated tree has not (the kind's rule is the
            expected one; the report names the rule that caught it), or a new error
            elsewhere that names the name and module of the ImportError the wheel shows
            (a planted cycle may break a statement in a module it did not touch)
    verify  ``pkgforge verify`` of the mutated wheel has an error finding that names
            the module that breaks

    python bench/mutate.py                       # both judges, 6 plants of each kind
    python bench/mutate.py --judge check         # only the static check
    python bench/mutate.py --per-kind 8 --seed 2 # more plants, another draw
    python bench/mutate.py --corpus held-out-2   # from held-out set 2 (default: set 1)
    python bench/mutate.py --json                # for machines

Candidates are drawn in a seeded order, so a run is repeatable; the projects, the
sdists, the wheels and the baseline venvs are the precision script's (cached in
bench/.cache/).
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE))

import precision  # bench/precision.py: the corpus, wheels, venvs and the probe

MUTANTS = precision.CACHE / "mutants"
KINDS = (
    "deleted-module",
    "undefined-export",
    "breaking-cycle",
    "missing-relative",
    "implicit-relative",
    "type-checking-name",
)
# The rule that claims each kind (DESIGN.md's catalogue).
CLAIMED_BY = {
    "deleted-module": {"PF404"},
    "undefined-export": {"PF302"},
    "breaking-cycle": {"PF411"},
    "missing-relative": {"PF404"},
    "implicit-relative": {"PF403"},
    "type-checking-name": {"PF416"},
}
# Projects planted into, by default: in held-out set 1, pure-Python packages with a
# package tree (subpackages, relative imports) and dependencies that install quickly,
# picked by hand; in a later set, every project, drawn in the seeded order (one with
# no candidate for a kind yields no plant), so that nobody picks what is planted into.
DEFAULT_PROJECTS = (
    "alembic",
    "marshmallow",
    "jsonschema",
    "paramiko",
    "trio",
    "mako",
    "markdown",
    "prompt-toolkit",
    "uvicorn",
    "fsspec",
    "structlog",
    "typer",
    "dnspython",
    "mkdocs",
    "astroid",
    "prometheus-client",
    "pyramid",
    "sqlparse",
    "asgiref",
    "tenacity",
    "arrow",
    "humanize",
)
PLANTED = "pkgforge_planted"
TIMEOUT = 120


# -- the project as the wheel ships it ------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str  # dotted
    wheel_path: str
    tree: ast.Module
    source: str

    @property
    def is_package(self) -> bool:
        return self.wheel_path.endswith("/__init__.py")

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split(".")[1:])


def read_modules(wheel: precision.Wheel) -> dict[str, Module]:
    """The wheel's package modules that parse, by dotted name (no tests, no ``__main__``)."""
    modules: dict[str, Module] = {}
    for path in sorted(wheel.files):
        if not path.endswith(".py") or precision.is_test_path(path):
            continue
        name = precision.module_name(path)
        if name.endswith("__main__") or "-" in name:
            continue
        source = wheel.read(path).decode("utf-8", "replace")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        modules[name] = Module(name, path, tree, source)
    return modules


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def top_imports(module: Module, modules: dict[str, Module]) -> Iterator[tuple[ast.stmt, str]]:
    """(statement, project module) for each unconditional module-level import of a
    project module that is a plain module (not a package)."""
    for stmt in module.tree.body:
        targets: list[str] = []
        if isinstance(stmt, ast.Import):
            targets = [alias.name for alias in stmt.names]
        elif isinstance(stmt, ast.ImportFrom):
            base = _resolve(module, stmt)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in stmt.names]  # fmt: skip
        for target in targets:
            found = modules.get(target)
            if found is not None and not found.is_package and target != module.name:
                yield stmt, target


def bound_after(module: Module, line: int) -> list[str]:
    """Public names the module binds at top level after ``line`` (defs, classes, plain
    assignments), each bound once: what a partly initialised module lacks."""
    counts: Counter[str] = Counter()
    late: list[str] = []
    for stmt in module.tree.body:
        names: list[str] = []
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [stmt.name]
        elif isinstance(stmt, ast.Assign):
            names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            names = [(a.asname or a.name).split(".")[0] for a in stmt.names]
        counts.update(names)
        if stmt.lineno > line:
            late.extend(n for n in names if not n.startswith("_"))
    return [n for n in late if counts[n] == 1]


def literal_all(module: Module) -> ast.List | ast.Tuple | None:
    if any(isinstance(s, ast.FunctionDef) and s.name == "__getattr__" for s in module.tree.body):
        return None
    for stmt in module.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and [t.id for t in stmt.targets if isinstance(t, ast.Name)] == ["__all__"]
            and isinstance(stmt.value, ast.List | ast.Tuple)
            and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in stmt.value.elts
            )
        ):
            return stmt.value
    return None


def imports_anything_of(module: Module, other: str) -> bool:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import) and any(
            a.name == other or a.name.startswith(other + ".") for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom):
            base = _resolve(module, node)
            if base == other or any(f"{base}.{a.name}" == other for a in node.names):
                return True
    return False


# -- plants ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One file changed (``text``) or deleted (``text is None``), by wheel path."""

    wheel_path: str
    text: str | None


@dataclass(frozen=True)
class Candidate:
    kind: str
    module: str  # the module whose import breaks
    edits: tuple[Edit, ...]
    probe: str  # "import" or "star"
    expect: tuple[str, ...]  # exception types (in the MRO) that show the break
    files: tuple[str, ...]  # wheel paths where the claiming rule may report it
    what: str


def _append(module: Module, code: str) -> str:
    text = module.source if module.source.endswith("\n") else module.source + "\n"
    return f"{text}\n# planted by bench/mutate.py\n{code}\n"


def _candidates(kind: str, modules: dict[str, Module], env: precision.Env) -> Iterator[Candidate]:
    public = [m for m in modules.values() if _public(m.name) and "." in m.name]
    if kind == "deleted-module":
        for importer in public:
            for stmt, target in top_imports(importer, modules):
                yield Candidate(
                    kind, importer.name, (Edit(modules[target].wheel_path, None),), "import",
                    ("ImportError",), (importer.wheel_path,),
                    f"deleted {target}, which {importer.name} imports at line {stmt.lineno}",
                )  # fmt: skip
    elif kind == "undefined-export":
        for module in public:
            node = literal_all(module)
            if node is None:
                continue
            lines = module.source.splitlines(keepends=True)
            row, col = node.lineno - 1, node.col_offset + 1  # just inside the bracket
            lines[row] = f'{lines[row][:col]}"{PLANTED}_name", {lines[row][col:]}'
            yield Candidate(
                kind, module.name, (Edit(module.wheel_path, "".join(lines)),), "star",
                ("AttributeError",), (module.wheel_path,),
                f"`__all__` of {module.name} names {PLANTED}_name, never bound",
            )  # fmt: skip
    elif kind == "breaking-cycle":
        for first in public:
            for stmt, target in top_imports(first, modules):
                second = modules[target]
                if imports_anything_of(second, first.name):
                    continue
                for name in bound_after(first, stmt.end_lineno or stmt.lineno)[:2]:
                    code = f"from {first.name} import {name} as {PLANTED}_cycle"
                    yield Candidate(
                        kind, first.name, (Edit(second.wheel_path, _append(second, code)),),
                        "import", ("ImportError",), (first.wheel_path, second.wheel_path),
                        f"{target} imports {name} from {first.name}, bound after "
                        f"{first.name} imports {target} (line {stmt.lineno})",
                    )  # fmt: skip
    elif kind == "missing-relative":
        for module in public:
            if module.is_package:
                continue
            code = f"from .{PLANTED}_missing import value as {PLANTED}_value"
            yield Candidate(
                kind, module.name, (Edit(module.wheel_path, _append(module, code)),), "import",
                ("ImportError",), (module.wheel_path,),
                f"{module.name} imports .{PLANTED}_missing, which does not exist",
            )  # fmt: skip
    elif kind == "implicit-relative":
        for module in public:
            if module.is_package:
                continue
            siblings = [
                m.name.rpartition(".")[2]
                for m in modules.values()
                if m.package == module.package and not m.is_package and m is not module
                and not m.name.rpartition(".")[2].startswith("_")
            ]  # fmt: skip
            for sibling in siblings[:2]:
                origin = env.probe("origin", sibling)
                if not origin.get("ok") or origin.get("origin") not in (None, "None"):
                    continue  # a top-level module of that name exists: not a plant
                code = f"import {sibling}"
                yield Candidate(
                    kind, module.name, (Edit(module.wheel_path, _append(module, code)),),
                    "import", ("ImportError",), (module.wheel_path,),
                    f"{module.name} says `import {sibling}` for its sibling {sibling}",
                )  # fmt: skip
    elif kind == "type-checking-name":
        for module in public:
            # The usual shape: a typing-only import, then a use at module level.
            code = (
                "from typing import TYPE_CHECKING\n\n"
                "if TYPE_CHECKING:\n"
                "    from collections import OrderedDict as PlantedOrderedDict\n\n"
                f"{PLANTED}_alias = PlantedOrderedDict\n"
            )
            yield Candidate(
                kind, module.name, (Edit(module.wheel_path, _append(module, code)),), "import",
                ("NameError",), (module.wheel_path,),
                f"{module.name} uses at import a name bound only under TYPE_CHECKING",
            )  # fmt: skip


# -- applying a plant: the wheel and the sdist tree --------------------------------------


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest},{len(data)}"


def mutate_wheel(source: Path, edits: Sequence[Edit], target: Path) -> None:
    """A copy of the wheel with the edits, its RECORD kept true."""
    changed = {e.wheel_path: e.text for e in edits}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        rows: list[str] = []
        for name in names:
            if name == record:
                continue
            if name in changed:
                text = changed[name]
                if text is None:
                    continue
                data = text.encode("utf-8")
            else:
                data = zin.read(name)
            zout.writestr(zin.getinfo(name), data)
            rows.append(f"{name},{_record_hash(data)}")
        rows.append(f"{record},,")
        zout.writestr(zin.getinfo(record), "\n".join(rows) + "\n")


def sdist_file(tree: Path, wheel_path: str) -> Path | None:
    """The sdist file that ships as ``wheel_path``: the shortest path ending with it."""
    name = wheel_path.rpartition("/")[2]
    found = [
        p for p in tree.rglob(name)
        if p.is_file() and p.relative_to(tree).as_posix().endswith(wheel_path)
    ]  # fmt: skip
    return min(found, key=lambda p: len(p.parts)) if found else None


def mutate_tree(tree: Path, edits: Sequence[Edit], target: Path) -> list[str] | None:
    """A copy of the sdist tree with the edits; the touched paths (tree-relative), or
    None when a file the edit needs is not in the sdist (generated at build time)."""
    places = [(e, sdist_file(tree, e.wheel_path)) for e in edits]
    if any(place is None for _, place in places):
        return None
    shutil.copytree(tree, target, symlinks=True)
    touched = []
    for edit, place in places:
        assert place is not None
        relative = place.relative_to(tree)
        if edit.text is None:
            (target / relative).unlink()
        else:
            (target / relative).write_text(edit.text, encoding="utf-8")
        touched.append(relative.as_posix())
    return touched


# -- verifying that a plant breaks the wheel ----------------------------------------------


def _venv(wheel: Path, root: Path) -> Path | None:
    """A fresh venv holding ``wheel`` and its declared dependencies (uv, cached)."""
    uv = [sys.executable, "-m", "uv"]
    env = {**os.environ, "UV_NO_CONFIG": "1"}
    env.pop("VIRTUAL_ENV", None)
    python = root / "bin" / "python"
    for step in (
        [*uv, "venv", "--quiet", "--python", sys.executable, os.fspath(root)],
        [*uv, "pip", "install", "--quiet", "--python", os.fspath(python), os.fspath(wheel)],
    ):
        if subprocess.run(step, capture_output=True, env=env, check=False).returncode:
            return None
    return python


def _probe(python: Path, mode: str, name: str, before: str = "") -> dict[str, Any]:
    script = precision._PROBE
    if before:  # import the top-level package first, then the module
        script = f"import importlib\nimportlib.import_module({before!r})\n" + script
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(MPLBACKEND="Agg", DISPLAY="")
    with tempfile.TemporaryDirectory(prefix="pkgforge-mutate-") as cwd:
        try:
            run = subprocess.run(
                [os.fspath(python), "-I", "-c", script, mode, name],
                capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=env,
                stdin=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"ok": False, "type": "Timeout", "mro": [], "message": "timed out"}
    try:
        return dict(json.loads(run.stdout.strip().splitlines()[-1]))
    except (IndexError, json.JSONDecodeError):
        # The top-level import before the probe failed: that is a break too.
        last = (run.stderr.strip().splitlines() or ["?"])[-1]
        kind = last.partition(":")[0].rpartition(".")[2]
        return {"ok": False, "type": kind, "mro": [kind, "ImportError"] if "Import" in kind
                else [kind], "message": last}  # fmt: skip


def breaks(python: Path, candidate: Candidate) -> str | None:
    """How the planted wheel fails (``Type: message``), or None when it does not."""
    top = candidate.module.split(".")[0]
    for before in ("", top):
        outcome = _probe(python, candidate.probe, candidate.module, before)
        if not outcome["ok"] and any(t in outcome.get("mro", []) for t in candidate.expect):
            where = "first" if not before else f"after {top}"
            return f"{outcome['type']}: {str(outcome.get('message'))[:160]} ({where})"
    return None


def works_unmutated(env: precision.Env, candidate: Candidate) -> bool:
    return bool(env.probe(candidate.probe, candidate.module)["ok"])


# -- the judges -------------------------------------------------------------------------


def pkgforge(*args: str, cwd: Path) -> tuple[int, dict[str, Any] | None, str]:
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pkgforge", *args],
            capture_output=True, text=True, cwd=cwd, timeout=900, check=False,
            env={**os.environ, "PKGFORGE_OFFLINE": "1"},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        # one slow judge (a verify of thousands of modules on a loaded machine) is that
        # plant's "failed", not the end of the run
        return -1, None, "timed out after 900 s"
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError:
        data = None
    return run.returncode, data if isinstance(data, dict) else None, run.stderr.strip()


def _errors(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    findings = (data or {}).get("findings", [])
    return [f for f in findings if f.get("severity") == "error"]


def _key(finding: dict[str, Any]) -> tuple[str, str, str]:
    return finding["code"], finding["path"], finding["message"]


@dataclass
class Plant:
    project: str
    version: str
    kind: str
    module: str
    what: str
    broke: str
    touched: list[str]
    check: str = "not judged"
    check_detail: str = ""
    verify: str = "not judged"
    verify_detail: str = ""


def judge_check(plant: Plant, candidate: Candidate, tree: Path, baseline: set[Any]) -> None:
    """Caught: a new error finding in a file the plant touched, or one elsewhere that names
    the failure the wheel shows (:func:`_names_the_failure`). The kind's own rule is
    the expected one; another rule's error there (``import arrow`` for a sibling
    ``arrow.py`` is an undeclared dependency as well) still blocks the release."""
    _, data, err = pkgforge("check", ".", "--output-format", "json", "--no-cache", cwd=tree)
    if data is None:
        plant.check, plant.check_detail = "failed", err[-200:]
        return
    at = set(plant.touched)
    new = [f for f in data.get("findings", []) if _key(f) not in baseline]
    here = sorted(
        (f for f in new if f["path"] in at or _names_the_failure(f, plant.broke)),
        key=lambda f: (f["severity"] != "error", f["code"] not in CLAIMED_BY[candidate.kind]),
    )
    if here and here[0]["severity"] == "error":
        plant.check, plant.check_detail = "caught", f"{here[0]['code']} {here[0]['message']}"
    elif here:
        plant.check = f"as {here[0]['severity']}"
        plant.check_detail = f"{here[0]['code']} {here[0]['message']}"
    else:
        other = [f for f in new if f["severity"] == "error"]
        plant.check = "missed"
        plant.check_detail = (
            f"only {other[0]['code']} {other[0]['path']}: {other[0]['message']}" if other else ""
        )


_CANNOT_IMPORT = re.compile(
    r"cannot import name '(\w+)' from (?:partially initialized module )?'([\w.]+)'"
)


def _names_the_failure(finding: dict[str, Any], broke: str) -> bool:
    """Whether a finding elsewhere is the failure the wheel shows: a planted cycle may break
    a statement in a module the plant did not touch, which the finding names (the name
    and the partly initialised module of the ImportError)."""
    match = _CANNOT_IMPORT.search(broke)
    message = finding.get("message", "")
    if match is None:
        return False
    return f"{match.group(1)}`" in message and match.group(2) in message


def judge_verify(plant: Plant, wheel: Path, work: Path) -> None:
    status, data, err = pkgforge("verify", os.fspath(wheel), "--output-format", "json", cwd=work)
    if data is None:
        plant.verify, plant.verify_detail = "failed", f"exit {status}: {err[-200:]}"
        return
    for finding in _errors(data):
        named = finding.get("module") or ""
        if (
            named == plant.module
            or f"`{plant.module}`" in finding.get("message", "")
            or (plant.module in finding.get("message", ""))
        ):
            plant.verify, plant.verify_detail = "caught", f"{finding['code']} {finding['message']}"
            return
    plant.verify = "missed"
    plant.verify_detail = "; ".join(
        f"{f['code']} {f.get('module', '')} {f['message'][:80]}" for f in _errors(data)[:2]
    )


# -- a run ------------------------------------------------------------------------------


@dataclass
class Project:
    name: str
    version: str
    tree: Path
    wheel_file: Path
    env: precision.Env
    modules: dict[str, Module]
    baseline: set[Any] = field(default_factory=set)

    @classmethod
    def load(cls, name: str, version: str) -> Project | None:
        tree = precision.corpus.fetch(name, precision.SOURCES, version)
        wheel_file = precision.corpus.download(name, version, precision.SOURCES / "wheels",
                                               wheel=True)  # fmt: skip
        if wheel_file is None:
            return None
        wheel = precision.Wheel.open(wheel_file)
        env = precision.Env(name, version, wheel)
        if env.ensure():
            return None
        return cls(name, version, tree, wheel_file, env, read_modules(wheel))


def plant_all(
    pins: dict[str, str],
    projects: Sequence[str],
    per_kind: int,
    seed: int,
    judges: set[str],
    log: Callable[[str], None],
) -> list[Plant]:
    loaded: dict[str, Project | None] = {}
    plants: list[Plant] = []
    MUTANTS.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        order = list(projects)
        random.Random(f"{seed}:{kind}").shuffle(order)
        got = 0
        # One plant per project first; a second pass when the projects are too few.
        for round_, name in [(r, n) for r in (1, 2) for n in order]:
            if got >= per_kind:
                break
            if name not in loaded:
                log(f"loading {name} {pins[name]}")
                loaded[name] = Project.load(name, pins[name])
            project = loaded[name]
            mine = [p for p in plants if p.kind == kind and p.project == name]
            if project is None or len(mine) >= round_:
                continue
            taken = {(p.project, p.module) for p in plants if p.kind == kind}
            plant = _plant_one(project, kind, seed, judges, taken, log)
            if plant is not None:
                plants.append(plant)
                got += 1
        if got < per_kind:
            log(f"!! {kind}: only {got} of {per_kind} plants broke a wheel")
    return plants


def _plant_one(
    project: Project, kind: str, seed: int, judges: set[str], taken: set[Any],
    log: Callable[[str], None],
) -> Plant | None:  # fmt: skip
    candidates = list(_candidates(kind, project.modules, project.env))
    random.Random(f"{seed}:{kind}:{project.name}").shuffle(candidates)
    for candidate in candidates[:8]:
        if (project.name, candidate.module) in taken or not works_unmutated(project.env, candidate):
            continue
        with tempfile.TemporaryDirectory(prefix="pkgforge-mutant-", dir=MUTANTS) as scratch:
            work = Path(scratch)
            touched = mutate_tree(project.tree, candidate.edits, work / "tree")
            if touched is None:
                continue
            wheel = work / project.wheel_file.name
            mutate_wheel(project.wheel_file, candidate.edits, wheel)
            python = _venv(wheel, work / "venv")
            broke = breaks(python, candidate) if python else None
            if broke is None:
                continue
            # Where the rule may report it: the touched files, as check names them.
            files = {sdist_file(work / "tree", w) for w in candidate.files}
            places = {p.relative_to(work / "tree").as_posix() for p in files if p is not None}
            plant = Plant(project.name, project.version, kind, candidate.module, candidate.what,
                          broke, sorted(places | set(touched)))  # fmt: skip
            log(f"planted {kind} in {project.name}: {candidate.what}")
            if "check" in judges:
                if not project.baseline:
                    _, data, _ = pkgforge("check", ".", "--output-format", "json", "--no-cache",
                                          cwd=project.tree)  # fmt: skip
                    project.baseline = {_key(f) for f in (data or {}).get("findings", [])}
                judge_check(plant, candidate, work / "tree", project.baseline)
            if "verify" in judges:
                judge_verify(plant, wheel, work)
            log(f"   check: {plant.check}  verify: {plant.verify}")
            return plant
    return None


def report(plants: Sequence[Plant], judges: set[str]) -> str:
    lines = [f"{len(plants)} plants, each verified to break the installed wheel", ""]
    head = "| kind | plants |" + "".join(f" {j} caught |" for j in sorted(judges))
    lines += [head, "|" + " --- |" * (2 + len(judges))]
    for kind in (*KINDS, "all"):
        rows = [p for p in plants if kind in ("all", p.kind)]
        cells = [f"{sum(getattr(p, j) == 'caught' for p in rows)}" for j in sorted(judges)]
        label = f"**{kind}**" if kind == "all" else kind
        lines.append(f"| {label} | {len(rows)} | " + " | ".join(cells) + " |")
    for judge in sorted(judges):
        caught = sum(getattr(p, judge) == "caught" for p in plants)
        share = f"{100 * caught / len(plants):.1f}%" if plants else "—"
        lines.append(f"\n{judge}: {caught}/{len(plants)} caught ({share})")
        for p in plants:
            if getattr(p, judge) != "caught":
                detail = getattr(p, f"{judge}_detail")
                lines.append(f"  {getattr(p, judge)}: {p.project} {p.kind}: {p.what}")
                lines.append(f"      broke: {p.broke}")
                if detail:
                    lines.append(f"      said: {detail}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", help="held-out projects to plant into")
    parser.add_argument(
        "--corpus",
        choices=precision.HELD_OUT,
        default="held-out",
        help=precision.corpus_help(precision.HELD_OUT),
    )
    parser.add_argument("--per-kind", type=int, default=6, help="plants of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--judge", action="append", choices=["check", "verify"],
                        help="which judges (default: both)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    pins = precision.CORPORA[args.corpus]
    default = DEFAULT_PROJECTS if args.corpus == "held-out" else sorted(pins)
    projects = args.projects or list(default)
    unknown = [p for p in projects if p not in pins]
    if unknown:
        parser.error(f"not in the {args.corpus} corpus: {', '.join(unknown)}")
    judges = set(args.judge or ["check", "verify"])
    plants = plant_all(pins, projects, args.per_kind, args.seed, judges,
                       lambda line: print(line, file=sys.stderr, flush=True))  # fmt: skip
    if args.json:
        print(json.dumps([asdict(p) for p in plants], indent=1))
    else:
        print(report(plants, judges))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
