"""``pkgforge verify`` and the verification step of ``build``: the wheel imported for real.

For one wheel (:func:`verify_wheel`): read it, check that the interpreter takes
its tags and ``requires-python``, make (or reuse) a throwaway environment with
its declared dependencies (:mod:`.environment`), lay the wheel out beside it,
import every module as the first import and after its top-level package, star-
import the modules with an ``__all__`` and load every entry point
(:func:`pkgforge.checker.importing.plan.import_package`), then judge what failed
(:mod:`pkgforge.checker.importing.judge`) into PF412 findings. What stops a
verification from running (a wheel for another platform, an interpreter that
``requires-python`` excludes, dependencies that do not install) is not a finding:
:attr:`Verification.reason` says it, and a warning is logged.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pkgforge.checker.certainty import severity_for
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.importing.failures import ImportFailure
from pkgforge.checker.importing.interpreter import Interpreter
from pkgforge.checker.importing.judge import Context, Declared, Verdict, judge_run
from pkgforge.checker.importing.plan import ImportRun, Module, import_package
from pkgforge.checker.importing.runner import RunSetup, cpu_count, import_environment
from pkgforge.errors import ManifestError, UsageError
from pkgforge.release.verify.environment import (
    Environment,
    Installer,
    Requirements,
    Unavailable,
    environment,
    select_requirements,
)
from pkgforge.release.verify.target import Target, find_target
from pkgforge.release.verify.wheel import WheelInfo, display_paths, read_wheel, unpack_wheel

__all__ = ["DEFAULT_TIMEOUT", "Verification", "VerifyResult", "verify", "verify_wheel"]

log = logging.getLogger("pkgforge")

DEFAULT_TIMEOUT = 60.0
"""Seconds one import may take before it counts as hanging."""
_CODE, _NAME = "PF412", "import-failed"


@dataclass(frozen=True)
class Verification:
    """What verifying one wheel did."""

    wheel: Path
    ran: bool
    reason: str = ""
    """Why it did not run (``ran`` False): the one warning that says so."""
    findings: tuple[Finding, ...] = ()
    modules: tuple[str, ...] = ()
    """Every module imported."""
    imported_cleanly: frozenset[str] = frozenset()
    """Modules whose every import (first, after the top-level package, star) worked."""
    python: str = ""
    installer: str = ""
    reused: bool = False
    """The environment of an earlier verification with the same dependencies was reused."""
    extras: tuple[str, ...] = ()
    """Extras installed apart to verify the modules that need them (``--extras``)."""
    seconds: float = 0.0
    failed: Mapping[str, Finding] = field(default_factory=dict)
    """Module -> the finding about its failure (a package's finding also stands for the
    submodules its failure breaks)."""
    stopped_at: Mapping[str, int] = field(default_factory=dict)
    """Module -> the line of its own file whose statement failed when it was imported:
    nothing below that line ran."""

    def count(self, severity: Severity) -> int:
        return sum(f.severity is severity for f in self.findings)

    def record(self) -> dict[str, Any]:
        """What the build manifest keeps of it."""
        return {
            "filename": self.wheel.name,
            "ran": self.ran,
            "reason": self.reason,
            "python": self.python,
            "installer": self.installer,
            "modules": len(self.modules),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
        }


@dataclass(frozen=True)
class VerifyResult:
    verifications: tuple[Verification, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for v in self.verifications for f in v.findings)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def verify(
    paths: Sequence[str | os.PathLike[str]] = (),
    *,
    extras: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    python: str | os.PathLike[str] | None = None,
    installer: Installer = "pip",
    jobs: int | None = None,
) -> VerifyResult:
    """Verify wheels as ``build`` does: each of ``paths`` is a wheel, or a folder whose
    build manifest names the wheels (else every wheel in it); none: ``dist``, the last
    build's. A verification of a build's wheels is recorded in its manifest.

    Raises UsageError for a path that holds no wheel or a ``python`` that does not run,
    :class:`~pkgforge.errors.ManifestError` when a manifest disagrees with its files.
    """
    if timeout <= 0:
        raise UsageError(f"--timeout {timeout:g}: not a positive number of seconds")
    if installer not in ("pip", "uv"):
        raise UsageError(f"unknown installer {installer!r}", hint="use 'pip' or 'uv'")
    chosen = _wheels([Path(p) for p in paths] or [Path("dist")])
    target = find_target(python)
    verifications = []
    for wheel, _ in chosen:
        verifications.append(
            verify_wheel(
                wheel, extras=extras, timeout=timeout, target=target, installer=installer, jobs=jobs
            )
        )
    _record(chosen, verifications)
    return VerifyResult(tuple(verifications))


def _wheels(paths: Sequence[Path]) -> list[tuple[Path, Path | None]]:
    """(wheel, the folder whose manifest named it) for each path."""
    from pkgforge.release.manifest import find_manifest, read_manifest

    chosen: list[tuple[Path, Path | None]] = []
    for path in paths:
        if path.is_file():
            if not path.name.endswith(".whl"):
                raise UsageError(
                    f"{path} is not a wheel", hint="verify takes wheels (.whl) or folders of them"
                )
            chosen.append((path.resolve(), None))
        elif path.is_dir():
            if find_manifest(path) is not None:
                manifest = read_manifest(path)
                named = [a.filename for a in manifest.artifacts if a.kind == "wheel"]
                if not named:
                    raise ManifestError(
                        f"the last build in {path} made no wheel",
                        hint="build one ('pkgforge build'), or give the wheels to verify",
                    )
                chosen.extend(((path / name).resolve(), path.resolve()) for name in named)
                continue
            found = sorted(path.glob("*.whl"))
            if not found:
                raise UsageError(
                    f"no wheel in {path}", hint="build one ('pkgforge build'), or give a .whl"
                )
            chosen.extend((wheel.resolve(), None) for wheel in found)
        else:
            hint = (
                "run 'pkgforge build' first" if path == Path("dist") else "give a .whl or a folder"
            )
            raise UsageError(f"{path}: no such file or directory", hint=hint)
    return chosen


def _record(
    chosen: Sequence[tuple[Path, Path | None]], verifications: Sequence[Verification]
) -> None:
    """A verification of the wheels a manifest names goes into that manifest."""
    from pkgforge.release.manifest import read_manifest, write_manifest

    folders = {folder for _, folder in chosen if folder is not None}
    for folder in folders:
        records = [
            v.record()
            for (_, where), v in zip(chosen, verifications, strict=True)
            if where == folder
        ]
        manifest = read_manifest(folder)
        write_manifest(folder, replace(manifest, verification=verification_record(records)))


def verification_record(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    wheels = list(records)
    return {"ran": bool(wheels) and all(w["ran"] for w in wheels), "wheels": wheels}


def verify_wheel(
    wheel: Path,
    *,
    extras: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    python: str | os.PathLike[str] | None = None,
    target: Target | None = None,
    installer: Installer = "pip",
    jobs: int | None = None,
    sources: Mapping[str, str] | None = None,
) -> Verification:
    """Verify one wheel (see the module's documentation). ``sources`` maps module names to
    the source tree's paths, for findings a build reports; ``target`` is the interpreter
    when the caller found it already (else ``python``, else pkgforge's own)."""
    started = time.perf_counter()
    info = read_wheel(wheel)
    target = target or find_target(python)
    why = _cannot_run(info, target)
    if why:
        return _not_run(wheel, why, target, installer)
    requirements = select_requirements(info, target.markers)
    try:
        with tempfile.TemporaryDirectory(prefix="pkgforge-verify-") as scratch_name:
            scratch = Path(scratch_name)
            site = scratch / "site"
            unpack_wheel(info, site)
            with environment(target, requirements.install, installer) as env:
                _compile(env, site)
                setup = _setup(env, site, scratch, info, timeout=timeout, jobs=jobs)
                modules = info.modules(site)
                run = _run(setup, env, target, info, modules)
                context = _context(info, requirements, env, site=site, target=target)
                verdicts = {_key(v.failure): v for v in judge_run(run, context)}
                checked: list[str] = []
                if extras and verdicts:
                    checked = _verify_extras(
                        info,
                        target=target,
                        installer=installer,
                        verdicts=verdicts,
                        modules=modules,
                        site=site,
                        scratch=scratch,
                        timeout=timeout,
                        jobs=jobs,
                    )
    except Unavailable as err:
        return _not_run(wheel, str(err), target, installer)
    shown = display_paths(modules, wheel, sources)
    made = [(_finding(v, shown, wheel), v.failure) for v in verdicts.values()]
    failed: dict[str, Finding] = {}
    for finding, failure in sorted(made, key=lambda pair: pair[1].when == "entry"):
        for name in (failure.module, *failure.breaks):
            failed.setdefault(name, finding)
    findings = tuple(sorted(finding for finding, _ in made))
    stopped_at = {
        v.failure.module: v.failure.line
        for v in verdicts.values()
        if v.failure.when != "star" and v.failure.own_code
    }
    seconds = time.perf_counter() - started
    log.info(
        "verified %s: %d module%s with Python %s (%s), %d finding(s), %.1f s",
        wheel.name,
        len(modules),
        "" if len(modules) == 1 else "s",
        target.version_text,
        "environment reused" if env.reused else f"new environment, {installer}",
        len(findings),
        seconds,
    )
    return Verification(
        wheel,
        True,
        findings=findings,
        modules=run.modules,
        imported_cleanly=run.imported_cleanly,
        python=target.version_text,
        installer=installer,
        reused=env.reused,
        extras=tuple(checked),
        seconds=seconds,
        failed=failed,
        stopped_at=stopped_at,
    )


def _cannot_run(info: WheelInfo, target: Target) -> str:
    """Why ``info`` cannot be verified on ``target`` ('' when it can)."""
    if not info.tags & set(target.tags):
        return (
            f"{info.path.name} is built for {', '.join(sorted(info.tags))}, which Python "
            f"{target.version_text} at {target.executable} does not take; verify it where it runs"
        )
    spec = info.requires_python
    if spec:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            allowed = SpecifierSet(spec).contains(target.version_text, prereleases=True)
        except InvalidSpecifier:
            allowed = True
        if not allowed:
            said = (
                f"{info.path.name} requires Python {spec}, and {target.origin} is Python "
                f"{target.version_text}"
            )
            if target.chosen:
                raise UsageError(said, hint="pass --python with an interpreter it supports")
            return f"{said}: pass --python with an interpreter it supports"
    return ""


def _compile(env: Environment, site: Path) -> None:
    """Byte-compile the wheel's modules once, with the environment's interpreter, as pip
    does when it installs a wheel: each import then loads them instead of compiling them
    again (the children write no bytecode)."""
    import subprocess

    command = [os.fspath(env.python), "-I", "-m", "compileall", "-q", "-j", "0", os.fspath(site)]
    try:
        subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:  # the imports then compile as they go
        log.debug("verify: byte-compiling %s failed: %s", site, err)


def _not_run(wheel: Path, reason: str, target: Target, installer: str) -> Verification:
    log.warning("%s was not verified: %s", wheel.name, reason)
    return Verification(wheel, False, reason, python=target.version_text, installer=installer)


def _setup(
    env: Environment,
    site: Path,
    scratch: Path,
    info: WheelInfo,
    *,
    timeout: float,
    jobs: int | None,
) -> RunSetup:
    home, temp = scratch / "home", scratch / "tmp"
    home.mkdir()
    temp.mkdir()
    return RunSetup(
        executable=env.python,
        environ=import_environment(home, temp),
        sites=(site,),
        report=info.archive.top_level,
        isolated=True,
        timeout=timeout,
        workers=max(1, jobs or cpu_count()),
    )


def _run(
    setup: RunSetup, env: Environment, target: Target, info: WheelInfo, modules: Sequence[Module]
) -> ImportRun:
    interpreter = Interpreter(env.python, target.origin, target.version, None)
    return import_package(setup, interpreter, modules, entry_points=info.entry_points, clean=True)


def _context(
    info: WheelInfo,
    requirements: Requirements,
    env: Environment,
    *,
    site: Path,
    target: Target,
) -> Context:
    from pkgforge.checker.distmap import import_names_of

    names = {m.name for m in info.modules(site)}
    sources = {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 2)}
    sites = (os.fspath(env.site), os.fspath(site))

    def read(relpath: str) -> str | None:
        try:
            return (site / relpath).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def source_of(module: str) -> str | None:
        base = module.replace(".", "/")
        for relpath in (f"{base}.py", f"{base}/__init__.py"):
            found = read(relpath)
            if found is not None:
                return found
        return None

    return Context(
        declared=Declared(
            requirements.required,
            requirements.optional,
            elsewhere=requirements.elsewhere,
        ),
        names_of=lambda dist: import_names_of(dist, sites),
        sources=frozenset(sources),
        script_modules=info.script_modules(),
        read=read,
        source_of=source_of,
        python=target.version_text,
    )


def _key(failure: ImportFailure) -> tuple[str, str]:
    return (failure.module, failure.entry)


def _finding(verdict: Verdict, shown: Mapping[str, str], wheel: Path) -> Finding:
    failure = verdict.failure
    return Finding(
        path=shown.get(failure.relpath, f"{wheel.name}/{failure.relpath}"),
        line=failure.line,
        column=1,
        code=_CODE,
        name=_NAME,
        severity=severity_for(Severity.ERROR, verdict.certainty),
        message=verdict.message,
        module=failure.module,
    )


def _verify_extras(
    info: WheelInfo,
    *,
    target: Target,
    installer: Installer,
    verdicts: dict[tuple[str, str], Verdict],
    modules: Sequence[Module],
    site: Path,
    scratch: Path,
    timeout: float,
    jobs: int | None,
) -> list[str]:
    """Install each extra that a failing module needs, import those modules again with
    it, and put those verdicts in place of the ones without it; return the extras."""
    base = select_requirements(info, target.markers)
    needs: dict[str, set[tuple[str, str]]] = {}
    from pkgforge.checker.distmap import import_names_of

    for key, verdict in verdicts.items():
        top = verdict.failure.missing.partition(".")[0]
        if not (verdict.failure.not_found and top):
            continue
        for dist, where in base.optional.items():
            if top in import_names_of(dist):
                for extra in where:
                    needs.setdefault(extra.removeprefix("extra `").removesuffix("`"), set()).add(
                        key
                    )
    by_name = {m.name: m for m in modules}
    checked = []
    for extra, keys in sorted(needs.items()):
        requirements = select_requirements(info, target.markers, [extra])
        chosen = [by_name[name] for name, entry in keys if not entry and name in by_name]
        points = [p for p in info.entry_points if (p.module, str(p)) in keys]
        wanted = _with_parents(chosen, by_name)
        try:
            with environment(target, requirements.install, installer) as env:
                home = scratch / f"extra-{extra}"
                home.mkdir()
                setup = _setup(env, site, home, info, timeout=timeout, jobs=jobs)
                interpreter = Interpreter(env.python, target.origin, target.version, None)
                run = import_package(setup, interpreter, wanted, entry_points=points, clean=True)
                context = _context(info, requirements, env, site=site, target=target)
                again = {_key(v.failure): v for v in judge_run(run, context)}
        except Unavailable as err:
            log.warning("extra `%s` of %s was not verified: %s", extra, info.path.name, err)
            continue
        log.info("verified %d module(s) that need the extra `%s`", len(keys), extra)
        for key in keys:
            verdicts.pop(key, None)
            if key in again:
                verdicts[key] = again[key]
        checked.append(extra)
    return checked


def _with_parents(chosen: Sequence[Module], by_name: Mapping[str, Module]) -> list[Module]:
    """The modules and their top-level packages (the imports after a top-level package
    need it in the run)."""
    wanted = {m.name: m for m in chosen}
    for module in chosen:
        top = module.name.partition(".")[0]
        if top in by_name:
            wanted.setdefault(top, by_name[top])
    return sorted(wanted.values(), key=lambda m: m.name)
