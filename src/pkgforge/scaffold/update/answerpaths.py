"""Where an answer change moves a template's files: ``src/{{cookiecutter.import_name}}``
is ``src/sound`` with the old answers and ``src/noise`` with the new ones.

Each path of the template is rendered with both sets of answers, exactly as
cookiecutter renders file and folder names (Jinja over the path relative to the
project folder), so the mapping is known without guessing from file contents.
A path that does not render (an answer the template no longer has) maps nowhere.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["answer_moves"]

log = logging.getLogger("pkgforge")


def answer_moves(
    template_dir: Path, old: Mapping[str, Any], new: Mapping[str, Any]
) -> dict[str, str]:
    """Project-relative paths (files and folders) that the new answers move: old -> new."""
    if dict(old) == dict(new):
        return {}
    root = _project_template(template_dir)
    if root is None:
        return {}
    from jinja2 import TemplateError as JinjaError

    try:
        old_env, new_env = _environment(old), _environment(new)
    except Exception as err:  # noqa: BLE001 -- a template's own Jinja extension that does not load
        log.debug("cannot map the paths of %s: %s", template_dir, err)
        return {}
    moves: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if "{{" not in relative and "{%" not in relative:
            continue
        try:
            before = old_env.from_string(relative).render(cookiecutter=dict(old))
            after = new_env.from_string(relative).render(cookiecutter=dict(new))
        except JinjaError as err:
            log.debug("path %s does not render: %s", relative, err)
            continue
        if before != after and before and after:
            moves[before] = after
    return moves


def _project_template(template_dir: Path) -> Path | None:
    """The ``{{cookiecutter.…}}`` folder that cookiecutter renders into the project."""
    for child in sorted(template_dir.iterdir()):
        name = child.name
        if child.is_dir() and "cookiecutter" in name and "{{" in name and "}}" in name:
            return child
    return None


def _environment(answers: Mapping[str, Any]) -> Any:
    from cookiecutter.environment import StrictEnvironment

    return StrictEnvironment(context={"cookiecutter": dict(answers)}, keep_trailing_newline=True)
