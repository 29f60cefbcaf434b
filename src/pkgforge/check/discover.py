"""Discovery: from a PATH, find the project, its package roots and every file to check.

Nothing here parses Python. The walk uses ``os.scandir`` (one system call per
directory, one ``stat`` per Python file) so a warm ``check`` stays cheap, and it
never follows a directory twice, so symlink loops end.
"""

from __future__ import annotations

import fnmatch
import keyword
import logging
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pkgforge.errors import ProjectNotFoundError

if TYPE_CHECKING:
    from pkgforge.check.model import Directory

__all__ = [
    "MAX_DEPTH",
    "FileEntry",
    "Layout",
    "Mount",
    "Tree",
    "find_root",
    "locate_project",
    "read_layout",
    "walk_tree",
]

log = logging.getLogger("pkgforge")

MAX_DEPTH = 48
"""Directories nested deeper than this below a package root are skipped (and reported)."""

# Never part of an importable package, and often huge.
_SKIP_DIRS = frozenset(
    {
        "__pycache__",
        "build",
        "dist",
        "env",
        "node_modules",
        "site-packages",
        "venv",
    }
)
# setuptools' flat-layout auto-discovery leaves these out of a distribution;
# so does pkgforge when the project root is itself the package root.
_FLAT_EXCLUDED_DIRS = frozenset(
    (
        *("benchmark", "benchmarks", "bin", "changelog", "ci", "debian", "doc", "docs"),
        *("documentation", "example", "examples", "exercise", "exercises", "fabfile"),
        *("htmlcov", "manpages", "news", "newsfragments", "python", "requirements"),
        *("scripts", "site_scons", "tasks", "test", "tests", "tools", "unit_test"),
        *("unit_tests", "util", "utils"),
    )
)
_FLAT_EXCLUDED_MODULES = frozenset(
    (
        *("benchmark", "benchmarks", "conanfile", "conftest", "dodo", "example", "examples"),
        *("exercise", "exercises", "fabfile", "manage", "noxfile", "pavement", "setup"),
        *("tasks", "test", "tests", "toxfile"),
    )
)
_BYTECODE_SUFFIXES = (".pyc", ".pyo")
_CACHE_DIR = ".pkgforge_cache"  # cache.CACHE_DIR_NAME, not imported to keep discovery light


# NamedTuples, not dataclasses: a warm run imports this module, and creating a
# dataclass costs ~0.7 ms each at import time.


class Mount(NamedTuple):
    """A directory walked for modules, and the dotted package name it stands for."""

    path: Path
    prefix: str = ""
    """``""`` for a directory on sys.path (src/); ``pkg`` when package-dir maps pkg there."""
    only: frozenset[str] | None = None
    """Top-level names to take from this directory; None takes every eligible one."""
    flat: bool = False
    """The project root doubles as package root: leave out tests/, docs/, setup.py..."""
    exclude: tuple[str, ...] = ()
    """Dotted-name globs (``packages.find`` exclude) to leave out."""

    def key(self) -> tuple[object, ...]:
        """A value that is equal across processes (a frozenset's order is not)."""
        only = None if self.only is None else tuple(sorted(self.only))
        return (os.fspath(self.path), self.prefix, only, self.flat, self.exclude)


class Layout(NamedTuple):
    """Where the project is and how its import packages are laid out."""

    root: Path
    pyproject_path: Path | None
    pyproject_bytes: bytes | None
    pyproject: Mapping[str, Any] | None
    pyproject_error: str | None
    mounts: tuple[Mount, ...]
    focus: str = ""
    """Root-relative POSIX path the user pointed at inside the project; '' for all."""

    @property
    def package_roots(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(m.path for m in self.mounts if not m.prefix))


class FileEntry(NamedTuple):
    abspath: str
    """Absolute path as a string: a Path per file costs more than the rest of the walk."""
    relpath: str
    module: str
    is_package: bool
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.abspath)


DirRow = tuple[str, str, tuple[str, ...], tuple[str, ...], bool, str]
"""(absolute path, relpath, entries, subdirs, has_init, package) of a Directory."""


class Tree(NamedTuple):
    files: tuple[FileEntry, ...]
    dir_rows: tuple[DirRow, ...]
    bytecode: tuple[str, ...]
    top_level: tuple[str, ...]
    root_entries: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    """(relpath, why) for what the walk could not or would not enter."""

    @property
    def directories(self) -> tuple[Directory, ...]:
        """The model's Directory objects (built on demand: a warm run never needs them)."""
        from pkgforge.check.model import Directory

        return tuple(Directory(Path(row[0]), *row[1:]) for row in self.dir_rows)


def find_root(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The project root for PATH, and where PATH is inside it ('' when PATH is the root).

    Raise ProjectNotFoundError when PATH does not exist.
    """
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError) as err:
        raise ProjectNotFoundError(
            f"{os.fspath(path)!r} does not exist",
            hint="give the project directory (where pyproject.toml is), or a wheel or sdist",
        ) from err
    start = target.parent if target.is_file() else target
    root, focus = _find_root(start)
    if target.is_file():
        focus = _join(focus, target.name)
    return root, focus


def locate_project(path: str | os.PathLike[str], *, memo: dict[str, Any] | None = None) -> Layout:
    """Find the project that PATH is, or is inside, and read its layout.

    ``memo`` (the cache's) remembers the parsed pyproject.toml by content hash.
    """
    root, focus = find_root(path)
    return read_layout(root, focus, memo=memo)


def read_layout(root: Path, focus: str = "", *, memo: dict[str, Any] | None = None) -> Layout:
    """The layout of the project at ``root`` (see :func:`find_root`)."""
    pyproject_path: Path | None = root / "pyproject.toml"
    data: bytes | None = None
    parsed: Mapping[str, Any] | None = None
    error: str | None = None
    try:
        data = pyproject_path.read_bytes()  # type: ignore[union-attr]
    except FileNotFoundError:
        pyproject_path = None
    except OSError as err:
        error = f"cannot read pyproject.toml: {err.strerror or err}"
    if data is not None:
        parsed, error = _parse_pyproject(data, memo)
    top = focus.split("/", maxsplit=1)[0]
    if focus and pyproject_path is None and (root / top).is_dir():
        # PATH is a package directory with no project around it: check just that package.
        mounts: tuple[Mount, ...] = (Mount(root, only=frozenset({top})),)
    else:
        mounts = _mounts(root, parsed or {})
    return Layout(root, pyproject_path, data, parsed, error, mounts, focus)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _find_root(start: Path) -> tuple[Path, str]:
    """The project root for ``start``, and where ``start`` is inside it.

    Walk up only through packages (directories with ``__init__.py``) and a ``src``
    folder: a fixture inside some other project is not part of that project.
    """
    if (start / "pyproject.toml").is_file() or not (start / "__init__.py").is_file():
        return start, ""
    current = start
    while (current.parent / "__init__.py").is_file() and current.parent != current:
        current = current.parent
    candidate = current.parent
    if (candidate / "pyproject.toml").is_file():
        return candidate, start.relative_to(candidate).as_posix()
    if candidate.name == "src" and (candidate.parent / "pyproject.toml").is_file():
        return candidate.parent, start.relative_to(candidate.parent).as_posix()
    # A bare package: its parent is the root, and only it is checked.
    return candidate, start.relative_to(candidate).as_posix()


def _parse_pyproject(
    data: bytes, memo: dict[str, Any] | None
) -> tuple[Mapping[str, Any] | None, str | None]:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    remembered = (memo or {}).get("pyproject")
    if isinstance(remembered, tuple) and remembered[0] == digest:
        return remembered[1], None
    import tomllib

    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        return None, f"pyproject.toml is not UTF-8: {err.reason} at byte {err.start}"
    except tomllib.TOMLDecodeError as err:
        return None, f"pyproject.toml is not valid TOML: {err}"
    if memo is not None and _plain(parsed):
        memo["pyproject"] = (digest, parsed)
    return parsed, None


def _plain(value: object) -> bool:
    """True for TOML made of strings, numbers, lists and tables only (no datetimes)."""
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, (str, int, float, bool))


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, Mapping):
            return {}
        data = value
    return data


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _mounts(root: Path, pyproject: Mapping[str, Any]) -> tuple[Mount, ...]:
    """Package roots from the build backend's settings, else src/ or flat layout."""
    setuptools = _table(pyproject, "tool", "setuptools")
    package_dir = setuptools.get("package-dir")
    base = root
    mounts: list[Mount] = []
    if isinstance(package_dir, Mapping):
        for key, value in package_dir.items():
            if not isinstance(value, str):
                continue
            if key == "":
                base = root / value
            elif "." not in key:
                mounts.append(Mount(root / value, prefix=key))
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        names = {p.split(".")[0] for p in _strings(packages)}
        names.update(_strings(setuptools.get("py-modules")))
        names -= {m.prefix for m in mounts}
        return (Mount(base, only=frozenset(names)), *mounts)
    find = _table(setuptools, "packages", "find")
    if find:
        include = _strings(find.get("include"))
        exclude = tuple(_strings(find.get("exclude")))
        wheres = _strings(find.get("where")) or ["."]
        for where in wheres:
            path = (base / where) if where != "." else base
            mounts.append(_mount_with_patterns(root, path, include, exclude))
        return tuple(mounts)
    hatch = _strings(
        _table(pyproject, "tool", "hatch", "build", "targets", "wheel").get("packages")
    )
    if hatch:
        return tuple(_named_mounts(root, hatch))
    poetry = _table(pyproject, "tool", "poetry").get("packages")
    if isinstance(poetry, list):
        specs = [
            f"{p.get('from', '.')}/{p['include']}"
            for p in poetry
            if isinstance(p, Mapping) and isinstance(p.get("include"), str)
        ]
        if specs:
            return tuple(_named_mounts(root, specs))
    if base == root and (root / "src").is_dir():
        base = root / "src"
    mounts.insert(0, Mount(base, flat=base == root))
    return tuple(mounts)


def _mount_with_patterns(
    root: Path, path: Path, include: list[str], exclude: tuple[str, ...]
) -> Mount:
    only: frozenset[str] | None = None
    if include:
        try:
            names = {entry.name for entry in os.scandir(path)}
        except OSError:
            names = set()
        stems = {n.removesuffix(".py") for n in names}
        only = frozenset(s for s in stems if any(fnmatch.fnmatchcase(s, p) for p in include))
    return Mount(path, only=only, flat=path == root, exclude=exclude)


def _named_mounts(root: Path, specs: Iterable[str]) -> list[Mount]:
    grouped: dict[Path, set[str]] = {}
    for spec in specs:
        target = (root / spec).resolve()
        grouped.setdefault(target.parent, set()).add(target.name.removesuffix(".py"))
    return [Mount(parent, only=frozenset(names)) for parent, names in grouped.items()]


def walk_tree(
    layout: Layout,
    namespace_packages: Sequence[str] = (),
    *,
    memo: dict[str, Any] | None = None,
) -> Tree:
    """Every Python file, package directory and bytecode file under the package roots.

    With ``memo`` (the cache's), the last walk is reused when no directory it read
    has changed (same mtime and ctime): then only the Python files are stat'ed.
    """
    key = repr((os.fspath(layout.root), [m.key() for m in layout.mounts]))
    remembered = (memo or {}).get("tree")
    if isinstance(remembered, tuple) and remembered[0] == key:
        tree = _revalidate(remembered[1], remembered[2])
        if tree is not None:
            return tree
    walker = _Walker(layout.root)
    # Mapped packages first, so a plain walk of their parent does not claim them.
    for mount in sorted(layout.mounts, key=lambda m: not m.prefix):
        walker.walk(mount)
    try:
        walker.stamp(os.fspath(layout.root), os.stat(layout.root))  # noqa: PTH116
        # Hidden names (.git, .pkgforge_cache) say nothing about the project's metadata.
        root_entries = tuple(sorted(p.name for p in layout.root.iterdir() if p.name[0] != "."))
    except OSError:
        root_entries = ()
    tree = walker.tree(root_entries)
    if memo is not None:
        memo["tree"] = (key, tuple(walker.stamps), _plain_tree(tree))
    return tree


def _plain_tree(tree: Tree) -> tuple[object, ...]:
    """The tree as tuples of strings and numbers (the cache admits nothing else)."""
    files = tuple((f.abspath, f.relpath, f.module, f.is_package) for f in tree.files)
    return (files, tree.dir_rows, tree.bytecode, tree.top_level, tree.root_entries, tree.skipped)


def _revalidate(stamps: Any, plain: Any) -> Tree | None:
    """The remembered tree if every directory is unchanged, with fresh file stats."""
    try:
        for path, mtime_ns, ctime_ns in stamps:
            info = os.stat(path)  # noqa: PTH116 - str paths keep the warm path fast
            if info.st_mtime_ns != mtime_ns or info.st_ctime_ns != ctime_ns:
                return None
        files, dir_rows, bytecode, top_level, root_entries, skipped = plain
        entries = []
        for abspath, relpath, module, is_package in files:
            info = os.stat(abspath)  # noqa: PTH116
            entries.append(
                FileEntry(abspath, relpath, module, is_package, info.st_size, info.st_mtime_ns)
            )
    except (OSError, ValueError, TypeError):
        return None
    return Tree(tuple(entries), dir_rows, bytecode, top_level, root_entries, skipped)


class _DirInfo:
    """A directory while the walk reads it."""

    __slots__ = (
        "depth",
        "entries",
        "has_init",
        "has_python",
        "parent",
        "parts",
        "path",
        "relpath",
        "subdirs",
    )

    def __init__(
        self,
        path: str,
        relpath: str,
        parts: tuple[str, ...] | None,
        parent: str | None,
        depth: int,
    ) -> None:
        self.path = path
        self.relpath = relpath
        self.parts = parts
        """Dotted-name parts, or None when some part cannot be imported."""
        self.entries: list[str] = []
        self.subdirs: list[str] = []
        self.has_init = False
        self.has_python = False
        self.parent = parent
        self.depth = depth


# (path, relpath, dotted parts, depth, parent relpath, stat of the directory)
_Pending = tuple[str, str, "tuple[str, ...] | None", int, "str | None", os.stat_result]


class _Walker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root_str = os.fspath(root)
        self.files: list[FileEntry] = []
        self.dirs: dict[str, _DirInfo] = {}
        self.bytecode: list[str] = []
        self.top_level: set[str] = set()
        self.skipped: list[tuple[str, str]] = []
        self.seen: set[tuple[int, int]] = set()
        self.stamps: list[tuple[str, int, int]] = []
        """(path, mtime_ns, ctime_ns) of every directory read: a change in any of
        them (an entry added, removed, renamed, or permissions) means walk again."""

    def stamp(self, path: str, info: os.stat_result) -> None:
        self.stamps.append((path, info.st_mtime_ns, info.st_ctime_ns))

    def _rel(self, path: str) -> str:
        if path == self.root_str:
            return ""
        if path.startswith(self.root_str + os.sep):
            return path[len(self.root_str) + 1 :].replace(os.sep, "/")
        return Path(os.path.relpath(path, self.root_str)).as_posix()

    def walk(self, mount: Mount) -> None:
        start_parts = tuple(mount.prefix.split(".")) if mount.prefix else ()
        if mount.prefix:
            self.top_level.add(start_parts[0])
        start = os.fspath(mount.path)
        try:
            info = os.stat(start)  # noqa: PTH116 - str paths keep the walk fast
        except OSError as err:
            self._skip(self._rel(start), f"cannot read directory: {err.strerror or err}")
            return
        stack: list[_Pending] = [(start, self._rel(start), start_parts, 0, None, info)]
        while stack:
            path, relpath, parts, depth, parent, info = stack.pop()
            if relpath in self.dirs:
                continue
            if depth > MAX_DEPTH:
                self._skip(relpath, f"more than {MAX_DEPTH} directories deep")
                continue
            identity = (info.st_dev, info.st_ino)
            if identity in self.seen:
                self._skip(relpath, "a directory already checked (symlink loop?)")
                continue
            self.seen.add(identity)
            self.stamp(path, info)
            try:
                with os.scandir(path) as scan:
                    entries = list(scan)
            except OSError as err:
                self._skip(relpath, f"cannot read directory: {err.strerror or err}")
                continue
            top = depth == 0 and not mount.prefix
            node = _DirInfo(path, relpath, parts, parent, depth)
            self.dirs[relpath] = node
            for entry in entries:
                self._entry(entry, node, mount, top, stack)

    def _entry(
        self,
        entry: os.DirEntry[str],
        node: _DirInfo,
        mount: Mount,
        top: bool,
        stack: list[_Pending],
    ) -> None:
        name = entry.name
        if name == _CACHE_DIR:
            return  # pkgforge's own cache: not part of the project, and it changes
        node.entries.append(name)
        if name.endswith(".py"):
            try:
                is_dir = entry.is_dir()
            except OSError:
                return
            if not is_dir:
                stem = name[:-3]
                if top and not self._take_module(stem, mount):
                    return
                self._add_file(entry, node, stem, node.parts)
                if top and stem != "__init__":
                    self.top_level.add(stem)
                return
        elif name.endswith(_BYTECODE_SUFFIXES):
            self.bytecode.append(_join(node.relpath, name))
            return
        try:
            if not entry.is_dir():
                return
            info = entry.stat()
        except OSError:
            return
        node.subdirs.append(name)
        if name == "__pycache__":
            self.stamp(entry.path, info)
            self._pycache(entry.path)
        elif not self._skip_dir(name, mount, top):
            child_parts = _child_parts(node.parts, name)
            if mount.exclude and child_parts is not None and _excluded(child_parts, mount.exclude):
                return
            if top:
                self.top_level.add(name)
            relpath = _join(node.relpath, name)
            stack.append((entry.path, relpath, child_parts, node.depth + 1, node.relpath, info))

    def _skip_dir(self, name: str, mount: Mount, top: bool) -> bool:
        if name.startswith(".") or name in _SKIP_DIRS or name.endswith((".egg-info", ".dist-info")):
            return True
        if not top:
            return False
        if mount.only is not None:
            return name not in mount.only
        return mount.flat and (name in _FLAT_EXCLUDED_DIRS or name.startswith("_"))

    @staticmethod
    def _take_module(stem: str, mount: Mount) -> bool:
        if mount.only is not None:
            return stem in mount.only
        if mount.flat:
            return not (stem in _FLAT_EXCLUDED_MODULES or stem.startswith(("_", ".")))
        return True

    def _add_file(
        self, entry: os.DirEntry[str], node: _DirInfo, stem: str, parts: tuple[str, ...] | None
    ) -> None:
        try:
            info = entry.stat()
        except OSError as err:
            self._skip(_join(node.relpath, entry.name), f"cannot stat: {err.strerror or err}")
            return
        if not stat.S_ISREG(info.st_mode):
            return
        is_package = stem == "__init__"
        if is_package:
            node.has_init = True
            module = ".".join(parts) if parts else ""
        else:
            module = ".".join((*parts, stem)) if parts is not None and _importable(stem) else ""
        node.has_python = True
        self.files.append(
            FileEntry(
                entry.path,
                _join(node.relpath, entry.name),
                module,
                is_package and bool(module),
                info.st_size,
                info.st_mtime_ns,
            )
        )

    def _pycache(self, path: str) -> None:
        relpath = self._rel(path)
        try:
            with os.scandir(path) as scan:
                names = [e.name for e in scan]
        except OSError:
            return
        self.bytecode.extend(_join(relpath, n) for n in names if n.endswith(_BYTECODE_SUFFIXES))

    def _skip(self, relpath: str, why: str) -> None:
        log.debug("skipped %s: %s", relpath or ".", why)  # the result carries it
        self.skipped.append((relpath, why))

    def tree(self, root_entries: tuple[str, ...]) -> Tree:
        # A directory matters when Python files live in it or below it.
        for info in sorted(self.dirs.values(), key=lambda d: d.relpath.count("/"), reverse=True):
            if info.has_python and info.parent is not None and info.parent in self.dirs:
                self.dirs[info.parent].has_python = True
        dir_rows = tuple(
            (
                d.path,
                d.relpath,
                tuple(sorted(d.entries)),
                tuple(sorted(d.subdirs)),
                d.has_init,
                ".".join(d.parts) if d.parts else "",
            )
            for d in sorted(self.dirs.values(), key=lambda d: d.relpath)
            if d.has_python
        )
        provided = {f.module.split(".", 1)[0] for f in self.files if f.module}
        top_level = {name for name in self.top_level if name in provided}
        return Tree(
            files=tuple(sorted(self.files, key=lambda f: f.relpath)),
            dir_rows=dir_rows,
            bytecode=tuple(sorted(set(self.bytecode))),
            top_level=tuple(sorted(top_level)),
            root_entries=root_entries,
            skipped=tuple(self.skipped),
        )


def _importable(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def _child_parts(parts: tuple[str, ...] | None, name: str) -> tuple[str, ...] | None:
    if parts is None or not _importable(name):
        return None
    return (*parts, name)


def _excluded(parts: tuple[str, ...], patterns: tuple[str, ...]) -> bool:
    dotted = ".".join(parts)
    return any(fnmatch.fnmatchcase(dotted, p) for p in patterns)
