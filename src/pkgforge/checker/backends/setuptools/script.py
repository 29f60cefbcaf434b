"""setup.py (through its syntax tree, never run) and setup.cfg: what every reader shares.

Three readers look at them (discovery's packages, the build facts' extension
modules, the declared dependencies). They must agree on what "a literal
argument" is, or one of them trusts a value another knows to be computed; so
the parses, the module-level bindings, the one ``setup(...)`` call and the
following of names through bindings live here, once.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "SetupScript",
    "call_name",
    "cfg_list",
    "parse_setup_cfg",
    "parse_setup_script",
    "resolve",
    "setup_keywords",
]

_MAX_DEPTH = 8  # `A = B; B = C; ...`: deeper chains are not worth following


class SetupScript(NamedTuple):
    tree: ast.Module
    # Module-level names bound exactly once, by a plain ``NAME = value``; None for a
    # name bound any other way too (rebound, augmented, in a loop, unpacked, imported).
    bindings: Mapping[str, ast.expr | None]
    # The one ``setup(...)`` call; None when there is none or several (which one runs
    # is decided at run time, so none of them is known).
    setup_call: ast.Call | None
    setup_calls: int


def parse_setup_script(data: bytes | str) -> SetupScript | None:
    """The script's syntax tree and bindings, or None when it does not parse.

    Cached by content: one check run reads the same setup.py from three places.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    return _parse(data)


@lru_cache(maxsize=4)
def _parse(data: str) -> SetupScript | None:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and call_name(node.func) == "setup"
    ]
    return SetupScript(
        tree=tree,
        bindings=_bindings(tree),
        setup_call=calls[0] if len(calls) == 1 else None,
        setup_calls=len(calls),
    )


def setup_keywords(script: SetupScript) -> tuple[dict[str, ast.expr], bool]:
    """The keyword arguments of the one ``setup(...)`` call, and whether they are all of them.

    ``setup(**NAME)`` is expanded when NAME is bound once to a dict display with string
    keys or to ``dict(key=value, ...)``, and the script uses NAME nowhere else (so
    nothing can change it before the call); any other ``**`` leaves them incomplete.
    """
    call = script.setup_call
    if call is None:
        return {}, not script.setup_calls
    found: dict[str, ast.expr] = {}
    complete = True
    for keyword in call.keywords:
        if keyword.arg is not None:
            found[keyword.arg] = keyword.value
            continue
        items = _dict_items(keyword.value, script)
        if items is None:
            complete = False
        else:
            found.update(items)
    return found, complete


def _dict_items(node: ast.expr, script: SetupScript) -> dict[str, ast.expr] | None:
    if isinstance(node, ast.Name):
        uses = sum(
            1
            for n in ast.walk(script.tree)
            if isinstance(n, ast.Name) and n.id == node.id and isinstance(n.ctx, ast.Load)
        )
        value = script.bindings.get(node.id)
        if uses != 1 or value is None:
            return None
        node = value
    if isinstance(node, ast.Dict):
        items: dict[str, ast.expr] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            items[key.value] = value
        return items
    if (
        isinstance(node, ast.Call)
        and call_name(node.func) == "dict"
        and not node.args
        and all(k.arg is not None for k in node.keywords)
    ):
        return {k.arg: k.value for k in node.keywords if k.arg is not None}
    return None


def call_name(func: ast.expr) -> str:
    """``setup`` for ``setup(...)`` and ``setuptools.setup(...)``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def resolve(node: ast.expr | None, bindings: Mapping[str, ast.expr | None]) -> ast.expr | None:
    """``node`` with names followed through their one binding; None when a name has none."""
    for _ in range(_MAX_DEPTH):
        if not isinstance(node, ast.Name):
            return node
        node = bindings.get(node.id)
    return None


def parse_setup_cfg(data: bytes | str) -> Mapping[str, Mapping[str, str]] | None:
    """setup.cfg's sections (keys lower-cased, as setuptools reads them); None when it
    does not parse. setuptools tolerates repeated keys, so this does too."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    return _parse_cfg(data)


@lru_cache(maxsize=4)
def _parse_cfg(data: str) -> Mapping[str, Mapping[str, str]] | None:
    import configparser

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(data)
    except configparser.Error:
        return None
    return {name: dict(parser.items(name)) for name in parser.sections()}


def cfg_list(value: str) -> list[str]:
    """A setup.cfg list value: items separated by commas or newlines."""
    return [part.strip() for line in value.splitlines() for part in line.split(",") if part.strip()]


def _bindings(tree: ast.Module) -> dict[str, ast.expr | None]:
    values: dict[str, ast.expr | None] = {}
    for statement, nested in _module_statements(tree.body, nested=False):
        plain = (
            not nested
            and isinstance(statement, ast.Assign)
            and all(isinstance(target, ast.Name) for target in statement.targets)
        )
        for name in _bound_names(statement):
            if plain and name not in values:
                values[name] = statement.value  # type: ignore[attr-defined]
            else:
                values[name] = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            values.update(dict.fromkeys(node.names))  # a function rebinds it when called
    return values


def _module_statements(body: list[ast.stmt], *, nested: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Every statement that runs in the module's namespace; ``nested`` when it sits in a
    branch, loop, ``with`` or ``try`` (so it may or may not run, or run many times)."""
    for statement in body:
        yield statement, nested
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                yield from _module_statements(inner, nested=True)
        for handler in getattr(statement, "handlers", ()):
            yield from _module_statements(handler.body, nested=True)
        for case in getattr(statement, "cases", ()):
            yield from _module_statements(case.body, nested=True)


def _bound_names(statement: ast.stmt) -> Iterator[str]:
    """The module-level names a statement (re)binds."""
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor):
        targets = [statement.target]
    elif isinstance(statement, ast.With | ast.AsyncWith):
        targets = [item.optional_vars for item in statement.items if item.optional_vars]
    elif isinstance(statement, ast.Import | ast.ImportFrom):
        for alias in statement.names:
            yield (alias.asname or alias.name).partition(".")[0]
        return
    elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield statement.name
        return
    elif isinstance(statement, ast.Delete):
        targets = statement.targets
    elif isinstance(statement, ast.Expr):
        # `packages.append("extra")`: the bound value is not what the script passes
        call = statement.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            targets = [call.func.value]
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                yield node.id
