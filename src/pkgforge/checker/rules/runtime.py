"""PF412: what a real import of the package saw (``check --import``, ``build``, ``verify``)."""

from __future__ import annotations

from collections.abc import Iterator

from pkgforge.checker.model import Project
from pkgforge.checker.rules.base import Hit, rule

__all__ = ["import_failed"]


@rule("PF412", "import-failed", "a module fails when really imported")
def import_failed(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Imports every module of the package for real, each in a fresh interpreter:
    with `pkgforge check --import`, from the source tree in the project's own
    environment (`--python`, the project's `.venv`, or the active environment);
    with `pkgforge build` and `pkgforge verify`, from the built wheel in a clean
    environment that holds only its declared dependencies. Each module is
    imported as the first import and after its top-level package (for a
    submodule, one and the same import: it imports its packages first);
    `from m import *` runs where the module has an `__all__`; every entry point
    is loaded, never called. Each module whose import raises, crashes or hangs
    is reported with the exception, where it was raised and the chain of imports
    that reached it.

    ## Severity
    An **error** when the import machinery refused a module or name the package
    asks for (an import statement, a star import, a module-level name, an entry
    point's object) where an ordinary use meets it: the top-level package, a
    public module (no leading underscore below the top level), an entry point.
    A module that fails only for a third-party package the project does not
    declare is an error only when the top-level import or an entry point reaches
    it; otherwise it is an optional integration, a **warning** that asks for an
    extra.

    A **warning** for what the code raises on purpose or its environment raises
    (settings not configured, no display, `raise ImportError("only on
    Windows")`, `sys.exit`), a crash or a hang, a standard-library module of
    another platform, a declared dependency or extra the environment lacks, a
    guarded optional import whose name is then missing, a private module that
    fails only when imported first, test-suite modules and scripts in folders
    without `__init__.py` (they run in their tool's context). An **info** when
    the failure is about a module of the project that has no Python source in
    the tree (`check --import`: the build may make it).

    ## Why is this bad?
    A module that cannot be imported is broken for every user, whatever the static
    analysis says: a missing dependency, an import cycle, a name that no longer
    exists. Only running the import proves it.

    ## Example
    ```python
    # sound/effects/echo.py
    from sound.formats import wavread   # sound/formats/wavread.py was renamed
    ```

    ## Use instead
    Fix the import the message names, or declare the missing dependency.
    """
    run = project.extra.get("imports")
    if run is None:
        return
    from pkgforge.checker.importing.judge import judge_run
    from pkgforge.checker.importing.plan import ImportRun
    from pkgforge.checker.importing.project import project_context

    if not isinstance(run, ImportRun) or not run.failures:
        return
    for verdict in judge_run(run, project_context(project, run)):
        yield Hit(
            verdict.failure.relpath,
            verdict.message,
            verdict.failure.line,
            certainty=verdict.certainty,
            module=verdict.failure.module,
        )
