"""What is inside a wheel or an sdist: the model the distribution rules read.

:func:`load_archive` opens the archive once, lists every member (duplicates
kept, since a path stored twice is itself a finding) and parses the core
metadata with :mod:`packaging.metadata`, the parser twine uses. The rules in
:mod:`pkgforge.checker.rules.dist` never open the file again.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from pkgforge.errors import ArchiveError

if TYPE_CHECKING:
    from packaging.metadata import RawMetadata

    from pkgforge.checker.model import Project

__all__ = ["ARCHIVE_SUFFIXES", "Archive", "is_archive", "load_archive", "parsed_content_type"]

ArchiveKind = Literal["wheel", "sdist"]

ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip")

# Suffixes of importable modules at the top of a wheel (extension modules too).
_MODULE_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pyi")


@dataclass(frozen=True)
class Archive:
    """One wheel or sdist, read once. Member names are POSIX paths as stored."""

    path: Path
    kind: ArchiveKind
    filename: str
    members: tuple[str, ...]
    """Every file member in archive order, duplicates preserved (directory entries left out)."""
    root: str
    """The sdist's single top directory with a trailing slash (``sound-1.0/``); '' for wheels."""
    metadata_path: str | None
    """The member holding the core metadata (``*.dist-info/METADATA`` or ``PKG-INFO``)."""
    metadata: RawMetadata
    """The parsed core metadata (``packaging.metadata.parse_email``)."""
    metadata_errors: tuple[str, ...] = ()
    """Why the metadata is invalid: unreadable, unparsed fields, spec violations."""
    project: Project | None = None
    """The source project this archive was built from, when known (PF504 needs it)."""

    @property
    def name(self) -> str | None:
        return self.metadata.get("name")

    @property
    def version(self) -> str | None:
        return self.metadata.get("version")

    @property
    def long_description(self) -> str | None:
        return self.metadata.get("description")

    @property
    def content_type(self) -> str | None:
        return self.metadata.get("description_content_type")

    @property
    def installed_files(self) -> tuple[str, ...]:
        """Wheel members as installed into site-packages (``.data/purelib`` unwrapped)."""
        if self.kind != "wheel":
            return ()
        installed = []
        for member in self.members:
            head, _, rest = member.partition("/")
            if head.endswith(".data"):
                scheme, _, inner = rest.partition("/")
                if scheme in ("purelib", "platlib") and inner:
                    installed.append(inner)
            elif not head.endswith(".dist-info"):
                installed.append(member)
        return tuple(installed)

    @property
    def top_level(self) -> tuple[str, ...]:
        """Import names a wheel installs at the top of site-packages (sorted)."""
        names: set[str] = set()
        for member in self.installed_files:
            head, sep, _ = member.partition("/")
            if sep:
                names.add(head)
            elif head.endswith(_MODULE_SUFFIXES):
                names.add(head.split(".", 1)[0])
        return tuple(sorted(names))

    @property
    def top_level_files(self) -> tuple[str, ...]:
        """Non-module files a wheel puts straight into site-packages (``README.md``)."""
        return tuple(
            sorted(
                {
                    member
                    for member in self.installed_files
                    if "/" not in member and not member.endswith((*_MODULE_SUFFIXES, ".pth"))
                }
            )
        )

    def where(self, member: str = "") -> str:
        """The path a finding reports: the archive's file name, then the member."""
        return f"{self.filename}/{member}" if member else self.filename


def is_archive(path: Path) -> bool:
    """True when ``path`` names a wheel or an sdist (by its suffix)."""
    return path.name.endswith(ARCHIVE_SUFFIXES)


def load_archive(path: Path, project: Project | None = None) -> Archive:
    """Read the wheel or sdist at ``path``; raise :class:`ArchiveError` when unreadable."""
    path = Path(path)
    filename = path.name
    if filename.endswith(".whl"):
        kind: ArchiveKind = "wheel"
        names = _zip_members(path)
    elif filename.endswith(".tar.gz"):
        kind = "sdist"
        names = _tar_members(path)
    elif filename.endswith(".zip"):
        kind = "sdist"
        names = _zip_members(path)
    else:
        raise ArchiveError(
            f"{filename} is not a wheel or sdist",
            hint="give a .whl, .tar.gz or .zip file built by a PEP 517 backend",
        )
    files = tuple(name for name, is_file in names if is_file)
    root = _sdist_root(files) if kind == "sdist" else ""
    metadata_path, errors = _find_metadata(kind, files, root)
    raw: RawMetadata = {}
    if metadata_path is not None:
        data = _read_member(path, metadata_path)
        raw, meta_errors = _parse_metadata(data)
        errors = errors + meta_errors
    return Archive(
        path=path,
        kind=kind,
        filename=filename,
        members=files,
        root=root,
        metadata_path=metadata_path,
        metadata=raw,
        metadata_errors=errors,
        project=project,
    )


def _unreadable(path: Path, err: Exception) -> ArchiveError:
    return ArchiveError(
        f"cannot read {path.name}: {err}",
        hint="rebuild it with 'pkgforge build'; the file is damaged or not an archive",
    )


def _zip_members(path: Path) -> list[tuple[str, bool]]:
    try:
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, not info.is_dir()) for info in archive.infolist()]
    except (OSError, zipfile.BadZipFile) as err:
        raise _unreadable(path, err) from None


def _tar_members(path: Path) -> list[tuple[str, bool]]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            # Names normalised like the extractor will: "./a" and "a" are one path.
            return [
                (str(PurePosixPath(info.name)), not info.isdir()) for info in archive.getmembers()
            ]
    except (OSError, tarfile.TarError, EOFError) as err:
        raise _unreadable(path, err) from None


def _read_member(path: Path, member: str) -> bytes:
    try:
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path, "r:gz") as tar:
                info = next(i for i in tar.getmembers() if str(PurePosixPath(i.name)) == member)
                stream = tar.extractfile(info)
                return stream.read() if stream is not None else b""
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError, StopIteration) as err:
        raise _unreadable(path, err) from None


def _sdist_root(files: tuple[str, ...]) -> str:
    tops = {name.split("/", 1)[0] for name in files}
    return f"{tops.pop()}/" if len(tops) == 1 else ""


def _find_metadata(
    kind: ArchiveKind, files: tuple[str, ...], root: str
) -> tuple[str | None, tuple[str, ...]]:
    if kind == "wheel":
        found = sorted(
            {f for f in files if f.count("/") == 1 and f.endswith(".dist-info/METADATA")}
        )
        what = "*.dist-info/METADATA"
    else:
        if not root:
            return None, ("the sdist does not hold exactly one top-level directory",)
        found = [f"{root}PKG-INFO"] if f"{root}PKG-INFO" in files else []
        what = f"{root}PKG-INFO"
    if len(found) == 1:
        return found[0], ()
    if not found:
        return None, (f"no {what} in the archive",)
    return None, (f"more than one {what}: {', '.join(found)}",)


def _parse_metadata(data: bytes) -> tuple[RawMetadata, tuple[str, ...]]:
    """Parse and validate like twine does: unparsed fields and spec violations are errors."""
    from packaging.metadata import ExceptionGroup, Metadata, parse_email
    from packaging.version import InvalidVersion, Version

    raw, unparsed = parse_email(data)
    try:
        old_version = Version(raw.get("metadata_version", "0")) < Version("2.4")
    except InvalidVersion:
        old_version = False
    if old_version:
        # setuptools wrote License-File under Metadata-Version 2.1; twine tolerates it.
        raw.pop("license_files", None)
        unparsed.pop("license-file", None)
    errors = [f"unrecognized or malformed field {key!r}" for key in sorted(unparsed)]
    try:
        Metadata.from_raw(raw)
    except ExceptionGroup as group:
        errors.extend(sorted(str(err) for err in group.exceptions))
    return raw, tuple(errors)


def parsed_content_type(value: str) -> tuple[str, Mapping[str, str]]:
    """Split ``text/markdown; variant=GFM`` into the type and its parameters (twine's way)."""
    import email.message

    message = email.message.EmailMessage()
    message["content-type"] = value
    params = dict(message["content-type"].params)
    return message.get_content_type(), params
