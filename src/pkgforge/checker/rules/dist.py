"""Distribution rules: what a wheel or sdist holds, and whether its metadata will upload.

Every rule here takes an :class:`~pkgforge.checker.archive.Archive` (``scope="dist"``).
"""

from __future__ import annotations

import fnmatch
import io
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pkgforge.checker.findings import Severity
from pkgforge.checker.rules.base import Hit, rule
from pkgforge.names import NOT_PACKAGES  # one list: `new` refuses these names too

if TYPE_CHECKING:
    from pkgforge.checker.archive import Archive

__all__ = [
    "duplicate_in_dist",
    "invalid_dist_metadata",
    "junk_in_dist",
    "missing_from_dist",
    "readme_render",
    "unexpected_top_level",
]

# Top-level source modules of a flat layout that configure tools, not the package.
_TOOL_MODULES = frozenset({"conftest", "fabfile", "noxfile", "setup", "tasks", "toxfile"})

# Directories that are junk wherever they appear.
_JUNK_DIRS = frozenset(
    {
        "__pycache__",
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "CVS",
        ".idea",
        ".vscode",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".cache",
        ".eggs",
        ".ipynb_checkpoints",
    }
)
_BYTECODE = ("*.pyc", "*.pyo")
_EDITOR_FILES = (".DS_Store", "Thumbs.db", "*.swp", "*.swo", "*~", ".#*", "#*#", "*.orig", "*.rej")


@rule("PF502", "readme-render", "the long description will not render on the index", scope="dist")
def readme_render(archive: Archive) -> Iterator[Hit]:
    """## What it does
    Renders the distribution's long description (the ``Description`` metadata,
    usually the README) with ``readme_renderer``, as ``twine check`` and the
    index do: reStructuredText when the content type is ``text/x-rst`` or
    missing, Markdown (GFM or CommonMark) for ``text/markdown``.

    ## Why is this bad?
    The index refuses an unknown content type, and shows an RST description
    with a markup error as raw text (PyPI used to refuse the upload). A
    missing content type makes the index guess reStructuredText.

    ## Example
    ```toml
    [project]
    readme = { file = "README.txt", content-type = "text/x-markdown" }
    ```

    ## Use instead
    ```toml
    [project]
    readme = "README.md"   # text/markdown, from the suffix
    ```
    """
    from pkgforge.checker.archive import parsed_content_type

    description = archive.long_description
    where = archive.where(archive.metadata_path or "")
    if archive.metadata_path is None:
        return
    if not description or description.rstrip() == "UNKNOWN":
        yield Hit(where, "the distribution has no long description", severity=Severity.WARNING)
        return
    raw_type = archive.content_type
    if raw_type is None:
        yield Hit(
            where,
            "no Description-Content-Type: the index will read the description as reStructuredText",
            severity=Severity.WARNING,
        )
        raw_type = "text/x-rst"
    content_type, params = parsed_content_type(raw_type)
    if content_type == "text/plain":
        return
    if content_type == "text/x-rst":
        problem = _rst_problem(description)
    elif content_type == "text/markdown":
        problem = _markdown_problem(description, params.get("variant", "GFM"))
    else:
        problem = (
            f"the content type {content_type!r} is not one the index accepts "
            "(text/plain, text/x-rst, text/markdown)"
        )
    if problem:
        yield Hit(where, problem)


def _rst_problem(text: str) -> str | None:
    import readme_renderer.rst

    stream = io.StringIO()
    if readme_renderer.rst.render(text, stream=stream) is not None:
        return None
    report = " ".join(stream.getvalue().split())
    return f"the reStructuredText description will not render: {report[:300]}"


def _markdown_problem(text: str, variant: str) -> str | None:
    import readme_renderer.markdown

    if variant not in ("GFM", "CommonMark"):
        return f"unknown Markdown variant {variant!r} (use GFM or CommonMark)"
    if not readme_renderer.markdown.variants:
        return None  # readme_renderer without its [md] extra cannot judge Markdown
    if readme_renderer.markdown.render(text, variant=variant) is None:
        return "the Markdown description renders to nothing"
    return None


@rule(
    "PF504",
    "missing-from-dist",
    "a package or module of the source tree is not in the wheel",
    scope="dist",
)
def missing_from_dist(archive: Archive) -> Iterator[Hit]:
    """## What it does
    Compares the wheel with the source tree the checker discovered: every
    module of the project's top-level packages must be in the wheel. A missing
    package is reported once, not once per module in it. Single-file modules
    beside ``pyproject.toml`` in a flat layout (scripts, more often than not) are
    not expected. Needs the source
    project, so ``pkgforge check dist/x.whl`` on its own skips it;
    ``pkgforge build`` runs it.

    ## Why is this bad?
    The tests pass against the source tree, and the installed package fails
    with ``ModuleNotFoundError``: a subpackage without ``__init__.py`` that
    ``find_packages`` skipped, a ``packages = [...]`` list nobody updated, a
    file left out of the sdist that the wheel is built from.

    ## Example
    ```toml
    [tool.setuptools]
    packages = ["sound"]   # sound.effects is not listed
    ```

    ## Use instead
    ```toml
    [tool.setuptools.packages.find]
    where = ["src"]
    ```
    """
    project = archive.project
    if project is None or archive.kind != "wheel":
        return
    shipped = set(archive.installed_files)
    missing_packages: list[str] = []
    for source in sorted(project.modules.values(), key=lambda f: f.module):
        top = source.module.split(".", 1)[0]
        if top not in project.top_level or top in NOT_PACKAGES or top in _TOOL_MODULES:
            continue
        if source.module == top and not source.is_package and source.path.parent == project.root:
            continue  # a script beside pyproject.toml in a flat layout, rarely meant to ship
        if any(source.module.startswith(f"{package}.") for package in missing_packages):
            continue
        expected = source.module.replace(".", "/") + (
            "/__init__.py" if source.is_package else ".py"
        )
        if expected in shipped:
            continue
        if source.is_package:
            missing_packages.append(source.module)
            what = f"package {source.module}"
        else:
            what = f"module {source.module}"
        yield Hit(source.relpath, f"{what} is not in {archive.filename} (no {expected})")


@rule(
    "PF505",
    "unexpected-top-level",
    "the wheel installs an extra top-level name",
    scope="dist",
)
def unexpected_top_level(archive: Archive) -> Iterator[Hit]:
    """## What it does
    Lists the names a wheel installs at the top of ``site-packages`` and
    reports ``tests``, ``docs``, ``src``, ``examples`` and similar; with the
    source project at hand, also any name the project does not provide
    (warning), and plain files such as ``README.md`` dropped into
    ``site-packages``.

    ## Why is this bad?
    Every project that ships its ``tests`` package installs it as the same
    top-level ``tests``: they overwrite each other, and ``import tests`` finds
    a stranger's. A top-level ``src`` means the src layout was packaged as a
    package, so ``import sound`` fails after installation.

    ## Example
    ```toml
    [tool.setuptools.packages.find]
    where = ["."]           # picks up tests/ and docs/ too
    ```

    ## Use instead
    ```toml
    [tool.setuptools.packages.find]
    where = ["src"]
    ```
    """
    if archive.kind != "wheel":
        return
    project = archive.project
    provided = set(project.top_level) if project is not None else None
    for name in archive.top_level:
        if name in NOT_PACKAGES:
            yield Hit(
                archive.where(name),
                f"the wheel installs a top-level {name!r} into site-packages",
            )
        elif provided is not None and name not in provided:
            yield Hit(
                archive.where(name),
                f"the wheel installs a top-level {name!r} that the project does not provide",
                severity=Severity.WARNING,
            )
    for member in archive.top_level_files:
        yield Hit(
            archive.where(member),
            f"the wheel puts the file {member!r} straight into site-packages",
            severity=Severity.WARNING,
        )


@rule(
    "PF506",
    "junk-in-dist",
    "bytecode, __pycache__, VCS or editor files in a wheel or sdist",
    scope="dist",
)
def junk_in_dist(archive: Archive) -> Iterator[Hit]:
    """## What it does
    Looks for files that no distribution should carry: bytecode (``*.pyc``,
    ``__pycache__``), version-control directories (``.git``, ``.hg``, ``.svn``),
    tool caches (``.tox``, ``.mypy_cache``) and editor or OS droppings
    (``.idea``, ``.vscode``, ``*.swp``, ``*~``, ``.DS_Store``). A junk directory
    is reported once.

    ## Why is this bad?
    Bytecode in a wheel was compiled for one interpreter and can outlive its
    source: a deleted module keeps importing. A ``.git`` directory in an sdist
    can leak history and credentials; the rest only makes the download bigger.

    ## Example
    ```text
    # MANIFEST.in
    graft src
    ```

    ## Use instead
    ```text
    # MANIFEST.in
    graft src
    global-exclude *.py[cod] __pycache__ *.swp .DS_Store
    ```
    """
    reported_dirs: set[str] = set()
    for member in dict.fromkeys(archive.members):
        parts = member.split("/")
        junk_dir = next((i for i, part in enumerate(parts[:-1]) if part in _JUNK_DIRS), None)
        if junk_dir is not None:
            directory = "/".join(parts[: junk_dir + 1])
            if directory not in reported_dirs:
                reported_dirs.add(directory)
                yield Hit(archive.where(directory + "/"), f"{parts[junk_dir]}/ directory")
            continue
        basename = parts[-1]
        if any(fnmatch.fnmatchcase(basename, pattern) for pattern in _BYTECODE):
            yield Hit(archive.where(member), "bytecode file")
        elif any(fnmatch.fnmatchcase(basename, pattern) for pattern in _EDITOR_FILES):
            yield Hit(archive.where(member), "editor or OS file", severity=Severity.WARNING)


@rule("PF507", "duplicate-in-dist", "the same path twice in one archive", scope="dist")
def duplicate_in_dist(archive: Archive) -> Iterator[Hit]:
    """## What it does
    Reports every path stored more than once in a wheel or sdist.

    ## Why is this bad?
    Which copy an installer extracts depends on the installer: pip takes the
    last, others take the first or refuse the wheel. The wheel's RECORD can
    only describe one of them, so the installed files may not be the ones
    that were tested.

    ## Example
    ```python
    # a custom build step that writes generated code with ZipFile.writestr
    # after the backend already added the same file
    ```

    ## Use instead
    Let the backend write each file once; generate files before the build.
    """
    for member, count in Counter(archive.members).items():
        if count > 1:
            yield Hit(archive.where(member), f"stored {count} times")


@rule(
    "PF510",
    "invalid-dist-metadata",
    "the core metadata breaks the spec; twine refuses it",
    scope="dist",
)
def invalid_dist_metadata(archive: Archive) -> Iterator[Hit]:
    """## What it does
    Validates the core metadata (``METADATA`` in a wheel, ``PKG-INFO`` in an
    sdist) as twine does before uploading, with ``packaging.metadata``: the
    file exists once, every field is known and well formed, and the values
    follow the spec. Also checks that the file name agrees with the name and
    version inside.

    ## Why is this bad?
    ``twine upload`` and the index refuse the file, after the release was
    tagged. A file name that disagrees with the metadata confuses installers
    that trust the name.

    ## Example
    ```text
    Metadata-Version: 2.1
    Name: sound
    Version: one point oh
    ```

    ## Use instead
    ```text
    Metadata-Version: 2.4
    Name: sound
    Version: 1.0
    ```
    """
    where = archive.where(archive.metadata_path or "")
    for problem in archive.metadata_errors:
        yield Hit(where, problem)
    if archive.metadata_errors or archive.name is None or archive.version is None:
        return
    mismatch = _filename_mismatch(archive)
    if mismatch:
        yield Hit(where, mismatch)


def _filename_mismatch(archive: Archive) -> str | None:
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        canonicalize_name,
        parse_sdist_filename,
        parse_wheel_filename,
    )
    from packaging.version import InvalidVersion, Version

    try:
        if archive.kind == "wheel":
            name, version, _, _ = parse_wheel_filename(archive.filename)
        elif archive.filename.endswith(".tar.gz"):
            name, version = parse_sdist_filename(archive.filename)
        else:
            return None
    except (InvalidWheelFilename, InvalidSdistFilename) as err:
        return f"the file name is invalid: {err}"
    assert archive.name is not None and archive.version is not None
    try:
        same_version = Version(archive.version) == version
    except InvalidVersion:
        return None  # already reported through metadata_errors
    if canonicalize_name(archive.name) != name or not same_version:
        return (
            f"the file name says {name} {version}, the metadata says "
            f"{archive.name} {archive.version}"
        )
    return None
