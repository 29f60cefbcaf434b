"""Template answers: each is checked before anything is written, then written with the
escaping of the file it lands in, and read back as exactly the value that was given."""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

import pytest
import yaml

from pkgforge.errors import UsageError
from pkgforge.scaffold import new_project
from pkgforge.scaffold.filters import (
    github_handle,
    markdown_text,
    python_docstring,
    python_literal,
    toml_value,
    yaml_scalar,
)
from pkgforge.scaffold.templates import builtin_templates_dir

HOSTILE = [
    "🎵 Sound tools",
    "𠮷野家",
    "José Müller",
    'Say "hi"',
    "It's",
    "both \"double\" and 'single'",
    "Dev \\",
    "\\",
    '"',
    'ends with "',
    'three """ quotes',
    "line\nbreak",
    "tab\there",
    "bell\x07 del\x7f nel\x85 ls\u2028",
    "{{ 7*7 }}",
    "{% if",
    "{# comment",
    "",
    " padded ",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_toml_filter_reads_back_exactly(value: str) -> None:
    written = toml_value(value)
    assert tomllib.loads(f"v = {written}\n")["v"] == value
    for char in ("🎵", "𠮷", "é"):
        if char in value:
            assert char in written  # literal, not a (forbidden) surrogate escape


@pytest.mark.parametrize("value", HOSTILE)
def test_python_filters_read_back_exactly(value: str) -> None:
    assert ast.literal_eval(python_literal(value)) == value
    module = ast.parse(python_docstring(value) + "\n")
    assert ast.literal_eval(python_docstring(value)) == value
    assert isinstance(module.body[0], ast.Expr)


def test_python_literal_quotes_as_ruff_format_would() -> None:
    assert python_literal("plain") == '"plain"'
    assert python_literal('Say "hi"') == "'Say \"hi\"'"
    assert python_literal("It's") == '"It\'s"'
    assert python_docstring("A Python package.") == '"""A Python package."""'
    assert python_docstring('Say "hi" there') == '"""Say "hi" there"""'


@pytest.mark.parametrize("value", [*HOSTILE, "3.11", "yes", "no", "null", "~", "- a", "a: b", "#c"])
def test_yaml_filter_reads_back_as_the_same_string(value: str) -> None:
    assert yaml.safe_load(f"v: {yaml_scalar(value)}\n") == {"v": value}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("A Python package.", "A Python package."),
        ("snake_case stays", "snake_case stays"),
        ("*bold* _em_ `code`", "\\*bold\\* \\_em\\_ \\`code\\`"),
        ("[link](x) <b> &amp; a|b ~~s~~", "\\[link\\](x) \\<b\\> \\&amp; a\\|b \\~\\~s\\~\\~"),
        ("# not a heading", "\\# not a heading"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("{{ 7*7 }}", "{{ 7\\*7 }}"),
    ],
)
def test_markdown_filter_escapes_what_markdown_would_interpret(value: str, written: str) -> None:
    assert markdown_text(value) == written


@pytest.mark.parametrize("value", ["*bold* _em_ `code`", "# h", "<b>x</b> &amp;", "1. one", "C:\\"])
def test_markdown_filter_renders_as_the_plain_text(value: str) -> None:
    import html
    import re

    from readme_renderer.markdown import render

    rendered = render(markdown_text(value), variant="GFM") or ""
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
    assert text == value


def test_github_handle() -> None:
    assert github_handle("José García") == "jose-garcia"
    assert github_handle("Dev \\") == "dev"
    assert github_handle("🎵") == "your-name"
    assert github_handle("{{ 7*7 }}") == "7-7"


# --- through `new`: hostile answers make valid files that hold them ----------------------

AUTHOR = 'José "Pepe" O\'Brien \\'
DESCRIPTION = "🎵 Sound tools for 𠮷 {{ 7*7 }} {% if and \"quotes\" 'both' \\"


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_hostile_answers_are_written_exactly(work: Path, template: str) -> None:
    result = new_project(
        "sound",
        template=template,
        no_input=True,
        settings=[f"author_name={AUTHOR}", f"description={DESCRIPTION}"],
    )
    project = result.project_dir
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == DESCRIPTION
    assert pyproject["project"]["authors"][0]["name"] == AUTHOR
    init = ast.parse((project / "src/sound/__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(init, clean=False) == DESCRIPTION
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    if template == "default":
        conf = ast.parse((project / "docs/conf.py").read_text(encoding="utf-8"))
        values = {
            node.targets[0].id: ast.literal_eval(node.value)
            for node in conf.body
            if isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
        }
        assert values["author"] == AUTHOR
        assert values["project"] == "sound"
        assert (
            pyproject["project"]["urls"]["Homepage"] == "https://github.com/jose-pepe-o-brien/sound"
        )
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "{{ 7\\*7 }}" in readme and "49" not in readme
    assert AUTHOR in (project / "LICENSE").read_text(encoding="utf-8")
    assert result.findings == (), [str(f) for f in result.findings]


def test_jinja_in_an_answer_is_literal_text(work: Path) -> None:
    result = new_project(
        "sound",
        no_input=True,
        extra_context={"description": "{{ 7*7 }}", "author_name": "{% if"},
    )
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == "{{ 7*7 }}"
    assert pyproject["project"]["authors"][0]["name"] == "{% if"


def test_jinja_in_the_git_identity_is_literal_text(
    work: Path, git_identity: Path, tmp_path: Path
) -> None:
    git_identity.write_text("[user]\n\tname = {{ cookiecutter.license }}\n\temail = a@b.org\n")
    result = new_project("sound", no_input=True)
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["authors"][0]["name"] == "{{ cookiecutter.license }}"


def test_version_and_license_are_written_in_their_normal_form(
    work: Path, caplog: pytest.LogCaptureFixture
) -> None:
    result = new_project("sound", no_input=True, settings=["version=1.0-beta", "license=mit"])
    init = (result.project_dir / "src/sound/__init__.py").read_text()
    assert '__version__ = "1.0b0"' in init
    pyproject = tomllib.loads((result.project_dir / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "version: '1.0-beta' is written in its normal form '1.0b0'" in said
    assert result.findings == ()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("version=banana", "version: 'banana' is not a PEP 440 version"),
        ("python_min=2.7", "python_min: '2.7' is not a supported Python: 3.X from 3.11 to 3.15"),
        ("python_min=3", "python_min: '3' is not a supported Python"),
        ("python_min=3.x", "python_min: '3.x' is not a supported Python"),
        ("python_min=3.10", "python_min: '3.10' is not a supported Python"),
        ("python_min=3.16", "python_min: '3.16' is not a supported Python"),
        ("author_email=nobody", "author_email: 'nobody' is not an email address"),
        ("author_email=a b@c.org", "author_email: 'a b@c.org' is not an email address"),
        ("author_email=<a@b.org>", "author_email: '<a@b.org>' is not an email address"),
        ("url=github.com/me/sound", "url: 'github.com/me/sound' is not an http:// or https:// URL"),
        ("url=ftp://example.org", "url: 'ftp://example.org' is not an http"),
        ("url=https://", "url: 'https://' is not an http"),
        ("url=https://exa mple.org", "url: 'https://exa mple.org' is not an http"),
        ("license=banana", "license: 'banana' is not an SPDX license expression"),
        ("license=GPL-3.0-only", "license: 'GPL-3.0-only' is not one of the template's choices"),
        ("github_owner=my org", "github_owner: 'my org' is not a GitHub user or organisation"),
        ("description=two\nlines", "description: 'two\\nlines' is not one line of text"),
        ("author_name=a\x00b", "author_name: 'a\\x00b' is not one line of text"),
    ],
)
def test_invalid_answers_are_refused_before_anything_is_written(
    work: Path, setting: str, message: str
) -> None:
    with pytest.raises(UsageError) as err:
        new_project("sound", output_dir="made/here", no_input=True, settings=[setting])
    assert err.value.exit_code == 2
    assert err.value.message.startswith(message)
    assert "\n" not in err.value.message
    variable = setting.partition("=")[0]
    assert err.value.hint is not None and f"--set {variable}=" in err.value.hint
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    "setting",
    [
        "python_min=3.15",
        "python_min=3.12",
        "version=2026.11.30",
        "author_email=josé@例え.jp",
        "url=http://localhost:8080/sound",
        "license=Apache-2.0",
    ],
)
def test_valid_answers_are_accepted(work: Path, setting: str) -> None:
    result = new_project("sound", no_input=True, settings=[setting], run_check=False)
    assert (result.project_dir / "pyproject.toml").is_file()


def test_an_invalid_default_from_git_names_the_variable(work: Path, git_identity: Path) -> None:
    git_identity.write_text("[user]\n\tname = Ada\n\temail = not-an-address\n")
    with pytest.raises(UsageError, match="author_email: 'not-an-address' is not an email"):
        new_project("sound", no_input=True)
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_every_variable_has_a_human_label_and_a_check(template: str) -> None:
    spec = json.loads((builtin_templates_dir() / template / "cookiecutter.json").read_text())
    variables = [key for key in spec if not key.startswith("_")]
    labels = spec["__prompts__"]
    assert sorted(labels) == sorted(variables)
    assert all(label and label != key for key, label in labels.items())
    checked = spec["_pkgforge_validate"]
    derived = {"project_name", "project_slug", "import_name"}  # from NAME, checked there
    assert sorted(checked) == sorted(set(variables) - derived)
    assert spec["_extensions"] == ["pkgforge.scaffold.filters.Filters"]


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_no_template_file_quotes_a_value_by_hand(template: str) -> None:
    root = builtin_templates_dir() / template
    for path in root.rglob("*"):
        if path.is_file() and path.name != "cookiecutter.json":
            text = path.read_text(encoding="utf-8")
            assert "tojson" not in text, path
            assert '"{{ cookiecutter' not in text, path  # a value in quotes made by hand
            assert "replace('\"'" not in text, path


def test_a_template_declaring_an_unknown_kind_is_a_template_error(
    work: Path, tmp_path: Path
) -> None:
    from pkgforge.errors import TemplateError

    from .test_new import make_template

    template = make_template(
        tmp_path / "tpl",
        {"a.txt": "a\n"},
        {"colour": "red", "_pkgforge_validate": {"colour": "hue"}},
    )
    with pytest.raises(TemplateError, match="gives 'colour' the kind 'hue'"):
        new_project("sound", template=str(template), no_input=True)
    assert list(work.iterdir()) == []


@pytest.mark.slow
def test_hostile_answers_pass_the_peers(work: Path) -> None:
    import subprocess
    import sys

    project = new_project(
        "sound", no_input=True, settings=[f"author_name={AUTHOR}", f"description={DESCRIPTION}"]
    ).project_dir

    def run(*argv: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", *argv], cwd=project, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout + proc.stderr

    assert "Valid file: pyproject.toml" in run("validate_pyproject", "pyproject.toml")
    run("ruff", "format", "--check", ".")
    run("ruff", "check", ".")
    run("build", "--no-isolation", "--outdir", "dist", ".")
    dists = sorted(str(p) for p in (project / "dist").iterdir())
    assert run("twine", "check", "--strict", *dists).count("PASSED") == 2
