"""Edits of Python source with libcst: the concrete syntax tree keeps every comment,
blank line and quote, so a fix changes only what it means to.

Findings locate code as the summaries saw it: a line, and a column counted in UTF-8
bytes from 1 (``ast``'s). :class:`Located` turns those into libcst positions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, ParentNodeProvider, PositionProvider

__all__ = [
    "Located",
    "closing_whitespace",
    "drop_elements",
    "insert_after_imports",
    "opening_whitespace",
    "parse",
    "with_closing_whitespace",
]

_Node = TypeVar("_Node", bound=cst.CSTNode)


def parse(data: bytes) -> cst.Module | None:
    """The module, or None when libcst cannot parse it (then no fix is made)."""
    try:
        return cst.parse_module(data)
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError, SyntaxError):
        return None


class Located:
    """A parsed module with the position and parent of each node."""

    def __init__(self, module: cst.Module) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.module = wrapper.module
        self.positions: dict[cst.CSTNode, CodeRange] = dict(wrapper.resolve(PositionProvider))
        self.parents: dict[cst.CSTNode, cst.CSTNode] = dict(wrapper.resolve(ParentNodeProvider))
        self._lines = self.module.code.splitlines()

    @classmethod
    def of(cls, data: bytes | None) -> Located | None:
        module = parse(data) if data is not None else None
        return cls(module) if module is not None else None

    def place(self, line: int, column: int) -> tuple[int, int]:
        """A finding's (line, 1-based UTF-8 byte column) as libcst's (line, character column)."""
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        prefix = text.encode("utf-8", "surrogatepass")[: max(column - 1, 0)]
        return line, len(prefix.decode("utf-8", "ignore"))

    def nodes_at(self, kind: type[_Node], line: int, column: int | None = None) -> list[_Node]:
        """The nodes of ``kind`` that start at ``line`` (and the finding's ``column``)."""
        wanted = self.place(line, column)[1] if column is not None else None
        return [
            node
            for node, where in self.positions.items()
            if isinstance(node, kind)
            and where.start.line == line
            and (wanted is None or where.start.column == wanted)
        ]

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.positions[node].start
        return where.line, where.column

    def ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        found: list[cst.CSTNode] = []
        while node in self.parents:
            node = self.parents[node]
            found.append(node)
        return found


def drop_elements(located: Located, places: Collection[tuple[int, int]]) -> bytes | None:
    """The module without the list or tuple elements that start at ``places`` (libcst
    positions), commas and layout kept right; None when one of them is not such an
    element."""
    dropper = _Dropper(located, set(places))
    module = located.module.visit(dropper)
    if dropper.dropped != dropper.wanted:
        return None
    return module.bytes


class _Dropper(cst.CSTTransformer):
    def __init__(self, located: Located, wanted: set[tuple[int, int]]) -> None:
        super().__init__()
        self.located = located
        self.wanted = wanted
        self.dropped: set[tuple[int, int]] = set()

    def _drop(self, original: cst.List | cst.Tuple, updated: _Node) -> _Node:
        assert isinstance(updated, cst.List | cst.Tuple)
        kept: list[cst.BaseElement] = []
        for before, after in zip(original.elements, updated.elements, strict=True):
            place = self.located.positions.get(before.value)
            if place is not None and (place.start.line, place.start.column) in self.wanted:
                self.dropped.add((place.start.line, place.start.column))
                continue
            kept.append(after)
        if len(kept) == len(original.elements):
            return updated
        sequence: cst.List | cst.Tuple = updated
        if not kept:
            return _emptied(sequence)  # type: ignore[return-value]
        if updated.elements[-1] is not kept[-1]:
            # the new last element ends the literal as the old last one did
            own = kept[-1].comma
            trailing = isinstance(updated.elements[-1].comma, cst.Comma)
            kept[-1] = kept[-1].with_changes(
                comma=cst.Comma(
                    whitespace_before=own.whitespace_before
                    if isinstance(own, cst.Comma)
                    else cst.SimpleWhitespace("")
                )
                if trailing
                else cst.MaybeSentinel.DEFAULT
            )
            closing = closing_whitespace(sequence)
            between = own.whitespace_after if isinstance(own, cst.Comma) else None
            if isinstance(between, cst.ParenthesizedWhitespace):
                # the line break after the new last element, with its comment, then the
                # indentation of the closing bracket
                last = (
                    closing.last_line
                    if isinstance(closing, cst.ParenthesizedWhitespace)
                    else cst.SimpleWhitespace("")
                )
                empty = (
                    closing.empty_lines if isinstance(closing, cst.ParenthesizedWhitespace) else []
                )
                sequence = with_closing_whitespace(
                    sequence,
                    between.with_changes(
                        empty_lines=[*between.empty_lines, *empty], last_line=last
                    ),
                )
        single = isinstance(sequence, cst.Tuple) and len(kept) == 1
        if single and not isinstance(kept[0].comma, cst.Comma):
            kept[0] = kept[0].with_changes(comma=cst.Comma())  # ("a",), not ("a")
        return sequence.with_changes(elements=kept)  # type: ignore[return-value]

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
        return self._drop(original_node, updated_node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.Tuple:
        return self._drop(original_node, updated_node)


def _emptied(sequence: cst.List | cst.Tuple) -> cst.List | cst.Tuple:
    if isinstance(sequence, cst.List):
        return sequence.with_changes(
            elements=[], lbracket=cst.LeftSquareBracket(), rbracket=cst.RightSquareBracket()
        )
    return sequence.with_changes(elements=[], lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def opening_whitespace(sequence: cst.List | cst.Tuple) -> cst.BaseParenthesizableWhitespace | None:
    """The whitespace after a literal's opening bracket (None: a tuple without parentheses)."""
    if isinstance(sequence, cst.List):
        return sequence.lbracket.whitespace_after
    return sequence.lpar[0].whitespace_after if sequence.lpar else None


def closing_whitespace(sequence: cst.List | cst.Tuple) -> cst.BaseParenthesizableWhitespace | None:
    """The whitespace before a literal's closing bracket (None: a tuple without parentheses)."""
    if isinstance(sequence, cst.List):
        return sequence.rbracket.whitespace_before
    return sequence.rpar[-1].whitespace_before if sequence.rpar else None


def with_closing_whitespace(
    sequence: cst.List | cst.Tuple, whitespace: cst.BaseParenthesizableWhitespace
) -> cst.List | cst.Tuple:
    if isinstance(sequence, cst.List):
        return sequence.with_changes(
            rbracket=sequence.rbracket.with_changes(whitespace_before=whitespace)
        )
    if not sequence.rpar:
        return sequence
    rpar = list(sequence.rpar)
    rpar[-1] = rpar[-1].with_changes(whitespace_before=whitespace)
    return sequence.with_changes(rpar=rpar)


def insert_after_imports(
    module: cst.Module,
    statements: Sequence[cst.SimpleStatementLine | cst.BaseCompoundStatement],
    *,
    blank_line: bool,
) -> cst.Module:
    """``statements`` after the module's leading docstring and imports (or at its top).
    ``blank_line``: the statements stand apart, with an empty line before and after."""
    body = list(module.body)
    position = 0
    for index, statement in enumerate(body):
        if _is_import_line(statement) or (index == 0 and _is_docstring(statement)):
            position = index + 1
            continue
        break
    new: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = list(statements)
    if blank_line and new and position > 0:
        new[0] = new[0].with_changes(leading_lines=[cst.EmptyLine(), *new[0].leading_lines])
    if blank_line and position < len(body) and not body[position].leading_lines:
        body[position] = body[position].with_changes(leading_lines=[cst.EmptyLine()])
    body[position:position] = new
    return module.with_changes(body=body)


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )
