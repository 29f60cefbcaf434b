"""``update_project`` / ``pkgforge update``: a project made from template v1, edited by its
user, updated to v2. Templates are real local git repositories with v1/v2 tags."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import pkgforge.scaffold.update.state as state_module
from pkgforge.cli import main
from pkgforge.errors import DirtyTreeError, ProjectNotFoundError, TemplateError, UsageError
from pkgforge.scaffold.update.update import update_project

STATE_FILE = state_module.STATE_FILE

Tree = dict[str, str | bytes]

LICENSES = {
    "MIT": "MIT License\n\nPermission is hereby granted, free of charge...\n",
    "Apache-2.0": "Apache License\nVersion 2.0, January 2004\n",
}

COOKIECUTTER_JSON = {
    "project_name": "sound",
    "import_name": "{{ cookiecutter.project_name | replace('-', '_') }}",
    "description": "A package.",
    "license": ["MIT", "Apache-2.0"],
}

P = "{{cookiecutter.project_name}}"
PKG = f"{P}/src/{{{{cookiecutter.import_name}}}}"

PYPROJECT_V1 = """\
[project]
name = "{{ cookiecutter.project_name }}"
version = "0.1.0"
description = "{{ cookiecutter.description }}"
license = "{{ cookiecutter.license }}"
requires-python = ">=3.9"
readme = "README.md"
dependencies = []

[tool.ruff]
line-length = 88
"""
PYPROJECT_V2 = """\
[project]
name = "{{ cookiecutter.project_name }}"
version = "0.1.0"
description = "{{ cookiecutter.description }}"
license = "{{ cookiecutter.license }}"
requires-python = ">=3.11"
readme = "README.md"
dependencies = []

[tool.ruff]
line-length = 100
"""
README_V1 = """\
# {{ cookiecutter.project_name }}

{{ cookiecutter.description }}

## Install

    pip install {{ cookiecutter.project_name }}

## Usage

Import it.
"""
README_V2 = """\
# {{ cookiecutter.project_name }}

{{ cookiecutter.description }}

## Install

    python -m pip install {{ cookiecutter.project_name }}

## Usage

Import it.
"""
CORE_V1 = '''\
"""Core."""


def hello() -> str:
    return "hello"


def volume() -> int:
    return 10
'''
CORE_V2 = '''\
"""Core."""


def hello() -> str:
    return "hello, world"


def volume() -> int:
    return 10
'''
GUIDE_V1 = "# Guide\n\nRead this first.\nThen that.\nThen the rest.\n"
GUIDE_V2 = "# Guide\n\nRead this first.\nThen that.\nThen the rest.\nAnd the changelog.\n"


def template_v1() -> Tree:
    return {
        "cookiecutter.json": json.dumps(COOKIECUTTER_JSON, indent=2),
        **{f"templates/licenses/{name}.txt": text for name, text in LICENSES.items()},
        f"{P}/pyproject.toml": PYPROJECT_V1,
        f"{P}/README.md": README_V1,
        f"{P}/LICENSE": "{% include 'licenses/' ~ cookiecutter.license ~ '.txt' %}",
        f"{PKG}/__init__.py": '"""{{ cookiecutter.description }}"""\n\n__all__: list[str] = []\n',
        f"{PKG}/core.py": CORE_V1,
        f"{P}/docs/old.md": GUIDE_V1,
        f"{P}/CHANGES.txt": "0.1: first\n",
        f"{P}/NOTES.txt": "Notes of the template.\n",
        f"{P}/logo.bin": b"\x89PNG\0v1",
        f"{P}/tools/run.sh": "#!/bin/sh\necho run\n",
    }


def template_v2() -> Tree:
    tree = template_v1()
    tree[f"{P}/pyproject.toml"] = PYPROJECT_V2
    tree[f"{P}/README.md"] = README_V2
    tree[f"{PKG}/core.py"] = CORE_V2
    tree[f"{PKG}/__init__.py"] = (
        '"""{{ cookiecutter.description }} (v2)"""\n\n__all__: list[str] = []\n'
    )
    del tree[f"{P}/docs/old.md"]
    tree[f"{P}/docs/guide.md"] = GUIDE_V2
    del tree[f"{P}/CHANGES.txt"]
    del tree[f"{P}/NOTES.txt"]
    tree[f"{P}/CONTRIBUTING.md"] = "Pull requests welcome.\n"
    tree[f"{P}/logo.bin"] = b"\x89PNG\0v2"
    return tree


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def write_tree(root: Path, tree: Tree) -> None:
    for relative, content in tree.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit_version(repo: Path, tree: Tree, tag: str, executable: tuple[str, ...] = ()) -> str:
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    write_tree(repo, tree)
    for relative in executable:
        (repo / relative).chmod(0o755)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", tag, cwd=repo)
    git("tag", tag, cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo).strip()


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    """A cookiecutter template as a git repository: tags v1 and v2 (HEAD)."""
    repo = tmp_path / "template"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    commit_version(repo, template_v1(), "v1")
    commit_version(repo, template_v2(), "v2", executable=(f"{P}/tools/run.sh",))
    return repo


def sha_of(repo: Path, ref: str) -> str:
    return git("rev-parse", f"{ref}^{{commit}}", cwd=repo).strip()


ANSWERS = {
    "project_name": "sound",
    "import_name": "sound",
    "description": "A package.",
    "license": "MIT",
}


def make_project(
    repo: Path,
    dest: Path,
    *,
    ref: str = "v1",
    answers: Mapping[str, Any] = ANSWERS,
    in_git: bool = True,
    recorded_ref: str | None = None,
) -> Path:
    """Render the template at ``ref`` into ``dest`` and record its state, as ``new`` does
    (``recorded_ref``: as ``new --checkout`` records it; None: the default branch)."""
    state = state_module.TemplateState(
        source=str(repo),
        kind="git",
        version=sha_of(repo, ref),
        ref=recorded_ref,
        directory=None,
        answers=dict(answers),
    )
    scratch = dest.parent / f".render-{dest.name}"
    scratch.mkdir(parents=True)
    with state_module.checked_out(state, target=None) as (template_dir, _):
        rendered = state_module.render_template(template_dir, answers, scratch)
        shutil.move(rendered, dest)
    shutil.rmtree(scratch)
    state_module.write_state(dest, state)
    if in_git:
        git("init", "-q", "-b", "main", cwd=dest)
        commit_all(dest, "new project")
    return dest


def commit_all(project: Path, message: str) -> None:
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", message, cwd=project)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file's bytes and mode (folders: None), including .git."""
    return {
        p.relative_to(root).as_posix(): (
            p.read_bytes() if p.is_file() else None,
            p.stat().st_mode,
        )
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def project(template_repo: Path, tmp_path: Path) -> Path:
    return make_project(template_repo, tmp_path / "work" / "sound")


def user_edits(project: Path) -> None:
    """The user's edits of the issue: pyproject.toml, README, a module; then commit."""
    # pyproject: a dependency (where the template changed nothing) ...
    edit(project / "pyproject.toml", "dependencies = []", 'dependencies = ["numpy"]')
    # ... and the ruff line length, which the template changes too: a conflict.
    edit(project / "pyproject.toml", "line-length = 88", "line-length = 120")
    # README: a new section at the end (the template changes the Install section).
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n## Credits\n\nThe sound team.\n")
    # a module: the user changes volume(); the template changes hello().
    edit(project / "src/sound/core.py", "return 10", "return 11")
    commit_all(project, "user edits")


# -- the four cases of a v1 -> v2 update ------------------------------------------------


def test_template_only_changes_arrive(project: Path, template_repo: Path) -> None:
    result = update_project(project, to="v2", run_check=False)
    pyproject = (project / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in pyproject
    assert "line-length = 100" in pyproject
    assert "python -m pip install sound" in (project / "README.md").read_text()
    assert 'return "hello, world"' in (project / "src/sound/core.py").read_text()
    assert {"pyproject.toml", "README.md", "src/sound/core.py"} <= set(result.updated)
    assert result.conflicts == ()
    assert result.merged == ()
    assert result.landed and result.behind
    assert result.from_version == sha_of(template_repo, "v1")
    assert result.to_version == sha_of(template_repo, "v2")


def test_user_only_changes_stay(project: Path) -> None:
    with (project / "LICENSE").open("a", encoding="utf-8") as license_file:
        license_file.write("Copyright 2026 The sound team\n")
    commit_all(project, "user edit")
    before = (project / "LICENSE").read_bytes()
    result = update_project(project, to="v2", run_check=False)
    assert (project / "LICENSE").read_bytes() == before
    assert "LICENSE" not in result.updated


def test_both_sides_merge_cleanly_where_the_lines_differ(project: Path) -> None:
    user_edits(project)
    result = update_project(project, to="v2", run_check=False)
    core = (project / "src/sound/core.py").read_text()
    assert 'return "hello, world"' in core  # theirs
    assert "return 11" in core  # ours
    readme = (project / "README.md").read_text()
    assert "python -m pip install sound" in readme
    assert readme.endswith("## Credits\n\nThe sound team.\n")
    assert "<<<<<<<" not in core + readme
    assert {"src/sound/core.py", "README.md"} <= set(result.merged)


def test_overlapping_changes_conflict_with_git_markers(project: Path) -> None:
    user_edits(project)
    result = update_project(project, to="v2", run_check=False)
    pyproject = (project / "pyproject.toml").read_text()
    assert "<<<<<<< ours\nline-length = 120\n=======\nline-length = 100\n>>>>>>> theirs\n" in (
        pyproject
    )
    # the lines that did not overlap merged around the conflict
    assert 'dependencies = ["numpy"]' in pyproject
    assert 'requires-python = ">=3.11"' in pyproject
    assert result.conflicted == ("pyproject.toml",)
    assert result.conflicts[0].hunks == 1
    assert not list(project.rglob("*.rej")) and not list(project.rglob("*.orig"))


def test_diff3_conflicts_show_the_base(project: Path) -> None:
    user_edits(project)
    update_project(project, to="v2", conflict="diff3", run_check=False)
    assert (
        "<<<<<<< ours\nline-length = 120\n||||||| base\nline-length = 88\n"
        "=======\nline-length = 100\n>>>>>>> theirs\n"
    ) in (project / "pyproject.toml").read_text()


def test_the_cli_reports_conflicts_and_exits_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user_edits(project)
    assert main(["update", str(project), "--to", "v2", "--conflict", "diff3"]) == 1
    out = capsys.readouterr().out
    assert "CONFLICT pyproject.toml: 1 conflict(s) marked in the file" in out
    assert "merged src/sound/core.py" in out
    assert "||||||| base" in (project / "pyproject.toml").read_text()


# -- the recorded state -----------------------------------------------------------------


def test_the_state_advances_with_the_update(project: Path, template_repo: Path) -> None:
    update_project(project, to="v2", settings=["license=Apache-2.0"], run_check=False)
    recorded = state_module.read_state(project)
    assert recorded.version == sha_of(template_repo, "v2")
    assert recorded.ref == "v2"  # later updates follow the ref given to --to
    assert recorded.answers["license"] == "Apache-2.0"
    assert recorded.answers["project_name"] == "sound"


def test_an_up_to_date_project_is_left_alone(project: Path) -> None:
    update_project(project, to="v2", run_check=False)
    commit_all(project, "update")
    before = snapshot(project)
    result = update_project(project, to="v2", run_check=False)
    assert not result.behind and not result.landed
    assert snapshot(project) == before


def test_latest_is_the_default_target(project: Path, template_repo: Path) -> None:
    result = update_project(project, run_check=False)
    assert result.to_version == sha_of(template_repo, "v2")


# -- answers changed through --set ------------------------------------------------------


def test_a_license_change_swaps_the_license_file(project: Path) -> None:
    result = update_project(project, to="v1", settings=["license=Apache-2.0"], run_check=False)
    assert (project / "LICENSE").read_text() == LICENSES["Apache-2.0"]
    assert 'license = "Apache-2.0"' in (project / "pyproject.toml").read_text()
    assert set(result.updated) == {"LICENSE", "pyproject.toml"}
    assert result.changed_answers == ("license",)
    assert result.from_version == result.to_version


def test_a_renamed_import_package_moves_with_the_users_modules(project: Path) -> None:
    (project / "src/sound/extra.py").write_text("X = 1\n")
    (project / "src/sound/sub").mkdir()
    (project / "src/sound/sub/__init__.py").write_text("")
    edit(project / "src/sound/core.py", "return 10", "return 11")
    commit_all(project, "user modules")
    (project / "src/sound/__pycache__").mkdir()
    (project / "src/sound/__pycache__/extra.cpython-311.pyc").write_bytes(b"\0bytecode")
    result = update_project(project, to="v2", settings=["import_name=noise"], run_check=False)
    assert not (project / "src/sound").exists()
    assert not list(project.rglob("*.pyc"))
    assert (project / "src/noise/extra.py").read_text() == "X = 1\n"
    assert (project / "src/noise/sub/__init__.py").is_file()
    core = (project / "src/noise/core.py").read_text()
    assert "return 11" in core and 'return "hello, world"' in core
    assert ("src/sound/core.py", "src/noise/core.py") in result.moved
    assert ("src/sound/extra.py", "src/noise/extra.py") in result.moved
    assert ("src/sound/sub/__init__.py", "src/noise/sub/__init__.py") in result.moved


def users_imports_of_sound(project: Path) -> None:
    """The user's code that imports the package by name, as a package about to move has."""
    (project / "src/sound/extra.py").write_text(
        "from sound.core import hello\n"
        "import sound.core  # the core\n"
        "from .core import volume\n"
        "\n\n"
        "def go() -> str:\n"
        "    return f'{hello()} {sound.core.volume()} {volume()}'\n"
    )
    (project / "tests").mkdir(exist_ok=True)
    (project / "tests/test_extra.py").write_text(
        "from sound.extra import (  # mine\n    go,\n)\n\n\ndef test_go() -> None:\n"
        "    assert go()\n"
    )
    (project / "scripts").mkdir()
    (project / "scripts/tool.py").write_text("import sound\nnoise = 1\nprint(sound.core, noise)\n")
    (project / ".venv/lib").mkdir(parents=True)
    (project / ".venv/pyvenv.cfg").write_text("home = /usr\n")
    (project / ".venv/lib/other.py").write_text("import sound\n")
    commit_all(project, "user code importing sound")


def test_a_moved_package_lists_every_file_that_still_imports_the_old_name(
    project: Path, run_cli: Any
) -> None:
    users_imports_of_sound(project)
    status, out, err = run_cli("update", str(project), "--to", "v2", "--set", "import_name=noise")
    assert status == 1, err  # work remains
    listed = [line.strip() for line in out.splitlines() if line.startswith("  ") and ".py:" in line]
    assert listed == [
        "scripts/tool.py:1: import sound",
        "src/noise/extra.py:1: from sound.core import hello",
        "src/noise/extra.py:2: import sound.core",
        "tests/test_extra.py:1: from sound.extra import go",
    ]
    assert (
        "warning: 4 import(s) in 3 file(s) still name sound, which is noise now: fix them, "
        "or undo this update and run it again with --rewrite-imports"
    ) in err
    assert (project / ".venv/lib/other.py").read_text() == "import sound\n"


def test_rewrite_imports_rewrites_them_with_the_update_formatting_kept(
    project: Path, run_cli: Any
) -> None:
    users_imports_of_sound(project)
    argv = ["update", str(project), "--to", "v2", "--set", "import_name=noise", "--rewrite-imports"]
    before = snapshot(project)
    status, out, err = run_cli(*argv, "--dry-run")
    assert status == 0, err
    assert "+from noise.extra import (  # mine" in out
    assert "  would rewrite the imports of sound in tests/test_extra.py" in out
    assert snapshot(project) == before
    status, out, err = run_cli(*argv)
    assert status == 1, err  # one import cannot be rewritten: work remains
    assert (
        (project / "tests/test_extra.py")
        .read_text()
        .startswith("from noise.extra import (  # mine\n    go,\n)\n")
    )
    assert (project / "src/noise/extra.py").read_text() == (
        "from noise.core import hello\n"
        "import noise.core  # the core\n"
        "from .core import volume\n"
        "\n\n"
        "def go() -> str:\n"
        "    return f'{hello()} {noise.core.volume()} {volume()}'\n"
    )
    # `noise` is already a name in tool.py: renaming its `sound` would change what it means
    assert (project / "scripts/tool.py").read_text().startswith("import sound\n")
    assert "scripts/tool.py:1: import sound (left: the name noise is already bound there)" in out
    assert (
        "warning: 1 import(s) in 1 file(s) still name sound, which is noise now: fix them by hand"
    ) in err
    ran = subprocess.run(
        [sys.executable, "-c", "from noise.extra import go; print(go())"],
        env={"PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout == "hello, world 10 10\n"
    assert (project / ".venv/lib/other.py").read_text() == "import sound\n"


def test_a_move_onto_an_existing_path_is_not_made_and_is_reported(project: Path) -> None:
    (project / "src/noise").mkdir()
    (project / "src/noise/core.py").write_text("MINE = 1\n")
    (project / "src/sound/extra.py").write_text("X = 1\n")
    commit_all(project, "a noise package of the user's")
    (project / "src/noise/extra.py").write_text("Y = 2\n")
    commit_all(project, "more")
    result = update_project(project, to="v1", settings=["import_name=noise"], run_check=False)
    # nothing lands on what the user already has at the new name
    assert "MINE = 1" in (project / "src/noise/core.py").read_text()
    assert (project / "src/noise/extra.py").read_text() == "Y = 2\n"
    assert (project / "src/sound/extra.py").read_text() == "X = 1\n"
    kept = {k.path: k.reason for k in result.kept}
    assert "something is already there" in kept["src/sound/extra.py"]


def test_an_unknown_answer_is_refused_before_anything_is_written(project: Path) -> None:
    before = snapshot(project)
    with pytest.raises(UsageError, match="no variable 'colour'"):
        update_project(project, to="v2", settings=["colour=red"])
    with pytest.raises(UsageError, match="not one of the template's choices"):
        update_project(project, to="v2", settings=["license=WTFPL"])
    with pytest.raises(UsageError, match="not KEY=VALUE"):
        update_project(project, to="v2", settings=["license"])
    assert snapshot(project) == before


def test_an_invalid_import_name_is_refused(project: Path) -> None:
    before = snapshot(project)
    with pytest.raises(UsageError):
        update_project(project, to="v2", settings=["import_name=class"])
    assert snapshot(project) == before


# -- files the template adds, removes and renames ---------------------------------------


def test_template_adds_removes_and_renames_files(project: Path) -> None:
    result = update_project(project, to="v2", run_check=False)
    assert (project / "CONTRIBUTING.md").read_text() == "Pull requests welcome.\n"
    assert not (project / "CHANGES.txt").exists()
    assert not (project / "docs/old.md").exists()
    assert (project / "docs/guide.md").read_text() == GUIDE_V2
    assert result.created == ("CONTRIBUTING.md",)
    assert set(result.deleted) == {"CHANGES.txt", "NOTES.txt"}
    assert ("docs/old.md", "docs/guide.md") in result.moved


def test_a_renamed_file_keeps_the_users_edits(project: Path) -> None:
    edit(project / "docs/old.md", "Read this first.", "Read this first, please.")
    commit_all(project, "user edit")
    update_project(project, to="v2", run_check=False)
    assert (project / "docs/guide.md").read_text() == GUIDE_V2.replace(
        "Read this first.", "Read this first, please."
    )
    assert not (project / "docs/old.md").exists()


def test_a_removed_file_the_user_changed_is_kept_and_reported(project: Path) -> None:
    (project / "CHANGES.txt").write_text("0.1: first\n0.2: mine\n")
    commit_all(project, "user edit")
    result = update_project(project, to="v2", run_check=False)
    assert (project / "CHANGES.txt").read_text() == "0.1: first\n0.2: mine\n"
    assert [k.path for k in result.kept] == ["CHANGES.txt"]
    assert "removed it" in result.kept[0].reason
    assert result.deleted == ("NOTES.txt",)


def test_a_file_the_user_deleted_stays_deleted_and_is_reported_if_changed(
    project: Path,
) -> None:
    (project / "README.md").unlink()  # the template changes it
    (project / "LICENSE").unlink()  # the template does not
    commit_all(project, "user deletes")
    result = update_project(project, to="v2", run_check=False)
    assert not (project / "README.md").exists()
    assert not (project / "LICENSE").exists()
    assert [k.path for k in result.kept] == ["README.md"]
    assert "you deleted it" in result.kept[0].reason


def test_a_template_file_landing_on_an_untracked_user_file_is_merged(project: Path) -> None:
    (project / "CONTRIBUTING.md").write_text("Mine.\n")  # untracked: not "dirty"
    result = update_project(project, to="v2", run_check=False)
    text = (project / "CONTRIBUTING.md").read_text()
    assert text == "<<<<<<< ours\nMine.\n=======\nPull requests welcome.\n>>>>>>> theirs\n"
    assert "CONTRIBUTING.md" in result.conflicted
    assert "CONTRIBUTING.md" not in result.created
    stages = git("ls-files", "-u", "--", "CONTRIBUTING.md", cwd=project).splitlines()
    assert [line.split()[2] for line in stages] == ["2", "3"]  # no base: "both added"
    assert "AA CONTRIBUTING.md" in git("status", "--porcelain", cwd=project)


def test_everything_the_user_added_is_never_touched(project: Path) -> None:
    (project / "src/sound/mine.py").write_text("Y = 2\n")
    (project / "tests").mkdir()
    (project / "tests/test_mine.py").write_text("def test(): pass\n")
    commit_all(project, "user files")
    update_project(project, to="v2", run_check=False)
    assert (project / "src/sound/mine.py").read_text() == "Y = 2\n"
    assert (project / "tests/test_mine.py").read_text() == "def test(): pass\n"


# -- bytes: binary files, line endings, the executable bit ------------------------------


def test_a_binary_file_changed_on_both_sides_is_a_conflict_never_merged(project: Path) -> None:
    (project / "logo.bin").write_bytes(b"\x89PNG\0mine")
    commit_all(project, "user logo")
    result = update_project(project, to="v2", run_check=False)
    assert (project / "logo.bin").read_bytes() == b"\x89PNG\0mine"
    assert result.conflicts[-1].path == "logo.bin" and result.conflicts[-1].binary
    assert result.git_index
    stages = git("ls-files", "-u", "--", "logo.bin", cwd=project).split("\n")
    assert [line.split()[2] for line in stages if line] == ["1", "2", "3"]


def test_a_binary_conflict_outside_git_writes_theirs_beside(
    template_repo: Path, tmp_path: Path
) -> None:
    project = make_project(template_repo, tmp_path / "nogit" / "sound", in_git=False)
    (project / "logo.bin").write_bytes(b"\x89PNG\0mine")
    result = update_project(project, to="v2", run_check=False)
    assert (project / "logo.bin").read_bytes() == b"\x89PNG\0mine"
    assert (project / "logo.bin.theirs").read_bytes() == b"\x89PNG\0v2"
    assert result.conflicts[-1].theirs_copy == "logo.bin.theirs"


def test_a_binary_file_only_the_template_changed_is_replaced(project: Path) -> None:
    update_project(project, to="v2", run_check=False)
    assert (project / "logo.bin").read_bytes() == b"\x89PNG\0v2"


def test_crlf_line_endings_are_kept(project: Path) -> None:
    core = project / "src/sound/core.py"
    core.write_bytes(core.read_bytes().replace(b"return 10", b"return 11").replace(b"\n", b"\r\n"))
    commit_all(project, "windows")
    update_project(project, to="v2", run_check=False)
    data = core.read_bytes()
    assert b'return "hello, world"\r\n' in data and b"return 11\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_the_executable_bit_is_kept(project: Path) -> None:
    core = project / "src/sound/core.py"
    core.chmod(core.stat().st_mode | stat.S_IXUSR)
    commit_all(project, "executable")
    update_project(project, to="v2", run_check=False)
    assert core.stat().st_mode & stat.S_IXUSR
    assert 'return "hello, world"' in core.read_text()


# -- git -------------------------------------------------------------------------------


def test_the_templates_executable_bit_arrives(project: Path) -> None:
    script = project / "tools/run.sh"
    assert not script.stat().st_mode & stat.S_IXUSR
    result = update_project(project, to="v2", run_check=False)
    assert stat.S_IMODE(script.stat().st_mode) & 0o111 == 0o111 & (
        (stat.S_IMODE(script.stat().st_mode) & 0o444) >> 2
    )
    assert script.stat().st_mode & stat.S_IXUSR
    assert "tools/run.sh" in result.updated


def test_a_private_files_permissions_are_kept(project: Path) -> None:
    readme = project / "README.md"
    readme.chmod(0o600)
    update_project(project, to="v2", run_check=False)
    assert "python -m pip install" in readme.read_text()
    assert stat.S_IMODE(readme.stat().st_mode) == 0o600


def test_a_dirty_git_tree_is_refused(project: Path) -> None:
    edit(project / "README.md", "Import it.", "Import it now.")
    before = snapshot(project)
    with pytest.raises(DirtyTreeError, match=r"uncommitted changes in README\.md"):
        update_project(project, to="v2")
    assert snapshot(project) == before
    result = update_project(project, to="v2", allow_dirty=True, run_check=False)
    assert result.landed
    assert "Import it now." in (project / "README.md").read_text()


def test_the_cli_refuses_a_dirty_tree_with_a_hint(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "README.md").write_text("changed\n")
    assert main(["update", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: uncommitted changes in README.md")
    assert "--allow-dirty" in err and "Traceback" not in err


def test_conflicts_are_unmerged_in_the_git_index(project: Path) -> None:
    user_edits(project)
    result = update_project(project, to="v2", run_check=False)
    assert result.git_index
    unmerged = git("ls-files", "-u", cwd=project).splitlines()
    assert [(line.split()[2], line.split("\t")[1]) for line in unmerged] == [
        ("1", "pyproject.toml"),
        ("2", "pyproject.toml"),
        ("3", "pyproject.toml"),
    ]
    status = git("status", "--porcelain", cwd=project)
    assert "UU pyproject.toml" in status
    blobs = {line.split()[2]: line.split()[1] for line in unmerged}
    assert "line-length = 88" in git("cat-file", "-p", blobs["1"], cwd=project)
    assert "line-length = 120" in git("cat-file", "-p", blobs["2"], cwd=project)
    assert "line-length = 100" in git("cat-file", "-p", blobs["3"], cwd=project)
    # the merged file is what git would have made
    assert "<<<<<<< ours" in (project / "pyproject.toml").read_text()


def test_git_mergetool_resolves_the_conflicts(project: Path) -> None:
    user_edits(project)
    update_project(project, to="v2", run_check=False)
    # a merge tool that takes the base version: it can only do so from stage 1
    subprocess.run(
        [
            "git",
            "-c",
            'mergetool.base.cmd=cp "$BASE" "$MERGED"',
            "-c",
            "mergetool.base.trustExitCode=true",
            "mergetool",
            "--tool=base",
            "--no-prompt",
        ],
        cwd=project,
        check=True,
        capture_output=True,
    )
    assert git("ls-files", "-u", cwd=project) == ""
    assert "line-length = 88" in (project / "pyproject.toml").read_text()
    assert "M  pyproject.toml" in git("status", "--porcelain", cwd=project)


def test_without_git_the_update_works_and_lists_conflicts(
    template_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(template_repo, tmp_path / "nogit" / "sound", in_git=False)
    edit(project / "pyproject.toml", "line-length = 88", "line-length = 120")
    assert main(["update", str(project), "--to", "v2"]) == 1
    out = capsys.readouterr().out
    assert "CONFLICT pyproject.toml" in out
    assert "<<<<<<< ours" in (project / "pyproject.toml").read_text()


def test_the_merge_does_not_depend_on_git(
    template_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_git = make_project(template_repo, tmp_path / "a" / "sound")
    user_edits(with_git)
    update_project(with_git, to="v2", run_check=False)
    without = make_project(template_repo, tmp_path / "b" / "sound")
    user_edits(without)
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda n, *a, **k: None if n == "git" else real_which(n))
    result = update_project(without, to="v2", run_check=False)
    assert not result.git_index
    for name in ("pyproject.toml", "README.md", "src/sound/core.py"):
        assert (without / name).read_bytes() == (with_git / name).read_bytes()


# -- dry run and check ------------------------------------------------------------------


def test_dry_run_prints_the_diff_and_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    assert main(["update", str(project), "--to", "v2", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n" in out
    assert '-requires-python = ">=3.9"\n+requires-python = ">=3.11"\n' in out
    assert "--- /dev/null\n+++ b/CONTRIBUTING.md\n" in out
    assert "--- a/CHANGES.txt\n+++ /dev/null\n" in out
    assert "would create CONTRIBUTING.md" in out
    assert snapshot(project) == before


def test_dry_run_does_not_need_a_clean_tree(project: Path) -> None:
    (project / "README.md").write_text("changed\n")
    result = update_project(project, to="v2", dry_run=True)
    assert not result.landed and result.diff


def test_check_exits_1_when_behind_and_0_when_current(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["update", str(project), "--check"]) == 1
    assert "is behind its template" in capsys.readouterr().out
    assert main(["update", str(project), "--check", "--to", "v1"]) == 0
    assert main(["update", str(project), "--check", "--to", "v1", "--set", "license=MIT"]) == 0
    assert (
        main(["update", str(project), "--check", "--to", "v1", "--set", "license=Apache-2.0"]) == 1
    )
    assert main(["update", str(project), "-q"]) == 0
    commit_all(project, "update")
    assert main(["update", str(project), "--check"]) == 0
    assert "is up to date" in capsys.readouterr().out


# -- what a recorded tag, branch or commit follows ----------------------------------------


def more_releases(repo: Path) -> dict[str, str]:
    """Tags after v2: v3, v10 (newer than v9 as a version, not as text), a pre-release and
    a tag that is no version; each a commit on main. Returns tag -> commit."""
    made = {}
    for tag in ("v3", "v9", "v10", "v11rc1", "stable"):
        tree = template_v2()
        tree[f"{P}/RELEASE.txt"] = f"{tag}\n"
        made[tag] = commit_version(repo, tree, tag)
    return made


def test_a_project_made_from_a_tag_follows_the_newest_release_tag(
    template_repo: Path, tmp_path: Path, run_cli: Any
) -> None:
    project = make_project(template_repo, tmp_path / "sound", ref="v1", recorded_ref="v1")
    made = more_releases(template_repo)
    # It used to say "up to date" while v2 and newer existed.
    status, said, _ = run_cli("update", str(project), "--check")
    assert status == 1
    assert f"template v1, {sha_of(template_repo, 'v1')[:12]} -> v10, {made['v10'][:12]}" in said
    result = update_project(project, run_check=False)
    assert (result.to_ref, result.to_version) == ("v10", made["v10"])
    assert (project / "RELEASE.txt").read_text() == "v10\n"
    state = state_module.read_state(project)
    assert (state.ref, state.version) == ("v10", made["v10"])
    commit_all(project, "update")
    status, said, _ = run_cli("update", str(project), "--check")
    assert status == 0
    assert f"is up to date with its template (v10, {made['v10'][:12]})" in said


def test_a_project_made_from_a_commit_stays_there(template_repo: Path, tmp_path: Path) -> None:
    v1 = sha_of(template_repo, "v1")
    project = make_project(template_repo, tmp_path / "sound", ref="v1", recorded_ref=v1)
    more_releases(template_repo)
    result = update_project(project, check_only=True)
    assert not result.behind and result.to_version == v1


def test_a_project_made_from_a_branch_follows_its_head(template_repo: Path, tmp_path: Path) -> None:
    project = make_project(template_repo, tmp_path / "sound", ref="v1", recorded_ref="main")
    made = more_releases(template_repo)
    result = update_project(project, check_only=True)
    assert result.behind and result.to_version == made["stable"]  # main's head
    assert result.to_ref == "main"


def test_release_tags_are_ordered_as_copier_orders_them() -> None:
    from pkgforge.scaffold.sources import GitRefs
    from pkgforge.scaffold.update.follow import newest_release

    def refs(*tags: str) -> GitRefs:
        return GitRefs(frozenset({"main"}), frozenset(tags))

    tags = refs("v1", "v2", "v9", "v10", "v11rc1", "stable", "1!0.1", "nightly-2024")
    assert newest_release("v1", tags) == "1!0.1"  # an epoch wins, as in PEP 440
    assert newest_release("v1", refs("v1", "v2", "v9", "v10", "v11rc1")) == "v10"
    assert newest_release("v11rc1", refs("v10", "v11rc1", "v11rc2")) == "v11rc2"
    assert newest_release("v10", refs("v2", "v10")) is None  # never back, nothing newer
    assert newest_release("stable", tags) is None  # a tag that is no version stays


# -- errors -----------------------------------------------------------------------------


def test_a_project_without_a_state_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(ProjectNotFoundError, match="not a project made by pkgforge"):
        update_project(tmp_path / "plain")
    assert main(["update", str(tmp_path / "plain")]) == 2
    err = capsys.readouterr().err
    assert "pkgforge link" in err and "Traceback" not in err
    assert main(["update", str(tmp_path / "missing")]) == 2


def test_an_unknown_target_ref_changes_nothing(project: Path) -> None:
    before = snapshot(project)
    with pytest.raises(TemplateError):
        update_project(project, to="v9")
    assert snapshot(project) == before


def test_an_unknown_conflict_style_is_refused(project: Path) -> None:
    with pytest.raises(UsageError, match="conflict style"):
        update_project(project, conflict="theirs")  # type: ignore[arg-type]


def test_the_update_is_found_from_a_subfolder(project: Path) -> None:
    result = update_project(project / "src" / "sound", to="v2", run_check=False)
    assert result.project_dir == project.resolve()


# -- atomicity --------------------------------------------------------------------------

INTERRUPT = """\
import os, signal, sys
# Whoever runs the tests may ignore SIGINT (a background job does) and a child inherits
# that; a user's terminal does not.
signal.signal(signal.SIGINT, signal.default_int_handler)
import pkgforge.landing as landing
real = landing._rename
calls = 0
def interrupted(source, target):
    global calls
    calls += 1
    real(source, target)
    if calls == {at}:
        os.kill(os.getpid(), signal.SIGINT)
landing._rename = interrupted
from pkgforge.cli import main
sys.exit(main(["update", {project!r}, "--to", "v2"]))
"""


@pytest.mark.parametrize("at", [1, 4, 9])
def test_ctrl_c_mid_update_leaves_the_tree_byte_identical(project: Path, at: int) -> None:
    user_edits(project)
    (project / "src/sound/mine.py").write_text("Z = 3\n")
    commit_all(project, "more")
    before = snapshot(project)
    script = INTERRUPT.format(
        at=at,
        project=str(project),
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 130, done.stderr
    assert "error: interrupted" in done.stderr
    assert snapshot(project) == before
    assert git("status", "--porcelain", cwd=project) == ""


def test_a_failure_while_writing_the_git_index_restores_everything(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.scaffold.update import gitwork

    user_edits(project)
    before = snapshot(project)

    def broken(self: object, lines: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gitwork.Worktree, "write_index", broken)
    with pytest.raises(OSError, match="disk full"):
        update_project(project, to="v2", run_check=False)
    after = snapshot(project)
    # The stages' blobs were written (unreferenced: `git gc` drops them); nothing else changed.
    assert {k for k in after if not k.startswith(".git/objects/")} == {
        k for k in before if not k.startswith(".git/objects/")
    }
    assert {k: v for k, v in after.items() if not k.startswith(".git/objects/")} == {
        k: v for k, v in before.items() if not k.startswith(".git/objects/")
    }


def test_a_failing_rename_restores_everything(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge import landing
    from pkgforge.errors import PkgforgeError

    user_edits(project)
    before = snapshot(project)
    real = landing._rename
    calls = []

    def failing(source: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 6:
            raise PkgforgeError("cannot replace: permission denied")
        real(source, target)

    monkeypatch.setattr(landing, "_rename", failing)
    with pytest.raises(PkgforgeError, match="permission denied"):
        update_project(project, to="v2", run_check=False)
    assert snapshot(project) == before
    assert not list(project.glob(".pkgforge-update-*"))


# -- a project made by new --module (the Sound tree) ------------------------------------


def test_the_sound_tree_keeps_every_module_and_all(
    template_repo: Path, tmp_path: Path, sound_modules: tuple[str, ...]
) -> None:
    from pkgforge.checker.findings import Severity
    from pkgforge.scaffold import new_project

    made = new_project(
        "sound",
        output_dir=tmp_path / "made",
        modules=sound_modules,
        template=str(template_repo),
        checkout="v1",
        no_input=True,
        run_check=False,
    )
    project = made.project_dir
    git("init", "-q", "-b", "main", cwd=project)
    commit_all(project, "pkgforge new sound --module ...")
    package = project / "src/sound"

    def modules() -> dict[str, bytes]:
        return {
            p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted(project.rglob("*.py"))
            if ".git" not in p.parts and p.name != "core.py"
        }

    before = modules()
    top_all = (package / "__init__.py").read_text().split("__all__", 1)[1]
    assert "effects" in top_all and "formats" in top_all and "filters" in top_all
    result = update_project(project, to="v2")
    after = modules()
    # every module and package of the tree is still there, byte for byte, except the
    # top __init__.py: the template changed its docstring, the user's __all__ stays
    assert set(after) == set(before)
    changed = {path for path in after if after[path] != before[path]}
    assert changed == {"src/sound/__init__.py"}
    init = (package / "__init__.py").read_text()
    assert init.startswith('"""A package. (v2)"""')
    assert init.split("__all__", 1)[1] == top_all
    for dotted in sound_modules:
        assert (package / (dotted.replace(".", "/") + ".py")).is_file()
    assert "src/sound/__init__.py" in result.merged
    assert result.conflicts == ()
    assert [f for f in result.findings if f.severity == Severity.ERROR] == []


def test_a_builtin_template_updates_from_its_oldest_version_to_a_fresh_render(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from pkgforge.scaffold import new_project
    from pkgforge.scaffold.update.history import versions

    fresh = new_project("sound", output_dir=tmp_path / "fresh", no_input=True, run_check=False)
    current = state_module.read_state(fresh.project_dir)
    oldest = replace(current, version=versions("default")[0])
    project = tmp_path / "old" / "sound"
    with state_module.checked_out(oldest) as (template_dir, described):
        assert described.version == oldest.version
        rendered = state_module.render_template(template_dir, current.answers, tmp_path / "r")
    project.parent.mkdir()
    rendered.rename(project)
    state_module.write_state(project, oldest)
    result = update_project(project, run_check=False)
    assert result.behind == (oldest.version != current.version)
    assert result.to_version == current.version
    assert result.conflicts == () and result.kept == ()
    assert snapshot(project) == snapshot(fresh.project_dir)


def test_the_findings_of_check_are_returned(project: Path) -> None:
    # the user adds a module that imports a missing sibling: check must say so
    (project / "src/sound/broken.py").write_text("from sound import nothing_here\n")
    commit_all(project, "broken")
    result = update_project(project, to="v2")
    assert any(f.code == "PF404" for f in result.findings)


def test_update_project_is_part_of_the_public_api() -> None:
    import pkgforge

    assert "update_project" in pkgforge.__all__
    assert pkgforge.update_project is update_project


def test_update_is_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["update", "--help"])
    out = capsys.readouterr().out
    for option in ("--to", "--set", "--dry-run", "--check", "--conflict", "--allow-dirty"):
        assert option in out
