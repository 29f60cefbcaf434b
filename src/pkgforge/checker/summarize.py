"""Parse one module's bytes once and reduce the tree to a :class:`ModuleSummary`.

This is the cold-run hot path, so the walk is deliberately narrow: it visits
statements only (imports, ``global`` and ``sys.path`` changes are statements)
and never descends into expressions except the few it inspects directly.
Nothing here raises: any failure becomes ``ModuleSummary.problem``.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import gc
import operator
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pkgforge._patterns import LazyPattern
from pkgforge.checker.certainty import Reach
from pkgforge.checker.module_keys import handed_key, module_key, parameter_key
from pkgforge.checker.namespace_writes import MENTIONS, find_namespace_write
from pkgforge.checker.summary import (
    AllEntry,
    AllInfo,
    Binding,
    ForeignWrite,
    ImportInfo,
    ImportScope,
    KeyCall,
    ModuleSummary,
    NameUse,
    ParseProblem,
    ProblemKind,
)
from pkgforge.checker.suppressions import find_suppressions
from pkgforge.names import is_stdlib_module

__all__ = ["summarize_source"]

# ast.parse accepts feature_version down to (3, 7); older bounds parse as 3.7.
_OLDEST_FEATURE_VERSION = (3, 7)
_SYS_PATH_METHODS = frozenset({"append", "insert", "extend", "remove", "pop", "clear"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_TYPE_CHECKING_NAMES = frozenset({"TYPE_CHECKING", "MYPY"})
# A SyntaxError about the file's bytes, not its grammar. A bad escape in a string
# literal names a codec too ('unicodeescape'), and is a syntax error.
_DECODE_ERROR = LazyPattern(r"codec can't decode|unknown encoding|encoding problem")
_SYS_MODULES_METHODS = frozenset({"setdefault", "update", "__setitem__"})
_HOOK_METHODS = frozenset({"append", "insert", "extend", "__setitem__"})
_NOT_MODULES = frozenset({"self", "cls"})


# Where the walker is, as bit flags (cheaper than an object per nested body).
_Where = int
_IN_FUNCTION = 1
_IN_CLASS = 2
_TYPE_CHECKING = 4
_OPTIONAL = 8
_MAIN_GUARD = 16
_NEVER = 32  # a branch no supported Python takes (dead version check, ``if False:``)
_SOMETIMES = 64  # a branch taken on some Pythons or platforms only, or not known
_IN_TRY = 128  # a ``try:`` body: a statement there may not run if an earlier one raised
_NO_MODULE_BINDING = _IN_FUNCTION | _IN_CLASS
_RUNS_LATER = _IN_FUNCTION | _MAIN_GUARD
_DOES_NOT_RUN = _TYPE_CHECKING | _NEVER
_NOT_AT_IMPORT = _DOES_NOT_RUN | _MAIN_GUARD

# Reach ranks: a name's binding with the highest rank decides its reach.
_RANK = {Reach.NEVER: 0, Reach.LATER: 1, Reach.SOMETIMES: 2, Reach.ALWAYS: 3}
_BY_RANK = tuple(sorted(_RANK, key=_RANK.__getitem__))


def _reach(where: _Where) -> Reach:
    if where & _DOES_NOT_RUN:
        return Reach.NEVER
    if where & _RUNS_LATER:
        return Reach.LATER
    if where & _SOMETIMES:
        return Reach.SOMETIMES
    return Reach.ALWAYS


def _scope(where: _Where) -> ImportScope:
    if where & _DOES_NOT_RUN:
        return ImportScope.TYPE_CHECKING
    if where & _RUNS_LATER:
        return ImportScope.FUNCTION
    if where & _OPTIONAL:
        return ImportScope.OPTIONAL
    if where & _IN_CLASS:
        return ImportScope.CLASS
    return ImportScope.MODULE


def _binds(where: _Where) -> bool:
    """Whether a name bound here is a module-level name."""
    return not where & _NO_MODULE_BINDING


@dataclass
class _Collector:
    """What the summariser gathers while it walks one syntax tree."""

    versions: _VersionRange
    bindings: dict[str, list[int]] = field(default_factory=dict)
    """name -> [line of the first binding that can run (or of the first one), best rank]"""
    constants: dict[str, bool] = field(default_factory=dict)
    """Module-level names bound to a condition known on every supported Python
    (``PY2 = sys.version_info[0] == 2``)."""
    imports: list[ImportInfo] = field(default_factory=list)
    sys_path: list[tuple[int, int]] = field(default_factory=list)
    sys_aliases: set[str] = field(default_factory=lambda: {"sys"})
    all_line: int = 0
    all_column: int = 0
    all_literal: bool = True
    all_composed: bool = True
    all_parts: list[str] = field(default_factory=list)
    all_entries: list[AllEntry] = field(default_factory=list)
    has_all: bool = False
    version: str | None = None
    version_line: int = 0
    guard: int = 0
    """While walking a ``try: import x ... except ImportError:`` body from its first
    import on: that import's line (its names, and the statements after it, are bound only
    if it worked)."""
    guards: dict[str, int] = field(default_factory=dict)
    """name -> the guard line of all its runnable bindings so far; 0 once one is unguarded."""
    deleted: dict[str, int] = field(default_factory=dict)
    deletions: list[tuple[str, int, int]] = field(default_factory=list)
    """(name, line of an unconditional module-level ``del``, line of the next binding)."""
    """name -> line of an unconditional module-level ``del`` not followed by a new binding."""
    globals_declared: set[str] = field(default_factory=set)
    def_names: set[str] = field(default_factory=set)
    str_constants: dict[str, str] = field(default_factory=dict)
    literal_values: dict[str, ast.expr] = field(default_factory=dict)
    """Module-level names bound once to a dict/set/list/tuple display (``__getattr__``'s maps)."""
    all_names: list[str | None] = field(default_factory=list)
    """Parallel to ``all_entries``: the variable an entry names, resolved at the end."""
    getattr_defs: tuple[ast.FunctionDef | None, ...] = ()
    foreign: list[tuple[str, str | None, int]] = field(default_factory=list)
    module_writes: list[tuple[str, int]] = field(default_factory=list)
    import_hooks: int = 0
    exec_line: int = 0
    name_handed: list[tuple[str, int]] = field(default_factory=list)
    key_calls: list[KeyCall] = field(default_factory=list)
    opaque_calls: set[str] = field(default_factory=set)
    local_imports: set[str] = field(default_factory=set)
    """Names imports bind in functions and classes (a function handed on may be one)."""
    scopes: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = field(
        default_factory=list
    )
    """The definitions the walk is in, innermost last."""
    sys_path_at_import: list[int] = field(default_factory=list)
    assigned: set[str] = field(default_factory=set)
    """Names some statement other than an import binds (at any reach)."""

    def bind(self, name: str, line: int, where: _Where = 0, *, by_import: bool = False) -> None:
        if not by_import:
            self.assigned.add(name)
        rank = _RANK[_reach(where)]
        known = self.bindings.get(name)
        if known is None:
            self.bindings[name] = [line, rank]
        elif rank > known[1]:
            if known[1] == 0:  # only never-running bindings so far: this one comes first
                known[0] = line
            known[1] = rank
        if not rank:
            return
        if self.deleted and name in self.deleted:
            # bound again after the ``del``: unbound in between
            self.deletions.append((name, self.deleted.pop(name), line))
        if self.guard and where & _OPTIONAL:
            guarded = self.guards.get(name)
            if guarded is None:  # guarded unless an earlier binding runs
                self.guards[name] = self.guard if known is None or not known[1] else 0
            elif guarded != self.guard:
                self.guards[name] = 0
        elif self.guards and name in self.guards:
            self.guards[name] = 0

    # -- statements -------------------------------------------------------

    def body(self, stmts: list[ast.stmt], where: _Where) -> None:
        dispatch = _DISPATCH
        for stmt in stmts:
            handler = dispatch.get(type(stmt))
            if handler is not None:  # return, pass, raise, del, ... hold nothing we need
                handler(self, stmt, where)

    def import_stmt(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Import | ast.ImportFrom)
        self.import_(node, where)

    def def_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        if _binds(where):
            self.bind(node.name, node.lineno, where)
            self.def_names.add(node.name)
            if node.name == "__getattr__" and not where & _DOES_NOT_RUN:
                # every definition counts: an import between two of them may look a name
                # up while the first one is bound
                self.getattr_defs += (node if type(node) is ast.FunctionDef else None,)
        self.scopes.append(node)
        self.body(node.body, where | _IN_FUNCTION)
        self.scopes.pop()

    def class_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.ClassDef)
        if _binds(where):
            self.bind(node.name, node.lineno, where)
            self.def_names.add(node.name)
        self.scopes.append(node)
        self.body(node.body, where | _IN_CLASS)
        self.scopes.pop()

    def delete(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Delete)
        if where:  # only an unconditional module-level ``del`` surely runs
            return
        for target in node.targets:
            if type(target) is ast.Name:
                self.deleted[target.id] = node.lineno

    def assign(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Assign)
        value = node.value
        if where & _NO_MODULE_BINDING:  # the common case: only `sys.path = ...` matters here
            for target in node.targets:
                if type(target) is not ast.Name:
                    self.target(target, node, where)
            if type(value) is ast.Call:
                self.call_site(value)
            elif type(value) in _MAKERS:
                self.calls_in(value)
            return
        for target in node.targets:
            self.target(target, node, where)
            self.special_assign(target, value, node, where, augmented=False)
        if type(value) is ast.Call:
            self.hands_name(value, where)
            self.call_site(value)
        elif type(value) in _MAKERS:
            self.calls_in(value)

    def calls_in(self, value: ast.expr | None) -> None:
        """Note the calls of a statement's value: itself, or what a comprehension makes."""
        kind = type(value)
        if kind is ast.Call:
            self.call_site(value)  # type: ignore[arg-type]
        elif kind in _MAKERS:
            made = value.elt if kind is not ast.DictComp else value.value  # type: ignore[union-attr]
            if type(made) is ast.Call:
                self.call_site(made)

    def call_site(self, call: ast.Call) -> None:
        """What ``call`` and the calls among its arguments hand a function, as keys of
        ``sys.modules`` (``ModuleSummary.key_calls``, ``opaque_calls``). On every call the
        walk sees: a few tests per argument, most of them answered by its kind."""
        func = call.func
        kind = type(func)
        if kind is ast.Attribute:
            callee = func.attr  # type: ignore[attr-defined]
        elif kind is ast.Name:
            callee = func.id  # type: ignore[attr-defined]
        else:
            return
        readable = False
        bindings = self.bindings
        opaque = self.opaque_calls
        keywords = call.keywords
        values = [*call.args, *(k.value for k in keywords)] if keywords else call.args
        for value in values:
            kind = type(value)
            if kind is ast.Name:
                name = value.id  # type: ignore[attr-defined]
                if name == "__name__":
                    readable = True
                elif name in bindings or name in self.local_imports:  # a function handed on
                    opaque.add(name)
            elif kind is ast.Call:
                self.call_site(value)  # type: ignore[arg-type]
            elif kind is ast.Attribute:
                owner = value.value  # type: ignore[attr-defined]
                if type(owner) is ast.Name and (
                    owner.id in bindings or owner.id in self.local_imports
                ):  # `helpers.make`
                    opaque.add(value.attr)  # type: ignore[attr-defined]
            elif kind is ast.Constant:
                text = value.value  # type: ignore[attr-defined]
                readable = readable or (
                    type(text) is str and "." in text and bool(handed_key(value))
                )
            elif kind is ast.BinOp or kind is ast.JoinedStr:
                readable = readable or bool(handed_key(value))
        if not readable:
            opaque.add(callee)
            return
        positional: list[str] = []
        for value in call.args:
            if type(value) is ast.Starred:
                break
            positional.append(handed_key(value))
        named = tuple((k.arg, handed_key(k.value)) for k in keywords if k.arg)
        self.key_calls.append(KeyCall(callee, call.lineno, tuple(positional), named))

    def hands_name(self, call: ast.Call, where: _Where) -> None:
        """``helper(__name__, ...)`` while the module is imported: the helper may replace the
        module in ``sys.modules`` (celery's ``recreate_module``-style proxies)."""
        if where & _NOT_AT_IMPORT or where & _IN_FUNCTION:
            return
        values = [*call.args, *(k.value for k in call.keywords)]
        if any(type(v) is ast.Name and v.id == "__name__" for v in values):
            callee = _dotted(call.func)
            if callee is not None:
                self.name_handed.append((callee, call.lineno))

    def ann_assign(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.AnnAssign)
        if node.value is not None:
            self.target(node.target, node, where)
            self.special_assign(node.target, node.value, node, where, augmented=False)
            self.calls_in(node.value)
        elif type(node.target) is ast.Name and _binds(where):
            # `name: T` alone binds nothing, but says that the module will have `name`:
            # something pkgforge cannot read binds it (a helper that writes the caller's
            # globals, `public(name=value)`). A binding on some paths: not provably absent.
            self.bind(node.target.id, node.lineno, where | _SOMETIMES)

    def aug_assign(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.AugAssign)
        self.target(node.target, node, where)
        self.special_assign(node.target, node.value, node, where, augmented=True)

    def expr(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Expr)
        if type(node.value) is ast.Call:
            self.call(node.value, where)
            self.hands_name(node.value, where)
            self.call_site(node.value)
        elif type(node.value) in _MAKERS:
            self.calls_in(node.value)

    def return_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Return)
        self.calls_in(node.value)

    def try_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Try | ast.TryStar)
        catches = any(_catches_import_error(h.type) for h in node.handlers)
        guarded = where | _OPTIONAL | _IN_TRY if catches else where | _IN_TRY
        outer_guard = self.guard
        if catches and _binds(where):
            # after the body's first import, the body binds names only if it worked
            dispatch = _DISPATCH
            for stmt in node.body:
                if not self.guard and type(stmt) in (ast.Import, ast.ImportFrom):
                    self.guard = stmt.lineno  # what it binds itself, it binds only if it works
                visit = dispatch.get(type(stmt))
                if visit is not None:
                    visit(self, stmt, guarded)
        elif node.handlers:
            # `try: long; import cStringIO / except NameError:` - once a statement that may
            # raise what a handler catches has run, the rest of the body runs only sometimes
            dispatch = _DISPATCH
            current = guarded
            for stmt in node.body:
                visit = dispatch.get(type(stmt))
                if visit is not None:
                    visit(self, stmt, current)
                if _may_raise(stmt):
                    current = guarded | _SOMETIMES
        else:
            self.body(node.body, guarded)
        inner_guard, self.guard = self.guard, outer_guard
        for handler in node.handlers:
            # a handler runs only when the body raised
            if handler.name and _binds(where):
                self.bind(handler.name, handler.lineno, where | _SOMETIMES)
            self.body(handler.body, where | _SOMETIMES)
        # ``else:`` runs only when the guarded import worked: optional as well
        self.guard = inner_guard
        self.body(node.orelse, guarded)
        self.guard = outer_guard
        self.body(node.finalbody, where)

    def for_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.For | ast.AsyncFor)
        # the loop may run no time at all: its body runs only sometimes
        self.target(node.target, node, where | _SOMETIMES)
        self.body(node.body, where | _SOMETIMES)
        self.body(node.orelse, where)

    def while_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.While)
        forever = type(node.test) is ast.Constant and bool(node.test.value)
        self.body(node.body, where if forever else where | _SOMETIMES)
        self.body(node.orelse, where | _SOMETIMES)

    def with_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.With | ast.AsyncWith)
        inner = where
        for item in node.items:
            if item.optional_vars is not None:
                self.target(item.optional_vars, node, where)
            if _suppresses_import_error(item.context_expr):
                inner = where | _OPTIONAL
        self.body(node.body, inner)

    def global_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Global)
        # ``global X`` in a function binds X at module level once the function runs.
        for name in node.names:
            self.bind(name, node.lineno, where | _IN_FUNCTION)
            self.globals_declared.add(name)
            if name == "__all__":  # a helper that rebuilds ``__all__``
                self.all_literal = self.all_composed = False

    def match(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Match)
        for case in node.cases:
            self.body(case.body, where | _SOMETIMES)

    def type_alias(self, node: ast.stmt, where: _Where) -> None:
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name) and _binds(where):
            self.bind(name.id, node.lineno, where)

    def if_stmt(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.If)
        self.if_(node, where)

    def if_(self, node: ast.If, where: _Where) -> None:
        test = node.test
        if type(test) is ast.NamedExpr and _binds(where):
            assert isinstance(test, ast.NamedExpr)
            self.bind(test.target.id, node.lineno, where)
        truth = self.truth(test)
        if truth is True:
            self.body(node.body, where)
            self.body(node.orelse, where | _NEVER)
        elif truth is None:
            self.body(node.body, where | _SOMETIMES)
            self.body(node.orelse, where | _SOMETIMES)
        else:
            # False at import time: ``__main__`` guards run later (as a script), a
            # ``TYPE_CHECKING`` block only for the type checker, a dead branch never
            if _mentions_main(test):
                skipped = _MAIN_GUARD
            elif _mentions_type_checking(test):
                skipped = _TYPE_CHECKING
            else:
                skipped = _NEVER
            self.body(node.body, where | skipped)
            self.body(node.orelse, where)

    def truth(self, test: ast.expr) -> bool | None:
        """The value of an ``if`` test at import time on every supported Python; None
        when it differs between them (or between platforms) or cannot be told."""
        return _truth(test, self.versions, self.constants, self.sys_aliases)

    def import_(self, node: ast.Import | ast.ImportFrom, where: _Where) -> None:
        scope = _scope(where)
        binds = _binds(where)
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.partition(".")[0]
                if alias.name == "sys":
                    self.sys_aliases.add(bound)
                self.imports.append(
                    ImportInfo(
                        module=alias.name,
                        names=(),
                        level=0,
                        is_from=False,
                        line=node.lineno,
                        column=node.col_offset + 1,
                        scope=scope,
                        in_function=bool(where & _IN_FUNCTION),
                        in_class=bool(where & _IN_CLASS),
                        optional=bool(where & _OPTIONAL),
                        bound=(bound,),
                        reach=_reach(where),
                    )
                )
                if binds:
                    self.bind(bound, node.lineno, where, by_import=True)
                else:
                    self.local_imports.add(bound)
            return
        names = tuple(alias.name for alias in node.names)
        bound_names = tuple(alias.asname or alias.name for alias in node.names if alias.name != "*")
        self.imports.append(
            ImportInfo(
                module=node.module or "",
                names=names,
                level=node.level,
                is_from=True,
                line=node.lineno,
                column=node.col_offset + 1,
                scope=scope,
                in_function=bool(where & _IN_FUNCTION),
                in_class=bool(where & _IN_CLASS),
                optional=bool(where & _OPTIONAL),
                bound=bound_names,
                reach=_reach(where),
            )
        )
        if binds:
            for name in bound_names:
                self.bind(name, node.lineno, where, by_import=True)
        else:
            self.local_imports.update(bound_names)

    # -- targets and special names -----------------------------------------

    def target(
        self, target: ast.expr, stmt: ast.stmt, where: _Where, *, unpacked: bool = False
    ) -> None:
        if isinstance(target, ast.Name):
            if _binds(where):
                self.bind(target.id, stmt.lineno, where)
                if unpacked and target.id == "__all__":
                    self.note_all(None, stmt, replace=True)  # a value we cannot read
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.target(element, stmt, where, unpacked=True)
        elif isinstance(target, ast.Starred):
            self.target(target.value, stmt, where, unpacked=True)
        elif self.is_sys_path(target) or (
            isinstance(target, ast.Subscript) and self.is_sys_path(target.value)
        ):
            self.sys_path.append((stmt.lineno, stmt.col_offset + 1))
            if not where & _NOT_AT_IMPORT and not where & _IN_FUNCTION:
                self.sys_path_at_import.append(stmt.lineno)
        elif type(target) is ast.Attribute:
            value = target.value
            if type(value) is ast.Name and value.id in _NOT_MODULES:
                return  # ``self.x = ...``: by far the most common attribute assignment
            owner = _dotted(value)
            if owner is not None and owner.partition(".")[0] not in _NOT_MODULES:
                self.foreign.append((owner, target.attr, stmt.lineno))
        elif type(target) is ast.Subscript and self.is_sys_attr(target.value, "modules"):
            written = None if unpacked else getattr(stmt, "value", None)
            self.module_writes.append((self.module_key(target.slice, written), stmt.lineno))

    def module_key(self, key: ast.expr, value: ast.expr | None) -> str:
        """A ``sys.modules`` key (``ModuleSummary.module_writes``), ``value`` the module
        written there when it can be told."""
        found = module_key(key)
        if found or not self.scopes or type(self.scopes[-1]) is ast.ClassDef:
            return found
        function = self.scopes[-1]
        assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        method = len(self.scopes) > 1 and type(self.scopes[-2]) is ast.ClassDef
        qualname = ".".join(scope.name for scope in self.scopes)
        return parameter_key(function, qualname, method=method, key=key, value=value)

    def special_assign(
        self,
        target: ast.expr,
        value: ast.expr,
        stmt: ast.stmt,
        where: _Where,
        *,
        augmented: bool,
    ) -> None:
        if type(target) is not ast.Name or not _binds(where):
            return
        name = target.id
        if not augmented and not where & (_DOES_NOT_RUN | _SOMETIMES | _RUNS_LATER):
            value_truth = self.truth(value) if _is_condition(value) else None
            if value_truth is None:
                self.constants.pop(name, None)
            else:
                self.constants[name] = value_truth
        kind = type(value)
        if kind is ast.Constant and isinstance(value.value, str):  # type: ignore[attr-defined]
            self.str_constants[name] = value.value  # type: ignore[attr-defined]
        elif kind in _DISPLAYS:
            self.literal_values[name] = value
        if name == "__all__":
            if not where & _NOT_AT_IMPORT:  # `if TYPE_CHECKING: __all__ += [...]` never runs
                self.note_all(value, stmt, replace=not augmented)
        elif (
            name == "__version__"
            and not augmented
            and self.version is None
            and type(value) is ast.Constant
            and isinstance(value.value, str)
        ):
            self.version = value.value
            self.version_line = stmt.lineno

    def note_all(self, value: ast.expr | None, stmt: ast.stmt | ast.expr, *, replace: bool) -> None:
        """Record an assignment to (or extension of) ``__all__`` with ``value``; None for a
        value that cannot be read at all."""
        if not self.has_all:
            self.has_all = True
            self.all_line, self.all_column = stmt.lineno, stmt.col_offset + 1
        if isinstance(value, ast.List | ast.Tuple):
            if replace:
                self.all_entries.clear()
                self.all_names.clear()
                self.all_parts.clear()
            for element in value.elts:
                self.add_all_entry(element)
            return
        self.all_literal = False
        operands = _concatenation(value) if value is not None else None
        if operands is None:
            self.all_composed = False
            return
        if replace and not any(o == "__all__" for o in operands):
            self.all_entries.clear()
            self.all_names.clear()
            self.all_parts.clear()
        for operand in operands:
            if isinstance(operand, str):
                if operand != "__all__":  # `__all__ = __all__ + [...]` extends itself
                    self.all_parts.append(operand)
            else:
                for element in operand.elts:
                    self.add_all_entry(element)

    def add_all_entry(self, element: ast.expr) -> None:
        entry = _entry(element)
        if self.guard:
            entry = dataclasses.replace(entry, guard=self.guard)
        self.all_entries.append(entry)
        self.all_names.append(element.id if type(element) is ast.Name else None)

    def call(self, call: ast.Call, where: _Where) -> None:
        func = call.func
        if type(func) is ast.Name:
            self.name_call(call, func.id, where)
            return
        if type(func) is not ast.Attribute:
            return
        assert isinstance(func, ast.Attribute)
        owner = func.value
        if func.attr in _SYS_PATH_METHODS and self.is_sys_path(owner):
            self.sys_path.append((call.lineno, call.col_offset + 1))
            if not where & _NOT_AT_IMPORT and not where & _IN_FUNCTION:
                self.sys_path_at_import.append(call.lineno)
        elif type(owner) is ast.Name and owner.id == "__all__":
            if _binds(where) and where & _NOT_AT_IMPORT:
                pass  # never runs while the module is imported
            elif not _binds(where) or where & _SOMETIMES:
                # a helper, a loop or a branch extends it: what it holds is not known
                if func.attr in {"extend", "append", "insert", "remove", "pop", "clear"}:
                    self.all_literal = self.all_composed = False
            elif func.attr == "extend" and len(call.args) == 1:
                self.note_all(call.args[0], call, replace=False)
            elif func.attr == "append" and len(call.args) == 1:
                self.note_all(ast.List(elts=[call.args[0]]), call, replace=False)
            elif func.attr in {"remove", "pop", "insert", "clear"}:
                self.all_literal = False
                self.all_composed = False
        elif type(owner) is ast.Attribute and owner.attr in ("modules", "meta_path", "path_hooks"):
            if owner.attr == "modules" and func.attr in _SYS_MODULES_METHODS:
                if self.is_sys_attr(owner, "modules"):
                    key = ""
                    if call.args and func.attr != "update":
                        value = call.args[1] if len(call.args) > 1 else None
                        key = self.module_key(call.args[0], value)
                    self.module_writes.append((key, call.lineno))
            elif func.attr in _HOOK_METHODS and self.is_sys_attr(owner, owner.attr):
                self.import_hooks = self.import_hooks or call.lineno
        if self.has_all and call.args and _passes_all(call.args):
            self.all_literal = self.all_composed = False  # handed to a helper

    def name_call(self, call: ast.Call, name: str, where: _Where) -> None:
        if name == "setattr" and len(call.args) == 3:
            owner = _dotted(call.args[0])
            attr = call.args[1]
            if owner is not None and owner.partition(".")[0] not in _NOT_MODULES:
                literal = type(attr) is ast.Constant and isinstance(attr.value, str)
                self.foreign.append((owner, attr.value if literal else None, call.lineno))  # type: ignore[attr-defined]
        elif name == "exec" and _binds(where) and not self.exec_line:
            self.exec_line = call.lineno  # the module body runs code it cannot show
        elif self.has_all and call.args and _passes_all(call.args):
            self.all_literal = self.all_composed = False  # handed to a helper

    def is_sys_path(self, node: ast.expr) -> bool:
        return (
            type(node) is ast.Attribute
            and node.attr == "path"
            and type(node.value) is ast.Name
            and node.value.id in self.sys_aliases
        )

    def is_sys_attr(self, node: ast.expr, attr: str) -> bool:
        return (
            type(node) is ast.Attribute
            and node.attr == attr
            and type(node.value) is ast.Name
            and node.value.id in self.sys_aliases
        )

    def all_info(self) -> AllInfo | None:
        if not self.has_all:
            return None
        entries = self.all_entries
        if any(self.all_names):
            entries = [
                self.resolve_entry(e, n) for e, n in zip(entries, self.all_names, strict=True)
            ]
            if any(e.unknown for e in entries):
                self.all_literal = self.all_composed = False
        return AllInfo(
            line=self.all_line,
            column=self.all_column,
            is_literal=self.all_literal,
            entries=tuple(entries),
            parts=tuple(self.all_parts),
            composed=not self.all_literal and self.all_composed,
        )

    def resolve_entry(self, entry: AllEntry, name: str | None) -> AllEntry:
        """A variable in ``__all__``: its string when the module binds it to one, a proven
        non-string when it names a def or class only, else unknown (not PF304)."""
        if name is None:
            return entry
        value = self.str_constants.get(name)
        if value is not None:
            return dataclasses.replace(entry, value=value, unknown=False)
        if name in self.def_names and name not in self.literal_values:
            return dataclasses.replace(entry, unknown=False)  # a function or class: PF304
        return entry

    def served_by_getattr(self) -> tuple[str, ...] | None:
        if not self.getattr_defs:
            return None  # `__getattr__ = factory()`: bound, but not read here
        served: list[str] = []
        for node in self.getattr_defs:
            if node is None or not node.args.args:
                return None
            names = _served(node, node.args.args[0].arg, self.literal_values)
            if names is None:
                return None
            served += (n for n in names if n not in served)
        return tuple(served)

    def final_bindings(self) -> tuple[Binding, ...]:
        deleted = {n: line for n, line in self.deleted.items() if n not in self.globals_declared}
        guards = {n: line for n, line in self.guards.items() if line}
        by_rank = _BY_RANK
        if not guards and not deleted:  # the common case, kept as cheap as it was
            return tuple(
                Binding(name, line, by_rank[rank]) for name, (line, rank) in self.bindings.items()
            )
        return tuple(
            Binding(name, line, by_rank[rank], guards.get(name, 0), deleted.get(name, 0))
            for name, (line, rank) in self.bindings.items()
        )


_Handler = Callable[[_Collector, ast.stmt, _Where], None]
_DISPATCH: dict[type[ast.stmt], _Handler] = {
    ast.Import: _Collector.import_stmt,
    ast.ImportFrom: _Collector.import_stmt,
    ast.FunctionDef: _Collector.def_,
    ast.AsyncFunctionDef: _Collector.def_,
    ast.ClassDef: _Collector.class_,
    ast.Assign: _Collector.assign,
    ast.AnnAssign: _Collector.ann_assign,
    ast.AugAssign: _Collector.aug_assign,
    ast.Expr: _Collector.expr,
    ast.If: _Collector.if_stmt,
    ast.Try: _Collector.try_,
    ast.TryStar: _Collector.try_,
    ast.For: _Collector.for_,
    ast.AsyncFor: _Collector.for_,
    ast.While: _Collector.while_,
    ast.With: _Collector.with_,
    ast.AsyncWith: _Collector.with_,
    ast.Global: _Collector.global_,
    ast.Match: _Collector.match,
    ast.Delete: _Collector.delete,
    ast.Return: _Collector.return_,
}
_DISPLAYS = (ast.Dict, ast.Set, ast.List, ast.Tuple)
_MAKERS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})
"""Comprehensions: what each makes is a call the module may make."""
if sys.version_info >= (3, 12):
    _DISPATCH[ast.TypeAlias] = _Collector.type_alias


def _concatenation(value: ast.expr) -> list[str | ast.List | ast.Tuple] | None:
    """The operands of ``a.__all__ + names_all + ["x"]``: literals, and the dotted names whose
    ``__all__`` (``mod.__all__`` -> "mod") or value (a name) is added; None for anything else.
    Iterative: generated code can chain thousands of ``+``."""
    operands: list[str | ast.List | ast.Tuple] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack.append(node.right)
            stack.append(node.left)
        elif isinstance(node, ast.List | ast.Tuple):
            operands.append(node)
        elif isinstance(node, ast.Name):
            operands.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr == "__all__":
            dotted = _dotted(node.value)
            if dotted is None:
                return None
            operands.append(dotted)
        else:
            return None
    return operands


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _entry(element: ast.expr) -> AllEntry:
    literal = type(element) is ast.Constant
    value = element.value if literal else None  # type: ignore[attr-defined]
    return AllEntry(
        value=value if isinstance(value, str) else None,
        line=element.lineno,
        column=element.col_offset + 1,
        unknown=not literal,
    )


def _passes_all(args: list[ast.expr]) -> bool:
    return any(type(a) is ast.Name and a.id == "__all__" for a in args)


def _strings(node: ast.expr | None, values: dict[str, ast.expr]) -> list[str] | None:
    """The strings of a display (a dict's keys), or of a module-level name bound to one."""
    if type(node) is ast.Name:
        node = values.get(node.id)
    elif (
        type(node) is ast.Call
        and type(node.func) is ast.Attribute
        and node.func.attr == "keys"
        and not node.args
    ):
        return _strings(node.func.value, values)
    if node is None:
        return None
    elements = node.keys if type(node) is ast.Dict else getattr(node, "elts", None)
    if elements is None or type(node) not in _DISPLAYS:
        return None
    found = []
    for element in elements:
        if type(element) is not ast.Constant or not isinstance(element.value, str):
            return None
        found.append(element.value)
    return found


def _tested(test: ast.expr, param: str, values: dict[str, ast.expr]) -> list[str] | None:
    """The names for which ``test`` can be true (``name == "x"``, ``name in {...}``, ``or``
    of those; a superset for ``and``); None when any name may pass."""
    kind = type(test)
    if kind is ast.BoolOp:
        parts = [_tested(v, param, values) for v in test.values]  # type: ignore[attr-defined]
        if type(test.op) is ast.Or:  # type: ignore[attr-defined]
            if any(p is None for p in parts):
                return None
            return [n for p in parts if p is not None for n in p]
        return next((p for p in parts if p is not None), None)
    if kind is not ast.Compare or len(test.ops) != 1:  # type: ignore[attr-defined]
        return None
    assert isinstance(test, ast.Compare)
    op, left, right = type(test.ops[0]), test.left, test.comparators[0]
    if op is ast.Eq:
        if type(right) is ast.Name and right.id == param:
            left, right = right, left
        if type(left) is ast.Name and left.id == param and type(right) is ast.Constant:
            return [right.value] if isinstance(right.value, str) else []
        return None
    if op is ast.In and type(left) is ast.Name and left.id == param:
        return _strings(right, values)
    return None


def _served(
    node: ast.FunctionDef, param: str, values: dict[str, ast.expr]
) -> tuple[str, ...] | None:
    """The names a module ``__getattr__`` can return: its body must test the name with
    literal ``if``s and then raise (``AttributeError``); None for any other shape."""
    body = node.body
    if body and type(body[0]) is ast.Expr and type(body[0].value) is ast.Constant:
        body = body[1:]  # the docstring
    served: list[str] = []
    for stmt in body:
        if type(stmt) is ast.Raise:
            return tuple(served)  # every name no test let through fails here
        if type(stmt) is not ast.If:
            return None
        current: ast.If = stmt
        while True:
            test = current.test
            if (
                type(test) is ast.Compare
                and len(test.ops) == 1
                and type(test.ops[0]) is ast.NotIn
                and len(current.body) == 1
                and type(current.body[0]) is ast.Raise
                and not current.orelse
            ):
                # ``if name not in _LAZY: raise AttributeError(name)``
                inverted = ast.Compare(test.left, [ast.In()], test.comparators)
                allowed = _tested(inverted, param, values)
                return None if allowed is None else tuple(served + allowed)
            names = _tested(test, param, values)
            if names is None:
                return None
            served.extend(names)
            orelse = current.orelse
            if len(orelse) == 1 and type(orelse[0]) is ast.If:
                current = orelse[0]
                continue
            if not orelse:
                break
            return tuple(served) if type(orelse[-1]) is ast.Raise and len(orelse) == 1 else None
    return None  # falls off the end: returns None for any name


def _name_of(node: ast.expr | None) -> str | None:
    if type(node) is ast.Name:
        return node.id
    if type(node) is ast.Attribute:
        return node.attr
    return None


_CANNOT_RAISE = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.Pass)


def _may_raise(stmt: ast.stmt) -> bool:
    """Whether a statement may raise something other than ImportError (which the
    ``try`` it stands in does not catch: imports fail the module either way)."""
    if isinstance(stmt, _CANNOT_RAISE):
        return False
    if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign):
        return not isinstance(stmt.value, ast.Constant)
    return True


def _catches_import_error(handler_type: ast.expr | None) -> bool:
    if handler_type is None:  # a bare ``except:``
        return True
    if type(handler_type) is ast.Tuple:
        return any(_name_of(e) in _IMPORT_ERRORS for e in handler_type.elts)
    return _name_of(handler_type) in _IMPORT_ERRORS


def _suppresses_import_error(expr: ast.expr) -> bool:
    """``with contextlib.suppress(ImportError):`` makes the imports in its body optional."""
    return (
        type(expr) is ast.Call
        and _name_of(expr.func) == "suppress"
        and any(_name_of(arg) in _IMPORT_ERRORS for arg in expr.args)
    )


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
# ``PY2``, ``six.PY3``, ``IS_PY3``, ``PY3K``, ``PYTHON2``: the universal compatibility flags.
_PY_FLAG = LazyPattern(r"_?(?:IS_?)?PY(?:THON)?_?([23])K?", re.IGNORECASE)
_NEWEST_MINOR = 99  # any 3.x to come; Python 4 is not a version anyone supports yet
_Version = tuple[int, int, int]


@dataclass(frozen=True)
class _VersionRange:
    """The Pythons the project supports: 3.x from ``oldest`` on (requires-python's lower
    bound; 3.0 without one)."""

    oldest: tuple[int, int] = (3, 0)

    def points(self, constants: list[object]) -> list[_Version]:
        """Versions at which a comparison with ``constants`` can change its value."""
        low = (self.oldest[0], self.oldest[1], 0)
        found = {low, (3, _NEWEST_MINOR, _NEWEST_MINOR)}
        for constant in constants:
            parts = constant if isinstance(constant, tuple) else (constant,)
            padded = [p for p in parts[:3] if isinstance(p, int)]
            if len(padded) != min(len(parts), 3) or not padded:
                continue
            padded += [0] * (3 - len(padded))
            major, minor, micro = padded
            for point in (
                (major, minor, micro),
                (major, minor, micro + 1),
                (major, minor + 1, 0),
                (major, max(minor - 1, 0), _NEWEST_MINOR),
                (major + 1, 0, 0),
                (major - 1, _NEWEST_MINOR, _NEWEST_MINOR),
            ):
                found.add(point)
        return sorted(p for p in found if low <= p and p[0] <= 3)


def _literal(node: ast.expr) -> object | None:
    if type(node) is ast.Constant and isinstance(node.value, int | str):
        return node.value
    if type(node) is ast.Tuple and all(
        type(e) is ast.Constant and isinstance(e.value, int | str) for e in node.elts
    ):
        return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
    return None


def _version_part(node: ast.expr, sys_aliases: set[str]) -> Callable[[_Version], object] | None:
    """``sys.version_info`` and its ``[0]``, ``[:2]``, ``.major``: a function of the version."""
    if (
        type(node) is ast.Attribute
        and node.attr == "version_info"
        and type(node.value) is ast.Name
        and node.value.id in sys_aliases
    ) or (type(node) is ast.Name and node.id == "version_info"):
        return lambda v: (*v, "final", 0)
    if type(node) is ast.Attribute and node.attr in {"major", "minor", "micro"}:
        inner = _version_part(node.value, sys_aliases)
        index = ("major", "minor", "micro").index(node.attr)
        return None if inner is None else (lambda v: v[index])
    if type(node) is ast.Subscript:
        inner = _version_part(node.value, sys_aliases)
        if inner is None:
            return None
        key = node.slice
        if type(key) is ast.Constant and isinstance(key.value, int):
            position = key.value
            return lambda v: inner(v)[position]  # type: ignore[index]
        if (
            type(key) is ast.Slice
            and key.step is None
            and all(
                b is None or (type(b) is ast.Constant and isinstance(b.value, int))
                for b in (key.lower, key.upper)
            )
        ):
            low = key.lower.value if key.lower is not None else None  # type: ignore[attr-defined]
            high = key.upper.value if key.upper is not None else None  # type: ignore[attr-defined]
            return lambda v: inner(v)[low:high]  # type: ignore[index]
    return None


def _compare_truth(
    test: ast.Compare, versions: _VersionRange, sys_aliases: set[str]
) -> bool | None:
    sides = [test.left, *test.comparators]
    parts = [_version_part(side, sys_aliases) for side in sides]
    if not any(parts):
        return None
    literals = [_literal(side) for side, part in zip(sides, parts, strict=True) if part is None]
    if any(value is None for value in literals):
        return None
    ops = [_COMPARE.get(type(op)) for op in test.ops]
    if any(op is None for op in ops):
        return None
    seen: set[bool] = set()
    for point in versions.points(literals):
        values = [
            part(point) if part is not None else _literal(side)
            for side, part in zip(sides, parts, strict=True)
        ]
        try:
            seen.add(
                all(op(a, b) for op, a, b in zip(ops, values, values[1:], strict=False))  # type: ignore[misc]
            )
        except (TypeError, IndexError):
            return None
    return seen.pop() if len(seen) == 1 else None


def _truth(
    test: ast.expr,
    versions: _VersionRange,
    constants: dict[str, bool],
    sys_aliases: set[str],
) -> bool | None:
    """An ``if`` test's value at import time on every supported Python and platform;
    None when it differs between them or cannot be told."""
    kind = type(test)
    if kind is ast.Constant:
        value = test.value  # type: ignore[attr-defined]
        return bool(value) if isinstance(value, bool | int | str | None) else None
    if kind is ast.Name or kind is ast.Attribute:
        name = _name_of(test)
        if name in _TYPE_CHECKING_NAMES:
            return False
        if kind is ast.Name and name in constants:
            return constants[name]
        flag = _PY_FLAG.fullmatch(name or "")
        if flag is None or versions.oldest[0] < 3:
            return None
        return flag.group(1) == "3"
    if kind is ast.UnaryOp and type(test.op) is ast.Not:  # type: ignore[attr-defined]
        inner = _truth(test.operand, versions, constants, sys_aliases)  # type: ignore[attr-defined]
        return None if inner is None else not inner
    if kind is ast.BoolOp:
        values = [_truth(v, versions, constants, sys_aliases) for v in test.values]  # type: ignore[attr-defined]
        decisive = type(test.op) is ast.Or  # type: ignore[attr-defined]
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if kind is ast.Compare:
        assert isinstance(test, ast.Compare)
        # the hot path: most tests compare neither `__name__` nor the Python version
        if not (_may_tell(test.left) or any(_may_tell(c) for c in test.comparators)):
            return None
        if _is_main_guard(test):
            return type(test.ops[0]) is ast.NotEq
        return _compare_truth(test, versions, sys_aliases)
    return None


_TELLING_ATTRIBUTES = frozenset({"version_info", "major", "minor", "micro"})


def _may_tell(node: ast.expr) -> bool:
    """Whether a side of a comparison can be ``__name__`` or (part of) the version."""
    kind = type(node)
    if kind is ast.Name:
        return node.id in ("__name__", "version_info")  # type: ignore[attr-defined]
    if kind is ast.Attribute:
        return node.attr in _TELLING_ATTRIBUTES  # type: ignore[attr-defined]
    if kind is ast.Subscript:
        return _may_tell(node.value)  # type: ignore[attr-defined]
    return False


def _is_condition(value: ast.expr) -> bool:
    """Whether an assigned value may be a version flag worth remembering."""
    return type(value) in (ast.Compare, ast.BoolOp, ast.UnaryOp) or (
        isinstance(value, ast.Name) and _PY_FLAG.fullmatch(value.id) is not None
    )


def _mentions_main(test: ast.expr) -> bool:
    return any(type(n) is ast.Compare and _is_main_guard(n) for n in ast.walk(test))


def _mentions_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return test.value is False  # the old ``if False:`` idiom
    return any(
        _name_of(n) in _TYPE_CHECKING_NAMES
        for n in ast.walk(test)
        if isinstance(n, ast.Name | ast.Attribute)
    )


def _is_main_guard(test: ast.Compare) -> bool:
    sides = [test.left, *test.comparators]
    return (
        len(sides) == 2
        and type(test.ops[0]) in (ast.Eq, ast.NotEq)
        and any(type(s) is ast.Name and s.id == "__name__" for s in sides)
        and any(type(s) is ast.Constant and s.value == "__main__" for s in sides)
    )


def _line_count(source: bytes) -> int:
    if not source:
        return 0
    return source.count(b"\n") + (0 if source.endswith(b"\n") else 1)


def _clamp(version: tuple[int, int] | None) -> tuple[int, int] | None:
    if version is None:
        return None
    current = sys.version_info[:2]
    if version >= current:
        return None  # the running parser is the newest grammar we have
    return max(version, _OLDEST_FEATURE_VERSION)


def _parse(
    source: bytes, filename: str, feature_version: tuple[int, int] | None
) -> ast.Module | ParseProblem:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like warn; under ``-W error`` they would raise.
            warnings.simplefilter("ignore")
            return ast.parse(source, filename, feature_version=feature_version)
    except SyntaxError as exc:
        text = exc.msg or "invalid syntax"
        line = max(exc.lineno or 1, 1)  # an encoding declaration's error has line 0
        if _DECODE_ERROR.search(text) and "unicodeescape" not in text:
            return ParseProblem(f"cannot decode source: {text}", line, 1, ProblemKind.UNDECODABLE)
        column = max(exc.offset or 1, 1)
        return ParseProblem(f"syntax error: {text}", line, column)
    except UnicodeError as exc:
        return ParseProblem(f"cannot decode source: {exc}", 1, 1, ProblemKind.UNDECODABLE)
    except ValueError as exc:  # NUL bytes, on the 3.11 releases that raise ValueError for them
        return ParseProblem(f"cannot parse source: {exc}", 1, 1)
    except (RecursionError, MemoryError):
        # CPython itself may compile it (its compiler does not build Python objects): a
        # limit of this analysis, not proof of a syntax error.
        return ParseProblem(
            "source is nested too deeply for pkgforge to parse", 1, 1, ProblemKind.TOO_LARGE
        )
    except Exception as exc:  # noqa: BLE001 - a summary must never raise
        message = f"cannot parse source: {type(exc).__name__}: {exc}"
        return ParseProblem(message, 1, 1, ProblemKind.TOO_LARGE)


def _describe(version: tuple[int, int] | tuple[int, ...]) -> str:
    return f"{version[0]}.{version[1]}"


def summarize_source(
    source: bytes,
    *,
    filename: str = "<unknown>",
    feature_version: tuple[int, int] | None = None,
) -> ModuleSummary:
    """Parse ``source`` once and summarise it. Never raises.

    ``feature_version`` is the oldest Python the project supports; syntax newer
    than that is reported as a problem that says so (the rest is still summarised).
    """
    # The tree holds no reference cycles, so the cyclic collector only burns time while
    # parsing allocates hundreds of thousands of nodes (about a quarter of the parse).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _summarize(source, filename, feature_version)
    finally:
        if collecting:
            gc.enable()


def _summarize(
    source: bytes, filename: str, feature_version: tuple[int, int] | None
) -> ModuleSummary:
    suppressions = find_suppressions(source)
    line_count = _line_count(source)
    version = _clamp(feature_version)
    parsed = _parse(source, filename, version)
    problem: ParseProblem | None = None
    if (
        isinstance(parsed, ParseProblem)
        and version is not None
        and parsed.kind is ProblemKind.SYNTAX
    ):
        newest = _parse(source, filename, None)
        if isinstance(newest, ast.Module):
            problem = ParseProblem(
                f"needs a newer Python than requires-python allows ({_describe(version)}): "
                f"{parsed.message.removeprefix('syntax error: ')}",
                parsed.line,
                parsed.column,
                ProblemKind.TOO_NEW,
            )
        parsed = newest
    if isinstance(parsed, ParseProblem):
        if (
            parsed.kind is ProblemKind.SYNTAX
            and feature_version is not None
            and feature_version > sys.version_info[:2]
            and b"\0" not in source  # no Python accepts NUL bytes
        ):
            # Every Python the project allows is newer than this one: their grammar may
            # accept what this parser rejects (`type X = int` with Python 3.11).
            parsed = ParseProblem(
                f"{parsed.message} (with Python {_describe(sys.version_info[:2])}; "
                f"requires-python allows only {_describe(feature_version)} and newer, whose "
                f"grammar may accept it: run pkgforge with Python {_describe(feature_version)} "
                "to check this file)",
                parsed.line,
                parsed.column,
                ProblemKind.NEWER_GRAMMAR,
            )
        return ModuleSummary(problem=parsed, suppressions=suppressions, line_count=line_count)
    try:
        summary = _summarize_tree(parsed, problem, suppressions, line_count, feature_version)
    except (RecursionError, MemoryError):
        return ModuleSummary(
            problem=ParseProblem(
                "source is nested too deeply for pkgforge to summarise", 1, 1, ProblemKind.TOO_LARGE
            ),
            suppressions=suppressions,
            line_count=line_count,
        )
    if any(mention in source for mention in MENTIONS):  # rare: only then walk the tree
        found = find_namespace_write(source, parsed)
        if found is not None and (not summary.dynamic_line or found[0] <= summary.dynamic_line):
            summary = dataclasses.replace(
                summary, dynamic_namespace=True, dynamic_line=found[0], dynamic_reason=found[1]
            )
    return summary


def _summarize_tree(
    tree: ast.Module,
    problem: ParseProblem | None,
    suppressions: tuple[tuple[int, tuple[str, ...]], ...],
    line_count: int,
    feature_version: tuple[int, int] | None = None,
) -> ModuleSummary:
    collector = _Collector(_VersionRange(feature_version or (3, 0)))
    collector.body(tree.body, 0)
    body = tree.body
    has_docstring = bool(
        body
        and type(body[0]) is ast.Expr
        and type(body[0].value) is ast.Constant
        and isinstance(body[0].value.value, str)
    )
    known = collector.bindings
    getattr_binding = known.get("__getattr__")
    has_getattr = getattr_binding is not None and getattr_binding[1] > 0
    never = {name for name, (_, rank) in known.items() if rank == 0}
    never.difference_update(_BUILTINS)
    uses: list[NameUse] = []
    if never:  # names only a type checker sees: are any read while importing?
        lazy = collector.versions.oldest >= _LAZY_ANNOTATIONS or any(
            i.module == "__future__" and "annotations" in i.names and i.level == 0
            for i in collector.imports
        )
        _ImportTimeReads(collector, never, lazy, uses).body(body, never)
    exec_line = collector.exec_line
    return ModuleSummary(
        problem=problem,
        bindings=collector.final_bindings(),
        all=collector.all_info(),
        imports=tuple(collector.imports),
        sys_path_mutations=tuple(collector.sys_path),
        sys_path_at_import=tuple(collector.sys_path_at_import),
        has_module_getattr=has_getattr,
        version=collector.version,
        version_line=collector.version_line,
        has_docstring=has_docstring,
        has_main_guard=any(isinstance(s, ast.If) and _mentions_main(s.test) for s in body),
        suppressions=suppressions,
        line_count=line_count,
        dynamic_namespace=bool(exec_line),
        dynamic_reason="exec(...)" if exec_line else "",
        dynamic_line=exec_line,
        getattr_serves=collector.served_by_getattr() if has_getattr else None,
        foreign_writes=_foreign_writes(collector),
        module_writes=tuple(collector.module_writes),
        import_hooks=collector.import_hooks,
        import_time_uses=tuple(uses),
        name_handed_to=tuple(collector.name_handed),
        key_calls=tuple(collector.key_calls),
        opaque_calls=" ".join(sorted(collector.opaque_calls)),
        import_attributes=_import_attributes(tree, collector.imports),
        imported_only=tuple(sorted(set(collector.bindings) - collector.assigned)),
        deletions=tuple(
            d
            for d in (
                *collector.deletions,
                *((n, line, 0) for n, line in collector.deleted.items()),
            )
            if d[0] not in collector.globals_declared  # a function may bind it again any time
        ),
    )


def _import_attributes(tree: ast.Module, imports: list[ImportInfo]) -> tuple[tuple[str, str], ...]:
    """See :attr:`ModuleSummary.import_attributes` (no walk when no such import binds)."""
    names = {
        bound
        for info in imports
        if not info.is_from
        and not info.level
        and not is_stdlib_module(info.module.partition(".")[0])
        for bound in info.bound
    }
    if not names:
        return ()
    found = {
        (node.value.id, node.attr)
        for node in ast.walk(tree)
        if type(node) is ast.Attribute and type(node.value) is ast.Name and node.value.id in names
    }
    return tuple(sorted(found))


def _foreign_writes(collector: _Collector) -> tuple[ForeignWrite, ...]:
    """``mod.NAME = ...`` where ``mod`` is a name the module imports (anything else is an
    object's attribute)."""
    if not collector.foreign:
        return ()
    imported = {name for info in collector.imports for name in info.bound}
    return tuple(
        ForeignWrite(owner, name, line)
        for owner, name, line in collector.foreign
        if owner.partition(".")[0] in imported
    )


_LAZY_ANNOTATIONS = (3, 14)  # PEP 649: annotations are evaluated only when asked for
_BUILTINS = frozenset(dir(builtins))
_CATCHES_NAME_ERROR = frozenset({"NameError", "Exception", "BaseException"})


class _ImportTimeReads:
    """Finds reads, while the module is imported, of names bound only where code never runs
    (``if TYPE_CHECKING:``): base classes, decorators, defaults, module-level calls and
    assigned values; annotations where Python still evaluates them. Only statements that
    run on every supported Python are looked at, and function bodies never."""

    def __init__(
        self, collector: _Collector, never: set[str], lazy: bool, out: list[NameUse]
    ) -> None:
        self.collector = collector
        self.lazy = lazy
        self.out = out

    def body(self, stmts: list[ast.stmt], never: set[str]) -> None:
        for stmt in stmts:
            kind = type(stmt)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                assert isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
                self.function(stmt, never)
            elif kind is ast.ClassDef:
                assert isinstance(stmt, ast.ClassDef)
                self.reads([*stmt.decorator_list, *stmt.bases], never)
                self.reads([k.value for k in stmt.keywords], never)
                inner = never - _shallow_bindings(stmt.body)
                if inner:
                    self.body(stmt.body, inner)
            elif kind is ast.Assign or kind is ast.Expr:
                self.reads([stmt.value], never)  # type: ignore[attr-defined]
            elif kind is ast.AugAssign:
                assert isinstance(stmt, ast.AugAssign)
                self.reads([stmt.target, stmt.value], never)
            elif kind is ast.AnnAssign:
                assert isinstance(stmt, ast.AnnAssign)
                if stmt.value is not None:
                    self.reads([stmt.value], never)
                if not self.lazy and stmt.simple:
                    self.reads([stmt.annotation], never, Reach.SOMETIMES)
            elif kind is ast.If:
                assert isinstance(stmt, ast.If)
                self.reads([stmt.test], never)
                truth = self.collector.truth(stmt.test)
                if truth is True:
                    self.body(stmt.body, never)
                elif truth is False and not _mentions_main(stmt.test):
                    self.body(stmt.orelse, never)
            elif kind is ast.With:
                assert isinstance(stmt, ast.With)
                self.reads([item.context_expr for item in stmt.items], never)
                self.body(stmt.body, never)
            elif kind is ast.Try:
                assert isinstance(stmt, ast.Try)
                if not any(_catches_name_error(h.type) for h in stmt.handlers):
                    self.body(stmt.body, never)
                self.body(stmt.finalbody, never)
            elif kind is ast.For:
                assert isinstance(stmt, ast.For)
                self.reads([stmt.iter], never)

    def function(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, never: set[str]) -> None:
        args = stmt.args
        self.reads([*stmt.decorator_list, *args.defaults], never)
        self.reads([d for d in args.kw_defaults if d is not None], never)
        if not self.lazy:
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            every += [a for a in (args.vararg, args.kwarg) if a is not None]
            notes = [a.annotation for a in every if a.annotation is not None]
            if stmt.returns is not None:
                notes.append(stmt.returns)
            self.reads(notes, never, Reach.SOMETIMES)

    def reads(self, exprs: list[ast.expr], never: set[str], reach: Reach = Reach.ALWAYS) -> None:
        stack = exprs
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Name:
                assert isinstance(node, ast.Name)
                if node.id in never and type(node.ctx) is not ast.Store:
                    self.out.append(NameUse(node.id, node.lineno, node.col_offset + 1, reach))
                continue
            if kind is ast.Lambda:
                assert isinstance(node, ast.Lambda)
                stack.extend(node.args.defaults)
                stack.extend(d for d in node.args.kw_defaults if d is not None)
                continue
            if kind is ast.GeneratorExp:  # lazy but for its first iterable
                stack.append(node.generators[0].iter)  # type: ignore[attr-defined]
                continue
            if kind in _COMPREHENSIONS and never & _comprehension_targets(node):
                continue  # a comprehension variable shadows the name
            stack.extend(ast.iter_child_nodes(node))  # type: ignore[arg-type]


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)


def _comprehension_targets(node: ast.AST) -> set[str]:
    return {
        n.id
        for generator in node.generators  # type: ignore[attr-defined]
        for n in ast.walk(generator.target)
        if isinstance(n, ast.Name)
    }


def _shallow_bindings(stmts: list[ast.stmt]) -> set[str]:
    """Names a class body binds itself (they shadow the module's while it runs)."""
    found: set[str] = set()
    for stmt in stmts:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(stmt.name)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            found.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            found.update(a.asname or a.name.partition(".")[0] for a in stmt.names)
        elif not isinstance(stmt, ast.Expr | ast.Pass):
            found |= _all_names_in(stmt)
    return found


def _all_names_in(stmt: ast.stmt) -> set[str]:
    """Any name a compound statement of a class body may bind (conservatively: every name)."""
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}


def _catches_name_error(handler_type: ast.expr | None) -> bool:
    if handler_type is None:
        return True
    if type(handler_type) is ast.Tuple:
        return any(_name_of(e) in _CATCHES_NAME_ERROR for e in handler_type.elts)
    return _name_of(handler_type) in _CATCHES_NAME_ERROR
