"""PF407/PF408: the third-party imports of the package against the distributions it declares.

An undeclared import is an error only when pkgforge can prove that it fails for a user
who installs the package: it runs at import time on every supported Python and platform,
it sits in the package's own code (not tests, examples, or a plugin module that a host tool
loads with its own dependencies), and no declared dependency provides it, as far as the
installed metadata of every declared dependency shows. Anything short of that is a warning
(it fails only on some paths, or only for users without a development group, or works only
through another distribution's dependencies) or one info finding per project that says what
pkgforge could not see (dynamic metadata, dependencies that are not installed here).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from pkgforge.checker.backends.mounts import project_name
from pkgforge.checker.certainty import Certainty, Reach
from pkgforge.checker.declared import (
    Declarations,
    Requirement,
    declarations_of,
    dependency_closure,
)
from pkgforge.checker.distmap import (
    KNOWN_IMPORT_NAMES,
    canonical,
    guessed_import_names,
    installed,
    is_stdlib,
    provides,
)
from pkgforge.checker.findings import Severity
from pkgforge.checker.graph import ImportGraph, graph_of
from pkgforge.checker.model import Project, SourceFile
from pkgforge.checker.rules.base import Applicability, Hit, each, rule
from pkgforge.checker.rules.imports import _is_package_code, _only_means_sibling, _statement
from pkgforge.checker.sites import project_site_dirs
from pkgforge.checker.summary import ImportInfo, ImportScope

__all__ = ["undeclared_dependency", "unused_dependency"]


class _Use(NamedTuple):
    """A third-party import of package code."""

    file: SourceFile
    info: ImportInfo
    key: str
    """The dotted module it needs (``yaml``, ``google.auth``)."""

    @property
    def top(self) -> str:
        return self.key.partition(".")[0]


# Directories inside a package that hold vendored copies of other distributions.
_VENDOR_DIRS = frozenset(
    {"vendor", "vendored", "extern", "externals", "external", "third_party", "thirdparty", "deps"}
)


def _third_party_imports(
    project: Project, file: SourceFile, vendored: frozenset[str]
) -> Iterator[_Use]:
    """Each absolute import of package code in ``file`` that is neither the project's own
    (its packages, its portions of a shared namespace, its ``vendored`` copies:
    :func:`_vendored_names`) nor the standard library (PF407 and PF408)."""
    if not _is_package_code(file) or _is_test_like(file.module):
        return
    graph = graph_of(project)
    package = file.module if file.is_package else file.module.rpartition(".")[0]
    for info in file.summary.imports:
        if info.level or not info.module:
            continue
        if info.is_from and info.module in graph.shared and info.module not in graph.modules:
            # `from google import auth` under a namespace shared with other
            # distributions: each name is a portion's module (`google.auth`)
            for name in info.names:
                dotted = f"{info.module}.{name}"
                if name != "*" and not graph.is_first_party(dotted):
                    yield _Use(file, info, dotted)
            continue
        key = _third_party_key(graph, info.module)
        if key is None or key.partition(".")[0] in vendored:
            continue
        top = key.partition(".")[0]
        own_name = file.module.rpartition(".")[2]
        if package and top != own_name and _only_means_sibling(graph, package, info, top):
            continue  # an implicit relative import (PF403), not a third-party one
        yield _Use(file, info, key)


def _is_test_like(module: str) -> bool:
    """Test suites under other names (flit's ``tests_core``, ``testsuite``, ``unittests``):
    they import what they test for, on purpose."""
    top, *rest = module.lower().split(".")
    if top.startswith("tests") or top.endswith("tests") or top == "testsuite":
        return True  # not `testfixtures` or `testcontainers`: real packages start so too
    return any(p.startswith("test") or p.endswith("tests") for p in rest)


def _third_party_key(graph: ImportGraph, module: str) -> str | None:
    top = module.partition(".")[0]
    if is_stdlib(top) or graph.is_first_party(module):
        return None
    # under a namespace the project shares with other distributions (`google`), it owns
    # only its portions: `import google.auth` inside google.api_core is a dependency
    return module


def _vendored_names(project: Project) -> frozenset[str]:
    """Top-level names that the project itself may answer for through another mount or a
    vendored copy: not judged as third-party. ``lib/yaml/`` under a folder without
    ``__init__.py`` is ``yaml`` when ``lib`` is the package root (pyyaml's
    ``package_dir``), whatever discovery made of it; ``pip._vendor`` put on sys.path,
    setuptools' ``_vendor``."""
    graph = graph_of(project)
    # `sys.path.insert(0, os.path.dirname(__file__))` serves a package's modules as top names
    on_path = graph.path_inserters()
    # the rest depends on the tree alone: kept in the cache's memo between runs
    memo = project.extra.get("memo")
    key = (project.extra.get("tree_digest"), tuple(sorted(on_path)))
    cached = memo.get("vendored-names") if isinstance(memo, dict) else None
    if key[0] and isinstance(cached, tuple) and len(cached) == 2 and cached[0] == key:
        return frozenset(cached[1])
    names = _vendored_below(project, on_path)
    if key[0] and isinstance(memo, dict):
        memo["vendored-names"] = (key, tuple(sorted(names)))
    return names


def _vendored_below(project: Project, on_path: frozenset[str]) -> frozenset[str]:
    graph = graph_of(project)
    names: set[str] = set()
    for module in (*project.modules, *graph.packages):
        parent, _, name = module.rpartition(".")
        if parent in on_path:
            names.add(name)
        if parent and not any(p in project.modules for p in graph.parents(module)):
            names.add(name)  # below folders without __init__.py: a mount may serve it
        parts = module.split(".")
        for i, part in enumerate(parts[:-1]):
            if part.strip("_").lower() in _VENDOR_DIRS:
                names.add(parts[i + 1])
    return frozenset(names)


# -- where an import sits ---------------------------------------------------------------

# Host tools that import their plugin modules: a module named after one (`pydantic.mypy`,
# `pkg.sphinx_roles`, `pytest_foo`, `sphinxcontrib.x`) is loaded by that host, which brings
# its own dependencies; the module is not imported by the package's users.
# (Other hosts, such as setuptools or tox, find their plugins through entry points.)
_HOSTS = frozenset({"pytest", "sphinx", "sphinxext", "sphinxcontrib", "mypy", "pylint", "flake8"})
# Package directories of examples and documentation: shipped by mistake, not imported by users.
_NOT_USED_DIRS = frozenset(
    {"examples", "example", "docs", "demo", "demos", "benchmarks", "tutorials", "tutorial"}
)


def _lesser_module(use: _Use, declarations: Declarations, hosts: frozenset[str]) -> str | None:
    """Why the importing module is not package code its users import (None when it is): a
    plugin module a host tool loads, an example shipped inside the package. Whether the
    package's start runs it (an optional integration otherwise) is decided apart, by
    :meth:`~pkgforge.checker.graph.ImportGraph.run_on_start`."""
    module = use.file.module
    for plugin in declarations.plugin_modules:
        if module == plugin or module.startswith(plugin + "."):
            return "a plugin registered in an entry point, which its host tool imports"
    parts = module.lower().split(".")
    for part in parts:
        tokens = part.strip("_").split("_")
        if hosts.intersection(tokens) or part.endswith(("plugin", "plugins")):
            return "a plugin module of a host tool (pytest, sphinx, mypy...), which imports it"
    dirs = parts[1:] if use.file.is_package else parts[1:-1]
    for part in dirs:
        if part in _NOT_USED_DIRS:
            return f"an example or documentation module ({part}/), not what users import"
    if use.top.lower() in dirs:
        # `array_api_compat/torch/_aliases.py` importing torch: the adapter for a library,
        # imported only where that library is installed
        return f"the adapter package for `{use.top}`, imported where `{use.top}` is installed"
    return None


# -- who provides an import ---------------------------------------------------------------


class _Status(enum.Enum):
    DIRECT = "direct"
    GROUP = "group"
    TRANSITIVE = "transitive"
    CONDITIONAL = "conditional"
    UNKNOWN = "unknown"
    MISSING = "missing"


class _Answer(NamedTuple):
    status: _Status
    detail: str = ""


def _names(requirements: Iterable[Requirement]) -> str:
    """The distributions, each named once (a name declared twice, or with two markers)."""
    return ", ".join(dict.fromkeys(r.name for r in requirements))


class _Provided:
    """Who provides a dotted import name. Cheap guesses from the declared names come first;
    the installed metadata (slower: it lists sys.path and reads RECORD files) is read only
    for an import the guesses do not cover, once per check."""

    def __init__(
        self, declarations: Declarations, sites: tuple[str, ...], own: str | None = None
    ) -> None:
        self.sites = sites
        # `sound[cli]` in sound's own extras is the project, not a third party
        self.shipped = tuple(r for r in declarations.shipped if r.name != own)
        self.groups = tuple(r for r in declarations.groups if r.name != own)
        self.guessed: set[str] = set()
        for requirement in self.shipped:
            self.guessed |= guessed_import_names(requirement.name)
        self.resolved = False
        self.known: set[str] = set()
        self.not_installed: list[Requirement] = []
        self.closure: dict[str, str] | None = None

    def _resolve(self) -> None:
        self.index = index = installed(self.sites)
        for requirement in self.shipped:
            found = index.get(requirement.name)
            if found is not None and found.names:
                self.known |= found.names
            else:
                self.not_installed.append(requirement)
                self.known |= guessed_import_names(requirement.name)
        self.resolved = True

    def answer(self, key: str) -> _Answer:
        if provides(self.guessed, key):
            return _Answer(_Status.DIRECT)
        if not self.resolved:
            self._resolve()
        if provides(self.known, key):
            return _Answer(_Status.DIRECT)
        for requirement in self.groups:
            if provides(self.index.names_of(requirement.name), key):
                return _Answer(_Status.GROUP, f"{requirement.source} ({requirement.file})")
        via = self._transitive(key)
        if via is not None:
            return _Answer(_Status.TRANSITIVE, via)
        unconditional = [r for r in self.not_installed if not r.conditional]
        if unconditional:
            # what a declared dependency that is not installed here brings along cannot be
            # seen, whoever provides the import (matplotlib brings pillow's `PIL`)
            return _Answer(_Status.UNKNOWN, _names(unconditional))
        if self.not_installed:
            return _Answer(_Status.CONDITIONAL, _names(self.not_installed))
        return _Answer(_Status.MISSING, self.index.owner_of(key) or "")

    def _transitive(self, key: str) -> str | None:
        """The declared distribution whose own dependencies bring ``key``, if one does."""
        if self.closure is None:
            self.closure = dependency_closure(self.shipped, self.sites)
        for name, via in self.closure.items():
            if provides(self.index.names_of(name), key):
                return f"{name}, a dependency of {via}"
        return None


# Often present but not promised: `python -m venv` brings pip everywhere and setuptools
# before Python 3.12; uv's venvs bring neither.
_USUALLY_PRESENT = frozenset({"setuptools", "pkg_resources", "_distutils_hack", "pip", "wheel"})
_SETUPTOOLS = frozenset({"setuptools", "pkg_resources", "_distutils_hack"})


def _usually_present(top: str, floor: object) -> bool:
    """Whether some supported environment has ``top`` without declaring it: setuptools
    only while the oldest supported Python (``floor``) is below 3.12."""
    if top in _SETUPTOOLS:
        return not (isinstance(floor, tuple) and floor >= (3, 12))
    return top in _USUALLY_PRESENT


def _is_optional(info: ImportInfo) -> bool:
    """Guarded by ``try/except ImportError``: the module copes without it."""
    return info.optional or info.scope is ImportScope.OPTIONAL


def _is_guarded(info: ImportInfo) -> bool:
    return _is_optional(info) or info.scope is ImportScope.TYPE_CHECKING


@rule(
    "PF407",
    "undeclared-dependency",
    "a third-party import is not a declared dependency",
    fix=Applicability.UNSAFE,
    fixer="dependencies:declare_dependency",
)
def undeclared_dependency(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a third-party import in the package's modules that no declared distribution
    provides: `[project].dependencies` and extras (also poetry's tables, setuptools'
    dynamic requirement files, setup.cfg `[options]` and setup.py's literal arguments).
    Import names are mapped to distributions without importing anything: the declared
    names, a table of well-known mismatches (`yaml` is PyYAML), and the installed
    distributions' RECORD, dotted where a namespace is shared (`google.protobuf` is
    protobuf, `google.auth` is google-auth).

    ## Why is this bad?
    It works on the author's machine, where the distribution happens to be
    installed, and raises `ModuleNotFoundError` for every user who installs the
    package.

    ## Example
    ```toml
    [project]
    dependencies = []
    ```
    ```python
    import yaml
    ```

    ## Use instead
    ```toml
    [project]
    dependencies = ["PyYAML>=6"]
    ```

    ## Severity
    Reachability decides, never how popular a name is (DESIGN.md). An **error** only when
    all of these hold: the import runs at module level on every supported Python and
    platform (not in a function or a `__main__` guard, not under `try/except ImportError`,
    a version or platform check); the module runs whenever the package starts: importing
    the top-level package, or loading an entry point, imports it through module-level
    imports that are not guarded; it is not a plugin module that pytest, sphinx, mypy or
    another host tool loads with its own dependencies, nor an example; and pkgforge knows
    that no declared dependency provides it: every declared dependency is installed where
    it runs (the project's `.venv`, `venv` or `VIRTUAL_ENV` count), so that what they
    bring along is seen too. setuptools counts as missing only when requires-python
    starts at 3.12 (older venvs bring it).

    A **warning** for an optional integration (`pkg/contrib/mysql.py` importing a driver
    that nothing the package runs on its own imports): it fails only for whoever imports
    that module without the driver, so declare it in an extra. A warning too when the
    import fails only on some paths, when the module is a host tool's plugin or a shipped
    example, when only a dependency group provides it (groups do not ship with the
    package: the module most likely serves development, and fails for whoever imports it
    without the group), when it arrives only through a declared dependency's own
    dependencies, when it is setuptools or pip (present in many environments, promised
    in none), or when only a conditional dependency that is not installed here could
    provide it.

    One **info** per project when pkgforge cannot see the declarations (dynamic metadata
    that a build hook computes, a computed `install_requires`) or the import names of
    declared dependencies that are not installed here: it lists the imports it could not
    judge. Install the dependencies where pkgforge runs, or use `pkgforge check --import`.
    Nothing for imports that never run (`if TYPE_CHECKING:`, dead version branches) or
    that are guarded by `try/except ImportError`.

    ## Fix
    Adds the distribution that provides the import, as installed where `check` runs,
    with that version as its lower bound (`PyYAML>=6.0.2`): to `[project].dependencies`
    when the import runs whenever the package is imported (a module-level import in a
    module that importing a top-level package or loading an entry point reaches), else
    — an optional integration — to an extra named after the distribution
    (`[project.optional-dependencies] pyyaml = ["PyYAML>=6.0.2"]`). Unsafe: the
    package's dependencies change. There is no fix when the distribution is not
    installed here, or when the dependencies are not a PEP 621 list pkgforge can edit
    (`dynamic`, setup.py, poetry's tables).
    """
    declarations = declarations_of(project)
    if not declarations.found:
        return
    name = project_name(project.pyproject or {})
    provided = _Provided(
        declarations, project_site_dirs(project.root), canonical(name) if name else None
    )
    # pytest's own modules are not pytest plugins: the project is that host (but a portion
    # of the shared sphinxcontrib namespace is a sphinx extension)
    graph = graph_of(project)
    own = {top.strip("_").lower() for top in graph.top_level if top in graph.modules}
    hosts = _HOSTS - own
    floor = project.extra.get("feature_version")
    vendored = _vendored_names(project)
    units = each(project.files)
    for file in units:
        uses = list(_third_party_imports(project, file, vendored))
        # `try: import simplejson ... if has_simplejson: from simplejson import X`: once a
        # module guards a name's import, its other imports of that name are guarded too
        guarded = {u.top for u in uses if _is_optional(u.info)}
        # one finding per module and distribution: the surest of its imports
        chosen: dict[str, Hit] = {}
        unseen: dict[str, _Use] = {}
        for use in uses:
            info = use.info
            if info.reach is Reach.NEVER or _is_guarded(info) or use.top in guarded:
                continue
            answer = provided.answer(use.key)
            if answer.status is _Status.DIRECT:
                continue
            if declarations.unknown is not None or answer.status is _Status.UNKNOWN:
                if use.top not in unseen:
                    unseen[use.top] = use
                    why = declarations.unknown or (
                        f"declared dependencies not installed here ({answer.detail}) may "
                        "provide names pkgforge cannot guess"
                    )
                    units.contribute((use.key, use.file.relpath, use.info.line, why))
                continue
            present = _usually_present(use.top, floor)
            lesser = _lesser_module(use, declarations, hosts)
            # what runs when the package is imported or an entry point loaded: elsewhere, a
            # missing distribution fails only an optional integration (DESIGN.md,
            # "Reachability"); a whole-project result, read where it decides
            if lesser is None and use.file.module not in graph.run_on_start():
                lesser = _OPTIONAL_INTEGRATION
            hit = _undeclared_hit(use, answer, lesser, present)
            if use.top not in chosen or hit.certainty > chosen[use.top].certainty:
                chosen[use.top] = hit
        yield from chosen.values()
    if units.contributions:
        yield _unseen_hit(project, units.contributions)


_OPTIONAL_INTEGRATION = (
    "an optional integration: neither importing the package nor any entry point runs it"
)


def _undeclared_hit(use: _Use, answer: _Answer, lesser: str | None, present: bool) -> Hit:
    info = use.info
    statement, key = _statement(info), use.key
    where = ""
    if info.reach is Reach.LATER or info.scope is ImportScope.FUNCTION:
        where = " (it runs later, inside a function or a `__main__` guard)"
    elif info.reach is Reach.SOMETIMES:
        where = " (it runs only under a platform, version or other condition)"
    elif lesser is not None:
        where = f" (the module is {lesser})"
    if answer.status is _Status.GROUP:
        message = (
            f"`{statement}` needs `{key}`, which only {answer.detail} provides; groups do "
            "not ship with the package, so it fails for users who import this module"
            f"{where}: declare it in [project].dependencies or an extra, or keep the module "
            "out of the wheel"
        )
    elif answer.status is _Status.TRANSITIVE:
        message = (
            f"`{statement}` needs `{key}`, which comes only through {answer.detail}; it "
            f"breaks when that dependency drops it{where}: declare it"
        )
    elif answer.status is _Status.CONDITIONAL:
        message = (
            f"`{statement}` needs `{key}`, which no dependency installed here provides; "
            f"only `{answer.detail}` (conditional, not installed here) might, where its "
            f"marker holds{where}: declare it if every platform needs it"
        )
    elif present:
        message = (
            f"`{statement}` needs `{key}`, which many environments have but none is "
            f"promised (Python >= 3.12 and uv venvs come without setuptools){where}: "
            "declare it"
        )
    else:
        hint = (
            "add its distribution to [project].dependencies"
            if not where
            else "declare it, in an extra if the feature is optional"
        )
        named = answer.detail and answer.detail != canonical(use.top)
        owner = f" (`{answer.detail}` provides it)" if named else ""
        if info.is_from and info.module != key and key.startswith(info.module + "."):
            owner += (
                f" ({info.module} is a namespace package: what is imported from it are the "
                "modules of its portions, the project's and other distributions')"
            )
        message = (
            f"`{statement}` needs `{key}`{owner}, which no declared dependency provides"
            f"{where}; {hint}"
        )
    proven = (
        answer.status is _Status.MISSING
        and not present
        and info.reach is Reach.ALWAYS
        and info.scope is not ImportScope.FUNCTION
        and lesser is None
    )
    return Hit(
        use.file.relpath,
        message,
        info.line,
        info.column,
        certainty=Certainty.PROVEN if proven else Certainty.SOME_PATHS,
        subject=(key,),
    )


def _unseen_hit(project: Project, unseen: Sequence[tuple[str, str, int, str]]) -> Hit:
    """The one info on the imports pkgforge could not judge: (key, relpath, line, why)
    of each, in the order of files and statements."""
    why = sorted({reason for _, _, _, reason in unseen})
    shown = ", ".join(f"`{key}` ({relpath}:{line})" for key, relpath, line, _ in unseen[:5]) + (
        f" and {len(unseen) - 5} more" if len(unseen) > 5 else ""
    )
    path = project.pyproject_path.name if project.pyproject_path is not None else unseen[0][1]
    line = 1 if project.pyproject_path is not None else unseen[0][2]
    return Hit(
        path,
        f"could not tell whether {len(unseen)} third-party import(s) are declared: "
        f"{'; '.join(why)}. Not provided by any dependency pkgforge could read: {shown}. "
        "Install the project's dependencies where pkgforge runs, or run `pkgforge check --import`",
        line,
        certainty=Certainty.UNSEEN,
    )


# -- PF408 ------------------------------------------------------------------------------

# Distributions that are used without being imported by name.
_IMPLICIT = frozenset({"tzdata", "setuptools", "wheel", "pip", "certifi"})


@rule(
    "PF408",
    "unused-dependency",
    "a declared dependency is never imported",
    severity=Severity.WARNING,
    fix=Applicability.UNSAFE,
    fixer="dependencies:remove_dependency",
)
def unused_dependency(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a distribution in `[project].dependencies` (or setup.py's `install_requires`,
    setup.cfg's, poetry's main dependencies) that no module of the package imports, in
    any scope. Extras and groups are not checked: they often serve plugins and tools.

    ## Why is this bad?
    Every user downloads and installs it for nothing, and it widens the set of
    version conflicts the package can cause.

    ## Example
    ```toml
    [project]
    dependencies = ["requests", "PyYAML"]  # nothing imports yaml
    ```

    ## Use instead
    ```toml
    [project]
    dependencies = ["requests"]
    ```

    ## Severity
    A **warning**: an unused dependency costs an install, it does not fail. Silence
    where its use may be invisible: a dependency that is not installed here and whose
    import names pkgforge cannot tell, a plugin that registers entry points in another
    distribution's group (`pytest11`, `keyring.backends`: its host loads it), type
    stubs, data-only distributions such as `tzdata`, and a pin of another declared
    dependency's own dependency. A command a dependency installs is no such use: the
    warning says so, for a package that runs it.

    ## Fix
    Removes the requirement from `[project].dependencies` in pyproject.toml (its
    end-of-line comment goes with it). Unsafe: whatever used the distribution without
    importing it (a plugin it registers, a command the package runs) loses it. There is
    no fix for dependencies declared elsewhere (setup.py, setup.cfg, poetry's tables).
    """
    declarations = declarations_of(project)
    main = [r for r in declarations.requirements if r.main]
    if not main:
        return
    vendored = _vendored_names(project)
    units = each(project.files)
    for file in units:
        for use in _third_party_imports(project, file, vendored):
            units.contribute(use.key)
    keys = set(units.contributions)
    sites = project_site_dirs(project.root)
    pins: dict[str, str] | None = None
    seen: set[str] = set()
    for requirement in sorted(main, key=lambda r: r.name):
        name = requirement.name
        if name in seen or name in _IMPLICIT or name.startswith("types-"):
            continue
        seen.add(name)
        if name.endswith("-stubs") or any(provides(guessed_import_names(name), k) for k in keys):
            continue
        dist = installed(sites).get(name)
        if dist is None or not dist.names:
            if name not in KNOWN_IMPORT_NAMES:
                continue  # not installed: its import names are unknown
            names = guessed_import_names(name)
        else:
            names = dist.names
            if _plugs_into_a_host(dist.entry_point_groups, {*names, name.replace("-", "_")}):
                continue  # a plugin its host loads (pytest11): used in ways imports do not show
        if any(provides(names, k) for k in keys):
            continue
        if pins is None:
            pins = dependency_closure(main, sites)
        if name in pins:
            continue  # another declared dependency needs it anyway: a pin, not a waste
        commands = dist is not None and bool(_COMMAND_GROUPS & dist.entry_point_groups)
        yield Hit(
            requirement.file,
            f"dependency `{requirement.text}` is declared but no module of the package imports "
            f"it (looked for {', '.join(sorted(names))})"
            + (
                "; it installs commands: if the package runs one, keep it and ignore this "
                "with that reason"
                if commands
                else ""
            ),
            _line_of(project, requirement.file, requirement.text),
            subject=(requirement.text,),
        )


# Entry points that install commands: a command is run by someone, not loaded by a host.
_COMMAND_GROUPS = frozenset({"console_scripts", "gui_scripts"})


def _plugs_into_a_host(groups: Iterable[str], own: set[str]) -> bool:
    """Whether the distribution registers a plugin in another distribution's group
    (``pytest11``, ``keyring.backends``): that host loads it without an import. Its own
    groups (``sphinx.html_themes`` of sphinx) and commands are no such use."""
    for group in groups:
        if group in _COMMAND_GROUPS:
            continue
        host = re.split(r"[.:\-]", group, maxsplit=1)[0].rstrip("0123456789")
        if host and host not in own:
            return True
    return False


def _line_of(project: Project, relpath: str, text: str) -> int:
    """The line of ``relpath`` that mentions ``text`` (1 when it cannot be found)."""
    try:
        lines = (project.root / relpath).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return 1
    for number, line in enumerate(lines, start=1):
        if text in line:
            return number
    return 1
