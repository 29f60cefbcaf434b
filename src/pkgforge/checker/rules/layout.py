"""PF1xx: how files and directories are laid out, and what that does to imports."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterator

from pkgforge.checker.certainty import Certainty
from pkgforge.checker.findings import Severity
from pkgforge.checker.model import Project
from pkgforge.checker.rules._tree import tree_view
from pkgforge.checker.rules.base import Hit, rule

__all__ = ["case_collision", "missing_init", "module_package_clash", "orphan_bytecode"]


@rule("PF101", "missing-init", "a directory of modules inside a package has no `__init__.py`")
def missing_init(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a directory that holds Python modules, sits inside a package (or directly
    in a `src/` package root), has no `__init__.py`, and is not declared in
    `[tool.pkgforge] namespace-packages`.

    ## Why is this bad?
    Without `__init__.py` the directory is a PEP 420 namespace package: imports
    happen to work from the source tree, but `setuptools.find_packages()` and most
    build backends leave it out of the wheel, so the installed package raises
    `ModuleNotFoundError`. Its modules also cannot share package-level code.

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
    """
    view = tree_view(project)
    declared = set(project.settings.namespace_packages)
    for directory in project.directories:
        if directory.has_init or not directory.package or directory.package in declared:
            continue
        if not any(name.endswith(".py") for name in directory.entries):
            continue  # a namespace level above real packages (acme/ in acme/tools/)
        parent = view.parent(directory)
        if parent is None:
            continue
        inside_package = parent.has_init or (
            view.is_mount_root(parent) and parent.path not in view.flat_roots
        )
        if inside_package:
            yield Hit(
                directory.relpath,
                f"`{directory.relpath}/` holds modules but has no `__init__.py`, so "
                f"`{directory.package}` is not a regular package and may be left out of "
                "the wheel",
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
