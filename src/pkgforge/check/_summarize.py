"""Parse one module's bytes once and reduce the tree to a :class:`ModuleSummary`.

This is the cold-run hot path, so the walk is deliberately narrow: it visits
statements only (imports, ``global`` and ``sys.path`` changes are statements)
and never descends into expressions except the few it inspects directly.
Nothing here raises: any failure becomes ``ModuleSummary.problem``.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import dataclass, field

from pkgforge.check.summary import (
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


@dataclass
class _Where:
    """Where the walker is: the flags that decide an import's scope."""

    in_function: bool = False
    in_class: bool = False
    type_checking: bool = False
    optional: bool = False
    main_guard: bool = False

    def scope(self) -> ImportScope:
        if self.type_checking:
            return ImportScope.TYPE_CHECKING
        if self.in_function or self.main_guard:
            return ImportScope.FUNCTION
        if self.optional:
            return ImportScope.OPTIONAL
        if self.in_class:
            return ImportScope.CLASS
        return ImportScope.MODULE

    def binds_module_names(self) -> bool:
        return not (self.in_function or self.in_class or self.type_checking)

    def but(self, **changes: bool) -> _Where:
        return _Where(**{**self.__dict__, **changes})


@dataclass
class _Collector:
    bindings: dict[str, int] = field(default_factory=dict)
    imports: list[ImportInfo] = field(default_factory=list)
    sys_path: list[tuple[int, int]] = field(default_factory=list)
    sys_aliases: set[str] = field(default_factory=lambda: {"sys"})
    all_line: int = 0
    all_column: int = 0
    all_literal: bool = True
    all_entries: list[AllEntry] = field(default_factory=list)
    has_all: bool = False
    version: str | None = None
    version_line: int = 0

    def bind(self, name: str, line: int) -> None:
        self.bindings.setdefault(name, line)

    # -- statements -------------------------------------------------------

    def body(self, stmts: list[ast.stmt], where: _Where) -> None:
        for stmt in stmts:
            self.stmt(stmt, where)

    def stmt(self, node: ast.stmt, where: _Where) -> None:  # noqa: PLR0915 - one dispatch
        kind = type(node)
        if isinstance(node, ast.Import | ast.ImportFrom):
            self.import_(node, where)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if where.binds_module_names():
                self.bind(node.name, node.lineno)
            self.body(node.body, where.but(in_function=True))
        elif kind is ast.ClassDef:
            assert isinstance(node, ast.ClassDef)
            if where.binds_module_names():
                self.bind(node.name, node.lineno)
            self.body(node.body, where.but(in_class=True))
        elif kind is ast.Assign:
            assert isinstance(node, ast.Assign)
            for target in node.targets:
                self.target(target, node, where)
                self.special_assign(target, node.value, node, where, augmented=False)
        elif kind is ast.AnnAssign:
            assert isinstance(node, ast.AnnAssign)
            if node.value is not None:
                self.target(node.target, node, where)
                self.special_assign(node.target, node.value, node, where, augmented=False)
        elif kind is ast.AugAssign:
            assert isinstance(node, ast.AugAssign)
            self.target(node.target, node, where)
            self.special_assign(node.target, node.value, node, where, augmented=True)
        elif kind is ast.Expr:
            assert isinstance(node, ast.Expr)
            if type(node.value) is ast.Call:
                self.call(node.value, where)
        elif kind is ast.If:
            assert isinstance(node, ast.If)
            self.if_(node, where)
        elif kind is ast.Try or kind is ast.TryStar:
            assert isinstance(node, ast.Try | ast.TryStar)
            catches = any(_catches_import_error(h.type) for h in node.handlers)
            self.body(node.body, where.but(optional=True) if catches else where)
            for handler in node.handlers:
                if handler.name and where.binds_module_names():
                    self.bind(handler.name, handler.lineno)
                self.body(handler.body, where)
            # ``else:`` runs only when the guarded import worked: optional as well
            self.body(node.orelse, where.but(optional=True) if catches else where)
            self.body(node.finalbody, where)
        elif kind is ast.For or kind is ast.AsyncFor:
            assert isinstance(node, ast.For | ast.AsyncFor)
            self.target(node.target, node, where)
            self.body(node.body, where)
            self.body(node.orelse, where)
        elif kind is ast.While:
            assert isinstance(node, ast.While)
            self.body(node.body, where)
            self.body(node.orelse, where)
        elif kind is ast.With or kind is ast.AsyncWith:
            assert isinstance(node, ast.With | ast.AsyncWith)
            inner = where
            for item in node.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars, node, where)
                if _suppresses_import_error(item.context_expr):
                    inner = where.but(optional=True)
            self.body(node.body, inner)
        elif kind is ast.Global:
            assert isinstance(node, ast.Global)
            # ``global X`` in a function binds X at module level once the function runs.
            for name in node.names:
                self.bind(name, node.lineno)
        elif kind is ast.Match:
            assert isinstance(node, ast.Match)
            for case in node.cases:
                self.body(case.body, where)
        elif sys.version_info >= (3, 12) and kind is getattr(ast, "TypeAlias", None):
            name = getattr(node, "name", None)
            if isinstance(name, ast.Name) and where.binds_module_names():
                self.bind(name.id, node.lineno)

    def if_(self, node: ast.If, where: _Where) -> None:
        test = node.test
        if _is_type_checking(test):
            self.body(node.body, where.but(type_checking=True))
            self.body(node.orelse, where)
        elif _is_main_guard(test):
            self.body(node.body, where.but(main_guard=True))
            self.body(node.orelse, where)
        else:
            if type(test) is ast.NamedExpr and where.binds_module_names():
                assert isinstance(test, ast.NamedExpr)
                self.bind(test.target.id, node.lineno)
            self.body(node.body, where)
            self.body(node.orelse, where)

    def import_(self, node: ast.Import | ast.ImportFrom, where: _Where) -> None:
        scope = where.scope()
        binds = where.binds_module_names()
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
                        in_function=where.in_function,
                        in_class=where.in_class,
                        optional=where.optional,
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
                in_function=where.in_function,
                in_class=where.in_class,
                optional=where.optional,
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
            if where.binds_module_names():
                self.bind(target.id, stmt.lineno)
                if unpacked and target.id == "__all__":
                    self.note_all(target, stmt, replace=True)  # a value we cannot read
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
        if type(target) is not ast.Name or not where.binds_module_names():
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

    def note_all(self, value: ast.expr, stmt: ast.stmt | ast.expr, *, replace: bool) -> None:
        if not self.has_all:
            self.has_all = True
            self.all_line, self.all_column = stmt.lineno, stmt.col_offset + 1
        if isinstance(value, ast.List | ast.Tuple):
            if replace:
                self.all_entries.clear()
            for element in value.elts:
                self.all_entries.append(_entry(element))
        else:
            self.all_literal = False

    def call(self, call: ast.Call, where: _Where) -> None:
        func = call.func
        if type(func) is not ast.Attribute:
            return
        assert isinstance(func, ast.Attribute)
        owner = func.value
        if func.attr in _SYS_PATH_METHODS and self.is_sys_path(owner):
            self.sys_path.append((call.lineno, call.col_offset + 1))
        elif type(owner) is ast.Name and owner.id == "__all__" and where.binds_module_names():
            if func.attr == "extend" and len(call.args) == 1:
                self.note_all(call.args[0], call, replace=False)
            elif func.attr == "append" and len(call.args) == 1:
                self.note_all(ast.List(elts=[call.args[0]]), call, replace=False)
            elif func.attr in {"remove", "pop", "insert", "clear"}:
                self.all_literal = False

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
        )


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


def _suppressions(source: bytes) -> tuple[tuple[int, tuple[str, ...]], ...]:
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
    suppressions = _suppressions(source)
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
        return _summarize_tree(parsed, problem, suppressions, line_count)
    except (RecursionError, MemoryError):
        return ModuleSummary(
            problem=ParseProblem("source is nested too deeply to summarise", 1, 1),
            suppressions=suppressions,
            line_count=line_count,
        )


def _summarize_tree(
    tree: ast.Module,
    problem: ParseProblem | None,
    suppressions: tuple[tuple[int, tuple[str, ...]], ...],
    line_count: int,
) -> ModuleSummary:
    collector = _Collector()
    collector.body(tree.body, _Where())
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
