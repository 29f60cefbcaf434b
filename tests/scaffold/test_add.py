"""``add_module`` and ``pkgforge add``: grow a package, keep every ``__all__`` right, or change nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pkgforge.errors import (
    InvalidNameError,
    ProjectExistsError,
    ProjectNotFoundError,
    UnsafeEditError,
)
from pkgforge.scaffold import add_module


def test_add_module_creates_package_module_and_test(sound: Path) -> None:
    result = add_module("effects.echo", project=sound)
    assert result.module == "sound.effects.echo"
    assert result.project_dir == sound
    assert set(result.created) == {
        sound / "src/sound/effects/__init__.py",
        sound / "src/sound/effects/echo.py",
        sound / "tests/effects/test_echo.py",
    }
    assert result.edited == (sound / "src/sound/__init__.py",)
    assert result.findings == ()
    assert '__all__ = ["__version__", "effects"]' in (sound / "src/sound/__init__.py").read_text()
    assert '__all__ = ["echo"]' in (sound / "src/sound/effects/__init__.py").read_text()
    # A second module in the same package only edits that package's __all__.
    second = add_module("effects.surround", project=sound)
    assert second.edited == (sound / "src/sound/effects/__init__.py",)
    assert '__all__ = ["echo", "surround"]' in (sound / "src/sound/effects/__init__.py").read_text()
    out = subprocess.run(
        [sys.executable, "-c", "from sound.effects import *; print(surround.describe())"],
        env={"PYTHONPATH": str(sound / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "sound.effects.surround"


def test_full_dotted_name_means_the_same_module(sound: Path) -> None:
    result = add_module("sound.effects.echo", project=sound)
    assert result.module == "sound.effects.echo"
    assert (sound / "src/sound/effects/echo.py").is_file()
    assert not (sound / "src/sound/sound").exists()


def test_a_subpackage_named_like_the_package_is_kept(sound: Path) -> None:
    add_module("sound.inner", project=sound)  # the full name of top-level `inner`
    (sound / "src/sound/sound").mkdir()
    (sound / "src/sound/sound/__init__.py").write_text("__all__: list[str] = []\n")
    result = add_module("sound.echo", project=sound)
    assert result.module == "sound.sound.echo"


def test_add_top_level_module(sound: Path) -> None:
    result = add_module("utils", project=sound)
    assert (sound / "src/sound/utils.py").is_file()
    assert (sound / "tests/test_utils.py").read_text().count("from sound import utils") == 1
    assert result.findings == ()


def test_add_finds_the_project_from_a_subfolder(sound: Path) -> None:
    result = add_module("effects.echo", project=sound / "src/sound")
    assert result.project_dir == sound


def test_add_keeps_comments_and_formatting_of_the_parent(sound: Path) -> None:
    init = sound / "src/sound/__init__.py"
    original = (
        '"""Sound: a package for sound files."""\n'
        "\n"
        "# The version is read by setuptools; keep it a literal.\n"
        '__version__ = "0.1.0"\n'
        "\n"
        "__all__ = [\n"
        '    "__version__",  # the version\n'
        '    "formats",\n'
        "]\n"
        "\n"
        "def   helper( x ) :   # odd spacing stays\n"
        "    return x\n"
    )
    init.write_text(original)
    (sound / "src/sound/formats").mkdir()
    (sound / "src/sound/formats/__init__.py").write_text("__all__ = []\n")
    add_module("effects.echo", project=sound)
    assert init.read_text() == original.replace(
        '    "__version__",  # the version\n', '    "__version__",  # the version\n    "effects",\n'
    )


def test_folder_without_init_becomes_a_package_listing_what_it_holds(sound: Path) -> None:
    folder = sound / "src/sound/effects"
    folder.mkdir()
    (folder / "reverse.py").write_text('"""Reverse."""\n\n__all__: list[str] = []\n')
    add_module("effects.echo", project=sound)
    assert '__all__ = ["echo", "reverse"]' in (folder / "__init__.py").read_text()


def test_existing_test_file_is_kept_with_a_warning(
    sound: Path, caplog: pytest.LogCaptureFixture
) -> None:
    test_file = sound / "tests/effects/test_echo.py"
    test_file.parent.mkdir(parents=True)
    test_file.write_text("# mine\n")
    result = add_module("effects.echo", project=sound)
    assert test_file.read_text() == "# mine\n"
    assert any("already exists" in w for w in result.warnings)
    assert any("already exists" in r.message for r in caplog.records)


# --- refusals change nothing ---------------------------------------------------------------


def test_existing_module_is_refused(sound: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    add_module("effects.echo", project=sound)
    before = snapshot(sound)
    with pytest.raises(ProjectExistsError, match=r"module sound\.effects\.echo already exists"):
        add_module("effects.echo", project=sound)
    with pytest.raises(ProjectExistsError, match="already exists as a package"):
        add_module("effects", project=sound)
    assert snapshot(sound) == before


def test_module_in_the_way_of_a_package_is_refused(sound: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    add_module("effects", project=sound)
    before = snapshot(sound)
    with pytest.raises(ProjectExistsError, match="cannot become a package"):
        add_module("effects.echo", project=sound)
    assert snapshot(sound) == before


@pytest.mark.parametrize("dotted", ["effects.class", "2d", "effects..echo", "", "a/b", "my-mod"])
def test_invalid_names_are_refused(sound: Path, snapshot, dotted: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(sound)
    with pytest.raises(InvalidNameError):
        add_module(dotted, project=sound)
    assert snapshot(sound) == before


@pytest.mark.parametrize(
    "init",
    [
        "__all__ = make_names()\n",
        '__all__ = ["__version__"]\n__all__ += ["extra"]\n',
        'VERSION = "1"\n',  # public names and no __all__
    ],
)
def test_parent_all_that_cannot_be_edited_is_refused(sound: Path, snapshot, init: str) -> None:  # type: ignore[no-untyped-def]
    (sound / "src/sound/__init__.py").write_text(init)
    before = snapshot(sound)
    with pytest.raises(UnsafeEditError) as err:
        add_module("effects.echo", project=sound)
    assert "src/sound/__init__.py" in err.value.message
    assert snapshot(sound) == before


def test_no_project_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match=r"no pyproject\.toml"):
        add_module("echo", project=tmp_path)
    with pytest.raises(ProjectNotFoundError, match="does not exist"):
        add_module("echo", project=tmp_path / "missing")


def test_project_without_a_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "ghost"\n')
    with pytest.raises(ProjectNotFoundError, match="cannot tell which package"):
        add_module("echo", project=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig", "pyproject.toml"]


def test_failure_while_writing_undoes_everything(
    sound: Path, snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import pkgforge.scaffold.layout as layout

    before = snapshot(sound)

    def broken_replace(path: Path, data: bytes) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(layout, "_replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        add_module("effects.echo", project=sound)
    assert snapshot(sound) == before


# --- the command ---------------------------------------------------------------------


def test_cli_add(sound: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("add", "effects.echo", "--project", str(sound))
    assert status == 0, err
    assert out.splitlines() == [
        "Added sound.effects.echo",
        "  created src/sound/effects/__init__.py",
        "  created src/sound/effects/echo.py",
        "  created tests/effects/test_echo.py",
        "  updated src/sound/__init__.py (__all__)",
    ]


def test_cli_add_refusal_is_one_line_with_hint(sound: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (sound / "src/sound/__init__.py").write_text("__all__ = names()\n")
    status, out, err = run_cli("add", "effects.echo", "--project", str(sound))
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("error: the __all__ of ")
    assert lines[1].startswith("hint: ")


def test_cli_add_prints_findings_of_the_project(sound: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (sound / "src/sound/__init__.py").write_text('__all__ = ["ghost"]\n')
    status, out, _ = run_cli("add", "effects.echo", "--project", str(sound))
    assert status == 1
    assert any(" PF302 " in line and "ghost" in line for line in out.splitlines())
