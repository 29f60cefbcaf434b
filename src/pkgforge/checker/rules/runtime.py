"""PF412: what ``check --import`` saw when it actually imported the project."""

from __future__ import annotations

from collections.abc import Iterator

from pkgforge.checker.model import Project
from pkgforge.checker.rules.base import Hit, rule

__all__ = ["import_failed"]


@rule("PF412", "import-failed", "a module raises when imported (`check --import` only)")
def import_failed(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Only with `pkgforge check --import`: imports every module of the project in a
    fresh subprocess (the package roots first on `sys.path`, no bytecode written)
    and reports each module whose import raises, hangs or crashes. It runs the
    project's code, so it is opt-in. It cross-checks the static rules: most
    failures also have a PF4xx finding that says why.

    ## Why is this bad?
    A module that cannot be imported is broken for every user, whatever the static
    analysis says: a missing dependency, an import cycle, a name that no longer
    exists.

    ## Example
    ```python
    # sound/effects/echo.py
    from sound.formats import wavread   # sound/formats/wavread.py was renamed
    ```

    ## Use instead
    Fix the import the message names, or declare the missing dependency.
    """
    failures = project.extra.get("imports") or ()
    for failure in failures:
        where = ""
        if failure.raised_in and failure.raised_in != failure.relpath:
            where = f" (raised in {failure.raised_in})"
        yield Hit(
            failure.relpath,
            f"`import {failure.module}` fails: {failure.error}{where}",
            failure.line,
        )
