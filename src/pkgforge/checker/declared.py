"""What a project declares it needs at run time, read from its metadata without running it.

Sources, as the build backends read them: PEP 621 ``[project]`` (``dependencies``,
``optional-dependencies``, ``entry-points``), PEP 735 ``[dependency-groups]``, poetry's
``[tool.poetry]`` tables, pdm's and uv's dev dependencies, hatch environments, and for
setuptools ``[tool.setuptools.dynamic]`` requirement files, setup.cfg's ``[options]`` and the
literal arguments of setup.py's ``setup(...)`` call (read with :mod:`ast`, never run).

What ships with the package (dependencies and extras) is kept apart from what does not
(dependency groups, dev dependencies, environments): a module that needs a group's
distribution fails for a user who installs the wheel. A declaration that exists but cannot
be read (``dynamic = ["dependencies"]`` filled by a hatch metadata hook, a computed
``install_requires``) is recorded in :attr:`Declarations.unknown`, so no rule claims that a
distribution is missing from it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pkgforge._patterns import LazyPattern
from pkgforge.checker.backends.setuptools.script import (
    parse_setup_cfg,
    parse_setup_script,
    resolve,
    setup_keywords,
)
from pkgforge.checker.distmap import installed, requirement_name
from pkgforge.checker.model import shared_view

if TYPE_CHECKING:
    from pkgforge.checker.model import Project

__all__ = [
    "Declarations",
    "Requirement",
    "declarations_of",
    "dependency_closure",
    "read_declarations",
    "requested_extras",
]

# Entry-point groups of scripts: the module runs as a program, not inside a host tool.
_SCRIPT_GROUPS = frozenset({"console_scripts", "gui_scripts"})
_EXTRAS = LazyPattern(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]")
_MARKER = LazyPattern(r";\s*\S")


class Requirement(NamedTuple):
    """One declared distribution."""

    name: str
    """Canonical (PEP 503) distribution name."""
    text: str
    """The requirement as written (what messages quote and PF408 locates)."""
    source: str
    """Where it is declared: ``dependencies``, ``extra 'socks'``, ``group 'test'``..."""
    ships: bool
    """Installed with the package (a dependency or an extra), not a development group."""
    main: bool = False
    """A required dependency (not an extra, not a group): what PF408 judges."""
    file: str = "pyproject.toml"
    """The file that declares it, relative to the project root."""

    @property
    def conditional(self) -> bool:
        """Installed only where its environment marker holds (``; sys_platform == 'win32'``)."""
        return bool(_MARKER.search(self.text))


class Declarations(NamedTuple):
    requirements: tuple[Requirement, ...]
    unknown: str | None
    """Why some declarations could not be read (None when everything was)."""
    found: bool
    """The project declares its metadata somewhere pkgforge looks (else: no opinion)."""
    plugin_modules: frozenset[str]
    """Modules registered in entry points of host tools (``pytest11``, ``sphinx.*``...):
    the host imports them and brings its own dependencies."""
    source_files: tuple[str, ...] = ()
    """Which files the declarations came from (for messages)."""
    entry_modules: frozenset[str] = frozenset()
    """Every module an entry point names, scripts included (``pkg.cli`` for
    ``pkg = "pkg.cli:main"``): loading the entry point imports it first."""

    @property
    def shipped(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.ships)

    @property
    def groups(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if not r.ships)


def requested_extras(requirement: str) -> frozenset[str]:
    """``requests[socks, security]>=2`` -> {"socks", "security"}."""
    match = _EXTRAS.match(requirement)
    if not match:
        return frozenset()
    return frozenset(e.strip().lower() for e in match.group(1).split(",") if e.strip())


def declarations_of(project: Project) -> Declarations:
    """The project's declarations, read once per project model (kept in ``project.extra``,
    as the rules' other derived views are) and shared by PF403, PF407 and PF408."""
    return shared_view(
        project,
        "_declarations",
        Declarations,
        lambda p: read_declarations(p.root, p.pyproject),
    )


def read_declarations(root: Path, pyproject: Mapping[str, Any] | None) -> Declarations:
    """Everything the project at ``root`` declares (never raises)."""
    reader = _Reader(root)
    reader.read(pyproject or {})
    return Declarations(
        tuple(reader.requirements),
        "; ".join(reader.unknown) or None,
        reader.found,
        frozenset(reader.plugins),
        tuple(reader.sources),
        frozenset(reader.entries),
    )


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.requirements: list[Requirement] = []
        self.unknown: list[str] = []
        self.plugins: set[str] = set()
        self.entries: set[str] = set()
        self.sources: list[str] = []
        self.found = False
        self.file = "pyproject.toml"

    def add(self, texts: Iterable[object], source: str, *, ships: bool, main: bool = False) -> None:
        for text in texts:
            if isinstance(text, str) and (name := requirement_name(text)) is not None:
                self.requirements.append(
                    Requirement(name, text.strip(), source, ships, main, self.file)
                )

    def read(self, pyproject: Mapping[str, Any]) -> None:
        project = _table(pyproject, "project")
        tool = _table(pyproject, "tool")
        dynamic = project.get("dynamic", [])
        dynamic = set(dynamic) if isinstance(dynamic, list) else set()
        if project:
            self.found = True
            self.sources.append("pyproject.toml")
            if "dependencies" not in dynamic:
                self.add(
                    _strings(project.get("dependencies")), "dependencies", ships=True, main=True
                )
            if "optional-dependencies" not in dynamic:
                for extra, group in _table(project, "optional-dependencies").items():
                    self.add(_strings(group), f"extra '{extra}'", ships=True)
            self.entry_points(_table(project, "entry-points"))
            for group in ("scripts", "gui-scripts"):
                self.entries.update(_entry_modules(_table(project, group).values()))
        self.groups(pyproject, tool)
        self.mypy_plugins(_table(tool, "mypy").get("plugins"))
        poetry = _table(tool, "poetry")
        if poetry:
            self.found = True
            self.poetry(poetry)
        wanted = {"dependencies", "optional-dependencies"} & dynamic
        if not project:
            if not poetry:
                self.legacy(tool, {"dependencies", "optional-dependencies"}, dynamic=False)
            return
        if poetry:
            return  # poetry-core fills the dynamic fields from [tool.poetry], read above
        if _is_setuptools(pyproject):
            if wanted or "entry-points" in dynamic:
                self.legacy(tool, wanted, dynamic=True)
            return
        wanted = self.hatch_requirements(tool, wanted)
        if wanted:
            backend = _table(pyproject, "build-system").get("build-backend", "its build backend")
            what = " and ".join(sorted(wanted))
            self.unknown.append(
                f"pyproject.toml marks {what} as dynamic; {backend} computes them "
                "(a metadata hook or plugin) where pkgforge cannot read"
            )

    # -- pyproject.toml -----------------------------------------------------------

    def hatch_requirements(self, tool: Mapping[str, Any], wanted: set[str]) -> set[str]:
        """hatch-requirements-txt's hook reads requirement files: so can pkgforge. Returns
        what is still unread."""
        hook = _table(tool, "hatch", "metadata", "hooks", "requirements_txt")
        if not hook:
            return wanted
        left = set(wanted)
        if "dependencies" in left:
            files = hook.get("files", ["requirements.txt"])
            self.requirement_files({"file": files}, "dependencies", main=True)
            left.discard("dependencies")
        optional = _table(hook, "optional-dependencies")
        if "optional-dependencies" in left and optional:
            for extra, files in optional.items():
                self.requirement_files({"file": files}, f"extra '{extra}'", main=False)
            left.discard("optional-dependencies")
        return left

    def entry_points(self, groups: Mapping[str, Any]) -> None:
        for group, entries in groups.items():
            if not isinstance(entries, Mapping):
                continue
            modules = set(_entry_modules(entries.values()))
            self.entries |= modules
            if group not in _SCRIPT_GROUPS:
                self.plugins |= modules

    def mypy_plugins(self, value: object) -> None:
        """``plugins = ["pkg.mypy_plugin"]`` (or a comma-separated string): mypy imports them."""
        names = value.split(",") if isinstance(value, str) else _strings(value)
        self.plugins.update(n.strip().partition(":")[0] for n in names if n.strip())

    def groups(self, pyproject: Mapping[str, Any], tool: Mapping[str, Any]) -> None:
        for group, items in _table(pyproject, "dependency-groups").items():
            # `{include-group = "test"}` entries are read where that group is
            self.add(_strings(items), f"group '{group}'", ships=False)
        for group, items in _table(tool, "pdm", "dev-dependencies").items():
            self.add(_strings(items), f"pdm dev group '{group}'", ships=False)
        self.add(_strings(_table(tool, "uv").get("dev-dependencies")), "uv dev", ships=False)
        for env, table in _table(tool, "hatch", "envs").items():
            if isinstance(table, Mapping):
                for key in ("dependencies", "extra-dependencies"):
                    self.add(_strings(table.get(key)), f"hatch env '{env}'", ships=False)

    def poetry(self, poetry: Mapping[str, Any]) -> None:
        extras = {name for group in _table(poetry, "extras").values() for name in _strings(group)}
        for name, spec in _table(poetry, "dependencies").items():
            if name.lower() == "python":
                continue
            optional = isinstance(spec, Mapping) and spec.get("optional") is True
            source = "poetry extra" if optional or name in extras else "poetry dependencies"
            self.add([_poetry_text(name, spec)], source, ships=True, main=not optional)
        dev = _table(poetry, "dev-dependencies")
        self.add([_poetry_text(n, s) for n, s in dev.items()], "poetry dev", ships=False)
        for group, table in _table(poetry, "group").items():
            deps = _table(table, "dependencies") if isinstance(table, Mapping) else {}
            texts = [_poetry_text(n, s) for n, s in deps.items()]
            self.add(texts, f"poetry group '{group}'", ships=False)
        self.entries.update(_entry_modules(_table(poetry, "scripts").values()))
        for group, entries in _table(poetry, "plugins").items():
            if isinstance(entries, Mapping):
                modules = set(_entry_modules(entries.values()))
                self.entries |= modules
                if group not in _SCRIPT_GROUPS:
                    self.plugins |= modules

    # -- setuptools: dynamic files, setup.cfg, setup.py ----------------------------

    def legacy(self, tool: Mapping[str, Any], wanted: set[str], *, dynamic: bool) -> None:
        """Fill ``wanted`` ({"dependencies", "optional-dependencies"}) from setuptools'
        sources; entry points are read from them whatever ``wanted`` is."""
        files = _table(tool, "setuptools", "dynamic")
        if "dependencies" in wanted and isinstance(files.get("dependencies"), Mapping):
            wanted.discard("dependencies")
            self.requirement_files(files["dependencies"], "dependencies", main=True)
        optional = _table(files, "optional-dependencies")
        if "optional-dependencies" in wanted and optional:
            wanted.discard("optional-dependencies")
            for extra, spec in optional.items():
                if isinstance(spec, Mapping):
                    self.requirement_files(spec, f"extra '{extra}'", main=False)
        cfg, script = self.root / "setup.cfg", self.root / "setup.py"
        seen: dict[str, bool] = {}
        if cfg.is_file():
            self.found = True
            self.sources.append("setup.cfg")
            self.file = "setup.cfg"
            seen.update(self.setup_cfg(cfg, wanted))
        if script.is_file():
            self.found = True
            self.sources.append("setup.py")
            self.file = "setup.py"
            seen.update(self.setup_py(script, wanted))
        self.file = "pyproject.toml"
        missing = {key for key in wanted if not seen.get(key, False)}
        if "dependencies" in missing and seen.get(_PLUGIN, False):
            self.unknown.append(
                "setup.py hands setup() to a setup_requires plugin, which may compute "
                "install_requires (pbr reads requirements.txt)"
            )
        if dynamic and missing and not (cfg.is_file() or script.is_file()):
            what = " and ".join(sorted(missing))
            self.unknown.append(
                f"pyproject.toml marks {what} as dynamic and pkgforge cannot read where "
                "the build backend computes them"
            )

    def requirement_files(self, spec: Mapping[str, Any], source: str, *, main: bool) -> None:
        files = spec.get("file")
        names = [files] if isinstance(files, str) else _strings(files)
        for name in names:
            lines = _requirement_lines(self.root / name, set())
            if lines is None:
                self.unknown.append(f"cannot read the requirements file {name}")
                continue
            self.file = name
            self.add(lines, source, ships=True, main=main)
        self.file = "pyproject.toml"

    def setup_cfg(self, path: Path, wanted: set[str]) -> dict[str, bool]:
        try:
            sections = parse_setup_cfg(path.read_bytes())
        except OSError:
            sections = None
        if sections is None:
            self.unknown.append("setup.cfg does not parse")
            return {}
        options = sections.get("options", {})
        seen: dict[str, bool] = {}
        if "dependencies" in wanted and "install_requires" in options:
            value = options["install_requires"]
            if value.strip().startswith("file:"):
                self.unknown.append("setup.cfg reads install_requires from a file")
            else:
                self.add(value.splitlines(), "dependencies", ships=True, main=True)
                seen["dependencies"] = True
        if "optional-dependencies" in wanted and "options.extras_require" in sections:
            for extra, value in sections["options.extras_require"].items():
                self.add(value.splitlines(), f"extra '{extra}'", ships=True)
            seen["optional-dependencies"] = True
        if "plugins" in sections.get("mypy", {}):
            self.mypy_plugins(sections["mypy"]["plugins"])
        for group, value in sections.get("options.entry_points", {}).items():
            modules = set(_entry_points(value.splitlines()))
            self.entries |= modules
            if group not in _SCRIPT_GROUPS:
                self.plugins |= modules
        return seen

    def setup_py(self, path: Path, wanted: set[str]) -> dict[str, bool]:
        try:
            script = parse_setup_script(path.read_bytes())
        except OSError:
            script = None
        if script is None:
            self.unknown.append("setup.py does not parse")
            return {}
        call = script.setup_call
        if call is None:
            if wanted:
                self.unknown.append("setup.py has no setup(...) call pkgforge can read")
            return {}
        names = script.bindings
        # `setup(**OPTIONS)` with OPTIONS a dict literal used nowhere else is read through
        keywords, complete = setup_keywords(script)
        splat = not complete
        # a plugin setup() loads first may fill what the call leaves out
        seen: dict[str, bool] = {_PLUGIN: "setup_requires" in keywords}
        for key, what in (
            ("install_requires", "dependencies"),
            ("extras_require", "optional-dependencies"),
        ):
            if what not in wanted:
                continue
            if key not in keywords:
                if splat:
                    self.unknown.append(f"setup.py passes **kwargs to setup(), which may set {key}")
                continue
            value = _literal(keywords[key], names)
            if value is _UNREADABLE:
                self.unknown.append(f"setup.py computes {key}")
                continue
            seen[what] = True
            if key == "install_requires":
                self.add(_requirement_texts(value), "dependencies", ships=True, main=True)
            elif isinstance(value, Mapping):
                for extra, items in value.items():
                    self.add(_requirement_texts(items), f"extra '{extra}'", ships=True)
        if "entry_points" in keywords:
            value = _literal(keywords["entry_points"], names)
            if isinstance(value, Mapping):
                for group, entries in value.items():
                    lines = entries.splitlines() if isinstance(entries, str) else entries
                    modules = set(_entry_points(_requirement_texts(lines)))
                    self.entries |= modules
                    if group not in _SCRIPT_GROUPS:
                        self.plugins |= modules
        return seen


_UNREADABLE = object()
_PLUGIN = "setup_requires plugin"


def _literal(node: ast.expr, names: Mapping[str, ast.expr | None]) -> Any:
    value = resolve(node, names)
    if value is None:
        return _UNREADABLE
    try:
        return ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNREADABLE


def _requirement_texts(value: object) -> list[str]:
    if isinstance(value, str):
        return value.splitlines()
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def _entry_points(lines: Iterable[str]) -> Iterator[str]:
    """``name = module.path:attr [extra]`` -> ``module.path``."""
    for line in lines:
        _, eq, value = line.partition("=")
        if eq:
            yield from _entry_modules([value])


def _entry_modules(values: Iterable[object]) -> Iterator[str]:
    """``module.path:attr [extra]`` -> ``module.path`` (the values of an entry-point table)."""
    for value in values:
        if isinstance(value, str):
            module = value.partition(":")[0].strip().partition(" ")[0]
            if module:
                yield module


def _requirement_lines(path: Path, seen: set[Path]) -> list[str] | None:
    """The requirements of a pip requirements file, following ``-r`` includes."""
    if path in seen or len(seen) > 16:
        return []
    seen.add(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return None
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            included = _requirement_lines(path.parent / line.split(None, 1)[1], seen)
            if included is None:
                return None
            lines += included
        elif not line.startswith("-"):
            lines.append(line)
    return lines


def _poetry_text(name: str, spec: object) -> str:
    markers = spec.get("markers") if isinstance(spec, Mapping) else None
    platform = spec.get("platform") if isinstance(spec, Mapping) else None
    if isinstance(markers, str) and markers:
        return f"{name}; {markers}"
    if isinstance(platform, str) and platform:
        return f"{name}; sys_platform == '{platform}'"
    return name


def _is_setuptools(pyproject: Mapping[str, Any]) -> bool:
    backend = _table(pyproject, "build-system").get("build-backend")
    # no [build-system] means setuptools' legacy backend (PEP 517)
    return not isinstance(backend, str) or backend.startswith("setuptools")


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key) if isinstance(data, Mapping) else None
        if not isinstance(value, Mapping):
            return {}
        data = value
    return data


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def dependency_closure(declared: Sequence[Requirement], sites: tuple[str, ...]) -> dict[str, str]:
    """Distribution -> the declared distribution it comes with, for every distribution the
    declared ones require (their extras' requirements only when the extra is requested)."""
    index = installed(sites)
    found: dict[str, str] = {}
    queue = [(r.name, r.name, requested_extras(r.text)) for r in declared]
    while queue and len(found) < 2000:
        name, root, extras = queue.pop()
        dist = index.get(name)
        if dist is None:
            continue
        for text in dist.requires:
            required = requirement_name(text)
            if required is None or required == root or required in found:
                continue
            extra = _extra_of(text)
            if extra is not None and extra not in extras:
                continue
            found[required] = root
            queue.append((required, root, requested_extras(text)))
    return found


def _extra_of(requirement: str) -> str | None:
    """``pysocks ; extra == "socks"`` -> ``socks`` (markers are otherwise taken as true)."""
    marker = requirement.partition(";")[2]
    if "extra" not in marker:
        return None
    for quote in ("'", '"'):
        _, found, rest = marker.partition(f"extra == {quote}")
        if not found:
            _, found, rest = marker.partition(f"extra=={quote}")
        if found:
            return rest.partition(quote)[0].lower()
    return None
