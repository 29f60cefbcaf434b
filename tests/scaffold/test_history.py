"""The built-in templates' history: every released version renders, and no change goes unfrozen."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkgforge.errors import TemplateError
from pkgforge.scaffold import history, new_project, templates
from pkgforge.scaffold.digest import content_digest
from pkgforge.scaffold.history import builtin_at, freeze, load_index, status, versions
from pkgforge.scaffold.state import checked_out, render_template

REPO = Path(__file__).resolve().parents[2]
FREEZE = "python -m pkgforge.scaffold.history freeze --bump VERSION"


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
    assert "1.0.0" in versions("default")


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
    shipped = _archive_bytes(builtins)
    shutil.rmtree(builtins / "_history")
    result = freeze()
    assert all(s.up_to_date for s in result)
    assert _archive_bytes(builtins) == shipped
    freeze()  # nothing changed: nothing rewritten
    assert _archive_bytes(builtins) == shipped


def test_a_change_needs_a_bump_then_both_versions_render(
    builtins: Path, work: Path, tmp_path: Path
) -> None:
    old = new_project("sound", template="minimal", no_input=True, run_check=False)
    assert old.state.version == "1.0.0"
    readme = builtins / "minimal/{{cookiecutter.project_slug}}/README.md"
    readme.write_text(readme.read_text() + "\nNew in 2.0.0.\n")
    [stale] = [s for s in status() if not s.up_to_date]
    assert (stale.template, stale.version) == ("minimal", "1.0.0")

    with pytest.raises(TemplateError, match=r"content changed under .*minimal 1\.0\.0"):
        freeze()
    with pytest.raises(TemplateError, match=r"not newer than the frozen version 1\.0\.0"):
        freeze(bump="1.0.0")
    with pytest.raises(TemplateError, match="is not a version"):
        freeze(bump="two")
    before = (builtins / "minimal/cookiecutter.json").read_text()
    assert all(s.up_to_date for s in freeze(bump="2.0.0"))
    after = (builtins / "minimal/cookiecutter.json").read_text()
    # Only the version line changed; the file keeps its own layout.
    assert before.replace('"_template_version": "1.0.0"', '"_template_version": "2.0.0"') == after
    assert versions("minimal") == ("1.0.0", "2.0.0")
    assert versions("default") == ("1.0.0",)  # unchanged templates are not bumped

    with builtin_at("minimal", "1.0.0") as (folder, version):
        assert version == "1.0.0"
        assert (
            "New in 2.0.0" not in (folder / "{{cookiecutter.project_slug}}/README.md").read_text()
        )
    with checked_out(old.state) as (base, base_state):
        assert base_state.version == "1.0.0"
        rendered = render_template(base, base_state.answers, tmp_path / "base")
        assert (rendered / "README.md").read_bytes() == (old.project_dir / "README.md").read_bytes()
    with checked_out(old.state, target="latest") as (theirs, theirs_state):
        assert theirs_state.version == "2.0.0"
        rendered = render_template(theirs, theirs_state.answers, tmp_path / "theirs")
        assert (rendered / "README.md").read_text().endswith("New in 2.0.0.\n")
    with checked_out(old.state, target="2.0.0") as (_, pinned):
        assert pinned.version == "2.0.0"
    new = new_project("sound2", template="minimal", no_input=True, run_check=False)
    assert new.state.version == "2.0.0"


def test_an_edited_but_unfrozen_version_renders_from_the_history(builtins: Path) -> None:
    readme = builtins / "minimal/{{cookiecutter.project_slug}}/README.md"
    shipped = readme.read_text()
    readme.write_text("work in progress\n")
    with builtin_at("minimal", "1.0.0") as (folder, _):
        assert folder != builtins / "minimal"
        assert (folder / "{{cookiecutter.project_slug}}/README.md").read_text() == shipped
    with builtin_at("minimal", "latest") as (folder, _):
        assert folder == builtins / "minimal"


def test_unknown_version_names_the_known_ones() -> None:
    unknown = r"has no version '0\.1\.0' of the built-in"
    with pytest.raises(TemplateError, match=unknown) as caught, builtin_at("default", "0.1.0"):
        pass
    assert "1.0.0" in (caught.value.hint or "")
    with pytest.raises(TemplateError, match="no built-in template called"), builtin_at("fancy"):
        pass


def test_damaged_history_is_reported(builtins: Path) -> None:
    readme = builtins / "minimal/{{cookiecutter.project_slug}}/README.md"
    readme.write_text("edited\n")  # the shipped folder no longer serves 1.0.0
    archive = builtins / "_history" / load_index()["minimal"]["1.0.0"].archive
    archive.write_bytes(history._tar_gz(builtins / "default"))  # a valid archive, wrong content
    with pytest.raises(TemplateError, match="is damaged"), builtin_at("minimal", "1.0.0"):
        pass
    archive.write_bytes(b"garbage")
    with pytest.raises(TemplateError, match="cannot unpack"), builtin_at("minimal", "1.0.0"):
        pass


def test_module_command_status_and_freeze(
    builtins: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert history.main(["status"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "default 1.0.0: frozen",
        "minimal 1.0.0: frozen",
    ]
    readme = builtins / "default/{{cookiecutter.project_slug}}/README.md"
    readme.write_text("changed\n")
    assert history.main(["status", "default"]) == 1
    assert "CHANGED since frozen" in capsys.readouterr().out
    assert history.main(["freeze"]) == 1
    assert "--bump" in capsys.readouterr().err
    assert history.main(["freeze", "--bump", "2.0.0"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "default 2.0.0: frozen",
        "minimal 1.0.0: frozen",
    ]
    index = json.loads((builtins / "_history/index.json").read_text())
    assert sorted(index["default"]) == ["1.0.0", "2.0.0"]


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
    wheel = next((tmp_path / "dist").glob("pkgforge-*.whl"))
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
import pkgforge.scaffold.history as h
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
