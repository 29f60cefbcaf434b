"""Per-path ignore globs, matched the way ruff matches ``per-file-ignores`` (globset).

Each expectation below was first checked against ruff itself: a pattern matches a
path relative to the project root, or the file's own name; ``*`` and ``?`` cross
``/``; ``**`` is a whole path component; a leading ``!`` negates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.errors import ConfigError
from pkgforge.globs import GlobError, path_matches

from .conftest import GOOD_PYPROJECT

FILES = ("legacy/a.py", "legacy/sub/b.py", "other/c.py", "legacy.py")


@pytest.mark.parametrize(
    ("pattern", "matched"),
    [
        # what ruff 0.17 ignores for each pattern, on the same four files
        ("legacy", set()),  # a plain folder name is not its files (it is the folder: see below)
        ("legacy/*", {"legacy/a.py", "legacy/sub/b.py"}),  # `*` crosses `/`, as in ruff
        ("legacy/**", {"legacy/a.py", "legacy/sub/b.py"}),
        ("legacy/*.py", {"legacy/a.py", "legacy/sub/b.py"}),
        ("legacy/**/*.py", {"legacy/a.py", "legacy/sub/b.py"}),
        ("./legacy/*", {"legacy/a.py", "legacy/sub/b.py"}),
        ("*.py", set(FILES)),
        ("**/b.py", {"legacy/sub/b.py"}),
        ("b.py", {"legacy/sub/b.py"}),  # a file name matches in any folder
        ("sub", set()),
        ("!legacy/**", {"other/c.py", "legacy.py"}),
        ("LEGACY/*", set()),  # case-sensitive
        ("legacy*", {"legacy/a.py", "legacy/sub/b.py", "legacy.py"}),
        ("{legacy,other}/*.py", {"legacy/a.py", "legacy/sub/b.py", "other/c.py"}),
        ("[lo]*/?.py", {"legacy/a.py", "legacy/sub/b.py", "other/c.py"}),
        ("legacy/?.py", {"legacy/a.py"}),
        ("legacy/**/b.py", {"legacy/sub/b.py"}),
        ("**/sub/**", {"legacy/sub/b.py"}),
        ("**", set(FILES)),
        ("legacy**", {"legacy/a.py", "legacy/sub/b.py", "legacy.py"}),  # `**` inside a name is `*`
        ("{legacy/a,{other,x}/c}.py", {"legacy/a.py", "other/c.py"}),  # nested groups
        (r"legacy\.py", {"legacy.py"}),
        ("[!l]*/*.py", {"other/c.py"}),
    ],
)
def test_patterns_match_as_in_ruff(pattern: str, matched: set[str]) -> None:
    assert {path for path in FILES if path_matches(pattern, path)} == matched


@pytest.mark.parametrize(
    ("pattern", "folder", "covered"),
    [
        ("legacy/**", "legacy", True),  # the folder's own PF101
        ("legacy/*", "legacy", True),
        ("legacy", "legacy", True),
        ("src/legacy/**", "src/legacy", True),
        ("**/legacy/**", "src/legacy", True),
        ("legacy/**", "legacy2", False),
        ("legacy/*.py", "legacy", False),
    ],
)
def test_a_folders_own_findings(pattern: str, folder: str, covered: bool) -> None:
    assert path_matches(pattern, folder) is covered


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("legacy/[ab", "unclosed '['"),
        ("{a,b", "unclosed '{'"),
        ("a}", "unopened '}'"),
        ("/abs/legacy/*", "relative to the project root"),
        ("", "empty"),
    ],
)
def test_invalid_patterns(pattern: str, words: str) -> None:
    with pytest.raises(GlobError, match=re.escape(words)):
        path_matches(pattern, "x.py")


def test_an_invalid_pattern_is_a_config_error(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.pkgforge.per-path-ignores]\n"legacy/[ab" = ["PF101"]\n'
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject)
    with pytest.raises(ConfigError, match="unclosed") as info:
        check([root], use_cache=False)
    assert "legacy/[ab" in info.value.message
    assert info.value.hint


def test_legacy_glob_covers_the_folders_own_missing_init(
    make_project: Callable[..., Path],
) -> None:
    files = {
        "src/sound/__init__.py": "",
        "src/sound/legacy/Old.py": "",  # PF204; no __init__.py: PF101 on src/sound/legacy
    }
    root = make_project(files)
    before = check([root], select=["PF101", "PF204"], use_cache=False)
    assert {(f.code, f.path) for f in before.findings} == {
        ("PF101", "src/sound/legacy"),
        ("PF204", "src/sound/legacy/Old.py"),
    }
    (root / "pyproject.toml").write_text(
        GOOD_PYPROJECT
        + '[tool.pkgforge.per-path-ignores]\n"src/sound/legacy/**" = ["PF101", "PF204"]\n',
        encoding="utf-8",
    )
    after = check([root], select=["PF101", "PF204"], use_cache=False)
    assert after.findings == ()
    assert after.suppressed == 2
