"""Editing a literal ``__all__`` with libcst: only the literal changes, or nothing does."""

from __future__ import annotations

import ast
import re

import pytest

from pkgforge.errors import UnsafeEditError
from pkgforge.scaffold.exports import export_sort_key, insert_export, render_all


def exported(source: str) -> list[str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and target.id == "__all__":
                return list(ast.literal_eval(node.value))  # type: ignore[arg-type]
    raise AssertionError("no __all__")


def test_one_line_list_keeps_ruff_order() -> None:
    source = '"""Doc."""\n\n__all__ = ["__version__", "filters"]\n'
    result = insert_export(source, "effects", where="x")
    assert result == '"""Doc."""\n\n__all__ = ["__version__", "effects", "filters"]\n'


def test_multi_line_list_with_comments_and_trailing_comma() -> None:
    source = (
        "# leading comment survives\n"
        "import os  # so does this one\n"
        "\n"
        "__all__ = [\n"
        '    "alpha",  # the first\n'
        '    "gamma",\n'
        "]\n"
        "\n"
        "def   odd_spacing( x ):  # untouched\n"
        "    return os.sep\n"
    )
    result = insert_export(source, "beta", where="x")
    assert result == source.replace(
        '    "alpha",  # the first\n', '    "alpha",  # the first\n    "beta",\n'
    )


def test_append_at_end_of_multi_line_list_keeps_comment_on_its_entry() -> None:
    source = '__all__ = [\n    "alpha",\n    "beta",  # last one\n]\n'
    result = insert_export(source, "zeta", where="x")
    assert result == '__all__ = [\n    "alpha",\n    "beta",  # last one\n    "zeta",\n]\n'


def test_unsorted_list_gets_the_name_appended() -> None:
    source = "__all__ = ['zeta', 'alpha']\n"
    result = insert_export(source, "beta", where="x")
    assert result == "__all__ = ['zeta', 'alpha', 'beta']\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("__all__ = []\n", '__all__ = ["echo"]\n'),
        ("__all__ = ()\n", '__all__ = ("echo",)\n'),
        ('__all__ = ("alpha",)\n', '__all__ = ("alpha", "echo",)\n'),
        ('__all__: list[str] = ["alpha"]\n', '__all__: list[str] = ["alpha", "echo"]\n'),
    ],
)
def test_empty_tuple_and_annotated_literals(source: str, expected: str) -> None:
    result = insert_export(source, "echo", where="x")
    assert result == expected
    assert "echo" in exported(result)


def test_name_already_exported_is_a_no_op() -> None:
    source = '__all__ = ["echo"]  # keep\n'
    assert insert_export(source, "echo", where="x") == source


def test_missing_all_is_added_when_nothing_public_would_be_hidden() -> None:
    source = '"""A package."""\n\nfrom __future__ import annotations\n\n_private = 1\n'
    result = insert_export(source, "echo", where="x")
    assert result.startswith(source)
    assert exported(result) == ["echo"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__all__ = names()\n", "not a literal"),
        ('__all__ = ["a"]\n__all__ += ["b"]\n', "changed or computed"),
        ('__all__ = ["a"]\n__all__.append("b")\n', "changed or computed"),
        ('__all__ = ["a"]\n__all__ = ["b"]\n', "more than once"),
        ('__all__ = ["a", 1]\n', "not a plain string"),
        ('__all__ = ["a", f"{x}"]\n', "not a plain string"),
        ('__all__ = ["a", *more]\n', "not a plain string"),
        ('__all__ = other = ["a"]\n', "other names"),
        ('import x; __all__ = ["a"]\n', "shares its line"),
        ('if x:\n    __all__ = ["a"]\n', "changed or computed"),
        ("def echo():\n    pass\n", "defines public names (echo)"),
        ("__all__ = [\n", "does not parse"),
    ],
)
def test_unsafe_all_is_refused(source: str, reason: str) -> None:
    with pytest.raises(UnsafeEditError, match=re.escape(reason)) as err:
        insert_export(source, "echo", where="pkg/__init__.py")
    assert "pkg/__init__.py" in err.value.message
    assert err.value.hint


def test_render_all_uses_ruffs_isort_style_order() -> None:
    names = ["echo", "ECHO_LEVEL", "Echo", "__version__", "echo10", "echo2"]
    assert render_all(names) == (
        '__all__ = ["ECHO_LEVEL", "Echo", "__version__", "echo", "echo2", "echo10"]\n'
    )
    assert min(names, key=export_sort_key) == "ECHO_LEVEL"
