"""Per-file summaries: what :mod:`.summarize` makes of each module, parsed once.

Rules never parse files; they read these summaries (and the import graph built
from them). Summaries are plain frozen dataclasses of tuples and strings so
they pickle cheaply across processes and into the cache.

CONTRACT (shared by the engine and the rules): the field names below are
stable; add fields, do not rename them. ``summarize_source`` must never raise on any
input bytes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pkgforge.checker.certainty import Reach

__all__ = [
    "AllEntry",
    "AllInfo",
    "Binding",
    "ForeignWrite",
    "ImportInfo",
    "ImportScope",
    "KeyCall",
    "ModuleSummary",
    "NameUse",
    "ParseProblem",
    "ProblemKind",
]


class ImportScope(enum.StrEnum):
    MODULE = "module"  # runs when the module is imported
    FUNCTION = "function"  # inside a def/lambda body: runs later, forms no cycle
    CLASS = "class"  # inside a class body (runs at import time, like module level)
    TYPE_CHECKING = "type_checking"  # under `if TYPE_CHECKING:`: never runs
    OPTIONAL = "optional"  # module level, under try/except ImportError|ModuleNotFoundError


@dataclass(frozen=True)
class ImportInfo:
    """One imported module or one ``from`` import statement.

    ``import a.b as c`` -> module="a.b", names=(), level=0, is_from=False.
    ``from . import x, y`` -> module="", names=("x", "y"), level=1, is_from=True.
    ``from a import *`` -> module="a", names=("*",), is_from=True.
    """

    module: str
    names: tuple[str, ...]
    level: int
    is_from: bool
    line: int
    column: int
    scope: ImportScope
    in_function: bool = False
    """True when nested in a def at any depth (a star import here is PF401)."""
    in_class: bool = False
    optional: bool = False
    """True when guarded by try/except ImportError (or ``suppress(ImportError)``) at any
    depth, even inside a function (where ``scope`` says FUNCTION)."""
    bound: tuple[str, ...] = ()
    """The names the statement binds in its scope: ``import a.b`` -> ("a",),
    ``import a.b as c`` -> ("c",), ``from m import x as y, z`` -> ("y", "z"); () for ``*``."""
    reach: Reach = Reach.ALWAYS
    """When the statement runs, from its enclosing conditions (``if sys.version_info < (3,)``
    never runs; a platform branch, an ``except`` body or a loop only sometimes; a function
    body later)."""

    @property
    def statement(self) -> str:
        """The statement as messages quote it: ``from ..x import y, z``, ``import a.b``."""
        dots = "." * self.level
        if self.is_from:
            return f"from {dots}{self.module} import {', '.join(self.names)}"
        return f"import {self.module}"


@dataclass(frozen=True)
class Binding:
    """A module-level name and the line of the statement that first binds it (the innermost
    statement: a binding inside a module-level ``if``/``try`` has its own line, which the
    import-order simulation of PF411 compares with import lines). The line is that of the
    first binding that can run; bindings that never run count only when no other does."""

    name: str
    line: int
    reach: Reach = Reach.ALWAYS
    """The surest reach among the name's bindings: ALWAYS when one of them runs at import
    time on every supported Python; NEVER when it is bound only under ``TYPE_CHECKING`` or
    in a dead version branch (the name then does not exist at run time)."""
    guard: int = 0
    """Nonzero when every binding of the name that can run sits in a ``try:`` body from
    the import statement on this line on (``try: import fast; name = 1 except ImportError:
    pass``; the names that import binds itself too): when that import fails, the name is
    never bound."""
    deleted: int = 0
    """The line of an unconditional module-level ``del name`` after which nothing binds the
    name again: it does not exist once the module has been imported."""


@dataclass(frozen=True)
class AllEntry:
    """One element of ``__all__``: a string, or what it is instead."""

    value: str | None
    """The string, or None when the element is not a string literal (PF304)."""
    line: int
    column: int
    unknown: bool = False
    """The element is an expression whose value cannot be read (a variable, a call): it
    may well be a string, so it is not PF304, but the export list is not known either."""
    guard: int = 0
    """Nonzero when added in a ``try:`` body after the import on this line (as
    ``Binding.guard``): when that import fails, the entry is never added."""


@dataclass(frozen=True)
class AllInfo:
    """``__all__`` as assigned at module level."""

    line: int
    column: int
    is_literal: bool
    """False when any assignment/extension is not a literal list/tuple of strings (PF301)."""
    entries: tuple[AllEntry, ...]
    """The literal entries (including ``+=``/``.extend`` of literals), in order."""
    parts: tuple[str, ...] = ()
    """For a composed ``__all__`` (``base.__all__ + fields_all + [...]``): the dotted names
    whose ``__all__`` (``mod.__all__`` -> "mod") or value (``fields_all``) is added."""
    composed: bool = False
    """Not literal, but only literals and ``parts`` added together: readable through the
    modules the parts name (the import graph resolves them)."""


class ProblemKind(enum.StrEnum):
    """Why a file has no (complete) summary; each kind is a rule of its own."""

    SYNTAX = "syntax"
    """CPython's parser rejects the file (PF410): a syntax error, NUL bytes, nesting
    its parser refuses."""
    TOO_NEW = "too-new"
    """Newer Pythons parse it, but the oldest ones requires-python allows do not (PF410,
    a warning: it fails on some supported Pythons, not all)."""
    NEWER_GRAMMAR = "newer-grammar"
    """The running Python's parser rejects it, but every Python the project allows is
    newer than the running one: their grammar may accept it (PF410, as info)."""
    TOO_LARGE = "too-large"
    """pkgforge's own limits stopped it (PF413): over the size cap, or nesting too deep
    for pkgforge to parse or summarise. The file may be valid Python."""
    UNREADABLE = "unreadable"
    """The file could not be read (PF414)."""
    UNDECODABLE = "undecodable"
    """The bytes are not text in the file's declared (or default UTF-8) encoding, or it
    declares an encoding Python does not know (PF415)."""


@dataclass(frozen=True)
class ParseProblem:
    """Why a file has no AST: a syntax error, undecodable bytes, NUL bytes, too deep,
    too large, unreadable (``kind`` says which)."""

    message: str
    line: int
    column: int
    kind: ProblemKind = ProblemKind.SYNTAX


@dataclass(frozen=True)
class ForeignWrite:
    """``othermod.NAME = ...`` or ``setattr(othermod, "NAME", ...)``: this module binds a name
    in another module (``owner`` is the dotted name as written, resolved by the graph
    through the module's imports)."""

    owner: str
    name: str | None
    """The attribute; None when it cannot be read (``setattr(mod, name, ...)``)."""
    line: int


@dataclass(frozen=True)
class NameUse:
    """A name read while the module is being imported (a base class, a decorator, a default,
    a module-level call or assignment) that the module binds only where code never runs."""

    name: str
    line: int
    column: int
    reach: Reach = Reach.ALWAYS
    """ALWAYS when the read runs on every supported Python; SOMETIMES for an annotation,
    which Python 3.14 no longer evaluates at definition time."""


@dataclass(frozen=True)
class KeyCall:
    """A call that hands a module name pkgforge can read (``recreate(__name__, ...)``,
    ``load("pkg.plugins.x", path)``): what a function that writes
    ``sys.modules[<its parameter>]`` is given there."""

    callee: str
    """The name of the function called, its last part (``recreate`` for ``local.recreate``)."""
    line: int
    positional: tuple[str, ...]
    """Each positional argument as a ``sys.modules`` key (:attr:`ModuleSummary.module_writes`;
    ``""`` when it cannot be read), up to the first ``*args``."""
    keywords: tuple[tuple[str, str], ...]
    """(parameter, key) of each keyword argument."""


@dataclass(frozen=True)
class ModuleSummary:
    """What the rules know of one module, read once from its syntax tree."""

    problem: ParseProblem | None = None
    """Set when the file could not be parsed; the other fields are then empty. Also set
    (with the other fields filled) when it parses only with a newer grammar than the
    project's requires-python allows."""
    bindings: tuple[Binding, ...] = ()
    """Module-level names in first-binding order (defs, classes, assignments, imports,
    for/with targets, names declared ``global`` in functions, conditional ones too)."""
    all: AllInfo | None = None
    imports: tuple[ImportInfo, ...] = ()
    """Every import statement in source order, all scopes."""
    sys_path_mutations: tuple[tuple[int, int], ...] = ()
    """(line, column) of each change to ``sys.path`` (append/insert/extend/assignment)."""
    sys_path_at_import: tuple[int, ...] = ()
    """The lines of the changes to ``sys.path`` that run while the module is imported (at
    module level, not in a function or under ``if __name__ == "__main__":``)."""
    has_module_getattr: bool = False
    version: str | None = None
    """The literal value of a module-level ``__version__ = "..."``."""
    version_line: int = 0
    has_docstring: bool = False
    has_main_guard: bool = False
    """A module-level ``if __name__ == "__main__":``: the file is also run as a script
    (then its own folder, not its package, is ``sys.path[0]``)."""
    suppressions: tuple[tuple[int, tuple[str, ...]], ...] = ()
    """(line, codes) for each ``# pkgforge: ignore[PF402,...]`` comment; codes () = all."""
    line_count: int = 0
    dynamic_namespace: bool = False
    """The module writes its namespace at run time (``globals()[name] = ...``,
    ``globals().update(...)``, ``sys.modules[__name__] = LazyModule(...)``): its names
    cannot be listed, so no rule may say one is missing."""
    dynamic_reason: str = ""
    """What made the namespace dynamic, as the statement reads (``globals().update``,
    ``exec(...)``, ``__all__`` handed to a function)."""
    dynamic_line: int = 0
    getattr_serves: tuple[str, ...] | None = None
    """With ``has_module_getattr``: the names a module-level ``__getattr__`` serves, read from
    its common literal forms (``if name == "x":``, ``if name in {"a", "b"}:``, keys of a
    module-level dict literal, then ``raise AttributeError``); None when it may serve any."""
    foreign_writes: tuple[ForeignWrite, ...] = ()
    """Names this module binds in other modules (``othermod.NAME = ...``)."""
    module_writes: tuple[tuple[str, int], ...] = ()
    """(key, line) of each ``sys.modules[key] = ...`` (see :func:`~pkgforge.checker.summarize.module_key`):
    an absolute module name for a literal key, ``"."`` for ``__name__``, ``".sub"`` for
    ``__name__ + ".sub"``; ``"pkg.plugins.*"`` / ``".sub.*"`` for a key that adds a computed
    tail to a literal prefix or to ``__name__`` (``f"pkg.plugins.{name}"``); for a key that
    is a parameter of the enclosing function, ``"parameter:P:NAME:FUNCTION"`` (``P`` the
    position a call passes it at, -1 for keyword-only; ``FUNCTION`` its qualified name),
    or ``"loader:P:NAME:FUNCTION"`` when the module written is made from a file location
    that is not the package's own (``module_from_spec(spec_from_file_location(name,
    path))``: a loader of the user's code); ``""`` for a key that cannot be read."""
    import_hooks: int = 0
    """The line of a change to ``sys.meta_path`` or ``sys.path_hooks``: modules may be
    created at run time without a file."""
    import_time_uses: tuple[NameUse, ...] = ()
    """Reads at import time of names bound only where code never runs (NameError)."""
    deletions: tuple[tuple[str, int, int], ...] = ()
    """(name, line, rebound) for each unconditional module-level ``del name``: the line of
    the next statement that binds the name again, 0 when none does. In between, the
    module has no such name."""
    imported_only: tuple[str, ...] = ()
    """Module-level names that only import statements bind (no assignment, def, class...)."""
    name_handed_to: tuple[tuple[str, int], ...] = ()
    """(callee as written, line) of each call that hands ``__name__`` to a function while
    the module is imported (``local.recreate_module(__name__, ...)``): a helper that may
    replace the module in ``sys.modules``."""
    key_calls: tuple[KeyCall, ...] = ()
    """Each call, in any scope, that hands a module name pkgforge can read (see
    :class:`KeyCall`)."""
    opaque_calls: str = ""
    """The names of the functions the module calls handing no module name pkgforge can
    read, or hands to another call as a value (``map(load, names)``), sorted, separated by
    spaces (one string: every summary has them, and a re-check unpickles one object, not
    dozens): a function that writes ``sys.modules[<its parameter>]`` called so may be
    given any name. Calls are read where they are statements, assigned or returned values
    (or what a comprehension there makes), and among their arguments."""
    import_attributes: tuple[tuple[str, str], ...] = ()
    """(name, attribute) of each ``name.attribute`` read anywhere in the module where
    ``name`` is bound by a plain ``import`` of a top-level name outside the standard
    library (``import numpy as np`` ... ``np.dtype``), sorted: which module of that name
    the author means (PF403 weighs it against a sibling of that name)."""

    @property
    def bound_names(self) -> frozenset[str]:
        """The names the module may bind at run time (bindings that never run left out)."""
        return frozenset(
            b.name for b in self.bindings if b.reach is not Reach.NEVER and not b.deleted
        )

    @property
    def never_bound(self) -> frozenset[str]:
        """Names bound only where the code never runs (``if TYPE_CHECKING:``, dead branches)."""
        return frozenset(b.name for b in self.bindings if b.reach is Reach.NEVER)

    @property
    def deleted_names(self) -> frozenset[str]:
        """Names an unconditional module-level ``del`` removes for good."""
        return frozenset(b.name for b in self.bindings if b.deleted)
