"""Which imports prove a package, and what they found: :func:`import_package`.

DESIGN.md ("Proof by running"): every module is imported in a fresh interpreter
twice, once as the first import and once after its top-level package;
``from m import *`` runs for each module with an ``__all__``; every entry point
is loaded, never called. The top-level packages' own imports and the entry
points also say which modules an ordinary use reaches (:attr:`ImportRun.reached`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pkgforge.checker.importing.failures import FailureKind, ImportFailure, When, describe, fold
from pkgforge.checker.importing.interpreter import Interpreter
from pkgforge.checker.importing.runner import Job, JobResult, RunSetup, run_jobs

__all__ = ["EntryPoint", "ImportRun", "Module", "import_package"]

log = logging.getLogger("pkgforge")


@dataclass(frozen=True)
class Module:
    """A module the run imports."""

    name: str
    relpath: str
    """Its file, as findings name it."""
    path: Path | None = None
    """Its file on disk, where the child will find it (None: not known here)."""
    is_package: bool = False


@dataclass(frozen=True)
class EntryPoint:
    group: str
    name: str
    value: str
    """``module:object.attribute`` (an extras list in brackets is dropped)."""

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    @property
    def attrs(self) -> tuple[str, ...]:
        attrs = self.value.partition(":")[2].partition("[")[0].strip()
        return tuple(a.strip() for a in attrs.split(".")) if attrs else ()

    def __str__(self) -> str:
        return f"{self.group}: {self.name} = {self.value}"


@dataclass(frozen=True)
class ImportRun:
    """What one run imported and what failed."""

    interpreter: Interpreter
    modules: tuple[str, ...]
    """Every module imported (each in fresh interpreters)."""
    failures: tuple[ImportFailure, ...]
    timeout: float
    entry_points: tuple[EntryPoint, ...] = ()
    reached: frozenset[str] = frozenset()
    """The package's modules that an ordinary use imports: a top-level package's import,
    an entry point's load."""
    clean: bool = False
    """The environment holds exactly the package's declared dependencies (a
    verification), not a project's own environment."""
    tops: tuple[str, ...] = ()
    """The package's top-level names."""
    imported_cleanly: frozenset[str] = frozenset()
    """Modules whose every import (first, after the top-level, star) worked."""


def import_package(
    setup: RunSetup,
    interpreter: Interpreter,
    modules: Sequence[Module],
    *,
    entry_points: Sequence[EntryPoint] = (),
    clean: bool = False,
    fork: bool | None = None,
) -> ImportRun:
    """Import every module as the first import and after its top-level package, star-import
    it, load every entry point; report what failed (see :func:`import_jobs`)."""
    entry_points = [e for e in entry_points if e.module]
    jobs = import_jobs(modules, entry_points)
    log.info(
        "importing %d module%s, each in a fresh interpreter (%d jobs, %d at a time), with "
        "Python %s at %s (%s)",
        len(modules),
        "" if len(modules) == 1 else "s",
        len(jobs),
        setup.workers,
        interpreter.version_text,
        interpreter.executable,
        interpreter.origin,
    )
    results = run_jobs(setup, jobs, fork=fork)
    return _collect(interpreter, setup, modules, entry_points, results, clean=clean)


def import_jobs(modules: Sequence[Module], entry_points: Sequence[EntryPoint]) -> list[Job]:
    """Each module as the first import (star-importing the top-level ones), then each
    submodule after its top-level package (star-importing it), then the entry points."""
    names = {m.name for m in modules}
    jobs = [Job(m.name, star="." not in m.name, report="." not in m.name) for m in modules]
    jobs += [
        Job(m.name, warm=(_top(m.name),), star=True) for m in modules if _after_top(m.name, names)
    ]
    jobs += [Job(e.module, attrs=e.attrs, report=True) for e in entry_points]
    return jobs


def _top(name: str) -> str:
    return name.partition(".")[0]


def _after_top(name: str, names: set[str]) -> bool:
    return "." in name and _top(name) in names


def _collect(
    interpreter: Interpreter,
    setup: RunSetup,
    modules: Sequence[Module],
    entry_points: Sequence[EntryPoint],
    results: Sequence[JobResult],
    *,
    clean: bool,
) -> ImportRun:
    by_path = {os.path.realpath(m.path): (m.relpath, m.name) for m in modules if m.path is not None}
    names = {m.name for m in modules}
    firsts = results[: len(modules)]
    rest = iter(results[len(modules) :])
    after = {m.name: next(rest) for m in modules if _after_top(m.name, names)}
    entries = list(zip(entry_points, rest, strict=True))
    reached: set[str] = set()
    for result in [*firsts, *(r for _, r in entries)]:
        if result.job.report and result.status == "done" and result.error is None:
            reached.update(str(n) for n in result.record.get("loaded", ()))
    failures: list[ImportFailure] = []
    clean_modules: set[str] = set()
    for module, first in zip(modules, firsts, strict=True):
        failure = _module_failure(module, first, after.get(module.name), by_path)
        if failure is None:
            clean_modules.add(module.name)
        else:
            failures.append(failure)
    by_name = {m.name: m for m in modules}
    for point, result in entries:
        owner = by_name.get(point.module)
        relpath = owner.relpath if owner is not None else point.module
        failure = _failure(point.module, relpath, result, by_path, "entry", entry=str(point))
        if failure is not None:
            failures.append(failure)
    packages = frozenset(m.name for m in modules if m.is_package)
    # A wheel is laid out in a temporary folder: its path says nothing to the reader.
    hidden = [os.fspath(site) + os.sep for site in setup.sites]
    failures = [
        replace(f, error=_without(f.error, hidden)) if any(h in f.error for h in hidden) else f
        for f in failures
    ]
    return ImportRun(
        interpreter,
        tuple(m.name for m in modules),
        fold(failures, packages),
        setup.timeout,
        tuple(entry_points),
        frozenset(reached),
        clean,
        tuple(sorted({_top(m.name) for m in modules})),
        frozenset(clean_modules),
    )


def _module_failure(
    module: Module,
    first: JobResult,
    after: JobResult | None,
    by_path: dict[str, tuple[str, str]],
) -> ImportFailure | None:
    """One module's failure: after its top-level package (what every user sees), else as
    the first import only, else at ``from m import *``."""
    if after is not None and after.status != "skipped":
        failure = _failure(module.name, module.relpath, after, by_path, "always")
        if failure is not None:
            return failure
        only_first = _failure(module.name, module.relpath, first, by_path, "first")
        return only_first if only_first is not None else _star(module, after, by_path)
    failure = _failure(module.name, module.relpath, first, by_path, "always")
    return failure if failure is not None else _star(module, first, by_path)


def _star(
    module: Module, result: JobResult, by_path: dict[str, tuple[str, str]]
) -> ImportFailure | None:
    star = result.record.get("star") if result.status == "done" else None
    if not isinstance(star, dict):
        return None
    return describe(
        module.name,
        module.relpath,
        star,
        by_path,
        when="star",
        looked_for=_looked_for(result),
    )


def _failure(
    name: str,
    relpath: str,
    result: JobResult,
    by_path: dict[str, tuple[str, str]],
    when: When,
    *,
    entry: str = "",
) -> ImportFailure | None:
    if result.status == "timeout":
        return ImportFailure(
            name, relpath, FailureKind.TIMEOUT, result.detail, when=when, entry=entry
        )
    if result.status == "crashed":
        return ImportFailure(
            name, relpath, FailureKind.CRASHED, result.detail, when=when, entry=entry
        )
    if result.status == "skipped":
        return None
    error = result.error
    if error is None:
        return None
    return describe(
        name, relpath, error, by_path, when=when, looked_for=_looked_for(result), entry=entry
    )


def _looked_for(result: JobResult) -> tuple[str, ...]:
    return tuple(str(n) for n in result.record.get("not_found", ()) or ())


def _without(text: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        text = text.replace(prefix, "")
    return text
