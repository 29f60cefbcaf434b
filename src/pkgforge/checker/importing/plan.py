"""Which imports prove a package, and what they found: :func:`import_package`.

DESIGN.md ("Proof by running"): every module is imported in a fresh interpreter
as the first import and after its top-level package (for a submodule, one and the
same import: see :func:`import_jobs`); ``from m import *`` runs for each module with
an ``__all__``; every entry point is loaded, never called. The top-level packages'
own imports and the entry points also say which modules an ordinary use reaches
(:attr:`ImportRun.reached`).
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
        "importing %d module%s, each in a fresh interpreter (%d job%s, %d at a time), with "
        "Python %s at %s (%s)",
        len(modules),
        "" if len(modules) == 1 else "s",
        len(jobs),
        "" if len(jobs) == 1 else "s",
        setup.workers,
        interpreter.version_text,
        interpreter.executable,
        interpreter.origin,
    )
    results = run_jobs(setup, jobs, fork=fork)
    return _collect(interpreter, setup, modules, entry_points, results, clean=clean)


def import_jobs(modules: Sequence[Module], entry_points: Sequence[EntryPoint]) -> list[Job]:
    """One job per module, in order (each star-imports its module), then one per entry point.

    A top-level module or package, and a module under a namespace package, is imported
    as the first import, in a child forked from a parent that imported nothing of the
    package. A submodule of a top-level package cannot be imported first without its
    package: ``import a.b.c`` imports ``a``, then ``a.b``, each to completion, and only
    then ``a.b.c``, so its first import and its import after ``a`` are one and the same
    computation. It runs once, forked from a warm parent that imported the module's
    deepest package with enough modules below it to pay for a parent of its own
    (:data:`_OWN_PARENT`): the state the import reaches before ``a.b.c`` runs, whose cost
    the child then does not pay again.
    """
    names = {m.name for m in modules}
    below: dict[str, int] = {}
    for name in names:
        parts = name.split(".")
        for depth in range(1, len(parts)):
            package = ".".join(parts[:depth])
            below[package] = below.get(package, 0) + 1
    jobs = [
        Job(m.name, warm=(_warm_parent(m.name, names, below),), star=True)
        if _after_top(m.name, names)
        else Job(m.name, star=True, report="." not in m.name)
        for m in modules
    ]
    jobs += [Job(e.module, attrs=e.attrs, report=True) for e in entry_points]
    return jobs


_OWN_PARENT = 8
"""Modules below a package from which that package gets a warm parent of its own."""


def _warm_parent(name: str, names: set[str], below: dict[str, int]) -> str:
    parts = name.split(".")
    for depth in range(len(parts) - 1, 1, -1):
        package = ".".join(parts[:depth])
        if package in names and below.get(package, 0) >= _OWN_PARENT:
            return package
    return parts[0]


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
    own = results[: len(modules)]
    entries = list(zip(entry_points, results[len(modules) :], strict=True))
    reached: set[str] = set()
    for result in [*own, *(r for _, r in entries)]:
        if result.job.report and result.status == "done" and result.error is None:
            reached.update(str(n) for n in result.record.get("loaded", ()))
    failures: list[ImportFailure] = []
    clean_modules: set[str] = set()
    for module, result in zip(modules, own, strict=True):
        failure = _failure(module.name, module.relpath, result, by_path, "always")
        if failure is None:
            failure = _star(module, result, by_path)
        if failure is None:
            clean_modules.add(module.name)
        else:
            failures.append(failure)
            if result.job.report:
                # An ordinary use ran every module of the chain up to the failure.
                reached.update(failure.chain)
    by_name = {m.name: m for m in modules}
    for point, result in entries:
        owner = by_name.get(point.module)
        relpath = owner.relpath if owner is not None else point.module
        failure = _failure(point.module, relpath, result, by_path, "entry", entry=str(point))
        if failure is not None:
            failures.append(failure)
            reached.update(failure.chain)
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
