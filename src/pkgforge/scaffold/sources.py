"""Where a template comes from: a built-in name, a folder, a git repository, or a zip file.

:func:`open_template` yields the template folder (the one that holds
cookiecutter.json) and the exact version it is at. Git repositories and zip
files are fetched by cookiecutter's own repository support
(``cookiecutter.repository.determine_repo_dir``, which clones with
``cookiecutter.vcs`` and unpacks with ``cookiecutter.zipfile``) into a
temporary folder that is removed on exit, whatever happens. That machinery
(and ``requests``, which it loads) is imported only for those sources, so
``new`` from a built-in template stays fast.

Versions: a built-in template's ``_template_version``; a git commit SHA (from
``git rev-parse HEAD`` in the clone); ``sha256:<hex>`` for a folder or zip
(:func:`pkgforge.scaffold.digest.content_digest` of the template folder).
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.errors import TemplateError, UsageError
from pkgforge.scaffold.templates import builtin_templates, is_builtin_name

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "KINDS",
    "GitRefs",
    "OpenedTemplate",
    "SourceSpec",
    "classify",
    "git_refs",
    "open_template",
]

log = logging.getLogger("pkgforge")

KINDS = ("builtin", "folder", "git", "zip")

# cookiecutter's own test for a repository URL (git://, ssh://, file://, https://, user@host),
# copied so that telling sources apart does not import its repository machinery.
_REPO_URL = re.compile(r"((((git|hg)\+)?(git|ssh|file|https?):(//)?)|(\w+@[\w\.]+))")
_ABBREVIATIONS = ("gh:", "gl:", "bb:")


@dataclass(frozen=True)
class SourceSpec:
    """A ``--template`` value, classified."""

    kind: str
    """One of :data:`KINDS`."""
    source: str
    """What is recorded: the built-in name, an absolute local path, or the URL as given."""


@dataclass(frozen=True)
class OpenedTemplate:
    """A template folder, ready to render, and the exact version it holds."""

    path: Path
    """The folder with cookiecutter.json (inside ``--directory`` when given)."""
    kind: str
    source: str
    version: str
    ref: str | None
    directory: str | None


def classify(template: str | os.PathLike[str], *, checkout: str | None = None) -> SourceSpec:
    """Tell what kind of source ``template`` is, without fetching anything."""
    text = os.fspath(template)
    if is_builtin_name(template):
        return SourceSpec("builtin", text)
    local = Path(text).expanduser()
    if local.exists():
        if local.is_file():
            if local.suffix.lower() == ".zip":
                return SourceSpec("zip", str(local.resolve()))
            raise TemplateError(
                f"{text!r} is a file, not a template folder, git repository or zip file",
                hint="give a cookiecutter template folder, a git repository or a .zip",
            )
        if (local / ".git").exists():
            return SourceSpec("git", str(local.resolve()))
        return SourceSpec("folder", str(local.resolve()))
    if _looks_remote(text):
        return SourceSpec("zip" if text.lower().endswith(".zip") else "git", text)
    if isinstance(template, str) and "/" not in text and "\\" not in text and checkout is None:
        raise TemplateError(
            f"there is no built-in template called {text!r}",
            hint=f"choose one of {', '.join(builtin_templates())}, or give a path or a git URL",
        )
    if text.lower().endswith(".zip"):
        raise TemplateError(f"zip file {text!r} does not exist", hint="check the path")
    raise TemplateError(
        f"template folder {text!r} does not exist",
        hint="give a cookiecutter template folder, a git repository URL, a .zip, or one of "
        f"{', '.join(builtin_templates())}",
    )


def _looks_remote(text: str) -> bool:
    return text.startswith(_ABBREVIATIONS) or bool(_REPO_URL.match(text))


@contextmanager
def open_template(
    template: str | os.PathLike[str],
    *,
    checkout: str | None = None,
    directory: str | None = None,
    pin: str | None = None,
    kind: str | None = None,
) -> Iterator[OpenedTemplate]:
    """The template folder of ``template``, with its exact version.

    ``checkout`` is the git ref to use (None: the default branch); ``directory``
    the folder inside the repository, zip or folder that holds cookiecutter.json.
    ``pin`` asks for one exact version: a built-in version, a git commit (checked
    out instead of ``checkout``, which is still recorded), or the digest a folder
    or zip must still have. ``kind`` skips the classification (for a recorded state).
    """
    spec = SourceSpec(kind, os.fspath(template)) if kind else classify(template, checkout=checkout)
    if checkout is not None and spec.kind != "git":
        raise UsageError(
            f"--checkout needs a git repository; {spec.source!r} is a {spec.kind} template",
            hint="drop --checkout, or give the template's git repository",
        )
    if spec.kind == "builtin":
        if directory:
            raise UsageError(
                f"--directory does not apply to the built-in template {spec.source!r}",
                hint="drop --directory",
            )
        from pkgforge.scaffold.update.history import builtin_at

        with builtin_at(spec.source, pin) as (folder, version):
            yield OpenedTemplate(folder, "builtin", spec.source, version, None, None)
    elif spec.kind == "folder":
        folder = _template_folder(Path(spec.source), directory, spec.source)
        yield OpenedTemplate(
            folder, "folder", spec.source, _pinned_digest(folder, pin, spec), None, directory
        )
    elif spec.kind == "git":
        with _cloned(spec.source, checkout=pin or checkout, directory=directory) as (folder, sha):
            yield OpenedTemplate(folder, "git", spec.source, sha, checkout, directory)
    elif spec.kind == "zip":
        with _unzipped(spec.source, directory=directory) as folder:
            yield OpenedTemplate(
                folder, "zip", spec.source, _pinned_digest(folder, pin, spec), None, directory
            )
    else:
        raise TemplateError(f"unknown template kind {spec.kind!r}")


def _template_folder(root: Path, directory: str | None, source: str) -> Path:
    folder = root / directory if directory else root
    if not folder.is_dir():
        raise TemplateError(
            f"template folder {str(folder)!r} does not exist", hint="check --directory"
        )
    if not (folder / "cookiecutter.json").is_file():
        where = f" in {directory!r}" if directory else ""
        raise TemplateError(
            f"{source!r} is not a cookiecutter template: it has no cookiecutter.json{where}",
            hint="a template folder holds cookiecutter.json and a '{{cookiecutter.…}}' folder",
        )
    return folder.resolve()


def _pinned_digest(folder: Path, pin: str | None, spec: SourceSpec) -> str:
    from pkgforge.scaffold.digest import content_digest

    digest = content_digest(folder)
    if pin is not None and pin != digest:
        raise TemplateError(
            f"the {spec.kind} template {spec.source!r} changed since the project recorded it "
            f"({pin[:19]}…, now {digest[:19]}…): its recorded version cannot be rendered",
            hint="a folder or zip keeps no history; use a git repository for templates "
            "you want to update from",
        )
    return digest


@contextmanager
def _scratch() -> Iterator[Path]:
    """A temporary folder for a clone or an unpacked zip, removed on exit whatever happens."""
    import shutil

    scratch = Path(tempfile.mkdtemp(prefix="pkgforge-template-"))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _fetching_into(scratch: Path) -> Iterator[None]:
    """Around cookiecutter's fetch: its temporary folders go into ``scratch``, its logs nowhere.

    cookiecutter.zipfile unpacks into ``tempfile.mkdtemp()``, which nothing would
    remove, and cookiecutter.vcs logs a failed clone with a traceback that
    pkgforge reports in one line instead.
    """
    loggers = [logging.getLogger(f"cookiecutter.{name}") for name in ("vcs", "zipfile")]
    saved_disabled, saved_tempdir = [lg.disabled for lg in loggers], tempfile.tempdir
    for logger in loggers:
        logger.disabled = True
    tempfile.tempdir = str(scratch)
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, saved_disabled, strict=True):
            logger.disabled = disabled
        tempfile.tempdir = saved_tempdir


def _git_url(source: str) -> str:
    """The URL for cookiecutter's clone: local repositories as file:// URLs, git+ made explicit."""
    from cookiecutter.config import BUILTIN_ABBREVIATIONS
    from cookiecutter.repository import expand_abbreviations

    if not _looks_remote(source):
        return "git+" + Path(source).as_uri()
    url: str = expand_abbreviations(source, BUILTIN_ABBREVIATIONS)
    if url.startswith("hg+"):
        raise TemplateError(
            f"{source!r} is a Mercurial repository; pkgforge takes git repositories",
            hint="give a git repository, a folder or a zip",
        )
    # cookiecutter guesses the VCS from "git" in the URL; a file:// or plain https:// URL
    # without it must say so.
    if not url.startswith("git+") and "git" not in url:
        url = "git+" + url
    return url


@contextmanager
def _cloned(
    source: str, *, checkout: str | None, directory: str | None
) -> Iterator[tuple[Path, str]]:
    """Clone ``source`` at ``checkout`` with cookiecutter; yield the template folder and commit."""
    from cookiecutter.exceptions import (
        RepositoryCloneFailed,
        RepositoryNotFound,
        UnknownRepoType,
        VCSNotInstalled,
    )

    url = _git_url(source)
    with _scratch() as scratch:
        log.info("Cloning %s%s", source, f" at {checkout}" if checkout else "")
        try:
            repo_dir = _fetch(url, scratch, checkout=checkout, directory=directory)
        except VCSNotInstalled as err:
            raise TemplateError(
                f"git is not installed; it is needed for the template {source!r}",
                hint="install git, or use a template folder or zip file",
            ) from err
        except RepositoryCloneFailed as err:
            raise TemplateError(
                f"{source!r} has no branch, tag or commit {checkout!r}",
                hint="check --checkout",
            ) from err
        except RepositoryNotFound as err:
            if any(scratch.iterdir()):
                where = f" in {directory!r}" if directory else ""
                raise TemplateError(
                    f"{source!r} is not a cookiecutter template: it has no cookiecutter.json"
                    f"{where}",
                    hint="check --directory" if directory else "check the repository",
                ) from err
            raise _clone_failed(source, str(err)) from err
        except UnknownRepoType as err:
            raise TemplateError(
                f"{source!r} is not a git repository URL", hint="write it like gh:owner/repo"
            ) from err
        except subprocess.CalledProcessError as err:
            output = err.output.decode(errors="replace") if isinstance(err.output, bytes) else ""
            raise _clone_failed(source, output) from err
        except OSError as err:
            raise _clone_failed(source, str(err)) from err
        folder = Path(repo_dir).resolve()
        commit = _head_commit(folder, source)
        if not _looks_remote(source):
            _warn_if_dirty(Path(source), commit)
        yield folder, commit


@dataclass(frozen=True)
class GitRefs:
    """The branches and tags of a git repository, by name."""

    branches: frozenset[str]
    tags: frozenset[str]


def git_refs(source: str) -> GitRefs:
    """The branches and tags of the git template ``source`` (``git ls-remote``: nothing is
    cloned). git never prompts: a repository that wants credentials fails at once."""
    url = _git_url(source).removeprefix("git+")
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true"}
    try:
        listed = subprocess.run(
            ["git", "ls-remote", "--heads", "--tags", "--refs", "--", url],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as err:
        raise TemplateError(
            f"git is not installed; it is needed for the template {source!r}",
            hint="install git, or use a template folder or zip file",
        ) from err
    except subprocess.CalledProcessError as err:
        raise _clone_failed(source, err.stderr or "") from err
    except subprocess.TimeoutExpired as err:
        raise _clone_failed(source, "fatal: no answer within 120 s") from err
    branches, tags = set(), set()
    for line in listed.stdout.splitlines():
        ref = line.partition("\t")[2]
        if ref.startswith("refs/heads/"):
            branches.add(ref.removeprefix("refs/heads/"))
        elif ref.startswith("refs/tags/"):
            tags.add(ref.removeprefix("refs/tags/"))
    return GitRefs(frozenset(branches), frozenset(tags))


def _clone_failed(source: str, output: str) -> TemplateError:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    reason = next((line for line in lines if line.startswith("fatal:")), None)
    reason = reason or (lines[-1] if lines else "unknown error")
    return TemplateError(
        f"git could not clone {source!r}: {reason}",
        hint="check the URL, your network and your access to the repository",
    )


def _head_commit(folder: Path, source: str) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as err:
        raise TemplateError(f"cannot read the commit of the clone of {source!r}: {err}") from err
    return out.stdout.strip()


def _warn_if_dirty(repo: Path, commit: str) -> None:
    """A local repository renders from its commits: say so when its work tree differs."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return
    if out.stdout.strip():
        log.warning(
            "%s has uncommitted changes; the template comes from commit %s without them",
            repo,
            commit[:12],
        )


def _fetch(template: str, scratch: Path, *, checkout: str | None, directory: str | None) -> str:
    """cookiecutter's own clone or unpack of ``template`` into ``scratch``; its template folder."""
    from cookiecutter.repository import determine_repo_dir

    with _fetching_into(scratch):
        repo_dir, _ = determine_repo_dir(
            template=template,
            abbreviations={},
            clone_to_dir=scratch,
            checkout=checkout,
            no_input=True,
            directory=directory,
        )
    return str(repo_dir)


@contextmanager
def _unzipped(source: str, *, directory: str | None) -> Iterator[Path]:
    """Unpack the zip ``source`` with cookiecutter; yield the template folder."""
    from cookiecutter.exceptions import InvalidZipRepository, RepositoryNotFound

    if not _looks_remote(source) and not Path(source).is_file():
        raise TemplateError(f"zip file {source!r} does not exist", hint="check the path")
    with _scratch() as scratch:
        try:
            repo_dir = _fetch(source, scratch, checkout=None, directory=directory)
        except InvalidZipRepository as err:
            raise TemplateError(
                f"{source!r} is not a usable zip template: {str(err).rstrip(':')}",
                hint="a zip template holds one top-level folder with cookiecutter.json",
            ) from err
        except RepositoryNotFound as err:
            where = f" in {directory!r}" if directory else ""
            raise TemplateError(
                f"{source!r} is not a cookiecutter template: it has no cookiecutter.json{where}",
                hint="a zip template holds one top-level folder with cookiecutter.json",
            ) from err
        except OSError as err:
            raise TemplateError(f"cannot unpack {source!r}: {err}") from err
        yield Path(repo_dir).resolve()
