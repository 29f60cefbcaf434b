"""``publish``: upload exactly the last build's artifacts, then verify them on the index.

The steps, each of which can stop the run before anything is uploaded:

1. read the build manifest and re-hash every artifact it names (never a glob);
2. resolve the upload URL like twine does, refuse plain http off loopback;
3. ask the index's simple API which of the files it already has: an identical
   file is skipped with ``skip_existing`` (twine 6.2+ refuses its own
   ``--skip-existing`` off PyPI, twine#1251), a same-name file with other
   content is always an error;
4. upload the rest with twine (not with ``dry_run``), one file at a time, each
   request with ``timeout`` and none retried (see :mod:`.transport`);
5. verify that the index lists every file with the manifest's sha256.

When an upload fails part-way, the index is asked what arrived, and the error
names the files that are up and the ones that are not; when the index cannot
tell (it stopped answering), the error says which file may or may not be there.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pkgforge.errors import PartialUploadError, ProjectNotFoundError, PublishError, UsageError
from pkgforge.release.credentials import Target, find_credentials, is_loopback, resolve_target
from pkgforge.release.index import IndexFile, SimpleIndex
from pkgforge.release.manifest import Artifact, Manifest, find_manifest, read_manifest
from pkgforge.release.redact import Redactor, redacting
from pkgforge.release.transport import DEFAULT_TIMEOUT, Waiting, check_timeout, host_of
from pkgforge.release.upload import (
    ProgressCallback,
    UploadReport,
    explain,
    preload_twine,
    upload_files,
)

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
    credentials: str | None = None
    """Where twine will find the credentials (a dry run checks that it will)."""

    @property
    def uploaded(self) -> tuple[PublishedFile, ...]:
        return tuple(f for f in self.files if f.action in {"uploaded", "would-upload"})

    @property
    def skipped(self) -> tuple[PublishedFile, ...]:
        return tuple(f for f in self.files if f.action in {"skipped", "would-skip"})


def _warn_if_unverified(manifest: Manifest) -> None:
    """A build whose wheel was not imported in a clean environment may ship a wheel
    whose import fails: say so before uploading it."""
    record = manifest.verification or {}
    if record.get("ran"):
        return
    reasons = [str(w.get("reason")) for w in record.get("wheels", ()) if w.get("reason")]
    why = record.get("reason") or "; ".join(reasons) or "the manifest has no record of it"
    log.warning(
        "uploading a build that was not verified (%s); 'pkgforge verify' imports its wheel "
        "in a clean environment and records the result",
        why,
    )


def publish(
    path: str | os.PathLike[str] = ".",
    *,
    repository: str | None = None,
    repository_url: str | None = None,
    dry_run: bool = False,
    skip_existing: bool = False,
    simple_url: str | None = None,
    config_file: str | None = None,
    timeout: float | None = None,
    progress: ProgressCallback | None = None,
    waiting: Waiting | None = None,
) -> PublishResult:
    """Upload the artifacts of the last build in ``path`` (a project or its dist dir).

    ``simple_url`` overrides the simple API root derived from the upload URL;
    ``config_file`` is the ``.pypirc`` to read (default ``~/.pypirc``).
    ``timeout`` is how many seconds the index may stay silent (connecting, taking
    the next piece of an upload, answering) before that is an error; default
    :data:`~pkgforge.release.transport.DEFAULT_TIMEOUT`. ``progress`` is called
    with (filename, bytes sent, bytes to send) while each file is uploaded; ``waiting``
    with the index's ``host:port`` whenever pkgforge starts waiting on it (the timeout
    starts), and with None when it answered.
    """
    if repository is not None and repository_url is not None:
        raise UsageError(
            "give a repository name or a repository URL, not both",
            hint="--repository reads the URL from .pypirc; --repository-url names it directly",
        )
    try:
        timeout = check_timeout(DEFAULT_TIMEOUT if timeout is None else float(timeout))
    except (TypeError, ValueError) as err:
        raise UsageError(str(err), hint="give --timeout a number of seconds, such as 60") from None
    _require_project_or_build(Path(path))
    # twine loads while the manifest is hashed and the index is asked what it has.
    preloading = None if dry_run else preload_twine()
    outdir = _dist_dir(Path(path))
    manifest = read_manifest(outdir)
    _warn_if_unverified(manifest)
    target = resolve_target(
        repository=repository,
        repository_url=repository_url,
        simple_url=simple_url,
        config_file=config_file,
    )
    redact = Redactor.of([*target.secrets, os.environ.get("TWINE_PASSWORD"), _basic(target)])
    auth = (target.username or "", target.password) if target.password else None
    index = SimpleIndex(
        target.simple_url,
        auth=auth,
        redact=redact,
        ca_cert=target.ca_cert,
        client_cert=target.client_cert,
        timeout=timeout,
        waiting=waiting,
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
                timeout=timeout,
                progress=progress,
                preloading=preloading,
                waiting=waiting,
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
    timeout: float,
    progress: ProgressCallback | None,
    preloading: threading.Thread | None,
    waiting: Waiting | None,
) -> PublishResult:
    with _noting("nothing was uploaded"):
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
        _check_name(manifest.project, target.simple_url)
        credentials = find_credentials(target)
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
        return _result(manifest, target, dry_run=True, files=files, credentials=credentials)

    if todo:
        report = upload_files(
            [outdir / a.filename for a in todo],
            target,
            timeout=timeout,
            redact=redact,
            progress=progress,
            preloading=preloading,
            waiting=waiting,
        )
        if report.failure is not None:
            _fail_upload(manifest, index, todo, report, target=target, timeout=timeout)
    listed = _verify(manifest, index, target, uploaded=[a.filename for a in todo])
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


def _check_name(project: str, simple_url: str) -> None:
    """A dry run says what ``new`` says of the name: PyPI refuses a new project whose
    name is too similar to another's; a name the index has is someone's, maybe yours."""
    from pkgforge.availability import lookup_for

    lookup = lookup_for(project, index_url=simple_url)
    lookup.start()
    verdict = lookup.result()
    if verdict.status == "taken":
        log.info(
            "%s is on %s already: the upload is accepted only if your account may upload to it",
            project,
            verdict.index_url,
        )
    elif verdict.status == "similar" or (verdict.status == "unknown" and not verdict.skipped):
        level = logging.WARNING if verdict.status == "similar" else logging.INFO
        log.log(level, "%s", verdict.message)


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
        with _noting("nothing was uploaded"):
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
    report: UploadReport,
    *,
    target: Target,
    timeout: float,
) -> None:
    """Raise why the upload failed, naming the files that did and did not arrive.

    The index's listing is the truth; when it cannot be read (the index stopped
    answering), what the uploads' answers showed is said, and the file that got
    no answer is said to be unknown. Returns when the index has every file after
    all (only the answer to an upload was lost): the verification decides.
    """
    failure = report.failure
    assert failure is not None
    message, hint = explain(failure, manifest.project, host_of(target.upload_url), timeout)
    try:
        listed: dict[str, IndexFile] | None = index.files(manifest.project)
    except PublishError as err:
        log.debug("the index cannot say what arrived: %s", err)
        listed = None
    names = [a.filename for a in todo]
    if listed is not None:
        hashes = {a.filename: a.sha256 for a in todo}
        up = tuple(n for n in names if n in listed and listed[n].sha256 in {hashes[n], None})
        missing = tuple(n for n in names if n not in up)
        if not missing:
            log.warning("the upload failed (%s), but the index lists every file", message)
            return
        if up:
            raise PartialUploadError(
                f"partial upload: {_join(up)} reached the index, {_join(missing)} did not: "
                f"{message}",
                hint=f"{hint}; then run 'pkgforge publish --skip-existing' to upload the rest"
                if "--skip-existing" not in hint
                else hint,
                uploaded=up,
                missing=missing,
            )
        raise PublishError(f"{message}; nothing was uploaded", hint=hint)

    up = report.uploaded
    unknown = (failure.filename,) if failure.filename and failure.file_may_have_arrived else ()
    missing = tuple(n for n in names if n not in up and n not in unknown)
    said = []
    if up:
        said.append(f"{_join(up)} reached the index")
    if unknown:
        said.append(f"{_join(unknown)} may or may not have reached the index")
    if missing:
        said.append(f"{_join(missing)} {'was' if len(missing) == 1 else 'were'} not sent")
    account = ", ".join(said) if up or unknown else "nothing was uploaded"
    if up:
        raise PartialUploadError(
            f"partial upload: {message}; {account}",
            hint=hint,
            uploaded=up,
            missing=unknown + missing,
        )
    raise PublishError(f"{message}; {account}", hint=hint)


class _noting:  # used like contextlib's lower-case context managers
    """Add what was (not) uploaded to an error of the index raised in the block;
    reusable, as the verification asks the index several times."""

    def __init__(self, note: str, *, hint: str | None = None) -> None:
        self.note = note
        self.hint = hint

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, err: BaseException | None, tb: object) -> Literal[False]:
        if isinstance(err, PublishError) and not isinstance(err, PartialUploadError):
            raise PublishError(f"{err.message}; {self.note}", hint=self.hint or err.hint) from None
        return False


def _join(names: Sequence[str]) -> str:
    return ", ".join(names)


def _verify(
    manifest: Manifest, index: SimpleIndex, target: Target, *, uploaded: Sequence[str]
) -> dict[str, IndexFile]:
    """Wait until the index lists every artifact, then compare sha256s."""
    if uploaded:
        were = "was" if len(uploaded) == 1 else "were"
        silent = _noting(
            f"{_join(uploaded)} {were} uploaded but not verified",
            hint="once the index answers, 'pkgforge publish --skip-existing' verifies every "
            "file and uploads only what is missing",
        )
    else:
        silent = _noting("nothing was uploaded")
    listed: dict[str, IndexFile] = {}
    missing: list[str] = []
    # A CDN in front of a remote index may lag; an index on this machine does not.
    local = is_loopback(urlsplit(target.simple_url).hostname or "")
    for delay in _VERIFY_DELAYS[:1] if local else _VERIFY_DELAYS:
        time.sleep(delay)
        with silent:
            listed = index.files(manifest.project)
        missing = [a.filename for a in manifest.artifacts if a.filename not in listed]
        if not missing:
            break
        log.debug("the index does not list %s yet", ", ".join(missing))
    if missing:
        raise PublishError(
            f"the index accepted the upload but {target.simple_url} does not list "
            f"{', '.join(missing)}",
            hint="if the simple API is not at UPLOAD_URL/simple/, set PKGFORGE_SIMPLE_URL; "
            "otherwise ask the index's admins why the upload was dropped",
        )
    for artifact in manifest.artifacts:
        with silent:
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
    manifest: Manifest,
    target: Target,
    *,
    dry_run: bool,
    files: Sequence[PublishedFile],
    credentials: str | None = None,
) -> PublishResult:
    return PublishResult(
        project=manifest.project,
        version=manifest.version,
        upload_url=target.upload_url,
        simple_url=target.simple_url,
        dry_run=dry_run,
        files=tuple(files),
        credentials=credentials,
    )


def _require_project_or_build(path: Path) -> None:
    """Refuse a path that is neither a project nor a build, as ``build`` refuses it."""
    if path.is_dir() and (
        (path / "pyproject.toml").is_file()
        or (path / "setup.py").is_file()
        or (path / "dist").is_dir()
        or _has_manifest(path)
    ):
        return
    # build's words and exit status (ProjectNotFoundError is a usage error, 2).
    raise ProjectNotFoundError(
        f"no pyproject.toml in {path.resolve()}",
        hint="run 'pkgforge publish' in a built project's directory, or give its path "
        "(or the --outdir of its build)",
    )


def _has_manifest(path: Path) -> bool:
    """Whether ``path`` is the output directory of a build (its manifest is there)."""
    return find_manifest(path) is not None


def _basic(target: Target) -> str | None:
    """The credentials as an ``Authorization: Basic`` header carries them, which an index
    may quote back."""
    if not target.password:
        return None
    pair = f"{target.username or ''}:{target.password}".encode()
    return base64.b64encode(pair).decode("ascii")
