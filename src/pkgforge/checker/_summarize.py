"""Parse one module's bytes once and reduce the tree to a :class:`ModuleSummary`.

This is the cold-run hot path, so the walk is deliberately narrow: it visits
statements only (imports, ``global`` and ``sys.path`` changes are statements)
and never descends into expressions except the few it inspects directly.
Nothing here raises: any failure becomes ``ModuleSummary.problem``.
"""

from __future__ import annotations

import ast
import dataclasses
import gc
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from pkgforge.checker.summary import (
    AllEntry,
    AllInfo,
    Binding,
    ImportInfo,
    ImportScope,
    ModuleSummary,
    ParseProblem,
)

__all__ = ["summarize_source"]

# ast.parse accepts feature_version down to (3, 7); older bounds parse as 3.7.
_OLDEST_FEATURE_VERSION = (3, 7)
_SUPPRESSION = re.compile(rb"#\s*pkgforge:\s*ignore\b(?:\[([^\]]*)\])?")
_SYS_PATH_METHODS = frozenset({"append", "insert", "extend", "remove", "pop", "clear"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_TYPE_CHECKING_NAMES = frozenset({"TYPE_CHECKING", "MYPY"})
_DYNAMIC_NAMESPACE = re.compile(rb"\bglobals\(\)\s*(?:\[|\.update\b)|sys\.modules\[__name__\]\s*=")


# Where the walker is, as bit flags (cheaper than an object per nested body).
_Where = int
_IN_FUNCTION = 1
_IN_CLASS = 2
_TYPE_CHECKING = 4
_OPTIONAL = 8
_MAIN_GUARD = 16
_NO_MODULE_BINDING = _IN_FUNCTION | _IN_CLASS | _TYPE_CHECKING
_RUNS_LATER = _IN_FUNCTION | _MAIN_GUARD


def _scope(where: _Where) -> ImportScope:
    if where & _TYPE_CHECKING:
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
    bindings: dict[str, int] = field(default_factory=dict)
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

    def bind(self, name: str, line: int) -> None:
        self.bindings.setdefault(name, line)

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
            self.bind(node.name, node.lineno)
        self.body(node.body, where | _IN_FUNCTION)

    def class_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.ClassDef)
        if _binds(where):
            self.bind(node.name, node.lineno)
        self.body(node.body, where | _IN_CLASS)

    def assign(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Assign)
        if where & _NO_MODULE_BINDING:  # the common case: only `sys.path = ...` matters here
            for target in node.targets:
                if type(target) is not ast.Name:
                    self.target(target, node, where)
            return
        for target in node.targets:
            self.target(target, node, where)
            self.special_assign(target, node.value, node, where, augmented=False)

    def ann_assign(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.AnnAssign)
        if node.value is not None:
            self.target(node.target, node, where)
            self.special_assign(node.target, node.value, node, where, augmented=False)

    def aug_assign(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.AugAssign)
        self.target(node.target, node, where)
        self.special_assign(node.target, node.value, node, where, augmented=True)

    def expr(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Expr)
        if type(node.value) is ast.Call:
            self.call(node.value, where)

    def try_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Try | ast.TryStar)
        catches = any(_catches_import_error(h.type) for h in node.handlers)
        guarded = where | _OPTIONAL if catches else where
        self.body(node.body, guarded)
        for handler in node.handlers:
            if handler.name and _binds(where):
                self.bind(handler.name, handler.lineno)
            self.body(handler.body, where)
        # ``else:`` runs only when the guarded import worked: optional as well
        self.body(node.orelse, guarded)
        self.body(node.finalbody, where)

    def for_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.For | ast.AsyncFor)
        self.target(node.target, node, where)
        self.body(node.body, where)
        self.body(node.orelse, where)

    def while_(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.While)
        self.body(node.body, where)
        self.body(node.orelse, where)

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
            self.bind(name, node.lineno)

    def match(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.Match)
        for case in node.cases:
            self.body(case.body, where)

    def type_alias(self, node: ast.stmt, where: _Where) -> None:
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name) and _binds(where):
            self.bind(name.id, node.lineno)

    def if_stmt(self, node: ast.stmt, where: _Where) -> None:
        assert isinstance(node, ast.If)
        self.if_(node, where)

    def if_(self, node: ast.If, where: _Where) -> None:
        test = node.test
        if _is_type_checking(test):
            self.body(node.body, where | _TYPE_CHECKING)
            self.body(node.orelse, where)
        elif _is_main_guard(test):
            self.body(node.body, where | _MAIN_GUARD)
            self.body(node.orelse, where)
        else:
            if type(test) is ast.NamedExpr and _binds(where):
                assert isinstance(test, ast.NamedExpr)
                self.bind(test.target.id, node.lineno)
            self.body(node.body, where)
            self.body(node.orelse, where)

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
                    )
                )
                if binds:
                    self.bind(bound, node.lineno)
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
            )
        )
        if binds:
            for name in bound_names:
                self.bind(name, node.lineno)

    # -- targets and special names -----------------------------------------

    def target(
        self, target: ast.expr, stmt: ast.stmt, where: _Where, *, unpacked: bool = False
    ) -> None:
        if isinstance(target, ast.Name):
            if _binds(where):
                self.bind(target.id, stmt.lineno)
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
        if name == "__all__":
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
                self.all_parts.clear()
            for element in value.elts:
                self.all_entries.append(_entry(element))
            return
        self.all_literal = False
        operands = _concatenation(value) if value is not None else None
        if operands is None:
            self.all_composed = False
            return
        if replace and not any(o == "__all__" for o in operands):
            self.all_entries.clear()
            self.all_parts.clear()
        for operand in operands:
            if isinstance(operand, str):
                if operand != "__all__":  # `__all__ = __all__ + [...]` extends itself
                    self.all_parts.append(operand)
            else:
                self.all_entries.extend(_entry(e) for e in operand.elts)

    def call(self, call: ast.Call, where: _Where) -> None:
        func = call.func
        if type(func) is not ast.Attribute:
            return
        assert isinstance(func, ast.Attribute)
        owner = func.value
        if func.attr in _SYS_PATH_METHODS and self.is_sys_path(owner):
            self.sys_path.append((call.lineno, call.col_offset + 1))
        elif type(owner) is ast.Name and owner.id == "__all__" and _binds(where):
            if func.attr == "extend" and len(call.args) == 1:
                self.note_all(call.args[0], call, replace=False)
            elif func.attr == "append" and len(call.args) == 1:
                self.note_all(ast.List(elts=[call.args[0]]), call, replace=False)
            elif func.attr in {"remove", "pop", "insert", "clear"}:
                self.all_literal = False
                self.all_composed = False

    def is_sys_path(self, node: ast.expr) -> bool:
        return (
            type(node) is ast.Attribute
            and node.attr == "path"
            and type(node.value) is ast.Name
            and node.value.id in self.sys_aliases
        )

    def all_info(self) -> AllInfo | None:
        if not self.has_all:
            return None
        return AllInfo(
            line=self.all_line,
            column=self.all_column,
            is_literal=self.all_literal,
            entries=tuple(self.all_entries),
            parts=tuple(self.all_parts),
            composed=not self.all_literal and self.all_composed,
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
}
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
    value = element.value if type(element) is ast.Constant else None
    return AllEntry(
        value=value if isinstance(value, str) else None,
        line=element.lineno,
        column=element.col_offset + 1,
    )


def _name_of(node: ast.expr | None) -> str | None:
    if type(node) is ast.Name:
        return node.id
    if type(node) is ast.Attribute:
        return node.attr
    return None


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


def _is_type_checking(test: ast.expr) -> bool:
    if type(test) is ast.Constant:
        return test.value is False  # the old ``if False:`` idiom
    return _name_of(test) in _TYPE_CHECKING_NAMES


def _is_main_guard(test: ast.expr) -> bool:
    if type(test) is not ast.Compare:
        return False
    assert isinstance(test, ast.Compare)
    sides = [test.left, *test.comparators]
    return (
        len(sides) == 2
        and type(test.ops[0]) is ast.Eq
        and any(type(s) is ast.Name and s.id == "__name__" for s in sides)
        and any(type(s) is ast.Constant and s.value == "__main__" for s in sides)
    )


def find_suppressions(source: bytes) -> tuple[tuple[int, tuple[str, ...]], ...]:
    if b"pkgforge:" not in source:
        return ()
    found: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if b"pkgforge:" not in line:
            continue
        match = _SUPPRESSION.search(line)
        if match is None:
            continue
        listed = match.group(1)
        codes = (
            tuple(
                c.decode("ascii", "replace").upper()
                for c in re.split(rb"[\s,]+", listed)
                if c.strip()
            )
            if listed is not None
            else ()
        )
        found.append((number, codes))
    return tuple(found)


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
        if isinstance(exc, UnicodeError) or "decode" in text or "codec" in text:
            return ParseProblem(f"cannot decode source: {text}", exc.lineno or 1, 1)
        line = exc.lineno or 1
        column = max(exc.offset or 1, 1)
        return ParseProblem(f"syntax error: {text}", line, column)
    except (ValueError, UnicodeError) as exc:  # NUL bytes (3.11), bad encodings
        return ParseProblem(f"cannot parse source: {exc}", 1, 1)
    except (RecursionError, MemoryError):
        return ParseProblem("source is nested too deeply to parse", 1, 1)
    except Exception as exc:  # noqa: BLE001 - a summary must never raise
        return ParseProblem(f"cannot parse source: {type(exc).__name__}: {exc}", 1, 1)


def _describe(version: tuple[int, int]) -> str:
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
    if isinstance(parsed, ParseProblem) and version is not None:
        newest = _parse(source, filename, None)
        if isinstance(newest, ast.Module):
            problem = ParseProblem(
                f"needs a newer Python than requires-python allows ({_describe(version)}): "
                f"{parsed.message.removeprefix('syntax error: ')}",
                parsed.line,
                parsed.column,
            )
        parsed = newest
    if isinstance(parsed, ParseProblem):
        return ModuleSummary(problem=parsed, suppressions=suppressions, line_count=line_count)
    try:
        summary = _summarize_tree(parsed, problem, suppressions, line_count)
    except (RecursionError, MemoryError):
        return ModuleSummary(
            problem=ParseProblem("source is nested too deeply to summarise", 1, 1),
            suppressions=suppressions,
            line_count=line_count,
        )
    if (b"globals()" in source or b"sys.modules[" in source) and _DYNAMIC_NAMESPACE.search(source):
        # a byte search, not a tree walk: a false hit only makes the rules more cautious
        summary = dataclasses.replace(summary, dynamic_namespace=True)
    return summary


def _summarize_tree(
    tree: ast.Module,
    problem: ParseProblem | None,
    suppressions: tuple[tuple[int, tuple[str, ...]], ...],
    line_count: int,
) -> ModuleSummary:
    collector = _Collector()
    collector.body(tree.body, 0)
    body = tree.body
    has_docstring = bool(
        body
        and type(body[0]) is ast.Expr
        and type(body[0].value) is ast.Constant
        and isinstance(body[0].value.value, str)
    )
    bindings = tuple(Binding(name, line) for name, line in collector.bindings.items())
    return ModuleSummary(
        problem=problem,
        bindings=bindings,
        all=collector.all_info(),
        imports=tuple(collector.imports),
        sys_path_mutations=tuple(collector.sys_path),
        has_module_getattr="__getattr__" in collector.bindings,
        version=collector.version,
        version_line=collector.version_line,
        has_docstring=has_docstring,
        suppressions=suppressions,
        line_count=line_count,
    )
