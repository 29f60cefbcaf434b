"""PF5xx (source side): pyproject.toml and the metadata it will produce.

These rules skip a directory without pyproject.toml, and all but PF501 skip a
pyproject.toml without a ``[project]`` table (metadata written elsewhere).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pkgforge.checker.findings import Severity
from pkgforge.checker.model import Project
from pkgforge.checker.rules.base import Hit, each, rule

__all__ = [
    "invalid_pyproject",
    "missing_license",
    "missing_requires_python",
    "schema_problems",
    "version_mismatch",
]

PYPROJECT = "pyproject.toml"
# What setuptools and hatchling pick up as license files when none are declared.
_LICENSE_GLOBS = ("LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*")
_VERSION_MODULES = ("__init__", "_version", "__version__", "version", "__about__", "_about")


def _text(project: Project) -> str:
    layout = project.extra.get("layout")
    data = getattr(layout, "pyproject_bytes", None)
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""


def _line_of(project: Project, pattern: str) -> int:
    """The 1-based line of the first match of ``pattern`` in pyproject.toml, else 1."""
    match = re.search(pattern, _text(project), re.MULTILINE)
    return _text(project).count("\n", 0, match.start()) + 1 if match else 1


def _project_table(project: Project) -> Mapping[str, Any] | None:
    table = (project.pyproject or {}).get("project")
    return table if isinstance(table, Mapping) else None


def _dynamic(table: Mapping[str, Any]) -> set[str]:
    value = table.get("dynamic")
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


@rule("PF501", "invalid-pyproject", "pyproject.toml breaks the packaging specifications")
def invalid_pyproject(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Validates pyproject.toml: that it is TOML at all, then `[project]` against
    PEP 621 (with PEP 639 license expressions and files), `[build-system]` against
    PEP 517/518, and `[tool.setuptools]` against setuptools' schema, using
    [validate-pyproject](https://validate-pyproject.readthedocs.io/).

    ## Why is this bad?
    Build frontends stop with a schema error, or worse, a backend silently ignores
    a misspelt key and ships wrong metadata.

    ## Example
    ```toml
    [project]
    name = "sound"
    version = "1.0"
    license = "MIT License"
    ```

    ## Use instead
    ```toml
    [project]
    name = "sound"
    version = "1.0"
    license = "MIT"
    ```
    """
    if project.pyproject_path is None:
        return
    if project.pyproject_error is not None:
        where = re.search(r"line (\d+), column (\d+)", project.pyproject_error)
        line, column = (int(where[1]), int(where[2])) if where else (1, 1)
        yield Hit(PYPROJECT, project.pyproject_error, line, column)
        return
    if project.pyproject is None:
        return
    for message, key in _schema_problems(project):
        leaf = re.escape(key.rsplit(".", 1)[-1].strip("`"))
        line = _line_of(project, rf"^\s*\"?{leaf}\"?\s*=") if leaf else 1
        yield Hit(PYPROJECT, message, line)


def _schema_problems(project: Project) -> list[tuple[str, str]]:
    memo = project.extra.get("memo")
    return schema_problems(project.pyproject or {}, _text(project), memo)


def schema_problems(
    pyproject: Mapping[str, Any], text: str, memo: dict[str, Any] | None
) -> list[tuple[str, str]]:
    """validate-pyproject's verdict as (message, key) pairs, remembered in ``memo`` by
    content hash (importing and compiling the schemas takes ~0.2 s). The engine calls
    this while worker processes parse, so a cold run does not wait for it."""
    from pkgforge.checker.digests import hexdigest

    digest = hexdigest(text.encode())
    remembered = memo.get("validate-pyproject") if isinstance(memo, dict) else None
    if isinstance(remembered, tuple) and remembered[0] == digest:
        return list(remembered[1])
    problems = _validate(dict(pyproject))
    if isinstance(memo, dict):
        memo["validate-pyproject"] = (digest, tuple(problems))
    return problems


def _validate(data: dict[str, Any]) -> list[tuple[str, str]]:
    from pkgforge.checker.pyproject_schema import schema_errors

    return schema_errors(data)


@rule(
    "PF503",
    "version-mismatch",
    "`__version__` disagrees with the project's version",
    severity=Severity.WARNING,
)
def version_mismatch(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Compares a literal `__version__ = "..."` in a top-level package (its
    `__init__.py`, `_version.py`, `__about__.py`, ...) with `[project].version`.
    A version that is `dynamic` is read from the code by the build backend, so it
    cannot disagree and is not checked.

    ## Why is this bad?
    `sound.__version__` says one thing and `pip show sound` another: bug reports
    name the wrong release, and a release may go out with the old number.

    ## Example
    ```toml
    [project]
    version = "1.1.0"
    ```
    ```python
    __version__ = "1.0.0"   # sound/__init__.py
    ```

    ## Use instead
    Keep one source of truth: `dynamic = ["version"]` with the backend reading
    `__version__`, or `importlib.metadata.version("sound")` in the code.

    ## Severity
    A **warning**: the two numbers disagree, but nothing fails to import, build or
    upload, so it does not block `pkgforge build`.
    """
    table = _project_table(project)
    if table is None or "version" in _dynamic(table):
        return
    declared = table.get("version")
    if not isinstance(declared, str):
        return
    for file in each(project.files):
        parts = file.module.split(".")
        if not file.module or parts[0] not in project.top_level:
            continue
        stem = "__init__" if file.is_package else parts[-1]
        if len(parts) > (1 if file.is_package else 2) or stem not in _VERSION_MODULES:
            continue
        if file.summary.version is None:
            continue
        if not _same_version(file.summary.version, declared):
            yield Hit(
                file.relpath,
                f"`__version__ = {file.summary.version!r}` but pyproject.toml says "
                f"version = {declared!r}",
                file.summary.version_line or 1,
            )


def _same_version(left: str, right: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(left) == Version(right)
    except InvalidVersion:
        return left.strip() == right.strip()


@rule(
    "PF508",
    "missing-license",
    "no license expression or license file",
    severity=Severity.WARNING,
)
def missing_license(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a `[project]` with no `license` (a PEP 639 SPDX expression), no
    `license-files`, and no LICENSE, LICENCE, COPYING or NOTICE file beside
    pyproject.toml for the build backend to pick up.

    ## Why is this bad?
    Without a license nobody may legally use, copy or redistribute the package,
    and the index page shows no license.

    ## Example
    ```toml
    [project]
    name = "sound"
    version = "1.0"
    ```

    ## Use instead
    ```toml
    [project]
    name = "sound"
    version = "1.0"
    license = "MIT"
    license-files = ["LICENSE"]
    ```
    """
    table = _project_table(project)
    if table is None or {"license", "license-files"} & (set(table) | _dynamic(table)):
        return
    entries = project.extra.get("root_entries", ())
    if any(fnmatch.fnmatchcase(e, g) for e in entries for g in _LICENSE_GLOBS):
        return
    yield Hit(
        PYPROJECT,
        'no license: add `license = "<SPDX expression>"` and a LICENSE file',
        _line_of(project, r"^\[project\]"),
    )


@rule(
    "PF509",
    "missing-requires-python",
    "no `requires-python`",
    severity=Severity.WARNING,
)
def missing_requires_python(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Flags a `[project]` table without `requires-python`.

    ## Why is this bad?
    Installers then offer the package to every Python version, including ones it
    cannot even parse on, and users get a syntax error instead of an older,
    compatible release. pkgforge also uses the lower bound to parse the code with
    the right grammar (PF410).

    ## Example
    ```toml
    [project]
    name = "sound"
    version = "1.0"
    ```

    ## Use instead
    ```toml
    [project]
    name = "sound"
    version = "1.0"
    requires-python = ">=3.11"
    ```
    """
    table = _project_table(project)
    if table is None or "requires-python" in table or "requires-python" in _dynamic(table):
        return
    yield Hit(
        PYPROJECT,
        "no `requires-python`: installers will offer this package to every Python",
        _line_of(project, r"^\[project\]"),
    )
