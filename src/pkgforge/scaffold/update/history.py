"""Every released version of the built-in templates, shipped inside pkgforge.

``pkgforge update`` renders the template version a project was made from, so
pkgforge keeps each released version of each built-in template: one
deterministic ``<name>-<version>.tar.gz`` (sorted entries, zero timestamps and
owners) per version in ``templates/_history/``, and ``index.json`` that maps
each template and version to its archive and its content digest
(:func:`pkgforge.scaffold.digest.content_digest`). Unchanged versions cost
nothing; a version is a few kilobytes.

A built-in template's version is ``_template_version`` in its cookiecutter.json.
After changing a template's content, freeze it as a new version (one command,
from a source checkout)::

    python -m pkgforge.scaffold.update.history freeze --bump 2.0.0

It sets ``_template_version`` of every built-in template whose content changed
since its version was frozen, and archives that content. ``status`` shows
where each template stands; the test suite fails while a template's content
differs from the frozen content of its version.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.errors import TemplateError
from pkgforge.scaffold.digest import content_digest, template_files
from pkgforge.scaffold.templates import (
    VERSION_KEY,
    builtin_templates,
    builtin_templates_dir,
    builtin_version,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

__all__ = [
    "HISTORY_DIR",
    "HistoryEntry",
    "TemplateStatus",
    "builtin_at",
    "freeze",
    "history_dir",
    "load_index",
    "main",
    "status",
    "versions",
]

log = logging.getLogger("pkgforge")

HISTORY_DIR = "_history"
INDEX = "index.json"


@dataclass(frozen=True)
class HistoryEntry:
    """One frozen version of a built-in template."""

    template: str
    version: str
    archive: str
    """File name of the archive, inside :func:`history_dir`."""
    digest: str


@dataclass(frozen=True)
class TemplateStatus:
    """Where a built-in template's current content stands against its history."""

    template: str
    version: str
    """``_template_version`` of the current content."""
    digest: str
    frozen: HistoryEntry | None
    """The history entry of ``version``, if that version was frozen."""

    @property
    def up_to_date(self) -> bool:
        """True when the current content is exactly the frozen content of its version."""
        return self.frozen is not None and self.frozen.digest == self.digest


def history_dir() -> Path:
    """The folder with the archives and ``index.json``, beside the built-in templates."""
    return builtin_templates_dir() / HISTORY_DIR


def load_index() -> dict[str, dict[str, HistoryEntry]]:
    """template -> version -> entry; empty when there is no history yet."""
    path = history_dir() / INDEX
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise TemplateError(
            f"the history of the built-in templates is unreadable: {path}: {err}",
            hint="reinstall pkgforge",
        ) from err
    index: dict[str, dict[str, HistoryEntry]] = {}
    for template, entries in raw.items():
        index[template] = {
            version: HistoryEntry(template, version, entry["archive"], entry["digest"])
            for version, entry in entries.items()
        }
    return index


def versions(template: str) -> tuple[str, ...]:
    """The frozen versions of ``template``, oldest first."""
    from packaging.version import Version

    return tuple(sorted(load_index().get(template, {}), key=Version))


@contextmanager
def builtin_at(template: str, version: str | None = None) -> Iterator[tuple[Path, str]]:
    """The folder of built-in ``template`` at ``version`` (None or "latest": as shipped).

    Yields ``(folder, version)``. An earlier version is unpacked from the
    history into a temporary folder, removed on exit.
    """
    if template not in builtin_templates():
        raise TemplateError(
            f"there is no built-in template called {template!r}",
            hint=f"choose one of {', '.join(builtin_templates())}",
        )
    live_dir = builtin_templates_dir() / template
    live_version = builtin_version(template)
    if version is None or version == "latest":
        yield live_dir, live_version
        return
    entry = load_index().get(template, {}).get(version)
    # The shipped folder serves its own version unless it was edited after the freeze
    # (a source checkout): then the frozen content is the exact one.
    if version == live_version and (entry is None or content_digest(live_dir) == entry.digest):
        yield live_dir, live_version
        return
    if entry is None:
        from pkgforge import __version__

        known = ", ".join(versions(template)) or "none"
        raise TemplateError(
            f"pkgforge {__version__} has no version {version!r} of the built-in template "
            f"{template!r}",
            hint=f"its versions are {known}; a newer pkgforge may know newer ones",
        )
    with tempfile.TemporaryDirectory(prefix=f"pkgforge-{template}-{version}-") as tmp:
        folder = Path(tmp) / template
        _unpack(history_dir() / entry.archive, folder)
        if content_digest(folder) != entry.digest:
            raise TemplateError(
                f"the archive of built-in template {template!r} {version} is damaged",
                hint="reinstall pkgforge",
            )
        yield folder, version


def status(templates: Iterable[str] | None = None) -> tuple[TemplateStatus, ...]:
    """Each built-in template's version, content digest and history entry."""
    index = load_index()
    found: list[TemplateStatus] = []
    for template in templates or builtin_templates():
        version = builtin_version(template)
        found.append(
            TemplateStatus(
                template=template,
                version=version,
                digest=content_digest(builtin_templates_dir() / template),
                frozen=index.get(template, {}).get(version),
            )
        )
    return tuple(found)


def freeze(
    templates: Iterable[str] | None = None, *, bump: str | None = None
) -> tuple[TemplateStatus, ...]:
    """Archive the current content of the built-in templates as their versions.

    A template whose content equals the frozen content of its version is left
    alone. One whose version was never frozen is frozen as it is. One whose
    content changed under an already frozen version needs ``bump``: its
    ``_template_version`` becomes ``bump`` (which must be newer than every
    frozen version), then it is frozen. Returns the new status of each template.
    """
    names = tuple(templates or builtin_templates())
    unknown = [n for n in names if n not in builtin_templates()]
    if unknown:
        raise TemplateError(f"there is no built-in template called {unknown[0]!r}")
    before = status(names)
    stale = [s for s in before if s.frozen is not None and not s.up_to_date]
    if stale and bump is None:
        listed = ", ".join(f"{s.template} {s.version}" for s in stale)
        raise TemplateError(
            f"content changed under an already frozen version: {listed}",
            hint="give the new version with --bump VERSION",
        )
    for current in stale:
        assert bump is not None
        _check_newer(current.template, bump)
        _set_version(builtin_templates_dir() / current.template, bump)
    index = load_index()
    for current in status(names):
        if current.up_to_date:
            continue
        _check_newer(current.template, current.version)
        entry = _archive(current.template, current.version)
        index.setdefault(current.template, {})[current.version] = entry
        log.info("froze %s %s as %s", current.template, current.version, entry.archive)
    _write_index(index)
    return status(names)


def _check_newer(template: str, version: str) -> None:
    from packaging.version import InvalidVersion, Version

    try:
        new = Version(version)
    except InvalidVersion as err:
        raise TemplateError(f"{version!r} is not a version (write it like 2.0.0)") from err
    older = [v for v in versions(template) if Version(v) >= new]
    if older:
        raise TemplateError(
            f"{template} {version} is not newer than the frozen version {older[-1]}",
            hint="choose a higher version",
        )


def _set_version(template_dir: Path, version: str) -> None:
    """Rewrite ``_template_version`` in place, keeping the file's own layout."""
    path = template_dir / "cookiecutter.json"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf'("{VERSION_KEY}"\s*:\s*)"[^"]*"')
    new_text, count = pattern.subn(lambda m: f'{m.group(1)}"{version}"', text, count=1)
    if count != 1:
        raise TemplateError(f"{path} has no {VERSION_KEY} to bump")
    path.write_text(new_text, encoding="utf-8")


def _archive(template: str, version: str) -> HistoryEntry:
    source = builtin_templates_dir() / template
    name = f"{template}-{version}.tar.gz"
    target = history_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_tar_gz(source))
    return HistoryEntry(template, version, name, content_digest(source))


def _tar_gz(folder: Path) -> bytes:
    """A reproducible archive of the files under ``folder``: same files, same bytes."""
    import gzip
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for relative in template_files(folder):
            path = folder / relative
            data = path.read_bytes()
            info = tarfile.TarInfo(relative)
            info.size = len(data)
            info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def _unpack(archive: Path, folder: Path) -> None:
    import shutil
    import tarfile

    folder.mkdir(parents=True)
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(folder, filter="data")
            else:  # Python < 3.11.4; the archive is pkgforge's own
                tar.extractall(folder)
    except (OSError, tarfile.TarError) as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise TemplateError(
            f"cannot unpack {archive.name} from the template history: {err}",
            hint="reinstall pkgforge",
        ) from err


def _write_index(index: dict[str, dict[str, HistoryEntry]]) -> None:
    data = {
        template: {
            version: {"archive": entry.archive, "digest": entry.digest}
            for version, entry in entries.items()
        }
        for template, entries in index.items()
    }
    path = history_dir() / INDEX
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pkgforge.scaffold.update.history status|freeze [--bump VERSION] [NAME...]``."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m pkgforge.scaffold.update.history",
        description="Show or freeze the versions of pkgforge's built-in templates.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    show = sub.add_parser("status", help="each template's version and whether it is frozen")
    show.add_argument("names", nargs="*", metavar="NAME")
    make = sub.add_parser("freeze", help="archive the current content as the template's version")
    make.add_argument("names", nargs="*", metavar="NAME")
    make.add_argument("--bump", metavar="VERSION", help="new version for changed templates")
    args = parser.parse_args(argv)
    try:
        if args.action == "freeze":
            result = freeze(args.names or None, bump=args.bump)
        else:
            result = status(args.names or None)
    except TemplateError as err:
        print(f"error: {err.message}", file=sys.stderr)
        if err.hint:
            print(f"hint: {err.hint}", file=sys.stderr)
        return 1
    for current in result:
        state = "frozen" if current.up_to_date else "NOT FROZEN"
        if current.frozen is not None and not current.up_to_date:
            state = "CHANGED since frozen: run freeze --bump VERSION"
        print(f"{current.template} {current.version}: {state}")
    return 0 if all(s.up_to_date for s in result) else 1


if __name__ == "__main__":
    sys.exit(main())
