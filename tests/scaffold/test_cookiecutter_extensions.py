"""cookiecutter's default Jinja extensions still work when their libraries load late.

``pkgforge new`` defers arrow and uuid (cookiecutter's ``{% now %}`` tag and
``uuid4()``) until a template uses them. These tests run ``pkgforge new`` in a fresh
interpreter, where nothing else has imported those libraries first, and check what
a template that uses every default extension renders; and that the built-in
templates' copyright year is the one cookiecutter's own tag gives.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

EXTENSIONS_TEMPLATE = {
    "now.txt": "{% now 'utc', '%Y' %}|{% now 'utc' - 'days=1', '%Y-%m-%d' %}",
    "slug.txt": "{{ cookiecutter.title | slugify }}",
    "uuid.txt": "{{ uuid4() }}",
    "random.txt": "{{ random_ascii_string(12) }}",
    "json.txt": "{{ cookiecutter.data | jsonify }}",
}


def _run_new(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pkgforge", "new", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _utc_years() -> set[str]:
    """This year in UTC (both, if the test runs across New Year)."""
    return {datetime.now(UTC).strftime("%Y")}


def test_every_default_extension_renders_in_a_fresh_run(tmp_path: Path) -> None:
    template = tmp_path / "extensions"
    template.mkdir()
    variables = {"project_name": "x", "title": "Hello, Wörld! Sound Tools", "data": {"b": ["one"]}}
    (template / "cookiecutter.json").write_text(json.dumps(variables))
    for name, text in EXTENSIONS_TEMPLATE.items():
        target = template / "{{cookiecutter.project_name}}" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
    work = tmp_path / "work"
    work.mkdir()
    years = _utc_years()

    done = _run_new(work, "sound", "--no-input", "--template", str(template))

    assert done.returncode == 0, done.stderr
    out = work / "sound"
    year, yesterday = (out / "now.txt").read_text().split("|")
    assert year in years | _utc_years()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", yesterday)
    assert (out / "slug.txt").read_text() == "hello-world-sound-tools"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
        (out / "uuid.txt").read_text(),
    )
    assert re.fullmatch(r"[A-Za-z]{12}", (out / "random.txt").read_text())
    assert json.loads((out / "json.txt").read_text()) == {"b": ["one"]}


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_builtin_license_year_is_cookiecutters(tmp_path: Path, template: str) -> None:
    from cookiecutter.main import cookiecutter

    from pkgforge.scaffold.templates import builtin_templates_dir

    years = _utc_years()
    done = _run_new(tmp_path, "sound", "--no-input", "--template", template)
    assert done.returncode == 0, done.stderr
    ours = (tmp_path / "sound" / "LICENSE").read_text()

    # The same template through cookiecutter itself, where {% now %} gives the year.
    theirs_dir = tmp_path / "cookiecutter"
    config = tmp_path / "cookiecutterrc.yaml"
    config.write_text(f"replay_dir: {tmp_path / 'replay'}\ncookiecutters_dir: {tmp_path}\n")
    project = cookiecutter(
        str(builtin_templates_dir() / template),
        no_input=True,
        output_dir=str(theirs_dir),
        config_file=str(config),
        extra_context={"project_name": "sound", "author_name": "Ada"},
    )
    theirs = (Path(project) / "LICENSE").read_text()

    year = re.search(r"Copyright \(c\) (\d{4})", ours)
    assert year is not None
    assert year.group(1) in years | _utc_years()
    assert re.search(r"Copyright \(c\) (\d{4})", theirs).group(1) == year.group(1)  # type: ignore[union-attr]


def test_the_year_can_be_set(tmp_path: Path) -> None:
    done = _run_new(tmp_path, "sound", "--no-input", "--set", "__year=1999")
    assert done.returncode == 0, done.stderr
    assert "Copyright (c) 1999 " in (tmp_path / "sound" / "LICENSE").read_text()
