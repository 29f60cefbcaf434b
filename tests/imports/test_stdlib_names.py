"""The standard library of every supported Python, from typeshed's stubs (issue 15, class 6):
a sibling ``types.py`` does not shadow the standard library's ``types`` in Python 3, so
``from types import Meter`` fails there when ``types`` has no ``Meter``."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pkgforge.checker.findings import Severity
from pkgforge.checker.stdlib import missing_from_stdlib, supported_minors

from .trees import findings_of, import_first, project

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "src" / "pkgforge" / "checker" / "stdlib_names.json"


def test_the_table_is_what_the_tool_makes_of_the_installed_typeshed() -> None:
    source = json.loads(TABLE.read_text(encoding="utf-8"))["source"]
    mypy = importlib.metadata.version("mypy")
    if not source.endswith(f"mypy {mypy}"):
        pytest.skip(f"the table comes from {source}; mypy {mypy} is installed")
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "stdlib_names.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_what_each_version_lacks() -> None:
    minors = supported_minors(">=3.11")
    assert minors[:2] == [11, 12]
    assert missing_from_stdlib("types", "Meter", minors) == (minors, True)
    assert missing_from_stdlib("types", "SimpleNamespace", minors) == ([], False)
    assert missing_from_stdlib("typing", "override", minors) == ([11], False)  # new in 3.12
    assert missing_from_stdlib("xml", "dom", minors) == ([], False)  # a submodule
    # what the table cannot tell is not missing: private names, unknown modules, the
    # versions typeshed no longer describes, a module a version does not have
    assert missing_from_stdlib("types", "_Meter", minors) == ([], False)
    assert missing_from_stdlib("no_such_module", "x", minors) == ([], False)
    assert missing_from_stdlib("types", "Meter", supported_minors(">=3.7"))[1] is False
    assert missing_from_stdlib("tomllib", "Meter", [10, 11]) == ([11], False)
    assert supported_minors(None) == list(range(minors[-1] + 1))


def test_a_module_s_entry_read_from_its_line_is_its_entry_in_the_whole_table() -> None:
    from pkgforge.checker import stdlib

    table = json.loads(TABLE.read_text(encoding="utf-8"))
    assert stdlib._newest() == table["minors"][1]
    assert len(table["modules"]) > 500
    for module, entry in table["modules"].items():
        assert stdlib._entry(module) == entry, module
    assert stdlib._entry("no_such_module") is None
    assert stdlib._entry("types.Simple") is None  # a prefix of no module's line


@pytest.mark.parametrize(
    ("spec", "oldest", "minors"),
    [
        (">=3.11", 0, "from 11"),
        ("<3", 0, []),  # a valid specifier that allows no Python 3
        ("not a specifier", 8, "from 8"),  # invalid: every minor from the oldest on
        (None, 9, "from 9"),
    ],
)
def test_supported_minors_remembered_by_specifier(
    spec: str | None, oldest: int, minors: list[int] | str
) -> None:
    newest = supported_minors(None)[-1]
    expected = list(range(int(minors[5:]), newest + 1)) if isinstance(minors, str) else minors
    memo: dict[str, object] = {}
    assert supported_minors(spec, oldest, memo) == expected
    assert supported_minors(spec, oldest) == expected
    assert supported_minors(spec, oldest, memo) == expected  # from the memo
    if spec is not None:
        assert memo["supported-minors"][0] == spec  # type: ignore[index]
        memo["supported-minors"] = (spec, (7,))  # what the memo says is what it gets
        assert supported_minors(spec, oldest, memo) == [7]
        assert supported_minors(spec + " ", oldest, memo) == expected  # another spec


SIBLING = {"src/pkg/types.py": "class Meter:\n    pass\nSimpleNamespace = 1\n"}


def test_a_name_the_standard_library_module_lacks_is_an_error(tmp_path: Path) -> None:
    root = project(tmp_path, {**SIBLING, "src/pkg/meters.py": "from types import Meter\n"})
    (finding,) = findings_of(root, "PF403")
    assert finding.severity is Severity.ERROR
    assert "Python 3 imports the standard library's `types`, which has no `Meter`" in (
        finding.message
    )
    assert "write `from .types import Meter`" in finding.message
    assert "cannot import name 'Meter' from 'types'" in import_first(root, "pkg.meters").stderr


def test_a_name_the_standard_library_module_has_is_fine(tmp_path: Path) -> None:
    files = {**SIBLING, "src/pkg/meters.py": "from types import SimpleNamespace\nimport types\n"}
    root = project(tmp_path, files)
    assert findings_of(root, "PF403") == []
    assert import_first(root, "pkg.meters").returncode == 0


def test_a_star_import_of_the_standard_library_module_asks_for_no_name(tmp_path: Path) -> None:
    """A compat shim named like the module it wraps (``compat/shutil.py``: ``from shutil
    import *``) gets the standard library's module in Python 3, as it means to."""
    files = {"src/pkg/shutil.py": "from shutil import *\n"}
    root = project(tmp_path, files)
    assert findings_of(root, "PF403") == []
    assert import_first(root, "pkg.shutil").returncode == 0


def test_a_name_some_supported_versions_lack_is_a_warning(tmp_path: Path) -> None:
    files = {
        "src/pkg/typing.py": "override = 1\n",
        "src/pkg/base.py": "from typing import override\n",
    }
    (finding,) = findings_of(project(tmp_path / "old", files, ">=3.11"), "PF403")
    assert finding.severity is Severity.WARNING
    assert "has no `override` on Python 3.11" in finding.message
    assert findings_of(project(tmp_path / "new", files, ">=3.12"), "PF403") == []
