"""PF2xx: names of modules and packages, which must be importable and unsurprising."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from pkgforge._patterns import LazyPattern
from pkgforge.checker.certainty import Certainty
from pkgforge.checker.findings import Severity
from pkgforge.checker.model import Project
from pkgforge.checker.rules._tree import Node, tree_view
from pkgforge.checker.rules.base import Hit, rule
from pkgforge.names import is_keyword, is_stdlib_module, is_stdlib_module_everywhere

__all__ = [
    "invalid_module_name",
    "keyword_module_name",
    "non_lowercase_module_name",
    "stdlib_shadowing",
]


def _importable_nodes(project: Project, *, flat_top_files: bool = True) -> Iterator[Node]:
    """Every module file and Python directory whose name is an import name."""
    for _dotted, node, script in _named_nodes(project):
        if flat_top_files or not script:
            yield node


def _named_nodes(project: Project) -> Iterator[tuple[str, Node, bool]]:
    """(dotted import name, node, is a script) for every module file and Python
    directory in a directory whose names are import names. A script is a file at the
    top of a flat layout (run-tests.py beside setup.py): not meant as a module."""
    view = tree_view(project)
    for directory in project.directories:
        if not view.holds_modules(directory):
            continue
        flat_top = directory.path in view.flat_roots
        for node in view.nodes(directory):
            dotted = f"{directory.package}.{node.name}" if directory.package else node.name
            yield dotted, node, flat_top and not node.is_dir


def _what(node: Node) -> str:
    return f"directory `{node.relpath}/`" if node.is_dir else f"module `{node.relpath}`"


class _EntryPoint(NamedTuple):
    """One entry point of ``[project]`` in pyproject.toml."""

    table: str
    """Where it is declared: ``[project.scripts]``."""
    name: str
    value: str
    """The object reference as written: ``sound.my-echo:main``."""
    module: str
    """Its module part: ``sound.my-echo``."""
    is_script: bool
    """A console or GUI script: installers write a wrapper that runs
    ``from <module> import <object>``."""


# How importlib.metadata.EntryPoint reads a module path (its ``pattern``): a name with
# any other character cannot be loaded at all.
_ENTRY_POINT_MODULE = LazyPattern(r"[\w.]+")


def _entry_points(project: Project) -> list[_EntryPoint]:
    table = (project.pyproject or {}).get("project")
    if not isinstance(table, Mapping):
        return []
    groups: list[tuple[str, object, bool]] = [
        ("[project.scripts]", table.get("scripts"), True),
        ("[project.gui-scripts]", table.get("gui-scripts"), True),
    ]
    plugins = table.get("entry-points")
    if isinstance(plugins, Mapping):
        for group, entries in plugins.items():
            is_script = group in ("console_scripts", "gui_scripts")
            groups.append((f'[project.entry-points."{group}"]', entries, is_script))
    found: list[_EntryPoint] = []
    for where, entries, is_script in groups:
        if not isinstance(entries, Mapping):
            continue
        for name, value in entries.items():
            if isinstance(value, str):
                module = value.partition(":")[0].partition("[")[0].strip()
                found.append(_EntryPoint(where, str(name), value, module, is_script))
    return found


def _named_by(entry: _EntryPoint, dotted: str) -> bool:
    """Whether the entry point's module is ``dotted`` or inside it."""
    return entry.module == dotted or entry.module.startswith(dotted + ".")


def _proof(project: Project, dotted: str, node: Node) -> str | None:
    """Why the import system must find ``node`` by its name and cannot: an entry point
    that names the module (or a module inside the directory) in a way that fails.
    None when nothing pkgforge can see needs the name to be an identifier."""
    for entry in _entry_points(project):
        if not _named_by(entry, dotted):
            continue
        declared = f'{entry.table} `{entry.name} = "{entry.value}"`'
        if entry.is_script:
            return (
                f"{declared} names it: the installed script runs `from {entry.module} "
                "import ...`, a SyntaxError"
            )
        if not _ENTRY_POINT_MODULE.fullmatch(node.name):
            return f"{declared} names it: importlib.metadata cannot load that entry point"
    return None


_LOADED_ANOTHER_WAY = (
    "no import statement can name it, only a loader (importlib.import_module, or by path)"
)


@rule("PF201", "invalid-module-name", "a module or package name is not a Python identifier")
def invalid_module_name(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a module file or a directory of modules, inside a package root, whose
    name is not a Python identifier: `my-mod.py`, `2d.py`, `sound effects/`.
    A non-ASCII identifier (`café.py`) imports, so it is only a warning.
    Directories without Python files (data, templates) are not checked.

    ## Why is this bad?
    `import my-mod` is a syntax error: no import statement can name the module.
    It can still be loaded by path or with `importlib.import_module("pkg.my-mod")`,
    and many projects do that on purpose: Django loads `migrations/0001_initial.py`,
    PyInstaller runs `hook-*.py` files, rich loads `unicode10-0-0.py` data modules,
    `python -m pkg.to-dvorak` runs a script. Tools that resolve imports ignore
    such files all the same.

    It is an **error** only when pkgforge can prove that something must find the
    module by a name that cannot work: an entry point in `[project.scripts]` or
    `[project.gui-scripts]` that names it (the installed script runs
    `from pkg.my-mod import main`, a SyntaxError), or a plugin entry point that
    `importlib.metadata` cannot load (a name with `-`). Otherwise — and an import
    statement can never name it, so nothing else can prove a failure — it is a
    **warning**: the name is fragile, not broken. Shipping the file inside a
    package is not enough to make it an error, since the loaders above find such
    files there by design; ignore the rule for their folders with `per-path-ignores`.

    ## Example
    ```
    sound/effects/my-echo.py
    ```

    ## Use instead
    ```
    sound/effects/my_echo.py
    ```
    """
    for dotted, node, script in _named_nodes(project):
        if is_keyword(node.name):
            continue  # PF202 says it better
        if not node.name.isidentifier():
            what = f"{_what(node)} is named {node.name!r}, which is not a Python identifier"
            proof = _proof(project, dotted, node)
            if proof is not None:
                yield Hit(node.relpath, f"{what}, and {proof}")
            elif not script:  # a script beside setup.py is run by path: nothing to say
                yield Hit(
                    node.relpath,
                    f"{what}: {_LOADED_ANOTHER_WAY}",
                    certainty=Certainty.SOME_PATHS,
                )
        elif not node.name.isascii() and not script:
            yield Hit(
                node.relpath,
                f"{_what(node)} is named {node.name!r}: importable, but non-ASCII module "
                "names break where file systems normalise Unicode differently (macOS) "
                "and in many tools",
                severity=Severity.WARNING,
            )


@rule("PF202", "keyword-module-name", "a module or package named after a keyword")
def keyword_module_name(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a module or package named after a hard keyword: `class.py`, `import/`.
    Soft keywords such as `match` and `type` are fine names.

    ## Why is this bad?
    `import sound.class` and `from sound import class` are syntax errors (PF410
    reports such a statement in the importing module). The module can still be
    loaded with `importlib.import_module("sound.class")`, which plugin and locale
    loaders do on purpose (Django's `conf/locale/is/`).

    It is an **error** only when pkgforge can prove that something must import it
    with a statement: an entry point in `[project.scripts]` or
    `[project.gui-scripts]` that names it (the installed script runs
    `from sound.class import main`, a SyntaxError). Otherwise it is a **warning**:
    the name is fragile, not broken (`importlib.metadata` loads a plugin entry
    point in `sound.class` fine).

    ## Example
    ```
    sound/class.py
    ```

    ## Use instead
    ```
    sound/classes.py
    ```
    """
    for dotted, node, _script in _named_nodes(project):
        if not is_keyword(node.name):
            continue
        what = f"{_what(node)} is named after the keyword {node.name!r}"
        proof = _proof(project, dotted, node)
        if proof is not None:
            yield Hit(node.relpath, f"{what}, and {proof}")
        else:
            yield Hit(
                node.relpath,
                f"{what}: `import ...{node.name}` is a syntax error, so {_LOADED_ANOTHER_WAY}",
                certainty=Certainty.SOME_PATHS,
            )


@rule("PF203", "stdlib-shadowing", "a top-level module or package has a standard-library name")
def stdlib_shadowing(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a top-level module or package (one that sits directly on `sys.path` once
    installed) named like a standard-library module: `email/`, `random.py`.
    A nested module such as `sound/email.py` is fine: since Python 3 imports are
    absolute, so `import email` inside `sound` still means the standard library.

    ## Why is this bad?
    Installed, the standard library comes first on `sys.path`, so your package is
    unreachable. Run from the source tree, yours comes first and breaks every
    library that imports the standard module.

    ## Example
    ```
    src/email/__init__.py
    ```

    ## Use instead
    ```
    src/sound_email/__init__.py
    ```

    ## Severity
    An **error** when every Python and platform the project supports has that
    standard-library module: installed, the package can never be imported. A
    **warning** for a backport of a module that some supported Pythons lack (a
    `requires-python` that admits Python 2, a module added or removed in a later
    Python 3, a platform-only module), where the name is deliberate.
    """
    view = tree_view(project)
    for directory in project.directories:
        if not view.is_top(directory):
            continue
        for node in view.nodes(directory):
            if is_stdlib_module(node.name) and not node.name.startswith("__"):
                everywhere = is_stdlib_module_everywhere(node.name) and not project.allows_python2
                yield Hit(
                    node.relpath,
                    f"top-level {_what(node)} has the name of the standard-library module "
                    + (
                        f"`{node.name}`: installed, the standard library wins and it can "
                        "never be imported"
                        if everywhere
                        else f"`{node.name}`, which some supported Pythons or platforms lack "
                        "(a backport?); where they have it, it wins"
                    ),
                    certainty=Certainty.PROVEN if everywhere else Certainty.SOME_PATHS,
                )


@rule(
    "PF204",
    "non-lowercase-module-name",
    "a module or package name is not lowercase",
    severity=Severity.WARNING,
)
def non_lowercase_module_name(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a module or package whose name has uppercase letters: `Echo.py`, `Sound/`.

    ## Why is this bad?
    PEP 8 asks for short, all-lowercase module names. Mixed case invites case
    collisions (PF103) and imports that work on macOS and Windows but fail on
    Linux (`import echo` finding `Echo.py`).

    ## Example
    ```
    Sound/Effects/Echo.py
    ```

    ## Use instead
    ```
    sound/effects/echo.py
    ```
    """
    for node in _importable_nodes(project, flat_top_files=False):
        if node.name != node.name.lower() and node.name.isidentifier():
            yield Hit(
                node.relpath,
                f"{_what(node)} is named {node.name!r}; PEP 8 module names are lowercase "
                f"({node.name.lower()!r})",
            )
