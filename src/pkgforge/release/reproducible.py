"""Reproducible archives: one ``SOURCE_DATE_EPOCH`` per build, and sdists that hold nothing else.

Backends honour ``SOURCE_DATE_EPOCH`` in wheels (setuptools, hatchling and
flit-core all do), so the date is chosen once and handed to them. setuptools
does not honour it in the sdist: its tar members carry the files' mtimes (with
sub-second pax headers), the builder's user and group, and its gzip header the
build time and a file name. :func:`normalize_sdist` rewrites such an archive so
it depends only on the files' content and the chosen date.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pkgforge.errors import BuildError, UsageError

__all__ = ["DEFAULT_EPOCH", "Entry", "SourceDate", "normalize_sdist", "source_date"]

log = logging.getLogger("pkgforge")

DEFAULT_EPOCH = 315532800
"""1980-01-01T00:00:00Z, the earliest time a zip (a wheel) can hold: the date of a
tree with no commit to take one from, so its copies build the same bytes too."""

_FTEXT, _FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 1, 2, 4, 8, 16
# The pax records tarfile writes for long or non-ASCII names; any other record
# (mtime, atime, uid, uname...) carries something of the machine that built it.
_NAME_RECORDS = frozenset({"path", "linkpath"})


@dataclass(frozen=True)
class SourceDate:
    epoch: int
    origin: str
    """Where it came from, for the log: the environment, the last commit, or the default."""


def source_date(root: Path) -> SourceDate:
    """``SOURCE_DATE_EPOCH`` as set, else the last commit that touched ``root``, else 1980.

    Raises :class:`UsageError` when the environment's value is not a whole number
    of seconds (backends would fail on it halfway, or ignore it silently).
    """
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is not None:
        if not given.strip().isdigit():
            raise UsageError(
                f"SOURCE_DATE_EPOCH={given!r} is not a number of seconds since 1970",
                hint="set it to an integer (e.g. $(git log -1 --format=%ct)) or unset it",
            )
        return SourceDate(int(given), "SOURCE_DATE_EPOCH")
    committed = _last_commit_epoch(root)
    if committed is not None:
        return SourceDate(committed, "the last commit")
    return SourceDate(DEFAULT_EPOCH, "no git commit: the fixed date 1980-01-01")


def _last_commit_epoch(root: Path) -> int | None:
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            # The last commit that touched the project (in a monorepo, not the repo's last).
            ["git", "log", "-1", "--format=%ct", "--", "."],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    epoch = done.stdout.strip()
    return int(epoch) if done.returncode == 0 and epoch.isdigit() else None


def normalize_sdist(sdist: Path, epoch: int) -> bool:
    """Make ``sdist`` depend only on its files and ``epoch``; return whether it was rewritten.

    An archive whose backend made it reproducible already (fixed mtimes, no owner,
    normalised modes, a clean gzip header) is left byte for byte as it is, in the
    order its backend chose. Any other is rewritten (to a temporary file, then
    renamed over ``sdist``): members sorted by name, mtime ``epoch``, uid/gid 0,
    no user or group name, modes 0644/0755, a hard link stored as the file it
    links to, and a gzip header with mtime ``epoch`` and no file name. The result
    is read back and must hold exactly the members and contents of the original.
    """
    try:
        if _is_normalized(sdist, epoch):
            return False
        partial = sdist.with_name(f".{sdist.name}.normalizing")
        try:
            before = _rewrite(sdist, partial, epoch)
            after = _contents(partial)
            if after != before:
                raise BuildError(
                    f"normalising {sdist.name} changed its contents",
                    hint="report this to pkgforge; build with SOURCE_DATE_EPOCH unset to compare",
                )
            partial.replace(sdist)
        finally:
            partial.unlink(missing_ok=True)
    except (OSError, EOFError, gzip.BadGzipFile, tarfile.TarError) as err:
        raise BuildError(
            f"cannot normalise {sdist.name} for a reproducible build: {err}",
            hint="the backend built a malformed sdist; check its configuration",
        ) from None
    return True


def _is_normalized(sdist: Path, epoch: int) -> bool:
    with sdist.open("rb") as stream:
        header = stream.read(10)
        if len(header) < 10 or header[:3] != b"\x1f\x8b\x08":
            return False
        flags = header[3]
        if flags & (_FEXTRA | _FCOMMENT) or int.from_bytes(header[4:8], "little") not in (0, epoch):
            return False
        # flit-core names the tar inside: the archive's own name, the same on every machine.
        if flags & _FNAME and _zero_terminated(stream) != sdist.name.removesuffix(".gz").encode():
            return False
    with tarfile.open(sdist, "r:gz") as archive:
        members = archive.getmembers()
        return not archive.pax_headers and all(_member_is_normalized(m, epoch) for m in members)


def _zero_terminated(stream: IO[bytes]) -> bytes:
    data = bytearray()
    while (byte := stream.read(1)) not in (b"", b"\0"):
        data += byte
    return bytes(data)


def _member_is_normalized(member: tarfile.TarInfo, epoch: int) -> bool:
    return (
        member.mtime in (0, epoch)
        and isinstance(member.mtime, int)
        and member.uid == member.gid == 0
        and member.uname == member.gname == ""
        and member.mode == _mode(member)
        and set(member.pax_headers) <= _NAME_RECORDS
        and not member.islnk()
    )


def _mode(member: tarfile.TarInfo) -> int:
    if member.issym():
        return 0o777
    if member.isdir() or member.mode & 0o111:
        return 0o755
    return 0o644


Entry = tuple[str, bytes, str, str]
"""(name, type, link target, sha256) of a member; a hard link counts as the file it names."""


def _rewrite(source: Path, target: Path, epoch: int) -> list[Entry]:
    """Write the normalised ``source`` to ``target``; return the contents of ``source``."""
    entries: list[Entry] = []
    with (
        tarfile.open(source, "r:gz") as archive,
        target.open("wb") as raw,
        # filename="": no name in the header (GzipFile would take it from ``raw``).
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=epoch) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as out,
    ):
        # A stable sort: a name stored twice keeps its order (PF507 still sees both).
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            info = tarfile.TarInfo(member.name)
            info.mtime = epoch
            info.mode = _mode(member)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if member.isfile() or member.islnk():
                data = archive.extractfile(member)
                assert data is not None
                payload = data.read()  # a hard link reads as the file it links to
                info.type = tarfile.REGTYPE
                info.size = len(payload)
                out.addfile(info, io.BytesIO(payload))
                digest = hashlib.sha256(payload).hexdigest()
                entries.append((member.name, tarfile.REGTYPE, "", digest))
                continue
            info.type = member.type
            info.linkname = member.linkname
            info.devmajor, info.devminor = member.devmajor, member.devminor
            out.addfile(info)
            entries.append((member.name, member.type, member.linkname, ""))
    return entries


def _contents(sdist: Path) -> list[Entry]:
    """The :data:`Entry` of every member, sorted by name (stably)."""
    entries: list[Entry] = []
    with tarfile.open(sdist, "r:gz") as archive:
        for member in archive:
            if member.isfile() or member.islnk():
                data = archive.extractfile(member)
                assert data is not None
                digest = hashlib.sha256(data.read()).hexdigest()
                entries.append((member.name, tarfile.REGTYPE, "", digest))
            else:
                entries.append((member.name, member.type, member.linkname, ""))
    return sorted(entries, key=lambda entry: entry[0])
