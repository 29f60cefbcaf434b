"""What an import failure proves (DESIGN.md, "Severity", "Reachability", "Which first
imports count", "Proof by running"): one judge for ``check --import``, ``build`` and
``verify``.

A failure is the package's defect (an error, PF412) when the import machinery or
the interpreter raised it for a module or name the package asks for: an import
statement, a star import, a module-level name, an entry point's object. It is
judged by its root cause, and it is an error only where an ordinary use meets it
(the top-level package, a public module, an entry point) and, for a missing
third-party package, only where an ordinary use reaches the module. What code
raises on purpose, or what the environment raises, is a warning with its message;
what pkgforge could not see (a module a build makes) is info.

The two places a run happens differ in one way: a verification's environment
holds exactly the declared dependencies (``clean``), so a missing one proves the
declaration wrong; a project's own environment may simply lack what it declares.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from pkgforge.checker.certainty import Certainty
from pkgforge.checker.distmap import guessed_import_names, is_stdlib
from pkgforge.checker.importing.failures import FailureKind, ImportFailure
from pkgforge.checker.importing.plan import ImportRun
from pkgforge.names import PLATFORM_STDLIB_MODULES, is_public_module

__all__ = ["Context", "Declared", "Verdict", "judge_run", "message_of"]

_LISTED = 5
_BROKEN_LISTED = 30
"""Modules a root cause breaks that its message names (the rest are counted)."""
_ON_PURPOSE = (
    "an ImportError raised on purpose: the module is not for this environment "
    "(a platform, Python version, optional package or configuration it lacks)"
)
_CANNOT_IMPORT = re.compile(
    r"cannot import name '(\w+)' from (?:partially initialized module )?'([\w.]+)'"
)
_MAYBE_BUILT = (
    "{}: if the build makes it (a compiled extension, a generated file), build the project "
    "in place (pip install -e .) and run again"
)
# Folder and file names of test suites (not `testing`: numpy.testing is public API).
_TEST_PARTS = frozenset({"tests", "test", "conftest"})


@dataclass(frozen=True)
class Declared:
    """The distributions a package declares, as a judge needs them."""

    required: frozenset[str]
    """Canonical names of the dependencies every install gets."""
    optional: Mapping[str, tuple[str, ...]]
    """Canonical name -> where it is declared (``extra `yaml```, ``group `test```)."""
    dynamic: bool = False
    """The dependencies (or extras) are computed at build time: not all are known."""
    elsewhere: frozenset[str] = frozenset()
    """Dependencies declared for other platforms or Pythons only (their marker is false
    here), so the environment rightly lacks them."""

    @property
    def names(self) -> frozenset[str]:
        return self.required | frozenset(self.optional) | self.elsewhere


@dataclass(frozen=True)
class Context:
    """What a judge knows of the package, beside the run."""

    declared: Declared
    names_of: Callable[[str], frozenset[str]] = guessed_import_names
    """The import names a distribution provides (installed metadata, else a guess)."""
    sources: frozenset[str] = frozenset()
    """Every module and package the package has (in its source tree or wheel)."""
    unbuilt: tuple[str, ...] = ()
    """Modules without Python source in a source tree (a build may make them)."""
    script_modules: frozenset[str] = frozenset()
    """Modules in folders without ``__init__.py`` below a package (a tool's scripts)."""
    read: Callable[[str], str | None] = lambda relpath: None
    """A file's source by relpath (None when it cannot be read)."""
    source_of: Callable[[str], str | None] = lambda module: None
    """A module's source by its dotted name (None when it cannot be read)."""
    absent: tuple[str, ...] | None = ()
    """Declared distributions the environment lacks (None: it cannot tell)."""
    has_project_table: bool = True
    """The package declares its dependencies (``[project]``, or core metadata)."""
    python: str = ""
    """The interpreter's version, for messages."""
    may_be_built: Callable[[str, str], bool] = lambda package, name: False
    """``from package import name`` may find a submodule the build makes (a source tree
    whose package neither has nor binds ``name``)."""


@dataclass(frozen=True)
class Verdict:
    failure: ImportFailure
    certainty: Certainty
    why: str

    @property
    def message(self) -> str:
        return message_of(self.failure, self.why)


def judge_run(run: ImportRun, context: Context) -> Iterator[Verdict]:
    """A verdict for each failure of ``run``. Failures with one root cause (the same
    exception raised at the same place) are reported once, on the module whose own code
    raised it, with the imports it breaks, unless one of them is judged more severely:
    that one is reported on its own, with the chain of imports that reached the root."""
    judge = _Judge(run, context)
    verdicts = [Verdict(f, *judge(f)) for f in run.failures]
    roots: dict[tuple[str, tuple[str, int]], Verdict] = {}
    for verdict in verdicts:
        failure = verdict.failure
        key = _root_key(failure)
        if key is not None and failure.own_code and key[1][0] == failure.relpath:
            roots.setdefault(key, verdict)
    folded: dict[int, list[ImportFailure]] = {}
    kept: list[Verdict] = []
    for verdict in verdicts:
        key = _root_key(verdict.failure)
        root = roots.get(key) if key is not None else None
        if root is None or root is verdict or verdict.certainty > root.certainty:
            kept.append(verdict)
        else:
            folded.setdefault(id(root), []).append(verdict.failure)
    for verdict in kept:
        extra = folded.get(id(verdict))
        if not extra:
            yield verdict
            continue
        # What the folded failures broke, the root breaks too.
        failure = verdict.failure
        breaks = {
            *failure.breaks,
            *(f.module for f in extra),
            *(b for f in extra for b in f.breaks),
        }
        entries = dict.fromkeys([*failure.entries, *(e for f in extra for e in f.entries)])
        folded_in = replace(failure, breaks=tuple(sorted(breaks)), entries=tuple(entries))
        yield replace(verdict, failure=folded_in)


def _root_key(failure: ImportFailure) -> tuple[str, tuple[str, int]] | None:
    if failure.kind is not FailureKind.RAISED or failure.raised_at is None:
        return None
    if failure.when == "entry":
        return None
    return (failure.error, failure.raised_at)


def message_of(failure: ImportFailure, why: str) -> str:
    text = f"{failure.subject} fails: {failure.error}"
    places = []
    if failure.outside:
        places.append(f"raised in {failure.outside}")
    if failure.raised_at is not None and failure.raised_at[0] != failure.relpath:
        where = f"{failure.raised_at[0]}:{failure.raised_at[1]}"
        places.append(f"via {where}" if failure.outside else f"raised at {where}")
    if len(failure.chain) > 1:
        places.append("imports: " + " -> ".join(failure.chain))
    if places:
        text += f" ({'; '.join(places)})"
    if why:
        text += f"; {why}"
    if failure.breaks:
        shown = ", ".join(failure.breaks[:_BROKEN_LISTED])
        extra = len(failure.breaks) - _BROKEN_LISTED
        more = f" and {extra} more" if extra > 0 else ""
        count = len(failure.breaks)
        text += f"; so does the import of {count} module{'s' * (count != 1)}: {shown}{more}"
    if failure.entries:
        points = ", ".join(f"`{e}`" for e in failure.entries)
        text += f"; so does the load of the entry point{'s' * (len(failure.entries) != 1)} {points}"
    return text


class _Judge:
    def __init__(self, run: ImportRun, context: Context) -> None:
        self.run = run
        self.context = context
        self.own = frozenset(run.tops) | {s.partition(".")[0] for s in context.sources}

    def __call__(self, failure: ImportFailure) -> tuple[Certainty, str]:
        if failure.kind is FailureKind.TIMEOUT:
            return Certainty.SOME_PATHS, "it hangs, or is slower than the timeout"
        unbuilt = self._unbuilt_in(failure)
        if unbuilt is not None:
            return Certainty.UNSEEN, _MAYBE_BUILT.format(
                f"`{unbuilt}` has no Python source in the tree (type stubs or a bare directory)"
            )
        certainty, why = self._cause(failure)
        if certainty is not Certainty.PROVEN:
            return certainty, why
        ordinary = self._no_ordinary_use(failure)
        if ordinary:
            return Certainty.SOME_PATHS, _joined(ordinary, why)
        platform = _platform_specific(failure)
        if platform:
            return Certainty.SOME_PATHS, _joined(
                f"{platform}: a failure on this platform proves none on the others", why
            )
        return certainty, why

    # -- the root cause ---------------------------------------------------------------

    def _cause(self, failure: ImportFailure) -> tuple[Certainty, str]:
        if failure.kind is FailureKind.CRASHED:
            return Certainty.SOME_PATHS, (
                "the interpreter ended while importing it (the module exits on purpose, or "
                "crashes on this platform); not an import the machinery refused"
            )
        if not failure.machinery:
            return self._on_purpose(failure)
        if failure.import_error and failure.missing:
            return self._missing_module(failure)
        if "NameError" in failure.bases:
            guarded = self._guarded_import(failure)
            if guarded:
                return Certainty.SOME_PATHS, (
                    f"an optional integration: `{failure.unbound}` is bound by a guarded "
                    f"import of `{guarded}`, which failed here"
                )
        return Certainty.PROVEN, ""

    def _on_purpose(self, failure: ImportFailure) -> tuple[Certainty, str]:
        if failure.import_error:
            why = _ON_PURPOSE
            if failure.missing and failure.not_found:
                _, said = self._missing_module(failure)
                if said:
                    why += f" ({said})"
            return Certainty.SOME_PATHS, why
        if "SystemExit" in failure.bases:
            return Certainty.SOME_PATHS, "it exits on purpose when imported"
        return Certainty.SOME_PATHS, (
            "raised by code on purpose or by its environment (settings, a display, a "
            "service), not by the import machinery"
        )

    def _missing_module(self, failure: ImportFailure) -> tuple[Certainty, str]:
        missing = failure.missing
        top = missing.partition(".")[0]
        if top in self.own:
            return self._first_party(failure, missing)
        if is_stdlib(top):
            return self._stdlib(failure, top)
        if failure.outside:
            return Certainty.SOME_PATHS, (
                "an installed distribution's own import failed: the environment is "
                "incomplete or inconsistent"
            )
        sibling = self._sibling(failure, top)
        if sibling:
            return Certainty.PROVEN, (
                f"`{top}` is the sibling module `{sibling}`, which `import {top}` finds only "
                f"in Python 2 (an implicit relative import): write `from . import {top}`"
            )
        provider = self._provider(top)
        if provider is not None:
            return provider
        if not failure.not_found:
            if self.run.clean:
                return Certainty.PROVEN, (
                    f"the `{top}` that the declared requirements install lacks it: a lower "
                    "bound on that dependency is missing or wrong"
                )
            return Certainty.SOME_PATHS, (
                f"the installed `{top}` lacks it: a lower bound on that dependency may be missing"
            )
        return self._undeclared(failure, top)

    def _first_party(self, failure: ImportFailure, missing: str) -> tuple[Certainty, str]:
        if failure.not_found:
            if not self._in_source(missing):
                if self.run.clean:
                    return Certainty.PROVEN, f"the wheel does not ship `{missing}`"
                return Certainty.UNSEEN, _MAYBE_BUILT.format(
                    f"`{missing}` is not in the source tree"
                )
            if failure.module == missing or failure.module.startswith(f"{missing}."):
                # Discovery found it where the import system did not look: a package
                # installed in the environment shadows it, or the layout is unusual.
                return Certainty.SOME_PATHS, (
                    f"the import system does not find `{missing}` where the package has it "
                    "(an installed package of that name shadows it?)"
                )
            return Certainty.PROVEN, ""
        found = _CANNOT_IMPORT.match(failure.error.partition(": ")[2])
        if found is None or found.group(2) != missing:
            return Certainty.PROVEN, ""
        name = found.group(1)
        source = self.context.source_of(missing)
        looked_for = {n.partition(".")[0] for n in failure.looked_for}
        guarded = _guarded_binding(source, name, looked_for) if source is not None else ""
        if guarded:
            return Certainty.SOME_PATHS, (
                f"an optional integration: `{missing}` binds `{name}` only when its guarded "
                f"import of `{guarded}` works, and it failed here"
            )
        if not self.run.clean and self._maybe_built(missing, name):
            return Certainty.UNSEEN, _MAYBE_BUILT.format(
                f"`{missing}.{name}` is neither in the source tree nor bound in `{missing}`"
            )
        if (
            self.run.clean
            and f"{missing}.{name}" not in self.context.sources
            and not self._binds(missing, name)
        ):
            # `from . import _utils` names a submodule or a name; Python's message says
            # "partially initialized module" either way.
            return Certainty.PROVEN, f"`{missing}` has no module or name `{name}`"
        return Certainty.PROVEN, ""

    def _binds(self, package: str, name: str) -> bool:
        """Whether ``package``'s ``__init__`` binds ``name`` anywhere (True when unreadable)."""
        relpath = package.replace(".", "/") + "/__init__.py"
        source = self.context.read(relpath)
        if source is None:
            return True
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return True
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound = {node.name}
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound = {node.id}
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = {a.asname or a.name.partition(".")[0] for a in node.names}
            else:
                continue
            if name in bound:
                return True
        return "__getattr__" in source

    def _stdlib(self, failure: ImportFailure, top: str) -> tuple[Certainty, str]:
        if not failure.not_found:
            return Certainty.PROVEN, ""
        python = self.context.python or self.run.interpreter.version_text
        if top in PLATFORM_STDLIB_MODULES:
            return Certainty.SOME_PATHS, (
                f"`{top}` is a standard-library module of another platform: platform-specific"
            )
        if top.startswith("_") or failure.outside:
            return Certainty.SOME_PATHS, (
                f"this Python ({python}) was built without the standard-library module `{top}`"
            )
        return Certainty.PROVEN, f"Python {python} has no standard-library module `{top}`"

    def _provider(self, top: str) -> tuple[Certainty, str] | None:
        """Why a missing module that a declared distribution provides is missing."""
        declared = self.context.declared
        for dist in sorted(declared.elsewhere):
            if top in self.context.names_of(dist):
                return Certainty.SOME_PATHS, (
                    f"`{top}` comes from {dist}, which the package declares for other "
                    "platforms or Pythons only: platform-specific"
                )
        for dist in sorted(declared.required):
            if top in self.context.names_of(dist):
                if self.run.clean:
                    return Certainty.SOME_PATHS, (
                        f"`{top}` comes from the declared dependency {dist}, which did not "
                        "provide it once installed: the environment is inconsistent"
                    )
                return Certainty.SOME_PATHS, (
                    f"`{top}` comes from the declared dependency {dist}, which this "
                    "environment lacks: install the project's dependencies into it"
                )
        for dist, where in sorted(declared.optional.items()):
            if top in self.context.names_of(dist):
                return Certainty.SOME_PATHS, (
                    f"`{top}` comes from {dist} ({', '.join(where)}), which this environment "
                    "lacks: the module fails without it"
                )
        return None

    def _undeclared(self, failure: ImportFailure, top: str) -> tuple[Certainty, str]:
        context = self.context
        if not context.has_project_table:
            return Certainty.SOME_PATHS, (
                f"`{top}` is not installed here, and the project declares no dependencies"
            )
        if context.declared.dynamic:
            return Certainty.SOME_PATHS, (
                f"no declared dependency provides `{top}` as far as pkgforge can tell "
                "(the dependencies are dynamic)"
            )
        if context.absent is None:
            return Certainty.SOME_PATHS, (
                f"`{top}` may come from a declared distribution under another name "
                "(this Python cannot list what is installed)"
            )
        if context.absent:
            names = ", ".join(context.absent[:_LISTED]) + (
                ", ..." if len(context.absent) > _LISTED else ""
            )
            return Certainty.SOME_PATHS, (
                f"`{top}` may come from a declared distribution that this environment lacks "
                f"({names})"
            )
        host = _plugin_host(failure, top)
        if host:
            return Certainty.SOME_PATHS, host
        reached = self._reached(failure)
        if not reached:
            return Certainty.SOME_PATHS, (
                f"an optional integration: no declared dependency provides `{top}`, and "
                f"nothing the package imports on its own reaches `{failure.module}`; "
                f"declare the distribution that provides `{top}` as an extra"
            )
        return Certainty.PROVEN, f"no declared dependency provides `{top}` ({reached})"

    # -- where ordinary use meets it --------------------------------------------------

    def _reached(self, failure: ImportFailure) -> str:
        """How an ordinary use reaches the failing module ('' when none does)."""
        if failure.when == "entry":
            return "an entry point loads it"
        top = failure.module.partition(".")[0]
        if failure.module == top:
            return "it is the top-level package"
        if failure.module in self.run.reached:
            return f"`import {top}` reaches it"
        if failure.entries:
            return f"the entry point `{failure.entries[0]}` loads it"
        for point in self.run.entry_points:
            if point.module == failure.module:
                return f"the entry point `{point}` reaches it"
        return ""

    def _no_ordinary_use(self, failure: ImportFailure) -> str:
        """Why no ordinary use meets this failure ('' when one does)."""
        if failure.when == "entry":
            return ""
        parts = failure.relpath.removesuffix(".py").split("/")
        last = parts[-1]
        if (
            any(p in _TEST_PARTS for p in parts)
            or last.startswith("test_")
            or last.endswith("_test")
        ):
            return "a test-suite module: it runs under its test runner, not on its own"
        if failure.module in self.context.script_modules:
            return (
                "a script in a folder without `__init__.py`: it runs in its tool's "
                "context, not on its own"
            )
        if not is_public_module(failure.module):
            private = next(p for p in failure.module.split(".")[1:] if p.startswith("_"))
            return f"no ordinary use imports `{failure.module}` on its own (`{private}` is private)"
        return ""

    # -- helpers ----------------------------------------------------------------------

    def _guarded_import(self, failure: ImportFailure) -> str:
        """The module a guarded import (``try: import x except ImportError``) would have
        bound ``failure.unbound`` from, when that import failed here."""
        if not failure.unbound or failure.raised_at is None:
            return ""
        source = self.context.read(failure.raised_at[0])
        if source is None:
            return ""
        missing = {name.partition(".")[0] for name in failure.looked_for}
        return _guarded_binding(source, failure.unbound, missing)

    def _sibling(self, failure: ImportFailure, top: str) -> str:
        """The package's own module that a missing top-level ``top`` names, beside the
        module whose import statement asked for it ('' when there is none)."""
        if not failure.not_found or failure.missing != top or not failure.raised_in:
            return ""
        module = failure.raised_in
        in_init = failure.raised_at is not None and failure.raised_at[0].endswith("__init__.py")
        package = module if in_init else module.rpartition(".")[0]
        sibling = f"{package}.{top}" if package else ""
        if sibling not in self.context.sources:
            return ""
        # A module named for the library it wraps (backends/redis.py: `import redis`)
        # means that library, not itself; so does a sibling that imports the library.
        source = self.context.source_of(sibling)
        if source is None or _imports_top_level(source, top):
            return ""
        return sibling

    def _unbuilt_in(self, failure: ImportFailure) -> str | None:
        for name in self.context.unbuilt:
            if failure.missing == name or failure.missing.startswith(f"{name}."):
                return name
            if f"'{name}'" in failure.error or f"'{name}." in failure.error:
                return name
        return None

    def _in_source(self, module: str) -> bool:
        return module in self.context.sources

    def _maybe_built(self, package: str, name: str) -> bool:
        return self.context.may_be_built(package, name)


def _joined(first: str, second: str) -> str:
    return f"{first} ({second})" if second else first


def _guarded_binding(source: str, name: str, missing: set[str]) -> str:
    """The guarded import (``try: import x`` / ``except ImportError``) that failed here
    (its top-level module is in ``missing``) and whose ``try`` body or ``else`` clause
    binds ``name``: its module ('' when there is none)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try) or not any(
            _catches_import_error(h) for h in node.handlers
        ):
            continue
        guarded = [m for s in node.body for inner in ast.walk(s) for m in _imported(inner)]
        failed = [m for m in guarded if m.partition(".")[0] in missing]
        if failed and any(
            name in _bound_names(inner)
            for statement in (*node.body, *node.orelse)
            for inner in ast.walk(statement)
        ):
            return failed[0]
    return ""


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module]
    return []


def _bound_names(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {a.asname or a.name.partition(".")[0] for a in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return {node.id}
    return set()


def _imports_top_level(source: str, top: str) -> bool:
    """Whether ``source`` has an absolute import of the top-level module ``top``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return True  # cannot tell: assume it does
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            a.name.partition(".")[0] == top for a in node.names
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and not node.level
            and (node.module or "").partition(".")[0] == top
        ):
            return True
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in caught for t in types)


def _plugin_host(failure: ImportFailure, top: str) -> str:
    """Entry points of another tool's plugin group (``pytest11``, ``sphinx.builders``)
    that need that tool: the tool loads them, so the tool is there. Every entry point
    that loads the module must be one (a console script that needs it is no plugin)."""
    entries = [failure.entry] if failure.when == "entry" else list(failure.entries)
    groups = {entry.partition(":")[0].strip() for entry in entries if entry}
    if not groups or not all(_hosted_by(group, top) for group in groups):
        return ""
    shown = ", ".join(f"`{g}`" for g in sorted(groups))
    return f"a plugin of {top} (entry-point group {shown}): only {top} loads it"


def _hosted_by(group: str, top: str) -> bool:
    if group in ("console_scripts", "gui_scripts"):
        return False
    head = re.split(r"[.\-_]", group)[0].rstrip("0123456789").lower()
    return bool(head) and top.lower().lstrip("_").startswith(head)


# Words that name a platform in a module name (`_winconsole`, `backends/macOS`).
# fmt: off
_PLATFORM_WORDS = frozenset({
    "win", "win32", "win64", "windows", "winreg", "winapi", "nt", "msvc", "macos", "mac",
    "darwin", "osx", "cocoa", "appkit", "ios", "android", "emscripten", "pyodide", "wasm",
    "wasi", "linux", "posix", "unix", "cygwin", "java", "jython", "ironpython",
})
# fmt: on
_WIN_PREFIXES = ("win32", "win64", "winapi", "wincon", "winterm")
_PLATFORM_TEST = re.compile(
    r"\b(?:sys\.platform|os\.name|platform\.(?:system|machine|mac_ver|win32_ver)|"
    r"sys\.getwindowsversion|sys\.implementation|sys\.version_info)\b"
)


def _platform_specific(failure: ImportFailure) -> str:
    """Why the failure may hold on this platform only ('' when nothing says so)."""
    if _PLATFORM_TEST.search(failure.statement):
        return f"the failing statement tests the platform or Python (`{failure.statement}`)"
    places: Sequence[str] = [
        failure.module.replace(".", "/"),
        failure.raised_at[0] if failure.raised_at else "",
    ]
    for place in places:
        for part in place.removesuffix(".py").split("/"):
            words = part.lower().strip("_").split("_")
            if any(w in _PLATFORM_WORDS or w.startswith(_WIN_PREFIXES) for w in words):
                return f"`{part}` looks platform-specific"
    return ""
