"""``publish``: upload exactly the last build's artifacts, then verify them on the index.

The steps, each of which can stop the run before anything is uploaded:

1. read the build manifest and re-hash every artifact it names (never a glob);
2. resolve the upload URL like twine does, refuse plain http off loopback;
3. ask the index's simple API which of the files it already has: an identical
   file is skipped with ``skip_existing`` (twine 6.2+ refuses its own
   ``--skip-existing`` off PyPI, twine#1251), a same-name file with other
   content is always an error;
4. upload the rest with twine in a subprocess (not with ``dry_run``);
5. verify that the index lists every file with the manifest's sha256.

When twine fails part-way, the index is asked what arrived, and the error
names the files that are up and the ones that are not.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pkgforge.errors import PartialUploadError, PublishError, UsageError
from pkgforge.release.credentials import Target, is_loopback, resolve_target
from pkgforge.release.index import IndexFile, SimpleIndex
from pkgforge.release.manifest import Artifact, Manifest, find_manifest, read_manifest
from pkgforge.release.redact import Redactor, redacting
from pkgforge.release.upload import IndexFailure, explain, run_twine

__all__ = ["PublishResult", "PublishedFile", "publish"]

log = logging.getLogger("pkgforge")

Action = Literal["uploaded", "skipped", "would-upload", "would-skip"]

# An index may list a new file a moment after accepting it (PyPI's CDN).
_VERIFY_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class PublishedFile:
    filename: str
    sha256: str
    action: Action
    url: str | None
    """Where the index serves the file (None in a dry run for files not yet there)."""


@dataclass(frozen=True)
class PublishResult:
    project: str
    version: str
    upload_url: str
    simple_url: str
    dry_run: bool
    files: tuple[PublishedFile, ...]

    @property
    def uploaded(self) -> tuple[PublishedFile, ...]:
        return tuple(f for f in self.files if f.action in {"uploaded", "would-upload"})

    @property
    def skipped(self) -> tuple[PublishedFile, ...]:
        return tuple(f for f in self.files if f.action in {"skipped", "would-skip"})


def publish(
    path: str | os.PathLike[str] = ".",
    *,
    repository: str | None = None,
    repository_url: str | None = None,
    dry_run: bool = False,
    skip_existing: bool = False,
    simple_url: str | None = None,
    config_file: str | None = None,
) -> PublishResult:
    """Upload the artifacts of the last build in ``path`` (a project or its dist dir).

    ``simple_url`` overrides the simple API root derived from the upload URL;
    ``config_file`` is the ``.pypirc`` to read (default ``~/.pypirc``).
    """
    if repository is not None and repository_url is not None:
        raise UsageError(
            "give a repository name or a repository URL, not both",
            hint="--repository reads the URL from .pypirc; --repository-url names it directly",
        )
    outdir = _dist_dir(Path(path))
    manifest = read_manifest(outdir)
    target = resolve_target(
        repository=repository,
        repository_url=repository_url,
        simple_url=simple_url,
        config_file=config_file,
    )
    redact = Redactor.of([*target.secrets, os.environ.get("TWINE_PASSWORD")])
    auth = (target.username or "", target.password) if target.password else None
    index = SimpleIndex(
        target.simple_url,
        auth=auth,
        redact=redact,
        ca_cert=target.ca_cert,
        client_cert=target.client_cert,
    )
    with redacting(log, redact):
        log.info(
            "publishing %s %s (%d files) to %s",
            manifest.project,
            manifest.version,
            len(manifest.artifacts),
            target.upload_url,
        )
        try:
            return _publish(
                manifest,
                outdir,
                target,
                index,
                redact=redact,
                dry_run=dry_run,
                skip_existing=skip_existing,
            )
        finally:
            index.close()


def _dist_dir(path: Path) -> Path:
    """``path`` itself when a manifest records it, ``path/dist`` for a project."""
    if find_manifest(path) is not None:
        return path
    if (path / "pyproject.toml").is_file() or (path / "dist").is_dir():
        return path / "dist"
    return path


def _publish(
    manifest: Manifest,
    outdir: Path,
    target: Target,
    index: SimpleIndex,
    *,
    redact: Redactor,
    dry_run: bool,
    skip_existing: bool,
) -> PublishResult:
    existing = index.files(manifest.project)
    present = _present(manifest.artifacts, existing, index, target)
    if present and not skip_existing:
        names = ", ".join(a.filename for a in present)
        raise PublishError(
            f"the index at {target.simple_url} already has {names} of {manifest.project} "
            f"{manifest.version}",
            hint="an index never replaces a file: bump the version and run 'pkgforge build', "
            "or pass --skip-existing to upload only what is missing",
        )
    todo = [a for a in manifest.artifacts if a not in present]
    for artifact in present:
        log.info("skipping %s: the index has it with the same sha256", artifact.filename)

    if dry_run:
        files = [
            PublishedFile(
                a.filename,
                a.sha256,
                "would-skip" if a in present else "would-upload",
                existing[a.filename].url if a in present else None,
            )
            for a in manifest.artifacts
        ]
        log.info("dry run: nothing uploaded")
        return _result(manifest, target, dry_run=True, files=files)

    if todo:
        run = run_twine([outdir / a.filename for a in todo], target, redact)
        if run.returncode != 0:
            _fail_upload(manifest, index, todo, run.failure)
    listed = _verify(manifest, index, target)
    files = [
        PublishedFile(
            a.filename,
            a.sha256,
            "skipped" if a in present else "uploaded",
            listed[a.filename].url,
        )
        for a in manifest.artifacts
    ]
    return _result(manifest, target, dry_run=False, files=files)


def _present(
    artifacts: Sequence[Artifact],
    existing: dict[str, IndexFile],
    index: SimpleIndex,
    target: Target,
) -> list[Artifact]:
    """The artifacts the index already has; a same-name file with other content is an error."""
    present = []
    for artifact in artifacts:
        remote = existing.get(artifact.filename)
        if remote is None:
            continue
        remote_sha = index.sha256(remote)
        if remote_sha != artifact.sha256:
            raise PublishError(
                f"the index at {target.simple_url} already has {artifact.filename} with other "
                f"content (sha256 {remote_sha[:12]}… there, {artifact.sha256[:12]}… here)",
                hint="an index never lets a file be replaced: bump the version, run "
                "'pkgforge build', and publish again",
            )
        present.append(artifact)
    return present


def _fail_upload(
    manifest: Manifest,
    index: SimpleIndex,
    todo: Sequence[Artifact],
    failure: IndexFailure | None,
) -> None:
    """Raise the index's answer, naming the files that did and did not arrive."""
    failure = failure or IndexFailure(None, "", "twine failed", None)
    message, hint = explain(failure, manifest.project)
    try:
        listed = index.files(manifest.project)
    except PublishError:
        listed = {}
    up = tuple(
        a.filename
        for a in todo
        if a.filename in listed and listed[a.filename].sha256 in {a.sha256, None}
    )
    missing = tuple(a.filename for a in todo if a.filename not in up)
    if not missing:
        # twine failed after the last upload (a timeout on the response, say):
        # every file is there, and _verify will compare the hashes.
        log.warning("twine failed (%s), but the index lists every file", message)
        return
    if up:
        raise PartialUploadError(
            f"partial upload: {', '.join(up)} reached the index, {', '.join(missing)} did not: "
            f"{message}",
            hint=f"{hint}; then run 'pkgforge publish --skip-existing' to upload the rest",
            uploaded=up,
            missing=missing,
        )
    raise PublishError(message, hint=hint)


def _verify(manifest: Manifest, index: SimpleIndex, target: Target) -> dict[str, IndexFile]:
    """Wait until the index lists every artifact, then compare sha256s."""
    listed: dict[str, IndexFile] = {}
    missing: list[str] = []
    # A CDN in front of a remote index may lag; an index on this machine does not.
    local = is_loopback(urlsplit(target.simple_url).hostname or "")
    for delay in _VERIFY_DELAYS[:1] if local else _VERIFY_DELAYS:
        time.sleep(delay)
        listed = index.files(manifest.project)
        missing = [a.filename for a in manifest.artifacts if a.filename not in listed]
        if not missing:
            break
        log.debug("the index does not list %s yet", ", ".join(missing))
    if missing:
        raise PublishError(
            f"twine reported success but {target.simple_url} does not list {', '.join(missing)}",
            hint="if the simple API is not at UPLOAD_URL/simple/, set PKGFORGE_SIMPLE_URL; "
            "otherwise ask the index's admins why the upload was dropped",
        )
    for artifact in manifest.artifacts:
        remote_sha = index.sha256(listed[artifact.filename])
        if remote_sha != artifact.sha256:
            raise PublishError(
                f"the index serves {artifact.filename} with sha256 {remote_sha[:12]}…, "
                f"not the {artifact.sha256[:12]}… that was built",
                hint="the index holds a different file under this name: bump the version, "
                "rebuild and publish again",
            )
    log.info("verified %d files on %s", len(manifest.artifacts), target.simple_url)
    return listed


def _result(
    manifest: Manifest, target: Target, *, dry_run: bool, files: Sequence[PublishedFile]
) -> PublishResult:
    return PublishResult(
        project=manifest.project,
        version=manifest.version,
        upload_url=target.upload_url,
        simple_url=target.simple_url,
        dry_run=dry_run,
        files=tuple(files),
    )
