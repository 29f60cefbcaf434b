"""A cookiecutter template, checked as the project it renders with its defaults.

A template is not package code (its ``{{``-folders hold Jinja, which the walk never
enters): what can be checked is the project it makes. :func:`render_defaults` renders
it with the defaults of its cookiecutter.json, through cookiecutter's library (as
``cookiecutter --no-input`` does, but without running the template's hooks: check runs
no code of what it checks), and says which file of the template each rendered path
comes from, so that findings point into the template.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pkgforge.errors import TemplateError

__all__ = ["is_template", "render_defaults"]

_JINJA_MARKS = ("{{", "{%")


def is_template(path: Path) -> bool:
    """A folder with a cookiecutter.json and a folder whose name is a template."""
    if not (path / "cookiecutter.json").is_file():
        return False
    try:
        return any(
            child.is_dir() and any(mark in child.name for mark in _JINJA_MARKS)
            for child in path.iterdir()
        )
    except OSError:
        return False


def render_defaults(template: Path, into: Path) -> tuple[Path, Callable[[str], str]]:
    """Render ``template`` with its defaults under ``into`` (an empty folder).

    Return the rendered project and a function from a root-relative POSIX path in it to
    the template-relative path it was rendered from (``sound/__init__.py`` ->
    ``{{cookiecutter.project_slug}}/src/{{cookiecutter.import_name}}/__init__.py``).
    """
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.generate import generate_context, generate_files
    from cookiecutter.prompt import prompt_for_config

    try:
        context: OrderedDict[str, Any] = generate_context(
            context_file=str(template / "cookiecutter.json")
        )
        context["cookiecutter"] = prompt_for_config(context, no_input=True)
        context["cookiecutter"]["_template"] = str(template)
        context["cookiecutter"]["_output_dir"] = str(into)
        context["cookiecutter"]["_repo_dir"] = str(template)
        project = Path(
            generate_files(
                repo_dir=str(template),
                context=context,
                output_dir=str(into),
                overwrite_if_exists=False,
                accept_hooks=False,
                keep_project_on_failure=False,
            )
        )
        environment = StrictEnvironment(context=context, keep_trailing_newline=True)
        origins = _origins(template, project.name, environment, context)
    except Exception as err:
        # Jinja syntax errors, undefined variables, a bad cookiecutter.json, whatever the
        # template's own expressions raise: all are the template's failure.
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise TemplateError(
            f"template {template.name!r} does not render with its defaults: "
            f"{type(err).__name__}: {first}",
            hint="fix the template (pkgforge new --template PATH shows the same failure)",
        ) from err

    def to_template(relpath: str) -> str:
        if relpath in {"", "."}:
            return origins[""]
        return origins.get(relpath) or f"{origins['']}/{relpath}"

    return project, to_template


def _origins(template: Path, rendered: str, environment: Any, context: Any) -> dict[str, str]:
    """Rendered project-relative paths -> template-relative paths, for every folder and
    file of the template's project folder."""
    origin = next(
        child.name
        for child in sorted(template.iterdir())
        if child.is_dir() and environment.from_string(child.name).render(**context) == rendered
    )
    found = {"": origin}
    pending = [(template / origin, "", origin)]
    while pending:
        folder, relpath, source = pending.pop()
        for child in sorted(folder.iterdir()):
            name = environment.from_string(child.name).render(**context)
            if not name:
                continue  # a conditional file or folder that renders to nothing
            target = f"{relpath}/{name}" if relpath else name
            found[target] = f"{source}/{child.name}"
            if child.is_dir():
                pending.append((child, target, f"{source}/{child.name}"))
    return found
