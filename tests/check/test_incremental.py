"""Incremental re-checks: after any sequence of edits, the findings of a check that reuses
the cache are those of a cold check (--no-cache), and an edit recomputes only what it
can have changed: the units (:mod:`pkgforge.checker.incremental.units`) that read it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkgforge.checker.engine import check
from pkgforge.checker.incremental.interface import interface
from pkgforge.checker.summarize import summarize_source

from .conftest import GOOD_PYPROJECT

PYPROJECT = GOOD_PYPROJECT.replace(">=3.11", "{python}") + "dependencies = [{deps}]\n{tail}"
PYTHONS = (">=3.11", ">=3.12")
TAILS = (
    "",
    '[project.optional-dependencies]\nfast = ["numpy"]\n',
    '[tool.pkgforge]\nignore = ["PF305"]\n',
    '[tool.pkgforge]\nselect = ["PF4"]\n',
    '[tool.pkgforge]\nper-path-ignores = { "src/sound/formats/**" = ["PF4"] }\n',
)
"""What a pyproject.toml edit may add after the dependencies: extras, the settings."""

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
    # what the graph computes over the whole project, and reads of other modules
    "import sound.effects.{module}",
    "from sound import *",
    "from sound.effects import {module}\n{module}.{name} = 1",
    "import sys\nsys.modules['sound.effects.{module}'] = sys",
    "import sys\ndef {name}(key):\n    sys.modules[key] = sys",
    "{name}(__name__)",
    "{name}('sound.effects.{module}')",
    "{name}(sound.{module})",
    "import sys\nsys.meta_path.append(None)",
    "__path__ = __import__('pkgutil').extend_path(__path__, __name__)",
    "if __name__ == '__main__':\n    import {module}",
    "def __getattr__(name):\n    raise AttributeError(name)",
    "globals()['{name}'] = 1",
    "__all__ = ['{name}'] + {module}.__all__",
    "if TYPE_CHECKING:\n    from .{module} import {name}\nclass C({name}):\n    pass",
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
    st.tuples(st.just("pyproject"), st.sampled_from(('', '"requests"', '"requests", "numpy"', '"six"')),
              st.sampled_from(PYTHONS), st.sampled_from(TAILS)),
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
        self.write("pyproject.toml", PYPROJECT.format(deps='"requests"', python=">=3.11", tail=""))

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
            self.write(
                "pyproject.toml", PYPROJECT.format(deps=edit[1], python=edit[2], tail=edit[3])
            )
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
    max_examples=60,
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


def _edit(path: Path, text: str) -> None:
    info = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(info.st_mtime_ns + 1_000_000, info.st_mtime_ns + 1_000_000))


def _units(runs: list[tuple[str, str]]) -> set[str]:
    return {unit for _, unit in runs}


def test_an_edit_that_changes_no_summary_runs_no_rule(
    project: Path, unit_runs: list[tuple[str, str]]
) -> None:
    check([project])
    assert unit_runs  # the first check records every unit
    unit_runs.clear()
    reverse = project / "src/sound/effects/reverse.py"
    _edit(reverse, reverse.read_text().replace("pass", "return None"))
    assert check([project]).findings == check([project], use_cache=False).findings
    assert unit_runs == []


def test_a_changed_module_reruns_only_the_units_that_read_it(
    project: Path, unit_runs: list[tuple[str, str]]
) -> None:
    check([project])
    unit_runs.clear()
    reverse = project / "src/sound/effects/reverse.py"
    _edit(reverse, "import json\n" + reverse.read_text())
    assert check([project]).findings == check([project], use_cache=False).findings
    ran = _units(unit_runs)
    assert "src/sound/effects/reverse.py" in ran
    # surround imports a name from reverse (whose names changed: `json`)
    assert ("PF404", "src/sound/effects/surround.py") in unit_runs
    # wav reads nothing of reverse; no rule ran whole
    assert "src/sound/formats/wav.py" not in ran
    assert not [code for code, unit in unit_runs if not unit]


def test_moved_lines_rerun_only_what_names_the_file(
    project: Path, unit_runs: list[tuple[str, str]]
) -> None:
    first = check([project])
    named = {f.code for f in first.findings if "echo" in f.path or "echo" in f.message}
    assert {"PF406", "PF411"} <= named  # the cycle through sound and sound.effects.echo
    unit_runs.clear()
    echo = project / "src/sound/effects/echo.py"
    _edit(echo, "\n\n" + echo.read_text())
    again = check([project])
    assert again.findings == check([project], use_cache=False).findings
    assert again.findings != first.findings  # the findings in echo.py moved
    # effects/__init__ reads echo's names (PF404), but prints none of its positions
    assert ("PF404", "src/sound/effects/__init__.py") not in unit_runs
    assert {code for code, _ in unit_runs} <= named | {
        code for code, unit in unit_runs if unit == "src/sound/effects/echo.py"
    }
    unit_runs.clear()
    _edit(echo, echo.read_text().replace("echofilter", "echo_filter"))
    assert check([project]).findings == check([project], use_cache=False).findings
    assert ("PF404", "src/sound/effects/__init__.py") in unit_runs


def test_a_new_cycle_is_found_by_the_cycle_rules_alone(
    project: Path, unit_runs: list[tuple[str, str]]
) -> None:
    first = check([project])
    unit_runs.clear()
    wav = project / "src/sound/formats/wav.py"
    _edit(wav, "import sound.formats\n" + wav.read_text())
    formats = project / "src/sound/formats/__init__.py"
    _edit(formats, "from sound.formats import wav\n")
    again = check([project])
    assert again.findings == check([project], use_cache=False).findings
    assert len([f for f in again.findings if f.code == "PF406"]) > len(
        [f for f in first.findings if f.code == "PF406"]
    )
    changed = {"src/sound/formats/wav.py", "src/sound/formats/__init__.py"}
    # other modules' units ran only for the rules that read the whole graph's cycles
    assert {code for code, unit in unit_runs if unit not in changed} <= {"PF406", "PF411"}


def test_an_edit_of_what_a_module_reads_from_an_import_reruns_pf403(project: Path) -> None:
    """PF403 lets `import numpy` beside a numpy.py stand when the module reads an attribute
    the sibling lacks (another numpy is meant): an edit that changes only such a read
    changes what PF403 finds, so the summary must say what the module reads."""
    (project / "src/sound/effects/numpy.py").write_text("def dtype():\n    pass\n")
    mixer = project / "src/sound/effects/mixer.py"
    mixer.write_text("import numpy\n\n\ndef mix():\n    return numpy.dtype\n")
    first = check([project])
    assert any(f.code == "PF403" for f in first.findings)
    _edit(mixer, mixer.read_text().replace("numpy.dtype", "numpy.float64"))
    again = check([project])
    assert again.findings == check([project], use_cache=False).findings
    assert not any(f.code == "PF403" for f in again.findings)


def test_an_edit_of_what_a_call_hands_a_sys_modules_writer_reruns_pf404(
    project: Path, unit_runs: list[tuple[str, str]]
) -> None:
    """A function that writes ``sys.modules[<its parameter>]`` makes the modules its callers
    name: an edit of a call in another module changes whether a missing module is one."""
    tree = _Tree.__new__(_Tree)
    tree.root, tree.clock = project, 1_000_000_000_000_000_000
    tree.write(
        "src/sound/effects/helper.py",
        "import sys\n\n\ndef make(name):\n    sys.modules[name] = sys\n",
    )
    tree.write(
        "src/sound/effects/mixer.py",
        "from sound.effects.helper import make\n\nmake('sound.effects.made')\n",
    )
    tree.write("src/sound/formats/aiff.py", "import sound.effects.made\n")
    caller = project / "src/sound/effects/mixer.py"

    def aiff() -> list[str]:
        found = check([project])
        assert found.findings == check([project], use_cache=False).findings
        return [f.severity for f in found.findings if f.code == "PF404" and "aiff" in f.path]

    assert aiff() == []
    unit_runs.clear()
    _edit(caller, caller.read_text().replace("'sound.effects.made'", "'sound.effects.other'"))
    assert aiff() == ["error"]
    # a re-check: the units that read what may be made at run time, not every rule
    assert ("PF404", "src/sound/formats/aiff.py") in unit_runs
    assert ("PF404", "src/sound/effects/reverse.py") not in unit_runs
    _edit(caller, caller.read_text().replace("'sound.effects.other'", "NAMES[0]"))
    assert aiff() == ["info"]


def test_interface_ignores_moved_lines_but_not_their_order() -> None:
    base = b"import os\nX = 1\n"
    moved = interface(summarize_source(b"\n\n# hello\nimport os\n\nX = 1\n"))
    assert moved == interface(summarize_source(base))
    swapped = interface(summarize_source(b"X = 1\nimport os\n"))
    assert swapped != interface(summarize_source(base))
    renamed = interface(summarize_source(b"import os\nY = 1\n"))
    assert renamed != interface(summarize_source(base))


RICH = {
    **START,
    "src/sound/formats/aiff.py": "import numpy\nfrom .wav import read, ghost\nfrom os import *\n",
    "src/sound/formats/mixer.py": "def mix():\n    import sound.formats.aiff\n",
    "src/sound/my-tool.py": "from sound.effects.echo import missing\n",
    "src/sound/effects/loop.py": "import sound.effects.loop\n__all__ = ['x', 'x', 1]\n",
}  # fmt: skip
"""START with more for the rules to find (undeclared imports, star imports, a name no
module binds, a module name that cannot be imported, a self-import, a bad __all__)."""


def test_each_unit_alone_gives_what_it_gave_in_the_whole_run(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit decides from what it reads, never from what an earlier unit of the loop left
    behind (:mod:`pkgforge.checker.incremental.units`): every rule's every unit, run
    again alone (the others skipped, their contributions kept), gives the findings and
    contributions it gave in the run of the whole loop, and so does the rule."""
    from pkgforge.checker.incremental import runner
    from pkgforge.checker.incremental.units import RuleRun

    root = make_project(dict(RICH), pyproject=PYPROJECT.format(deps="", python=">=3.11", tail=""))
    execute = runner._execute
    checked: list[tuple[str, str]] = []
    differ: list[tuple[str, str]] = []  # (a failed assert here would read as a crashed rule)

    def each_unit_alone(rule: Any, model: Any, run: RuleRun) -> Any:
        found, read = execute(rule, model, run)
        if not run.used_units or run.again is not None:
            return found, read
        units = set(run.unit_deps)
        outputs = {unit: run.output(unit) for unit in units}
        files = model.files
        order = {file.relpath: index for index, file in enumerate(files)}
        for unit in sorted(units):
            alone = RuleRun({unit}, units, outputs, files, order)
            again, _ = execute(rule, model, alone)
            if (again, alone.output(unit), set(alone.unit_deps)) != (found, outputs[unit], {unit}):
                differ.append((rule.code, unit))
            checked.append((rule.code, unit))
        return found, read

    monkeypatch.setattr(runner, "_execute", each_unit_alone)
    result = check([root])
    assert differ == []
    assert result.rule_errors == ()
    assert {f.code for f in result.findings} >= {"PF302", "PF402", "PF404", "PF406", "PF407"}
    assert len({code for code, _ in checked}) >= 8  # the rules that loop over units
