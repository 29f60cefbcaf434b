"""Precision of ``pkgforge check``'s errors, judged against the real wheels.

For each project of the real-projects corpus (tests/imports/real_projects.py):
check the unpacked sdist, then replay every error-level finding in package code
against reality: the same version's wheel, installed with its declared
dependencies (no extras) in a venv of its own, each module imported in a fresh
interpreter. A finding is

* confirmed: the import fails the way the rule predicts (the exception names
  the module or name the finding names, or is raised at the finding's line);
* false: it does not fail (the module imports; the file ships and imports by
  that name; the stdlib wins...);
* unjudged: the import fails for another reason (an optional dependency, a
  display, Django settings), or the module is not in the wheel, or no judge
  exists for the rule.

Findings in files that the wheel does not ship (tests, docs, examples, build
scripts, Tools/...) are not package code: counted apart, as "outside".

    python bench/precision.py                      # the whole corpus
    python bench/precision.py numpy pip --jobs 2   # a subset
    python bench/precision.py --list-false         # what to fix, path:line message
    python bench/precision.py --json               # for machines
    python bench/precision.py --write-expectations # rewrite the network test's expectations
    python bench/precision.py --fetch-only         # download sdists and wheels, check nothing

Judgments are cached in bench/.cache/precision/ keyed by project, version,
code, path, line and message, so a re-run only judges what changed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
PRECISION = CACHE / "precision"
SOURCES = CACHE / "real-projects"
TIMEOUT = 90.0

CONFIRMED, FALSE, UNJUDGED, OUTSIDE = "confirmed", "false", "unjudged", "outside"

# Folder and file names that mark tests, docs and examples (not package code even
# when a wheel ships them).
_TEST_DIRS = frozenset(
    {"tests", "test", "docs", "doc", "examples", "example", "_examples", "benchmarks"}
)
_TEST_FILE = re.compile(r"^(test_.*|.*_test|conftest)\.py$")
# Exceptions that mean "this module needs a configured host", not "the import is broken".
_HOST_NEEDED = frozenset({"ImproperlyConfigured", "AppRegistryNotReady", "TclError"})

_PROBE = r"""
import importlib, json, sys, traceback, warnings
warnings.simplefilter("ignore")
mode, name = sys.argv[1], sys.argv[2]
out = {"ok": True}
try:
    if mode == "import":
        importlib.import_module(name)
    elif mode == "star":
        exec(f"from {name} import *", {})
    elif mode == "version":
        out["version"] = str(getattr(importlib.import_module(name), "__version__", None))
    elif mode == "attr":
        module, _, attr = name.rpartition(":")
        out["has"] = hasattr(importlib.import_module(module), attr)
    elif mode == "django":
        import django
        from django.conf import settings
        apps = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                "django.contrib.sessions", "django.contrib.messages", "django.contrib.sites",
                "django.contrib.staticfiles"]
        for app in sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else []:
            try:
                importlib.import_module(app + ".apps")
            except Exception:
                continue
            if app not in apps:
                apps.append(app)
        settings.configure(INSTALLED_APPS=apps, SECRET_KEY="x", USE_TZ=True,
                           DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
        try:
            django.setup()
        except Exception:
            pass
        importlib.import_module(name)
    elif mode == "origin":
        import importlib.util
        spec = importlib.util.find_spec(name)
        out["origin"] = None if spec is None else (spec.origin or str(list(spec.submodule_search_locations or [])))
except BaseException as err:
    frames = traceback.extract_tb(err.__traceback__)
    out = {
        "ok": False,
        "type": type(err).__name__,
        "mro": [c.__name__ for c in type(err).__mro__],
        "message": str(err)[:600],
        "name": getattr(err, "name", None) if isinstance(err, ImportError) else None,
        "frames": [[f.filename, f.lineno] for f in frames[-8:]],
    }
    if isinstance(err, SyntaxError):
        out["frames"].append([err.filename, err.lineno])
print("\n" + json.dumps(out))
"""


@dataclass(frozen=True)
class Judged:
    project: str
    version: str
    code: str
    path: str
    line: int
    message: str
    scope: str  # package, tests, outside
    verdict: str
    reason: str


def _corpus() -> ModuleType:
    path = ROOT / "tests" / "imports" / "real_projects.py"
    spec = importlib.util.spec_from_file_location("pkgforge_real_projects", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _corpus()


def _listed(file: str, variable: str) -> dict[str, str]:
    """A held-out list beside this script: project -> pinned version."""
    spec = importlib.util.spec_from_file_location(Path(file).stem, HERE / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(getattr(module, variable))


# The corpora a run can judge, each mapping project -> pinned version: the one the
# checker was fixed against, and the held-out sets it never was. Sets 1 and 2 are spent
# (their findings prompted checker changes); set 3 is the clean evidence.
CORPORA = {
    "original": corpus.ALL_PROJECTS,
    "held-out": _listed("held_out_projects.py", "HELD_OUT"),
    "held-out-2": _listed("held_out_projects_2.py", "HELD_OUT_2"),
    "held-out-3": _listed("held_out_projects_3.py", "HELD_OUT_3"),
}
HELD_OUT = ("held-out", "held-out-2", "held-out-3")
ABOUT = {
    "original": "tests/imports/real_projects.py (a training set)",
    "held-out": "bench/held_out_projects.py (held-out set 1, spent)",
    "held-out-2": "bench/held_out_projects_2.py (held-out set 2, spent)",
    "held-out-3": "bench/held_out_projects_3.py (held-out set 3: never tuned on)",
}


def corpus_help(names: Iterable[str]) -> str:
    """``--corpus``'s help: what each of ``names`` is."""
    return "; ".join(f"{name}: {ABOUT[name]}" for name in names)


PINS: dict[str, str] = dict(CORPORA["original"])


# -- the wheel: what ships, under which module name ---------------------------


@dataclass(frozen=True)
class Wheel:
    path: Path
    files: frozenset[str]  # importable paths, with .data/purelib|platlib stripped
    requires_python: str | None
    extras: tuple[str, ...]
    entry_points: frozenset[str]  # modules named by an entry point

    @classmethod
    def open(cls, path: Path) -> Wheel:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            meta = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
            text = zf.read(meta).decode("utf-8", "replace") if meta else ""
            eps = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
            points = zf.read(eps).decode("utf-8", "replace") if eps else ""
        files = set()
        for name in names:
            parts = name.split("/")
            if len(parts) > 2 and parts[0].endswith(".data") and parts[1] in {"purelib", "platlib"}:
                files.add("/".join(parts[2:]))
            elif not parts[0].endswith((".data", ".dist-info")):
                files.add(name)
        match = re.search(r"^Requires-Python:\s*(.+)$", text, re.MULTILINE)
        extras = tuple(re.findall(r"^Provides-Extra:\s*(\S+)", text, re.MULTILINE))
        modules = re.findall(r"^\s*[^#\[=]+?=\s*([\w.]+)", points, re.MULTILINE)
        return cls(
            path,
            frozenset(files),
            match.group(1).strip() if match else None,
            extras,
            frozenset(modules),
        )

    @property
    def django_apps(self) -> tuple[str, ...]:
        """Packages with an ``apps.py``: the Django apps to install to import their modules."""
        return tuple(
            sorted(
                module_name(f.removesuffix("/apps.py"))
                for f in self.files
                if f.endswith("/apps.py") and "/tests/" not in f
            )
        )

    def locate(self, sdist_path: str) -> str | None:
        """The wheel path of an sdist file or folder: the longest matching path suffix."""
        parts = sdist_path.split("/")
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if candidate in self.files:
                return candidate
            prefix = candidate + "/"
            if any(f.startswith(prefix) for f in self.files):
                return candidate
        return None

    def read(self, wheel_path: str) -> bytes:
        with zipfile.ZipFile(self.path) as zf:
            for name in zf.namelist():
                if name == wheel_path or name.endswith("/" + wheel_path):
                    return zf.read(name)
        raise KeyError(wheel_path)


def module_name(wheel_path: str) -> str:
    """``pkg/sub/mod.py`` -> ``pkg.sub.mod``; a folder -> its dotted name."""
    path = wheel_path
    for suffix in (".py", ".pyi"):
        path = path.removesuffix(suffix)
    parts = path.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test_path(path: str) -> bool:
    """Tests, docs or examples, by a folder name on the path or a test file name."""
    parts = path.split("/")
    return any(p.lower() in _TEST_DIRS for p in parts) or bool(_TEST_FILE.match(parts[-1]))


def scope_of(wheel: Wheel, path: str) -> tuple[str, str | None]:
    """Where a finding is: ("package", its wheel path), ("tests", ...) or ("outside", None)."""
    wheel_path = wheel.locate(path)
    if wheel_path is None:
        return ("tests" if is_test_path(path) else OUTSIDE), None
    if is_test_path(wheel_path):
        return "tests", wheel_path
    return "package", wheel_path


# -- the environment: one venv per project -------------------------------------


class Env:
    """The project's wheel with its declared dependencies (no extras), in a venv;
    or, with ``extras``, with every extra it declares."""

    def __init__(
        self,
        name: str,
        version: str,
        wheel: Wheel,
        *,
        extras: bool = False,
        venvs: Path = PRECISION / "venvs",
    ) -> None:
        self.name, self.version, self.wheel, self.venvs = name, version, wheel, venvs
        self.root = venvs / f"{name}-{version}{'-extras' if extras else ''}"
        self.extras = wheel.extras if extras else ()
        self._with_extras: Env | None = None
        self.python = self.root / "bin" / "python"
        self._probes: dict[tuple[str, ...], dict[str, Any]] = {}
        self._ready: str | None = None
        self._lock = threading.Lock()

    def ensure(self) -> str | None:
        """Create the venv once; return None when ready, else why it could not be."""
        with self._lock:
            if self._ready is None:
                self._ready = self._create()
            return self._ready or None

    def _create(self) -> str:
        done = self.root / ".installed"
        if done.exists():
            return ""
        shutil.rmtree(self.root, ignore_errors=True)
        uv = [sys.executable, "-m", "uv"]
        env = {**os.environ, "UV_NO_CONFIG": "1"}
        env.pop("VIRTUAL_ENV", None)
        steps = (
            [*uv, "venv", "--quiet", "--python", sys.executable, os.fspath(self.root)],
            [*uv, "pip", "install", "--quiet", "--python", os.fspath(self.python), self._target()],
        )  # fmt: skip
        for step in steps:
            run = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
            if run.returncode:
                return f"venv failed: {run.stderr.strip()[-300:]}"
        done.touch()
        return ""

    def _target(self) -> str:
        path = os.fspath(self.wheel.path)
        if not self.extras:
            return path
        name = self.wheel.path.name.split("-")[0]
        return f"{name}[{','.join(self.extras)}] @ {self.wheel.path.as_uri()}"

    def with_extras(self) -> Env | None:
        """The same wheel with all its extras, when it declares any and they install."""
        with self._lock:
            if self._with_extras is None and self.wheel.extras:
                self._with_extras = Env(
                    self.name, self.version, self.wheel, extras=True, venvs=self.venvs
                )
        if self._with_extras is None or self._with_extras.ensure():
            return None
        return self._with_extras

    def probe(self, mode: str, name: str, *extra: str) -> dict[str, Any]:
        key = (mode, name, *extra)
        if key not in self._probes:
            self._probes[key] = self._probe(mode, name, *extra)
        return self._probes[key]

    def _probe(self, mode: str, name: str, *extra: str) -> dict[str, Any]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(MPLBACKEND="Agg", DISPLAY="", QT_QPA_PLATFORM="offscreen")
        with tempfile.TemporaryDirectory(prefix="pkgforge-precision-") as cwd:
            try:
                run = subprocess.run(
                    [os.fspath(self.python), "-I", "-c", _PROBE, mode, name, *extra],
                    capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd, env=env,
                    stdin=subprocess.DEVNULL, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                return {"ok": False, "type": "Timeout", "mro": [], "message": "timed out"}
        lines = run.stdout.strip().splitlines()
        try:
            result: dict[str, Any] = json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            return {
                "ok": False,
                "type": f"Crash({run.returncode})",
                "mro": [],
                "message": run.stderr.strip()[-300:],
            }
        return result


# -- the judges ---------------------------------------------------------------

_QUOTED = re.compile(r"`([^`]+)`|'([^']+)'")
_WORD = re.compile(r"[A-Za-z_][\w.]*")
# Host tools whose plugin modules only they load: an undeclared import of the host
# there is a warning at most (issue 7, class 7).
_HOSTS = frozenset({"pytest", "_pytest", "sphinx", "docutils", "mypy", "hypothesis", "pylint"})
_PLUGINISH = re.compile(r"plugin|sphinxext|^mypy$|^conftest$", re.IGNORECASE)


def _named(message: str) -> set[str]:
    """Every dotted name the finding's message quotes (with backticks or quotes)."""
    names: set[str] = set()
    for ticked, quoted in _QUOTED.findall(message):
        names.update(_WORD.findall(ticked or quoted))
    names.update(re.findall(r"no module named ([\w.]+)", message))
    return names - {"from", "import", "as"}


def _failure(outcome: Mapping[str, Any]) -> str:
    text = f"{outcome['type']}: {outcome.get('message', '')}".strip()
    return re.sub(r" \(/[^)]*\)", "", text)[:300]


def _at_line(outcome: Mapping[str, Any], wheel_path: str, line: int) -> bool:
    return any(
        str(filename).endswith("/" + wheel_path) and lineno == line
        for filename, lineno in outcome.get("frames", [])
    )


def _relevant(outcome: Mapping[str, Any], message: str) -> bool:
    """Whether a failure is the one the finding predicts: the missing module is (a
    parent of) one the finding names, or the missing name is one it names."""
    named = _named(message)
    mro = outcome.get("mro", [])
    missing = outcome.get("name")
    if "ModuleNotFoundError" in mro and missing:
        return any(n == missing or n.startswith(missing + ".") for n in named)
    said = re.findall(r"'([\w.]+)'", str(outcome.get("message", "")))
    if "ImportError" in mro or "AttributeError" in mro:
        # "cannot import name 'X' from 'm'", "module 'm' has no attribute 'X'"
        return bool(said) and any(s in named for s in said)
    return False


def _another_reason(env: Env, mode: str, module: str, outcome: dict[str, Any]) -> dict[str, Any]:
    """Retry a failure that is not the predicted one where the cause may be the
    environment: with the project's extras, with Django configured."""
    if outcome["type"] in _HOST_NEEDED and mode == "import":
        retried = env.probe("django", module, ",".join(env.wheel.django_apps))
        if retried["ok"] or retried["type"] not in _HOST_NEEDED:
            return retried
    if "ImportError" in outcome.get("mro", []) or outcome["type"] in _HOST_NEEDED:
        extras = env.with_extras()
        if extras is not None:
            return extras.probe(mode, module)
    return outcome


def _by_import(
    env: Env, code: str, module: str, message: str, wheel_path: str, line: int
) -> tuple[str, str]:
    mode = "star" if code == "PF304" else "import"
    what = f"`from {module} import *`" if mode == "star" else f"`import {module}`"
    outcome = env.probe(mode, module)
    if not outcome["ok"] and not _predicted(code, outcome, message, wheel_path, line):
        outcome = _another_reason(env, mode, module, outcome)
    if outcome["ok"]:
        return FALSE, f"{what} works"
    if _predicted(code, outcome, message, wheel_path, line):
        return CONFIRMED, f"{what} fails: {_failure(outcome)}"
    if outcome["type"] in _HOST_NEEDED:
        return UNJUDGED, f"{what} needs a configured host: {_failure(outcome)}"
    return UNJUDGED, f"{what} fails for another reason: {_failure(outcome)}"


def _predicted(
    code: str, outcome: Mapping[str, Any], message: str, wheel_path: str, line: int
) -> bool:
    mro = outcome.get("mro", [])
    if code in {"PF401", "PF410"} or "SyntaxError" in mro:
        return "SyntaxError" in mro and _at_line(outcome, wheel_path, line)
    if code == "PF304":
        return "TypeError" in mro and "__all__" in str(outcome.get("message"))
    return "ImportError" in mro and _relevant(outcome, message)


def _undefined_export(env: Env, module: str, message: str) -> tuple[str, str]:
    """PF302: ``from m import *`` fails on the first missing name, so ask for each."""
    match = re.match(r"`([^`]+)`", message)
    if match is None:
        return UNJUDGED, "no name in the message"
    name = match.group(1)
    outcome = env.probe("attr", f"{module}:{name}")
    if not outcome["ok"]:
        outcome = _another_reason(env, "attr", f"{module}:{name}", outcome)
    if not outcome["ok"]:
        return UNJUDGED, f"`import {module}` fails: {_failure(outcome)}"
    if outcome["has"]:
        return FALSE, f"`{module}.{name}` exists when imported"
    return CONFIRMED, f"`{module}` has no `{name}`: `from {module} import *` fails"


def _found_by_name(env: Env, module: str) -> tuple[str, str]:
    """PF101/PF201/PF202: can the import system find the shipped file by its name?"""
    outcome = env.probe("origin", module)
    if not outcome["ok"]:
        outcome = _another_reason(env, "origin", module, outcome)
    if outcome["ok"] and outcome.get("origin") not in (None, "None"):
        return FALSE, f"the wheel ships it and importlib finds `{module}`"
    if outcome["ok"]:
        return CONFIRMED, f"the wheel ships it but importlib does not find `{module}`"
    return UNJUDGED, f"finding `{module}` fails: {_failure(outcome)}"


def _undeclared(env: Env, module: str, message: str) -> tuple[str, str]:
    match = re.search(r"needs `([\w.]+)`", message)
    top = match.group(1).split(".")[0] if match else ""

    def lacks_top(outcome: Mapping[str, Any]) -> bool:
        missing = str(outcome.get("name") or "").split(".")[0]
        return "ModuleNotFoundError" in outcome.get("mro", []) and missing == top

    outcome = env.probe("import", module)
    if outcome["ok"]:
        return FALSE, f"`import {module}` works with only the declared dependencies"
    last = module.rsplit(".", 1)[-1]
    if top in _HOSTS and (module in env.wheel.entry_points or _PLUGINISH.search(last)):
        return FALSE, f"a plugin module of {top}, which only {top} loads (fails without it)"
    if not lacks_top(outcome):
        outcome = _another_reason(env, "import", module, outcome)
        if outcome["ok"]:
            return FALSE, f"`import {module}` works (with the extras, or Django configured)"
        if not lacks_top(outcome):
            return UNJUDGED, f"`import {module}` fails for another reason: {_failure(outcome)}"
    extras = env.with_extras()
    if extras is None and env.wheel.extras:
        return UNJUDGED, f"fails without `{top}`; the extras would not install to tell more"
    if extras is not None:
        again = extras.probe("import", module)
        if again["ok"] or not lacks_top(again):
            return FALSE, f"an extra provides `{top}` (`import {module}` fails only without it)"
    return CONFIRMED, f"`import {module}` fails: {_failure(outcome)}"


def _cycle(env: Env, module: str, message: str) -> tuple[str, str]:
    match = re.search(r"when ([\w.]+) is imported first", message)
    entry = match.group(1) if match else module
    outcome = env.probe("import", entry)
    if outcome["ok"]:
        return FALSE, f"`import {entry}` in a fresh interpreter works"
    if "ImportError" in outcome["mro"] and _relevant(outcome, message):
        return CONFIRMED, f"`import {entry}` fails: {_failure(outcome)}"
    return UNJUDGED, f"`import {entry}` fails for another reason: {_failure(outcome)}"


def _syntax(env: Env, wheel_path: str) -> tuple[str, str]:
    source = env.wheel.read(wheel_path)
    python, label = _oldest_python(env.wheel.requires_python)
    run = subprocess.run(
        [python, "-c", "import sys; compile(sys.stdin.buffer.read(), sys.argv[1], 'exec')",
         wheel_path],
        input=source, capture_output=True, check=False,
    )  # fmt: skip
    if run.returncode == 0:
        return FALSE, f"compiles with Python {label}"
    err = run.stderr.decode("utf-8", "replace").strip().splitlines()
    if err and "SyntaxError" in err[-1]:
        return CONFIRMED, f"Python {label}: {err[-1][:200]}"
    return UNJUDGED, f"Python {label} could not compile it: {(err or ['?'])[-1][:200]}"


def _oldest_python(requires_python: str | None) -> tuple[str, str]:
    """The oldest interpreter on this machine that requires-python allows."""
    from packaging.specifiers import SpecifierSet

    spec = SpecifierSet(requires_python or "")
    for minor in range(6, 16):
        version = f"3.{minor}"
        if not spec.contains(f"{version}.99", prereleases=True):
            continue
        pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
        for found in [shutil.which(f"python{version}"), *map(os.fspath, pyenv)]:
            works = found and subprocess.run(
                [found, "-c", "pass"], capture_output=True, check=False
            )
            if found and works and works.returncode == 0:
                return found, version
    return sys.executable, f"{sys.version_info[0]}.{sys.version_info[1]}"


def _shadowing(env: Env, module: str) -> tuple[str, str]:
    outcome = env.probe("origin", module.split(".", 1)[0])
    origin = str(outcome.get("origin"))
    if "site-packages" in origin:
        return CONFIRMED, f"`{module}` resolves to the wheel's {origin}, hiding the stdlib"
    return FALSE, f"the standard library wins (`{module}` resolves to {origin}); nothing fails"


def _case_collision(env: Env, message: str) -> tuple[str, str]:
    folded = Counter(f.lower() for f in env.wheel.files)
    folded.update({d.lower() for f in env.wheel.files for d in _dirs(f)})
    clashes = [name for name, count in folded.items() if count > 1]
    if clashes:
        return CONFIRMED, f"the wheel has paths equal but for case: {clashes[:3]}"
    return FALSE, "no two paths of the wheel differ only by case"


def _dirs(path: str) -> Iterable[str]:
    parts = path.split("/")
    return ("/".join(parts[:i]) for i in range(1, len(parts)))


def _clash(env: Env, wheel_path: str) -> tuple[str, str]:
    package = wheel_path.removesuffix(".py") + "/__init__.py"
    if package in env.wheel.files:
        return CONFIRMED, "the wheel ships both the module and the package"
    return FALSE, "the wheel ships only one of them"


def _version(env: Env, module: str, message: str) -> tuple[str, str]:
    outcome = env.probe("version", module)
    if outcome.get("version") == env.version:
        return FALSE, f"`{module}.__version__` is {env.version} when installed"
    if outcome["ok"]:
        return CONFIRMED, f"`{module}.__version__` is {outcome.get('version')!r}, not {env.version}"
    return UNJUDGED, f"`import {module}` fails: {_failure(outcome)}"


def judge(env: Env, code: str, path: str, line: int, message: str) -> tuple[str, str, str]:
    """(scope, verdict, reason) for one error-level finding at ``path`` (sdist-relative)."""
    scope, wheel_path = scope_of(env.wheel, path)
    if wheel_path is None:
        return scope, OUTSIDE, "the wheel does not ship it"
    if scope != "package":
        return scope, OUTSIDE, "tests, docs or examples (shipped in the wheel)"
    problem = env.ensure()
    if problem:
        return "package", UNJUDGED, problem
    module = module_name(wheel_path)
    if code == "PF407":
        verdict, reason = _undeclared(env, module, message)
    elif code == "PF411":
        verdict, reason = _cycle(env, module, message)
    elif code == "PF410":
        verdict, reason = _syntax(env, wheel_path)
    elif code == "PF302":
        verdict, reason = _undefined_export(env, module, message)
    elif code in {"PF101", "PF201", "PF202"}:
        verdict, reason = _found_by_name(env, module)
    elif code == "PF203":
        verdict, reason = _shadowing(env, module)
    elif code == "PF103":
        verdict, reason = _case_collision(env, message)
    elif code == "PF104":
        verdict, reason = _clash(env, wheel_path)
    elif code == "PF503":
        verdict, reason = _version(env, module, message)
    elif code.startswith(("PF1", "PF2", "PF3", "PF4")):
        verdict, reason = _by_import(env, code, module, message, wheel_path, line)
    else:
        verdict, reason = UNJUDGED, f"no judge for {code}"
    return "package", verdict, reason


# -- a project, end to end -----------------------------------------------------


@dataclass(frozen=True)
class ProjectResult:
    name: str
    version: str
    files_checked: int
    rule_errors: tuple[str, ...]
    findings: tuple[Judged, ...]
    note: str = ""


class JudgmentCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self.data: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    @staticmethod
    def key(*parts: object) -> str:
        return "\x1f".join(map(str, parts))

    def get(self, key: str) -> list[str] | None:
        with self._lock:
            return self.data.get(key)

    def put(self, key: str, value: list[str]) -> None:
        with self._lock:
            self.data[key] = value

    def save(self) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(self.data, indent=0, sort_keys=True), encoding="utf-8")
            partial.replace(self.path)


def check_project(name: str, *, project_env: bool = False) -> tuple[Path, Any]:
    """Check the unpacked sdist; with ``project_env``, as a developer's checkout would be
    checked: with the project's own venv (its wheel and declared dependencies) active."""
    from pkgforge.checker.engine import check

    version = PINS[name]
    tree = corpus.fetch(name, SOURCES, version)
    if not project_env:
        return tree, check([tree], use_cache=False)
    wheel_file = corpus.download(name, version, SOURCES / "wheels", wheel=True)
    env = Env(name, version, Wheel.open(wheel_file)) if wheel_file else None
    if env is None or env.ensure() is not None:
        return tree, check([tree], use_cache=False)
    before = os.environ.get("VIRTUAL_ENV")
    os.environ["VIRTUAL_ENV"] = os.fspath(env.root)
    try:
        return tree, check([tree], use_cache=False)
    finally:
        if before is None:
            os.environ.pop("VIRTUAL_ENV", None)
        else:
            os.environ["VIRTUAL_ENV"] = before


def judge_project(name: str, tree: Path, result: Any, cache: JudgmentCache) -> ProjectResult:
    version = PINS[name]
    errors = [f for f in result.findings if str(f.severity) == "error"]
    wheel_file = corpus.download(name, version, SOURCES / "wheels", wheel=True)
    env = Env(name, version, Wheel.open(wheel_file)) if wheel_file else None
    judged = []
    for f in errors:
        path = corpus.tree_path(f.path, tree)
        key = cache.key(name, version, f.code, path, f.line, f.message)
        hit = cache.get(key)
        if env is not None and hit is not None and hit[0] != scope_of(env.wheel, path)[0]:
            hit = None  # what counts as package code changed since it was judged
        if hit is None:
            if env is None:
                hit = ["package", UNJUDGED, "no wheel for this interpreter on PyPI"]
            else:
                try:
                    hit = list(judge(env, f.code, path, f.line, f.message))
                except Exception as err:  # noqa: BLE001 (a judge bug must not lose the rest)
                    hit = ["package", UNJUDGED, f"judge failed: {err!r}"]
                if not hit[2].startswith(("venv failed", "judge failed")):
                    cache.put(key, hit)
        judged.append(Judged(name, version, f.code, path, f.line, f.message, *hit))
    return ProjectResult(
        name,
        version,
        result.files_checked,
        tuple(result.rule_errors),
        tuple(judged),
        "" if env else "no wheel for this interpreter: not judged",
    )


def run(names: Sequence[str], jobs: int, *, project_env: bool = False) -> list[ProjectResult]:
    cache = JudgmentCache(PRECISION / "judgments.json")
    # Checks run one after another (each forks its own parse workers); judging,
    # which waits on installs and interpreters, runs ``jobs`` projects at a time.
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = []
        for name in names:
            tree, result = check_project(name, project_env=project_env)
            print(f"checked {name}: {result.files_checked} files", file=sys.stderr, flush=True)
            futures.append(pool.submit(judge_project, name, tree, result, cache))
        results = []
        for future in futures:
            results.append(future.result())
            print(f"judged {results[-1].name}", file=sys.stderr, flush=True)
            cache.save()
    return results


def fetch(names: Sequence[str], jobs: int) -> list[str]:
    """Download and unpack each project's sdist, and download its wheel, checking and
    judging nothing (so that a later run spends its time on checking and judging, and
    nothing is seen of a held-out set before its measurement). What failed, one line each."""

    def one(name: str) -> str:
        version = PINS[name]
        try:
            corpus.fetch(name, SOURCES, version)
            wheel = corpus.download(name, version, SOURCES / "wheels", wheel=True)
        except Exception as err:  # noqa: BLE001 (one project's failure must not stop the rest)
            return f"{name} {version}: {err!r}"
        print(f"fetched {name} {version}", file=sys.stderr, flush=True)
        return "" if wheel else f"{name} {version}: no wheel for this interpreter on PyPI"

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return [problem for problem in pool.map(one, names) if problem]


# -- reports ------------------------------------------------------------------


def tally(findings: Iterable[Judged]) -> dict[str, Counter[str]]:
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        counts = per_rule[f.code]
        counts["errors"] += 1
        counts[f.verdict] += 1
    return per_rule


def precision(counts: Mapping[str, int]) -> float | None:
    judged = counts.get(CONFIRMED, 0) + counts.get(FALSE, 0)
    return counts.get(CONFIRMED, 0) / judged if judged else None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


_COLUMNS = ("errors", CONFIRMED, FALSE, UNJUDGED, OUTSIDE)


def table(rows: Mapping[str, Mapping[str, int]], first: str) -> list[str]:
    head = [first, "error findings", "confirmed", "false", "unjudged", "outside the wheel"]
    lines = ["| " + " | ".join(head) + " | precision |", "|" + " --- |" * (len(head) + 1)]
    total: Counter[str] = Counter()
    for key, counts in rows.items():
        total.update(counts)
        cells = [str(counts.get(c, 0)) for c in _COLUMNS]
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {_pct(precision(counts))} |")
    cells = [f"**{total.get(c, 0)}**" for c in _COLUMNS]
    lines.append("| **all** | " + " | ".join(cells) + f" | **{_pct(precision(total))}** |")
    return lines


def report(results: Sequence[ProjectResult]) -> str:
    findings = [f for r in results for f in r.findings]
    per_rule = dict(sorted(tally(findings).items()))
    per_project: dict[str, Counter[str]] = {}
    for r in results:
        counts: Counter[str] = Counter()
        for f in r.findings:
            counts["errors"] += 1
            counts[f.verdict] += 1
        per_project[f"{r.name} {r.version} ({r.files_checked} files)"] = counts
    total: Counter[str] = Counter(f.verdict for f in findings)
    summary = (
        f"pkgforge check, {len(results)} projects, "
        f"{sum(r.files_checked for r in results)} files checked: "
        f"{len(findings)} error findings, {total[OUTSIDE]} outside the wheel; in package code "
        f"{total[CONFIRMED]} confirmed, {total[FALSE]} false, {total[UNJUDGED]} unjudged: "
        f"precision {_pct(precision(total))}"
    )
    out = [
        summary,
        "",
        "Per rule:",
        *table(per_rule, "rule"),
        "",
        "Per project:",
        *table(per_project, "project"),
    ]
    for r in results:
        if r.files_checked == 0:
            out.append(f"!! {r.name}: 0 files checked")
        out.extend(f"!! {r.name}: rule crashed: {e}" for e in r.rule_errors)
        if r.note:
            out.append(f"!! {r.name}: {r.note}")
    return "\n".join(out)


def listing(results: Sequence[ProjectResult], verdict: str) -> str:
    lines = []
    for r in results:
        for f in r.findings:
            if f.verdict == verdict:
                lines.append(f"{r.name} {f.code} {f.path}:{f.line} {f.message}")
                lines.append(f"    -> {f.reason}")
    return "\n".join(lines)


def write_expectations(results: Sequence[ProjectResult]) -> Path:
    """The network test's expectations: every error finding with its verdict."""
    path = corpus.EXPECTED
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    projects = data.get("projects", {})
    files = data.get("files_checked", {})
    for r in results:
        files[r.name] = r.files_checked
        projects[r.name] = [
            {
                "code": f.code,
                "path": f.path,
                "line": f.line,
                "verdict": f.verdict,
                "reason": f.reason,
            }
            for f in sorted(r.findings, key=lambda f: (f.path, f.line, f.code))
        ]
    data = {
        "about": "Written by `python bench/precision.py --write-expectations`; read by "
        "tests/imports/test_real_projects.py. Every error-level finding pkgforge "
        "reports on the corpus, with bench/precision.py's verdict.",
        "written": datetime.now(UTC).strftime("%Y-%m-%d"),
        "files_checked": dict(sorted(files.items())),
        "projects": dict(sorted(projects.items())),
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", help="corpus projects (default: all)")
    parser.add_argument(
        "--corpus",
        choices=sorted(CORPORA),
        default="original",
        help=corpus_help(sorted(CORPORA)),
    )
    parser.add_argument("--jobs", type=int, default=2, help="projects judged at once")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--list-false", action="store_true", help="each false error, to fix")
    parser.add_argument("--list-unjudged", action="store_true", help="each unjudged error")
    parser.add_argument(
        "--list-outside", action="store_true", help="each error in files the wheel does not ship"
    )
    parser.add_argument("--list-confirmed", action="store_true", help="each confirmed error")
    parser.add_argument(
        "--write-expectations",
        action="store_true",
        help=f"rewrite {corpus.EXPECTED.relative_to(ROOT)} for these projects",
    )
    parser.add_argument("--rejudge", action="store_true", help="ignore cached judgments")
    parser.add_argument(
        "--fetch-only",
        action="store_true",
        help="only download the sdists (unpacked) and wheels: check and judge nothing",
    )
    parser.add_argument(
        "--project-env",
        action="store_true",
        help="check each project with its own venv active (VIRTUAL_ENV), as a developer would",
    )
    args = parser.parse_args(argv)
    PINS.clear()
    PINS.update(CORPORA[args.corpus])
    names = args.projects or list(PINS)
    unknown = [n for n in names if n not in PINS]
    if unknown:
        parser.error(f"not in the {args.corpus} corpus: {', '.join(unknown)}")
    if args.write_expectations and args.corpus != "original":
        parser.error("a held-out corpus never becomes a test's expectations")
    if args.fetch_only:
        problems = fetch(names, args.jobs)
        print("\n".join([f"fetched {len(names) - len(problems)} of {len(names)}", *problems]))
        return 1 if problems else 0
    if args.rejudge:
        with contextlib.suppress(FileNotFoundError):
            (PRECISION / "judgments.json").unlink()
    results = run(names, args.jobs, project_env=args.project_env)
    if args.json:
        print(
            json.dumps(
                {
                    "projects": [
                        {**asdict(r), "findings": [asdict(f) for f in r.findings]}
                        for r in results
                    ],
                    "per_rule": {k: dict(v) for k, v in tally(
                        f for r in results for f in r.findings).items()},
                },
                indent=1,
            )
        )  # fmt: skip
    else:
        print(report(results))
    for flag, verdict in (
        (args.list_false, FALSE),
        (args.list_unjudged, UNJUDGED),
        (args.list_outside, OUTSIDE),
        (args.list_confirmed, CONFIRMED),
    ):
        if flag:
            print(f"\n{verdict.capitalize()} errors:\n{listing(results, verdict)}")
    if args.write_expectations:
        print(f"\nwrote {write_expectations(results).relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
