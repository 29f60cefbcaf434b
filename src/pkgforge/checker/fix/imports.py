"""Fixes of import statements (PF401, PF403), edited with libcst.

PF401's fix moves a star import out of a function only when it can prove the function
sees the same names: the scopes are read with the standard library's :mod:`symtable`
(the compiler's own analysis) on the module with its star imports in functions taken
out, since the compiler refuses them.
"""

from __future__ import annotations

import builtins
import symtable
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from pkgforge.checker.findings import Finding
from pkgforge.checker.fix.base import FixRequest, Proposal, by_file, declined
from pkgforge.checker.fix.exportlist import LINE_LENGTH
from pkgforge.checker.fix.pysource import Located, insert_after_imports
from pkgforge.checker.graph import ImportGraph, graph_of
from pkgforge.checker.model import SourceFile

__all__ = ["hoist_star_import", "make_relative"]

_BUILTINS = frozenset(dir(builtins))


# -- PF403 ----------------------------------------------------------------------------


def make_relative(request: FixRequest) -> Iterator[Proposal]:
    """PF403: ``import echo`` -> ``from . import echo``; ``from echo import x`` ->
    ``from .echo import x``."""
    files = {f.relpath: f for f in request.project.files}
    for path, findings in by_file(request.findings):
        file = files.get(path)
        if file is None or file.summary.has_main_guard:
            declined(findings[0], "the module also runs as a script, where `from .` fails")
            continue
        located = Located.of(request.read(path))
        if located is None:
            declined(findings[0], "the file does not parse")
            continue
        graph = graph_of(request.project)
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        wanted: dict[cst.CSTNode, set[str]] = {}
        fixed: list[Finding] = []
        for finding in findings:
            nodes: list[cst.CSTNode] = [
                *located.nodes_at(cst.Import, finding.line, finding.column),
                *located.nodes_at(cst.ImportFrom, finding.line, finding.column),
            ]
            if len(nodes) != 1 or not finding.subject:
                declined(finding, "the statement is not where the finding says")
                continue
            against = _not_the_sibling(located, graph, package, nodes[0], finding.subject[0])
            if against is not None:
                declined(finding, against)
                continue
            wanted.setdefault(nodes[0], set()).add(finding.subject[0])
            fixed.append(finding)
        rewriter = _Relative(wanted)
        module = located.module.visit(rewriter)
        done = [f for f in fixed if f.line in rewriter.lines(located)]
        for finding in fixed:
            if finding not in done:
                declined(finding, "no relative form binds the same name (`import echo.sub`)")
        if done:
            yield Proposal(tuple(done), {path: module.bytes})


def _not_the_sibling(
    located: Located, graph: ImportGraph, package: str, statement: cst.CSTNode, top: str
) -> str | None:
    """Evidence that ``import top`` means another module than the sibling: the module reads
    an attribute of the name it binds that the sibling does not have (`deepspeed.zero`
    beside a `deepspeed.py` without `zero`: the third-party package was meant)."""
    if not isinstance(statement, cst.Import):
        return None  # `from echo import x`: the finding proved the sibling has every name
    sibling = f"{package}.{top}"
    bound = {
        (alias.asname.name.value if isinstance(alias.asname.name, cst.Name) else top)
        if alias.asname is not None
        else top
        for alias in statement.names
        if _dotted(alias.name) == top
    }
    read = {
        node.attr.value
        for node in located.positions
        if isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value in bound
    }
    if not read:
        return None
    defined = graph.defined_names(sibling) if sibling in graph.modules else None
    if defined is None:
        return f"the module reads attributes of `{top}` that {sibling}'s names may not hold"
    submodules = graph.submodules(sibling) if sibling in graph.packages else frozenset()
    missing = sorted(
        name
        for name in read
        if name not in defined
        and name not in submodules
        and not graph.is_module_attribute(sibling, name)
    )
    if missing:
        return (
            f"`{top}.{missing[0]}` is not defined in {sibling}: `import {top}` may mean "
            "another module"
        )
    return None


class _Relative(cst.CSTTransformer):
    def __init__(self, wanted: dict[cst.CSTNode, set[str]]) -> None:
        super().__init__()
        self.wanted = wanted
        self.done: set[cst.CSTNode] = set()

    def lines(self, located: Located) -> set[int]:
        return {located.start(node)[0] for node in self.done}

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        tops = self.wanted.get(original_node)
        module = original_node.module
        if tops is None or original_node.relative or module is None:
            return updated_node
        if _dotted(module).partition(".")[0] not in tops:
            return updated_node
        self.done.add(original_node)
        return updated_node.with_changes(relative=[cst.Dot()])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        imports = [s for s in original_node.body if isinstance(s, cst.Import) and s in self.wanted]
        if not imports:
            return updated_node
        (statement,) = imports
        tops = self.wanted[statement]
        siblings = [a for a in statement.names if _dotted(a.name) in tops]
        if not siblings or any(
            _dotted(a.name).partition(".")[0] in tops and isinstance(a.name, cst.Attribute)
            for a in statement.names
        ):
            return updated_node  # `import echo.sub`: no relative form binds `echo` alike
        relative = cst.ImportFrom(
            module=None,
            names=[
                cst.ImportAlias(name=cst.Name(_dotted(a.name)), asname=a.asname) for a in siblings
            ],
            relative=[cst.Dot()],
        )
        others = [a for a in statement.names if a not in siblings]
        self.done.add(statement)
        if not others:
            body = [
                relative if old is statement else new
                for old, new in zip(original_node.body, updated_node.body, strict=True)
            ]
            return updated_node.with_changes(body=body)
        if len(original_node.body) != 1:
            self.done.discard(statement)
            return updated_node  # `import os, echo; x = 1`: left as it is
        kept = statement.with_changes(names=_with_last_comma_removed(others))
        return cst.FlattenSentinel(
            [
                updated_node.with_changes(body=[kept]),
                cst.SimpleStatementLine(body=[relative]),
            ]
        )


def _with_last_comma_removed(aliases: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
    kept = list(aliases)
    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return kept


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# -- PF401 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hoist:
    finding: Finding
    star: cst.ImportFrom
    names: tuple[str, ...]


def hoist_star_import(request: FixRequest) -> Iterator[Proposal]:
    """PF401: a function's ``from x import *`` becomes ``from x import a, b`` (the names
    it uses) at module level, when that is proven to give it the same names."""
    files = {f.relpath: f for f in request.project.files}
    graph = graph_of(request.project)
    for path, findings in by_file(request.findings):
        file = files.get(path)
        located = Located.of(request.read(path))
        if file is None or not file.module or located is None:
            declined(findings[0], "not a module of the package, or it does not parse")
            continue
        scopes = _scopes(located, path)
        if scopes is None:
            declined(findings[0], "the module does not compile even without its star imports")
            continue
        hoists = [h for f in findings if (h := _hoist(f, located, scopes, graph, file)) is not None]
        taken: set[str] = set()
        chosen: list[_Hoist] = []
        for hoist in hoists:
            if taken.intersection(hoist.names):
                declined(hoist.finding, "another star import of the module needs the same names")
                continue
            taken.update(hoist.names)
            chosen.append(hoist)
        if not chosen:
            continue
        module = located.module.visit(_Remover({h.star for h in chosen}))
        imports = [_import_of(located, h) for h in chosen]
        module = insert_after_imports(module, imports, blank_line=False)
        yield Proposal(tuple(h.finding for h in chosen), {path: module.bytes})


def _hoist(
    finding: Finding,
    located: Located,
    scopes: symtable.SymbolTable,
    graph: ImportGraph,
    file: SourceFile,
) -> _Hoist | None:
    """The move that fixes ``finding``, or None (and why, at debug level)."""
    stars = [
        node
        for node in located.nodes_at(cst.ImportFrom, finding.line, finding.column)
        if isinstance(node.names, cst.ImportStar)
    ]
    if len(stars) != 1:
        declined(finding, "the statement is not where the finding says")
        return None
    star = stars[0]
    function = _enclosing_function(located, star)
    if function is None:
        declined(finding, "not a statement of a function's own body (a class, a block)")
        return None
    info = next(
        (i for i in file.summary.imports if i.line == finding.line and "*" in i.names), None
    )
    base = graph.absolute(file.module, info) if info is not None else None
    exported = graph.star_names(base) if base is not None and base in graph.modules else None
    if exported is None:
        declined(finding, "its module is not the project's, or its star names are unknown")
        return None
    table = _function_table(scopes, function.name.value, located.start(function)[0])
    if table is None:
        declined(finding, "the function's scope was not found")
        return None
    used, bound = _names_of(table)
    clashes = bound & exported
    if clashes:
        declined(finding, f"the function binds {', '.join(sorted(clashes))} itself")
        return None
    names = tuple(sorted(used & exported))
    if not names:
        declined(finding, "the function uses none of the names")
        return None
    elsewhere = _module_names(scopes, table)
    conflicts = sorted(n for n in names if n in _BUILTINS or n in elsewhere)
    if conflicts:
        declined(finding, f"{', '.join(conflicts)} would change meaning elsewhere in the module")
        return None
    return _Hoist(finding, star, names)


def _enclosing_function(located: Located, star: cst.ImportFrom) -> cst.FunctionDef | None:
    """The function whose body holds the statement directly (not in an if, try, loop)."""
    ancestors = located.ancestors(star)
    if len(ancestors) < 3:
        return None
    line, block, owner = ancestors[:3]
    if isinstance(line, cst.SimpleStatementLine) and isinstance(block, cst.IndentedBlock):
        return owner if isinstance(owner, cst.FunctionDef) else None
    return None


def _scopes(located: Located, path: str) -> symtable.SymbolTable | None:
    """The module's scopes, once every star import inside a function or class is taken
    out (the compiler refuses them)."""
    inner = {
        node
        for node in located.positions
        if isinstance(node, cst.ImportFrom)
        and isinstance(node.names, cst.ImportStar)
        and any(isinstance(a, cst.FunctionDef | cst.ClassDef) for a in located.ancestors(node))
    }
    code = located.module.visit(_ToPass(inner)).code
    try:
        return symtable.symtable(code, path, "exec")
    except (SyntaxError, ValueError):
        return None


class _ToPass(cst.CSTTransformer):
    def __init__(self, statements: set[cst.ImportFrom]) -> None:
        super().__init__()
        self.statements = statements

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.BaseSmallStatement:
        return cst.Pass() if original_node in self.statements else updated_node


def _function_table(
    table: symtable.SymbolTable, name: str, line: int
) -> symtable.SymbolTable | None:
    for child in table.get_children():
        if child.get_type() == "function" and (
            child.get_name(),
            child.get_lineno(),
        ) == (name, line):
            return child
        found = _function_table(child, name, line)
        if found is not None:
            return found
    return None


def _names_of(table: symtable.SymbolTable) -> tuple[set[str], set[str]]:
    """(names the function and the scopes inside it read as globals, names it binds or
    declares global)."""
    used: set[str] = set()
    bound: set[str] = set()
    for symbol in table.get_symbols():
        name = symbol.get_name()
        if symbol.is_declared_global() or symbol.is_local() or symbol.is_parameter():
            bound.add(name)
        elif symbol.is_global() and symbol.is_referenced():
            used.add(name)
    for child in table.get_children():
        inner_used, inner_bound = _names_of(child)
        used |= inner_used
        bound |= {n for n in inner_bound if child.lookup(n).is_declared_global()}
    return used, bound


def _module_names(module: symtable.SymbolTable, skip: symtable.SymbolTable) -> set[str]:
    """The global names the module uses or binds outside the function ``skip``."""
    found = {s.get_name() for s in module.get_symbols()}
    pending = list(module.get_children())
    while pending:
        table = pending.pop()
        if table.get_id() == skip.get_id():
            continue
        found |= {
            s.get_name() for s in table.get_symbols() if s.is_global() or s.is_declared_global()
        }
        pending.extend(table.get_children())
    return found


def _import_of(located: Located, hoist: _Hoist) -> cst.SimpleStatementLine:
    star = hoist.star
    dots = "." * len(star.relative)
    module = located.module.code_for_node(star.module) if star.module is not None else ""
    text = f"from {dots}{module} import {', '.join(hoist.names)}\n"
    if len(text) - 1 > LINE_LENGTH:
        text = (
            f"from {dots}{module} import (\n" + "".join(f"    {n},\n" for n in hoist.names) + ")\n"
        )
    statement = cst.parse_statement(text, config=located.module.config_for_parsing)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


class _Remover(cst.CSTTransformer):
    """Takes the star imports out of their functions; a body left empty gets ``pass``,
    and comments on the removed lines move to the next statement."""

    def __init__(self, stars: set[cst.ImportFrom]) -> None:
        super().__init__()
        self.stars = stars

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for before, after in zip(original_node.body, updated_node.body, strict=True):
            statement = after
            if isinstance(before, cst.SimpleStatementLine) and isinstance(
                statement, cst.SimpleStatementLine
            ):
                rest = [
                    small
                    for small, old in zip(statement.body, before.body, strict=True)
                    if old not in self.stars
                ]
                if not rest:
                    carried += statement.leading_lines
                    continue
                if len(rest) < len(statement.body):
                    statement = statement.with_changes(body=_last_semicolon_removed(rest))
            if carried and isinstance(
                statement, cst.SimpleStatementLine | cst.BaseCompoundStatement
            ):
                statement = statement.with_changes(
                    leading_lines=[*carried, *statement.leading_lines]
                )
                carried = []
            body.append(statement)
        if not body:
            body.append(cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=carried))
            carried = []
        return updated_node.with_changes(body=body, footer=[*carried, *updated_node.footer])


def _last_semicolon_removed(
    statements: Sequence[cst.BaseSmallStatement],
) -> list[cst.BaseSmallStatement]:
    kept = list(statements)
    kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return kept
