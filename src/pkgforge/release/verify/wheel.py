"""What a verification needs to know of a wheel: its modules, entry points,
requirements and tags, and its files laid out as an installer lays them out."""

from __future__ import annotations

import keyword
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pkgforge.checker.archive import Archive, load_archive
from pkgforge.checker.importing.plan import EntryPoint, Module
from pkgforge.errors import ArchiveError

__all__ = ["WheelInfo", "read_wheel", "unpack_wheel"]

# Suffixes of extension modules (the part after the first dot is the platform tag).
_EXTENSIONS = (".so", ".pyd")


@dataclass(frozen=True)
class WheelInfo:
    path: Path
    archive: Archive
    tags: frozenset[str]
    """The wheel's compatibility tags (``py3-none-any``)."""
    entry_points: tuple[EntryPoint, ...]

    @property
    def name(self) -> str:
        return self.archive.name or self.path.name.partition("-")[0]

    @property
    def version(self) -> str:
        return self.archive.version or ""

    @property
    def requires_python(self) -> str | None:
        return self.archive.metadata.get("requires_python")

    @property
    def requires_dist(self) -> tuple[str, ...]:
        return tuple(self.archive.metadata.get("requires_dist") or ())

    @property
    def extras(self) -> tuple[str, ...]:
        return tuple(self.archive.metadata.get("provides_extra") or ())

    @property
    def files(self) -> tuple[str, ...]:
        """Paths as installed into site-packages."""
        return self.archive.installed_files

    def modules(self, site: Path) -> tuple[Module, ...]:
        """Every module the wheel installs (``__main__`` and names no import statement can
        spell left out), with its file under ``site`` where the wheel was unpacked."""
        files = set(self.files)
        chosen: dict[str, Module] = {}
        for relpath in sorted(files):
            name = _module_name(relpath)
            if name is None or name in chosen:
                continue
            is_package = PurePosixPath(relpath).name == "__init__.py"
            chosen[name] = Module(name, relpath, site / relpath, is_package)
        return tuple(chosen.values())

    def script_modules(self) -> frozenset[str]:
        """Modules in a folder without ``__init__.py`` below a package (a tool's scripts)."""
        files = set(self.files)
        scripts = set()
        for relpath in files:
            name = _module_name(relpath)
            parent = PurePosixPath(relpath).parent
            if name is None or relpath.endswith("/__init__.py") or parent == PurePosixPath("."):
                continue
            if f"{parent}/__init__.py" in files:
                continue
            if any(
                f"{above}/__init__.py" in files for above in parent.parents if str(above) != "."
            ):
                scripts.add(name)
        return frozenset(scripts)


def read_wheel(path: Path) -> WheelInfo:
    """Read the wheel at ``path``; raise :class:`ArchiveError` when it is not one."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    if not path.name.endswith(".whl"):
        raise ArchiveError(
            f"{path.name} is not a wheel", hint="verify takes wheels (.whl) or folders of them"
        )
    try:
        _, _, _, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as err:
        raise ArchiveError(
            f"{path.name}: {err}", hint="give a wheel as built by a PEP 517 backend"
        ) from None
    archive = load_archive(path)
    return WheelInfo(path, archive, frozenset(str(t) for t in tags), _entry_points(archive))


def _entry_points(archive: Archive) -> tuple[EntryPoint, ...]:
    member = next(
        (
            m
            for m in archive.members
            if m.count("/") == 1 and m.endswith(".dist-info/entry_points.txt")
        ),
        None,
    )
    if member is None:
        return ()
    try:
        with zipfile.ZipFile(archive.path) as wheel:
            text = wheel.read(member).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, KeyError) as err:
        raise ArchiveError(f"cannot read {member} from {archive.filename}: {err}") from None
    return parse_entry_points(text)


def parse_entry_points(text: str) -> tuple[EntryPoint, ...]:
    """The entry points of an ``entry_points.txt`` (INI sections of ``name = value``)."""
    points: list[EntryPoint] = []
    group = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
            continue
        name, sep, value = line.partition("=")
        if sep and group and value.strip():
            points.append(EntryPoint(group, name.strip(), value.strip()))
    return tuple(points)


def _module_name(relpath: str) -> str | None:
    path = PurePosixPath(relpath)
    if path.suffix == ".py":
        stem = path.stem
    elif path.suffix in _EXTENSIONS:
        stem = path.name.partition(".")[0]
    else:
        return None
    parts = [*path.parent.parts, stem] if str(path.parent) != "." else [stem]
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or parts[-1] == "__main__":
        return None
    if any(not p.isidentifier() or keyword.iskeyword(p) for p in parts):
        return None
    return ".".join(parts)


def unpack_wheel(wheel: WheelInfo, site: Path) -> None:
    """Lay the wheel's files out in ``site`` as an installer lays them out in
    site-packages: ``*.data/purelib`` and ``platlib`` merged in, the other ``.data``
    folders (scripts, headers, data) left out, the ``.dist-info`` folder kept."""
    site.mkdir(parents=True, exist_ok=True)
    root = site.resolve()
    try:
        with zipfile.ZipFile(wheel.path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                target = _installed_path(info.filename)
                if target is None:
                    continue
                destination = (root / target).resolve()
                if not destination.is_relative_to(root):
                    raise ArchiveError(
                        f"{wheel.path.name} holds a path outside site-packages: {info.filename}",
                        hint="the backend built a malformed wheel",
                    )
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, destination.open("wb") as sink:
                    while block := source.read(1 << 20):
                        sink.write(block)
                if info.external_attr >> 16 & 0o111:
                    destination.chmod(0o755)
    except (OSError, zipfile.BadZipFile) as err:
        raise ArchiveError(
            f"cannot unpack {wheel.path.name}: {err}", hint="check the wheel and the free space"
        ) from None


def _installed_path(member: str) -> str | None:
    head, _, rest = member.partition("/")
    if head.endswith(".data"):
        scheme, _, inner = rest.partition("/")
        return inner if scheme in ("purelib", "platlib") and inner else None
    return member


def display_paths(
    modules: Sequence[Module], wheel: Path, sources: Mapping[str, str] | None
) -> dict[str, str]:
    """How findings name each module's file: the source tree's path when the caller knows
    it (``build``), else the wheel's file name and the path inside it."""
    shown = {}
    for module in modules:
        source = (sources or {}).get(module.name)
        shown[module.relpath] = source if source is not None else f"{wheel.name}/{module.relpath}"
    return shown
