"""``publish PATH`` refuses what ``build PATH`` refuses, in the same words and exit status."""

from __future__ import annotations

from pathlib import Path

import pytest


def _make(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / "target"
    if kind == "file":
        path.write_text("not a project\n", encoding="utf-8")
    elif kind == "empty-dir":
        path.mkdir()
    elif kind == "dir-with-other-files":
        path.mkdir()
        (path / "notes.txt").write_text("hello\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["missing", "file", "empty-dir", "dir-with-other-files"])
@pytest.mark.parametrize("spelling", ["absolute", "relative"])
def test_publish_refuses_like_build(run_cli, tmp_path, monkeypatch, kind, spelling) -> None:
    path = _make(kind, tmp_path)
    arg = str(path)
    if spelling == "relative":
        monkeypatch.chdir(tmp_path)
        arg = path.name
    build_status, _, build_err = run_cli("build", arg)
    publish_status, publish_out, publish_err = run_cli(
        "publish", arg, "--repository-url", "http://127.0.0.1:9/"
    )
    assert build_status == 2, build_err
    assert publish_status == build_status
    assert publish_out == ""
    build_lines, publish_lines = build_err.splitlines(), publish_err.splitlines()
    assert publish_lines[0] == build_lines[0]
    assert publish_lines[1].startswith("hint: ") and "pkgforge publish" in publish_lines[1]
    assert len(publish_lines) == len(build_lines) == 2


def test_a_project_that_was_never_built_says_to_build(run_cli, tmp_path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "proj"\n', encoding="utf-8")
    status, _, err = run_cli("publish", str(project), "--repository-url", "http://127.0.0.1:9/")
    assert status == 1
    assert err.startswith("error: no build manifest in")
    assert "hint: run 'pkgforge build'" in err
