"""The built-in templates' history: every released version renders, and no change goes unfrozen."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkgforge.errors import TemplateError
from pkgforge.scaffold import new_project, templates
from pkgforge.scaffold.digest import content_digest
from pkgforge.scaffold.update import history
from pkgforge.scaffold.update.history import builtin_at, freeze, load_index, status, versions
from pkgforge.scaffold.update.state import checked_out, render_template

REPO = Path(__file__).resolve().parents[3]
FREEZE = "python -m pkgforge.scaffold.update.history freeze --bump VERSION"


def _current(name: str) -> str:
    """The version a built-in template is at today (tests must not pin it)."""
    config = templates.builtin_templates_dir() / name / "cookiecutter.json"
    return str(json.loads(config.read_text())["_template_version"])


def _next(version: str) -> str:
    return f"{int(version.split('.', maxsplit=1)[0]) + 1}.0.0"


CURRENT = {name: _current(name) for name in ("default", "minimal")}
OLDEST = "1.0.0"


def test_every_builtin_template_is_frozen_at_its_version() -> None:
    # Fails when a built-in template changed but its _template_version was not bumped
    # and frozen: projects made from it could not be updated later. See docs/templates.md.
    stale = [
        f"{s.template} {s.version}: " + ("not frozen" if s.frozen is None else "content changed")
        for s in status()
        if not s.up_to_date
    ]
    assert stale == [], f"run: {FREEZE}"


def test_history_index_names_archives_that_exist() -> None:
    index = load_index()
    assert {"default", "minimal"} <= set(index)
    for entries in index.values():
        for entry in entries.values():
            assert (history.history_dir() / entry.archive).is_file()
            assert entry.digest.startswith("sha256:")
    assert {OLDEST, CURRENT["default"]} <= set(versions("default"))


@pytest.fixture
def builtins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the built-in templates and their history, for tests that change them."""
    copy = tmp_path / "templates"
    shutil.copytree(
        templates.builtin_templates_dir(), copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(templates, "builtin_templates_dir", lambda: copy)
    monkeypatch.setattr(history, "builtin_templates_dir", lambda: copy)
    yield copy


def _archive_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "_history").iterdir())}


def test_freeze_is_reproducible(builtins: Path) -> None:
    current = {f"{name}-{version}.tar.gz" for name, version in CURRENT.items()}
    shipped = {k: v for k, v in _archive_bytes(builtins).items() if k in current}
    shutil.rmtree(builtins / "_history")
    result = freeze()
    assert all(s.up_to_date for s in result)
    assert {k: v for k, v in _archive_bytes(builtins).items() if k in current} == shipped
    again = _archive_bytes(builtins)
    freeze()  # nothing changed: nothing rewritten
    assert _archive_bytes(builtins) == again


def test_a_change_needs_a_bump_then_both_versions_render(
    builtins: Path, work: Path, tmp_path: Path
) -> None:
    was, bump = CURRENT["minimal"], _next(CURRENT["minimal"])
    old = new_project("sound", template="minimal", no_input=True, run_check=False)
    assert old.state.version == was
    readme = builtins / "minimal/{{cookiecutter.project_slug}}/README.md"
    readme.write_text(readme.read_text() + "\nNew in the next version.\n")
    [stale] = [s for s in status() if not s.up_to_date]
    assert (stale.template, stale.version) == ("minimal", was)

    with pytest.raises(TemplateError, match=rf"content changed under .*minimal {re.escape(was)}"):
        freeze()
    with pytest.raises(TemplateError, match=rf"not newer than the frozen version {re.escape(was)}"):
        freeze(bump=was)
    with pytest.raises(TemplateError, match="is not a version"):
        freeze(bump="two")
    before = (builtins / "minimal/cookiecutter.json").read_text()
    assert all(s.up_to_date for s in freeze(bump=bump))
    after = (builtins / "minimal/cookiecutter.json").read_text()
    # Only the version line changed; the file keeps its own layout.
    assert (
        before.replace(f'"_template_version": "{was}"', f'"_template_version": "{bump}"') == after
    )
    assert versions("minimal")[-2:] == (was, bump)
    assert versions("default")[-1] == CURRENT["default"]  # unchanged templates are not bumped

    with builtin_at("minimal", was) as (folder, version):
        assert version == was
        assert (
            "New in the next version"
            not in (folder / "{{cookiecutter.project_slug}}/README.md").read_text()
        )
    with checked_out(old.state) as (base, base_state):
        assert base_state.version == was
        rendered = render_template(base, base_state.answers, tmp_path / "base")
        assert (rendered / "README.md").read_bytes() == (old.project_dir / "README.md").read_bytes()
    with checked_out(old.state, target="latest") as (theirs, theirs_state):
        assert theirs_state.version == bump
        rendered = render_template(theirs, theirs_state.answers, tmp_path / "theirs")
        assert (rendered / "README.md").read_text().endswith("New in the next version.\n")
    with checked_out(old.state, target=bump) as (_, pinned):
        assert pinned.version == bump
    new = new_project("sound2", template="minimal", no_input=True, run_check=False)
    assert new.state.version == bump


def test_an_edited_but_unfrozen_version_renders_from_the_history(builtins: Path) -> None:
    readme = builtins / "minimal/{{cookiecutter.project_slug}}/README.md"
    shipped = readme.read_text()
    readme.write_text("work in progress\n")
    with builtin_at("minimal", CURRENT["minimal"]) as (folder, _):
        assert folder != builtins / "minimal"
        assert (folder / "{{cookiecutter.project_slug}}/README.md").read_text() == shipped
    with builtin_at("minimal", "latest") as (folder, _):
        assert folder == builtins / "minimal"


def test_unknown_version_names_the_known_ones() -> None:
    unknown = r"has no version '0\.1\.0' of the built-in"
    with pytest.raises(TemplateError, match=unknown) as caught, builtin_at("default", "0.1.0"):
        pass
    assert OLDEST in (caught.value.hint or "")
    with pytest.raises(TemplateError, match="no built-in template called"), builtin_at("fancy"):
        pass


def test_damaged_history_is_reported(builtins: Path) -> None:
    readme = builtins / "minimal/{{cookiecutter.project_slug}}/README.md"
    readme.write_text("edited\n")  # the shipped folder no longer serves its version
    was = CURRENT["minimal"]
    archive = builtins / "_history" / load_index()["minimal"][was].archive
    archive.write_bytes(history._tar_gz(builtins / "default"))  # a valid archive, wrong content
    with pytest.raises(TemplateError, match="is damaged"), builtin_at("minimal", was):
        pass
    archive.write_bytes(b"garbage")
    with pytest.raises(TemplateError, match="cannot unpack"), builtin_at("minimal", was):
        pass


def test_module_command_status_and_freeze(
    builtins: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert history.main(["status"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"default {CURRENT['default']}: frozen",
        f"minimal {CURRENT['minimal']}: frozen",
    ]
    readme = builtins / "default/{{cookiecutter.project_slug}}/README.md"
    readme.write_text("changed\n")
    assert history.main(["status", "default"]) == 1
    assert "CHANGED since frozen" in capsys.readouterr().out
    assert history.main(["freeze"]) == 1
    assert "--bump" in capsys.readouterr().err
    bump = _next(CURRENT["default"])
    assert history.main(["freeze", "--bump", bump]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"default {bump}: frozen",
        f"minimal {CURRENT['minimal']}: frozen",
    ]
    index = json.loads((builtins / "_history/index.json").read_text())
    assert {OLDEST, CURRENT["default"], bump} <= set(index["default"])


@pytest.mark.parametrize(
    "module", ["pkgforge.scaffold.update.history", "pkgforge.scaffold.history"]
)
def test_the_documented_command_runs_under_both_names(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "status"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        f"{name} {CURRENT[name]}: frozen" for name in sorted(CURRENT)
    ]


def test_history_is_small() -> None:
    total = sum(p.stat().st_size for p in history.history_dir().iterdir())
    assert total < 64 * 1024 * max(1, len(load_index()))


@pytest.mark.slow
def test_the_wheel_ships_the_history_and_renders_old_versions(tmp_path: Path) -> None:
    source = tmp_path / "pkgforge-src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    for folder in ("src", "templates"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist"],
        cwd=source,
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("pkgforge_cli-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped = {
        f"pkgforge/templates/_history/{e.archive}"
        for entries in load_index().values()
        for e in entries.values()
    }
    assert {"pkgforge/templates/_history/index.json", *shipped} <= names

    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    probe = """
import pkgforge.scaffold.update.history as h
from pkgforge.scaffold.digest import content_digest
with h.builtin_at("default", "1.0.0") as (folder, version):
    print(h.__file__)
    print(content_digest(folder) == h.load_index()["default"]["1.0.0"].digest)
"""
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert Path(out[0]).is_relative_to(site)
    assert out[1] == "True"


def test_digest_ignores_bytecode_and_git_but_not_content(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub/a.txt").write_text("a")
    first = content_digest(folder)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__/x.pyc").write_bytes(b"x")
    (folder / ".git").mkdir()
    (folder / ".git/HEAD").write_text("ref")
    assert content_digest(folder) == first
    (folder / "sub/a.txt").write_text("b")
    assert content_digest(folder) != first
    (folder / "sub/a.txt").write_text("a")
    (folder / "sub/a.txt").rename(folder / "sub/b.txt")
    assert content_digest(folder) != first
