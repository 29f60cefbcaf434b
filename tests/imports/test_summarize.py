"""Unit tests for the per-file summariser: every ModuleSummary field, and hostile input."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkgforge.checker.certainty import Reach
from pkgforge.checker.summarize import summarize_source
from pkgforge.checker.summary import ImportScope, ModuleSummary


def summary(text: str, **kwargs: object) -> ModuleSummary:
    return summarize_source(textwrap.dedent(text).encode(), **kwargs)  # type: ignore[arg-type]


def test_bindings_in_first_binding_order_with_lines() -> None:
    result = summary(
        """\
        import os.path, json as j
        from . import a, b as c
        x = y = 1
        (p, [q, *r]) = 1, [2, 3]
        def f():
            global g
            local = 1
        class K:
            inner = 1
        for i in ():
            pass
        with open("f") as fh:
            pass
        try:
            pass
        except Exception as err:
            pass
        x = 2
        if (w := 3):
            pass
        n: int
        m: int = 1
        """
    )
    got = [(b.name, b.line) for b in result.bindings]
    assert got == [
        ("os", 1), ("j", 1), ("a", 2), ("c", 2), ("x", 3), ("y", 3), ("p", 4), ("q", 4),
        ("r", 4), ("f", 5), ("g", 6), ("K", 8), ("i", 10), ("fh", 12), ("err", 16),
        ("w", 19), ("n", 21), ("m", 22),
    ]  # fmt: skip
    assert "local" not in result.bound_names
    assert "inner" not in result.bound_names
    # an annotation alone binds nothing itself, but says that something else binds the
    # name (a helper writing the module's globals): bound on some paths, not absent
    (n,) = [b for b in result.bindings if b.name == "n"]
    assert n.reach is Reach.SOMETIMES


def test_type_checking_imports_bind_nothing_at_runtime() -> None:
    result = summary(
        """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from x import T
        else:
            U = 1
        """
    )
    assert result.bound_names == {"TYPE_CHECKING", "U"}
    assert result.imports[1].scope is ImportScope.TYPE_CHECKING


@pytest.mark.parametrize(
    ("code", "scope", "in_function", "in_class", "optional"),
    [
        ("import a", ImportScope.MODULE, False, False, False),
        ("def f():\n    import a", ImportScope.FUNCTION, True, False, False),
        ("async def f():\n    import a", ImportScope.FUNCTION, True, False, False),
        ("class C:\n    import a", ImportScope.CLASS, False, True, False),
        ("class C:\n    def m(self):\n        import a", ImportScope.FUNCTION, True, True, False),
        ("if TYPE_CHECKING:\n    import a", ImportScope.TYPE_CHECKING, False, False, False),
        ("if typing.TYPE_CHECKING:\n    import a", ImportScope.TYPE_CHECKING, False, False, False),
        ("try:\n    import a\nexcept ImportError:\n    a = None", ImportScope.OPTIONAL, False, False, True),
        ("try:\n    import a\nexcept (KeyError, ModuleNotFoundError):\n    pass", ImportScope.OPTIONAL, False, False, True),
        ("try:\n    import a\nexcept:\n    pass", ImportScope.OPTIONAL, False, False, True),
        ("try:\n    import a\nexcept KeyError:\n    pass", ImportScope.MODULE, False, False, False),
        ("try:\n    pass\nexcept ImportError:\n    import a", ImportScope.MODULE, False, False, False),
        ("with suppress(ImportError):\n    import a", ImportScope.OPTIONAL, False, False, True),
        ("def f():\n    try:\n        import a\n    except ImportError:\n        pass", ImportScope.FUNCTION, True, False, True),
        ("if __name__ == '__main__':\n    import a", ImportScope.FUNCTION, False, False, False),
        ("if sys.version_info >= (3, 11):\n    import a", ImportScope.MODULE, False, False, False),
    ],
)  # fmt: skip
def test_import_scopes(
    code: str, scope: ImportScope, in_function: bool, in_class: bool, optional: bool
) -> None:
    (info,) = summary(code).imports
    assert (info.scope, info.in_function, info.in_class, info.optional) == (
        scope,
        in_function,
        in_class,
        optional,
    )


def test_import_shapes() -> None:
    imports = summary(
        """\
        import a.b as c, d.e
        from .. import x, y as z
        from .m import *
        from pkg.sub import name
        """
    ).imports
    shapes = [(i.module, i.names, i.level, i.is_from, i.line, i.column, i.bound) for i in imports]
    assert shapes == [
        ("a.b", (), 0, False, 1, 1, ("c",)),
        ("d.e", (), 0, False, 1, 1, ("d",)),
        ("", ("x", "y"), 2, True, 2, 1, ("x", "z")),
        ("m", ("*",), 1, True, 3, 1, ()),
        ("pkg.sub", ("name",), 0, True, 4, 1, ("name",)),
    ]


def test_literal_all_with_extensions() -> None:
    info = summary(
        """\
        __all__ = ["a", 'b']
        __all__ += ("c",)
        __all__.extend(["d"])
        __all__.append("e")
        """
    ).all
    assert info is not None
    assert info.is_literal
    assert (info.line, info.column) == (1, 1)
    assert [(e.value, e.line) for e in info.entries] == [
        ("a", 1), ("b", 1), ("c", 2), ("d", 3), ("e", 4),
    ]  # fmt: skip


def test_annotated_all_and_non_string_entries() -> None:
    info = summary('__all__: list[str] = ["a", f, 3]\n').all
    assert info is not None
    assert not info.is_literal  # `f` may hold any string: the list is not known
    assert [e.value for e in info.entries] == ["a", None, None]
    assert [e.unknown for e in info.entries] == [False, True, False]  # 3 is PF304, f is not
    assert [e.column for e in info.entries] == [23, 28, 31]


def test_all_entries_that_name_variables_are_resolved() -> None:
    info = summary(
        """\
        NAME = "value"
        def func(): pass
        __all__ = [NAME, func, other]
        """
    ).all
    assert info is not None
    assert [(e.value, e.unknown) for e in info.entries] == [
        ("value", False),  # the module binds it to a string
        (None, False),  # a function object: a proven non-string (PF304)
        (None, True),  # anything
    ]


@pytest.mark.parametrize(
    "code",
    [
        "__all__ = base.__all__ + ['x']",
        "__all__ = ['x']\n__all__ += other.__all__",
        "__all__ = [n for n in dir()]",
        "__all__ = ['x']\n__all__.remove('x')",
    ],
)
def test_dynamic_all(code: str) -> None:
    info = summary(code).all
    assert info is not None
    assert not info.is_literal


def test_no_all() -> None:
    assert summary("x = 1\n").all is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import sys\nsys.path.insert(0, 'x')", ((2, 1),)),
        ("import sys\nsys.path.append('x')", ((2, 1),)),
        ("import sys\nsys.path.extend(['x'])", ((2, 1),)),
        ("import sys\nsys.path = []", ((2, 1),)),
        ("import sys\nsys.path[:0] = ['x']", ((2, 1),)),
        ("import sys\nsys.path += ['x']", ((2, 1),)),
        ("import sys as s\ndef f():\n    s.path.insert(0, 'x')", ((3, 5),)),
        ("import sys\nprint(sys.path)", ()),
        ("os.path.join('a')", ()),
    ],
)
def test_sys_path_mutations(code: str, expected: tuple[tuple[int, int], ...]) -> None:
    assert summary(code).sys_path_mutations == expected


def test_module_getattr_version_docstring_and_line_count() -> None:
    result = summary(
        '''\
        """Docs."""
        __version__ = "1.2.3"
        __version__ = "9"
        def __getattr__(name):
            raise AttributeError(name)
        '''
    )
    assert result.has_docstring
    assert (result.version, result.version_line) == ("1.2.3", 2)
    assert result.has_module_getattr
    assert result.line_count == 5
    bare = summary("x = 1")
    assert not bare.has_docstring
    assert not bare.has_module_getattr
    assert bare.version is None
    assert bare.line_count == 1


def test_getattr_bound_by_assignment_counts() -> None:
    # lazy_loader.attach() returns (__getattr__, __dir__, __all__)
    result = summary("__getattr__, __dir__, __all__ = lazy.attach(__name__, ['a'])\n")
    assert result.has_module_getattr
    assert result.all is not None
    assert not result.all.is_literal


def test_suppressions() -> None:
    result = summary(
        """\
        from x import *  # pkgforge: ignore[PF402]
        import y  # pkgforge: ignore[pf403, PF404]
        import z  # pkgforge: ignore
        import w  # pkgforge: nothing
        """
    )
    assert result.suppressions == ((1, ("PF402",)), (2, ("PF403", "PF404")), (3, ()))


def test_suppressions_survive_a_syntax_error() -> None:
    result = summarize_source(b"print b,  # pkgforge: ignore[PF410]\n")
    assert result.problem is not None
    assert result.suppressions == ((1, ("PF410",)),)


@pytest.mark.parametrize(
    ("source", "fragment", "line"),
    [
        (b"def fib(n):\n    print b,\n", "syntax error", 2),
        (b"x = 1\x00\n", "null bytes", 1),
        (b"x = '\xff\xfe'\n", "decode", 1),
        (b"# -*- coding: no-such-codec -*-\nx = 1\n", "", 1),
        (b"x = " + b"(" * 300 + b")" * 300, "", 1),
        (b"x = " + b"-" * 200_000 + b"1", "nested too deeply", 1),
        (b"def f(:\n", "syntax error", 1),
    ],
)
def test_hostile_input_becomes_a_problem(source: bytes, fragment: str, line: int) -> None:
    result = summarize_source(source)
    assert result.problem is not None
    assert fragment in result.problem.message
    assert result.problem.line == line
    assert result.bindings == ()


def test_coding_cookie_is_honoured() -> None:
    result = summarize_source(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n__all__ = ['name']\n")
    assert result.problem is None
    assert result.bound_names == {"name", "__all__"}


def test_empty_file() -> None:
    result = summarize_source(b"")
    assert result == ModuleSummary()


def test_feature_version_tells_newer_syntax_from_broken_syntax() -> None:
    match = b"match x:\n    case 1:\n        import a\n"
    newer = summarize_source(match, feature_version=(3, 8))
    assert newer.problem is not None
    assert "needs a newer Python than requires-python allows (3.8)" in newer.problem.message
    assert newer.problem.line in {2, 3}  # the `match` or its `case`, by Python version
    assert [i.module for i in newer.imports] == ["a"]  # still summarised
    assert summarize_source(match, feature_version=(3, 10)).problem is None
    broken = summarize_source(b"print b,\n", feature_version=(3, 8))
    assert broken.problem is not None
    assert broken.problem.message.startswith("syntax error")


def test_feature_version_older_than_the_parser_supports_is_clamped() -> None:
    assert summarize_source(b"x = 1\n", feature_version=(3, 0)).problem is None


def test_warnings_are_not_errors() -> None:
    # invalid escape: a SyntaxWarning, which ``-W error`` (our pytest config) would raise
    assert summarize_source(b"x = '\\d'\n").problem is None


def test_summarize_wrapper_passes_feature_version() -> None:
    result = summarize_source(b"match x:\n    case 1: pass\n", feature_version=(3, 9))
    assert result.problem is not None
    assert "newer Python" in result.problem.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_on_random_bytes(source: bytes) -> None:
    assert isinstance(summarize_source(source), ModuleSummary)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("()[]{}:=.,*#\\'\" \nabcdefimportfrsy_0")), max_size=200)
)
def test_never_raises_on_python_like_text(text: str) -> None:
    assert isinstance(summarize_source(text.encode()), ModuleSummary)


@pytest.mark.parametrize(
    ("code", "parts", "composed", "values"),
    [
        ("__all__ = a.__all__ + names_all + ['x']", ("a", "names_all"), True, ["x"]),
        ("__all__ = ['y']\n__all__ += m.n.__all__", ("m.n",), True, ["y"]),
        ("__all__ = ['q']\n__all__ = __all__ + ['r']", (), True, ["q", "r"]),
        ("__all__ = ['q']\n__all__ = other + ['r']", ("other",), True, ["r"]),
        ("__all__ = f()", (), False, []),
        ("__all__ = a.__all__ + f()", (), False, []),
        ("__all__ = ['a']\n__all__.remove('a')", (), False, ["a"]),
        ("__all__ = " + " + ".join(["['x']"] * 500), (), True, ["x"] * 500),
    ],
)
def test_composed_all(code: str, parts: tuple[str, ...], composed: bool, values: list[str]) -> None:
    result = summarize_source(code.encode())
    assert result.problem is None
    info = result.all
    assert info is not None
    assert not info.is_literal
    assert (info.parts, info.composed) == (parts, composed)
    if composed:
        assert [e.value for e in info.entries] == values


def test_literal_all_is_not_composed() -> None:
    info = summary("__all__ = ['a']\n").all
    assert info is not None
    assert (info.is_literal, info.composed, info.parts) == (True, False, ())


@pytest.mark.parametrize(
    ("code", "dynamic"),
    [
        ("globals()['x'] = 1", True),
        ("globals().update(vars(other))", True),
        ("import sys\nsys.modules[__name__] = _LazyModule(__name__)", True),
        ("x = 1", False),
        ("print(sys.modules[__name__])", False),
    ],
)
def test_dynamic_namespace(code: str, dynamic: bool) -> None:
    assert summary(code).dynamic_namespace is dynamic


@pytest.mark.parametrize(
    ("code", "reason", "line"),
    [
        ("x = 1\nglobals()['y'] = 2", "globals()[...] = ...", 2),
        ("for k in NAMES:\n    locals()[k] = 1", "locals()[...] = ...", 2),
        ("vars()['k'] = 1", "vars()[...] = ...", 1),
        ("def setup():\n    globals().setdefault('k', 1)", "globals().setdefault", 2),
        ("globals().update(vars(other))", "globals().update", 1),
        ("x = 1\n\n_fill(globals())", "globals()", 3),
        ("exec(src, globals())", "globals()", 1),
        ("import sys\nsetattr(sys.modules[__name__], 'x', 1)", "setattr(sys.modules[__name__]", 2),
        ("import sys\nsys.modules[__name__].x = 1", "sys.modules[__name__].x", 2),
        ("x = 1\nexec(CODE)", "exec(...)", 2),
    ],
)  # fmt: skip
def test_dynamic_namespace_says_which_statement(code: str, reason: str, line: int) -> None:
    result = summary(code)
    assert result.dynamic_namespace
    assert result.dynamic_reason == reason
    assert result.dynamic_line == line


@pytest.mark.parametrize(
    "code",
    [
        "if 'x' in globals():\n    pass",
        "print(globals().get('x'))",
        "def f():\n    exec(code)",  # a function's own namespace
        "x = sys.modules[__name__] == y",
        "def __dir__():\n    return sorted(list(globals()) + ['lazy'])",
        "def __dir__():\n    return [*globals().keys(), 'lazy']",
        "for key in globals():\n    print(key)",
        "value = globals()['x']",
        "def f(name):\n    locals()[name] = 1",  # a function's own namespace
        "class K:\n    vars()['attr'] = 1",  # the class body's
    ],
)
def test_reading_the_namespace_is_not_dynamic(code: str) -> None:
    assert not summary(code).dynamic_namespace


def test_guarded_and_deleted_bindings() -> None:
    result = summary(
        """\
        try:
            import fast
            speed = 1
            def accel(): pass
        except ImportError:
            fallback = 1
        else:
            extra = 1
        early = 0
        try:
            import other
            early = 1
        except ImportError:
            pass
        tmp = 1
        del tmp
        again = 1
        del again
        again = 2
        maybe = 1
        if flag:
            del maybe
        def f():
            global g
            g = 1
        g = 0
        del g
        """
    )
    guards = {b.name: b.guard for b in result.bindings if b.guard}
    # an import binds its own names only if it works (`fast`, `other`); `early` is bound
    # before the try
    assert guards == {"fast": 2, "speed": 2, "accel": 2, "extra": 2, "other": 11}
    assert result.deleted_names == {"tmp"}  # `g` may be bound again by f()
    assert "tmp" not in result.bound_names
    # between a `del` and the next binding (none: 0) the name does not exist
    assert sorted(result.deletions) == [("again", 18, 19), ("tmp", 16, 0)]


@pytest.mark.parametrize(
    ("code", "served"),
    [
        ("def __getattr__(name):\n    if name == 'a':\n        return 1\n    raise AttributeError(name)", ("a",)),
        ("def __getattr__(n):\n    if n in ('a', 'b') or n == 'c':\n        return 1\n    raise AttributeError", ("a", "b", "c")),
        ("M = {'a': 1}\ndef __getattr__(n):\n    if n in M.keys():\n        return 1\n    raise AttributeError", ("a",)),
        ("M = ['a']\ndef __getattr__(n):\n    if n not in M:\n        raise AttributeError(n)\n    return 1", ("a",)),
        ("def __getattr__(name):\n    raise AttributeError(name)", ()),
        ("def __getattr__(name):\n    return 1", None),
        ("def __getattr__(name):\n    if name == 'a':\n        return 1", None),
        ("def __getattr__(name):\n    if name.startswith('a'):\n        return 1\n    raise AttributeError", None),
        ("M = {**other}\ndef __getattr__(n):\n    if n in M:\n        return 1\n    raise AttributeError", None),
        ("__getattr__ = lazy.attach(__name__)", None),
        # an import between two definitions may look a name up while the first is bound
        ("def __getattr__(n):\n    if n == 'a':\n        return 1\n    raise AttributeError\nfrom . import b\ndef __getattr__(n):\n    raise AttributeError(n)", ("a",)),
        ("def __getattr__(n):\n    return 1\ndef __getattr__(n):\n    raise AttributeError(n)", None),
    ],
)  # fmt: skip
def test_names_a_module_getattr_serves(code: str, served: tuple[str, ...] | None) -> None:
    result = summary(code)
    assert result.has_module_getattr
    assert result.getattr_serves == served


def test_a_getattr_under_type_checking_is_no_getattr() -> None:
    assert not summary("if TYPE_CHECKING:\n    def __getattr__(name): ...\n").has_module_getattr


def test_writes_into_other_modules_and_sys_modules() -> None:
    result = summary(
        """\
        import sys
        import pkg.conf
        from pkg import other as o
        pkg.conf.X = 1
        o.Y = 2
        setattr(o, "Z", 3)
        setattr(o, name, 4)
        self.attr = 5
        obj.attr = 6
        sys.modules[__name__ + ".moves"] = m
        sys.modules[f"{__name__}.lazy"] = m
        sys.modules["pkg.virtual"] = m
        sys.modules[key] = m
        sys.modules.setdefault("pkg.other_virtual", m)
        sys.meta_path.append(Finder())
        """
    )
    assert [(w.owner, w.name, w.line) for w in result.foreign_writes] == [
        ("pkg.conf", "X", 4),
        ("o", "Y", 5),
        ("o", "Z", 6),
        ("o", None, 7),
    ]
    assert result.module_writes == (
        (".moves", 10), (".lazy", 11), ("pkg.virtual", 12), ("", 13), ("pkg.other_virtual", 14),
    )  # fmt: skip
    assert result.import_hooks == 15


def test_import_time_uses_only_of_never_bound_names() -> None:
    result = summary(
        """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from x import A, B, list
        else:
            B = object
        class K(A, B, list):
            pass
        """
    )
    # B is bound at run time too; `list` is a builtin either way
    assert [(u.name, u.line, u.column) for u in result.import_time_uses] == [("A", 6, 9)]
    assert summary("x = 1\nclass K(A):\n    pass\n").import_time_uses == ()


def test_all_changed_where_code_never_runs_is_ignored() -> None:
    result = summary(
        """\
        __all__ = ["a"]
        if TYPE_CHECKING:
            __all__ += ["Typed"]
            __all__.append("Other")
        if __name__ == "__main__":
            __all__.extend(["main"])
        """
    )
    assert result.all is not None
    assert [e.value for e in result.all.entries] == ["a"]
    assert result.all.is_literal
    assert summary("if PY2:\n    __all__ = ['escape']\n").all is None


def test_which_sys_path_changes_run_at_import() -> None:
    result = summary(
        """\
        import sys
        sys.path.insert(0, "a")
        def f():
            sys.path.append("b")
        if __name__ == "__main__":
            sys.path[:0] = ["c"]
        sys.path = ["d"]
        """
    )
    assert [line for line, _column in result.sys_path_mutations] == [2, 4, 6, 7]
    assert result.sys_path_at_import == (2, 7)
