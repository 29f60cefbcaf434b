"""Where a module writes its own namespace at run time, in ways no statement shows.

``globals()[name] = value``, ``globals().update(...)``, ``locals()[name] = ...`` at module
level (where ``locals()`` is the module's namespace), ``globals()`` handed to a function
(``exec(source, globals())``, ``_fill(globals())``), ``sys.modules[__name__]`` replaced or
written through: after any of these the module's names cannot be listed, so no rule may
say that one is missing (DESIGN.md, "What cannot be read is not absent").

A read is not a write: ``list(globals())`` in a ``__dir__``, ``globals().get(name)``,
``name in globals()``, ``for key in globals():``. Only the source that mentions one of
these calls is walked (a byte search finds them); every use the walk cannot classify
counts as a write, so a doubt only makes the rules more cautious.
"""

from __future__ import annotations

import ast

from pkgforge._patterns import LazyPattern

__all__ = ["MENTIONS", "find_namespace_write"]

MENTIONS = (b"globals()", b"locals()", b"vars()", b"sys.modules[")
"""Byte strings that a source must hold for :func:`find_namespace_write` to find anything."""

# ``sys.modules[__name__]`` replaced, or written through (an attribute, its ``__dict__``,
# ``setattr``): read from the bytes, as the statement reads.
_MODULE_ITSELF = LazyPattern(
    rb"sys\.modules\[__name__\]\s*(?:=(?!=)|\.\w+\s*=(?!=)|\.__dict__)"
    rb"|setattr\(\s*sys\.modules\[__name__\]"
)
_WRITING_METHODS = frozenset(
    {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}
)
_READING_METHODS = frozenset(
    {"get", "keys", "items", "values", "copy", "__contains__", "__getitem__", "__len__"}
)
# Functions that only read the mapping handed to them.
_READERS = frozenset(
    {
        "list", "sorted", "set", "frozenset", "tuple", "dict", "len", "iter", "enumerate",
        "repr", "str", "print", "any", "all", "sum", "min", "max", "reversed", "filter",
        "map", "id", "type", "isinstance", "hasattr", "bool", "zip",
    }
)  # fmt: skip
_NAMESPACE_CALLS = frozenset({"globals", "locals", "vars"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def find_namespace_write(source: bytes, tree: ast.Module) -> tuple[int, str] | None:
    """The first statement of ``source`` that writes the module's namespace at run time:
    (line, what it does, as written); None when there is none."""
    found: list[tuple[int, str]] = []
    itself = _MODULE_ITSELF.search(source)
    if itself is not None:
        line = source.count(b"\n", 0, itself.start()) + 1
        found.append((line, itself.group(0).decode("utf-8", "replace").strip("(,= \t")))
    if b"globals()" in source or b"locals()" in source or b"vars()" in source:
        write = _Walker().first_write(tree)
        if write is not None:
            found.append(write)
    return min(found) if found else None


class _Walker:
    """Finds the uses of ``globals()`` (anywhere) and of ``locals()``/``vars()`` (at module
    level, where they are the module's namespace) and tells writes from reads."""

    def first_write(self, tree: ast.Module) -> tuple[int, str] | None:
        # (node, parent, inside a function or class body)
        stack: list[tuple[ast.AST, ast.AST | None, bool]] = [(tree, None, False)]
        writes: list[tuple[int, str]] = []
        while stack:
            node, parent, nested = stack.pop()
            if type(node) is ast.Call and self._namespace_call(node, nested):
                assert isinstance(node, ast.Call)
                what = self._write(node, parent)
                if what is not None:
                    writes.append((node.lineno, what))
            inner = nested or isinstance(node, _SCOPES)
            stack.extend((child, node, inner) for child in ast.iter_child_nodes(node))
        return min(writes) if writes else None

    @staticmethod
    def _namespace_call(call: ast.Call, nested: bool) -> bool:
        func = call.func
        if type(func) is not ast.Name or func.id not in _NAMESPACE_CALLS or call.args:
            return False
        # in a function or class body, `locals()` and `vars()` are that body's own
        return func.id == "globals" or not nested

    @staticmethod
    def _write(call: ast.Call, parent: ast.AST | None) -> str | None:
        """What the use of the namespace does, as written, when it may write; None for a
        read."""
        name = f"{call.func.id}()"  # type: ignore[attr-defined]
        if isinstance(parent, ast.Subscript) and parent.value is call:
            return None if type(parent.ctx) is ast.Load else f"{name}[...] = ..."
        if isinstance(parent, ast.Attribute) and parent.value is call:
            if parent.attr in _READING_METHODS:
                return None
            return f"{name}.{parent.attr}" if parent.attr in _WRITING_METHODS else name
        if isinstance(parent, ast.Call) and call in parent.args:
            func = parent.func
            if type(func) is ast.Name and func.id in _READERS:
                return None
            return name  # handed to a function that may write it (`exec`, a helper)
        if isinstance(parent, ast.Compare) and call in parent.comparators:
            return None  # `name in globals()`
        if isinstance(parent, ast.For | ast.AsyncFor | ast.comprehension) and parent.iter is call:
            return None
        if isinstance(parent, ast.Starred | ast.BinOp | ast.Expr):
            return None
        return name
