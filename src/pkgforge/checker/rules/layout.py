"""PF1xx: how files and directories are laid out, and what that does to imports."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterator

from pkgforge.checker.backends import ship_setting
from pkgforge.checker.certainty import Certainty, certainty_of_reach
from pkgforge.checker.findings import Severity
from pkgforge.checker.graph import graph_of
from pkgforge.checker.model import Directory, Project
from pkgforge.checker.rules._tree import tree_view
from pkgforge.checker.rules.base import Applicability, Hit, rule
from pkgforge.checker.shipping import WheelView, wheel_view
from pkgforge.checker.summary import ImportInfo, ImportScope

__all__ = [
    "case_collision",
    "missing_init",
    "module_package_clash",
    "no_modules_found",
    "orphan_bytecode",
]


TUTORIAL_RULE = (
    "The __init__.py files are required to make Python treat the directories as containing packages"
)
"""The Python tutorial's rule (section 6.4, Packages), quoted by PF101."""

_TEST_PARTS = frozenset({"tests", "test", "testing", "conftest"})


@rule(
    "PF101",
    "missing-init",
    "a directory of modules inside a package has no `__init__.py`",
    fix=Applicability.UNSAFE,
    fixer="layout:add_init",
)
def missing_init(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a directory that holds Python modules, sits inside a package (or directly
    in a `src/` package root), has no `__init__.py`, and is not declared in
    `[tool.pkgforge] namespace-packages`. Python imports such a directory as a
    namespace package (PEP 420), not a regular one.

    ## Why is this bad?
    "The `__init__.py` files are required to make Python treat the directories as
    containing packages" (the Python tutorial). Without one, `find_packages()`
    and explicit package lists leave the directory out of the wheel, so the
    installed package raises `ModuleNotFoundError`; its modules also cannot share
    package-level code.

    ## Example
    ```
    sound/__init__.py
    sound/effects/echo.py        # no sound/effects/__init__.py
    ```

    ## Use instead
    ```
    sound/__init__.py
    sound/effects/__init__.py
    sound/effects/echo.py
    ```
    Or, for a deliberate namespace package, declare it:
    ```toml
    [tool.pkgforge]
    namespace-packages = ["sound.effects"]
    ```

    ## Severity
    An **error** only when pkgforge proves an import fails because of it:
    - the build configuration leaves the directory out of the wheel (setuptools'
      `find_packages()` / `packages = find:` / `namespaces = false` skip every
      directory without `__init__.py` and everything below it; an explicit
      `packages` list that does not name it skips its modules; MANIFEST.in,
      `package-data` and setuptools-scm can still ship them as data, and then it
      is no error), and a shipped module of the package imports a module from
      it at import time: installed, that import raises `ModuleNotFoundError`;
    - or a module imports a name from it that a regular package's `__init__.py`
      would have to define (`from sound.effects import echofilter`, where
      `echofilter` is not a submodule): a namespace package has no attributes
      besides its submodules, so the import raises `ImportError`.

    A **warning** otherwise: setuptools' automatic discovery
    (`find_namespace_packages()`), hatchling, flit, pdm-backend and poetry ship
    the directory, and it imports as a namespace portion; the warning quotes the
    tutorial's rule. An import that fails only when a function runs, or from a
    module whose own place in the wheel pkgforge cannot tell, is a warning too.
    Nothing for an import under `if TYPE_CHECKING:` or `try/except ImportError`.

    ## Fix
    Adds an empty `__init__.py` to the directory. Unsafe: it turns a namespace package
    into a regular one, to which other distributions can no longer add modules.
    """
    view = tree_view(project)
    # [tool.pkgforge]'s, and the backend's (setuptools namespace_packages, uv_build namespace)
    declared = {*project.settings.namespace_packages, *project.build.namespace_packages}
    wheel = wheel_view(project)
    for directory in project.directories:
        if directory.has_init or not directory.package:
            continue
        if any(entry.startswith("__init__.") for entry in directory.entries):
            continue  # `__init__.pyx`, a compiled `__init__`: a regular package once built
        parent = view.parent(directory)
        if parent is None:
            continue
        inside_package = parent.has_init or (
            view.is_mount_root(parent) and parent.path not in view.flat_roots
        )
        if not inside_package:
            continue
        holds_modules = any(name.endswith(".py") for name in directory.entries)
        left_out = wheel.left_out_below(directory.package)
        if left_out:
            hits = list(_left_out(project, wheel, directory, left_out))
            if hits:
                yield hits[0]
                continue
            if wheel.left_out_directly(directory.package):
                yield _unused_left_out(wheel, directory)
                continue
        if directory.package in declared or not holds_modules:
            continue  # declared, or a namespace level above real packages (acme/ in acme/tools/)
        misses = list(_needs_regular_package(project, directory))
        if misses:
            yield misses[0]
            continue
        ships = wheel.ships(directory.package)
        shipped = f"; {wheel.info.source} ships it" if ships and wheel.info.source else ""
        yield Hit(
            directory.relpath,
            f"`{directory.relpath}/` holds modules but has no `__init__.py`, so "
            f"`{directory.package}` imports as a namespace package (PEP 420){shipped}. "
            f'The tutorial: "{TUTORIAL_RULE}". Add `{directory.relpath}/__init__.py`, or '
            "declare it in [tool.pkgforge] namespace-packages if it is meant to be one",
            severity=Severity.WARNING,
        )


def _is_package_code(module: str) -> bool:
    parts = module.split(".")
    return bool(module) and not any(p in _TEST_PARTS or p.startswith("test_") for p in parts)


def _certainty(info: ImportInfo, importer_ships: bool | None) -> Certainty | None:
    """How surely the statement fails: None when it never fails (a guarded import, one
    that never runs); at most SOME_PATHS when it is not at import time on every supported
    Python, or when the importing module itself may not be in the wheel."""
    if info.optional or info.scope in (ImportScope.OPTIONAL, ImportScope.TYPE_CHECKING):
        return None
    certainty = certainty_of_reach(info.reach)
    if certainty is None or importer_ships:
        return certainty
    return min(certainty, Certainty.SOME_PATHS)


def _statement(info: ImportInfo) -> str:
    return info.statement


def _left_out(
    project: Project, wheel: WheelView, directory: Directory, absent: frozenset[str]
) -> Iterator[Hit]:
    """One finding for the directory, at the surest import of one of its ``absent``
    modules (a namespace directory itself may still exist in the wheel, holding data)."""
    graph = graph_of(project)
    package = directory.package
    found: list[tuple[Certainty, str, int, ImportInfo]] = []
    for importer in sorted(graph.resolved):
        if importer == package or importer.startswith(f"{package}."):
            continue  # left out with it
        if not _is_package_code(importer):
            continue
        file = graph.modules[importer]
        ships = wheel.ships(importer if file.is_package else importer.rpartition(".")[0])
        if ships is False:
            continue  # not installed either: nothing fails
        for resolved in graph.resolved[importer]:
            base, info = resolved.base, resolved.info
            if base is None:
                continue
            targets = [base]
            if info.is_from:
                targets += [f"{base}.{name}" for name in info.names if name != "*"]
            if not any(t in absent for t in targets):
                continue
            certainty = _certainty(info, ships)
            if certainty is not None:
                found.append((certainty, file.relpath, info.line, info))
    if not found:
        return
    certainty, relpath, line, info = max(found, key=lambda f: (f[0], -f[2], f[1]))
    fix = f"add `{directory.relpath}/__init__.py`"
    if wheel.info.kind == "list":
        fix += f" and list `{package}` in packages"
    yield Hit(
        directory.relpath,
        f"`{directory.relpath}/` has no `__init__.py`, so {wheel.info.source} leaves "
        f"`{package}` out of the wheel, yet `{_statement(info)}` ({relpath}:{line}) imports "
        f"from it: installed, that import raises ModuleNotFoundError"
        f"{'' if certainty is Certainty.PROVEN else ' when it runs'}; {fix}",
        certainty=certainty,
    )


def _unused_left_out(wheel: WheelView, directory: Directory) -> Hit:
    return Hit(
        directory.relpath,
        f"`{directory.relpath}/` holds modules but has no `__init__.py`, so "
        f"{wheel.info.source} leaves `{directory.package}` out of the wheel (nothing in the "
        f'package imports it). The tutorial: "{TUTORIAL_RULE}"',
        severity=Severity.WARNING,
    )


def _needs_regular_package(project: Project, directory: Directory) -> Iterator[Hit]:
    """``from pkg.folder import name`` where ``name`` is no submodule: only a regular
    package's ``__init__.py`` could define it."""
    graph = graph_of(project)
    package = directory.package
    if not graph.is_closed_namespace(package):
        return  # other distributions may add portions: the name may be one
    found: list[tuple[Certainty, str, int, ImportInfo, str]] = []
    for importer in sorted(graph.resolved):
        if not _is_package_code(importer):
            continue
        file = graph.modules[importer]
        for resolved in graph.resolved[importer]:
            info = resolved.info
            if resolved.base != package or not info.is_from:
                continue
            certainty = _certainty(info, True)
            if certainty is None:
                continue
            for name in info.names:
                if name == "*" or (name.startswith("__") and name.endswith("__")):
                    continue
                if not graph.may_exist(f"{package}.{name}"):
                    found.append((certainty, file.relpath, info.line, info, name))
    if not found:
        return
    certainty, relpath, line, info, name = max(found, key=lambda f: (f[0], -f[2], f[1]))
    yield Hit(
        directory.relpath,
        f"`{_statement(info)}` ({relpath}:{line}) needs a regular package: "
        f"`{directory.relpath}/` has no `__init__.py`, so `{package}` is a namespace "
        f"package and has no `{name}` (ImportError); add `{directory.relpath}/__init__.py` "
        f"that defines it",
        certainty=certainty,
    )


@rule("PF102", "orphan-bytecode", "a `.pyc`/`.pyo` file with no source beside it")
def orphan_bytecode(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags compiled bytecode whose source file is gone. A legacy `echo.pyc` next to
    a missing `echo.py` is an error: Python 3 still imports it, so a module you
    deleted keeps running stale code. An orphan `__pycache__/echo.cpython-312.pyc`
    is only a warning: Python ignores it, but it is clutter that can end up in
    distributions.

    ## Why is this bad?
    A deleted module that still imports hides the deletion: tests pass locally and
    fail everywhere else, and the stale code is not in version control.

    ## Example
    ```
    sound/effects/__init__.py
    sound/effects/echo.pyc       # echo.py was deleted
    ```

    ## Use instead
    Delete the bytecode (`find . -name '*.py[co]' -delete`), and keep `*.py[co]`
    and `__pycache__/` in `.gitignore`.
    """
    view = tree_view(project)
    for relpath in project.bytecode:
        folder, name = posixpath.split(relpath)
        stem = name.split(".", 1)[0]
        cached = posixpath.basename(folder) == "__pycache__"
        source_dir = posixpath.dirname(folder) if cached else folder
        directory = view.dirs.get(source_dir)
        if directory is not None and f"{stem}.py" in directory.entries:
            continue
        source = posixpath.join(source_dir, f"{stem}.py")
        if cached:
            yield Hit(
                relpath,
                f"`{relpath}` has no source `{source}`; Python ignores it, delete it",
                severity=Severity.WARNING,
            )
        else:
            yield Hit(
                relpath,
                f"`{relpath}` has no source `{source}`, yet it still imports: "
                "a deleted module keeps running stale code",
            )


@rule("PF103", "case-collision", "module names in one directory differ only by case")
def case_collision(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags modules or packages in one directory whose names differ only by case,
    such as `echo.py` and `Echo.py`, or `echo.py` and `ECHO/`.

    ## Why is this bad?
    macOS and Windows file systems are case-insensitive: a checkout there keeps only
    one of the files, and which module `import echo` finds depends on the machine.

    ## Example
    ```
    sound/effects/echo.py
    sound/effects/Echo.py
    ```

    ## Use instead
    Rename or merge them so every name is unique ignoring case (and lowercase, as
    PEP 8 asks).

    ## Severity
    A **warning**: the import fails only on case-insensitive file systems (macOS,
    Windows), not on every platform, so pkgforge cannot promise it fails for every
    user.
    """
    view = tree_view(project)
    for directory in project.directories:
        groups: defaultdict[str, list[str]] = defaultdict(list)
        paths: dict[str, str] = {}
        for node in view.nodes(directory):
            groups[node.name.casefold()].append(node.name)
            paths.setdefault(node.name, node.relpath)
        for names in groups.values():
            distinct = sorted(set(names))
            if len(distinct) > 1:
                shown = ", ".join(f"`{paths[n]}`" for n in distinct)
                yield Hit(
                    paths[distinct[-1]],
                    f"{shown} differ only by case; a case-insensitive file system keeps one",
                    certainty=Certainty.SOME_PATHS,
                )


@rule(
    "PF104",
    "module-package-clash",
    "a module and a package of the same name side by side",
    severity=Severity.WARNING,
)
def module_package_clash(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags `echo.py` next to a directory `echo/`. If `echo/` has an `__init__.py`
    the package wins and `echo.py` can never be imported; if it has none, the module
    wins and the modules inside `echo/` can never be imported.

    ## Why is this bad?
    One of the two is dead code that looks alive: edits to it have no effect, and
    which one wins surprises readers.

    ## Example
    ```
    sound/effects/echo.py
    sound/effects/echo/__init__.py
    ```

    ## Use instead
    Keep one: move the module's code into `echo/__init__.py` (or a submodule), or
    rename one of them.
    """
    view = tree_view(project)
    for directory in project.directories:
        for entry in directory.entries:
            if not entry.endswith(".py") or entry == "__init__.py":
                continue
            name = entry[:-3]
            sub = view.dirs.get(f"{directory.relpath}/{name}" if directory.relpath else name)
            if name not in directory.subdirs or sub is None:
                continue
            module = f"{directory.relpath}/{entry}" if directory.relpath else entry
            if sub.has_init:
                message = f"`{sub.relpath}/` is a package, so `{module}` can never be imported"
            else:
                message = (
                    f"`{module}` shadows the directory `{sub.relpath}/` (it has no "
                    "`__init__.py`), so the modules inside it can never be imported"
                )
            yield Hit(module, message)


@rule(
    "PF105",
    "no-modules-found",
    "nothing was checked: no Python file of the project ships in the package",
    severity=Severity.WARNING,
)
def no_modules_found(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Warns whenever pkgforge checks no module at all: the project has Python files
    but none of them ships, or it has none (an empty folder, tests alone). pkgforge
    checks what the wheel ships, and finds that by following the build backend's own
    configuration (`[tool.setuptools]`, setup.cfg, setup.py's literal arguments,
    `[tool.hatch.build.targets.wheel]`, flit, pdm-backend, poetry-core,
    scikit-build-core, maturin, meson-python, `[tool.uv.build-backend]`). The finding
    names the configuration it read and where the Python files are.

    ## Why is this bad?
    Either the configuration ships no Python (the wheel is empty, or holds only
    compiled extensions), or pkgforge could not follow it, or the path is not the
    project meant. Every way, "All checks passed" would be silence about code nobody
    checked.

    ## Example
    ```
    setup.py                 # setup(packages=find_packages("lib"))
    lib/sound/__init__.py    # ...but lib/ has been renamed to python/
    python/sound/__init__.py
    ```

    ## Use instead
    Point the build configuration at the package (`packages=find_packages("python")`),
    or, when the configuration is computed at build time, tell pkgforge where the
    package is with the backend's static settings, for example:
    ```toml
    [tool.setuptools.packages.find]
    where = ["python"]
    ```

    ## Severity
    A **warning**: nothing fails at import, pkgforge only says that it checked
    nothing; never an error, so it never blocks `pkgforge build`.
    """
    if project.files:
        return
    strays = project.extra.get("strays") or ()
    layout = project.extra.get("layout")
    decided_by = getattr(layout, "decided_by", "") or "the project's layout"
    path = "pyproject.toml" if project.pyproject_path is not None else "."
    if not strays:
        if not project.extra.get("root_entries"):
            yield Hit(path, "no module to check: the folder is empty; nothing is checked")
            return
        yield Hit(
            path,
            f"no module to check: {decided_by} selects no Python files, and there is none "
            "outside tests, docs and build scripts; nothing is checked",
        )
        return
    places = sorted({s.rpartition("/")[0] or "." for s in strays})
    shown = ", ".join(f"`{s}`" for s in strays[:3])
    setting = ship_setting(project.pyproject or {})
    yield Hit(
        path,
        f"no module to check: {decided_by} selects no Python files, yet there are some "
        f"(e.g. {shown}); if they ship, point {setting} at "
        f"{', '.join(f'`{p}/`' for p in places[:3])}, or tell pkgforge with "
        "`[tool.pkgforge] packages`; until then nothing is checked",
    )
