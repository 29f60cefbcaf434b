"""``link_project``: adopt a project that pkgforge did not make, as cruft's ``link`` does.

It records which template the project follows from now on, at which exact
version, with which answers, in ``.pkgforge-template.json``; the next
``pkgforge update`` merges that template's changes since that version. The
answers are, by priority: ``--set``; cookiecutter's replay file for the template
(the answers cookiecutter recorded when it made a project from it), when its
answers make this project's folder name; what pyproject.toml says (name,
description, first author, license, a static version, the lowest Python of
``requires-python``, the home page and the GitHub owner in it, the import
package found in the tree); then, for what none of them gives, a prompt (as
``new`` prompts), or without one the template's default. Nothing else in the
project is touched.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.errors import ProjectExistsError, ProjectNotFoundError, UsageError
from pkgforge.scaffold.render import load_context, parse_settings, stdin_is_interactive
from pkgforge.scaffold.sources import open_template
from pkgforge.scaffold.update.state import STATE_FILE, TemplateState, answers_of, write_state

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["LinkResult", "infer_answers", "link_project"]

log = logging.getLogger("pkgforge")

FROM_PYPROJECT = "pyproject.toml"
FROM_TREE = "the package folder"
FROM_SET = "--set"
FROM_DEFAULT = "template default"
FROM_PROMPT = "prompt"


@dataclass(frozen=True)
class LinkResult:
    """What ``link_project`` recorded."""

    project_dir: Path
    state_file: Path
    state: TemplateState
    origins: Mapping[str, str]
    """Where each answer came from: "--set", cookiecutter's replay file (its path),
    "pyproject.toml", "the package folder", "prompt" or "template default"."""
    replaced: bool
    """True when an earlier state file was replaced (``force``)."""

    @property
    def defaulted(self) -> tuple[str, ...]:
        """The answers nothing gave: the template's defaults were recorded (public names)."""
        return tuple(
            sorted(
                key
                for key, origin in self.origins.items()
                if origin == FROM_DEFAULT and not key.startswith("_")
            )
        )


def link_project(
    path: str | os.PathLike[str] = ".",
    *,
    template: str | os.PathLike[str],
    checkout: str | None = None,
    directory: str | None = None,
    settings: Iterable[str] = (),
    extra_context: Mapping[str, Any] | None = None,
    force: bool = False,
    no_input: bool = False,
) -> LinkResult:
    """Record that the project in ``path`` follows ``template`` (at its current version).

    The answers nothing else gives are asked for, as ``new`` asks (a terminal, or
    answers piped in), unless ``no_input``: then they take the template's defaults,
    which ``result.defaulted`` lists. A project that already has a state file is
    refused unless ``force``.
    Raises ``ProjectNotFoundError``, ``ProjectExistsError``, ``UsageError`` or
    ``TemplateError`` (all ``PkgforgeError``); writes nothing then.
    """
    project_dir = Path(path).absolute()
    if not project_dir.is_dir():
        raise ProjectNotFoundError(
            f"{path} is not a folder", hint="give the folder of the project to link"
        )
    existing = project_dir / STATE_FILE
    replacing = existing.exists()
    if replacing and not force:
        raise ProjectExistsError(
            f"{existing} already records the project's template; nothing was changed",
            hint="pass --force to replace it (pkgforge update then starts from the new record)",
        )
    overrides: dict[str, Any] = dict(extra_context or {})
    overrides.update(parse_settings(tuple(settings)))
    inferred = infer_answers(project_dir)
    with open_template(template, checkout=checkout, directory=directory) as opened:
        variables = _variables(opened.path)
        replayed = _replayed(opened.path, variables, project_dir.name)
        found = {k: v for k, (v, _) in inferred.items() if k in variables and k not in replayed}
        _check_choices(variables, found, overrides)
        _check_inferred(variables, found, overrides, opened.path.name)
        known = {
            key: (value, origin)
            for key, (value, origin) in {**inferred, **replayed}.items()
            if key in variables and key not in overrides
        }
        interactive = not no_input and stdin_is_interactive()
        context = load_context(
            opened.path,
            fixed={key: value for key, (value, _) in known.items()},
            defaults={},
            settings=overrides,
            interactive=interactive,
        )
    answers = answers_of(context["cookiecutter"])
    origins = {key: _origin(key, overrides, known, asked=interactive) for key in answers}
    state = TemplateState(
        source=opened.source,
        kind=opened.kind,
        version=opened.version,
        ref=opened.ref,
        directory=opened.directory,
        answers=answers,
    )
    state_file = write_state(project_dir, state)
    log.info("Linked %s to template %s %s", project_dir, state.source, state.version)
    return LinkResult(
        project_dir=project_dir,
        state_file=state_file,
        state=state,
        origins=origins,
        replaced=replacing,
    )


def infer_answers(project_dir: Path) -> dict[str, tuple[Any, str]]:
    """Template answers read from the project: variable -> (value, where it came from).

    The names are those of pkgforge's built-in templates, which other
    templates often share; a template takes only the ones it has.
    """
    import tomllib

    try:
        with (project_dir / "pyproject.toml").open("rb") as handle:
            pyproject = tomllib.load(handle)
    except FileNotFoundError:
        pyproject = {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise UsageError(
            f"cannot read {project_dir / 'pyproject.toml'}: {err}",
            hint="fix pyproject.toml, or give every answer with --set",
        ) from err
    project = pyproject.get("project")
    project = project if isinstance(project, dict) else {}
    found: dict[str, Any] = {}
    name = project.get("name")
    if isinstance(name, str) and name.strip():
        found["project_name"] = found["project_slug"] = name.strip()
    if isinstance(project.get("description"), str):
        found["description"] = project["description"]
    found.update(_author(project.get("authors")))
    license_ = project.get("license")
    if isinstance(license_, str) and license_.strip():
        found["license"] = license_.strip()
    dynamic = project.get("dynamic")
    if isinstance(project.get("version"), str) and not (
        isinstance(dynamic, list) and "version" in dynamic
    ):
        found["version"] = project["version"]
    python_min = _python_min(project.get("requires-python"))
    if python_min:
        found["python_min"] = python_min
    url = _home_page(project.get("urls"))
    if url:
        found["url"] = url
        owner = re.match(r"https?://github\.com/([^/]+)/", url + "/")
        if owner:
            found["github_owner"] = owner.group(1)
    answers = {key: (value, FROM_PYPROJECT) for key, value in found.items()}
    import_name = _import_name(project_dir)
    if import_name:
        answers["import_name"] = (import_name, FROM_TREE)
    return answers


def _origin(
    key: str, overrides: Mapping[str, Any], known: Mapping[str, tuple[Any, str]], *, asked: bool
) -> str:
    if key in overrides:
        return FROM_SET
    if key in known:
        return known[key][1]
    # computed (``__year``) and private variables are never asked
    return FROM_PROMPT if asked and not key.startswith("_") else FROM_DEFAULT


def _replayed(
    template_dir: Path, variables: Mapping[str, Any], folder: str
) -> dict[str, tuple[Any, str]]:
    """The answers of cookiecutter's replay file for this template, when there is one and
    it made this project: its answers render the template's project folder name as
    ``folder`` (a replay file keeps only the template's last run, maybe another project's)."""
    replay = _replay_file(template_dir.name)
    if replay is None:
        return {}
    try:
        answers = json.loads(replay.read_text(encoding="utf-8"))["cookiecutter"]
    except (OSError, ValueError, KeyError, TypeError):
        log.info("%s is not a replay file cookiecutter wrote; not used", replay)
        return {}
    if not isinstance(answers, dict):
        return {}
    made = _folder_made_by(template_dir, answers)
    if made != folder:
        log.info("%s is the replay of another project (%s, not %s); not used", replay, made, folder)
        return {}
    origin = f"cookiecutter's replay ({_shown(replay)})"
    return {
        key: (value, origin)
        for key, value in answers.items()
        if key in variables and not key.startswith("_")
    }


def _replay_file(template_name: str) -> Path | None:
    """Where cookiecutter keeps the answers of its last run of the template named so (its
    folder's name, as cookiecutter names it), when that file exists."""
    from cookiecutter.config import get_user_config
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.replay import get_file_name

    try:
        replay_dir = get_user_config()["replay_dir"]
    except (CookiecutterException, OSError, KeyError, ValueError) as err:
        log.info("cannot read cookiecutter's configuration (%s); no replay file used", err)
        return None
    path = Path(get_file_name(replay_dir, template_name)).expanduser()
    return path if path.is_file() else None


def _folder_made_by(template_dir: Path, answers: Mapping[str, Any]) -> str | None:
    """The name of the project folder the template makes with ``answers``."""
    from jinja2 import Environment, TemplateError

    tops = [p.name for p in template_dir.iterdir() if p.is_dir() and "{{" in p.name]
    if len(tops) != 1:
        return None
    try:
        return Environment().from_string(tops[0]).render(cookiecutter=answers)
    except TemplateError:
        return None


def _shown(path: Path) -> str:
    home = Path.home()
    return f"~/{path.relative_to(home).as_posix()}" if path.is_relative_to(home) else str(path)


def _author(authors: object) -> dict[str, str]:
    if not isinstance(authors, list) or not authors or not isinstance(authors[0], dict):
        return {}
    first = authors[0]
    return {
        key: first[field].strip()
        for key, field in (("author_name", "name"), ("author_email", "email"))
        if isinstance(first.get(field), str) and first[field].strip()
    }


def _python_min(requires: object) -> str | None:
    """``>=3.11`` (or ``~=3.11``) -> ``3.11``; anything else tells no single lowest version."""
    if not isinstance(requires, str):
        return None
    lows = re.findall(r"(?:>=|~=)\s*(3\.\d+)(?:\.\d+)*", requires)
    return lows[0] if len(lows) == 1 else None


def _home_page(urls: object) -> str | None:
    if not isinstance(urls, dict):
        return None
    by_key = {str(k).lower().replace("-", "").replace("_", ""): v for k, v in urls.items()}
    for key in ("homepage", "source", "sourcecode", "repository"):
        value = by_key.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _import_name(project_dir: Path) -> str | None:
    from pkgforge.scaffold.layout import find_package

    try:
        return find_package(project_dir)[1]
    except (ProjectNotFoundError, OSError):
        return None


def _variables(template_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # load_context reports it
    return data if isinstance(data, dict) else {}


def _check_inferred(
    variables: Mapping[str, Any],
    inferred: Mapping[str, Any],
    overrides: Mapping[str, Any],
    template: str,
) -> None:
    """An inferred value the template's checks refuse (``requires-python = ">=3.10"``
    for a template from 3.11) is said with where it came from, before anything is written."""
    from pkgforge.scaffold.answers import InvalidAnswerError, check_answer, kinds_of

    kinds = kinds_of(variables, template)
    for key, value in inferred.items():
        if key in overrides:
            continue
        try:
            check_answer(key, value, kinds)
        except InvalidAnswerError as err:
            raise UsageError(
                f"{err} (read from {FROM_PYPROJECT})",
                hint=f"choose a value the template accepts with --set {key}=VALUE",
            ) from err


def _check_choices(
    variables: Mapping[str, Any], inferred: Mapping[str, Any], overrides: Mapping[str, Any]
) -> None:
    """An inferred value the template does not offer is an error, not a silent default:
    recording the wrong license would make ``update`` swap the LICENSE file."""
    for key, value in inferred.items():
        choices = variables.get(key)
        if key in overrides or not isinstance(choices, list) or value in choices:
            continue
        offered = ", ".join(str(c) for c in choices)
        raise UsageError(
            f"the project's {key} {value!r} (from {FROM_PYPROJECT}) is not one the template "
            f"offers: {offered}",
            hint=f"choose one with --set {key}=VALUE",
        )
