"""PF4xx: import statements and the import graph (dependencies: :mod:`.dependencies`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib.machinery import PathFinder

from pkgforge.checker.certainty import Certainty, Reach, certainty_of_reach
from pkgforge.checker.declared import declarations_of, dependency_closure
from pkgforge.checker.distmap import (
    guessed_import_names,
    import_names_of,
    installed,
    is_stdlib,
    provides,
)
from pkgforge.checker.findings import Severity
from pkgforge.checker.graph import Breakage, ImportGraph, graph_of
from pkgforge.checker.model import Project, SourceFile
from pkgforge.checker.rules.base import Applicability, Hit, Units, each, rule
from pkgforge.checker.sites import project_site_dirs
from pkgforge.checker.summary import ImportInfo, ImportScope, NameUse, ProblemKind

__all__ = [
    "cycle_breaks_import",
    "implicit_relative_import",
    "import_cycle",
    "relative_import_beyond_top",
    "star_import",
    "star_import_in_function",
    "syntax_error",
    "sys_path_mutation",
    "too_large_to_parse",
    "undecodable_source",
    "undefined_at_import",
    "unreadable_file",
    "unresolved_import",
]

# `pkg.testing` is a helper API its users import (numpy.testing, trio.testing), not a test
_TEST_PARTS = frozenset({"tests", "test", "conftest"})


def _statement(info: ImportInfo) -> str:
    return info.statement


def _is_package_code(file: SourceFile) -> bool:
    """Importable modules of the distribution, tests excluded."""
    return bool(file.module) and not _is_test_module(file.module)


@lru_cache(maxsize=65536)
def _is_test_module(module: str) -> bool:
    return any(part in _TEST_PARTS or part.startswith("test_") for part in module.split("."))


@rule(
    "PF401",
    "star-import-in-function",
    "`from x import *` inside a function or class",
    fix=Applicability.SAFE,
    fixer="imports:hoist_star_import",
)
def star_import_in_function(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags `from module import *` inside a function or class body.

    ## Why is this bad?
    Python 3 refuses to compile it: `SyntaxError: import * only allowed at module
    level`. Python 2 allowed it, so it survives in old code — the whole module
    then fails to import.

    ## Example
    ```python
    def play():
        from sound.effects import *
    ```

    ## Use instead
    ```python
    def play():
        from sound.effects import echo, surround
    ```

    ## Fix
    Replaces the star import inside a function with a module-level import of the names
    the function uses (`from sound.effects import echo, surround`), when pkgforge can
    prove that it gives the function the same names: the star import is a statement of
    the function's own body; the module it names is the project's and its star names
    are known (a literal `__all__`, or names it binds); the function neither binds nor
    declares `global` any of them; and none of them is a builtin, or is bound or read
    anywhere else in the module, where the new module-level name would change what the
    code sees. Otherwise there is no fix. Safe: the function sees the same names; the
    module now compiles.
    """
    for file in each(project.files):
        for info in file.summary.imports:
            if "*" in info.names and (info.in_function or info.in_class):
                where = "function" if info.in_function else "class"
                yield Hit(
                    file.relpath,
                    f"`{_statement(info)}` inside a {where} is a SyntaxError in Python 3 "
                    "(import * is only allowed at module level)",
                    info.line,
                    info.column,
                )


@rule("PF402", "star-import", "`from x import *` at module level", severity=Severity.WARNING)
def star_import(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags `from module import *` at module level.

    ## Why is this bad?
    It binds names nobody can see in the source, silently shadows earlier names,
    and changes meaning whenever the other module's `__all__` changes. Readers and
    tools can no longer tell where a name comes from.

    ## Example
    ```python
    from sound.effects.echo import *
    ```

    ## Use instead
    ```python
    from sound.effects.echo import echofilter
    ```
    """
    for file in each(project.files):
        for info in file.summary.imports:
            if "*" in info.names and not (info.in_function or info.in_class):
                yield Hit(
                    file.relpath,
                    f"`{_statement(info)}` binds names the reader cannot see; "
                    "import the names you use",
                    info.line,
                    info.column,
                )


def _only_means_sibling(graph: ImportGraph, package: str, info: ImportInfo, top: str) -> bool:
    """Whether an absolute import can only have meant a sibling module (Python 2's implicit
    relative import). A top-level name that a declared dependency provides wins in Python
    3, even when it is not installed here (`import build` in pkgforge/release/ next to
    build.py is PyPA build), and so does one that the distributions they bring along, or
    the project's own environment, have. What pkgforge's own environment has, or how
    popular a name is, decides nothing (DESIGN.md)."""
    return _means_sibling(graph, package, info) and not _provided_top(graph.project, top)


def _reads_what_the_sibling_lacks(
    graph: ImportGraph, file: SourceFile, info: ImportInfo, sibling: str
) -> bool:
    """Whether the module reads an attribute of what ``import top`` binds that the sibling
    does not have (`np.dtype` after `import numpy as np` beside a numpy.py without
    `dtype`): its author means another module of that name, which Python 3 imports;
    whether that one is installed is a dependency question, not an implicit relative
    import. The module's summary lists what it reads of such names
    (:attr:`~pkgforge.checker.summary.ModuleSummary.import_attributes`)."""
    if info.is_from or not info.bound:
        return False  # `from echo import x`: the sibling was proved to have every name
    defined = graph.defined_names(sibling) if sibling in graph.modules else None
    if defined is None:
        return False
    bound = set(info.bound)
    submodules = graph.submodules(sibling) if sibling in graph.packages else frozenset()
    return any(
        name in bound
        and attr not in defined
        and attr not in submodules
        and not graph.is_module_attribute(sibling, attr)
        for name, attr in file.summary.import_attributes
    )


def _provided_top(project: Project, top: str) -> bool:
    """Whether a declared dependency (or a group's), what those bring along, or the
    project's environment provides the top-level name ``top``."""
    requirements = declarations_of(project).requirements
    if any(provides(guessed_import_names(r.name), top) for r in requirements):
        return True
    sites = project_site_dirs(project.root)
    if any(provides(import_names_of(r.name, sites), top) for r in requirements):
        return True
    index = installed(sites)
    shipped = [r for r in requirements if r.ships]
    if any(provides(index.names_of(name), top) for name in dependency_closure(shipped, sites)):
        return True
    if not sites:
        return False
    try:
        return PathFinder.find_spec(top, list(sites)) is not None
    except (ImportError, ValueError):
        return False


def _unseen_top_level(project: Project) -> str | None:
    """Why pkgforge cannot tell which distributions the package installs with: its
    declarations cannot be read (a computed ``install_requires``); None when it can.

    A declared dependency that is not installed here still has a name (what it provides
    is guessed from it), and what it brings along would have to ship a top-level module
    named exactly like the sibling: unlike PF407's names, which are distributions' own
    (matplotlib brings pillow's ``PIL``), that is no reason for doubt. ``build``'s
    verification, which installs the dependencies, settles it either way."""
    return declarations_of(project).unknown


def _means_sibling(graph: ImportGraph, package: str, info: ImportInfo) -> bool:
    """Whether the whole statement resolves inside ``package``: the dotted path is a
    sibling module and every imported name exists there. `from selenium import webdriver`
    next to a plain selenium.py without `webdriver` means the third-party selenium."""
    target = f"{package}.{info.module}"
    if not graph.is_module(target):
        return False
    if not info.is_from or target not in graph.modules:
        return True
    defined = graph.defined_names(target)
    return all(
        name == "*" or graph.exists(f"{target}.{name}") or defined is None or name in defined
        for name in info.names
    )


@rule(
    "PF403",
    "implicit-relative-import",
    "`import echo` meaning a sibling module (Python 2 only)",
    fix=Applicability.SAFE,
    fixer="imports:make_relative",
)
def implicit_relative_import(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags an absolute import whose first name is not a top-level module anywhere,
    but is a sibling module in the importing package — `import echo` in
    `sound/effects/surround.py` next to `sound/effects/echo.py`. A name that a
    declared dependency (or a dependency group) provides is that distribution, even
    when it is not installed where pkgforge runs. A sibling is a module, a package, or
    a file that can be one (a stub, an extension module or its C or Cython source): a
    data file (`alembic.ini` beside an Alembic `env.py`) is none.

    A sibling named like a standard-library module (`types.py`) is no top-level module
    in Python 3: `from types import Meter` gets the standard library's `types`. It is
    flagged when that module has no `Meter` on the Pythons requires-python allows (read
    from typeshed's stubs of each version; private names are never claimed).

    ## Why is this bad?
    Python 2 looked in the current package first (an *implicit relative import*),
    so this worked. Python 3 imports are absolute: `import echo` looks for a
    top-level `echo` and raises `ModuleNotFoundError`.

    ## Example
    ```python
    # sound/effects/surround.py
    import echo
    from echo import echofilter
    ```

    ## Use instead
    ```python
    # sound/effects/surround.py
    from . import echo
    from .echo import echofilter
    ```

    ## Severity
    An **error** where the import runs at import time on every supported Python. A
    **warning** where it runs only on some paths (a function body, a platform branch),
    and in a script — a module with an `if __name__ == "__main__":` block that no
    module of the project imports — which works when run from its own folder.
    Nothing in code that never runs. For a standard-library namesake, a **warning**
    when only some of the allowed Pythons lack the name. An **info** when pkgforge cannot
    read which distributions the package installs with (a computed `install_requires`,
    a setup_requires plugin): one of them may be a top-level module of that name. How
    well known a name is decides nothing. Nothing where the module reads an attribute
    of the name that the sibling lacks (`np.dtype` beside a `numpy.py` without
    `dtype`): another module of that name is meant, and PF407 judges that import.

    ## Fix
    Rewrites the import as the explicit relative import of the sibling, which the
    finding proves exists: `import echo` becomes `from . import echo` (`import echo as
    e`: `from . import echo as e`), `from echo import x` becomes `from .echo import x`.
    Safe: the same module is bound to the same name. There is no fix for `import
    echo.sub` (no relative form binds `echo` the same way), in a module that runs as a
    script (it has an `if __name__ == "__main__":` block), where a relative import
    fails, nor where the module reads an attribute of `echo` that the sibling does not
    define (`echo.zero`): another `echo` may be meant.
    """
    graph = graph_of(project)
    for file in each(project.files):
        if not file.module:
            continue
        # run as a script (`python gen.py`), its own folder is sys.path[0] and the sibling
        # is found: it fails only when imported as a module, which nothing here does
        script = file.summary.has_main_guard and file.module not in graph.imported_modules()
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        if not package:
            continue
        own_name = file.module.rpartition(".")[2]
        # `if "." in __name__: from .parser import P` / `else: from parser import P` (ANTLR's
        # generated code) is a deliberate fallback for running the file as a script
        relative = {
            part
            for info in file.summary.imports
            if info.level == 1
            for part in (info.module.partition(".")[0], *info.names)
        }
        for info in file.summary.imports:
            certainty = certainty_of_reach(info.reach)
            if info.level != 0 or not info.module or info.optional or certainty is None:
                continue
            if _may_edit_path_first(file, info):
                continue  # a module that edits sys.path may really have a sibling on it
            top = info.module.partition(".")[0]
            fallback = top in relative and info.reach is not Reach.ALWAYS
            if is_stdlib(top) and top not in graph.top_level and not fallback:
                yield from _shadowed_stdlib(
                    project, graph, file, package, info, certainty=certainty
                )
                continue
            if top in graph.top_level or top == own_name:
                continue  # `import redis` inside redis.py means the third-party one
            if fallback:
                continue  # a fallback for running the file as a script (ANTLR's)
            if not _only_means_sibling(graph, package, info, top):
                continue
            if _reads_what_the_sibling_lacks(graph, file, info, f"{package}.{top}"):
                continue  # another `top` is meant: a third-party import (PF407's)
            sibling = f"{package}.{top}"
            fixed = (
                f"from . import {top}"
                if not info.is_from
                else _statement(info).replace(f"from {info.module}", f"from .{info.module}", 1)
            )
            unseen = _unseen_top_level(project)
            if unseen is not None:
                certainty = Certainty.UNSEEN
                why = (
                    f"no top-level `{top}`, unless a dependency pkgforge cannot see brings "
                    f"one: {unseen}"
                )
            else:
                why = f"no top-level `{top}`"
            yield Hit(
                file.relpath,
                f"implicit relative import: `{_statement(info)}` means the sibling module "
                f"{sibling}; that worked in Python 2 but fails in Python 3 "
                f"({why}); write `{fixed}`"
                + (
                    " (it works only when the file runs as a script from its own folder)"
                    if script
                    else ""
                ),
                info.line,
                info.column,
                certainty=min(certainty, Certainty.SOME_PATHS) if script else certainty,
                subject=(top,),
            )


def _may_edit_path_first(file: SourceFile, info: ImportInfo) -> bool:
    """Whether the module may change ``sys.path`` before the statement runs: at import time
    before its line, or anywhere for a statement that runs later (a function body)."""
    summary = file.summary
    if info.scope is ImportScope.FUNCTION or info.reach is Reach.LATER:
        return bool(summary.sys_path_mutations)
    return any(line < info.line for line in summary.sys_path_at_import)


def _shadowed_stdlib(
    project: Project,
    graph: ImportGraph,
    file: SourceFile,
    package: str,
    info: ImportInfo,
    *,
    certainty: Certainty,
) -> Iterator[Hit]:
    """``from types import Meter`` beside a sibling ``types.py``: Python 2 took the sibling,
    Python 3 takes the standard library's module, which may lack the name."""
    sibling = f"{package}.{info.module}"
    if not info.is_from or not graph.exists(sibling):
        return
    from pkgforge.checker.stdlib import missing_from_stdlib, supported_minors

    oldest = project.extra.get("feature_version")
    memo = project.extra.get("memo")
    minors = supported_minors(
        project.requires_python,
        oldest[1] if isinstance(oldest, tuple) else 0,
        memo if isinstance(memo, dict) else None,
    )
    for name in info.names:
        if name == "*":
            continue  # asks for no name: the standard library's module has its `__all__`
        lacking, everywhere = missing_from_stdlib(info.module, name, minors)
        if not lacking:
            continue
        versions = ", ".join(f"3.{m}" for m in lacking)
        where = "" if everywhere else f" on Python {versions}"
        fixed = _statement(info).replace(f"from {info.module}", f"from .{info.module}", 1)
        yield Hit(
            file.relpath,
            f"implicit relative import: `{_statement(info)}` meant the sibling module "
            f"{sibling} in Python 2, but Python 3 imports the standard library's "
            f"`{info.module}`, which has no `{name}`{where}; write `{fixed}`",
            info.line,
            info.column,
            certainty=certainty if everywhere else min(certainty, Certainty.SOME_PATHS),
        )
        return  # the first missing name raises


@rule(
    "PF404",
    "unresolved-import",
    "an import of the project's own package names a missing module or name",
)
def unresolved_import(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags an import of the project's own package that names a module that does not
    exist, or names the module does not define (and that are not submodules), with
    one finding per statement listing every missing name. A name counts as missing
    when the module binds it only under `if TYPE_CHECKING:` or in a branch no
    supported Python takes, deletes it with a module-level `del`, or binds it only
    after an optional import that always fails. Module attributes (`__file__`,
    `__doc__`, `__path__` of a package, `__spec__`, ...) always exist, and so do the
    names a module-level `__getattr__` serves in its literal forms (`if name == "x":`,
    `if name in {...}:` then `raise AttributeError`). A name that a function binds
    through `global` counts as bound: whether anything calls the function first is not
    something pkgforge can prove; so does a name only annotated at module level
    (`frozendict: type[FrozenDict]`), which says that something pkgforge cannot read
    binds it (a helper that writes the module's globals). Imports guarded by `try/except ImportError` are left
    alone, and so are tests (they import missing names on purpose, to check that they
    are missing).

    ## Why is this bad?
    The import raises `ModuleNotFoundError` or `ImportError` the moment it runs —
    typically after a rename or a move that missed one caller.

    ## Example
    ```python
    from sound.effects.echo import echo_filter  # the function is `echofilter`
    import sound.effect.echo  # the package is `effects`
    ```

    ## Use instead
    ```python
    from sound.effects.echo import echofilter
    import sound.effects.echo
    ```

    ## Severity
    An **error** when the statement runs at import time on every supported Python and
    platform; a **warning** in a function body or a platform or version branch; nothing
    under `if TYPE_CHECKING:` or in a branch no supported Python takes. An **info**, once
    per module, when pkgforge cannot tell: the target's names are written at run time
    (`globals().update(...)`, `exec`, a `__getattr__` that may serve anything,
    `setattr(module, name, ...)` from another module, `sys.modules[...] = ...`), a
    module may be created without a file (an import hook), or the build may create it or
    write it anew (a `_version.py`). Such a blind spot stays local: a package that
    replaces itself in `sys.modules` (a lazy proxy) hides its own names, not its
    submodules, which are still files the import system finds or does not; a
    `sys.modules[key] = ...` hides only the modules its key can name (a literal, what
    is below a readable prefix, what the calls of its function pass; a loader of the
    user's files, none of the package's). The message
    says which statement stopped it; `pkgforge check --import` gives the real answer.
    """
    graph = graph_of(project)
    # one info per module whose names or submodules are unknown, at its first importer:
    # each unit offers its own (module, key, hit), the first module's is kept
    units = each(project.files)
    for file in units:
        module = file.module
        if graph.modules.get(module) is not file or not _is_package_code(file):
            continue  # tests import missing names on purpose (`with raises(ImportError):`)
        unseen: set[str] = set()
        for resolved in graph.resolved[module]:
            info, base = resolved.info, resolved.base
            if base is None or info.optional or info.scope is ImportScope.OPTIONAL:
                continue
            certainty = certainty_of_reach(info.reach)
            if certainty is None or not graph.is_first_party(base):
                continue  # never runs (`if TYPE_CHECKING:`, a dead version branch)
            hits: Iterator[Hit | _Unseen]
            if not graph.exists(base):
                hits = _missing_module(graph, file, info, base, certainty=certainty, unseen=unseen)
            elif not info.is_from:
                continue
            elif base not in graph.modules:
                hits = _namespace_misses(graph, file, info, base, certainty)
            else:
                hits = _missing_names(graph, file, info, base, certainty=certainty, unseen=unseen)
            for hit in hits:
                if isinstance(hit, _Unseen):
                    units.contribute((module, hit.key, hit.hit))
                else:
                    yield hit
    first: dict[str, tuple[str, Hit]] = {}
    for module, key, hit in units.contributions:
        if key not in first or module < first[key][0]:
            first[key] = (module, hit)
    for _, hit in first.values():
        yield hit


class _Unseen:
    """An info that only the first importer (by module name) of ``key`` reports."""

    __slots__ = ("hit", "key")

    def __init__(self, key: str, hit: Hit) -> None:
        self.key = key
        self.hit = hit


def _missing_module(
    graph: ImportGraph,
    file: SourceFile,
    info: ImportInfo,
    base: str,
    *,
    certainty: Certainty,
    unseen: set[str],
) -> Iterator[Hit | _Unseen]:
    built = graph.built_by(base)
    made = graph.made_at_run_time(base) if not built else None
    if built:
        yield Hit(
            file.relpath,
            f"`{_statement(info)}`: no module named {base} in the source tree; "
            f"the build may create it: {built}",
            info.line,
            info.column,
            certainty=Certainty.UNSEEN,
        )
    elif made is None:
        module = _module_above(graph, base)
        why = f"; '{module}' is not a package" if module else ""  # CPython's own words
        yield Hit(
            file.relpath,
            f"`{_statement(info)}`: no module named {base}{why}",
            info.line,
            info.column,
            certainty=certainty,
        )
    elif not made.known and made.installer not in unseen:
        unseen.add(made.installer)
        yield _Unseen(
            made.installer,
            Hit(
                file.relpath,
                f"`{_statement(info)}`: no file makes a module {base}, but line {made.line} "
                f"of {made.installer} creates modules at run time (a `sys.modules` write or an "
                "import hook) that pkgforge cannot list; `pkgforge check --import` settles it",
                info.line,
                info.column,
                certainty=Certainty.UNSEEN,
            ),
        )


def _module_above(graph: ImportGraph, dotted: str) -> str | None:
    """The module (not a package) that ``dotted`` puts a submodule under, if any:
    ``p.echo`` for ``p.echo.x`` when ``p/echo.py`` is a plain module."""
    parent = dotted.rpartition(".")[0]
    while parent:
        if parent in graph.modules:
            return None if graph.modules[parent].is_package else parent
        parent = parent.rpartition(".")[0]
    return None


def _missing_names(
    graph: ImportGraph,
    file: SourceFile,
    info: ImportInfo,
    base: str,
    *,
    certainty: Certainty,
    unseen: set[str],
) -> Iterator[Hit | _Unseen]:
    """One hit per statement, listing every name the module does not have."""
    wanted = [
        name
        for name in info.names
        if name != "*"
        and not graph.exists(f"{base}.{name}")
        and not graph.is_module_attribute(base, name)
        and graph.is_first_party(f"{base}.{name}")
        and graph.made_at_run_time(f"{base}.{name}") is None
    ]
    if not wanted:
        return
    defined = graph.defined_names(base)
    if defined is None:
        yield from _unknown_names(graph, file, info, base, wanted=wanted, unseen=unseen)
        return
    missing = []
    absent = [name for name in wanted if name not in defined]
    if base == file.module:
        # the module's own import binds the name first (at module level): PF411's finding
        first = {b.name: b.line for b in file.summary.bindings}
        absent = [n for n in absent if first.get(n) != info.line]
    if absent and (base == file.module or graph.in_one_run_cycle(base, file.module)):
        # the import may run while `base` is still running, before its `del` (a self-import
        # or a cycle: PF411 simulates those); it cannot when nothing runs in between
        absent = [
            name for name in absent if not graph.seen_before_del(base, name, file.module, info.line)
        ]
    for name in absent:
        built = graph.built_by(f"{base}.{name}")
        if built:
            yield Hit(
                file.relpath,
                f"`{_statement(info)}`: {base} defines no `{name}` and the source tree "
                f"has no submodule of that name; the build may create it: {built}",
                info.line,
                info.column,
                certainty=Certainty.UNSEEN,
            )
        else:
            missing.append(name)
    if not missing:
        return
    what = "package" if graph.modules[base].is_package else "module"
    reasons = [_why_missing(graph, base, name) for name in missing]
    listed = ", ".join(
        f"`{name}`" + (f" ({why})" if why and len(missing) > 1 else "")
        for name, why in zip(missing, reasons, strict=True)
    )
    if len(missing) == 1:
        why = reasons[0] or "has no submodule of that name"
        message = f"{what} {base} defines no {listed} and {why}"
    else:
        message = f"{what} {base} defines none of {listed}"
    yield Hit(
        file.relpath,
        f"`{_statement(info)}`: {message}",
        info.line,
        info.column,
        certainty=certainty,
    )


def _unknown_names(
    graph: ImportGraph,
    file: SourceFile,
    info: ImportInfo,
    base: str,
    *,
    wanted: list[str],
    unseen: set[str],
) -> Iterator[_Unseen]:
    """The one info for a module whose names are written at run time, at the first import
    of a name it does not bind where pkgforge can see."""
    bound = graph.modules[base].summary.bound_names
    unknown = graph.unknown_names(base)
    if unknown is None or base in unseen or all(n in bound for n in wanted):
        return
    unseen.add(base)
    where = "" if unknown.module == base else f" of {unknown.module}"
    why = (
        f"{unknown.what}: what the source tree holds is not what ships"
        if not unknown.line
        else f"{unknown.what} on line {unknown.line}{where} writes them at run time"
    )
    yield _Unseen(
        base,
        Hit(
            file.relpath,
            f"`{_statement(info)}`: the names of {base} cannot be listed ({why}), so this "
            "import was not checked; `pkgforge check --import` settles it",
            info.line,
            info.column,
            certainty=Certainty.UNSEEN,
        ),
    )


def _namespace_misses(
    graph: ImportGraph, file: SourceFile, info: ImportInfo, base: str, certainty: Certainty
) -> Iterator[Hit]:
    """``from ns import name`` on a namespace package (no ``__init__.py``) binds only its
    submodules: any other name fails, when no other distribution can add one."""
    if not graph.is_closed_namespace(base):
        return
    for name in info.names:
        if name == "*" or (name.startswith("__") and name.endswith("__")):
            continue  # dunders: __path__, __spec__, __file__ (None) exist on every module
        if graph.may_exist(f"{base}.{name}"):
            continue
        yield Hit(
            file.relpath,
            f"`{_statement(info)}`: {base} is a namespace package (its directory has no "
            f"`__init__.py`), so it has no `{name}`: only its submodules can be imported from it",
            info.line,
            info.column,
            certainty=certainty,
        )


def _why_missing(graph: ImportGraph, module: str, name: str) -> str:
    summary = graph.modules[module].summary
    binding = next((b for b in summary.bindings if b.name == name), None)
    if binding is None:
        return ""
    if binding.deleted:
        return f"deletes it (`del {name}` on line {binding.deleted})"
    if binding.reach is Reach.NEVER:
        return (
            "binds it only where the code never runs (`if TYPE_CHECKING:` or a "
            "branch no supported Python takes)"
        )
    if binding.guard:
        return f"binds it only if the import on line {binding.guard} works, which it never does"
    return ""


@rule("PF405", "relative-import-beyond-top", "a relative import climbs above the top-level package")
def relative_import_beyond_top(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a relative import with more leading dots than the module has enclosing
    packages — `from ... import x` in `sound/effects/echo.py`, or any relative
    import in a top-level module.

    ## Why is this bad?
    It raises `ImportError: attempted relative import beyond top-level package`.
    It usually means the code was moved, or the project's package root is wrong.

    ## Example
    ```python
    # sound/effects/echo.py
    from ...helpers import mix
    ```

    ## Use instead
    ```python
    # sound/effects/echo.py
    from ..helpers import mix  # sound/helpers.py
    ```
    """
    graph = graph_of(project)
    for file in each(project.files):
        module = file.module
        if graph.modules.get(module) is not file:
            continue
        for resolved in graph.resolved[module]:
            info = resolved.info
            certainty = certainty_of_reach(info.reach)
            if resolved.beyond_top and certainty is not None and not info.optional:
                yield Hit(
                    file.relpath,
                    f"`{_statement(info)}` in {module} climbs {info.level} package levels, "
                    "above the top-level package",
                    info.line,
                    info.column,
                    certainty=certainty,
                )


@rule(
    "PF406", "import-cycle", "modules import each other at module level", severity=Severity.WARNING
)
def import_cycle(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Reports each group of modules that import each other at module level (a
    strongly connected component of the import graph), printing one shortest
    cycle through it. Imports inside functions, under `if TYPE_CHECKING:` or
    under `if __name__ == "__main__":` run later or never and form no cycle.
    The finding is placed on the first import of the printed cycle, starting
    from the alphabetically first module, so it does not depend on file order.

    ## Why is this bad?
    Many cycles are harmless, but they make import order matter: a cycle can
    break as soon as someone moves an import or a definition (PF411 reports the
    ones that already break). Cycles also make modules impossible to use or test
    in isolation.

    ## Example
    ```python
    # sound/effects/echo.py
    from sound.effects import surround
    # sound/effects/surround.py
    from sound.effects import echo
    ```

    ## Use instead
    Move what both need into a third module, or import inside the function that
    needs it.
    """
    graph = graph_of(project)
    for component in each(graph.cycles(), " ".join):
        path = graph.shortest_cycle(component)
        if not path:
            continue
        first = path[0]
        steps = " -> ".join(
            f"{edge.source} ({graph.modules[edge.source].relpath}:{edge.info.line})"
            for edge in path
        )
        message = f"import cycle: {steps} -> {path[-1].target}"
        if len(component) > len(path):
            others = ", ".join(component[:8]) + (", …" if len(component) > 8 else "")
            message += f"; the cycle group has {len(component)} modules: {others}"
        yield Hit(
            graph.modules[first.source].relpath,
            message,
            first.info.line,
            first.info.column,
        )


def _breakage_message(project: Project, breakage: Breakage) -> str:
    from pkgforge.checker.graph import EntryKind

    modules = project.modules
    statement = f"`{_statement(breakage.info)}` fails with ImportError"
    if breakage.kind is EntryKind.SELF:
        when = (
            f"after deleting it (`del` on line {breakage.deleted_at})"
            if breakage.deleted_at
            else "before binding it"
        )
        return (
            f"{statement} when {breakage.entry} is imported, whatever is imported first: "
            f"{breakage.target} imports `{breakage.name}` from itself {when} "
            f"(it is only partly initialised at line {breakage.suspended_at})"
        )
    chain = " -> ".join(f"{modules[module].relpath}:{line}" for module, line in breakage.chain)
    lists = ""
    if "*" in breakage.info.names:
        statement = f"`{_statement(breakage.info)}` fails with AttributeError"
        lists = f"lists `{breakage.name}` in `__all__` but "
    first = breakage.first_import or breakage.entry
    via = "" if first == breakage.entry else f" (which enters the cycle at {breakage.entry})"
    deleted = f"deleted `{breakage.name}` (`del` on line {breakage.deleted_at})"
    if breakage.deleted_at and breakage.bound_at:
        deleted += f", binding it again only at line {breakage.bound_at}"
    if not breakage.suspended_at:
        state = f"has run to its end and {deleted}"
    elif breakage.deleted_at:
        state = (
            f"is only partly initialised (suspended at line {breakage.suspended_at}) and "
            f"has {deleted} already"
        )
    else:
        state = (
            f"is only partly initialised (suspended at line {breakage.suspended_at}) and "
            f"{lists}binds `{breakage.name}` later, at line {breakage.bound_at}"
        )
    message = (
        f"{statement} when {first} is imported first{via}: {breakage.target} {state}; "
        f"import chain: {chain}"
    )
    if not breakage.ordinary:
        message += (
            f" (only a program that imports the private module {first} first takes this order)"
        )
    return message


@rule("PF411", "cycle-breaks-import", "an import cycle fails at import time")
def cycle_breaks_import(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Simulates the interpreter importing each module of an import cycle's package
    first: it runs the module-level imports in order (parent packages first, as
    Python does) and reports a `from X import name` that runs while `X` is partly
    initialised and has not bound `name` yet (or a `from X import *` while `X`
    lists in `__all__` a name it has not bound yet). The message names the module imported
    first (the entry), the chain of imports in progress, the failing statement and
    the missing name. It also reports a module that imports a name from itself
    (`from pkg.mod import name` in `pkg/mod.py`, `from . import name` in
    `pkg/__init__.py`) before binding it: that statement fails whenever it runs.

    Any module can be imported first; importing `pkg.sub.mod` runs `pkg/__init__.py`
    and `pkg/sub/__init__.py` first, so what those import decides where the cycle is
    entered. When a failure is caught on the way (`try/except ImportError`), the
    modules it interrupted are dropped and run again later, as Python does. Imports
    inside functions, under `if TYPE_CHECKING:` or in a branch no supported Python
    takes never run, and imports guarded by `try/except ImportError` cannot break. A
    module-level `__getattr__` defined before the statement, a namespace written at
    run time (`globals()[...] = ...`) or a star import the analysis cannot read may
    bind the name in time: no finding.

    ## Why is this bad?
    That import raises `ImportError: cannot import name 'name' from partially
    initialized module 'X' (most likely due to a circular import)` — for every
    user who imports the package that way.

    ## Example
    ```python
    # sound/__init__.py
    from sound.effects import echo      # runs sound/effects/echo.py now ...
    VERSION = "1.0"
    # sound/effects/echo.py
    from sound import VERSION           # ... before VERSION exists
    ```

    ## Use instead
    Bind the name before the import that starts the cycle, import the module
    instead of the name (`import sound` and use `sound.VERSION` later), or move the
    import into the function that needs it.

    ## Severity
    An **error** when an ordinary first import fails (DESIGN.md, "Which first imports
    count"): importing the top-level package, any public module (no leading underscore
    below the top level: Django's sqlite3 `features`, imported before `base`, counts) or
    a module an entry point names; when the cycle fails however it is entered; and, for
    a module importing a name from itself, always. A **warning** when only importing a
    private module first (`pkg._impl`) takes the failing order, or when a statement on
    the way runs only on some paths (a platform branch, an `except` body) and the
    failure depends on it: the same statement failing with none of those statements
    run is still an error (a Windows-only import of a module off the failing way).
    """
    from pkgforge.checker.graph import (
        CycleContext,
        cycle_breakages,
        ranked_breakages,
        self_import_breakages,
    )

    graph = graph_of(project)
    selves: Units[SourceFile] = each(project.files)
    for file in selves:
        if graph.modules.get(file.module) is file:
            for breakage in self_import_breakages(graph, file.module):
                selves.contribute(breakage)
    context = CycleContext(graph)
    cycles = each(graph.run_cycles(), " ".join, group="cycle")
    for component in cycles:
        for breakage in cycle_breakages(graph, component, context):
            cycles.contribute(breakage)
    for breakage in ranked_breakages(selves.contributions, cycles.contributions):
        file = project.modules[breakage.importer]
        yield Hit(
            file.relpath,
            _breakage_message(project, breakage),
            breakage.info.line,
            breakage.info.column,
            certainty=Certainty.PROVEN if breakage.certain else Certainty.SOME_PATHS,
        )


@rule("PF409", "sys-path-mutation", "package code changes `sys.path`", severity=Severity.WARNING)
def sys_path_mutation(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags `sys.path.insert/append/extend/...` and assignments to `sys.path` in the
    modules of the package (not in tests or scripts).

    ## Why is this bad?
    A package that edits the import path works from its source tree and breaks
    once installed, or shadows other packages for everything imported afterwards.
    Imports should resolve because the package is installed, not because it
    patched `sys.path`.

    ## Example
    ```python
    import sys, os
    sys.path.insert(0, os.path.dirname(__file__))
    import echo
    ```

    ## Use instead
    ```python
    from . import echo
    ```
    """
    for file in each(project.files):
        if not _is_package_code(file):
            continue
        for line, column in file.summary.sys_path_mutations:
            yield Hit(
                file.relpath,
                f"{file.module} changes sys.path; installed packages must import without it",
                line,
                column,
            )


@rule("PF410", "syntax-error", "a module does not parse for the project's requires-python")
def syntax_error(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Reports a module that CPython's parser rejects: a syntax error (Python 2 code
    such as `print b,`), syntax newer than the oldest Python that `requires-python`
    allows, NUL bytes, or nesting the parser refuses (`too many nested parentheses`).

    ## Why is this bad?
    Importing the module raises `SyntaxError` (or `byte-compiling` it at install time
    fails) on some or all of the Pythons the project claims to support.

    It is an error when the parser rejects the file on every allowed Python. Syntax
    that only the oldest allowed Pythons reject (a `match` statement with
    `requires-python = ">=3.9"`) is a warning: it fails there, not everywhere —
    raise `requires-python` or rewrite the statement. When pkgforge runs on a Python older than every one the project allows,
    its parser may reject syntax they accept: that is an info that says so. Files
    pkgforge could not read (PF414), did not parse because they are too large
    (PF413) or could not decode (PF415) have codes of their own.

    ## Example
    ```python
    def fib(n):
        print b,
    ```

    ## Use instead
    ```python
    def fib(n):
        print(b, end=" ")
    ```
    """
    for file in each(project.files):
        problem = file.summary.problem
        if problem is None:
            continue
        if problem.kind is ProblemKind.SYNTAX:
            yield Hit(file.relpath, problem.message, problem.line, problem.column)
        elif problem.kind is ProblemKind.TOO_NEW:
            yield Hit(
                file.relpath,
                problem.message,
                problem.line,
                problem.column,
                certainty=Certainty.SOME_PATHS,
            )
        elif problem.kind is ProblemKind.NEWER_GRAMMAR:
            yield Hit(
                file.relpath,
                problem.message,
                problem.line,
                problem.column,
                certainty=Certainty.UNSEEN,
            )


def _problems(project: Project, kind: ProblemKind) -> Iterator[Hit]:
    for file in each(project.files):
        problem = file.summary.problem
        if problem is not None and problem.kind is kind:
            yield Hit(file.relpath, problem.message, problem.line, problem.column)


@rule(
    "PF413",
    "too-large-to-parse",
    "a file is too large or too deeply nested for pkgforge to parse",
    severity=Severity.WARNING,
)
def too_large_to_parse(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Reports a Python file that pkgforge did not parse: one over 8 MiB (a generated
    data table, say), or one nested more deeply than pkgforge's parser or summary
    can follow.

    ## Why is this bad?
    It may well be valid Python, so this is not an error: it says what pkgforge
    could not see. Its names and imports are unknown, so no rule reports a name
    as missing from it, its dependencies are not seen, and import cycles through
    it are not checked.

    ## Example
    ```python
    # sound/_tables.py, 14 MB
    TABLE = {0: (0.0, 0.1), 1: (0.1, 0.2), ...}
    ```

    ## Use instead
    Store large data as a data file (`sound/tables.json`, read with
    `importlib.resources`), or ignore PF413 for that path with `per-path-ignores`.
    """
    yield from _problems(project, ProblemKind.TOO_LARGE)


@rule("PF414", "unreadable-file", "a Python file cannot be read", severity=Severity.WARNING)
def unreadable_file(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Reports a Python file that the walk found but that could not be read
    (permissions, an I/O error, a file that vanished during the check).

    ## Why is this bad?
    pkgforge could not see into it: its names and imports are unknown, so no rule
    reports a name as missing from it. A file that cannot be read is usually also
    left out of the built distribution, or breaks the build.

    It is a warning, not an error: the problem is in the checkout, and says
    nothing about the code.

    ## Example
    ```
    $ ls -l sound/echo.py
    --w------- 1 me me 120 sound/echo.py
    ```

    ## Use instead
    ```
    $ chmod a+r sound/echo.py
    ```
    """
    yield from _problems(project, ProblemKind.UNREADABLE)


@rule(
    "PF415",
    "undecodable-source",
    "a Python file is not text in its declared encoding",
    severity=Severity.WARNING,
)
def undecodable_source(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Reports a Python file whose bytes do not decode in its declared encoding
    (UTF-8 when it declares none), or that declares an encoding Python does not
    know (`# -*- coding: no-such-codec -*-`).

    ## Why is this bad?
    CPython refuses to import such a file (`SyntaxError: (unicode error) 'utf-8'
    codec can't decode byte ...`), and pip cannot byte-compile it.

    It is only a warning, although the import fails: files like this are nearly
    always test fixtures, data or legacy scripts that nothing imports, and a
    warning does not block `build`. pkgforge cannot see whether anything imports
    it; `pkgforge check --import` does. Its names and imports are unknown to the
    other rules.

    ## Example
    ```python
    # saved as Latin-1, no encoding declaration
    NAME = "café"
    ```

    ## Use instead
    ```python
    # saved as UTF-8
    NAME = "café"
    ```
    """
    yield from _problems(project, ProblemKind.UNDECODABLE)


@rule(
    "PF416",
    "undefined-at-import",
    "a name bound only under `if TYPE_CHECKING:` is used while the module is imported",
)
def undefined_at_import(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a name that the module binds only where code never runs (under
    `if TYPE_CHECKING:`, or in a branch no supported Python takes) but reads while it
    is being imported: as a base class, a decorator, a default value, in a
    module-level call or assignment, or in a class body. One finding per line lists
    the names.

    It is an error when the read runs on every supported Python. An annotation
    (`def f(x: Thing)`, `x: Thing = 1`) is evaluated at definition time only before
    Python 3.14 (PEP 649) and never with `from __future__ import annotations`, so a
    TYPE_CHECKING-only name there is a warning while requires-python allows an older
    Python, and nothing otherwise. Reads inside function bodies, `try:` blocks that
    catch `NameError`, platform branches and loops are not looked at.

    ## Why is this bad?
    `if TYPE_CHECKING:` is false at run time, so the name does not exist: the module
    raises `NameError` the moment it is imported.

    ## Example
    ```python
    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        from sound.effects.echo import EchoFilter

    class Surround(EchoFilter): ...
    ```

    ## Use instead
    ```python
    from sound.effects.echo import EchoFilter

    class Surround(EchoFilter): ...
    ```
    """
    graph = graph_of(project)
    for file in each(project.files):
        uses = file.summary.import_time_uses
        if not uses or not file.module or file.module not in graph.modules:
            continue
        defined = graph.defined_names(file.module)
        if defined is None:
            continue  # a star import or a namespace written at run time may bind them
        by_line: dict[int, list[NameUse]] = {}
        for use in uses:
            if use.name not in defined:
                by_line.setdefault(use.line, []).append(use)
        for line, found in sorted(by_line.items()):
            names = list(dict.fromkeys(u.name for u in found))
            always = any(u.reach is Reach.ALWAYS for u in found)
            listed = ", ".join(f"`{n}`" for n in names)
            verb = "is" if len(names) == 1 else "are"
            yield Hit(
                file.relpath,
                f"{listed} {verb} bound only under `if TYPE_CHECKING:` (or where no supported "
                f"Python runs) but used while {file.module} is imported: NameError"
                + ("" if always else " before Python 3.14 (an annotation)"),
                line,
                found[0].column,
                certainty=Certainty.PROVEN if always else Certainty.SOME_PATHS,
            )
