"""Discovery: project roots, package roots, layouts, and what the walk skips."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.discover import find_root
from pkgforge.checker.engine import load_project
from pkgforge.checker.walk import MAX_DEPTH
from pkgforge.errors import ProjectNotFoundError

from .conftest import GOOD_PYPROJECT, write_tree


def backend(name: str, project: str = "sound") -> str:
    """A pyproject.toml built by ``name``."""
    return GOOD_PYPROJECT.replace('"setuptools.build_meta"', f'"{name}"').replace(
        'name = "sound"', f'name = "{project}"'
    )


def _modules(root: Path) -> dict[str, str]:
    return {f.relpath: f.module for f in load_project(root, use_cache=False).files}


def test_src_layout(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "src/sound/effects/echo.py": ""})
    project = load_project(root, use_cache=False)
    assert project.package_roots == (root / "src",)
    assert project.top_level == ("sound",)
    assert _modules(root) == {
        "src/sound/__init__.py": "sound",
        "src/sound/effects/echo.py": "sound.effects.echo",
    }
    assert project.files[0].is_package and not project.files[1].is_package


def test_flat_layout_leaves_out_tests_docs_and_scripts(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "sound/__init__.py": "",
            "tests/test_sound.py": "",
            "docs/conf.py": "",
            "setup.py": "",
            "noxfile.py": "",
            "single.py": "",
            ".hidden/x.py": "",
            "build/lib/sound/__init__.py": "",
            ".venv/lib/x.py": "",
            "Tools/gen.py": "",
            "Demos/demo.py": "",
            "Doc/conf.py": "",
            "subprojects/x/y.py": "",
            "vendored-meson/mesonbuild/__init__.py": "",
        }
    )
    project = load_project(root, use_cache=False)
    assert project.package_roots == (root,)
    # setuptools ships the top modules of a flat layout only when it finds no package.
    assert _modules(root) == {"sound/__init__.py": "sound"}
    assert project.top_level == ("sound",)


def test_flat_layout_modules_ship_when_there_is_no_package(
    make_project: Callable[..., Path],
) -> None:
    root = make_project({"single.py": "", "setup.py": "", "conftest.py": "", "docs/conf.py": ""})
    assert _modules(root) == {"single.py": "single"}


def test_setuptools_package_dir_and_find(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + (
        '[tool.setuptools]\npackage-dir = {"" = "lib"}\n'
        '[tool.setuptools.packages.find]\nwhere = ["."]\ninclude = ["sound*"]\n'
        'exclude = ["sound.tests*"]\n'
    )
    root = make_project(
        {
            "lib/sound/__init__.py": "",
            "lib/sound/tests/test_x.py": "",
            "lib/other/__init__.py": "",
        },
        pyproject=pyproject,
    )
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}


def test_explicit_packages_list(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.setuptools]\npackages = ["sound", "sound.effects"]\n'
    root = make_project(
        {"sound/__init__.py": "", "sound/effects/__init__.py": "", "helper/__init__.py": ""},
        pyproject=pyproject,
    )
    assert set(_modules(root).values()) == {"sound", "sound.effects"}


def test_package_dir_for_one_package(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + '[tool.setuptools]\npackage-dir = {"sound" = "code"}\n'
    root = make_project({"code/__init__.py": "", "code/echo.py": ""}, pyproject=pyproject)
    assert _modules(root) == {"code/__init__.py": "sound", "code/echo.py": "sound.echo"}


def test_hatch_and_poetry_package_lists(make_project: Callable[..., Path]) -> None:
    hatch = (
        backend("hatchling.build") + '[tool.hatch.build.targets.wheel]\npackages = ["lib/sound"]\n'
    )
    root = make_project({"lib/sound/__init__.py": "", "lib/junk/__init__.py": ""}, pyproject=hatch)
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}
    poetry = backend("poetry.core.masonry.api") + (
        '[tool.poetry]\npackages = [{ include = "sound", from = "lib" }]\n'
    )
    (root / "pyproject.toml").write_text(poetry, encoding="utf-8")
    assert _modules(root) == {"lib/sound/__init__.py": "sound"}


def test_tool_settings_of_another_backend_do_not_count(make_project: Callable[..., Path]) -> None:
    """setuptools builds this project: hatch's settings ship nothing, src/ does."""
    pyproject = GOOD_PYPROJECT + '[tool.hatch.build.targets.wheel]\npackages = ["lib/sound"]\n'
    root = make_project(
        {"lib/sound/__init__.py": "", "src/sound/__init__.py": ""}, pyproject=pyproject
    )
    assert _modules(root) == {"src/sound/__init__.py": "sound"}


def test_plain_directory_without_pyproject(tmp_path: Path) -> None:
    write_tree(tmp_path, {"sound/__init__.py": "", "sound/echo.py": ""})
    project = load_project(tmp_path, use_cache=False)
    assert project.pyproject is None and project.pyproject_path is None
    assert [f.module for f in project.files] == ["sound", "sound.echo"]


def test_bare_package_path(tmp_path: Path) -> None:
    write_tree(tmp_path, {"sound/__init__.py": "", "sound/echo.py": "", "other/__init__.py": ""})
    project = load_project(tmp_path / "sound", use_cache=False)
    assert project.root == tmp_path.resolve()
    assert [f.module for f in project.files] == ["sound", "sound.echo"]


def test_path_inside_a_project_finds_the_project(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/sound/__init__.py": "", "src/sound/effects/__init__.py": ""})
    assert find_root(root / "src" / "sound" / "effects") == (root.resolve(), "src/sound/effects")
    assert find_root(root / "src" / "sound" / "__init__.py")[1] == "src/sound/__init__.py"


def test_a_fixture_inside_another_project_is_its_own_project(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": GOOD_PYPROJECT, "fixtures/demo/x.py": ""})
    assert find_root(tmp_path / "fixtures" / "demo") == ((tmp_path / "fixtures/demo").resolve(), "")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError) as info:
        load_project(tmp_path / "nope")
    assert info.value.exit_code == 2
    assert info.value.hint


def test_symlink_loop_ends(tmp_path: Path) -> None:
    write_tree(tmp_path, {"sound/__init__.py": "", "sound/sub/__init__.py": ""})
    (tmp_path / "sound" / "sub" / "loop").symlink_to(tmp_path / "sound")
    (tmp_path / "sound" / "dangling.py").symlink_to(tmp_path / "missing.py")
    project = load_project(tmp_path, use_cache=False)
    assert [f.module for f in project.files] == ["sound", "sound.sub"]
    assert any("symlink" in why for _, why in project.extra["skipped"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_directory_is_skipped(tmp_path: Path) -> None:
    write_tree(tmp_path, {"sound/__init__.py": "", "sound/secret/x.py": ""})
    (tmp_path / "sound" / "secret").chmod(0)
    try:
        project = load_project(tmp_path, use_cache=False)
    finally:
        (tmp_path / "sound" / "secret").chmod(0o755)
    assert [f.module for f in project.files] == ["sound"]
    assert [rel for rel, _ in project.extra["skipped"]] == ["sound/secret"]


def test_very_deep_directories_are_skipped(tmp_path: Path) -> None:
    deep = "/".join(["d"] * (MAX_DEPTH + 5))
    write_tree(tmp_path, {"sound/__init__.py": "", f"sound/{deep}/x.py": ""})
    project = load_project(tmp_path, use_cache=False)
    assert [f.module for f in project.files] == ["sound"]
    assert any("deep" in why for _, why in project.extra["skipped"])


def test_bytecode_is_recorded(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"sound/__init__.py": "", "sound/old.pyc": b"", "sound/__pycache__/a.cpython-311.pyc": b""},
    )
    project = load_project(tmp_path, use_cache=False)
    assert project.bytecode == ("sound/__pycache__/a.cpython-311.pyc", "sound/old.pyc")


def test_directories_without_python_are_not_recorded(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"sound/__init__.py": "", "sound/data-files/x.txt": "", "sound/a/b.py": ""}
    )
    project = load_project(tmp_path, use_cache=False)
    assert [d.relpath for d in project.directories] == ["", "sound", "sound/a"]
    assert [d.package for d in project.directories] == ["", "sound", "sound.a"]


def test_directory_that_cannot_be_listed_is_skipped_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker import walk

    write_tree(tmp_path, {"sound/__init__.py": "", "sound/secret/x.py": ""})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)
    project = load_project(tmp_path, use_cache=False)
    assert [f.module for f in project.files] == ["sound"]
    assert project.extra["skipped"] == (
        ("sound/secret", "cannot read directory: Permission denied"),
    )


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: (p / "pyproject.toml").mkdir(), "cannot read pyproject.toml"),
        (lambda p: (p / "pyproject.toml").write_bytes(b"[project]\nname = '\xff'\n"), "not UTF-8"),
    ],
)
def test_unreadable_pyproject_is_a_finding(
    tmp_path: Path, make: Callable[[Path], object], words: str
) -> None:
    from pkgforge.checker.engine import check

    write_tree(tmp_path, {"sound/__init__.py": ""})
    make(tmp_path)
    result = check([tmp_path], select=["PF501"], use_cache=False)
    assert [f.code for f in result.findings] == ["PF501"]
    assert words in result.findings[0].message


def test_find_where_is_relative_to_the_project_root(make_project: Callable[..., Path]) -> None:
    pyproject = GOOD_PYPROJECT + (
        '[tool.setuptools]\npackage-dir = {"" = "src"}\n'
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
    )
    root = make_project({"src/sound/__init__.py": ""}, pyproject=pyproject)
    assert load_project(root, use_cache=False).package_roots == (root / "src",)
    assert _modules(root) == {"src/sound/__init__.py": "sound"}


def test_flat_layout_keeps_a_top_module_an_entry_point_imports(
    make_project: Callable[..., Path],
) -> None:
    scripts = '\n[project.scripts]\nsound-cli = "cli:main"\n'
    root = make_project(
        {"sound/__init__.py": "", "cli.py": "", "release.py": ""},
        pyproject=GOOD_PYPROJECT + scripts,
    )
    assert _modules(root) == {"cli.py": "cli", "sound/__init__.py": "sound"}
