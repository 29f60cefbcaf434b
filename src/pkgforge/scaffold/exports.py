"""Edit one package's literal ``__all__`` with libcst, leaving the rest of the file as it was.

Only a single, module-level ``__all__ = [...]`` (or tuple, or annotated) of plain
string literals is edited; anything the edit could get wrong is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pkgforge.checker.fix.exportlist import export_sort_key, render_all
from pkgforge.errors import UnsafeEditError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import libcst as cst

__all__ = ["export_sort_key", "insert_export", "render_all"]


def insert_export(source: str, name: str, *, where: str) -> str:
    """Return ``source`` with ``name`` added to its ``__all__``; unchanged if already there.

    ``where`` names the file in error messages. Raises :class:`UnsafeEditError`
    when ``__all__`` is not a literal that can be edited without guessing.
    """
    import libcst as cst

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as err:
        raise UnsafeEditError(
            f"{where} does not parse (line {err.raw_line}), so its __all__ cannot be edited",
            hint="fix the syntax error, then run the command again",
        ) from err
    target = _find_all_literal(module, where)
    if target is None:
        return _append_new_all(module, name, where)
    statement_index, sequence = target
    existing = _literal_names(sequence, where)
    if name in existing:
        return source
    updated = _with_name(sequence, name, existing)
    line = module.body[statement_index]
    assert isinstance(line, cst.SimpleStatementLine)
    new_line = line.deep_replace(sequence, updated)
    body = list(module.body)
    body[statement_index] = new_line  # type: ignore[assignment]
    return module.with_changes(body=body).code


def _refuse(where: str, why: str) -> UnsafeEditError:
    return UnsafeEditError(
        f"the __all__ of {where} {why}, so it cannot be edited safely",
        hint='make it one literal list of strings, e.g. __all__ = ["echo"], '
        "or add the name yourself",
    )


def _find_all_literal(module: cst.Module, where: str) -> tuple[int, cst.List | cst.Tuple] | None:
    """The index of the one statement ``__all__ = <literal>`` and the literal; None if absent."""
    import libcst as cst
    import libcst.matchers as m

    found: list[tuple[int, cst.List | cst.Tuple]] = []
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            value: cst.BaseExpression | None = None
            if isinstance(small, cst.Assign) and any(
                m.matches(t.target, m.Name("__all__")) for t in small.targets
            ):
                if len(small.targets) != 1:
                    raise _refuse(where, "is assigned together with other names")
                value = small.value
            elif isinstance(small, cst.AnnAssign) and m.matches(small.target, m.Name("__all__")):
                value = small.value
            else:
                continue
            if not isinstance(value, cst.List | cst.Tuple):
                raise _refuse(where, "is not a literal list or tuple")
            if len(statement.body) != 1:
                raise _refuse(where, "shares its line with other statements")
            found.append((index, value))
    occurrences = len(m.findall(module, m.Name("__all__")))
    if len(found) > 1:
        raise _refuse(where, "is assigned more than once")
    if occurrences > len(found):
        # __all__ += [...], __all__.extend(...), a conditional assignment...: the literal
        # would not be the whole story.
        raise _refuse(where, "is changed or computed somewhere else in the file")
    return found[0] if found else None


def _literal_names(sequence: cst.List | cst.Tuple, where: str) -> list[str]:
    import libcst as cst

    names: list[str] = []
    for element in sequence.elements:
        if not isinstance(element, cst.Element) or not isinstance(element.value, cst.SimpleString):
            raise _refuse(where, "has an entry that is not a plain string")
        value = element.value.evaluated_value
        if not isinstance(value, str):
            raise _refuse(where, "has a bytes entry")
        names.append(value)
    return names


def _with_name(
    sequence: cst.List | cst.Tuple, name: str, existing: Sequence[str]
) -> cst.List | cst.Tuple:
    import libcst as cst

    from pkgforge.checker.fix.pysource import closing_whitespace, with_closing_whitespace

    elements = list(sequence.elements)
    quote = _quote_of(sequence)
    new = cst.Element(value=cst.SimpleString(f"{quote}{name}{quote}"))
    if not elements:
        comma = cst.Comma() if isinstance(sequence, cst.Tuple) else cst.MaybeSentinel.DEFAULT
        return sequence.with_changes(elements=[new.with_changes(comma=comma)])
    separator = _separator(sequence)
    in_order = list(existing) == sorted(existing, key=export_sort_key)
    position = len(elements)
    if in_order:
        position = next(
            (i for i, old in enumerate(existing) if export_sort_key(name) < export_sort_key(old)),
            len(elements),
        )
    if position < len(elements):
        elements.insert(position, new.with_changes(comma=separator))
        return sequence.with_changes(elements=elements)
    # Appending: the old last element now needs a separator, and the new one inherits
    # the old trailing comma (or its absence). A comment after the old last element
    # stays with it.
    last = elements[-1]
    old_trailing = last.comma
    closing = closing_whitespace(sequence)
    last_separator = separator
    if isinstance(closing, cst.ParenthesizedWhitespace) and closing.first_line.comment:
        assert isinstance(separator.whitespace_after, cst.ParenthesizedWhitespace)
        last_separator = separator.with_changes(
            whitespace_after=separator.whitespace_after.with_changes(first_line=closing.first_line)
        )
        sequence = with_closing_whitespace(
            sequence, closing.with_changes(first_line=cst.TrailingWhitespace())
        )
    elements[-1] = last.with_changes(comma=last_separator)
    elements.append(new.with_changes(comma=old_trailing))
    return sequence.with_changes(elements=elements)


def _quote_of(sequence: cst.List | cst.Tuple) -> str:
    import libcst as cst

    for element in sequence.elements:
        if isinstance(element.value, cst.SimpleString):
            return element.value.quote[0] if element.value.quote else '"'
    return '"'


def _separator(sequence: cst.List | cst.Tuple) -> cst.Comma:
    """A comma between two entries, in the layout the literal already uses (no comment)."""
    import libcst as cst

    from pkgforge.checker.fix.pysource import opening_whitespace

    for element in sequence.elements[:-1]:
        comma = element.comma
        if isinstance(comma, cst.Comma):
            after = comma.whitespace_after
            if isinstance(after, cst.ParenthesizedWhitespace):
                return cst.Comma(
                    whitespace_after=after.with_changes(
                        first_line=cst.TrailingWhitespace(), empty_lines=[]
                    )
                )
            return cst.Comma(whitespace_after=after)
    opening = opening_whitespace(sequence)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(
            whitespace_after=opening.with_changes(
                first_line=cst.TrailingWhitespace(), empty_lines=[]
            )
        )
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _append_new_all(module: cst.Module, name: str, where: str) -> str:
    """No ``__all__`` yet: add one, but only where that cannot hide public names."""
    import libcst as cst

    public = _public_bindings(module)
    if public:
        raise UnsafeEditError(
            f"{where} has no __all__ but defines public names ({', '.join(sorted(public))}); "
            "adding one would hide them from 'import *'",
            hint="add an __all__ that lists them, then run the command again",
        )
    statement = cst.parse_statement(render_all([name]))
    body = [*module.body, statement]
    return module.with_changes(body=body).code


def _public_bindings(module: cst.Module) -> set[str]:
    import libcst as cst

    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            names.add(target.target.value)
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names.add(small.target.value)
                elif isinstance(small, cst.Import | cst.ImportFrom) and not (
                    isinstance(small.names, cst.ImportStar) or _is_future(small)
                ):
                    for alias in small.names:
                        bound = alias.asname.name if alias.asname else alias.name
                        if isinstance(bound, cst.Name):
                            names.add(bound.value)
        else:
            # if/try/with blocks may bind anything: treat them as public to stay safe
            names.add(f"<{type(statement).__name__} block>")
    return {n for n in names if not n.startswith("_")}


def _is_future(statement: cst.Import | cst.ImportFrom) -> bool:
    import libcst as cst

    return (
        isinstance(statement, cst.ImportFrom)
        and isinstance(statement.module, cst.Name)
        and statement.module.value == "__future__"
    )
