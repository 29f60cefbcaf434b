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


def test_the_package_own_name_alone_is_refused(sound: Path, snapshot, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(sound)
    with pytest.raises(InvalidNameError, match="'sound' is the top-level package itself"):
        add_module("sound", project=sound)
    assert snapshot(sound) == before
    code, out, err = run_cli("add", "sound", "--project", str(sound))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "error: 'sound' is the top-level package itself, not a module in it",
        (
            "hint: name a module inside it, such as 'effects' or 'sound.effects'; "
            "a module called sound in it is 'sound.sound'"
        ),
    ]


def test_a_module_named_like_the_package_takes_no_full_names_away(sound: Path) -> None:
    assert add_module("sound.sound", project=sound).module == "sound.sound"
    assert (sound / "src/sound/sound.py").is_file()
    # A module has no submodules: the full name still means the top-level package's.
    assert add_module("sound.effects.x", project=sound).module == "sound.effects.x"
    assert (sound / "src/sound/effects/x.py").is_file()


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


# --- add never creates what check then reports ----------------------------------------


def _check_findings(project: Path) -> set[tuple[str, str]]:
    from pkgforge import check

    return {(f.code, f.path) for f in check([project], use_cache=False).findings}


@pytest.mark.parametrize(
    ("dotted", "suggestion"),
    [
        ("Effects.Echo", "effects.echo"),  # the package collides with effects/
        ("Effects.reverb", "effects.reverb"),
        ("effects.ECHO", "effects.echo"),  # the module collides with effects/echo.py
        ("EFFECTS", "effects"),  # a module file next to the package effects/
    ],
)
def test_case_collision_is_refused_with_a_suggestion(
    sound: Path,
    snapshot,  # type: ignore[no-untyped-def]
    dotted: str,
    suggestion: str,
) -> None:
    add_module("effects.echo", project=sound)
    before = snapshot(sound)
    with pytest.raises(ProjectExistsError, match="differ only by case") as caught:
        add_module(dotted, project=sound)
    assert caught.value.hint is not None
    assert f"'{suggestion}'" in caught.value.hint
    assert snapshot(sound) == before


def test_case_collision_with_a_module_file(sound: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    add_module("utils", project=sound)
    before = snapshot(sound)
    with pytest.raises(ProjectExistsError, match=r"the module sound\.utils would differ"):
        add_module("Utils.helpers", project=sound)
    assert snapshot(sound) == before


def test_case_collision_between_modules_planned_together(sound: Path) -> None:
    from pkgforge.scaffold.layout import Plan, PlannedTree, plan_module

    tree = PlannedTree(Plan())
    common = {"package_dir": sound / "src/sound", "import_name": "sound"}
    plan_module(tree, tests_dir=sound / "tests", parts=("effects", "echo"), **common)
    with pytest.raises(ProjectExistsError, match="differ only by case"):
        plan_module(tree, tests_dir=sound / "tests", parts=("effects", "Echo"), **common)


def test_uppercase_name_is_refused_while_pf204_is_selected(sound: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(sound)
    with pytest.raises(InvalidNameError, match="lowercase") as caught:
        add_module("Effects.Echo", project=sound)
    assert caught.value.hint is not None
    assert "'effects.echo'" in caught.value.hint
    assert snapshot(sound) == before


def test_uppercase_name_is_added_when_the_project_ignores_pf204(sound: Path) -> None:
    pyproject = sound / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.pkgforge]\nignore = ["PF204"]\n')
    before = _check_findings(sound)
    result = add_module("Effects.Echo", project=sound)
    assert (sound / "src/sound/Effects/Echo.py").is_file()
    assert _check_findings(sound) == before
    assert result.findings == ()


@pytest.mark.parametrize(
    ("dotted", "module_file", "init", "listed"),
    [
        ("effects._private", "effects/_private.py", "effects/__init__.py", "[]"),
        ("effects.__main__", "effects/__main__.py", "effects/__init__.py", "[]"),
        ("_impl.echo", "_impl/echo.py", "_impl/__init__.py", '["echo"]'),
        ("_helpers", "_helpers.py", "__init__.py", '["__version__"]'),
    ],
)
def test_underscore_names_stay_out_of_all(
    sound: Path, dotted: str, module_file: str, init: str, listed: str
) -> None:
    before = _check_findings(sound)
    result = add_module(dotted, project=sound)
    package = sound / "src/sound"
    assert (package / module_file).is_file()
    text = (package / init).read_text()
    assert f"__all__ = {listed}" in text or f"__all__: list[str] = {listed}" in text
    assert '"_' not in (package / "__init__.py").read_text().replace('"__version__"', "")
    assert result.findings == ()
    assert _check_findings(sound) == before


def test_main_module_is_not_run_by_import_star(sound: Path) -> None:
    add_module("effects.echo", project=sound)
    add_module("effects.__main__", project=sound)
    main = sound / "src/sound/effects/__main__.py"
    main.write_text(main.read_text() + '\nprint("RAN")\n')
    out = subprocess.run(
        [sys.executable, "-c", "from sound.effects import *"],
        env={"PYTHONPATH": str(sound / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "RAN" not in out.stdout


def _run(sound: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv],
        env={"PYTHONPATH": str(sound / "src")},
        cwd=sound,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("package", ["sound", "sound.effects"])
def test_main_module_runs_under_python_m(sound: Path, package: str) -> None:
    dotted = "__main__" if package == "sound" else "effects.__main__"
    add_module(dotted, project=sound, run_check=False)
    ran = _run(sound, "-m", package, "hello", "world")
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, f"{package} hello world\n", "")
    test_file = (
        sound / "tests" / dotted.replace("__main__", "").replace(".", "/") / "test___main__.py"
    )
    tested = _run(sound, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_main_module_runs_the_project_command(sound: Path) -> None:
    pyproject = sound / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[project.scripts]\nsound-tool = "other.cli:main"\nsound = "sound.cli:app.run"\n'
    )
    (sound / "src/sound/cli.py").write_text(
        '"""The command."""\n\n__all__ = ["app"]\n\n\n'
        "class _App:\n"
        "    def run(self) -> int:\n"
        '        print("the sound command")\n'
        "        return 3\n\n\n"
        "app = _App()\n"
    )
    add_module("__main__", project=sound, run_check=False)
    main = (sound / "src/sound/__main__.py").read_text()
    assert "from sound.cli import app" in main and "sys.exit(app.run())" in main
    ran = _run(sound, "-m", "sound")
    assert (ran.returncode, ran.stdout) == (3, "the sound command\n")
    tested = _run(sound, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test___main__.py")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_new_package_does_not_list_private_modules_it_already_holds(sound: Path) -> None:
    folder = sound / "src/sound/effects"
    folder.mkdir()
    for name in ("reverse", "_mix", "__main__"):
        (folder / f"{name}.py").write_text(f'"""{name}."""\n\n__all__: list[str] = []\n')
    result = add_module("effects.echo", project=sound)
    assert '__all__ = ["echo", "reverse"]' in (folder / "__init__.py").read_text()
    assert result.findings == ()


def test_init_is_refused_as_a_module_name(sound: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(sound)
    with pytest.raises(InvalidNameError, match="__init__"):
        add_module("effects.__init__", project=sound)
    assert snapshot(sound) == before


@pytest.mark.parametrize(
    "dotted", ["effects.echo", "effects._private", "effects.__main__", "_impl.echo"]
)
def test_cli_check_after_add_finds_nothing_new(sound: Path, run_cli, dotted: str) -> None:  # type: ignore[no-untyped-def]
    before = _check_findings(sound)
    status, _, err = run_cli("add", dotted, "--project", str(sound))
    assert status == 0, err
    status, out, err = run_cli("check", str(sound), "--no-cache")
    assert status == 0, out + err
    assert _check_findings(sound) == before == set()


def test_cli_says_added_once(sound: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("add", "effects.echo", "--project", str(sound))
    assert status == 0, err
    assert (out + err).count("Added") == 1


@pytest.mark.parametrize("existing", ["effects.echo", "formats.wav", None])
def test_cli_add_mixed_case_is_a_one_line_error(sound: Path, run_cli, snapshot, existing) -> None:  # type: ignore[no-untyped-def]
    if existing:
        add_module(existing, project=sound)
    before = snapshot(sound)
    status, out, err = run_cli("add", "Effects.Echo", "--project", str(sound))
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith("error: ") and "Effects" in lines[0]
    assert lines[1].startswith("hint: ") and "'effects.echo'" in lines[1]
    assert snapshot(sound) == before


def test_invalid_project_settings_are_refused_before_writing(sound: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    from pkgforge.errors import ConfigError

    pyproject = sound / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.pkgforge]\nselect = ["banana"]\n')
    before = snapshot(sound)
    with pytest.raises(ConfigError, match="banana"):
        add_module("effects.echo", project=sound)
    assert snapshot(sound) == before
