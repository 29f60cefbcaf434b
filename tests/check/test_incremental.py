"""Incremental re-checks: after any sequence of edits, the findings of a check that reuses
the cache are those of a cold check (--no-cache), and an edit recomputes only what it
can have changed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkgforge.checker import engine
from pkgforge.checker.engine import check
from pkgforge.checker.incremental import interface
from pkgforge.checker.summarize import summarize_source

from .conftest import GOOD_PYPROJECT

PYPROJECT = GOOD_PYPROJECT + "dependencies = [{deps}]\n"

START = {
    "src/sound/__init__.py": 'from sound.effects import echo\nVERSION = "1"\n__all__ = ["echo"]\n',
    "src/sound/effects/__init__.py": "from .echo import echofilter\n__all__ = ['echofilter']\n",
    "src/sound/effects/echo.py": "from sound import VERSION\nimport requests\n\n\ndef echofilter():\n    return VERSION\n",
    "src/sound/effects/surround.py": "from . import echo\nfrom .reverse import flip\n",
    "src/sound/effects/reverse.py": "import sound.effects.surround\n\n\ndef flip():\n    pass\n",
    "src/sound/formats/__init__.py": "",
    "src/sound/formats/wav.py": "from ..effects import *\n__all__ = ['read', 'ghost']\n\n\ndef read():\n    pass\n",
}  # fmt: skip

MODULES = ("echo", "surround", "reverse", "wav", "aiff", "mixer")
NAMES = ("echofilter", "flip", "read", "VERSION", "missing")
LINES = (
    "import os",
    "import requests",
    "import numpy",
    "from sound import VERSION",
    "from . import {module}",
    "from .{module} import {name}",
    "from sound.effects.{module} import {name}",
    "from sound.formats.{module} import *",
    "__all__ = ['{name}']",
    "__all__ = ['{name}', '{name}']",
    "__all__ += ['{name}']",
    "{name} = 1",
    "del {name}",
    "def {name}():\n    import sound.effects.{module}",
    "class {name}:\n    pass",
    "# pkgforge: ignore[PF404]",
    "try:\n    import {module}\nexcept ImportError:\n    {name} = None",
    "import sys\nsys.path.insert(0, '')",
    "",
    "# a comment",
    "x = (",
)

edits = st.one_of(
    st.tuples(st.just("add_line"), st.integers(0, 50), st.integers(0, 50), st.sampled_from(LINES),
              st.sampled_from(MODULES), st.sampled_from(NAMES)),
    st.tuples(st.just("blank_lines"), st.integers(0, 50), st.integers(0, 50), st.integers(1, 3)),
    st.tuples(st.just("drop_line"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("add_module"), st.sampled_from(("effects", "formats")), st.sampled_from(MODULES),
              st.sampled_from(LINES), st.sampled_from(MODULES), st.sampled_from(NAMES)),
    st.tuples(st.just("delete_module"), st.integers(0, 50)),
    st.tuples(st.just("rename_module"), st.integers(0, 50), st.sampled_from(MODULES)),
    st.tuples(st.just("pyproject"), st.sampled_from(('', '"requests"', '"requests", "numpy"', '"six"'))),
    st.tuples(st.just("touch"), st.integers(0, 50)),
)  # fmt: skip


class _Tree:
    """The project on disk; every write gets a new, distinct mtime (a coarse clock must
    not hide an edit that keeps the size: the cache keys summaries by size and mtime)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_000_000_000_000_000_000
        for relpath, text in START.items():
            self.write(relpath, text)
        self.write("pyproject.toml", PYPROJECT.format(deps='"requests"'))

    def write(self, relpath: str, text: str) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.clock += 1_000_000
        os.utime(path, ns=(self.clock, self.clock))

    def modules(self) -> list[str]:
        found = self.root.glob("src/sound/**/*.py")
        return sorted(p.relative_to(self.root).as_posix() for p in found)

    def pick(self, index: int) -> str:
        modules = self.modules()
        return modules[index % len(modules)]

    def apply(self, edit: tuple[object, ...]) -> None:
        kind = edit[0]
        if kind in {"add_line", "blank_lines", "drop_line"}:
            relpath = self.pick(int(edit[1]))  # type: ignore[call-overload]
            lines = (self.root / relpath).read_text(encoding="utf-8").split("\n")
            at = int(edit[2]) % (len(lines) + 1)  # type: ignore[call-overload]
            if kind == "add_line":
                lines.insert(at, str(edit[3]).format(module=edit[4], name=edit[5]))
            elif kind == "blank_lines":
                lines[at:at] = [""] * int(edit[3])  # type: ignore[call-overload]
            elif lines and at < len(lines):
                del lines[at]
            self.write(relpath, "\n".join(lines))
        elif kind == "add_module":
            line = str(edit[3]).format(module=edit[4], name=edit[5])
            self.write(f"src/sound/{edit[1]}/{edit[2]}.py", f"{line}\n")
        elif kind == "delete_module":
            relpath = self.pick(int(edit[1]))  # type: ignore[call-overload]
            if not relpath.endswith("sound/__init__.py"):
                (self.root / relpath).unlink()
        elif kind == "rename_module":
            relpath = self.pick(int(edit[1]))  # type: ignore[call-overload]
            target = self.root / relpath
            new = target.with_name(f"{edit[2]}.py")
            if target.name != "__init__.py" and not new.exists():
                target.rename(new)
        elif kind == "pyproject":
            self.write("pyproject.toml", PYPROJECT.format(deps=edit[1]))
        elif kind == "touch":
            relpath = self.pick(int(edit[1]))  # type: ignore[call-overload]
            self.clock += 1_000_000
            os.utime(self.root / relpath, ns=(self.clock, self.clock))


def _same_as_cold(root: Path) -> None:
    warm = check([root])
    cold = check([root], use_cache=False)
    assert warm.findings == cold.findings
    assert (warm.suppressed, warm.files_checked) == (cold.suppressed, cold.files_checked)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(edits, min_size=1, max_size=8))
def test_incremental_findings_are_those_of_a_cold_run(sequence: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tree = _Tree(Path(folder))
        _same_as_cold(tree.root)
        for edit in sequence:
            tree.apply(edit)
            _same_as_cold(tree.root)


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project(dict(START))
    _Tree.__init__(_Tree.__new__(_Tree), root)
    return root


def _rules_run(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    runs: list[list[str]] = []
    real = engine._run_rules

    def counting(rules: list[object], model: object) -> object:
        chosen = list(rules)
        runs.append([rule.code for rule in chosen])  # type: ignore[attr-defined]
        return real(chosen, model)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_run_rules", counting)
    return runs


def _edit(path: Path, text: str) -> None:
    info = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(info.st_mtime_ns + 1_000_000, info.st_mtime_ns + 1_000_000))


def test_an_edit_that_changes_no_summary_runs_no_rule(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check([project])
    runs = _rules_run(monkeypatch)
    reverse = project / "src/sound/effects/reverse.py"
    _edit(reverse, reverse.read_text().replace("pass", "return None"))
    assert check([project]).findings == check([project], use_cache=False).findings
    assert runs[0] != []  # the cold run
    assert len(runs) == 1


def test_moved_lines_rerun_only_the_rules_whose_findings_name_the_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check([project])
    named = {f.code for f in first.findings if "wav.py" in f.path or "wav" in f.message}
    assert named  # PF302 (`ghost`), PF402 (star import)
    runs = _rules_run(monkeypatch)
    wav = project / "src/sound/formats/wav.py"
    _edit(wav, "\n\n" + wav.read_text())
    again = check([project])
    assert runs[0] and set(runs[0]) <= named | {"PF406", "PF411"}
    assert again.findings == check([project], use_cache=False).findings
    assert {f.line for f in again.findings if f.path.endswith("wav.py")} != {
        f.line for f in first.findings if f.path.endswith("wav.py")
    }


def test_a_changed_import_reruns_every_rule(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check([project])
    runs = _rules_run(monkeypatch)
    reverse = project / "src/sound/effects/reverse.py"
    _edit(reverse, "import json\n" + reverse.read_text())
    assert check([project]).findings == check([project], use_cache=False).findings
    assert len(runs[0]) > 20


def test_interface_ignores_moved_lines_but_not_their_order() -> None:
    base = b"import os\nX = 1\n"
    moved = interface(summarize_source(b"\n\n# hello\nimport os\n\nX = 1\n"))
    assert moved == interface(summarize_source(base))
    swapped = interface(summarize_source(b"X = 1\nimport os\n"))
    assert swapped != interface(summarize_source(base))
    renamed = interface(summarize_source(b"import os\nY = 1\n"))
    assert renamed != interface(summarize_source(base))
