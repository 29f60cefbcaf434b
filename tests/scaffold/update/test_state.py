"""The template state file: what ``new`` records, how it reads back, and what renders from it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from pkgforge.errors import PkgforgeError, StateError, TemplateError, UsageError
from pkgforge.scaffold import new_project
from pkgforge.scaffold.digest import content_digest
from pkgforge.scaffold.templates import builtin_templates_dir
from pkgforge.scaffold.update.state import (
    STATE_FILE,
    TemplateState,
    answers_of,
    checked_out,
    read_state,
    render_template,
    write_state,
)

README = "{{cookiecutter.project_name}}/README.md"


def make_template(root: Path, readme: str = "v1 {{ cookiecutter.greeting }}\n") -> Path:
    (root / "{{cookiecutter.project_name}}").mkdir(parents=True)
    (root / "cookiecutter.json").write_text(
        json.dumps({"project_name": "x", "greeting": "Hello", "license": ["MIT", "BSD-3-Clause"]}),
        encoding="utf-8",
    )
    (root / README).write_text(readme + "{{ cookiecutter.license }}\n", encoding="utf-8")
    return root


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_repo(root: Path) -> Path:
    make_template(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1")
    return root


def commit_v2(root: Path) -> None:
    (root / README).write_text("v2 {{ cookiecutter.greeting }}\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "v2")


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != STATE_FILE
    }


STATE = TemplateState(
    source="https://example.org/t.git",
    kind="git",
    version="0123456789abcdef0123456789abcdef01234567",
    ref="v2",
    directory="templates/lib",
    answers={"project_name": "sound", "license": "MIT", "__year": "2026", "ünï": "ç"},
)


def test_the_file_is_deterministic_json(tmp_path: Path) -> None:
    tmp_path = tmp_path / "project"
    tmp_path.mkdir()
    path = write_state(tmp_path, STATE)
    assert path == tmp_path / STATE_FILE
    assert path.stat().st_mode & 0o044 == 0o044  # readable by others, as a committed file is
    assert path.read_text(encoding="utf-8") == (
        "{\n"
        '  "answers": {\n'
        '    "__year": "2026",\n'
        '    "license": "MIT",\n'
        '    "project_name": "sound",\n'
        '    "ünï": "ç"\n'
        "  },\n"
        '  "directory": "templates/lib",\n'
        '  "format": 1,\n'
        '  "kind": "git",\n'
        '  "ref": "v2",\n'
        '  "source": "https://example.org/t.git",\n'
        '  "version": "0123456789abcdef0123456789abcdef01234567"\n'
        "}\n"
    )
    assert read_state(tmp_path) == STATE
    assert [p.name for p in tmp_path.iterdir()] == [STATE_FILE]  # no temporary file left


def test_state_is_frozen_hashable_and_its_answers_read_only() -> None:
    answers = {"a": ["x"]}
    state = TemplateState(source="default", kind="builtin", version="1.0.0", answers=answers)
    answers["a"].append("y")  # the caller's dict is copied
    assert state.answers == {"a": ["x"]}
    with pytest.raises(TypeError):
        state.answers["b"] = 1  # type: ignore[index]
    assert hash(state) == hash(TemplateState("default", "builtin", "1.0.0", answers={"a": ["x"]}))
    with pytest.raises(ValueError, match="kind must be one of"):
        TemplateState(source="x", kind="svn", version="1")
    with pytest.raises(ValueError, match="JSON values"):
        TemplateState(source="x", kind="folder", version="1", answers={"a": object()})


def test_answers_leave_out_private_variables_and_keep_computed_ones() -> None:
    values = {
        "project_name": "sound",
        "_template_version": "1.0.0",
        "_copy_without_render": ["*.png"],
        "__year": "2026",
        "__prompts__": {"project_name": "Name"},
    }
    assert answers_of(values) == {"project_name": "sound", "__year": "2026"}


def test_missing_state_points_at_link(tmp_path: Path) -> None:
    with pytest.raises(StateError, match=f"has no {STATE_FILE}") as caught:
        read_state(tmp_path)
    assert isinstance(caught.value, PkgforgeError)
    assert "pkgforge link" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[]", "not a JSON object"),
        ('{"format": 1, "kind": "git", "version": "1", "answers": {}}', "'source' must be"),
        (
            '{"format": 1, "source": "s", "kind": "svn", "version": "1", "answers": {}}',
            "'kind' must be one of",
        ),
        ('{"format": 1, "source": "s", "kind": "git", "version": "1"}', "'answers' must be"),
        (
            '{"format": 1, "source": "s", "kind": "git", "version": "1", "answers": {}, "ref": 2}',
            "'ref' must be a string or null",
        ),
        ('{"source": "s", "kind": "git", "version": "1", "answers": {}}', "'format' must be 1"),
        (
            '{"format": 9, "source": "s", "kind": "git", "version": "1", "answers": {}}',
            "written by a newer pkgforge",
        ),
    ],
)
def test_corrupt_state_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / STATE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(StateError, match=message) as caught:
        read_state(tmp_path)
    assert "\n" not in caught.value.message
    assert caught.value.hint


def test_new_records_every_answer_of_a_builtin_template(work: Path) -> None:
    result = new_project(
        "sound-tools",
        template="minimal",
        no_input=True,
        settings=["license=Apache-2.0", "description=Sound files"],
        run_check=False,
    )
    state = read_state(result.project_dir)
    assert state == result.state
    template = json.loads((builtin_templates_dir() / "minimal/cookiecutter.json").read_text())
    assert (state.kind, state.source, state.version) == (
        "builtin",
        "minimal",
        template["_template_version"],
    )
    computed = {k for k in template if k.startswith("__") and k != "__prompts__"}
    assert set(state.answers) == {k for k in template if not k.startswith("_")} | computed
    assert state.answers["license"] == "Apache-2.0"
    assert state.answers["description"] == "Sound files"
    assert state.answers["import_name"] == "sound_tools"
    assert state.answers["author_name"] == "Ada Lovelace"  # from git, recorded as answered


def test_state_file_is_clean_for_check_and_stays_out_of_the_wheel(work: Path) -> None:
    result = new_project("sound", no_input=True)
    assert (result.project_dir / STATE_FILE).is_file()
    assert STATE_FILE in result.files
    assert result.findings == ()
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--no-isolation", "-q"],
        cwd=result.project_dir,
        check=True,
        capture_output=True,
    )
    wheel = next((result.project_dir / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert not [n for n in archive.namelist() if STATE_FILE in n]


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_recorded_state_renders_the_project_again_byte_for_byte(
    work: Path, tmp_path: Path, template: str
) -> None:
    made = new_project(
        "sound-kit",
        template=template,
        no_input=True,
        settings=["license=BSD-3-Clause", 'description=Say "hi"'],
        run_check=False,
    ).project_dir
    state = read_state(made)
    with checked_out(state) as (template_dir, same):
        assert same == state
        again = render_template(template_dir, state.answers, tmp_path / "again")
    assert again.name == "sound-kit"
    assert tree(again) == tree(made)


def _made_from(kind: str, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A template source of ``kind`` and the keyword arguments for new_project."""
    if kind == "git":
        return str(make_repo(tmp_path / "repo")), {}
    folder = make_template(tmp_path / "folder")
    if kind == "folder":
        return str(folder), {}
    archive = tmp_path / "tpl.zip"
    with zipfile.ZipFile(archive, "w") as made:
        made.writestr("tpl/", "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                made.writestr(f"tpl/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return str(archive), {}


@pytest.mark.parametrize("kind", ["git", "folder", "zip"])
def test_every_source_kind_renders_its_recorded_version(
    work: Path, tmp_path: Path, kind: str
) -> None:
    source, _ = _made_from(kind, tmp_path)
    made = new_project(
        "sound", template=source, settings=["license=BSD-3-Clause"], no_input=True, run_check=False
    ).project_dir
    state = read_state(made)
    assert state.kind == kind
    with checked_out(state) as (template_dir, same):
        assert same == state
        again = render_template(template_dir, state.answers, tmp_path / "again")
    assert tree(again) == tree(made)


def test_git_base_stays_at_the_recorded_commit_and_latest_moves_on(
    work: Path, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    state = new_project("sound", template=str(repo), no_input=True, run_check=False).state
    v1 = git(repo, "rev-parse", "HEAD")
    commit_v2(repo)
    v2 = git(repo, "rev-parse", "HEAD")
    with checked_out(state) as (base, base_state):
        assert (base / README).read_text().startswith("v1")
        assert base_state.version == v1
    with checked_out(state, target="latest") as (theirs, theirs_state):
        assert (theirs / README).read_text().startswith("v2")
        assert (theirs_state.version, theirs_state.ref) == (v2, None)
        assert theirs_state.answers == state.answers
    with checked_out(state, target="v1") as (_, tagged):
        assert (tagged.version, tagged.ref) == (v1, "v1")


def test_git_latest_follows_the_recorded_ref(work: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "stable")
    git(repo, "checkout", "-q", "main")
    commit_v2(repo)  # main moves on, stable does not
    state = new_project(
        "sound", template=repo.as_uri(), checkout="stable", no_input=True, run_check=False
    ).state
    with checked_out(state, target="latest") as (folder, latest):
        assert (folder / README).read_text().startswith("v1")
        assert (latest.ref, latest.version) == ("stable", git(repo, "rev-parse", "stable"))


def test_clones_are_removed_on_exit_even_on_failure(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo")
    state = new_project("sound", template=str(repo), no_input=True, run_check=False).state
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    with pytest.raises(KeyboardInterrupt), checked_out(state) as (folder, _):
        assert folder.is_relative_to(system_tmp)
        raise KeyboardInterrupt
    assert list(system_tmp.iterdir()) == []


def test_changed_folder_cannot_give_its_recorded_version(work: Path, tmp_path: Path) -> None:
    folder = make_template(tmp_path / "folder")
    state = new_project("sound", template=str(folder), no_input=True, run_check=False).state
    with checked_out(state) as (same, _):
        assert same == folder.resolve()
    (folder / README).write_text("changed\n", encoding="utf-8")
    changed = "changed since the project recorded it"
    with pytest.raises(TemplateError, match=changed) as caught, checked_out(state):
        pass
    assert "git repository" in (caught.value.hint or "")
    with checked_out(state, target="latest") as (_, latest):
        assert latest.version == content_digest(folder) != state.version
    with (
        pytest.raises(UsageError, match="the only target is 'latest'"),
        checked_out(state, target="v2"),
    ):
        pass


def test_render_template_with_answers_of_another_version(tmp_path: Path) -> None:
    folder = make_template(tmp_path / "folder")
    data = json.loads((folder / "cookiecutter.json").read_text())
    data["extra"] = "new in v2"
    (folder / "cookiecutter.json").write_text(json.dumps(data))
    (folder / "{{cookiecutter.project_name}}/EXTRA").write_text("{{ cookiecutter.extra }}\n")
    answers = {"project_name": "sound", "greeting": "Hi", "dropped_in_v2": "x"}
    root = render_template(folder, answers, tmp_path / "out")
    assert (root / "README.md").read_text() == "v1 Hi\nMIT\n"
    assert (root / "EXTRA").read_text() == "new in v2\n"
    with pytest.raises(UsageError, match="not an empty folder"):
        render_template(folder, answers, tmp_path / "out")
    with pytest.raises(UsageError):
        render_template(folder, {**answers, "license": "GPL-3.0"}, tmp_path / "other")


def test_render_template_never_prompts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pkgforge.scaffold.render.stdin_is_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", None)  # a prompt would fail
    folder = make_template(tmp_path / "folder")
    root = render_template(folder, {"project_name": "sound"}, tmp_path / "out")
    assert (root / "README.md").read_text() == "v1 Hello\nMIT\n"


def test_state_file_travels_with_a_copied_project(work: Path, tmp_path: Path) -> None:
    made = new_project("sound", template="minimal", no_input=True, run_check=False).project_dir
    copy = tmp_path / "elsewhere"
    shutil.copytree(made, copy)
    assert read_state(copy) == read_state(made)


def test_computed_variables_are_recorded_and_rendered_as_recorded(
    work: Path, tmp_path: Path
) -> None:
    # A year computed at render time must not change the base a year later.
    folder = tmp_path / "dated"
    (folder / "{{cookiecutter.project_name}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(
        json.dumps({"project_name": "x", "__year": "{% now 'utc', '%Y' %}"})
    )
    (folder / "{{cookiecutter.project_name}}/LICENSE").write_text(
        "Copyright (c) {{ cookiecutter.__year }}\n"
    )
    made = new_project("sound", template=str(folder), no_input=True, run_check=False)
    year = made.state.answers["__year"]
    assert year.isdigit()
    assert (made.project_dir / "LICENSE").read_text() == f"Copyright (c) {year}\n"
    root = render_template(folder, {**made.state.answers, "__year": "1999"}, tmp_path / "out")
    assert (root / "LICENSE").read_text() == "Copyright (c) 1999\n"
