"""``new_project`` and ``pkgforge new``: what is made, what is refused, what is left behind."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pkgforge.errors import (
    InvalidNameError,
    ProjectExistsError,
    TemplateError,
    UsageError,
)
from pkgforge.scaffold import builtin_templates, new_project
from pkgforge.scaffold.templates import builtin_templates_dir

GIT_NAME = "Ada Lovelace"  # set by the git_identity fixture
GIT_EMAIL = "ada@example.org"
SOUND_MODULES = (
    "formats.wavread",
    "formats.wavwrite",
    "effects.echo",
    "effects.surround",
    "effects.reverse",
    "filters.equalizer",
)

DEFAULT_FILES = {
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/pins.yml",
    ".github/workflows/release.yml",
    ".gitignore",
    ".pkgforge-template.json",
    ".pre-commit-config.yaml",
    ".readthedocs.yaml",
    "LICENSE",
    "README.md",
    "docs/conf.py",
    "docs/index.md",
    "noxfile.py",
    "pyproject.toml",
    "src/sound/__init__.py",
    "src/sound/py.typed",
    "tests/test_package.py",
}


def test_default_template_makes_a_modern_src_layout(work: Path) -> None:
    result = new_project("sound", no_input=True)
    assert result.project_dir == work / "sound"
    assert set(result.files) == DEFAULT_FILES
    assert result.findings == ()
    assert not result.has_errors
    assert result.names.import_name == "sound"
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert project["name"] == "sound"
    assert project["license"] == "MIT"
    assert project["requires-python"] == ">=3.11"
    assert project["authors"] == [{"name": GIT_NAME, "email": GIT_EMAIL}]
    assert pyproject["build-system"]["requires"] == ["setuptools>=77"]
    assert "Programming Language :: Python :: 3.15" in project["classifiers"]
    init = (result.project_dir / "src/sound/__init__.py").read_text()
    assert '__version__ = "0.1.0"' in init
    assert '__all__ = ["__version__"]' in init
    assert "Copyright (c) 20" in (result.project_dir / "LICENSE").read_text()
    # The GitHub expressions survive Jinja: they are for Actions, not for cookiecutter.
    ci = (result.project_dir / ".github/workflows/ci.yml").read_text()
    assert "${{ matrix.python-version }}" in ci
    release = (result.project_dir / ".github/workflows/release.yml").read_text()
    assert "uses: pypa/gh-action-pypi-publish@ba38be9e461d3875417946c167d0b5f3d385a247" in release
    assert "id-token: write" in release
    assert not list(work.glob(".pkgforge-new-*"))


def test_author_defaults_when_git_has_no_identity(
    work: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    result = new_project("sound", no_input=True, run_check=False)
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["authors"] == [{"name": "Your Name", "email": "you@example.com"}]


def test_sound_tree_from_the_tutorial(work: Path) -> None:
    result = new_project("sound", no_input=True, modules=SOUND_MODULES)
    assert result.findings == ()
    src = result.project_dir / "src/sound"
    assert (
        '__all__ = ["__version__", "effects", "filters", "formats"]'
        in (src / "__init__.py").read_text()
    )
    assert '__all__ = ["echo", "reverse", "surround"]' in (src / "effects/__init__.py").read_text()
    assert '__all__ = ["wavread", "wavwrite"]' in (src / "formats/__init__.py").read_text()
    assert '__all__ = ["equalizer"]' in (src / "filters/__init__.py").read_text()
    echo = (src / "effects/echo.py").read_text()
    assert echo.startswith('"""The ``sound.effects.echo`` module."""')
    assert '__all__ = ["describe"]' in echo
    assert (result.project_dir / "tests/effects/test_echo.py").is_file()
    assert (result.project_dir / "tests/filters/test_equalizer.py").is_file()
    # from sound.effects import * binds exactly the submodules the tutorial names
    probe = (
        "from sound.effects import *\n"
        "print(sorted(n for n in dir() if not n.startswith('_')))\n"
        "print(echo.describe())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=work,
        env={"PYTHONPATH": str(result.project_dir / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.splitlines() == ["['echo', 'reverse', 'surround']", "sound.effects.echo"]


def test_uppercase_name_warns_and_goes_on(work: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = new_project("Sound", no_input=True)
    assert result.project_dir == work / "Sound"
    assert result.names.import_name == "Sound"
    assert any("uppercase" in w for w in result.warnings)
    assert any("uppercase" in r.message for r in caplog.records if r.levelname == "WARNING")


def test_dashed_name_derives_the_import_name(work: Path) -> None:
    result = new_project("sound-tools", no_input=True, modules=["effects.echo"])
    assert (result.project_dir / "src/sound_tools/effects/echo.py").is_file()
    assert result.findings == ()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("2fast", "not a valid Python identifier"),
        ("class", "keyword"),
        ("email", "standard-library"),
        ("os", "standard-library"),
        ("", "empty"),
        ("a/b", "path separator"),
        ("..", "path separator or '..'"),
        ("../escape", "path separator"),
        ("a\\b", "path separator"),
        ("my package", "not a valid Python identifier"),
    ],
)
def test_rejected_names_create_nothing(work: Path, name: str, reason: str) -> None:
    with pytest.raises(InvalidNameError, match=reason) as err:
        new_project(name, no_input=True)
    assert err.value.hint
    assert list(work.iterdir()) == []
    assert sorted(p.name for p in work.parent.iterdir()) == ["gitconfig", "work"]


@pytest.mark.parametrize("dotted", ["effects.class", "2d", "effects..echo", ".echo", "a-b"])
def test_rejected_module_names_create_nothing(work: Path, dotted: str) -> None:
    with pytest.raises(InvalidNameError):
        new_project("sound", no_input=True, modules=[dotted])
    assert list(work.iterdir()) == []


def test_a_module_asked_for_twice_is_made_once(work: Path) -> None:
    result = new_project(
        "sound", no_input=True, modules=["effects.echo", "effects.echo", "sound.effects.echo"]
    )
    assert result.modules == ("sound.effects.echo",)
    assert '__all__ = ["echo"]' in (work / "sound/src/sound/effects/__init__.py").read_text()


def test_module_clashes_name_paths_in_the_project_not_the_temporary_folder(work: Path) -> None:
    with pytest.raises(ProjectExistsError) as err:
        new_project("sound", no_input=True, modules=["effects", "effects.echo"])
    assert err.value.message == (
        "sound.effects is a module (src/sound/effects.py), so it cannot become a package"
    )
    assert list(work.iterdir()) == []


def test_a_git_template_s_errors_name_no_temporary_folder(work: Path, tmp_path: Path) -> None:
    import tempfile

    template = make_template(tmp_path / "bad-json-repo", {"a.txt": "a\n"}, {})
    (template / "cookiecutter.json").write_text("{not json")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "t"]):
        subprocess.run(["git", *args], cwd=template, check=True, capture_output=True)
    with pytest.raises(TemplateError) as err:
        new_project("sound", template=f"file://{template}", no_input=True)
    assert err.value.message.startswith(
        "cannot read the cookiecutter.json of template 'bad-json-repo': Expecting property name"
    )
    assert tempfile.gettempdir() not in err.value.message


def test_existing_non_empty_folder_is_left_alone(work: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    target = work / "sound"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    before = snapshot(work)
    with pytest.raises(ProjectExistsError, match="not empty"):
        new_project("sound", no_input=True)
    assert snapshot(work) == before


def test_existing_file_with_the_name_is_left_alone(work: Path) -> None:
    (work / "sound").write_text("mine")
    with pytest.raises(ProjectExistsError):
        new_project("sound", no_input=True)
    assert (work / "sound").read_text() == "mine"
    assert [p.name for p in work.iterdir()] == ["sound"]


def test_existing_empty_folder_is_used(work: Path) -> None:
    (work / "sound").mkdir()
    result = new_project("sound", no_input=True, run_check=False)
    assert (result.project_dir / "pyproject.toml").is_file()


def test_output_dir_is_created_and_removed_again_on_failure(work: Path) -> None:
    result = new_project("sound", output_dir="deep/er", no_input=True, run_check=False)
    assert result.project_dir == work / "deep/er/sound"
    with pytest.raises(TemplateError):
        new_project("sound", output_dir="other/place", template="nonexistent-template")
    assert not (work / "other").exists()


def test_settings_override_template_variables(work: Path) -> None:
    result = new_project(
        "sound",
        no_input=True,
        settings=["license=Apache-2.0", "description=Sound: files & effects", "python_min=3.12"],
    )
    assert result.findings == ()
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "Apache-2.0"
    assert pyproject["project"]["description"] == "Sound: files & effects"
    assert pyproject["project"]["requires-python"] == ">=3.12"
    assert "Programming Language :: Python :: 3.11" not in pyproject["project"]["classifiers"]
    assert "Apache License" in (result.project_dir / "LICENSE").read_text()


def test_description_with_quotes_stays_valid_python_and_toml(work: Path) -> None:
    result = new_project("sound", no_input=True, extra_context={"description": 'Say "hi" \\o/'})
    assert result.findings == ()
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == 'Say "hi" \\o/'


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (["colour=blue"], "no variable 'colour'"),
        (
            ["license=GPL-3.0-only"],
            "license: 'GPL-3.0-only' is not one of the template's choices: MIT, ",
        ),
        (["project_name=other"], "conflicts with the project NAME"),
        (["license"], "not KEY=VALUE"),
    ],
)
def test_bad_settings_create_nothing(work: Path, settings: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        new_project("sound", no_input=True, settings=settings)
    assert list(work.iterdir()) == []


def test_unknown_builtin_template(work: Path) -> None:
    with pytest.raises(TemplateError, match="no built-in template called 'fancy'") as err:
        new_project("sound", template="fancy")
    assert "default" in (err.value.hint or "")
    assert list(work.iterdir()) == []


def test_template_folder_without_cookiecutter_json(work: Path, tmp_path: Path) -> None:
    folder = tmp_path / "not-a-template"
    folder.mkdir()
    with pytest.raises(TemplateError, match=r"no cookiecutter\.json"):
        new_project("sound", template=str(folder))
    with pytest.raises(TemplateError, match="does not exist"):
        new_project("sound", template=str(tmp_path / "missing"))
    assert list(work.iterdir()) == []


def make_template(root: Path, files: dict[str, str], variables: dict[str, object]) -> Path:
    """A local cookiecutter template with ``files`` under ``{{cookiecutter.project_name}}/``."""
    root.mkdir(parents=True)
    (root / "cookiecutter.json").write_text(json.dumps({"project_name": "x", **variables}))
    for relative, text in files.items():
        path = root / "{{cookiecutter.project_name}}" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_malformed_cookiecutter_json(work: Path, tmp_path: Path) -> None:
    template = make_template(tmp_path / "bad-json", {"a.txt": "a\n"}, {})
    (template / "cookiecutter.json").write_text("{not json")
    with pytest.raises(TemplateError, match=r"cannot read .*cookiecutter\.json"):
        new_project("sound", template=str(template), no_input=True)
    assert list(work.iterdir()) == []


def test_local_template_path(work: Path, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "tpl",
        {
            "pyproject.toml": '[project]\nname = "{{ cookiecutter.project_name }}"\n',
            "{{cookiecutter.import_name}}/__init__.py": '"""{{ cookiecutter.greeting }}."""\n',
        },
        {"import_name": "{{ cookiecutter.project_name }}", "greeting": "Hello"},
    )
    result = new_project(
        "sound", template=template, settings=["greeting=Hi"], modules=["effects.echo"]
    )
    assert result.template == template
    init = (result.project_dir / "sound/__init__.py").read_text()
    assert init.startswith('"""Hi."""')
    assert '__all__ = ["effects"]' in init
    assert (result.project_dir / "sound/effects/echo.py").is_file()


def test_broken_template_leaves_nothing_behind(work: Path, tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "broken",
        {
            "README.md": "fine\n",
            "zzz_last.txt": "{{ cookiecutter.undefined_variable }}\n",
        },
        {},
    )
    with pytest.raises(TemplateError, match="undefined_variable") as err:
        new_project("sound", template=str(template), no_input=True)
    assert err.value.hint
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "error"),
    [("{% if %}\n", "TemplateSyntaxError"), ("{{ 1 / 0 }}\n", "ZeroDivisionError")],
)
def test_template_errors_leave_nothing_behind(
    work: Path, tmp_path: Path, text: str, error: str
) -> None:
    template = make_template(tmp_path / "syntax", {"a.txt": "fine\n", "b.txt": text}, {})
    with pytest.raises(TemplateError, match=f"failed to render: {error}"):
        new_project("sound", template=str(template), no_input=True)
    assert list(work.iterdir()) == []


def test_failing_hook_leaves_nothing_behind(work: Path, tmp_path: Path) -> None:
    template = make_template(tmp_path / "hooked", {"a.txt": "a\n"}, {})
    (template / "hooks").mkdir()
    (template / "hooks/post_gen_project.py").write_text("import sys\nsys.exit(3)\n")
    with pytest.raises(TemplateError, match="failed to render"):
        new_project("sound", template=str(template), no_input=True)
    assert list(work.iterdir()) == []


def test_ctrl_c_mid_render_leaves_nothing_behind(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cookiecutter.generate

    real = cookiecutter.generate.generate_file
    calls = {"n": 0}

    def interrupted(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cookiecutter.generate, "generate_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        new_project("sound", output_dir="made/here", no_input=True)
    assert calls["n"] == 5
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("template", ["default", "minimal"])
@pytest.mark.parametrize("license_id", ["MIT", "Apache-2.0", "BSD-3-Clause"])
def test_every_builtin_template_and_option_checks_clean(
    work: Path, template: str, license_id: str
) -> None:
    modules = SOUND_MODULES if license_id == "MIT" else ()
    result = new_project(
        "sound",
        template=template,
        no_input=True,
        modules=modules,
        settings=[f"license={license_id}"],
    )
    assert result.findings == (), [str(f) for f in result.findings]


def test_builtin_templates_are_listed() -> None:
    assert {"default", "minimal"} <= set(builtin_templates())


# --- the command ----------------------------------------------------------------------


def test_cli_new_reports_what_it_made(work: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("new", "sound", "--no-input", "--module", "effects.echo")
    assert status == 0, err
    config = builtin_templates_dir() / "default" / "cookiecutter.json"
    version = json.loads(config.read_text())["_template_version"]
    assert out.splitlines()[0] == f"Created sound/ (20 files) from template 'default' {version}"
    assert "added sound.effects.echo" in out
    assert "Traceback" not in err


def test_cli_new_refuses_existing_folder(work: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (work / "sound").mkdir()
    (work / "sound/keep.txt").write_text("x")
    status, out, err = run_cli("new", "sound", "--no-input")
    assert status == 2
    assert err.splitlines()[0].startswith("error: ")
    assert err.splitlines()[1].startswith("hint: ")
    assert out == ""


@pytest.mark.parametrize("name", ["2fast", "class", "email", "a/b"])
def test_cli_new_rejects_names(work: Path, run_cli, name: str) -> None:  # type: ignore[no-untyped-def]
    status, _, err = run_cli("new", name, "--no-input")
    assert status == 2
    assert err.startswith("error: ") and "\nhint: " in err
    assert list(work.iterdir()) == []


def test_cli_new_prints_findings_and_fails_on_errors(work: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    template = make_template(
        tmp_path / "exports-ghost",
        {
            "pyproject.toml": '[project]\nname = "{{ cookiecutter.project_name }}"\n'
            'version = "1"\nrequires-python = ">=3.11"\nlicense = "MIT"\n',
            "src/{{cookiecutter.project_name}}/__init__.py": '"""Ghost."""\n\n__all__ = ["ghost"]\n',
        },
        {},
    )
    status, out, _ = run_cli("new", "sound", "--template", str(template), "--no-input")
    assert status == 1
    line = next(x for x in out.splitlines() if "PF302" in x)
    assert line.startswith("sound/src/sound/__init__.py:3:12: PF302 ")
    assert "ghost" in line


def test_cli_new_ctrl_c_exits_130(work: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import cookiecutter.generate

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cookiecutter.generate, "generate_file", interrupted)
    status, _, err = run_cli("new", "sound", "--no-input")
    assert status == 130
    assert "interrupted" in err
    assert list(work.iterdir()) == []


def test_bytecode_inside_a_template_is_not_copied(work: Path, tmp_path: Path) -> None:
    # pip byte-compiles the templates inside pkgforge's wheel; that must not leak.
    template = make_template(tmp_path / "compiled", {"tool.py": "X = 1\n"}, {})
    cache = template / "{{cookiecutter.project_name}}" / "__pycache__"
    cache.mkdir()
    (cache / "tool.cpython-311.pyc").write_bytes(b"\x00bytecode")
    result = new_project("sound", template=str(template), no_input=True, run_check=False)
    assert result.files == (".pkgforge-template.json", "tool.py")


def test_prompts_only_at_a_terminal_and_only_for_open_variables(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cookiecutter.prompt

    import pkgforge.scaffold.project as project

    asked: list[str] = []

    def answer(key: str, default: object, *args: object) -> object:
        asked.append(key)
        return "Typed at the prompt" if key == "description" else default

    def choose(key: str, options: list[str], *args: object) -> str:
        asked.append(key)
        return options[0]

    monkeypatch.setattr(cookiecutter.prompt, "read_user_variable", answer)
    monkeypatch.setattr(cookiecutter.prompt, "read_user_choice", choose)
    # Not a terminal: nothing is asked even without no_input.
    new_project("quiet", run_check=False)
    assert asked == []
    monkeypatch.setattr(project, "stdin_is_interactive", lambda: True)
    result = new_project("sound", settings=["license=BSD-3-Clause"], run_check=False)
    assert "description" in asked
    assert not {"project_name", "project_slug", "import_name", "license"} & set(asked)
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == "Typed at the prompt"
    assert pyproject["project"]["license"] == "BSD-3-Clause"
    # no_input wins over a terminal
    asked.clear()
    new_project("batch", no_input=True, run_check=False)
    assert asked == []


def test_unwritable_output_folder_is_a_usage_error(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def denied(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    with pytest.raises(UsageError, match="cannot write in new/place: Permission denied"):
        new_project("sound", output_dir="new/place", no_input=True)
    assert list(work.iterdir()) == []


def test_output_below_a_file_is_refused(work: Path) -> None:
    (work / "afile").write_text("x")
    with pytest.raises(ProjectExistsError, match="is a file"):
        new_project("sound", output_dir="afile/sub", no_input=True)
    assert [p.name for p in work.iterdir()] == ["afile"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["🎵"], "error: '🎵' is not a valid Python identifier, so it cannot be imported"),
        (["sound", "--set", "version=banana"], "error: version: 'banana' is not a PEP 440 version"),
        (["tests"], "error: 'tests' cannot be a project name: a wheel that installs a top-level"),
        (["a" * 300], "error: the project name is too long: 300 bytes, at most 200"),
        (["é"], "error: 'é' is not a valid distribution name: PEP 508 allows only ASCII"),
    ],
)
def test_cli_new_refuses_with_one_clear_line(work: Path, argv: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pkgforge", "new", *argv, "--no-input"],
        cwd=work,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 2
    error, hint = proc.stderr.splitlines()
    assert error.startswith(message)
    assert hint.startswith("hint: ")
    assert proc.stdout == ""
    assert list(work.iterdir()) == []


def test_unicode_module_names_are_made_with_a_warning(work: Path) -> None:
    result = new_project("sound", no_input=True, modules=["effects.écho"])
    assert (result.project_dir / "src/sound/effects/écho.py").is_file()
    assert any("'écho' is not ASCII" in warning for warning in result.warnings)
    assert [f.code for f in result.findings] == ["PF201"]  # check says the same, as a warning
    assert not result.has_errors
