"""Never crash, never hang: hostile trees and random layouts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkgforge.checker.engine import check
from pkgforge.checker.parallel import MAX_FILE_BYTES
from pkgforge.checker.report import FORMATS, render
from pkgforge.checker.rules import load_rules
from pkgforge.checker.walk import MAX_DEPTH

from .conftest import GOOD_PYPROJECT, write_tree

HOSTILE: dict[str, str | bytes] = {
    "src/sound/__init__.py": "",
    "src/sound/py2.py": "def show(a, b):\n    print b,\n",
    "src/sound/syntax.py": "def broken(:\n    pass\n",
    "src/sound/undecodable.py": b"x = '\xff\xfe\xfa'\n",
    "src/sound/nul.py": b"x = 1\x00\n",
    "src/sound/empty.py": "",
    "src/sound/nested.py": "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
    "src/sound/deep_unary.py": "x = " + "-" * 100_000 + "1\n",
    "src/sound/deep_list.py": "x = " + "[" * 3000 + "]" * 3000 + "\n",
    "src/sound/latin1.py": b"# -*- coding: latin-1 -*-\nname = '\xe9'\n",
    "src/sound/bad_coding.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "src/sound/bom.py": b"\xef\xbb\xbfx = 1\n",
    "src/sound/crlf.py": b"x = 1\r\ny = 2\r\n",
    "src/sound/tabs.py": "if True:\n\tx = 1\n        y = 2\n",
    "src/sound/é.py": "x = 1\n",
    "src/sound/__init__.py/.keep": "",
}


def _hostile_tree(root: Path) -> Path:
    write_tree(root, {"pyproject.toml": GOOD_PYPROJECT})
    # A directory called __init__.py cannot be created next to a file of that name,
    # so the one above lives in its own package.
    init_dir = HOSTILE.copy()
    del init_dir["src/sound/__init__.py/.keep"]
    write_tree(root, init_dir)
    write_tree(root, {"src/other/__init__.py/.keep": "", "src/other/x.py": ""})
    sound = root / "src" / "sound"
    (sound / "loop").symlink_to(sound)
    (sound / "dangling.py").symlink_to(root / "missing.py")
    os.mkfifo(sound / "fifo.py")
    unreadable = sound / "unreadable.py"
    unreadable.write_text("x = 1\n")
    unreadable.chmod(0)
    with (sound / "huge.py").open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: big to stat, cheap to make
    deep = sound.joinpath(*(["d"] * (MAX_DEPTH + 3)))
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("x = 1\n")
    (sound / os.fsdecode(b"\xff\xfe.py")).write_text("x = 1\n")
    return root


def test_hostile_tree_is_reported_never_raised(tmp_path: Path) -> None:
    root = _hostile_tree(tmp_path / "hostile")
    try:
        result = check([root], use_cache=False)
        cached_cold = check([root])
        cached_warm = check([root])
    finally:
        (root / "src" / "sound" / "unreadable.py").chmod(0o644)
    assert result.rule_errors == ()
    assert cached_cold.findings == cached_warm.findings == result.findings
    by_path = {(f.path, f.code) for f in result.findings}
    if "PF410" in load_rules():
        for name in ("py2", "syntax", "nul", "nested", "tabs"):
            assert (f"src/sound/{name}.py", "PF410") in by_path, name
        for name, code in (("undecodable", "PF415"), ("bad_coding", "PF415"), ("huge", "PF413")):
            assert (f"src/sound/{name}.py", code) in by_path, name
            assert (f"src/sound/{name}.py", "PF410") not in by_path, name
        line = next(f.line for f in result.findings if f.path == "src/sound/py2.py")
        assert line == 2
    assert ("src/sound/empty.py", "PF410") not in by_path
    assert any("deep" in s for s in result.skipped)
    assert any("symlink" in s for s in result.skipped)
    for output_format in FORMATS:
        assert render(result, output_format)


NAMES = st.sampled_from(
    [
        "sound",
        "echo",
        "Echo",
        "__init__",
        "class",
        "2d",
        "my-mod",
        "email",
        "src",
        "tests",
        "__pycache__",
        ".hidden",
        "a",
        "b",
        "setup",
        "é",
    ]
)
SOURCES = st.sampled_from(
    [
        b"",
        b"x = 1\n",
        b"from . import *\n",
        b"import echo\n",
        b"from .. import a\n",
        b"__all__ = ['a', 1, 'a']\n",
        b"print b,\n",
        b"\x00",
        b"\xff\xfe",
        b"from sound import a\n",
        b"__version__ = '9'\n",
        b"import sys\nsys.path.insert(0, '.')\n",
        b"def f():\n    from os import *\n",
    ]
)
ENTRY = st.tuples(
    st.lists(NAMES, min_size=1, max_size=4),
    st.sampled_from([".py", ".py", ".pyc", "/", ".txt"]),
    SOURCES,
)
PYPROJECTS = st.sampled_from(
    [
        None,
        GOOD_PYPROJECT,
        "[project\n",
        "[project]\nname = 3\n",
        "[tool.pkgforge]\nselect = 1\n",
        GOOD_PYPROJECT + '[tool.setuptools]\npackage-dir = {"" = "nowhere"}\n',
    ]
)


@settings(
    max_examples=int(os.environ.get("PKGFORGE_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(entries=st.lists(ENTRY, max_size=12), pyproject=PYPROJECTS)
def test_random_layouts_never_raise(
    entries: list[tuple[list[str], str, bytes]], pyproject: str | None
) -> None:
    from pkgforge.errors import PkgforgeError

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if pyproject is not None:
            (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        for parts, kind, source in entries:
            path = root.joinpath(*parts)
            try:
                if kind == "/":
                    path.mkdir(parents=True, exist_ok=True)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.with_name(path.name + kind).write_bytes(source)
            except OSError:
                continue  # a file where a directory was asked for: not a layout
        try:
            result = check([root])
        except PkgforgeError as err:  # only a configuration problem may stop a check
            assert err.exit_code == 2
            assert "tool.pkgforge" in err.message
            return
        assert result.rule_errors == ()
        for finding in result.findings:
            assert not finding.path.startswith("/")
            assert finding.code in load_rules()
        for output_format in FORMATS:
            render(result, output_format)
