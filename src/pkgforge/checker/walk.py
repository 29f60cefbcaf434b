"""The walk: every Python file, package directory and bytecode file under the package roots.

It uses ``os.scandir`` (one system call per directory, one ``stat`` per Python
file and directory), never follows a directory twice, so symlink loops end,
and remembers the directory stamps of its last walk so that a warm ``check``
of an unchanged tree only stats directories and files.
"""

from __future__ import annotations

import fnmatch
import keyword
import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pkgforge.checker.discover import Layout, Mount, join

if TYPE_CHECKING:
    from collections.abc import Callable

    from pkgforge.checker.model import Directory

__all__ = ["MAX_DEPTH", "DirRow", "FileEntry", "Tree", "tree_digest", "walk_tree"]

log = logging.getLogger("pkgforge")

MAX_DEPTH = 48
"""Directories nested deeper than this below a package root are skipped (and reported)."""

# Never part of an importable package, and often huge, wherever they are.
_SKIP_DIRS = frozenset({"__pycache__", "__pypackages__", "node_modules", "site-packages"})
# Build outputs and virtualenvs, but only at the project root: a package of the same
# name deeper down (`pkg/build/`, `pkg/env/`) is real code that ships.
_ROOT_SKIP_DIRS = frozenset({"build", "dist", "env", "venv"})
# setuptools' flat-layout auto-discovery leaves these out of a distribution
# (FlatLayoutPackageFinder._EXCLUDE, compared case-insensitively: Doc/, Tools/),
# and so does pkgforge when the project root is itself the package root, adding
# other folders that never ship: demos, vendored build tools, meson subprojects.
_FLAT_EXCLUDED_DIRS = frozenset(
    (
        *("benchmark", "benchmarks", "bin", "build", "changelog", "ci", "debian", "dist"),
        *("doc", "docs", "documentation", "env", "example", "examples", "exercise"),
        *("exercises", "fabfile", "htmlcov", "manpages", "news", "newsfragments", "python"),
        *("requirements", "scripts", "site_scons", "tasks", "test", "tests", "tools"),
        *("unit_test", "unit_tests", "util", "utils", "venv"),
        # pkgforge's additions: folders of this kind are not package code either.
        *("asv_bench", "bench", "build_tools", "buildtools", "build_utils", "demo", "demos"),
        *("devtools", "sample", "samples", "subprojects", "tutorial", "tutorials"),
    )
)
# FlatLayoutModuleFinder.DEFAULT_EXCLUDE (`[Ss][Cc]onstruct` as sconstruct), and
# vendored build helpers that sit at the root.
_FLAT_EXCLUDED_MODULES = frozenset(
    (
        *("benchmark", "benchmarks", "build", "conanfile", "conftest", "dodo", "example"),
        *("examples", "exercise", "exercises", "fabfile", "manage", "noxfile", "pavement"),
        *("sconstruct", "setup", "tasks", "test", "tests", "toxfile"),
        *("distribute_setup", "ez_setup", "versioneer"),
    )
)
# Left out of a flat layout, but where mixed projects keep their Python package.
_STRAY_PLACES = frozenset({"python", "util", "utils"})
_MAX_STRAY_DIRS = 2000
"""How many directories the search for Python outside the mounts reads at most."""
_BYTECODE_SUFFIXES = (".pyc", ".pyo")
_CACHE_DIR = ".pkgforge_cache"  # cache.CACHE_DIR_NAME, not imported to keep discovery light


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
    strays: tuple[str, ...] = ()
    """When no module ships: a few Python files found elsewhere (for PF105's hint)."""
    digest: str = ""
    """:func:`tree_digest` of the tree, when the walk kept it in the memo ('' else)."""

    @property
    def directories(self) -> tuple[Directory, ...]:
        """The model's Directory objects (built on demand: a warm run never needs them)."""
        from pkgforge.checker.model import Directory

        return tuple(Directory(Path(row[0]), *row[1:]) for row in self.dir_rows)


def walk_tree(
    layout: Layout,
    *,
    memo: dict[str, Any] | None = None,
    on_file: Callable[[FileEntry], object] | None = None,
) -> Tree:
    """Every Python file, package directory and bytecode file under the package roots.

    With ``memo`` (the cache's), the last walk is reused when no directory it read
    has changed (same mtime and ctime): then only the Python files are stat'ed.
    ``on_file`` is called with each Python file as a fresh walk finds it (the tree may
    still leave some out), so that parsing can start before the walk ends.
    """
    key = repr((os.fspath(layout.root), [m.key() for m in layout.mounts]))
    remembered = (memo or {}).get("tree")
    if isinstance(remembered, tuple) and len(remembered) == 4 and remembered[0] == key:
        tree = _revalidate(remembered[1], remembered[2])
        if tree is not None:
            return tree._replace(digest=remembered[3])
    walker = _Walker(layout.root, on_file)
    for mount in sorted(layout.mounts, key=_walk_order):
        walker.walk(mount)
    try:
        walker.stamp(os.fspath(layout.root), os.stat(layout.root))  # noqa: PTH116
        # Hidden names (.git, .pkgforge_cache) say nothing about the project's metadata.
        root_entries = tuple(sorted(p.name for p in layout.root.iterdir() if p.name[0] != "."))
    except OSError:
        root_entries = ()
    tree = walker.tree(root_entries)
    if not tree.files:
        tree = tree._replace(strays=walker.strays())
    if memo is not None:
        digest = tree_digest(tree)
        memo["tree"] = (key, tuple(walker.stamps), _plain_tree(tree), digest)
        tree = tree._replace(digest=digest)
    return tree


def tree_digest(tree: Tree) -> str:
    """A digest of what the walk found (not of the files' versions): what a check's
    findings depend on of the project's tree."""
    from pkgforge.checker.digests import hexdigest

    return hexdigest(repr(_plain_tree(tree)).encode("utf-8", "surrogateescape"), 20)


def _walk_order(mount: Mount) -> tuple[int, int]:
    """Mapped packages first, the deepest first, so that a walk of their parent does not
    claim them under the wrong name; then the plain roots, the outermost first, so that
    one below another is named from the outer root."""
    depth = len(mount.path.parts)
    return (0, -depth) if mount.prefix else (1, depth)


def _plain_tree(tree: Tree) -> tuple[object, ...]:
    """The tree as tuples of strings and numbers (the cache admits nothing else)."""
    files = tuple((f.abspath, f.relpath, f.module, f.is_package) for f in tree.files)
    return (
        files,
        tree.dir_rows,
        tree.bytecode,
        tree.top_level,
        tree.root_entries,
        tree.skipped,
        tree.strays,
    )


def _revalidate(stamps: Any, plain: Any) -> Tree | None:
    """The remembered tree if every directory is unchanged, with fresh file stats."""
    try:
        for path, mtime_ns, ctime_ns in stamps:
            info = os.stat(path)  # noqa: PTH116 - str paths keep the warm path fast
            if info.st_mtime_ns != mtime_ns or info.st_ctime_ns != ctime_ns:
                return None
        files, dir_rows, bytecode, top_level, root_entries, skipped, strays = plain
        entries = []
        for abspath, relpath, module, is_package in files:
            info = os.stat(abspath)  # noqa: PTH116
            entries.append(
                FileEntry(abspath, relpath, module, is_package, info.st_size, info.st_mtime_ns)
            )
    except (OSError, ValueError, TypeError):
        return None
    return Tree(tuple(entries), dir_rows, bytecode, top_level, root_entries, skipped, strays)


class _DirInfo:
    """A directory while the walk reads it."""

    __slots__ = (
        "depth",
        "entries",
        "excluded",
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
        self.excluded = False
        """A package that ``packages.find`` excludes: its own modules do not ship."""


# (path, relpath, dotted parts, depth, parent relpath, stat of the directory)
_Pending = tuple[str, str, "tuple[str, ...] | None", int, "str | None", os.stat_result]


class _Walker:
    def __init__(self, root: Path, on_file: Callable[[FileEntry], object] | None = None) -> None:
        self.root = root
        self.on_file = on_file
        self.root_str = os.fspath(root)
        self.files: list[FileEntry] = []
        self.dirs: dict[str, _DirInfo] = {}
        self.bytecode: list[str] = []
        self.top_level: set[str] = set()
        self.skipped: list[tuple[str, str]] = []
        self.seen: set[tuple[int, int]] = set()
        self.packages_win: list[tuple[str, frozenset[str]]] = []
        """Relpaths of flat mounts whose top modules ship only when no package does."""
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
        if mount.packages_win:
            self.packages_win.append((self._rel(start), mount.named))
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
            if depth and any(entry.name == "pyvenv.cfg" for entry in entries):
                log.debug("skipped %s: a virtualenv", relpath)
                continue
            top = depth == 0
            node = _DirInfo(path, relpath, parts, parent, depth)
            node.excluded = bool(mount.exclude and parts and _excluded(parts, mount.exclude))
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
        if _templated(name):
            return  # a template's Jinja (`{{cookiecutter.project_slug}}/`): not package code
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
                if node.excluded or (mount.skip and _skipped(join(node.relpath, name), mount.skip)):
                    return
                self._add_file(entry, node, stem, node.parts)
                if top and stem != "__init__" and not mount.prefix:
                    self.top_level.add(stem)
                return
        elif name.endswith(_BYTECODE_SUFFIXES):
            self.bytecode.append(join(node.relpath, name))
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
        elif not self._skip_dir(entry, mount, top, node.relpath == ""):
            child_parts = _child_parts(node.parts, name)
            if mount.exclude and child_parts is not None:
                if _all_excluded(child_parts, mount.exclude):
                    return
                init = os.path.join(entry.path, "__init__.py")  # noqa: PTH118
                if node.excluded and mount.needs_init and not os.path.isfile(init):  # noqa: PTH113
                    return  # below an excluded package plain find finds only packages
            relpath = join(node.relpath, name)
            if mount.skip and _skipped(relpath, mount.skip):
                return
            if top and not mount.prefix:
                self.top_level.add(name)
            stack.append((entry.path, relpath, child_parts, node.depth + 1, node.relpath, info))

    @staticmethod
    def _skip_dir(entry: os.DirEntry[str], mount: Mount, top: bool, at_root: bool) -> bool:
        name = entry.name
        if name.startswith(".") or name in _SKIP_DIRS or name.endswith((".egg-info", ".dist-info")):
            return True
        if top and mount.only is not None:
            return name not in mount.only
        if at_root and name in _ROOT_SKIP_DIRS:
            return True
        return top and mount.flat and _flat_excluded_dir(entry)

    @staticmethod
    def _take_module(stem: str, mount: Mount) -> bool:
        if mount.only is not None:
            return stem in mount.only
        if mount.flat:
            return _flat_module(stem) or stem in mount.named
        return True

    def _add_file(
        self, entry: os.DirEntry[str], node: _DirInfo, stem: str, parts: tuple[str, ...] | None
    ) -> None:
        try:
            info = entry.stat()
        except OSError as err:
            self._skip(join(node.relpath, entry.name), f"cannot stat: {err.strerror or err}")
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
        found = FileEntry(
            entry.path,
            join(node.relpath, entry.name),
            module,
            is_package and bool(module),
            info.st_size,
            info.st_mtime_ns,
        )
        self.files.append(found)
        if self.on_file is not None:
            self.on_file(found)

    def _pycache(self, path: str) -> None:
        relpath = self._rel(path)
        try:
            with os.scandir(path) as scan:
                names = [e.name for e in scan]
        except OSError:
            return
        self.bytecode.extend(join(relpath, n) for n in names if n.endswith(_BYTECODE_SUFFIXES))

    def _skip(self, relpath: str, why: str) -> None:
        log.debug("skipped %s: %s", relpath or ".", why)  # the result carries it
        self.skipped.append((relpath, why))

    def strays(self) -> tuple[str, ...]:
        """A few Python files outside what ships, for when nothing ships (bounded search).

        The places that never hold package code (tests/, docs/, setup.py, virtualenvs...)
        are left out: a project of tests alone has no modules to miss.
        """
        found: list[str] = []
        pending = [(self.root_str, "")]
        read = 0
        while pending and read < _MAX_STRAY_DIRS and len(found) < 5:
            path, relpath = pending.pop()
            read += 1
            try:
                self.stamp(path, os.stat(path))  # noqa: PTH116
                with os.scandir(path) as scan:
                    entries = sorted(scan, key=lambda e: e.name, reverse=True)
            except OSError:
                continue
            if relpath and any(e.name == "pyvenv.cfg" for e in entries):
                continue
            for entry in entries:
                name = entry.name
                at_root = not relpath
                if _templated(name):
                    continue
                if name.endswith(".py") and entry.is_file():
                    if not (at_root and not _flat_module(name[:-3])):
                        found.append(join(relpath, name))
                elif (
                    entry.is_dir(follow_symlinks=False)
                    and name != _CACHE_DIR
                    and (
                        name.lower() in _STRAY_PLACES
                        or not self._skip_dir(entry, Mount(self.root, flat=True), at_root, at_root)
                    )
                ):
                    pending.append((entry.path, join(relpath, name)))
        return tuple(sorted(found))

    def tree(self, root_entries: tuple[str, ...]) -> Tree:
        # A directory matters when Python files live in it or below it.
        for info in sorted(self.dirs.values(), key=lambda d: d.relpath.count("/"), reverse=True):
            if info.has_python and info.parent is not None and info.parent in self.dirs:
                self.dirs[info.parent].has_python = True
        for relpath, named in self.packages_win:
            self._drop_modules_beside_packages(relpath, named)
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

    def _drop_modules_beside_packages(self, relpath: str, named: frozenset[str]) -> None:
        """setuptools' flat layout ships the top modules only when it finds no package
        (those an entry point names stay: their names are checked)."""
        packages = [
            d for d in self.dirs.values() if d.parent == relpath and d.depth == 1 and d.has_python
        ]
        if not packages:
            return
        dropped = {
            f.relpath
            for f in self.files
            if f.relpath.rpartition("/")[0] == relpath
            and f.relpath.rpartition("/")[2].removesuffix(".py") not in named
        }
        self.files = [f for f in self.files if f.relpath not in dropped]
        for name in dropped:
            self.top_level.discard(name.rpartition("/")[2].removesuffix(".py"))


def _templated(name: str) -> bool:
    """A file or folder name that a template engine renders (cookiecutter's, copier's)."""
    return "{{" in name or "{%" in name


def _flat_excluded_dir(entry: os.DirEntry[str]) -> bool:
    """What flat-layout discovery leaves out: the reserved names (any case), _private,
    and names that are not identifiers (setuptools requires one, or a -stubs suffix)
    unless an `__init__.py` says the author meant a package (PF201 reports the name)."""
    name = entry.name
    if name.startswith("_") or name.lower() in _FLAT_EXCLUDED_DIRS:
        return True
    if _importable(name) or name.endswith("-stubs"):
        return False
    return not os.path.isfile(os.path.join(entry.path, "__init__.py"))  # noqa: PTH113, PTH118


def _flat_module(stem: str) -> bool:
    """Whether flat-layout discovery takes ``stem.py`` at the top as a module."""
    return _importable(stem) and not (
        stem.startswith("_") or stem.lower() in _FLAT_EXCLUDED_MODULES
    )


def _skipped(relpath: str, patterns: tuple[str, ...]) -> bool:
    """Whether a backend's exclude pattern (gitignore-like) matches this root-relative path."""
    name = relpath.rpartition("/")[2]
    for raw in patterns:
        pattern = raw.rstrip("/")
        for suffix in ("/**/*", "/**"):
            pattern = pattern.removesuffix(suffix)
        if "/" in pattern:
            if fnmatch.fnmatchcase(relpath, pattern.lstrip("/")):
                return True
        elif pattern and fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def _importable(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def _child_parts(parts: tuple[str, ...] | None, name: str) -> tuple[str, ...] | None:
    if parts is None or not _importable(name):
        return None
    return (*parts, name)


def _excluded(parts: tuple[str, ...], patterns: tuple[str, ...]) -> bool:
    dotted = ".".join(parts)
    return any(fnmatch.fnmatchcase(dotted, p) for p in patterns)


def _all_excluded(parts: tuple[str, ...], patterns: tuple[str, ...]) -> bool:
    """Whether the package and every package below it are excluded: a matching pattern
    that ends in ``*`` (``tests*``) matches them all. setuptools still finds the
    subpackages of a package that only an exact pattern (``azure``) excludes."""
    dotted = ".".join(parts)
    return any(p.endswith("*") and fnmatch.fnmatchcase(dotted, p) for p in patterns)
