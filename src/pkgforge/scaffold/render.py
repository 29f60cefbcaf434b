"""Render a cookiecutter template into a folder, through cookiecutter's library API.

Only ``cookiecutter.generate`` (and the prompt helpers it already loads) is
imported, and only when a project is rendered: ``cookiecutter.main`` would
also load the repository, replay, VCS and zip machinery that a local template
does not need.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pkgforge.errors import TemplateError, UsageError

__all__ = [
    "git_author",
    "load_context",
    "parse_settings",
    "render_into",
    "stdin_is_interactive",
]

log = logging.getLogger("pkgforge")


def parse_settings(settings: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["license=MIT", ...]`` from ``--set`` -> ``{"license": "MIT"}``."""
    parsed: dict[str, str] = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"--set {item!r} is not KEY=VALUE",
                hint="write it like --set license=Apache-2.0",
            )
        parsed[key.strip()] = value
    return parsed


def git_author() -> dict[str, str]:
    """``author_name``/``author_email`` from ``git config``, for the keys git knows."""
    try:
        out = subprocess.run(
            ["git", "config", "--get-regexp", r"^user\.(name|email)$"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, str] = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key == "user.name" and value.strip():
            found["author_name"] = value.strip()
        elif key == "user.email" and value.strip():
            found["author_email"] = value.strip()
    return found


def load_context(
    template_dir: Path,
    *,
    fixed: dict[str, str],
    defaults: dict[str, str],
    settings: dict[str, Any],
    interactive: bool,
) -> OrderedDict[str, Any]:
    """The cookiecutter context: the template's variables with our values applied.

    ``fixed`` values (the names pkgforge derived) are never prompted for;
    ``defaults`` (from git) only replace the template's defaults; ``settings``
    (``--set``) win over both and must name variables the template has.
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import apply_overwrites_to_context, generate_context

    try:
        context = generate_context(context_file=str(template_dir / "cookiecutter.json"))
    except CookiecutterException as err:
        raise TemplateError(
            f"cannot read {template_dir / 'cookiecutter.json'}: {_first_line(err)}",
            hint="fix the template's cookiecutter.json",
        ) from err
    variables = context["cookiecutter"]
    unknown = sorted(k for k in settings if k not in variables)
    if unknown:
        known = ", ".join(k for k in variables if not k.startswith("_")) or "none"
        raise UsageError(
            f"the template has no variable {unknown[0]!r} (--set)",
            hint=f"its variables are: {known}",
        )
    reserved = sorted(k for k in settings if k in fixed)
    if reserved:
        raise UsageError(
            f"--set {reserved[0]}=... conflicts with the project NAME",
            hint="pkgforge derives it from NAME; pass the name you want as NAME instead",
        )
    overrides = {k: v for k, v in defaults.items() if k in variables}
    overrides.update(settings)
    overrides.update({k: v for k, v in fixed.items() if k in variables})
    try:
        apply_overwrites_to_context(variables, overrides)
    except ValueError as err:
        raise UsageError(_first_line(err), hint="check the --set values") from err
    return _rendered(
        context, ask=set(variables) - set(fixed) - set(settings), interactive=interactive
    )


def _rendered(
    context: OrderedDict[str, Any], *, ask: set[str], interactive: bool
) -> OrderedDict[str, Any]:
    """Render each variable's default (asking for it first when ``interactive``)."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.prompt import prompt_for_config

    try:
        if not interactive:
            values = prompt_for_config(context, no_input=True)
        else:
            values = _prompt(context, ask)
    except CookiecutterException as err:
        raise TemplateError(
            f"a variable of the template does not render: {_first_line(err)}",
            hint="fix the template's cookiecutter.json",
        ) from err
    return OrderedDict([("cookiecutter", values)])


def _prompt(context: OrderedDict[str, Any], ask: set[str]) -> OrderedDict[str, Any]:
    """cookiecutter's prompt loop, minus the variables already decided (NAME, --set)."""
    from cookiecutter.prompt import (
        prompt_choice_for_config,
        read_user_variable,
        read_user_yes_no,
        render_variable,
    )
    from cookiecutter.utils import create_env_with_context

    values: OrderedDict[str, Any] = OrderedDict()
    env = create_env_with_context(context)
    variables = context["cookiecutter"]
    prompts = variables.pop("__prompts__", {})
    for key, raw in variables.items():
        if key.startswith("_") and not key.startswith("__"):
            values[key] = raw
            continue
        asking = key in ask and not key.startswith("__")
        if isinstance(raw, list):
            values[key] = prompt_choice_for_config(values, env, key, raw, not asking, prompts, "")
        elif isinstance(raw, bool):
            values[key] = read_user_yes_no(key, raw, prompts, "") if asking else raw
        else:
            value = render_variable(env, raw, values)
            values[key] = read_user_variable(key, value, prompts, "") if asking else value
    return values


def render_into(template_dir: Path, context: OrderedDict[str, Any], output_dir: Path) -> Path:
    """Render the template under ``output_dir`` (a fresh, empty folder); return the project."""
    from cookiecutter.exceptions import UndefinedVariableInTemplate
    from cookiecutter.generate import generate_files

    context = OrderedDict(context)
    context["_cookiecutter"] = context["cookiecutter"]
    context["cookiecutter"] = OrderedDict(context["cookiecutter"])
    context["cookiecutter"]["_template"] = str(template_dir)
    context["cookiecutter"]["_output_dir"] = str(output_dir)
    context["cookiecutter"]["_repo_dir"] = str(template_dir)
    try:
        project = generate_files(
            repo_dir=str(template_dir),
            context=context,
            output_dir=str(output_dir),
            overwrite_if_exists=False,
            accept_hooks=True,
            keep_project_on_failure=False,
        )
    except UndefinedVariableInTemplate as err:
        raise TemplateError(
            f"template {template_dir.name!r}: {err.message}: {_first_line(err.error)}",
            hint="the template uses a variable its cookiecutter.json does not define",
        ) from err
    except OSError as err:
        raise TemplateError(
            f"could not write the project: {_first_line(err)}",
            hint="check the permissions and free space of the output folder",
        ) from err
    except Exception as err:
        # Jinja syntax errors, failing hooks, and whatever a template's own expressions
        # raise ({{ 1 / 0 }}): all are the template's failure, reported as one.
        raise TemplateError(
            f"template {template_dir.name!r} failed to render: "
            f"{type(err).__name__}: {_first_line(err)}",
            hint="fix the template, or run with --debug for the traceback",
        ) from err
    project_dir = Path(project)
    _remove_bytecode(project_dir)
    return project_dir


def _remove_bytecode(project_dir: Path) -> None:
    """Drop ``__pycache__`` folders: pip byte-compiles the templates inside pkgforge's wheel,
    and cookiecutter would copy that bytecode into every new project."""
    import shutil

    for cache in sorted(project_dir.rglob("__pycache__"), reverse=True):
        if cache.is_dir():
            shutil.rmtree(cache)


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "message", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def stdin_is_interactive() -> bool:
    """True when a person can answer prompts."""
    return bool(sys.stdin and sys.stdin.isatty())
