"""PF3xx: ``__all__``, the names a module promises to ``from module import *``."""

from __future__ import annotations

from collections.abc import Iterator

from pkgforge.checker.certainty import Reach
from pkgforge.checker.findings import Severity
from pkgforge.checker.graph import ImportGraph, graph_of
from pkgforge.checker.model import Project, SourceFile
from pkgforge.checker.rules.base import Applicability, Hit, each, rule

__all__ = [
    "duplicate_export",
    "dynamic_all",
    "is_private",
    "missing_all",
    "non_string_export",
    "private_export",
    "public_names",
    "undefined_export",
]


def public_names(file: SourceFile, graph: ImportGraph) -> list[str]:
    """The names a package's ``__init__.py`` binds as its API, in binding order: not
    private, bound where code runs, and not a tool it imports (`import os`, `from typing
    import cast`, `from project.conf import settings`), except re-exports of its own
    submodules. PF305 asks for an ``__all__`` of them, and its fix writes it."""
    summary = file.summary
    inside = file.module + "."
    tools = {
        name
        for info in summary.imports
        if not info.is_from or not (graph.absolute(file.module, info) or "").startswith(inside)
        for name in info.bound
    }
    return [
        b.name
        for b in summary.bindings
        if not b.name.startswith("_") and b.name not in tools and b.reach is not Reach.NEVER
    ]


def is_private(name: str) -> bool:
    """A leading underscore, but not a dunder name such as ``__version__`` (PF306)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _with_all(project: Project) -> Iterator[SourceFile]:
    """The files with an ``__all__``, each a unit of the rule."""
    for file in each(project.files):
        if file.summary.all is not None:
            yield file


@rule(
    "PF301", "dynamic-all", "`__all__` is not a literal list of strings", severity=Severity.WARNING
)
def dynamic_all(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags an `__all__` built at run time (a comprehension, `.append(name)` of a
    variable, a value returned by a function) instead of written as a literal list
    or tuple of strings. Adding up literals and other project modules' `__all__`
    (`__all__ = fields_all + base.__all__ + ["extra"]`) is fine: pkgforge follows
    the imports and reads those.

    ## Why is this bad?
    Readers, type checkers, IDEs and pkgforge cannot tell what `from module import *`
    exports, so an exported name that does not exist (PF302) goes unnoticed.

    ## Example
    ```python
    __all__ = [name for name in dir() if not name.startswith("_")]
    ```

    ## Use instead
    ```python
    __all__ = ["echofilter", "surround"]
    ```
    """
    graph = graph_of(project)
    for file in _with_all(project):
        info = file.summary.all
        assert info is not None
        readable = info.is_literal or bool(file.module and graph.exported(file.module) is not None)
        if not readable:
            yield Hit(
                file.relpath,
                "`__all__` is not a literal list or tuple of strings; "
                "its contents cannot be checked",
                info.line,
                info.column,
            )


@rule(
    "PF302",
    "undefined-export",
    "a name in `__all__` is not defined",
    fix=Applicability.UNSAFE,
    fixer="exports:drop_undefined_exports",
)
def undefined_export(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags the names in `__all__` that the module neither binds, nor gets from a star
    import, nor serves through a module-level `__getattr__` — and that are not
    submodules of the package either; one finding per `__all__`, listing them. A name
    bound only under `if TYPE_CHECKING:`, in a branch no supported Python takes, or
    deleted by a module-level `del` is missing too; a name only annotated at module
    level (`frozendict: type[FrozenDict]`) is not: the annotation says that something
    pkgforge cannot read binds it.

    When the module's names are written at run time (`globals().update(...)`, `exec`,
    a `__getattr__` that may serve anything, another module's `setattr`), or its
    `__all__` is built at run time (`__all__.extend(names)`, `__all__` handed to a
    helper), pkgforge cannot tell and says nothing here (PF301 says why).

    A package's `__all__` may list its submodules: `from package import *` then
    imports them (the tutorial's `__all__ = ["echo", "surround", "reverse"]`), so
    those are not flagged (ruff's F822 flags them, ruff#10095).

    ## Why is this bad?
    `from module import *` raises `AttributeError` on the missing name, and
    documentation tools list something that does not exist.

    ## Example
    ```python
    __all__ = ["echofilter", "echo_filter"]

    def echofilter(): ...
    ```

    ## Use instead
    ```python
    __all__ = ["echofilter"]

    def echofilter(): ...
    ```

    ## Fix
    Removes the undefined names from a literal `__all__` (and from the literals
    `__all__ +=` or `.extend()` adds). Unsafe: `from module import *` then gives
    fewer names, and a misspelt name is dropped rather than corrected. No fix when none
    of the names is found: an `__all__` pkgforge finds nothing of is more likely filled
    by what it cannot see (a module that replaces itself in `sys.modules`, a lazy
    loader) than wrong through and through.
    """
    graph = graph_of(project)
    for file in _with_all(project):
        info = file.summary.all
        assert info is not None
        if not file.module or (file.summary.problem is not None and not file.summary.bindings):
            continue
        defined = graph.defined_names(file.module)
        if defined is None:
            continue  # a star import we cannot read, or __getattr__: anything may exist
        submodules = graph.submodules(file.module) if file.is_package else frozenset()
        # an entry added after an optional import that always fails is never added
        entries = [
            (e.value, e.line, e.column)
            for e in info.entries
            if not (e.guard and graph.import_fails(file.module, e.guard))
        ]
        if not info.is_literal:
            exported = graph.exported(file.module)
            if exported is None:
                continue  # PF301's finding
            # names added from other modules' __all__ are reported at the assignment
            own = sum(1 for e in info.entries if e.value is not None)
            entries += [(n, info.line, info.column) for n in exported[own:]]
        missing: list[tuple[str, int, int]] = []
        for name, line, column in entries:
            if name is None or name in defined or name in submodules:
                continue
            if graph.is_module_attribute(file.module, name):
                continue
            if file.is_package and graph.exists(f"{file.module}.{name}"):
                continue  # an extension module or a namespace subpackage
            if any(m[0] == name for m in missing):
                continue
            missing.append((name, line, column))
        if not missing:
            continue
        names = ", ".join(f"`{m[0]}`" for m in missing)
        verb = "is" if len(missing) == 1 else "are"
        _, line, column = missing[0]
        yield Hit(
            file.relpath,
            f"{names} {verb} listed in `__all__` but {verb} not defined in {file.module}"
            + (" and not one of its submodules" if file.is_package else ""),
            line,
            column,
            subject=tuple(m[0] for m in missing),
        )


@rule(
    "PF303",
    "duplicate-export",
    "a name appears twice in `__all__`",
    severity=Severity.WARNING,
    fix=Applicability.SAFE,
    fixer="exports:drop_duplicate_exports",
)
def duplicate_export(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a name listed more than once in `__all__`.

    ## Why is this bad?
    It is harmless at run time but almost always a copy-paste slip that hides a
    name that should have been listed instead.

    ## Example
    ```python
    __all__ = ["echo", "surround", "echo"]
    ```

    ## Use instead
    ```python
    __all__ = ["echo", "surround", "reverse"]
    ```

    ## Fix
    Removes the repeated entry, keeping the first. Safe: `__all__` exports the same
    names.
    """
    for file in _with_all(project):
        info = file.summary.all
        assert info is not None
        first: dict[str, int] = {}
        for entry in info.entries:
            if entry.value is None:
                continue
            if entry.value in first:
                yield Hit(
                    file.relpath,
                    f"`{entry.value}` is listed in `__all__` again "
                    f"(first on line {first[entry.value]})",
                    entry.line,
                    entry.column,
                    subject=(entry.value,),
                )
            else:
                first[entry.value] = entry.line


@rule("PF304", "non-string-export", "an `__all__` entry is not a string")
def non_string_export(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags an element of `__all__` that is a literal of another type (a number,
    `None`) or names a function or class the module defines. A variable that may hold
    a string (`__all__.append(name)`) is not flagged: PF301 says the list cannot be read.

    ## Why is this bad?
    `from module import *` raises `TypeError: Item in module.__all__ must be str`.

    ## Example
    ```python
    def echofilter(): ...

    __all__ = [echofilter]
    ```

    ## Use instead
    ```python
    __all__ = ["echofilter"]
    ```
    """
    for file in _with_all(project):
        info = file.summary.all
        assert info is not None
        for entry in info.entries:
            if entry.value is None and not entry.unknown:
                yield Hit(
                    file.relpath,
                    "`__all__` entry is not a string literal",
                    entry.line,
                    entry.column,
                )


@rule(
    "PF305",
    "missing-all",
    "a package `__init__.py` has public names but no `__all__`",
    severity=Severity.WARNING,
    fix=Applicability.UNSAFE,
    fixer="exports:add_all",
)
def missing_all(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a package `__init__.py` that defines or re-exports public names but has
    no `__all__`.

    ## Why is this bad?
    Without `__all__`, `from package import *` exports every public-looking name,
    including modules it happened to import (`os`, `sys`), and never imports the
    package's submodules (the tutorial's Sound.Effects example). Readers cannot
    tell the package's API from its implementation details.

    ## Example
    ```python
    # sound/effects/__init__.py
    from .echo import echofilter
    ```

    ## Use instead
    ```python
    # sound/effects/__init__.py
    from .echo import echofilter

    __all__ = ["echofilter"]
    ```

    ## Fix
    Adds, after the imports, an `__all__` of the public names this check lists (sorted as
    ruff's RUF022 wants). Unsafe: `from package import *` stops giving the names it
    leaves out (the modules the package imports as tools, such as `os`), and the fix
    cannot know which names are meant to be the API.
    """
    graph = graph_of(project)
    for file in each(project.files):
        if not file.is_package:
            continue
        summary = file.summary
        if summary.all is not None or summary.problem is not None:
            continue
        public = public_names(file, graph)
        if public:
            shown = ", ".join(f"`{n}`" for n in public[:5]) + (", …" if len(public) > 5 else "")
            yield Hit(
                file.relpath,
                f"package {file.module} has public names ({shown}) but no `__all__`",
            )


@rule(
    "PF306",
    "private-export",
    "an underscore name is exported in `__all__`",
    severity=Severity.WARNING,
    fix=Applicability.UNSAFE,
    fixer="exports:drop_private_exports",
)
def private_export(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a `_private` name listed in `__all__` (dunder names such as `__version__`
    are fine).

    ## Why is this bad?
    A leading underscore says "not part of the API"; listing it in `__all__` says
    the opposite. One of the two is wrong.

    ## Example
    ```python
    __all__ = ["echofilter", "_mix"]
    ```

    ## Use instead
    ```python
    __all__ = ["echofilter", "mix"]
    ```

    ## Fix
    Removes the private name from `__all__`. Unsafe: `from module import *` stops
    giving it; the fix cannot tell whether the name should have been public instead.
    """
    for file in _with_all(project):
        info = file.summary.all
        assert info is not None
        for entry in info.entries:
            name = entry.value
            if name and is_private(name):
                yield Hit(
                    file.relpath,
                    f"`{name}` is private (leading underscore) but listed in `__all__`",
                    entry.line,
                    entry.column,
                    subject=(name,),
                )
