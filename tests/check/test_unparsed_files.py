"""PF410 is for syntax errors only; PF413-PF415 say what pkgforge could not read or parse.

A file pkgforge did not parse has unknown names and imports: nothing that depends on
them is reported, and none of these codes but PF410 blocks ``build``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.parallel import MAX_FILE_BYTES, summarize_paths
from pkgforge.checker.summary import ProblemKind

from .conftest import GOOD_PYPROJECT

CODES = ("PF410", "PF413", "PF414", "PF415")
PROC_MEM = Path("/proc/self/mem")  # a regular file to stat that no one can read at offset 0


def _found(root: Path, *codes: str) -> dict[tuple[str, str], Finding]:
    result = check([root], select=list(codes or CODES), use_cache=False)
    assert result.rule_errors == ()
    return {(f.path.rpartition("/")[2], f.code): f for f in result.findings}


def _severities(root: Path) -> dict[tuple[str, str], Severity]:
    return {key: f.severity for key, f in _found(root).items()}


# -- PF410 syntax-error ------------------------------------------------------------------


def test_syntax_errors_and_nul_bytes_are_errors(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/py2.py": "def show(b):\n    print b,\n",
            "src/sound/nul.py": b"x = 1\x00\n",
            "src/sound/escape.py": "x = '\\x'\n",  # names a codec, but is a syntax error
            "src/sound/parens.py": "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
        }
    )
    assert _severities(root) == {
        ("py2.py", "PF410"): Severity.ERROR,
        ("nul.py", "PF410"): Severity.ERROR,
        ("escape.py", "PF410"): Severity.ERROR,
        ("parens.py", "PF410"): Severity.ERROR,
    }
    for name in ("py2", "nul", "escape", "parens"):  # CPython agrees: the import fails
        with pytest.raises(SyntaxError):
            compile((root / "src" / "sound" / f"{name}.py").read_bytes(), name, "exec")


def test_syntax_newer_than_requires_python_is_a_warning(make_project: Callable[..., Path]) -> None:
    """It fails on the oldest allowed Pythons, not on every one: less than a proof."""
    files = {"src/sound/__init__.py": "", "src/sound/m.py": "match 1:\n    case _: pass\n"}
    old = GOOD_PYPROJECT.replace(">=3.11", ">=3.9")
    (finding,) = _found(make_project(files, pyproject=old)).values()
    assert (finding.code, finding.severity) == ("PF410", Severity.WARNING)
    assert "needs a newer Python than requires-python allows (3.9)" in finding.message


def test_a_parser_older_than_every_allowed_python_only_informs(
    make_project: Callable[..., Path],
) -> None:
    """pkgforge on 3.11 cannot judge `type X = int` for a project that requires 3.12."""
    newer = f"3.{sys.version_info[1] + 1}"
    pyproject = GOOD_PYPROJECT.replace(">=3.11", f">={newer}")
    files = {
        "src/sound/__init__.py": "",
        "src/sound/future.py": "print b,\n",  # what a newer grammar might accept, for all we know
        "src/sound/nul.py": b"x = 1\x00\n",  # no Python accepts
    }
    found = _found(make_project(files, pyproject=pyproject))
    assert {k: f.severity for k, f in found.items()} == {
        ("future.py", "PF410"): Severity.INFO,
        ("nul.py", "PF410"): Severity.ERROR,
    }
    assert f"run pkgforge with Python {newer}" in found["future.py", "PF410"].message


def test_syntax_error_leaves_other_problems_to_their_codes(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/latin1.py": b"NAME = '\xe9'\n",
            "src/sound/big.py": b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1),
        }
    )
    assert {code for _name, code in _found(root)} == {"PF413", "PF415"}


# -- PF413 too-large-to-parse ------------------------------------------------------------


def test_a_valid_file_too_large_to_parse_is_a_warning_and_its_names_unknown(
    make_project: Callable[..., Path],
) -> None:
    table = b"TABLE = {\n" + b"    1: (0.0, 0.1),\n" * (MAX_FILE_BYTES // 18 + 1) + b"}\n"
    files = {
        "src/sound/__init__.py": 'from .big import *\n\n__all__ = ["TABLE", "ROWS"]\n',
        "src/sound/big.py": table,
        "src/sound/user.py": "from sound.big import TABLE, ROWS\n",
    }
    root = make_project(files)
    compile(table, "big.py", "exec")  # valid Python: CPython imports it
    found = _found(root, *CODES, "PF302", "PF404")
    assert {k: f.severity for k, f in found.items()} == {("big.py", "PF413"): Severity.WARNING}
    assert "not parse files over 8 MiB" in found["big.py", "PF413"].message
    assert not check([root], use_cache=False).has_errors  # build goes ahead

    small = make_project({**files, "src/sound/big.py": "TABLE = {}\n"})
    missing = _found(small, "PF302", "PF404")  # the same names, seen: they are missing
    assert {code for _name, code in missing} == {"PF302", "PF404"}


def test_nesting_too_deep_for_pkgforge_is_a_warning(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/deep.py": "x = " + "-" * 100_000 + "1\n"}
    )
    (finding,) = _found(root).values()
    assert (finding.code, finding.severity) == ("PF413", Severity.WARNING)
    assert "nested too deeply for pkgforge" in finding.message


def test_ordinary_files_are_not_too_large(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "src/sound/echo.py": "x = 1\n" * 1000})
    assert _found(root) == {}


# -- PF414 unreadable-file ---------------------------------------------------------------


@pytest.mark.skipif(not PROC_MEM.exists(), reason="needs Linux /proc")
def test_an_unreadable_file_is_a_warning_and_its_names_unknown(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/user.py": "from sound.mem import ANYTHING\n"}
    )
    (root / "src" / "sound" / "mem.py").symlink_to(PROC_MEM)  # stat says regular, read fails
    found = _found(root, *CODES, "PF404")
    assert {k: f.severity for k, f in found.items()} == {("mem.py", "PF414"): Severity.WARNING}
    assert "cannot read file" in found["mem.py", "PF414"].message
    assert not check([root], use_cache=False).has_errors


def test_a_file_gone_before_it_is_read_is_unreadable(tmp_path: Path) -> None:
    (summary,) = summarize_paths([(str(tmp_path / "gone.py"), 10)], None, workers=1)
    assert summary.problem is not None
    assert summary.problem.kind is ProblemKind.UNREADABLE
    assert summary.bindings == ()


def test_readable_files_are_not_reported_unreadable(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "src/sound/echo.py": "x = 1\n"})
    assert _found(root, "PF414") == {}


# -- PF415 undecodable-source ------------------------------------------------------------


def test_undecodable_sources_are_warnings(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/latin1.py": b"NAME = 'caf\xe9'\n",
            "src/sound/codec.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
            "src/sound/ascii.py": b"# coding: ascii\nNAME = 'caf\xe9'\n",
            "src/sound/bom.py": b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
        }
    )
    assert _severities(root) == {
        (f"{name}.py", "PF415"): Severity.WARNING for name in ("latin1", "codec", "ascii", "bom")
    }
    assert not check([root], use_cache=False).has_errors
    # CPython refuses them too; the warning is the choice (see the rule's docs)
    for name in ("latin1", "codec", "ascii", "bom"):
        with pytest.raises(SyntaxError):
            compile((root / "src" / "sound" / f"{name}.py").read_bytes(), name, "exec")


def test_declared_and_default_encodings_decode(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/latin1.py": b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n",
            "src/sound/utf8.py": "NAME = 'café'\n",
            "src/sound/bom.py": b"\xef\xbb\xbfNAME = 1\n",
        }
    )
    assert _found(root) == {}
