"""Which import names a distribution provides, without importing the project.

Three sources, cheapest first: a maintained table of the well-known mismatches
(``yaml`` is PyYAML), the distribution's own name (``foo-bar`` -> ``foo_bar``),
and — only for distributions that are installed here — their ``top_level.txt``
or RECORD. Metadata is read lazily, one declared distribution at a time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pkgforge._patterns import LazyPattern
from pkgforge.names import is_stdlib_module

__all__ = [
    "KNOWN_IMPORT_NAMES",
    "Installed",
    "canonical",
    "guessed_import_names",
    "import_names_of",
    "installed",
    "is_stdlib",
    "provides",
    "requirement_name",
]

KNOWN_IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    # distribution (canonical) -> import names it provides
    "pyyaml": ("yaml", "_yaml"),
    "attrs": ("attr", "attrs"),
    "pillow": ("PIL",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "opencv-contrib-python": ("cv2",),
    "scikit-learn": ("sklearn",),
    "scikit-image": ("skimage",),
    "beautifulsoup4": ("bs4",),
    "python-dateutil": ("dateutil",),
    "python-dotenv": ("dotenv",),
    "python-magic": ("magic",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-jose": ("jose",),
    "pyjwt": ("jwt",),
    "pymysql": ("pymysql",),
    "mysqlclient": ("MySQLdb",),
    "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg",),
    "pyserial": ("serial",),
    "pyzmq": ("zmq",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "pyopenssl": ("OpenSSL",),
    "protobuf": ("google.protobuf",),
    "google-api-python-client": ("googleapiclient",),
    "setuptools": ("setuptools", "pkg_resources", "_distutils_hack"),
    "msgpack-python": ("msgpack",),
    "faiss-cpu": ("faiss",),
    "pywin32": ("win32api", "win32con", "win32file", "pywintypes", "win32com"),
    "typing-extensions": ("typing_extensions",),
    "importlib-metadata": ("importlib_metadata",),
    "pkgforge-cli": ("pkgforge",),
    "importlib-resources": ("importlib_resources",),
    "markdown": ("markdown",),
    "pygments": ("pygments",),
    "docutils": ("docutils",),
    "ruamel-yaml": ("ruamel.yaml",),
    "tzdata": ("tzdata",),
    "backports-zoneinfo": ("backports.zoneinfo",),
    "websocket-client": ("websocket",),
    "discord-py": ("discord",),
    "pyqt5": ("PyQt5",),
    "pyqt6": ("PyQt6",),
    "pyside6": ("PySide6",),
    "ipython": ("IPython",),
    "jinja2": ("jinja2",),
    "markupsafe": ("markupsafe",),
    "sqlalchemy": ("sqlalchemy",),
    "zope-interface": ("zope.interface",),
    "readme-renderer": ("readme_renderer",),
    "email-validator": ("email_validator",),
    "charset-normalizer": ("charset_normalizer",),
    "brotli": ("brotli",),
    "brotlicffi": ("brotlicffi",),
    "pysocks": ("socks", "sockshandler"),
    "grpcio": ("grpc",),
    "tensorflow": ("tensorflow",),
    "torch": ("torch",),
    "llvmlite": ("llvmlite",),
    "lxml": ("lxml",),
    "pyobjc": ("objc", "Foundation", "AppKit"),
    "gitpython": ("git",),
    "mkdocs-material": ("material",),
    "sphinx-rtd-theme": ("sphinx_rtd_theme",),
    "ujson": ("ujson",),
    "dnspython": ("dns",),
    "python-slugify": ("slugify",),
    "pyproject-hooks": ("pyproject_hooks",),
    "cookiecutter": ("cookiecutter",),
}

_NORMALIZE = LazyPattern(r"[-_.]+")


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return _NORMALIZE.sub("-", name).lower()


# PEP 508's name rule; importing packaging.requirements for it costs ~50 ms per run.
_REQUIREMENT_NAME = LazyPattern(
    r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[\[(;<>=!~@])"
)


def requirement_name(requirement: str) -> str | None:
    """The canonical distribution name of a PEP 508 requirement string, or None if it
    does not start with a valid name (PF501 reports invalid requirements in full)."""
    match = _REQUIREMENT_NAME.match(requirement)
    return canonical(match.group(1)) if match else None


def is_stdlib(top: str) -> bool:
    return is_stdlib_module(top)


def provides(names: Iterable[str], dotted: str) -> bool:
    """Whether a distribution providing the dotted import ``names`` provides ``dotted``:
    ``yaml`` provides ``yaml.loader``; ``google.protobuf`` provides ``google.protobuf.message``
    and the bare namespace ``google``, but not ``google.auth``."""
    return any(
        dotted == name or dotted.startswith(name + ".") or name.startswith(dotted + ".")
        for name in names
    )


@lru_cache(maxsize=1024)
def guessed_import_names(distribution: str) -> frozenset[str]:
    """Import names from the distribution's name and the table alone (no metadata read):
    ``foo-bar`` may be ``foo_bar`` or the namespace portion ``foo.bar``."""
    name = canonical(distribution)
    names = set(KNOWN_IMPORT_NAMES.get(name, ()))
    names.add(name.replace("-", "_"))
    if "-" in name:
        names.add(name.replace("-", "."))
    for prefix in ("python-", "py-"):
        if name.startswith(prefix):
            names.add(name.removeprefix(prefix).replace("-", "_"))
    if name.endswith("-python"):
        names.add(name.removesuffix("-python").replace("-", "_"))
    return frozenset(n for n in names if all(p.isidentifier() for p in n.split(".")))


def import_names_of(distribution: str, sites: tuple[str, ...] = ()) -> frozenset[str]:
    """Dotted import names ``distribution`` provides (best effort, never raises): its
    installed metadata when it is installed in ``sites`` or on ``sys.path``, else
    :func:`guessed_import_names`."""
    return installed(sites).names_of(distribution)


class Installed(NamedTuple):
    """An installed distribution, as its metadata tells."""

    name: str
    """Canonical name."""
    names: frozenset[str]
    """Dotted import names: top-level modules and packages, and for a namespace package the
    portions it ships (``google.protobuf``, not ``google``). Empty when unreadable."""
    requires: tuple[str, ...]
    """Its requirement strings (with markers and extras as written)."""
    entry_point_groups: frozenset[str]
    """The entry-point groups it registers (``console_scripts``, ``pytest11``...)."""


class _Index:
    """Canonical name -> dist-info/egg-info path for the distributions on ``sys.path``
    (first one wins, like importlib), read by listing directories; metadata is read only
    for the distributions asked about."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.paths: dict[str, str] = {}
        self.read: dict[str, Installed | None] = {}
        self._owners: dict[str, str] | None = None
        for entry in paths:
            try:
                with os.scandir(entry or ".") as listing:
                    names = sorted(e.name for e in listing)
            except OSError:
                continue
            for name in names:
                stem, dot, suffix = name.rpartition(".")
                if dot and suffix in ("dist-info", "egg-info"):
                    key = canonical(stem.partition("-")[0])
                    self.paths.setdefault(key, os.path.join(entry or ".", name))  # noqa: PTH118

    def get(self, name: str) -> Installed | None:
        if name not in self.read:
            path = self.paths.get(name)
            self.read[name] = _read_installed(name, path) if path else None
        return self.read[name]

    def __contains__(self, name: str) -> bool:
        return name in self.paths

    def owner_of(self, dotted: str) -> str | None:
        """The distribution that provides the module ``dotted``, as far as the table of
        well-known names or the installed metadata tells (None when neither does). Reads
        every installed distribution's RECORD the first time: only for imports that no
        declared dependency provides."""
        for distribution, names in KNOWN_IMPORT_NAMES.items():
            if any(dotted == n or dotted.startswith(n + ".") for n in names):
                return distribution
        owners = self.owners()
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            owner = owners.get(".".join(parts[:end]))
            if owner is not None:
                return owner
        return None

    def owners(self) -> dict[str, str]:
        """Import name -> the installed distribution that provides it (reads every
        installed distribution's metadata once; the engine warms it up while the files
        are being parsed)."""
        if self._owners is None:
            owners: dict[str, str] = {}
            for name in sorted(self.paths):
                found = self.get(name)
                for provided in found.names if found is not None else ():
                    owners.setdefault(provided, name)
            self._owners = owners
        return self._owners

    def release_of(self, distribution: str) -> tuple[str, str] | None:
        """(its name as its metadata spells it, its version) as installed; None when it is
        not installed or its metadata does not say (``check --fix`` bounds a dependency
        it adds with the version installed here)."""
        path = self.paths.get(canonical(distribution))
        if path is None:
            return None
        base = Path(path)
        text = _read(base / "METADATA") or _read(base / "PKG-INFO")
        headers: dict[str, str] = {}
        for line in (text or "").splitlines():
            if not line.strip():
                break
            field, colon, value = line.partition(":")
            if colon and field in {"Name", "Version"}:
                headers.setdefault(field, value.strip())
        if not headers.get("Name") or not headers.get("Version"):
            return None
        return headers["Name"], headers["Version"]

    def names_of(self, distribution: str) -> frozenset[str]:
        """Its installed import names, or the guessed ones when it is not installed."""
        found = self.get(canonical(distribution))
        return (
            found.names if found is not None and found.names else guessed_import_names(distribution)
        )


_INDEX: list[tuple[tuple[object, ...], _Index]] = []


def installed(sites: tuple[str, ...] = ()) -> _Index:
    """The distributions installed in ``sites`` (the project's environments, see
    :func:`~pkgforge.checker.sites.project_site_dirs`) and on ``sys.path`` now. Cached while
    the paths and their modification times stay the same (installing or removing a
    distribution changes its directory's)."""
    paths = tuple(dict.fromkeys((*sites, *sys.path)))
    stamps: list[object] = []
    for entry in paths:
        try:
            stamps.append(os.stat(entry or ".").st_mtime_ns)  # noqa: PTH116
        except OSError:
            stamps.append(None)
    key = (paths, tuple(stamps))
    if _INDEX and _INDEX[0][0] == key:
        return _INDEX[0][1]
    index = _Index(paths)
    _INDEX[:] = [(key, index)]
    return index


def _read_installed(name: str, path: str) -> Installed | None:
    base = Path(path)
    if base.suffix == ".dist-info":
        # read directly: importlib.metadata's objects (email parsing, PackagePath per file)
        # cost several times more, and a check may read a few dozen distributions
        record, meta = _read(base / "RECORD"), _read(base / "METADATA")
        if record is not None and meta is not None:
            names = _names_from_files(_record_rows(record)) or _top_level(
                _read(base / "top_level.txt")
            )
            return Installed(
                name,
                frozenset(names),
                _requires_dist(meta),
                _groups(_read(base / "entry_points.txt")),
            )
    return _read_with_importlib(name, base)


def _read_with_importlib(name: str, base: Path) -> Installed:
    """An egg-info (requires.txt, installed-files.txt) or a dist-info without a RECORD."""
    # Imported here: importlib.metadata costs ~15 ms, and most checks never get here.
    from importlib import metadata

    dist = metadata.PathDistribution(base)
    try:
        names = _names_from_files([f.parts for f in dist.files or ()])
    except Exception:  # noqa: BLE001 - broken metadata is no evidence
        names = set()
    if not names:
        try:
            names = _top_level(dist.read_text("top_level.txt"))
        except Exception:  # noqa: BLE001
            names = set()
    try:
        requires = tuple(dist.requires or ())
    except Exception:  # noqa: BLE001
        requires = ()
    try:
        groups = frozenset(ep.group for ep in dist.entry_points)
    except Exception:  # noqa: BLE001
        groups = frozenset()
    return Installed(name, frozenset(names), requires, groups)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _record_rows(record: str) -> list[tuple[str, ...]]:
    if '"' in record:  # a path with a comma is quoted: let csv read it
        import csv

        rows = [row[0] for row in csv.reader(record.splitlines()) if row]
    else:
        rows = [line.partition(",")[0] for line in record.splitlines()]
    return [tuple(row.split("/")) for row in rows if row]


def _top_level(text: str | None) -> set[str]:
    return {line.strip().replace("/", ".") for line in (text or "").splitlines() if line.strip()}


def _requires_dist(meta: str) -> tuple[str, ...]:
    """``Requires-Dist`` headers of a METADATA file (the headers end at the first blank line)."""
    found = []
    for line in meta.splitlines():
        if not line.strip():
            break
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() == "requires-dist":
            found.append(value.strip())
    return tuple(found)


def _groups(entry_points: str | None) -> frozenset[str]:
    return frozenset(
        line.strip()[1:-1].strip()
        for line in (entry_points or "").splitlines()
        if line.strip().startswith("[") and line.strip().endswith("]")
    )


_MODULE_SUFFIXES = (".py", ".so", ".pyd")


def _names_from_files(files: Iterable[tuple[str, ...]]) -> set[str]:
    """Dotted import names from a RECORD: the shallowest regular package (a directory with
    ``__init__.py``) on each file's path, or the module itself inside namespace directories."""
    paths = [
        parts
        for parts in files
        if parts
        and parts[0] not in ("..", "__pycache__")
        and not parts[0].endswith((".dist-info", ".egg-info", ".data", ".pth"))
    ]
    packages = {parts[:-1] for parts in paths if parts[-1] in ("__init__.py", "__init__.pyc")}
    names: set[str] = set()
    for parts in paths:
        for depth in range(1, len(parts)):
            if parts[:depth] in packages:
                dotted = parts[:depth]
                break
        else:
            stem = parts[-1].partition(".")[0]
            if not parts[-1].endswith(_MODULE_SUFFIXES) and ".cpython-" not in parts[-1]:
                continue
            dotted = (*parts[:-1], stem)
        if all(part.isidentifier() for part in dotted) and not dotted[0].startswith("__editable__"):
            names.add(".".join(dotted))
    # `pkg` and `pkg.sub` both found (a module file beside its package): keep the shorter
    return {n for n in names if not any(n.startswith(o + ".") for o in names)}
