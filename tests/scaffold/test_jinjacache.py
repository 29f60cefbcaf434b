"""Compiled templates are kept between ``pkgforge new`` runs (jinjacache), and only then."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from pkgforge.scaffold import new_project
from pkgforge.scaffold.jinjacache import CACHE_ENV
from pkgforge.scaffold.templates import builtin_templates_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "template-cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, str]]:
    """What Jinja compiles, as (name, source): template files have a name; what
    cookiecutter renders from strings (file and folder names, the variables' defaults)
    has none."""
    seen: list[tuple[str | None, str]] = []
    real = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, source: str, name: str | None = None, *a, **k):  # type: ignore[no-untyped-def]
        seen.append((name, source))
        return real(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return seen


def make(name: str, parent: Path, **kwargs: object) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    result = new_project(name, output_dir=parent, no_input=True, run_check=False, **kwargs)  # type: ignore[arg-type]
    return result.project_dir


def same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if files_a != files_b:
        return False
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def test_the_second_run_compiles_only_what_names_its_own_output_folder(
    work: Path, cache: Path, compiled: list[tuple[str | None, str]]
) -> None:
    first = make("sound", work / "one")
    files = {name for name, _ in compiled if name is not None}
    strings = {source for name, source in compiled if name is None}
    assert len(files) >= 10
    assert len(strings) >= 20
    kept = [source for source in strings if str(work / "one") not in source]
    assert len(list(cache.glob("*.jinja"))) == len(files) + len(kept)
    entries = sorted(cache.iterdir())
    compiled.clear()
    second = make("sound", work / "two")
    # Folder names that hold the run's own output folder: never asked for again.
    assert compiled
    assert all(name is None and str(work / "two") in source for name, source in compiled)
    assert sorted(cache.iterdir()) == entries  # nothing added: the cache does not grow
    assert same_tree(first, second)


def test_without_the_cache_the_output_is_the_same(
    work: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make("sound", work / "warm")  # fills the cache
    cached = make("sound", work / "cached")
    monkeypatch.setenv(CACHE_ENV, "off")
    plain = make("sound", work / "plain")
    assert not (work / "plain" / "template-cache").exists()
    assert same_tree(cached, plain)


def test_a_corrupt_cache_is_ignored_and_rewritten(
    work: Path, cache: Path, compiled: list[tuple[str | None, str]]
) -> None:
    expected = make("sound", work / "one")
    entries = sorted(cache.glob("*.jinja"))
    assert entries
    for number, entry in enumerate(entries):
        # garbage, a truncated file, an empty one, another entry's content...
        damaged = [b"\x00garbage" * 7, entry.read_bytes()[:20], b"", entries[0].read_bytes()]
        entry.write_bytes(damaged[number % len(damaged)])
    compiled.clear()
    again = make("sound", work / "two")
    assert same_tree(expected, again)
    assert any(name is not None for name, _ in compiled)  # recompiled what it could not read...
    compiled.clear()
    make("sound", work / "three")
    assert all(str(work / "three") in source for _, source in compiled)  # ...and wrote it back


def test_an_unusable_cache_folder_is_no_error(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    project = make("sound", work / "one")
    assert (project / "pyproject.toml").is_file()


def test_a_changed_template_file_is_compiled_again(work: Path, tmp_path: Path, cache: Path) -> None:
    template = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "default", template)
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    make("sound", work / "one", template=template)
    readme.write_text("# {{ cookiecutter.project_name }}, changed\n", encoding="utf-8")
    project = make("sound", work / "two", template=template)
    assert (project / "README.md").read_text(encoding="utf-8") == "# sound, changed\n"


def test_cookiecutter_s_own_cli_keeps_its_behaviour(tmp_path: Path, cache: Path) -> None:
    # The same built-in template, its Filters extension loaded, but no pkgforge renderer.
    out = tmp_path / "out"
    config = tmp_path / "cookiecutterrc.yaml"
    config.write_text(f"replay_dir: {tmp_path / 'replay'}\ncookiecutters_dir: {tmp_path / 'cc'}\n")
    env = {**os.environ, "COOKIECUTTER_CONFIG": str(config), "XDG_CACHE_HOME": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(out),
         str(builtin_templates_dir() / "default"), "project_name=sound"],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    assert (out / "sound" / "pyproject.toml").is_file()
    assert not cache.exists()
    assert not (tmp_path / "pkgforge").exists()


def test_a_relative_cache_folder_is_the_working_directory_s(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cookiecutter renders from inside the template's folder: nothing may land there.
    template = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "default", template)
    before = sorted(template.rglob("*"))
    monkeypatch.setenv(CACHE_ENV, "relative-cache")
    make("sound", work / "one", template=template)
    assert sorted(template.rglob("*")) == before
    assert len(list((work / "relative-cache").glob("*.jinja"))) >= 30
