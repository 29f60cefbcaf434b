"""PF412: what ``check --import`` saw when it actually imported the project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pkgforge._patterns import LazyPattern
from pkgforge.checker.certainty import Certainty
from pkgforge.checker.distmap import import_names_of, is_stdlib
from pkgforge.checker.model import Project
from pkgforge.checker.rules.base import Hit, rule

if TYPE_CHECKING:
    # Imported where used: only `check --import` needs the import runner (subprocesses,
    # a thread pool), and every check loads this rule.
    from pkgforge.checker.importrun import Declared, ImportFailure, ImportRun

__all__ = ["import_failed"]

_LISTED = 5
_ON_PURPOSE = (
    "an ImportError raised on purpose: the module is not for this environment "
    "(a platform, Python version, optional package or configuration it lacks)"
)
_CANNOT_IMPORT = LazyPattern(r"cannot import name '(\w+)' from '([\w.]+)'")
_MAYBE_BUILT = (
    "{}: if the build makes it (a compiled extension, a generated file), build the project "
    "in place (pip install -e .) and run again"
)


@rule("PF412", "import-failed", "a module raises when imported (`check --import` only)")
def import_failed(project: Project) -> Iterator[Hit]:
    """
    ## What it does
    Only with `pkgforge check --import`: imports every module of the project, each
    in a fresh interpreter of the project's environment (`--python`, the
    project's `.venv`, or the active environment), with the package roots first
    on `sys.path`, and reports each module whose import raises, crashes or hangs,
    with the exception and where it was raised. It runs the project's code, so it
    is opt-in; it settles what the static rules could not see.

    A failure is an error: it really happened. It is a warning when it says more
    about the environment or the platform than about the code: a dependency or
    extra that is declared but not installed there, a standard-library module
    that this Python was built without, a dependency whose own import failed, an
    `ImportError` the code raises on purpose (`else: raise ImportError("only on
    Windows")`), a failing statement that tests `sys.platform` or a module named
    for a platform (`_winconsole`, `macOS`), an import that timed out. It is info
    when the failure is about a module of the project that has no Python source
    in the tree (none, or only `.pyi` stubs), since the build may make it (a
    compiled extension, a generated `_version.py`): build in place
    (`pip install -e .`) and run again.

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
    run = project.extra.get("imports")
    if run is None:
        return
    from pkgforge.checker.importrun import ImportRun

    if not isinstance(run, ImportRun) or not run.failures:
        return
    judge = _Judge(project, run)
    for failure in run.failures:
        certainty, why = judge(failure)
        yield Hit(
            failure.relpath,
            _message(failure, why),
            failure.line,
            certainty=certainty,
        )


def _message(failure: ImportFailure, why: str) -> str:
    text = f"`import {failure.module}` fails: {failure.error}"
    places = []
    if failure.outside:
        places.append(f"raised in {failure.outside}")
    if failure.raised_at is not None and failure.raised_at[0] != failure.relpath:
        where = f"{failure.raised_at[0]}:{failure.raised_at[1]}"
        places.append(f"via {where}" if failure.outside else f"raised at {where}")
    if places:
        text += f" ({', '.join(places)})"
    if why:
        text += f"; {why}"
    if failure.breaks:
        shown = ", ".join(failure.breaks[:_LISTED])
        more = f" and {len(failure.breaks) - _LISTED} more" if len(failure.breaks) > _LISTED else ""
        count = len(failure.breaks)
        text += f"; so does the import of {count} submodule{'s' * (count != 1)}: {shown}{more}"
    return text


class _Judge:
    """How sure a failure is about the project, rather than about the environment."""

    def __init__(self, project: Project, run: ImportRun) -> None:
        self.project = project
        self.run = run
        from pkgforge.checker.importrun import declared_distributions

        self.declared: Declared = declared_distributions(project)
        self.unbuilt = sorted(_without_source(project))
        installed = run.interpreter.installed
        self.absent = None if installed is None else sorted(self.declared.names - installed)

    def __call__(self, failure: ImportFailure) -> tuple[Certainty, str]:
        from pkgforge.checker.importrun import FailureKind

        if failure.kind is FailureKind.TIMEOUT:
            return Certainty.SOME_PATHS, "it hangs, or is slower than the timeout"
        unbuilt = self._unbuilt_in(failure)
        if unbuilt is not None:
            return Certainty.UNSEEN, _MAYBE_BUILT.format(
                f"`{unbuilt}` has no Python source in the tree (type stubs or a bare directory)"
            )
        certainty, why = self._judge(failure)
        if certainty is Certainty.PROVEN and failure.explicit:
            # `except ImportError: raise ImportError("install x")`: by convention, "not here".
            return Certainty.SOME_PATHS, _ON_PURPOSE + (f" ({why})" if why else "")
        if certainty is Certainty.PROVEN:
            platform = _platform_specific(failure)
            if platform:
                return Certainty.SOME_PATHS, (
                    f"{platform}: a failure on this platform proves none on the others"
                )
        return certainty, why

    def _judge(self, failure: ImportFailure) -> tuple[Certainty, str]:
        from pkgforge.checker.importrun import FailureKind

        if failure.kind is FailureKind.CRASHED:
            return Certainty.PROVEN, ""
        if not failure.missing:
            return Certainty.PROVEN, ""
        missing = failure.missing
        top = missing.partition(".")[0]
        if top in self.project.top_level:
            return self._first_party(failure, missing)
        if is_stdlib(top):
            if failure.not_found:
                return Certainty.SOME_PATHS, (
                    f"this Python ({self.run.interpreter.version_text}) lacks the "
                    f"standard-library module `{top}` (a platform or build option)"
                )
            return Certainty.PROVEN, ""
        provider = self._provider(top)
        if provider is not None:
            return Certainty.SOME_PATHS, provider
        if failure.outside:
            return Certainty.SOME_PATHS, (
                "an installed distribution's own import failed: the environment is "
                "incomplete or inconsistent"
            )
        if not failure.not_found:
            return Certainty.SOME_PATHS, (
                f"the installed `{top}` lacks it: a lower bound on that dependency may be missing"
            )
        return self._undeclared(top)

    def _first_party(self, failure: ImportFailure, missing: str) -> tuple[Certainty, str]:
        if failure.not_found:
            if not self._in_source(missing):
                return Certainty.UNSEEN, _MAYBE_BUILT.format(
                    f"`{missing}` is not in the source tree"
                )
            if failure.module == missing or failure.module.startswith(f"{missing}."):
                # Discovery found it where the import system did not look: a package
                # installed in the environment shadows it, or the layout is unusual.
                return Certainty.SOME_PATHS, (
                    f"the import system does not find `{missing}` where the source tree has it "
                    "(an installed package of that name shadows it?)"
                )
            return Certainty.PROVEN, ""
        found = _CANNOT_IMPORT.match(failure.error.partition(": ")[2])
        if found is not None and found.group(2) == missing:
            name = found.group(1)
            if self._maybe_built(missing, name):
                return Certainty.UNSEEN, _MAYBE_BUILT.format(
                    f"`{missing}.{name}` is neither in the source tree nor bound in `{missing}`"
                )
        return Certainty.PROVEN, ""

    def _maybe_built(self, package: str, name: str) -> bool:
        """``from package import name`` could find a submodule that the build makes."""
        file = self.project.modules.get(package)
        if file is None or not file.is_package or self._in_source(f"{package}.{name}"):
            return False
        summary = file.summary
        bound = {b.name for b in summary.bindings}
        for info in summary.imports:
            bound.update(info.bound)
        return name not in bound

    def _unbuilt_in(self, failure: ImportFailure) -> str | None:
        """A project module without Python source that the failure is about: a directory
        holding only type stubs (``_rust/__init__.pyi``) imports as an empty namespace
        package where the build puts a compiled module."""
        for name in self.unbuilt:
            if failure.missing == name or failure.missing.startswith(f"{name}."):
                return name
            if f"'{name}'" in failure.error or f"'{name}." in failure.error:
                return name
        return None

    def _in_source(self, module: str) -> bool:
        return module in self.project.modules or any(
            d.package == module for d in self.project.directories
        )

    def _provider(self, top: str) -> str | None:
        """Why a missing module that a declared distribution provides is missing."""
        for dist in sorted(self.declared.required):
            if top in import_names_of(dist):
                return (
                    f"`{top}` comes from the declared dependency {dist}, which this "
                    "environment lacks: install the project's dependencies into it"
                )
        for dist, where in sorted(self.declared.optional.items()):
            if top in import_names_of(dist):
                return (
                    f"`{top}` comes from {dist} ({', '.join(where)}), which this environment "
                    "lacks: the module fails without it"
                )
        return None

    def _undeclared(self, top: str) -> tuple[Certainty, str]:
        if not isinstance((self.project.pyproject or {}).get("project"), dict):
            return Certainty.SOME_PATHS, (
                f"`{top}` is not installed here, and the project declares no dependencies"
            )
        if self.declared.dynamic:
            return Certainty.SOME_PATHS, (
                f"no declared dependency provides `{top}` as far as pkgforge can tell "
                "(the dependencies are dynamic)"
            )
        if self.absent is None:
            return Certainty.SOME_PATHS, (
                f"`{top}` may come from a declared distribution under another name "
                "(this Python cannot list what is installed)"
            )
        if self.absent:
            names = ", ".join(self.absent[:_LISTED]) + (
                ", ..." if len(self.absent) > _LISTED else ""
            )
            return Certainty.SOME_PATHS, (
                f"`{top}` may come from a declared distribution that this environment lacks "
                f"({names})"
            )
        return Certainty.PROVEN, f"no declared dependency provides `{top}`"


def _without_source(project: Project) -> set[str]:
    """Names inside the project's packages that have no Python source: subdirectories
    that are not packages, and ``.pyi`` stubs without a ``.py``."""
    packages = {d.package for d in project.directories if d.package}
    names: set[str] = set()
    for directory in project.directories:
        if not directory.package:
            continue
        for sub in directory.subdirs:
            name = f"{directory.package}.{sub}"
            if sub.isidentifier() and name not in packages:
                names.add(name)
        sources = {entry[:-3] for entry in directory.entries if entry.endswith(".py")}
        for entry in directory.entries:
            stem = entry[:-4]
            if entry.endswith(".pyi") and stem not in sources and stem.isidentifier():
                names.add(f"{directory.package}.{stem}")
    return names


# Words that name a platform in a module name (`_winconsole`, `backends/macOS`).
# fmt: off
_PLATFORM_WORDS = frozenset({
    "win", "win32", "win64", "windows", "winreg", "winapi", "nt", "msvc", "macos", "mac",
    "darwin", "osx", "cocoa", "appkit", "ios", "android", "emscripten", "pyodide", "wasm",
    "wasi", "linux", "posix", "unix", "cygwin", "java", "jython", "ironpython",
})
# fmt: on
_WIN_PREFIXES = ("win32", "win64", "winapi", "wincon", "winterm")
_PLATFORM_TEST = LazyPattern(
    r"\b(?:sys\.platform|os\.name|platform\.(?:system|machine|mac_ver|win32_ver)|"
    r"sys\.getwindowsversion|sys\.implementation|sys\.version_info)\b"
)


def _platform_specific(failure: ImportFailure) -> str:
    """Why the failure may hold on this platform only ('' when nothing says so)."""
    if _PLATFORM_TEST.search(failure.statement):
        return f"the failing statement tests the platform or Python (`{failure.statement}`)"
    places = [failure.module.replace(".", "/"), failure.raised_at[0] if failure.raised_at else ""]
    for place in places:
        for part in place.removesuffix(".py").split("/"):
            words = part.lower().strip("_").split("_")
            if any(w in _PLATFORM_WORDS or w.startswith(_WIN_PREFIXES) for w in words):
                return f"`{part}` looks platform-specific"
    return ""
