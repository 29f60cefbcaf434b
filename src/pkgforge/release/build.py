"""``pkgforge build``: check, build with PyPA build, inspect, verify, and only then write
``dist/``.

The order matters. ``check`` runs first; an invalid pyproject.toml (PF501) stops
the build there. Like ``python -m build``, the wheel is built from the unpacked
sdist, so a file the sdist forgot breaks the build here and not on a user's
machine. The artifacts are inspected, and the wheel is verified: imported for
real in a clean environment (:mod:`pkgforge.release.verify`), which settles the
static check's import errors (a module that imports cleanly was a false alarm).
Only then does the build decide: any error left stops it. Without verification
(``verify=False``, or no wheel), a static error stops the build before it starts,
as the static verdict then stands alone.

Everything is built in a temporary directory; the artifacts reach ``dist/`` only
after the build decided to ship, so a failed build leaves ``dist/`` exactly as it
was. The manifest written last names exactly these artifacts for ``pkgforge
publish``, and records what the verification found. Builds are reproducible: see
:mod:`pkgforge.release.reproducible`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.checker.findings import Finding, Severity
from pkgforge.errors import BuildError, CheckFailedError, ProjectNotFoundError, UsageError
from pkgforge.release.manifest import (
    LEGACY_MANIFEST_NAME,
    Artifact,
    Manifest,
    dump_manifest,
    manifest_path,
    prepare_manifest_dir,
    sha256_of,
)
from pkgforge.release.reproducible import normalize_sdist, source_date

if TYPE_CHECKING:
    from pkgforge.checker.archive import Archive
    from pkgforge.checker.model import Project
    from pkgforge.release.backend import BuildSession, ConfigSettings, Installer
    from pkgforge.release.verify.target import Target
    from pkgforge.release.verify.verifier import Verification

__all__ = ["BuildResult", "Timing", "build"]

log = logging.getLogger("pkgforge")

# What PEP 517 says a frontend assumes when pyproject.toml names no backend.
_DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"
_INVALID_PYPROJECT = "PF501"


@dataclass(frozen=True)
class Timing:
    step: str
    seconds: float


@dataclass(frozen=True)
class BuildResult:
    project: str
    """The distribution name from the built metadata."""
    version: str
    outdir: Path
    artifacts: tuple[Path, ...]
    """The files written to ``outdir``: the sdist first, then the wheel."""
    manifest: Path
    findings: tuple[Finding, ...]
    """Warnings and notes from ``check`` and the artifact inspection (no errors)."""
    stale: tuple[Path, ...]
    """Files in ``outdir`` from earlier builds, left alone and not in the manifest."""
    timings: tuple[Timing, ...]
    verification: Verification | None = None
    """What importing the wheel in a clean environment found; None when it did not run
    (``verify=False``, no wheel)."""


def build(
    path: str | os.PathLike[str] = ".",
    *,
    outdir: str | os.PathLike[str] | None = None,
    sdist: bool = True,
    wheel: bool = True,
    isolation: bool = True,
    installer: Installer = "pip",
    config_settings: ConfigSettings | None = None,
    verify: bool = True,
    python: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> BuildResult:
    """Check the project at ``path``, build it, inspect the artifacts, verify the wheel
    (with ``installer``, on ``python`` or pkgforge's own interpreter, ``timeout`` seconds
    per import), record them.

    Raises :class:`CheckFailedError` (with ``findings``) when errors remain (from the
    check, the inspection or the verification), :class:`BuildError` when PyPA build or
    the backend fails; in every failure ``outdir`` is left untouched.
    """
    from pkgforge.release.backend import BuildSession, require_uv

    root = Path(path).resolve()
    backend = _backend_of(root)
    destination = Path(outdir).resolve() if outdir is not None else root / "dist"
    if not (sdist or wheel):
        raise UsageError("nothing to build", hint="build the sdist, the wheel, or both")
    if installer not in ("pip", "uv"):
        raise UsageError(f"unknown installer {installer!r}", hint="use 'pip' or 'uv'")
    if destination.exists() and not destination.is_dir():
        raise UsageError(f"{destination} is not a directory", hint="give --outdir a directory")
    if (isolation or verify) and installer == "uv":
        require_uv()
    verifying = verify and wheel
    interpreter = _verification_target(python) if verifying else None

    epoch = source_date(root)
    log.debug("SOURCE_DATE_EPOCH=%d (%s)", epoch.epoch, epoch.origin)
    timings: list[Timing] = []
    with _timed("check", timings):
        project = _load_project(root)
        static = list(_check_source(project, stop=not verifying))

    with tempfile.TemporaryDirectory(prefix="pkgforge-build-") as scratch_name:
        scratch = Path(scratch_name)
        with BuildSession(
            backend=backend,
            isolation=isolation,
            installer=installer,
            config_settings=config_settings,
            extra_environ={"SOURCE_DATE_EPOCH": str(epoch.epoch)},
        ) as session:
            artifacts = _build_artifacts(
                session, root, scratch, sdist=sdist, wheel=wheel, epoch=epoch.epoch, timings=timings
            )

        with _timed("inspect", timings):
            archives = _inspect(project, artifacts)
            inspected = [f for archive in archives for f in _dist_findings(archive)]
        verification = None
        if verifying:
            with _timed("verify", timings):
                verification = _verify(artifacts[-1], project, installer, interpreter, timeout)
            static = _reconcile(static, project, verification)
        findings = [*static, *inspected, *(verification.findings if verification else ())]
        _decide(static, inspected, verification, destination)
        name, version = _name_and_version(archives)
        with _timed("write", timings):
            stale = _stale_files(destination, artifacts)
            record = _manifest(name, version, artifacts, _record(verification, verify=verify))
            manifest = dump_manifest(scratch / "manifest.json", record)
            # The manifest goes last (beside destination, not in it): it only ever names
            # artifacts already in place.
            staged = [(artifact, destination / artifact.name) for artifact in artifacts]
            *final, manifest = _commit(
                [*staged, (manifest, manifest_path(destination))], destination
            )
            (destination / LEGACY_MANIFEST_NAME).unlink(missing_ok=True)
    for artifact in final:
        log.info("built %s", _display(artifact))
    if stale:
        log.info(
            "%s also holds %d file(s) from earlier builds (%s); they were left alone and "
            "'pkgforge publish' will not upload them",
            _display(destination),
            len(stale),
            ", ".join(p.name for p in stale),
        )
    return BuildResult(
        project=name,
        version=version,
        outdir=destination,
        artifacts=tuple(final),
        manifest=manifest,
        findings=tuple(findings),
        stale=tuple(stale),
        timings=tuple(timings),
        verification=verification,
    )


def _build_artifacts(
    session: BuildSession,
    root: Path,
    scratch: Path,
    *,
    sdist: bool,
    wheel: bool,
    epoch: int,
    timings: list[Timing],
) -> list[Path]:
    """The sdist, then the wheel from the unpacked sdist (or from ``root`` for a wheel only).

    The sdist is normalised before anything reads it: the wheel, the inspection
    and the manifest all see the archive that reaches ``dist/``.
    """
    from pkgforge.release.backend import unpack_sdist

    outdir = scratch / "dist"
    artifacts: list[Path] = []
    if sdist:
        log.info("building the sdist with %s", session.backend)
        with _timed("sdist", timings):
            artifacts.append(session.build("sdist", root, outdir))
        with _timed("normalize", timings):
            # The only sdist format the spec allows (and the only one this can normalise).
            if artifacts[0].name.endswith(".tar.gz") and normalize_sdist(artifacts[0], epoch):
                log.info("normalised the sdist's dates, owners, modes and order (reproducible)")
    if wheel:
        source = unpack_sdist(artifacts[0], scratch / "unpacked") if sdist else root
        log.info("building the wheel from %s", "the sdist" if sdist else root.name)
        with _timed("wheel", timings):
            artifacts.append(session.build("wheel", source, outdir))
    return artifacts


def _manifest(
    name: str, version: str, artifacts: Sequence[Path], verification: dict[str, Any]
) -> Manifest:
    return Manifest(
        project=name,
        version=version,
        artifacts=tuple(
            Artifact(
                filename=path.name,
                kind="wheel" if path.name.endswith(".whl") else "sdist",
                size=path.stat().st_size,
                sha256=sha256_of(path),
            )
            for path in artifacts
        ),
        verification=verification,
    )


@contextlib.contextmanager
def _timed(step: str, timings: list[Timing]) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings.append(Timing(step, time.perf_counter() - start))


def _display(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def _backend_of(root: Path) -> str:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        if (root / "setup.py").is_file():
            return _DEFAULT_BACKEND
        raise ProjectNotFoundError(
            f"no pyproject.toml in {root}",
            hint="run 'pkgforge build' in a project directory, or give its path",
        )
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise BuildError(
            f"cannot read {pyproject}: {err}", hint="fix pyproject.toml and build again"
        ) from None
    system = data.get("build-system")
    backend = system.get("build-backend") if isinstance(system, Mapping) else None
    return backend if isinstance(backend, str) else _DEFAULT_BACKEND


def _check_source(project: Project, *, stop: bool) -> Sequence[Finding]:
    """Run ``pkgforge check`` on the source tree. An invalid pyproject.toml (PF501) stops
    the build before it starts; so does any error when ``stop`` (nothing will verify it)."""
    from pkgforge.checker.engine import check_project

    result = check_project(project)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    blocking = errors if stop else [f for f in errors if f.code == _INVALID_PYPROJECT]
    if blocking:
        raise CheckFailedError(
            f"'pkgforge check' found {len(blocking)} error(s); nothing was built",
            hint="fix them (see 'pkgforge explain CODE') and build again",
            findings=tuple(result.findings),
        )
    return tuple(result.findings)


def _verification_target(python: str | os.PathLike[str] | None) -> Target:
    from pkgforge.release.verify.target import find_target

    return find_target(python)


def _verify(
    wheel: Path,
    project: Project,
    installer: Installer,
    target: Target | None,
    timeout: float | None,
) -> Verification:
    from pkgforge.checker.engine import display_prefix
    from pkgforge.release.verify.verifier import DEFAULT_TIMEOUT, verify_wheel

    log.info("verifying %s: importing it in a clean environment", wheel.name)
    prefix = display_prefix(project.root)
    sources = {f.module: prefix + f.relpath for f in project.files if f.module}
    return verify_wheel(
        wheel,
        installer=installer,
        target=target,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        sources=sources,
    )


def _reconcile(
    static: Sequence[Finding], project: Project, verification: Verification
) -> list[Finding]:
    from pkgforge.release.verify.reconcile import reconcile

    return reconcile(static, project, verification)


def _decide(
    static: Sequence[Finding],
    inspected: Sequence[Finding],
    verification: Verification | None,
    destination: Path,
) -> None:
    """Raise CheckFailedError when an error is left: from the check (unless the verification
    settled it), the inspection or the verification."""
    counts = {
        "'pkgforge check'": _errors(static),
        "the inspection": _errors(inspected),
        "importing the wheel": _errors(verification.findings if verification else ()),
    }
    if not any(counts.values()):
        return
    findings = (*static, *inspected, *(verification.findings if verification else ()))
    if counts["the inspection"] == sum(counts.values()):
        message = f"the built artifacts have {sum(counts.values())} error(s)"
    else:
        said = ", ".join(f"{count} from {where}" for where, count in counts.items() if count)
        message = f"the build has {sum(counts.values())} error(s) ({said})"
    raise CheckFailedError(
        f"{message}; {destination} was not changed",
        hint="fix them (see the findings above and 'pkgforge explain CODE') and build again",
        findings=tuple(findings),
    )


def _errors(findings: Iterable[Finding]) -> int:
    return sum(f.severity is Severity.ERROR for f in findings)


def _record(verification: Verification | None, *, verify: bool) -> dict[str, Any]:
    """What the manifest says of the verification."""
    from pkgforge.release.verify.verifier import verification_record

    if verification is not None:
        return verification_record([verification.record()])
    reason = "built with --no-verify" if not verify else "no wheel was built"
    return {"ran": False, "reason": reason, "wheels": []}


def _inspect(project: Project, artifacts: Sequence[Path]) -> list[Archive]:
    from pkgforge.checker.archive import load_archive

    return [load_archive(artifact, project) for artifact in artifacts]


def _load_project(root: Path) -> Project:
    from pkgforge.checker.engine import load_project

    log.info("checking %s", root.name)
    # No cache: a build must leave the source tree exactly as it found it. The model
    # serves both the check and, after the build, the comparison with the wheel.
    return load_project(root, use_cache=False)


def _dist_findings(archive: Archive) -> list[Finding]:
    """Run the distribution rules the project's ``[tool.pkgforge]`` selects."""
    from pkgforge.checker.engine import Selection
    from pkgforge.checker.rules import load_rules

    selection = Selection()
    if archive.project is not None:
        settings = archive.project.settings
        selection = Selection(settings.select, settings.ignore, settings.per_path_ignores)
    findings: list[Finding] = []
    for rule in load_rules().values():
        if rule.scope == "dist" and selection.enabled(rule.code):
            findings.extend(rule.run(archive))
    return sorted(f for f in findings if not selection.ignored_at(f.code, f.path))


def _name_and_version(archives: Sequence[Archive]) -> tuple[str, str]:
    for archive in archives:
        if archive.name and archive.version:
            return archive.name, archive.version
    raise BuildError(
        "the built artifacts carry no name and version",
        hint="check [project] name and version in pyproject.toml",
    )


def _stale_files(target: Path, artifacts: Sequence[Path]) -> list[Path]:
    if not target.is_dir():
        return []
    # Hidden names are ours (the manifest, partial copies), not earlier artifacts.
    new = {artifact.name for artifact in artifacts}
    return sorted(
        entry
        for entry in target.iterdir()
        if entry.is_file() and entry.name not in new and not entry.name.startswith(".")
    )


def _commit(files: Sequence[tuple[Path, Path]], target: Path) -> list[Path]:
    """Copy every (source, final) file next to its final name, then rename them all into
    place, in order.

    All copying (what can fail: space, permissions) happens before the first
    rename; a failure removes the partial copies (and ``target`` if this call
    created it), so ``dist/`` never holds half a build.
    """
    created = not target.exists()
    staged: list[tuple[Path, Path]] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        prepare_manifest_dir(target)
        for source, final in files:
            partial = final.with_name(f".{final.name}.partial")
            staged.append((partial, final))
            shutil.copyfile(source, partial)
    except OSError as err:
        for partial, _ in staged:
            partial.unlink(missing_ok=True)
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise BuildError(
            f"cannot write the artifacts to {target}: {err}",
            hint="check the permissions and free space of the output directory",
        ) from None
    for partial, final in staged:
        partial.replace(final)
    return [final for _, final in staged]
