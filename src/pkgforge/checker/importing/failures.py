"""What a child saw, as a record a judge can read: :class:`ImportFailure`.

A child reports an exception as its type, message, frames and causes
(:mod:`._child`); this module places it in the package: the package's own frame
that failed, the chain of modules whose code was running, whether the import
machinery raised it (a module or name the package asks for) or code raised it,
and whether it was about a module nobody could find.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

__all__ = ["FailureKind", "ImportFailure", "When", "describe", "fold"]

When = Literal["always", "star", "entry"]
"""When it fails: when the module is imported; at ``from m import *``; or when an entry
point is loaded."""

_BOOTSTRAP = "<frozen importlib._bootstrap"


class FailureKind(enum.StrEnum):
    RAISED = "raised"
    """The import raised (any BaseException, SystemExit included)."""
    TIMEOUT = "timeout"
    """The import did not finish in time."""
    CRASHED = "crashed"
    """The interpreter died without a verdict (a signal, ``os._exit``)."""


@dataclass(frozen=True)
class ImportFailure:
    """One module (or entry point) whose import failed, as the child saw it."""

    module: str
    relpath: str
    """The module's own file, as findings name it."""
    kind: FailureKind
    error: str
    """One line: ``ExceptionType: message``, or what happened to the interpreter."""
    when: When = "always"
    exc_type: str = ""
    """The exception's type (``ModuleNotFoundError``; qualified unless a builtin)."""
    bases: tuple[str, ...] = ()
    """The names of the exception's classes, itself first."""
    import_error: bool = False
    """The exception is an ImportError (or a subclass)."""
    explicit: bool = False
    """An ImportError that code raised itself (``raise ImportError("needs x")``), not
    the import system."""
    missing: str = ""
    """For an ImportError: the module it is about (``ImportError.name``, or its cause's)."""
    not_found: bool = False
    """``missing`` was not found at all (ModuleNotFoundError), not merely lacking a name."""
    machinery: bool = False
    """The import machinery or the interpreter raised it for a module or name the code
    asks for (an import statement, a star import, a module-level name, an entry point's
    object), rather than code raising it on purpose."""
    unbound: str = ""
    """For a NameError: the name."""
    looked_for: tuple[str, ...] = ()
    """Modules the import system could not find while this import ran (a guarded
    optional import that failed leaves its name here)."""
    line: int = 1
    """The statement of the module's own file that failed (1 when none ran)."""
    own_code: bool = False
    """The failure came through a statement of the module's own file (``line``)."""
    raised_at: tuple[str, int] | None = None
    """(relpath, line) of the innermost frame inside the package."""
    raised_in: str = ""
    """The module of that frame."""
    statement: str = ""
    """The source line at ``raised_at``."""
    outside: str = ""
    """``path:line`` of the innermost frame when it is outside the package (a dependency)."""
    chain: tuple[str, ...] = ()
    """The package's modules whose code was running, outermost first."""
    entry: str = ""
    """For an entry point: ``group: name = module:object``."""
    breaks: tuple[str, ...] = ()
    """Submodules whose import failed only because this package's did (folded in here)."""
    entries: tuple[str, ...] = ()
    """Entry points whose load failed the same way, because their module's import did."""

    @property
    def subject(self) -> str:
        """What failed, as a statement: ``import m``, ``from m import *``, an entry point."""
        if self.when == "star":
            return f"`from {self.module} import *`"
        if self.when == "entry":
            return f"the entry point `{self.entry}`"
        return f"`import {self.module}`"


def describe(
    module: str,
    relpath: str,
    record: Mapping[str, Any],
    by_path: Mapping[str, tuple[str, str]],
    *,
    when: When,
    looked_for: Sequence[str] = (),
    entry: str = "",
) -> ImportFailure:
    """The failure a child's exception ``record`` describes; ``by_path`` maps the real
    path of each of the package's files to its (relpath, module)."""
    exc_type = str(record.get("type", "Exception"))
    message = str(record.get("message", ""))
    text = f"{exc_type}: {message}" if message else exc_type
    frames = _frames(record)
    line, own_code = 1, False
    raised_at: tuple[str, int] | None = None
    statement = outside = raised_in = ""
    innermost = True
    for filename, lineno, _, source in reversed(frames):
        if filename.startswith("<"):
            continue  # importlib's frozen frames, exec'd strings
        found = by_path.get(os.path.realpath(filename))
        if found is None:
            if innermost:
                outside = f"{_display(filename)}:{lineno}"
            innermost = False
            continue
        innermost = False
        if raised_at is None:
            raised_at, statement = (found[0], max(lineno, 1)), source.strip()
            raised_in = found[1]
        if found[0] == relpath:
            line, own_code = max(lineno, 1), True
            break
    missing, not_found = _missing(record)
    bases = tuple(str(b) for b in record.get("bases", ()) or (exc_type,))
    return ImportFailure(
        module,
        relpath,
        FailureKind.RAISED,
        text.splitlines()[0][:300] if text.strip() else exc_type,
        when=when,
        exc_type=exc_type,
        bases=bases,
        import_error="ImportError" in bases,
        explicit="ImportError" in bases and not record.get("name"),
        missing=missing,
        not_found=not_found,
        machinery=_machinery(record, bases, frames, by_path, when),
        unbound=str(record.get("unbound") or ""),
        looked_for=tuple(looked_for),
        line=line,
        own_code=own_code,
        raised_at=raised_at,
        raised_in=raised_in,
        statement=statement,
        outside=outside,
        chain=_chain(frames, by_path),
        entry=entry,
    )


def _frames(record: Mapping[str, Any]) -> list[tuple[str, int, str, str]]:
    frames: list[tuple[str, int, str, str]] = []
    for entry in record.get("frames", ()):
        if isinstance(entry, list) and len(entry) == 4:
            frames.append((str(entry[0]), int(entry[1] or 0), str(entry[2]), str(entry[3])))
    syntax = record.get("syntax")
    if isinstance(syntax, list) and len(syntax) == 2 and syntax[0]:
        # A SyntaxError's place is not a frame of the traceback: it is deeper than all.
        frames.append((str(syntax[0]), int(syntax[1] or 0), "<module>", ""))
    return frames


def _missing(record: Mapping[str, Any]) -> tuple[str, bool]:
    """The module an ImportError is about: its own name, else its causes' (``raise
    ImportError("install x") from err``)."""
    for candidate in [record, *record.get("causes", ())]:
        if not isinstance(candidate, Mapping) or "ImportError" not in candidate.get("bases", ()):
            continue
        if candidate.get("name"):
            return str(candidate["name"]), bool(candidate.get("not_found"))
    return "", False


def _machinery(
    record: Mapping[str, Any],
    bases: tuple[str, ...],
    frames: Sequence[tuple[str, int, str, str]],
    by_path: Mapping[str, tuple[str, str]],
    when: When,
) -> bool:
    """Whether the import system or the interpreter raised it for a name or module the
    package asks for, rather than code on purpose (``raise``)."""
    innermost = frames[-1][0] if frames else ""
    if innermost.startswith(_BOOTSTRAP):
        return True  # importlib itself (a module deleted from sys.modules while it loads)
    message = str(record.get("message", ""))
    if "ImportError" in bases:
        return bool(record.get("name"))
    if "SyntaxError" in bases:
        syntax = record.get("syntax") or ["", 0]
        return os.path.realpath(str(syntax[0])) in by_path
    ours = bool(innermost) and os.path.realpath(innermost) in by_path
    if "NameError" in bases:
        return ours
    if "AttributeError" in bases:
        if "partially initialized module" in message:
            return True  # an import cycle
        # `from m import *` of a name __all__ lists and m lacks, or an entry point's
        # missing object: no code of anyone's ran deeper than the statement itself.
        return when in ("star", "entry") and (not frames or innermost.startswith("<string>"))
    if "TypeError" in bases and when == "star":
        return "__all__" in message and (not frames or innermost.startswith("<string>"))
    return False


def _chain(
    frames: Sequence[tuple[str, int, str, str]], by_path: Mapping[str, tuple[str, str]]
) -> tuple[str, ...]:
    chain: list[str] = []
    for filename, _, name, _ in frames:
        if name != "<module>":
            continue
        found = by_path.get(os.path.realpath(filename))
        if found is not None and (not chain or chain[-1] != found[1]):
            chain.append(found[1])
    return tuple(chain)


def _display(filename: str) -> str:
    """A dependency's file, shortened to what names it: ``site-packages/yaml/x.py``."""
    normalized = filename.replace(os.sep, "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        _, found, tail = normalized.rpartition(marker)
        if found:
            return f"{marker.strip('/')}/{tail}"
    return filename


def fold(failures: Sequence[ImportFailure], packages: frozenset[str]) -> tuple[ImportFailure, ...]:
    """A package whose ``__init__`` fails breaks every submodule before their own code
    runs: report that once, on the package, and list the submodules there. An entry
    point that fails only because its module's import does is listed there too."""
    by_module = {f.module: f for f in failures if f.when != "entry"}
    owners = {
        f.module: _failed_ancestor(f, packages, by_module) or f.module for f in by_module.values()
    }
    folded: dict[str, list[str]] = {}
    entries: dict[str, list[str]] = {}
    kept: list[ImportFailure] = []
    for failure in failures:
        if failure.when == "entry" and _same(by_module.get(failure.module), failure):
            entries.setdefault(owners[failure.module], []).append(failure.entry)
        elif failure.when == "entry" or owners[failure.module] == failure.module:
            kept.append(failure)
        else:
            folded.setdefault(owners[failure.module], []).append(failure.module)
    return tuple(
        replace(
            f,
            breaks=tuple(sorted(folded.get(f.module, ()))),
            entries=tuple(entries.get(f.module, ())),
        )
        if f.when != "entry" and (f.module in folded or f.module in entries)
        else f
        for f in kept
    )


def _same(module: ImportFailure | None, entry: ImportFailure) -> bool:
    """An entry point that failed only because its module's import did."""
    return module is not None and module.error == entry.error and module.kind is entry.kind


def _failed_ancestor(
    failure: ImportFailure,
    packages: frozenset[str],
    by_module: Mapping[str, ImportFailure],
) -> str | None:
    if failure.kind is not FailureKind.RAISED or failure.raised_at is None:
        return None
    if failure.own_code or failure.when == "entry":
        return None  # its own code ran: its own finding
    parts = failure.module.split(".")
    for depth in range(1, len(parts)):  # the outermost: the one that is kept
        ancestor = ".".join(parts[:depth])
        owner = by_module.get(ancestor)
        if ancestor not in packages or owner is None or owner.kind is not FailureKind.RAISED:
            continue
        if owner.error == failure.error and owner.raised_at == failure.raised_at:
            return ancestor
    return None
