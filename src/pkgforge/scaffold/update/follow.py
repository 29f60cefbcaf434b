"""Which version of a git template ``update`` goes to when no ``--to`` says: a branch
follows its head, a tag follows the newest release tag, a commit stays.

Release tags are ordered as copier orders them (``copier.vcs.get_latest_tag``): every
tag that is a PEP 440 version (``v2``, ``2.0.1``, ``1!3.0``), compared as versions, not
as text (``v10`` is newer than ``v9``); pre-releases are skipped, unless the project
already follows one (then it follows the newest of them all). A tag that is no version
(``stable``) stays what it names now. A project never goes back: when no release tag is
newer than its own, it stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from pkgforge.scaffold.sources import GitRefs

__all__ = ["LATEST", "newest_release", "target_of"]

LATEST = "latest"
"""The target that takes the recorded ref as it is now: a branch's head, a moved tag."""


def target_of(source: str, ref: str | None) -> str:
    """The ``--to`` that ``update`` takes for a git template recorded at ``ref``."""
    if ref is None:
        return LATEST  # the default branch: its head
    from pkgforge.scaffold.sources import git_refs

    refs = git_refs(source)
    if ref in refs.tags and ref not in refs.branches:
        return newest_release(ref, refs) or LATEST
    return LATEST  # a branch's head, or a commit, which stays


def newest_release(tag: str, refs: GitRefs) -> str | None:
    """The newest release tag above ``tag`` in PEP 440 order, or None."""
    current = _version(tag)
    if current is None:
        return None
    releases = [
        (version, name)
        for name in refs.tags
        if (version := _version(name)) is not None
        and (current.is_prerelease or not version.is_prerelease)
    ]
    if not releases:
        return None
    version, name = max(releases)
    return name if version > current else None


def _version(tag: str) -> Version | None:
    try:
        return Version(tag)
    except InvalidVersion:
        return None
