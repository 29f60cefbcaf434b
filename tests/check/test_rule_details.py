"""Finer points of the layout, names and metadata rules, beyond the fixture pairs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity

from .conftest import GOOD_PYPROJECT, write_tree


def _found(root: Path, code: str) -> list[Finding]:
    return list(check([root], select=[code], use_cache=False).findings)


def test_stdlib_shadowing_single_module_and_nested(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/random.py": "", "src/sound/__init__.py": "", "src/sound/json.py": ""})
    (finding,) = _found(root, "PF203")
    assert finding.path == "src/random.py"
    assert finding.severity is Severity.ERROR  # every supported Python has `random`


def test_a_backport_of_a_removed_module_is_a_warning(make_project: Callable[..., Path]) -> None:
    # asyncore left the standard library in 3.12: the PyPI backport is deliberate
    root = make_project({"src/asyncore.py": ""})
    (finding,) = _found(root, "PF203")
    assert finding.severity is Severity.WARNING


def test_a_python2_backport_is_a_warning(make_project: Callable[..., Path]) -> None:
    # future's `queue/` and `builtins/` serve Python 2, which requires-python admits
    old = GOOD_PYPROJECT.replace('requires-python = ">=3.11"', 'requires-python = ">=2.7"')
    assert old != GOOD_PYPROJECT
    root = make_project({"src/queue/__init__.py": ""}, pyproject=old)
    (finding,) = _found(root, "PF203")
    assert finding.severity is Severity.WARNING


def test_an_sdist_says_which_pythons_it_serves_in_pkg_info(
    make_project: Callable[..., Path],
) -> None:
    # a setup.py-only sdist: PKG-INFO holds the Requires-Python the build computed
    plain = "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n"
    pkg_info = "Metadata-Version: 2.1\nName: future\nRequires-Python: >=2.6, !=3.0.*\n"
    root = make_project({"src/queue/__init__.py": "", "PKG-INFO": pkg_info}, pyproject=plain)
    (finding,) = _found(root, "PF203")
    assert finding.severity is Severity.WARNING
    (root / "PKG-INFO").unlink()
    (finding,) = _found(root, "PF203")
    assert finding.severity is Severity.ERROR


def test_missing_init_at_the_top_of_src_but_not_of_a_flat_root(tmp_path: Path) -> None:
    src = write_tree(
        tmp_path / "src_layout", {"pyproject.toml": GOOD_PYPROJECT, "src/sound/a.py": ""}
    )
    flat = write_tree(tmp_path / "flat", {"pyproject.toml": GOOD_PYPROJECT, "scriptsdir/a.py": ""})
    assert [f.path for f in _found(src, "PF101")] == ["src/sound"]
    assert _found(flat, "PF101") == []


def test_namespace_levels_above_packages_are_fine(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/acme/tools/__init__.py": "", "src/acme/tools/x.py": ""})
    assert _found(root, "PF101") == []


def test_module_wins_over_a_namespace_directory(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/echo.py": "", "src/sound/echo/delay.py": ""}
    )
    (finding,) = _found(root, "PF104")
    assert finding.path == "src/sound/echo.py"
    assert "the modules inside it can never be imported" in finding.message
    assert finding.severity is Severity.WARNING  # dead code, not a failing import


def test_case_collision_between_module_and_package(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/echo.py": "", "src/sound/Echo/__init__.py": ""}
    )
    (finding,) = _found(root, "PF103")
    assert "`src/sound/Echo`" in finding.message and "`src/sound/echo.py`" in finding.message
    assert finding.severity is Severity.WARNING  # fails on case-insensitive systems only


def test_non_ascii_module_name_is_only_a_warning(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "src/sound/café.py": ""})
    (finding,) = _found(root, "PF201")
    assert finding.severity is Severity.WARNING
    assert "importable" in finding.message


def test_keyword_package_directory(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "src/sound/import/__init__.py": ""})
    assert [f.path for f in _found(root, "PF202")] == ["src/sound/import"]
    assert _found(root, "PF201") == []


def test_version_in_a_version_module(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"src/sound/__init__.py": "", "src/sound/_version.py": '__version__ = "0.9"\n'}
    )
    assert [f.path for f in _found(root, "PF503")] == ["src/sound/_version.py"]
    (root / "src" / "sound" / "_version.py").rename(root / "src" / "sound" / "sub_version.py")
    write_tree(root, {"src/sound/sub/_version.py": '__version__ = "0.9"\n'})
    assert _found(root, "PF503") == []


def test_dynamic_license_and_requires_python_are_not_missing(
    make_project: Callable[..., Path],
) -> None:
    pyproject = GOOD_PYPROJECT.replace('license = "MIT"\n', "").replace(
        'requires-python = ">=3.11"\n', 'dynamic = ["license", "requires-python"]\n'
    )
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject)
    assert _found(root, "PF508") == []
    assert _found(root, "PF509") == []


def test_metadata_rules_skip_without_a_project_table(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": "[tool.black]\n", "sound/__init__.py": ""})
    result = check([root], select=["PF5"], use_cache=False)
    assert result.findings == ()


def test_flat_top_level_packages_are_named_checked_but_scripts_are_not(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "Sound/__init__.py": "",
            "my-pkg/__init__.py": "",
            "run-tests.py": "",
            "RunAll.py": "",
        },
    )
    assert [f.path for f in _found(root, "PF204")] == ["Sound"]
    assert [f.path for f in _found(root, "PF201")] == ["my-pkg"]


def test_an_import_below_a_plain_module_says_it_is_not_a_package(
    make_project: Callable[..., Path],
) -> None:
    # CPython: "No module named 'sound.echo.deep'; 'sound.echo' is not a package"
    root = make_project(
        {
            "src/sound/__init__.py": "",
            "src/sound/echo.py": "",
            "src/sound/effects/__init__.py": "import sound.echo.deep\nimport sound.effect.echo\n",
        }
    )
    below_module, nowhere = _found(root, "PF404")
    assert below_module.message == (
        "`import sound.echo.deep`: no module named sound.echo.deep; 'sound.echo' is not a package"
    )
    assert nowhere.message == "`import sound.effect.echo`: no module named sound.effect.echo"
