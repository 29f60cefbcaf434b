"""Which first imports count (DESIGN.md): PF411's severity follows the module a program
imports first: the top-level package, a public module or an entry point is an ordinary
use (an error when it fails); only a private module imported first is a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkgforge.checker.findings import Severity

from .trees import findings_of, import_first, project

# importing `features` first fails (it needs `base`'s Database, which `base` binds before
# importing features: fine when base comes first); nothing but base imports features
CYCLE = {
    "base": "Database = object\nfrom .{features} import Features\n",
    "features": "from .{base} import Database\nFeatures = 1\n",
}


def cycle(base: str, features: str) -> dict[str, str]:
    names = {"base": base, "features": features}
    return {f"src/pkg/{names[key]}.py": text.format(**names) for key, text in CYCLE.items()}


def fails_first(root: Path, module: str) -> bool:
    return "partially initialized module" in import_first(root, module).stderr


def test_a_public_module_imported_first_is_an_ordinary_use(tmp_path: Path) -> None:
    root = project(tmp_path, cycle("base", "features"))
    (finding,) = findings_of(root, "PF411")
    assert finding.severity is Severity.ERROR
    assert "when pkg.features is imported first" in finding.message
    assert fails_first(root, "pkg.features") and not fails_first(root, "pkg.base")


def test_a_private_module_imported_first_is_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path, cycle("_base", "_features"))
    (finding,) = findings_of(root, "PF411")
    assert finding.severity is Severity.WARNING
    assert "only a program that imports the private module pkg._features first" in finding.message
    assert fails_first(root, "pkg._features") and not fails_first(root, "pkg._base")


@pytest.mark.parametrize(
    ("files", "extra", "first"),
    [
        # a public module whose import runs the private one first
        ({"src/pkg/api.py": "from pkg._features import Features\n"}, "", "pkg.api"),
        # an entry point that names the private module
        ({}, '[project.scripts]\npkg = "pkg._features:main"\n', "pkg._features"),
        ({}, '[project.entry-points."pkg.plugins"]\nx = "pkg._features"\n', "pkg._features"),
    ],
)
def test_a_private_module_reached_by_an_ordinary_first_import_is_an_error(
    tmp_path: Path, files: dict[str, str], extra: str, first: str
) -> None:
    root = project(tmp_path, {**cycle("_base", "_features"), **files}, extra=extra)
    (finding,) = findings_of(root, "PF411")
    assert finding.severity is Severity.ERROR, finding.message
    assert f"when {first} is imported first" in finding.message
    assert fails_first(root, first)


def test_a_cycle_that_fails_however_it_is_entered_is_an_error(tmp_path: Path) -> None:
    files = {
        "src/pkg/_a.py": "from pkg._b import B\nA = 1\n",
        "src/pkg/_b.py": "from pkg._a import A\nB = 1\n",
    }
    root = project(tmp_path, files)
    found = findings_of(root, "PF411")
    assert [f.severity for f in found] == [Severity.ERROR, Severity.ERROR]
    assert fails_first(root, "pkg._a") and fails_first(root, "pkg._b")


@pytest.mark.parametrize(
    ("platform_import", "then", "severity"),
    [
        # a Windows-only import of a module off the failing way changes nothing: importing
        # features first fails everywhere
        ("import pkg.winconsole", "features", Severity.ERROR),
        # importing base first works; only on Windows does compat import features first
        ("import pkg.features", "base", Severity.WARNING),
    ],
)
def test_a_platform_branch_on_the_way_matters_only_if_it_changes_what_fails(
    tmp_path: Path, platform_import: str, then: str, severity: Severity
) -> None:
    files = {
        **cycle("base", "features"),
        "src/pkg/__init__.py": f"from pkg import compat\nfrom pkg import {then}\n",
        "src/pkg/compat.py": f"import sys\nif sys.platform == 'win32':\n    {platform_import}\n",
        "src/pkg/winconsole.py": "CONSOLE = 1\n",
    }
    root = project(tmp_path, files)
    found = [f for f in findings_of(root, "PF411") if "when pkg is imported first" in f.message]
    assert [f.severity for f in found] == [severity], [f.message for f in found]
    fails_here = "partially initialized module" in import_first(root, "pkg").stderr
    assert fails_here is (severity is Severity.ERROR)  # this is not Windows
