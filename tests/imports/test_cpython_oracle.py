"""The CPython oracle: random package trees, imported by a real interpreter, against ``check``.

Hypothesis writes small package trees whose module bodies are drawn from a grammar
of import-time statements (from-imports of names and submodules, plain and relative
imports, bindings before and after imports, ``if TYPE_CHECKING:``, ``try/except
ImportError``, ``__all__``, star imports, imports in ``def`` and ``class`` bodies,
``del``, module ``__getattr__``, self-imports, ...). Every module of a tree is then
imported first in a fresh interpreter, and ``from module import *`` is tried on it.

How "fresh" is done: one long-lived driver interpreter (started once per test
worker) that never imports a project module itself; for each module it forks, and
the child puts the tree on ``sys.path`` and imports the module with a line tracer
on the tree's files. A forked child starts with the driver's clean ``sys.modules``
— what a new ``python -c "import pkg.a"`` sees — at a fraction of the cost of an
interpreter start (a few ms per module instead of ~20 ms), which keeps the normal
test run short. The tracer records which statements ran, and which raised out of
their module or class body and where that exception started.

Two properties are checked against ``check``'s error-level findings:

* **soundness, strictly**: an error on a statement must be a statement that raises,
  with the exception starting there, when the module it names is imported first
  (PF411: the entry module its message names; PF302/PF304: ``from module import *``).
  A statement that did not run (an earlier failure stopped its module) or that
  raised only because something it imported failed is *masked*: counted, not judged.
* **recall, measured**: every failure CPython shows must have an error at the
  statement where it starts, or belong to a documented limitation
  (docs/check.md, "Limitations"): :data:`KNOWN_MISSES` names each class by the
  generated statements that cause it, and the test fails on any other miss.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the driver forks per module")

MODULES = {
    "pkg": "pkg/__init__.py",
    "pkg.a": "pkg/a.py",
    "pkg.b": "pkg/b.py",
    "pkg.sub": "pkg/sub/__init__.py",
    "pkg.sub.c": "pkg/sub/c.py",
}
PACKAGES = frozenset({"pkg", "pkg.sub"})
NAMES = ("X", "Y")
PYPROJECT = '[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.11"\n'

DRIVER = r"""
import importlib, json, os, signal, sys, traceback

def run(src, module):
    prefix = src + os.sep
    reached, raised, origins, keep, pending = set(), [], {}, [], {}

    def key(frame):
        return (frame.f_code.co_filename[len(prefix):], frame.f_lineno)

    def local(frame, event, arg):
        if event == "line":
            reached.add(key(frame))
            pending.pop(id(frame), None)
        elif event == "exception":
            value = arg[1]
            keep.append(value)  # ids stay unique while we hold the objects
            origins.setdefault(id(value), key(frame))
            pending[id(frame)] = (key(frame), value)
        elif event == "return" and id(frame) in pending:
            where, value = pending.pop(id(frame))
            raised.append([*where, *origins[id(value)], type(value).__name__])
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(prefix) else None

    def failure(err):
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.startswith(prefix)]
        if isinstance(err, SyntaxError) and (err.filename or "").startswith(prefix):
            origin = [err.filename[len(prefix):], err.lineno]
        else:
            origin = [frames[-1].filename[len(prefix):], frames[-1].lineno] if frames else None
        return {"type": type(err).__name__, "message": str(err), "origin": origin}

    sys.path.insert(0, src)
    result = {"error": None, "star": None}
    sys.settrace(tracer)
    try:
        importlib.import_module(module)
    except Exception as err:
        result["error"] = failure(err)
    else:
        try:
            exec(f"from {module} import *", {})
        except Exception as err:
            result["star"] = failure(err)
    sys.settrace(None)
    result["reached"] = sorted(reached)
    result["raised"] = raised
    return result

def child(src, module, write):
    signal.alarm(20)
    try:
        data = json.dumps(run(src, module)).encode()
    except BaseException as err:
        data = json.dumps({"crash": repr(err)}).encode()
    with os.fdopen(write, "wb") as out:
        out.write(data)
    os._exit(0)

for request in sys.stdin:
    task = json.loads(request)
    children = {}
    for module in task["modules"]:  # all at once; each reads its own pipe
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            child(task["src"], module, write)
        os.close(write)
        children[module] = (pid, read)
    answers = {}
    for module, (pid, read) in children.items():
        with os.fdopen(read, "rb") as answer:
            data = answer.read()
        os.waitpid(pid, 0)
        answers[module] = json.loads(data) if data else {"crash": "no answer"}
    print(json.dumps(answers), flush=True)
"""


class Driver:
    """One driver interpreter; ``imports`` asks it to import each module of a tree first."""

    def __init__(self, python: str) -> None:
        self.process = subprocess.Popen(
            [python, "-B", "-c", DRIVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": os.environ.get("PATH", "")},
            cwd=tempfile.gettempdir(),
        )

    def imports(self, src: Path, modules: Sequence[str]) -> dict[str, dict[str, Any]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"src": str(src), "modules": list(modules)}) + "\n")
        self.process.stdin.flush()
        answer: dict[str, dict[str, Any]] = json.loads(self.process.stdout.readline())
        for module, result in answer.items():
            assert "crash" not in result, (module, result)
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


# -- the grammar ------------------------------------------------------------------


class Statement(NamedTuple):
    kind: str
    target: str
    name: str


def _package_of(module: str) -> str:
    return module if module in PACKAGES else module.rpartition(".")[0]


def _relative(importer: str, target: str) -> str | None:
    """``target`` written relative to ``importer`` (``.b``, ``..``), None if it cannot be."""
    package = _package_of(importer)
    for level in (1, 2):
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        if level > package.count(".") + 1:
            return None
        if target == base:
            return "." * level
        if target.startswith(base + "."):
            return "." * level + target[len(base) + 1 :]
    return None


def render(importer: str, statement: Statement) -> str:
    """The source text of one statement of the grammar, in module ``importer``."""
    kind, target, name = statement
    relative = _relative(importer, target)
    parent, _, leaf = target.rpartition(".")
    texts = {
        "from_name": f"from {target} import {name}",
        "from_name_relative": f"from {relative or target} import {name}",
        "from_submodule": f"from {parent} import {leaf}" if parent else f"import {target}",
        "from_names_and_submodule": (
            f"from {parent} import {name}, {leaf}" if parent else f"from {target} import {name}"
        ),
        "import": f"import {target}",
        "import_as": f"import {target} as _m",
        "bind": f"{name} = 1",
        "type_checking_import": (
            f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from {target} import {name}"
        ),
        "type_checking_bind": f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {name} = 1",
        "try_import": f"try:\n    from {target} import {name}\nexcept ImportError:\n    pass",
        "try_import_fallback": (
            f"try:\n    from {target} import {name}\nexcept ImportError:\n    {name} = None"
        ),
        "all": f"__all__ = [{name!r}]",
        "star": f"from {target} import *",
        "def_import": f"def f():\n    from {target} import {name}",
        "class_import": f"class K:\n    from {target} import {name}",
        "del": f"{name} = 1\ndel {name}",
        "getattr": "def __getattr__(name):\n    raise AttributeError(name)",
        "getattr_serving": (
            f"def __getattr__(name):\n    if name == {name!r}:\n        return 1\n"
            "    raise AttributeError(name)"
        ),
        "dead_bind": f"if False:\n    {name} = 1",
        "global_bind": f"def g():\n    global {name}\n    {name} = 1",
        "missing_module": f"import {_package_of(target)}.missing",
        "beyond_top": f"from {'.' * (_package_of(importer).count('.') + 2)} import {name}",
    }
    return texts[kind]


# Weighted: cycles need imports of names and bindings after them.
KINDS = (
    *["from_name"] * 4,
    *["bind"] * 4,
    *["from_submodule", "import"] * 2,
    "from_name_relative",
    "from_names_and_submodule",
    "import_as",
    "type_checking_import",
    "type_checking_bind",
    "try_import",
    "try_import_fallback",
    "all",
    "star",
    "def_import",
    "class_import",
    "del",
    "getattr",
    "getattr_serving",
    "dead_bind",
    "global_bind",
    "missing_module",
    "beyond_top",
)

statements = st.builds(
    Statement, st.sampled_from(KINDS), st.sampled_from(sorted(MODULES)), st.sampled_from(NAMES)
)
trees = st.fixed_dictionaries({m: st.lists(statements, max_size=5) for m in MODULES})


@dataclass
class Tree:
    """A generated tree on disk, and which statement each line belongs to."""

    root: Path
    bodies: Mapping[str, list[Statement]]
    lines: dict[tuple[str, int], tuple[str, Statement]] = field(default_factory=dict)
    """(relpath from the root, line) -> (module, statement)."""

    @property
    def src(self) -> Path:
        return self.root / "src"

    def write(self) -> None:
        (self.root / "pyproject.toml").write_text(PYPROJECT)
        for module, relpath in MODULES.items():
            path = self.src / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            text: list[str] = []
            for statement in self.bodies[module]:
                chunk = render(module, statement).splitlines()
                for offset in range(len(chunk)):
                    self.lines[f"src/{relpath}", len(text) + offset + 1] = (module, statement)
                text.extend(chunk)
            path.write_text("".join(f"{line}\n" for line in text))

    def source(self) -> str:
        return "\n".join(
            f"# {relpath}\n" + (self.src / relpath).read_text() for relpath in MODULES.values()
        )


# -- comparing ------------------------------------------------------------------

_ENTRY = re.compile(r"when (\S+) is imported")
_STAR_RULES = frozenset({"PF302", "PF304"})


@dataclass
class Verdicts:
    confirmed: list[Finding] = field(default_factory=list)
    masked: list[Finding] = field(default_factory=list)
    false: list[tuple[Finding, str]] = field(default_factory=list)
    failures: int = 0
    explained: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    """(class, module imported first, CPython's error) for each failure with no error."""
    source: str = ""


def _star_explained(tree: Tree, place: tuple[str, int] | None, star_errors: set[str]) -> bool:
    """A failing ``from T import *`` of the tree, with a PF302/PF304 error on T's ``__all__``."""
    statement = tree.lines[place][1] if place in tree.lines else None
    return statement is not None and statement.kind == "star" and statement.target in star_errors


def _module_of(relpath: str) -> str:
    return next(m for m, p in MODULES.items() if f"src/{p}" == relpath)


def _raised(result: Mapping[str, Any], where: tuple[str, int]) -> str:
    """'origin' if the statement raised out and the exception started there, 'elsewhere'
    if it raised because of an exception from further in, 'no' if it ran and did not
    raise, 'not run' if it never ran."""
    outcomes = {
        "origin" if (o_path, o_line) == where else "elsewhere"
        for path, line, o_path, o_line, _type in result["raised"]
        if (path, line) == where
    }
    if "origin" in outcomes:
        return "origin"
    if outcomes:
        return "elsewhere"
    return "no" if list(where) in result["reached"] else "not run"


def judge(tree: Tree, findings: Sequence[Finding], results: Mapping[str, Any]) -> Verdicts:
    verdicts = Verdicts()
    errors = [f for f in findings if f.severity is Severity.ERROR]
    for finding in errors:
        module = _module_of(finding.path)
        where = (finding.path.removeprefix("src/"), finding.line)
        if finding.code in _STAR_RULES:
            result = results[module]
            if result["error"] is not None:
                verdicts.masked.append(finding)
            elif result["star"] is not None:
                verdicts.confirmed.append(finding)
            else:
                verdicts.false.append((finding, f"`from {module} import *` works"))
            continue
        context = module
        if finding.code == "PF411":
            match = _ENTRY.search(finding.message)
            assert match is not None, finding.message
            context = match.group(1)
        outcome = _raised(results[context], where)
        if outcome == "origin":
            verdicts.confirmed.append(finding)
        elif outcome == "no":
            verdicts.false.append((finding, f"it ran without raising when {context} was imported"))
        else:
            verdicts.masked.append(finding)
    at_error = {(f.path, f.line) for f in errors}
    star_errors = {_module_of(f.path) for f in errors if f.code in _STAR_RULES}
    at_warning = {(f.path, f.line, f.code) for f in findings if f.severity is Severity.WARNING}
    for module, result in results.items():
        for what, failure in (("import", result["error"]), ("star", result["star"])):
            if failure is None:
                continue
            verdicts.failures += 1
            if what == "star" and module in star_errors:
                verdicts.explained += 1
                continue
            origin = failure["origin"]
            place = (f"src/{origin[0]}", origin[1]) if origin else None
            # the statements the failure raised out of (a star import whose lookup raised
            # in the other module's `__getattr__` is where it starts, as far as rules go)
            passed = [
                (f"src/{path}", line)
                for path, line, o_path, o_line, _type in result["raised"]
                if [o_path, o_line] == origin
            ]
            if place in at_error or any(
                _star_explained(tree, where, star_errors) for where in (place, *passed)
            ):
                verdicts.explained += 1
                continue
            caught = {
                (f"src/{o_path}", o_line)
                for _path, _line, o_path, o_line, _type in result["raised"]
                if [o_path, o_line] != origin
            }
            kind = classify(tree, module, place, at_warning, caught - at_error)
            verdicts.misses.append((kind, module, f"{failure['type']}: {failure['message']}"))
    return verdicts


# Statements whose binding ``check`` takes at face value although it may not happen, and
# module features that make it give up on a module's names: each is a documented
# limitation (docs/check.md, "Limitations"), the only reasons a failure may be missed.
LIMITATIONS = {
    "global_bind": "`global name` in a function binds `name`, even if it never runs",
    "try_import": "a guarded import that fails only in some import orders binds its names",
    "star": "a star import of a partly initialised module binds what that module binds in the end",
}
_FROM_KINDS = frozenset(
    {
        "from_name",
        "from_name_relative",
        "from_names_and_submodule",
        "class_import",
        "try_import",
        "try_import_fallback",
    }
)


def _source(statement: Statement) -> str:
    """The module a from-import statement of the grammar takes its name from."""
    if statement.kind == "from_names_and_submodule":
        return statement.target.rpartition(".")[0] or statement.target
    return statement.target


def _exported(tree: Tree, module: str) -> set[str]:
    return {s.name for s in tree.bodies[module] if s.kind == "all"}


def _causes(tree: Tree, module: str, names: set[str]) -> set[str]:
    """The limitation statements of ``module`` that may explain a missing name of ``names``:
    a ``__getattr__``, a star import or a ``del`` anywhere, or an unreliable binding of the
    name that comes before its first plain binding."""
    causes = set()
    bound: set[str] = set()
    for statement in tree.bodies[module]:
        kind, _target, name = statement
        anywhere = kind in {"getattr", "getattr_serving", "star"} or (
            kind == "del" and name in names
        )
        if anywhere or (name in names - bound and kind in LIMITATIONS):
            causes.add(kind)
        elif kind == "bind":
            bound.add(name)
    return causes


def classify(
    tree: Tree,
    module: str,
    place: tuple[str, int] | None,
    at_warning: set[tuple[str, int, str]],
    caught: Collection[tuple[str, int]] = (),
) -> str:
    unexplained = "unexplained: no limitation applies"
    """Why a failure of ``module`` has no error where it starts: the limitations that can
    explain it, joined by "+", or a description starting with "unexplained".

    ``caught``: where the failures that ``try/except ImportError`` caught during the same
    import started, with no error there. Such a failure makes Python run the modules it
    interrupted again later, in another order; when a limitation explains it, ``check``
    could not follow that order, and what fails after it is explained too."""
    if place is None:  # `from module import *` itself: an `__all__` entry is not bound
        causes = _causes(tree, module, _exported(tree, module))
    elif place not in tree.lines:
        return f"unexplained: a failure outside the generated statements, at {place}"
    else:
        if (*place, "PF411") in at_warning:
            return "direct import order (PF411 warning)"
        _module, statement = tree.lines[place]
        if statement.kind in {"getattr", "getattr_serving"}:
            return statement.kind  # raised inside `__getattr__`
        if statement.kind == "star":
            causes = _causes(tree, statement.target, _exported(tree, statement.target))
        elif statement.kind in _FROM_KINDS:
            causes = _causes(tree, _source(statement), {statement.name})
        else:
            # `import a.b.c as m` fails when importing a.b failed before, was caught and
            # dropped a.b: only the caught failure can explain it
            causes = set()
            unexplained = f"unexplained: {statement.kind} failed"
    if causes:
        return "+".join(sorted(causes))
    for earlier in sorted(caught):
        kind = classify(tree, module, earlier, at_warning)
        if _known(kind):
            return f"after a caught failure: {kind}"
    return unexplained


def _known(kind: str) -> bool:
    return not kind.startswith("unexplained")


def run_tree(driver: Driver, bodies: Mapping[str, list[Statement]]) -> Verdicts:
    """Check one tree and import each of its modules first; the verdicts on both."""
    with tempfile.TemporaryDirectory(prefix="pkgforge-oracle-") as tmp:
        tree = Tree(Path(tmp), bodies)
        tree.write()
        result = check([tree.root], use_cache=False)
        assert result.rule_errors == ()
        verdicts = judge(tree, result.findings, driver.imports(tree.src, sorted(MODULES)))
        verdicts.source = tree.source()
        return verdicts


def assert_agree(verdicts: Verdicts) -> None:
    unexplained = [m for m in verdicts.misses if not _known(m[0])]
    false = [(f.code, f.path, f.line, f.message, why) for f, why in verdicts.false]
    assert not false and not unexplained, (
        f"false errors: {false}\nunexplained misses: {unexplained}\n{verdicts.source}"
    )


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    started = Driver(sys.executable)
    yield started
    started.close()


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(trees)
def test_check_agrees_with_cpython(driver: Driver, bodies: dict[str, list[Statement]]) -> None:
    assert_agree(run_tree(driver, bodies))


def _tree(**bodies: list[Statement]) -> dict[str, list[Statement]]:
    return {m: bodies.get(m.replace(".", "_"), []) for m in MODULES}


SELF_IMPORT = _tree(pkg_a=[Statement("from_name", "pkg.a", "X"), Statement("bind", "", "X")])


def test_a_self_import_is_an_error_that_cpython_confirms(driver: Driver) -> None:
    verdicts = run_tree(driver, SELF_IMPORT)
    assert [(f.code, f.path, f.line) for f in verdicts.confirmed] == [("PF411", "src/pkg/a.py", 1)]
    assert "when pkg.a is imported, whatever is imported first" in verdicts.confirmed[0].message
    assert verdicts.misses == [] and verdicts.false == []


def test_a_public_module_imported_first_is_an_error_that_cpython_confirms(
    driver: Driver,
) -> None:
    # importing pkg.a first works; importing pkg.b first fails (b -> a -> b's Y, unbound):
    # pkg.b is a public module, so importing it first is an ordinary use
    bodies = _tree(
        pkg_a=[Statement("bind", "", "X"), Statement("from_name", "pkg.b", "Y")],
        pkg_b=[Statement("from_name", "pkg.a", "X"), Statement("bind", "", "Y")],
    )
    verdicts = run_tree(driver, bodies)
    assert [(f.code, f.path, f.line) for f in verdicts.confirmed] == [("PF411", "src/pkg/a.py", 2)]
    assert "when pkg.b is imported first" in verdicts.confirmed[0].message
    assert verdicts.misses == [] and verdicts.false == []


def test_the_oracle_can_fail(driver: Driver) -> None:
    """A made-up error on a statement that works is false; a failure without one is a miss."""
    with tempfile.TemporaryDirectory(prefix="pkgforge-oracle-") as tmp:
        tree = Tree(Path(tmp), {**SELF_IMPORT, "pkg.b": [Statement("bind", "", "X")]})
        tree.write()
        results = driver.imports(tree.src, sorted(MODULES))
    made_up = Finding("src/pkg/b.py", 1, 1, "PF404", "unresolved-import", Severity.ERROR, "")
    verdicts = judge(tree, [made_up], results)
    assert [f for f, _why in verdicts.false] == [made_up]
    assert [(kind, module) for kind, module, _error in verdicts.misses] == [
        ("unexplained: no limitation applies", "pkg.a")
    ]
    with pytest.raises(AssertionError, match="unexplained misses"):
        assert_agree(verdicts)


def _pythons() -> list[str]:
    """The interpreters for the heavy run: PKGFORGE_ORACLE_PYTHONS (os.pathsep-separated),
    else this one."""
    listed = os.environ.get("PKGFORGE_ORACLE_PYTHONS", "")
    return [p for p in listed.split(os.pathsep) if p] or [sys.executable]


@pytest.mark.slow
@pytest.mark.parametrize("python", _pythons())
def test_check_agrees_with_cpython_heavy(python: str) -> None:
    """More trees (PKGFORGE_ORACLE_EXAMPLES, 300 by default), on each interpreter listed;
    ``--hypothesis-seed`` reproduces a run."""
    heavy = Driver(python)
    examples = int(os.environ.get("PKGFORGE_ORACLE_EXAMPLES", "300"))

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(trees)
    def trees_agree(bodies: dict[str, list[Statement]]) -> None:
        assert_agree(run_tree(heavy, bodies))

    try:
        trees_agree()
    finally:
        heavy.close()
