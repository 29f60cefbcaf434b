"""``# noqa: PF402`` silences a finding as ``# pkgforge: ignore[PF402]`` does, by ruff's rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.suppressions import find_suppressions


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        (b"from x import *  # noqa: PF402", ("PF402",)),
        (b"from x import *  # NOQA: PF402", ("PF402",)),
        (b"from x import *  # NoQa:PF402", ("PF402",)),
        (b"from x import *  #noqa : PF402", ("PF402",)),
        (b"from x import *  # noqa: PF402, PF403", ("PF402", "PF403")),
        (b"from x import *  # noqa: PF402 PF403", ("PF402", "PF403")),
        (b"from x import *  # noqa: PF402,PF403", ("PF402", "PF403")),
        # ruff's own codes ride along; only pkgforge's matter here
        (b"from x import *  # noqa: E501, PF402", ("PF402",)),
        # the list ends at the last valid code: an explanation may follow
        (b"from x import *  # noqa: PF402 re-exported on purpose", ("PF402",)),
        # a noqa after another comment on the line
        (b"from x import *  # type: ignore  # noqa: PF402", ("PF402",)),
        # both forms on one line add up
        (b"import y  # noqa: PF403  # pkgforge: ignore[PF404]", ("PF403", "PF404")),
    ],
)
def test_noqa_codes(line: bytes, codes: tuple[str, ...]) -> None:
    assert find_suppressions(b"x = 1\n" + line + b"\n") == ((2, codes),)


@pytest.mark.parametrize(
    "line",
    [
        # a bare noqa is for ruff's (or flake8's) own rules: it silences no pkgforge rule
        b"from x import *  # noqa",
        b"from x import *  # NOQA",
        b"from x import *  # noqa E501",  # no colon: ruff reads a blanket noqa, so do we
        b"from x import *  # noqa: E501",  # only codes of other tools
        b"from x import *  # noqa: pf402",  # codes are upper case, as in ruff
        b"from x import *  # noqa: PF4",  # a prefix is not a code
        b"from x import *  # noqa:",  # no codes at all
        b"# ruff: noqa",  # ruff's file-level exemption is ruff's
        b"# ruff: noqa: PF402",
        b"# flake8: noqa",
    ],
)
def test_what_noqa_does_not_silence(line: bytes) -> None:
    assert find_suppressions(line + b"\n") == ()


def test_pkgforge_form_is_unchanged() -> None:
    source = b"import y  # pkgforge: ignore[pf403, PF404]\nimport z  # pkgforge: ignore\n"
    assert find_suppressions(source) == ((1, ("PF403", "PF404")), (2, ()))


def test_noqa_silences_a_finding_end_to_end(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": '__all__ = ["a"]\na = 1\n',
            "src/sound/x.py": (
                "from os import *  # noqa: PF402\n"
                "from sys import *  # noqa\n"
                "from json import *  # noqa: F403, PF402 -- the public API\n"
                "from re import *  # noqa: F403\n"
            ),
        }
    )
    result = check([root], select=["PF402"], use_cache=False)
    assert [(f.path, f.line) for f in result.findings] == [
        ("src/sound/x.py", 2),
        ("src/sound/x.py", 4),
    ]
    assert result.suppressed == 2


def test_noqa_in_pyproject_toml(make_project: Callable[..., Path]) -> None:
    pyproject = (
        '[project]\nname = "sound"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        'license = "MIT"\ndependencies = [\n  "requests>=2",  # noqa: PF408\n]\n'
    )
    files = {"src/sound/__init__.py": '"""Sound."""\n__all__: list[str] = []\n'}
    root = make_project(files, pyproject=pyproject)
    result = check([root], select=["PF408"], use_cache=False)
    assert result.findings == ()
    assert result.suppressed == 1
