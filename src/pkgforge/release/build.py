"""``pkgforge build``: check, build with PyPA build, inspect, and only then write ``dist/``.

The order matters. ``check`` runs first and a project with error-level findings
is not built. Like ``python -m build``, the wheel is built from the unpacked
sdist, so a file the sdist forgot breaks the build here and not on a user's
machine. Everything is built in a temporary directory; the artifacts reach
``dist/`` only after both builds succeeded and their inspection found no
error, so a failed build leaves ``dist/`` exactly as it was. The manifest
written last names exactly these artifacts for ``pkgforge publish``. Builds are
reproducible: see :mod:`pkgforge.release.reproducible`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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

__all__ = ["BuildResult", "Timing", "build"]

log = logging.getLogger("pkgforge")

# What PEP 517 says a frontend assumes when pyproject.toml names no backend.
_DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"


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


def build(
    path: str | os.PathLike[str] = ".",
    *,
    outdir: str | os.PathLike[str] | None = None,
    sdist: bool = True,
    wheel: bool = True,
    isolation: bool = True,
    installer: Installer = "pip",
    config_settings: ConfigSettings | None = None,
) -> BuildResult:
    """Check the project at ``path``, build it, inspect the artifacts, record them.

    Raises :class:`CheckFailedError` (with ``findings``) when the project or the
    artifacts have error-level findings, :class:`BuildError` when PyPA build or
    the backend fails; in every failure ``outdir`` is left untouched.
    """
    from pkgforge.release.backend import BuildSession, require_uv

    root = Path(path).resolve()
    backend = _backend_of(root)
    target = Path(outdir).resolve() if outdir is not None else root / "dist"
    if not (sdist or wheel):
        raise UsageError("nothing to build", hint="build the sdist, the wheel, or both")
    if installer not in ("pip", "uv"):
        raise UsageError(f"unknown installer {installer!r}", hint="use 'pip' or 'uv'")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is not a directory", hint="give --outdir a directory")
    if isolation and installer == "uv":
        require_uv()

    epoch = source_date(root)
    log.debug("SOURCE_DATE_EPOCH=%d (%s)", epoch.epoch, epoch.origin)
    timings: list[Timing] = []
    with _timed("check", timings):
        project = _load_project(root)
        findings = list(_check_source(project))

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
        findings.extend(inspected)
        errors = [f for f in inspected if f.severity is Severity.ERROR]
        if errors:
            raise CheckFailedError(
                f"the built artifacts have {len(errors)} error(s); {target} was not changed",
                hint="fix the packaging configuration (see the findings above) and build again",
                findings=tuple(findings),
            )
        name, version = _name_and_version(archives)
        with _timed("write", timings):
            stale = _stale_files(target, artifacts)
            manifest = dump_manifest(scratch / "manifest.json", _manifest(name, version, artifacts))
            # The manifest goes last (beside target, not in it): it only ever names
            # artifacts already in place.
            staged = [(artifact, target / artifact.name) for artifact in artifacts]
            *final, manifest = _commit([*staged, (manifest, manifest_path(target))], target)
            (target / LEGACY_MANIFEST_NAME).unlink(missing_ok=True)
    for artifact in final:
        log.info("built %s", _display(artifact))
    if stale:
        log.info(
            "%s also holds %d file(s) from earlier builds (%s); they were left alone and "
            "'pkgforge publish' will not upload them",
            _display(target),
            len(stale),
            ", ".join(p.name for p in stale),
        )
    return BuildResult(
        project=name,
        version=version,
        outdir=target,
        artifacts=tuple(final),
        manifest=manifest,
        findings=tuple(findings),
        stale=tuple(stale),
        timings=tuple(timings),
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


def _manifest(name: str, version: str, artifacts: Sequence[Path]) -> Manifest:
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


def _check_source(project: Project) -> Sequence[Finding]:
    """Run ``pkgforge check`` on the source tree; stop on an error-level finding."""
    from pkgforge.checker.engine import check_project

    result = check_project(project)
    if result.has_errors:
        errors = sum(f.severity is Severity.ERROR for f in result.findings)
        raise CheckFailedError(
            f"'pkgforge check' found {errors} error(s); nothing was built",
            hint="fix them (see 'pkgforge explain CODE') and build again",
            findings=tuple(result.findings),
        )
    return tuple(result.findings)


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
