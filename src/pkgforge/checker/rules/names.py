"""PF2xx: names of modules and packages, which must be importable and unsurprising."""

from __future__ import annotations

from collections.abc import Iterator

from pkgforge.checker.findings import Severity
from pkgforge.checker.model import Project
from pkgforge.checker.rules._tree import Node, tree_view
from pkgforge.checker.rules.base import Hit, rule
from pkgforge.names import is_keyword, is_stdlib_module

__all__ = [
    "invalid_module_name",
    "keyword_module_name",
    "non_lowercase_module_name",
    "stdlib_shadowing",
]


def _importable_nodes(project: Project, *, flat_top_files: bool = True) -> Iterator[Node]:
    """Every module file and Python directory whose name is an import name."""
    view = tree_view(project)
    for directory in project.directories:
        if not view.holds_modules(directory):
            continue
        flat_top = directory.path in view.flat_roots
        for node in view.nodes(directory):
            if flat_top and not node.is_dir and not flat_top_files:
                continue  # scripts beside setup.py (run-tests.py) are not meant as modules
            yield node


def _what(node: Node) -> str:
    return f"directory `{node.relpath}/`" if node.is_dir else f"module `{node.relpath}`"


@rule("PF201", "invalid-module-name", "a module or package name is not a Python identifier")
def invalid_module_name(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a module file or a directory of modules, inside a package root, whose
    name is not a Python identifier: `my-mod.py`, `2d.py`, `sound effects/`.
    A non-ASCII identifier (`café.py`) imports, so it is only a warning.
    Directories without Python files (data, templates) are not checked.

    ## Why is this bad?
    `import my-mod` is a syntax error: the module can only be reached with
    `importlib.import_module("pkg.my-mod")`, and tools that resolve imports ignore it.
    A few projects do that on purpose (rich loads `unicode10-0-0.py` data modules by
    name); ignore the rule for those paths with `per-path-ignores`.

    ## Example
    ```
    sound/effects/my-echo.py
    ```

    ## Use instead
    ```
    sound/effects/my_echo.py
    ```
    """
    for node in _importable_nodes(project, flat_top_files=False):
        if is_keyword(node.name):
            continue  # PF202 says it better
        if not node.name.isidentifier():
            yield Hit(
                node.relpath,
                f"{_what(node)} is named {node.name!r}, which is not a Python identifier: "
                "no import statement can name it (only importlib.import_module can)",
            )
        elif not node.name.isascii():
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
    `import sound.class` and `from sound import class` are syntax errors.

    ## Example
    ```
    sound/class.py
    ```

    ## Use instead
    ```
    sound/classes.py
    ```
    """
    for node in _importable_nodes(project):
        if is_keyword(node.name):
            yield Hit(
                node.relpath,
                f"{_what(node)} is named after the keyword {node.name!r}; "
                f"`import ...{node.name}` is a syntax error",
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
    """
    view = tree_view(project)
    for directory in project.directories:
        if not view.is_top(directory):
            continue
        for node in view.nodes(directory):
            if is_stdlib_module(node.name) and not node.name.startswith("__"):
                yield Hit(
                    node.relpath,
                    f"top-level {_what(node)} has the name of the standard-library module "
                    f"`{node.name}` and shadows it, or is shadowed by it",
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
