"""What a ``sys.modules[key] = ...`` may name, read from its key.

A module made at run time is a blind spot of the check, and a blind spot stays local
(DESIGN.md "Severity"): it covers what the key can name, no more. The summariser writes
each key in one of the forms of
:attr:`~pkgforge.checker.summary.ModuleSummary.module_writes` (:func:`module_key`,
:func:`parameter_key`) and each call's readable arguments in the same forms
(:func:`handed_key`); the import graph makes them absolute (:func:`absolute`) and reads a
parameter key through the calls that pass it (:func:`parameter`, :func:`passed`).
"""

from __future__ import annotations

import ast
from typing import NamedTuple

__all__ = [
    "ANY_BELOW",
    "Parameter",
    "absolute",
    "handed_key",
    "may_name_any",
    "module_key",
    "parameter",
    "parameter_key",
    "passed",
]

ANY_BELOW = ".*"
"""The end of a key that names any module below its prefix (``"pkg.plugins.*"``)."""
_PARAMETER = "parameter"
_LOADER = "loader"
# what a path of the package's own files is built from
_OWN_LOCATION = frozenset({"__file__", "__path__", "__spec__", "__package__", "__name__"})


class Parameter(NamedTuple):
    """A key that is a parameter of the function that writes it."""

    loads_a_file: bool
    """The module written is made from a file location that is not the package's own:
    a loader of the user's code, which names no module of the package by itself."""
    position: int
    """Where a call passes it (after ``self`` for a method); -1: by keyword only."""
    name: str
    function: str
    """The function's qualified name in its module (``Hooks.load``)."""

    @property
    def callee(self) -> str:
        """The name its callers call it by, its last part."""
        return self.function.rpartition(".")[2]


def module_key(key: ast.expr) -> str:
    """The key of a ``sys.modules`` write as ``ModuleSummary.module_writes`` holds it
    (a parameter of the enclosing function is :func:`parameter_key`'s); ``""`` when it
    cannot be read."""
    return _key(key, any_literal=True)


def handed_key(argument: ast.expr) -> str:
    """A call's argument as a ``sys.modules`` key, ``""`` unless it plainly is one: a
    dotted literal (``"pkg.plugins.x"``, not any string), or ``__name__`` and what is
    added to it."""
    if type(argument) is ast.Constant:  # the common case, answered at once
        value = argument.value
        return value if isinstance(value, str) and "." in value and _is_dotted(value) else ""
    if type(argument) is ast.Name:
        return "." if argument.id == "__name__" else ""
    return _key(argument, any_literal=False)


def _key(key: ast.expr, *, any_literal: bool) -> str:
    pieces = _pieces(key)
    head = pieces[0]
    relative = type(head) is ast.Name and head.id == "__name__"
    text: list[str] = []
    computed = False
    for piece in pieces[1:] if relative else pieces:
        if type(piece) is ast.Constant and isinstance(piece.value, str):
            text.append(piece.value)
        else:
            computed = True
            break
    literal = "".join(text)
    if relative:
        if not literal:
            return ANY_BELOW if computed else "."
        if not literal.startswith("."):
            return ""  # `__name__ + "_compat"`: a sibling's name, not one below
        if not computed:
            return literal
        return literal[: literal.rfind(".")] + ANY_BELOW
    if not text:
        return ""
    if computed:
        prefix = literal[: literal.rfind(".")] if "." in literal else ""
        return prefix + ANY_BELOW if _is_dotted(prefix) else ""
    if any_literal:
        return literal
    return literal if "." in literal and _is_dotted(literal) else ""


def _pieces(key: ast.expr) -> list[ast.expr]:
    """The operands of ``a + b + c`` or the parts of an f-string, in order; else ``[key]``.
    Iterative: generated code can chain thousands of ``+``."""
    if type(key) is ast.JoinedStr:
        return [
            v.value if type(v) is ast.FormattedValue and v.conversion == -1 else v
            for v in key.values
        ]
    if type(key) is not ast.BinOp or type(key.op) is not ast.Add:
        return [key]
    found: list[ast.expr] = []
    node: ast.expr = key
    while isinstance(node, ast.BinOp) and type(node.op) is ast.Add:
        found.append(node.right)
        node = node.left
    found.append(node)
    found.reverse()
    return found


def _is_dotted(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def parameter_key(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    qualname: str,
    *,
    method: bool,
    key: ast.expr,
    value: ast.expr | None,
) -> str:
    """The key of ``sys.modules[key] = value`` in ``function`` when ``key`` is one of its
    parameters, as ``ModuleSummary.module_writes`` holds it; ``""`` otherwise, or when
    what its callers pass cannot be read (the function rebinds it, or is a method or
    decorated, unless it loads a file that is not the package's)."""
    if type(key) is not ast.Name:
        return ""
    name = key.id
    arguments = function.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    decorators = {_last_name(d) for d in function.decorator_list}
    if name in positional:
        position = positional.index(name)
        if method and "staticmethod" not in decorators:
            position -= 1  # a call through the instance or class passes `self`/`cls`
        if position < 0:
            return ""
    elif name in (a.arg for a in arguments.kwonlyargs):
        position = -1
    else:
        return ""
    if _rebinds(function, name):
        return ""
    loads = _loads_a_file(function, value)
    if not loads and (method or decorators):
        # a method is called through objects, and handed on as one (`map(obj.load, ...)`),
        # a decorated function by what decorates it: their callers are not all seen
        return ""
    kind = _LOADER if loads else _PARAMETER
    return f"{kind}:{position}:{name}:{qualname}"


def parameter(key: str) -> Parameter | None:
    """The parameter a key of :func:`parameter_key` names; None for any other key."""
    kind, _, rest = key.partition(":")
    if kind not in (_PARAMETER, _LOADER):
        return None
    position, name, function = rest.split(":", 2)
    return Parameter(kind == _LOADER, int(position), name, function)


def may_name_any(key: str) -> bool:
    """Whether a key may name any module, as far as the module that writes it shows."""
    return not key or parameter(key) is not None


def absolute(module: str, key: str) -> str:
    """``key``, written in ``module``, with ``__name__`` made ``module``'s name."""
    if not key.startswith("."):
        return key
    if key == ".":
        return module
    return module + key


def passed(
    positional: tuple[str, ...], keywords: tuple[tuple[str, str], ...], at: Parameter
) -> str:
    """What a call passes for the parameter ``at`` (a key, ``""`` when it cannot be read
    or the call leaves it to its default)."""
    if 0 <= at.position < len(positional):
        return positional[at.position]
    return next((key for name, key in keywords if name == at.name), "")


def _last_name(node: ast.expr) -> str:
    if type(node) is ast.Call:
        node = node.func
    if type(node) is ast.Attribute:
        return node.attr
    return node.id if type(node) is ast.Name else ""


def _rebinds(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return any(
        type(node) is ast.Name and node.id == name and type(node.ctx) is not ast.Load
        for node in ast.walk(function)
    )


def _assigned(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[ast.expr]:
    """The values ``name = ...`` binds in ``function``."""
    return [
        node.value
        for node in ast.walk(function)
        if type(node) is ast.Assign
        and len(node.targets) == 1
        and type(node.targets[0]) is ast.Name
        and node.targets[0].id == name
    ]


def _values(function: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.expr) -> list[ast.expr]:
    """``value``, or what a local name it is was bound to (``[]``: not bound here)."""
    if type(value) is ast.Name:
        return _assigned(function, value.id)
    return [value]


def _calls(values: list[ast.expr], callee: str) -> list[ast.Call] | None:
    """``values`` when each is a call of a function named ``callee``; else None."""
    if not values:
        return None
    found = []
    for value in values:
        if type(value) is not ast.Call or _last_name(value.func) != callee:
            return None
        found.append(value)
    return found


def _loads_a_file(function: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.expr | None) -> bool:
    """Whether ``value`` is a module made from a file location that is not built from the
    package's own (``module_from_spec(spec_from_file_location(name, path))``)."""
    if value is None:
        return False
    made = _calls(_values(function, value), "module_from_spec")
    if made is None:
        return False
    for call in made:
        if not call.args:
            return False
        specs = _calls(_values(function, call.args[0]), "spec_from_file_location")
        if specs is None:
            return False
        for spec in specs:
            location = spec.args[1] if len(spec.args) > 1 else None
            location = location or next(
                (k.value for k in spec.keywords if k.arg == "location"), None
            )
            if location is None or _is_own_location(function, location, set()):
                return False
    return True


def _is_own_location(
    function: ast.FunctionDef | ast.AsyncFunctionDef, path: ast.expr, seen: set[str]
) -> bool:
    """Whether ``path`` (or a local name it reads, followed) is built from the package's
    own location (``__file__``, ``__path__``...)."""
    for node in ast.walk(path):
        if type(node) is ast.Name:
            if node.id in _OWN_LOCATION:
                return True
            if node.id not in seen:
                seen.add(node.id)
                if any(_is_own_location(function, v, seen) for v in _assigned(function, node.id)):
                    return True
        elif type(node) is ast.Attribute and node.attr in _OWN_LOCATION:
            return True
    return False
