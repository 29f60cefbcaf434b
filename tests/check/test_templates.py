"""Templates are not package code: their Jinja is never checked as modules, and
``check TEMPLATE_DIR`` checks the project the template renders with its defaults."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.engine import check
from pkgforge.errors import TemplateError

from .conftest import GOOD_PYPROJECT, write_tree

REPO = Path(__file__).resolve().parents[2]

_SLUG = "{{cookiecutter.project_name}}"
_PACKAGE = f"{_SLUG}/src/{{{{cookiecutter.import_name}}}}"


def _template(root: Path, init: str = "", **more: str) -> Path:
    context = {"project_name": "sound", "import_name": "{{ cookiecutter.project_name }}"}
    return write_tree(
        root,
        {
            "cookiecutter.json": json.dumps(context),
            f"{_SLUG}/pyproject.toml": GOOD_PYPROJECT.replace(
                'name = "sound"', 'name = "{{ cookiecutter.project_name }}"'
            ),
            f"{_PACKAGE}/__init__.py": init,
            f"{_PACKAGE}/{{{{cookiecutter.import_name}}}}_io.py": "VALUE = 1\n",
            f"{_SLUG}/tests/test_package.py": "import {{ cookiecutter.import_name }}\n",
            **more,
        },
    )


def test_jinja_folders_and_files_are_not_package_code(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "src/sound/__init__.py": "",
            "src/sound/{{cookiecutter.module}}.py": "{% if x %}import y{% endif %}\n",
            "src/sound/skeleton/{{cookiecutter.slug}}/mod.py": "def {{ name }}(): ...\n",
        },
    )
    result = check([root], use_cache=False)
    assert result.files_checked == 1
    assert [f for f in result.findings if f.code in {"PF410", "PF201", "PF101"}] == []


def test_a_template_folder_is_checked_as_it_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = _template(tmp_path / "tmpl", init="from .missing import thing\n")
    monkeypatch.chdir(tmp_path)
    result = check(["tmpl"], use_cache=False)
    assert result.files_checked == 2  # the package's two modules, as rendered
    errors = [(f.code, f.path) for f in result.findings if f.severity.value == "error"]
    assert errors == [("PF404", f"tmpl/{_PACKAGE}/__init__.py")]
    assert not (template / "sound").exists()  # rendered elsewhere, and cleaned up


def test_a_clean_template_passes_and_its_hooks_do_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "hook-ran"
    template = _template(
        tmp_path / "tmpl",
        init="from .sound_io import VALUE\n__all__ = ['VALUE']\n",
        **{"hooks/pre_gen_project.py": f"open({str(marker)!r}, 'w').close()\n"},
    )
    result = check([template], use_cache=False)
    assert not result.has_errors, result.findings
    assert not marker.exists()


def test_a_template_that_does_not_render_is_a_clear_error(
    tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    template = _template(tmp_path / "tmpl", **{f"{_SLUG}/README.md": "{{ cookiecutter.nope }}"})
    with pytest.raises(TemplateError, match="does not render with its defaults"):
        check([template], use_cache=False)
    # through run_cli, which gives the logger back: main() points it at this test's stderr
    status, _, err = run_cli("check", str(template))
    assert status == 1  # as `pkgforge new` fails on it
    assert "error: template 'tmpl' does not render" in err


@pytest.mark.parametrize("name", ["default", "minimal"])
def test_the_built_in_templates_render_into_clean_projects(name: str) -> None:
    result = check([REPO / "templates" / name], use_cache=False)
    assert result.files_checked >= 1
    assert not result.has_errors, result.findings
