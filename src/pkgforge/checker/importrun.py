"""``check --import``: import every module of the project, each in a fresh interpreter.

This runs the project's code, so it is opt-in. It settles at run time what the
static rules cannot see (dynamic namespaces, compiled modules, import hooks), and
cross-checks them. :mod:`~pkgforge.checker.interpreter` finds the project's
Python; :mod:`~pkgforge.checker.importproc` runs one child per module; this
module chooses the modules and turns what the children saw into
:class:`ImportFailure` records, which PF412 judges.

What the children import: the project's package roots (and any ``package-dir``
mounts) come first on ``sys.path``, so the checked source tree is what runs, not
a copy installed in the environment (an editable install *is* the source tree).
The environment supplies everything else: the dependencies, and compiled or
generated modules that an editable install builds in place.
"""

from __future__ import annotations

import keyword
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pkgforge.checker.importproc import FailureKind, Verdict, cpu_count, import_each
from pkgforge.checker.interpreter import Interpreter
from pkgforge.checker.model import Project, SourceFile

__all__ = [
    "DEFAULT_TIMEOUT",
    "Declared",
    "FailureKind",
    "ImportFailure",
    "ImportRun",
    "declared_distributions",
    "import_check",
    "importable_files",
    "run_imports",
]

log = logging.getLogger("pkgforge")

DEFAULT_TIMEOUT = 60.0
"""Seconds one module's import may take before it counts as hanging."""
# Test suites and pytest's files; not `testing` or `test` (numpy.testing, django.test
# are public API that users import).
_TEST_PARTS = frozenset({"tests", "conftest"})


@dataclass(frozen=True)
class ImportFailure:
    """One module whose import failed, as the child saw it."""

    module: str
    relpath: str
    """The module's own file."""
    kind: FailureKind
    error: str
    """One line: ``ExceptionType: message``, or what happened to the interpreter."""
    exc_type: str = ""
    """The exception's type (``ModuleNotFoundError``; qualified unless a builtin)."""
    import_error: bool = False
    """The exception is an ImportError (or a subclass)."""
    explicit: bool = False
    """An ImportError that code raised itself (``raise ImportError("needs x")``), not
    the import system."""
    missing: str = ""
    """For an ImportError: the module it is about (``ImportError.name``, or its cause's)."""
    not_found: bool = False
    """``missing`` was not found at all (ModuleNotFoundError), not merely lacking a name."""
    line: int = 1
    """The statement of the module's own file that failed (1 when none ran)."""
    own_code: bool = False
    """The failure came through a statement of the module's own file (``line``)."""
    raised_at: tuple[str, int] | None = None
    """(relpath, line) of the innermost frame inside the project."""
    statement: str = ""
    """The source line at ``raised_at``."""
    outside: str = ""
    """``path:line`` of the innermost frame when it is outside the project (a dependency)."""
    breaks: tuple[str, ...] = ()
    """Submodules whose import failed only because this package's did (folded in here)."""


@dataclass(frozen=True)
class ImportRun:
    """What one ``--import`` run did."""

    interpreter: Interpreter
    modules: tuple[str, ...]
    """Every module imported (each in its own interpreter)."""
    failures: tuple[ImportFailure, ...]
    timeout: float


def importable_files(project: Project) -> tuple[SourceFile, ...]:
    """The modules an import run imports: package code that an import statement can name.

    Left out: files outside any package (scripts), ``__main__`` (importing it runs the
    program), test suites (``tests``, ``test_*``) and ``conftest`` (pytest's, not the
    package's), and names no import statement can spell (PF201/PF202 report those; a
    plugin loader or a path loads them).
    """
    chosen = []
    for file in project.files:
        parts = file.module.split(".") if file.module else []
        if not parts or parts[-1] == "__main__":
            continue
        if any(not p.isidentifier() or keyword.iskeyword(p) for p in parts):
            continue
        if any(p in _TEST_PARTS or p.startswith("test_") for p in parts):
            continue
        chosen.append(file)
    return tuple(chosen)


def run_imports(
    project: Project,
    interpreter: Interpreter,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | None = None,
) -> ImportRun:
    """Import each of :func:`importable_files` with ``interpreter``; report the failures."""
    files = importable_files(project)
    if not files:
        log.warning("--import: %s has no importable package modules", project.root)
        return ImportRun(interpreter, (), (), timeout)
    workers = max(1, min(jobs or cpu_count(), len(files)))
    log.info(
        "importing %d modules, each in a fresh interpreter (%d at a time), with Python %s "
        "at %s (%s)",
        len(files),
        workers,
        interpreter.version_text,
        interpreter.executable,
        interpreter.origin,
    )
    verdicts = import_each(
        interpreter.executable,
        [f.module for f in files],
        paths=project.package_roots,
        mounts=_mounts(project),
        timeout=timeout,
        workers=workers,
    )
    by_path = {os.path.realpath(f.path): f.relpath for f in project.files}
    failures = [
        _failure(file, verdict, by_path)
        for file, verdict in zip(files, verdicts, strict=True)
        if verdict is not None
    ]
    return ImportRun(interpreter, tuple(f.module for f in files), _fold(failures, project), timeout)


def _mounts(project: Project) -> dict[str, Path]:
    """Modules and packages that the package roots on sys.path would not find where
    discovery found them (``package-dir = {acme = "lib/acme_src"}``)."""
    where: dict[str, Path] = {d.package: d.path for d in project.directories if d.package}
    for file in project.files:
        if file.module and not file.is_package:
            where.setdefault(file.module, file.path)
    mounts: dict[str, Path] = {}
    for name, path in where.items():
        parent, _, last = name.rpartition(".")
        bases = [where.get(parent)] if parent else list(project.package_roots)
        expected = last if path.is_dir() else f"{last}.py"
        if path.name != expected or not any(b is not None and path.parent == b for b in bases):
            mounts[name] = path
    return mounts


# -- turning verdicts into failures ----------------------------------------------


def _failure(file: SourceFile, verdict: Verdict, by_path: Mapping[str, str]) -> ImportFailure:
    if verdict.kind is not FailureKind.RAISED:
        return ImportFailure(file.module, file.relpath, verdict.kind, verdict.detail)
    record = verdict.record
    exc_type = str(record.get("type", "Exception"))
    message = str(record.get("message", ""))
    text = f"{exc_type}: {message}" if message else exc_type
    frames: list[tuple[str, int, str]] = []
    for entry in record.get("frames", ()):
        if isinstance(entry, list) and len(entry) == 3:
            frames.append((str(entry[0]), int(entry[1] or 0), str(entry[2])))
    syntax = record.get("syntax")
    if isinstance(syntax, list) and len(syntax) == 2 and syntax[0]:
        # A SyntaxError's place is not a frame of the traceback: it is deeper than all.
        frames.append((str(syntax[0]), int(syntax[1] or 0), ""))
    line = 1
    own_code = False
    raised_at: tuple[str, int] | None = None
    statement = ""
    outside = ""
    innermost = True
    for filename, lineno, source in reversed(frames):
        if filename.startswith("<"):
            continue  # importlib's frozen frames, the child's own script
        relpath = by_path.get(os.path.realpath(filename))
        if relpath is None:
            if innermost:
                outside = f"{_display(filename)}:{lineno}"
            innermost = False
            continue
        innermost = False
        if raised_at is None:
            raised_at, statement = (relpath, max(lineno, 1)), source.strip()
        if relpath == file.relpath:
            line, own_code = max(lineno, 1), True
            break
    return ImportFailure(
        file.module,
        file.relpath,
        FailureKind.RAISED,
        text.splitlines()[0][:300] if text.strip() else exc_type,
        exc_type=exc_type,
        import_error=bool(record.get("import_error")),
        explicit=bool(record.get("explicit")),
        missing=str(record.get("missing") or ""),
        not_found=bool(record.get("not_found")),
        line=line,
        own_code=own_code,
        raised_at=raised_at,
        statement=statement,
        outside=outside,
    )


def _display(filename: str) -> str:
    """A dependency's file, shortened to what names it: ``site-packages/yaml/x.py``."""
    normalized = filename.replace(os.sep, "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        _, found, tail = normalized.rpartition(marker)
        if found:
            return f"{marker.strip('/')}/{tail}"
    return filename


def _fold(failures: list[ImportFailure], project: Project) -> tuple[ImportFailure, ...]:
    """A package whose ``__init__`` fails breaks every submodule before their own code
    runs: report that once, on the package, and list the submodules there."""
    packages = {f.module: f for f in project.files if f.is_package}
    by_module = {f.module: f for f in failures}
    folded: dict[str, list[str]] = {}
    kept: list[ImportFailure] = []
    for failure in failures:
        owner = _failed_ancestor(failure, packages, by_module)
        if owner is None:
            kept.append(failure)
        else:
            folded.setdefault(owner, []).append(failure.module)
    return tuple(
        replace(f, breaks=tuple(sorted(folded[f.module]))) if f.module in folded else f
        for f in kept
    )


def _failed_ancestor(
    failure: ImportFailure,
    packages: Mapping[str, SourceFile],
    by_module: Mapping[str, ImportFailure],
) -> str | None:
    if failure.kind is not FailureKind.RAISED or failure.raised_at is None:
        return None
    if failure.own_code:
        return None  # its own code ran: its own finding
    parts = failure.module.split(".")
    for depth in range(1, len(parts)):  # the outermost: the one that is kept
        ancestor = ".".join(parts[:depth])
        package = packages.get(ancestor)
        owner = by_module.get(ancestor)
        if package is None or owner is None or owner.kind is not FailureKind.RAISED:
            continue
        if owner.error == failure.error and owner.raised_at == failure.raised_at:
            return ancestor
    return None


# -- the project's declared distributions ------------------------------------------


@dataclass(frozen=True)
class Declared:
    """The distributions a project declares, as an import run needs them."""

    required: frozenset[str]
    """Canonical names from ``[project].dependencies``."""
    optional: Mapping[str, tuple[str, ...]]
    """Canonical name -> where it is declared (``extra `yaml```, ``group `test```)."""
    dynamic: bool
    """The dependencies (or extras) are computed at build time: not all are known."""

    @property
    def names(self) -> frozenset[str]:
        return self.required | frozenset(self.optional)


def declared_distributions(project: Project) -> Declared:
    """What the project declares (read once by :mod:`pkgforge.checker.declared`, which the
    dependency rules share), as an import run needs it."""
    from pkgforge.checker.declared import declarations_of

    declarations = declarations_of(project)
    required = frozenset(r.name for r in declarations.requirements if r.main)
    optional: dict[str, list[str]] = {}
    for requirement in declarations.requirements:
        if not requirement.main:
            optional.setdefault(requirement.name, []).append(requirement.source)
    return Declared(
        required,
        {name: tuple(where) for name, where in optional.items()},
        declarations.unknown is not None,
    )


def import_check(
    project: Project,
    python: str | os.PathLike[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | None = None,
) -> ImportRun:
    """Find the project's interpreter (see :mod:`pkgforge.checker.interpreter`) and
    import every module with it. Raise UsageError when there is no usable one."""
    from pkgforge.checker.interpreter import find_interpreter

    table = (project.pyproject or {}).get("project")
    name = table.get("name") if isinstance(table, Mapping) else None
    interpreter = find_interpreter(
        project.root,
        python,
        requires_python=project.requires_python,
        project_name=name if isinstance(name, str) else None,
        distributions=declared_distributions(project).names,
    )
    return run_imports(project, interpreter, timeout=timeout, jobs=jobs)
