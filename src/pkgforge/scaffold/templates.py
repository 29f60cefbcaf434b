"""Find cookiecutter templates: the built-in ones shipped with pkgforge, or a local folder.

Each built-in template has its own version, ``_template_version`` in its
cookiecutter.json, independent of pkgforge's; earlier versions live in the
template history (:mod:`pkgforge.scaffold.update.history`).
"""

from __future__ import annotations

from pathlib import Path

from pkgforge.errors import TemplateError

__all__ = [
    "DEFAULT_TEMPLATE",
    "VERSION_KEY",
    "builtin_templates",
    "builtin_templates_dir",
    "builtin_version",
    "is_builtin_name",
    "resolve_template",
    "template_version",
]

DEFAULT_TEMPLATE = "default"
_MARKER = Path(DEFAULT_TEMPLATE) / "cookiecutter.json"
VERSION_KEY = "_template_version"


def builtin_templates_dir() -> Path:
    """The folder that holds the built-in templates.

    In an installed wheel it is ``pkgforge/templates``; in a source checkout
    (an editable install) it is the top-level ``templates/`` folder.
    """
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [package_dir / "templates", package_dir.parent.parent / "templates"]
    for candidate in candidates:
        if (candidate / _MARKER).is_file():
            return candidate
    # An editable install that maps pkgforge.templates elsewhere.
    import importlib.util

    try:
        spec = importlib.util.find_spec("pkgforge.templates")
    except ImportError:
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / _MARKER).is_file():
            return Path(location)
    raise TemplateError(
        "pkgforge's built-in templates are missing from this installation",
        hint="reinstall pkgforge, or pass --template PATH to a local cookiecutter template",
    )


def builtin_templates() -> tuple[str, ...]:
    """Names of the built-in templates, sorted."""
    root = builtin_templates_dir()
    return tuple(sorted(p.name for p in root.iterdir() if (p / "cookiecutter.json").is_file()))


def is_builtin_name(template: object) -> bool:
    """True when ``template`` names a built-in template (a bare name, not a path)."""
    if not isinstance(template, str) or "/" in template or "\\" in template:
        return False
    if template.startswith(".") or not template:
        return False
    return (builtin_templates_dir() / template / "cookiecutter.json").is_file()


def template_version(template_dir: Path) -> str | None:
    """``_template_version`` of a template's cookiecutter.json, or None when it has none."""
    import json

    try:
        data = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get(VERSION_KEY) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def builtin_version(name: str) -> str:
    """The version of the built-in template ``name`` as shipped (its ``_template_version``)."""
    version = template_version(builtin_templates_dir() / name)
    if version is None:
        raise TemplateError(
            f"the built-in template {name!r} has no {VERSION_KEY}",
            hint="reinstall pkgforge",
        )
    return version


def resolve_template(template: str | Path) -> Path:
    """A built-in template name or a path to a local template folder -> that folder."""
    text = str(template)
    is_name = isinstance(template, str) and "/" not in text and "\\" not in text
    if is_name and not text.startswith("."):
        candidate = builtin_templates_dir() / text
        if (candidate / "cookiecutter.json").is_file():
            return candidate
        if not Path(text).is_dir():
            raise TemplateError(
                f"there is no built-in template called {text!r}",
                hint=f"choose one of {', '.join(builtin_templates())}, or give a path",
            )
    path = Path(text).expanduser()
    if not path.is_dir():
        raise TemplateError(
            f"template folder {text!r} does not exist",
            hint=f"give a local cookiecutter template folder, or one of "
            f"{', '.join(builtin_templates())}",
        )
    if not (path / "cookiecutter.json").is_file():
        raise TemplateError(
            f"{text!r} is not a cookiecutter template: it has no cookiecutter.json",
            hint="a template folder holds cookiecutter.json and a '{{cookiecutter.…}}' folder",
        )
    return path.resolve()
