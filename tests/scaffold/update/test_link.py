"""``pkgforge link``: adopt a project that pkgforge did not make."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pkgforge
from pkgforge.errors import ProjectExistsError, ProjectNotFoundError, UsageError
from pkgforge.scaffold import new_project
from pkgforge.scaffold.templates import builtin_templates_dir
from pkgforge.scaffold.update.link import infer_answers, link_project
from pkgforge.scaffold.update.state import STATE_FILE, checked_out, read_state, render_template


def _version(template: str) -> str:
    """The built-in template's version today (tests must not pin it)."""
    config = builtin_templates_dir() / template / "cookiecutter.json"
    return str(json.loads(config.read_text())["_template_version"])


PYPROJECT = """\
[project]
name = "sound-x"
version = "2.1"
description = "Sound files and effects"
license = "Apache-2.0"
requires-python = ">=3.12"
authors = [{ name = "Ada", email = "ada@example.org" }, { name = "Bob" }]

[project.urls]
Homepage = "https://github.com/ada-l/sound-x"
"""


@pytest.fixture
def project(work: Path) -> Path:
    """A project pkgforge did not make: its own pyproject.toml and a package with another name."""
    root = work / "sound-x"
    (root / "src" / "soundx").mkdir(parents=True)
    (root / "src" / "soundx" / "__init__.py").write_text('"""Sound."""\n')
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def test_answers_come_from_pyproject_and_the_tree(project: Path) -> None:
    result = link_project(project, template="default")
    assert result.state_file == project / STATE_FILE
    assert read_state(project) == result.state
    state = result.state
    assert (state.kind, state.source, state.version) == ("builtin", "default", _version("default"))
    assert dict(state.answers) == {
        "project_name": "sound-x",
        "project_slug": "sound-x",
        "import_name": "soundx",
        "description": "Sound files and effects",
        "author_name": "Ada",
        "author_email": "ada@example.org",
        "github_owner": "ada-l",
        "url": "https://github.com/ada-l/sound-x",
        "license": "Apache-2.0",
        "version": "2.1",
        "python_min": "3.12",
        "__year": state.answers["__year"],  # the template's computed copyright year
        "__pkgforge_version": pkgforge.__version__,  # the release that pins pkgforge-cli
    }
    assert str(state.answers["__year"]).isdigit()
    assert result.origins["import_name"] == "the package folder"
    assert result.origins["license"] == "pyproject.toml"
    assert not result.replaced
    assert sorted(p.name for p in project.iterdir()) == [STATE_FILE, "pyproject.toml", "src"]


def test_set_wins_and_the_rest_are_template_defaults(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "sound-x"\ndynamic = ["version"]\nversion = "9"\n'
        'requires-python = ">=3.10,!=3.10.1"\n'
    )
    # requires-python allows 3.10; the template starts at 3.11: said, nothing written
    with pytest.raises(UsageError, match=r"python_min: '3\.10' .* \(read from pyproject\.toml\)"):
        link_project(project, template="minimal", settings=["license=BSD-3-Clause"])
    assert not (project / STATE_FILE).exists()
    result = link_project(
        project, template="minimal", settings=["license=BSD-3-Clause", "python_min=3.11"]
    )
    answers = result.state.answers
    assert answers["license"] == "BSD-3-Clause"
    assert result.origins["license"] == "--set"
    assert answers["version"] == "0.1.0"  # a dynamic version is not an answer
    assert result.origins["version"] == "template default"
    assert answers["python_min"] == "3.11"
    assert answers["description"] == "A Python package."


@pytest.mark.parametrize(
    ("requires", "expected"),
    [(">=3.11", "3.11"), ("~=3.12.1", "3.12"), (">= 3.9, <4", "3.9"), ("<3.13", None), ("", None)],
)
def test_python_min_from_requires_python(
    tmp_path: Path, requires: str, expected: str | None
) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nrequires-python = "{requires}"\n')
    found = infer_answers(tmp_path)
    assert found.get("python_min", (None,))[0] == expected


def test_an_existing_state_is_refused_unless_forced(project: Path) -> None:
    first = link_project(project, template="default")
    before = (project / STATE_FILE).read_bytes()
    with pytest.raises(ProjectExistsError, match="already records the project's template") as err:
        link_project(project, template="minimal")
    assert "--force" in (err.value.hint or "")
    assert (project / STATE_FILE).read_bytes() == before
    second = link_project(project, template="minimal", force=True)
    assert second.replaced
    assert read_state(project).source == "minimal" != first.state.source


def test_a_license_the_template_does_not_offer_is_an_error(project: Path) -> None:
    text = (project / "pyproject.toml").read_text().replace("Apache-2.0", "GPL-3.0-only")
    (project / "pyproject.toml").write_text(text)
    with pytest.raises(UsageError, match=r"license 'GPL-3\.0-only'.* is not one the template"):
        link_project(project, template="default")
    assert not (project / STATE_FILE).exists()
    result = link_project(project, template="default", settings=["license=MIT"])
    assert result.state.answers["license"] == "MIT"


def test_bad_input_writes_nothing(project: Path, work: Path) -> None:
    with pytest.raises(UsageError, match="has no variable 'colour'"):
        link_project(project, template="default", settings=["colour=red"])
    with pytest.raises(ProjectNotFoundError, match="is not a folder"):
        link_project(work / "missing", template="default")
    (project / "pyproject.toml").write_text("[project\n")
    with pytest.raises(UsageError, match="cannot read"):
        link_project(project, template="default")
    assert not (project / STATE_FILE).exists()


def test_link_to_a_git_template_at_a_tag(project: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (repo / "cookiecutter.json").write_text(
        json.dumps({"project_name": "x", "project_slug": "{{ cookiecutter.project_name }}"})
    )
    (repo / "{{cookiecutter.project_slug}}/README.md").write_text(
        "{{ cookiecutter.project_name }}\n"
    )
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-qm", "1"],
        ["tag", "v1"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    sha = subprocess.run(
        ["git", "rev-parse", "v1"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    state = link_project(project, template=repo.as_uri(), checkout="v1").state
    assert (state.kind, state.ref, state.version) == ("git", "v1", sha)
    assert dict(state.answers) == {"project_name": "sound-x", "project_slug": "sound-x"}


def test_relinking_a_project_new_made_records_the_same_answers(work: Path, tmp_path: Path) -> None:
    made = new_project(
        "sound",
        no_input=True,
        settings=["license=Apache-2.0", "description=Sound files and effects"],
        run_check=False,
    )
    (made.project_dir / STATE_FILE).unlink()
    linked = link_project(made.project_dir, template="default").state
    assert linked == made.state
    # ... so the template renders the project as it was made.
    with checked_out(linked) as (template_dir, _):
        again = render_template(template_dir, linked.answers, tmp_path / "again")
    assert (again / "pyproject.toml").read_bytes() == (
        made.project_dir / "pyproject.toml"
    ).read_bytes()


def test_public_api() -> None:
    assert pkgforge.link_project is link_project
    assert "link_project" in pkgforge.__all__


def test_cli_link(project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("link", str(project), "--template", "minimal", "--set", "version=3")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Wrote ") and lines[0].endswith(
        f": template 'minimal' {_version('minimal')}"
    )
    assert "  version      = '3'  (--set)" in lines
    assert "  license      = 'Apache-2.0'  (pyproject.toml)" in lines
    status, out, err = run_cli("link", str(project), "--template", "minimal")
    assert status == 2
    assert err.splitlines()[0].startswith("error: ") and "--force" in err
    status, _, err = run_cli("link", str(project))
    assert status == 2
    assert "--template" in err


def test_cli_link_defaults_to_the_current_folder(project: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(project)
    status, out, _ = run_cli("link", "--template", "default")
    assert status == 0
    assert out.startswith(f"Wrote {STATE_FILE}: template 'default' {_version('default')}")


# -- cookiecutter's replay file, prompts, defaults -----------------------------------------


@pytest.fixture
def colour_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cookiecutter template with answers a project's files do not tell, and a
    cookiecutter configuration whose replay files go to a folder of the test's."""
    template = tmp_path / "tpl-colour"
    slug = template / "{{cookiecutter.project_slug}}"
    slug.mkdir(parents=True)
    (template / "cookiecutter.json").write_text(
        json.dumps(
            {
                "project_slug": "widget",
                "description": "A widget.",
                "colour": ["blue", "red", "green"],
                "size": "M",
            }
        )
    )
    (slug / "pyproject.toml").write_text(
        '[project]\nname = "{{ cookiecutter.project_slug }}"\n'
        'description = "{{ cookiecutter.description }}"\n'
    )
    (slug / "PAINT.txt").write_text("{{ cookiecutter.colour }} {{ cookiecutter.size }}\n")
    config = tmp_path / "cookiecutterrc.yaml"
    config.write_text(f"replay_dir: {tmp_path / 'replays'}\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    return template


def _cookiecutter(template: Path, output: Path, **answers: str) -> Path:
    from cookiecutter.main import cookiecutter

    made = cookiecutter(str(template), no_input=True, extra_context=answers, output_dir=str(output))
    return Path(made)


def test_the_answers_of_cookiecutters_replay_file_are_recorded(
    colour_template: Path, work: Path, tmp_path: Path
) -> None:
    widget = _cookiecutter(colour_template, work, colour="red", size="XL")
    assert (tmp_path / "replays/tpl-colour.json").is_file()  # cookiecutter wrote it
    result = link_project(widget, template=str(colour_template), no_input=True)
    assert (result.state.answers["colour"], result.state.answers["size"]) == ("red", "XL")
    replay = f"cookiecutter's replay ({tmp_path / 'replays/tpl-colour.json'})"
    assert result.origins["colour"] == result.origins["size"] == replay
    assert result.origins["description"] == replay  # the replay wins over pyproject.toml
    assert result.defaulted == ()
    # update renders the recorded version with them: the base is the project as made
    with checked_out(result.state) as (folder, _):
        rendered = render_template(folder, result.state.answers, tmp_path / "base")
    assert (rendered / "PAINT.txt").read_text() == (widget / "PAINT.txt").read_text()


def test_a_replay_file_of_another_project_is_not_used(
    colour_template: Path, work: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    other = _cookiecutter(colour_template, work, project_slug="gadget", colour="red")
    _cookiecutter(colour_template, work, colour="green")  # the replay is widget's now
    status, out, err = run_cli("link", str(other), "--template", str(colour_template), "--no-input")
    assert status == 0, err
    assert "  colour       = 'blue'  (template default)" in out
    assert "  project_slug = 'gadget'  (pyproject.toml)" in out
    assert (
        "warning: 2 answer(s) took the template's default, as nothing in the project gives "
        "them: colour, size; check them, or link again with --force and --set KEY=VALUE"
    ) in err


def test_answers_nothing_gives_are_asked_for(colour_template: Path, work: Path) -> None:
    gadget = work / "gadget"
    gadget.mkdir()
    (gadget / "pyproject.toml").write_text('[project]\nname = "gadget"\ndescription = "G."\n')
    done = subprocess.run(
        [sys.executable, "-m", "pkgforge", "link", str(gadget), "--template", str(colour_template)],
        input="2\nL\n",  # colour: the second choice; size
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "colour" in done.stdout and "size" in done.stdout  # the prompts
    state = read_state(gadget)
    assert (state.answers["colour"], state.answers["size"]) == ("red", "L")
    assert "  size         = 'L'  (prompt)" in done.stdout
    assert "took the template's default" not in done.stderr
    assert state.answers["description"] == "G."  # read from the project: not asked
