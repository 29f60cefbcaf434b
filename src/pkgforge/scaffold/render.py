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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pkgforge.errors import CancelledError, TemplateError, UsageError
from pkgforge.scaffold.answers import check_answer, kinds_of

__all__ = [
    "git_author",
    "git_author_ahead",
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
    with git_author_ahead() as author:
        return author()


@contextmanager
def git_author_ahead() -> Iterator[Callable[[], dict[str, str]]]:
    """Start ``git config`` now; the function yielded returns :func:`git_author`'s answer.

    ``new`` starts git before it loads cookiecutter, which takes longer than git does, so
    reading the answer later costs no wait. Leaving the block reaps git, answer read or
    not (an error, Ctrl-C).
    """
    try:
        proc: subprocess.Popen[str] | None = subprocess.Popen(
            ["git", "config", "--get-regexp", r"^user\.(name|email)$"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
    except (OSError, subprocess.SubprocessError):
        proc = None
    answer: dict[str, str] | None = None

    def read() -> dict[str, str]:
        nonlocal answer
        if answer is None:
            answer = _read_author(proc)
        return answer

    try:
        yield read
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.communicate()


def _read_author(proc: subprocess.Popen[str] | None) -> dict[str, str]:
    if proc is None:
        return {}
    try:
        out, _ = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {}
    found: dict[str, str] = {}
    for line in out.splitlines():
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
    defaults: Mapping[str, str] | Callable[[], Mapping[str, str]],
    settings: dict[str, Any],
    interactive: bool,
) -> OrderedDict[str, Any]:
    """The cookiecutter context: the template's variables with our values applied.

    ``fixed`` values (the names pkgforge derived) are never prompted for;
    ``defaults`` (from git; or a function that returns them, called once cookiecutter is
    loaded) only replace the template's defaults; ``settings``
    (``--set``) win over both and must name variables the template has. Every value is
    checked against the kind the template declares for it (:mod:`.answers`) before
    anything is written, and the values given here are literal text: cookiecutter
    renders a variable's value as a template, but ``{{ 7*7 }}`` typed by a user stays
    ``{{ 7*7 }}``.
    """
    _import_cookiecutter()
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import apply_overwrites_to_context, generate_context

    try:
        context = generate_context(context_file=str(template_dir / "cookiecutter.json"))
    except CookiecutterException as err:
        raise TemplateError(
            # The folder may be a clone in a temporary folder: the template's name says it.
            f"cannot read the cookiecutter.json of template {template_dir.name!r}: "
            f"{_json_error(err)}",
            hint="fix the template's cookiecutter.json",
        ) from err
    variables = context["cookiecutter"]
    kinds = kinds_of(variables, template_dir.name)
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
    settings = {key: _checked(key, value, kinds) for key, value in settings.items()}
    if callable(defaults):
        defaults = defaults()
    overrides: dict[str, Any] = {k: v for k, v in defaults.items() if k in variables}
    overrides.update(_clock_defaults(variables))
    overrides.update(settings)
    overrides.update({k: v for k, v in fixed.items() if k in variables})
    for key, value in overrides.items():
        choices = variables[key]
        if isinstance(choices, list) and not isinstance(value, list) and value not in choices:
            raise UsageError(
                f"{key}: {value!r} is not one of the template's choices: "
                f"{', '.join(map(str, choices))}",
                hint=f"choose one of them with --set {key}=...",
            )
    try:
        apply_overwrites_to_context(variables, overrides)
    except ValueError as err:
        raise UsageError(_first_line(err), hint="check the --set values") from err
    values = _answers(
        context,
        ask=set(variables) - set(fixed) - set(settings) if interactive else set(),
        literal=set(overrides),
        kinds=kinds,
    )
    return OrderedDict([("cookiecutter", values)])


def _checked(key: str, value: object, kinds: dict[str, tuple[str, str]]) -> object:
    """``value`` in the form to write it; a normal form that differs is said, not hidden."""
    checked = check_answer(key, value, kinds)
    if isinstance(value, str) and checked != value.strip():
        log.warning("%s: %r is written in its normal form %r", key, value, checked)
    return checked


def _answers(
    context: OrderedDict[str, Any],
    *,
    ask: set[str],
    literal: set[str],
    kinds: dict[str, tuple[str, str]],
) -> OrderedDict[str, Any]:
    """cookiecutter's ``prompt_for_config``, with three differences: only ``ask`` is asked
    (not the variables NAME and ``--set`` decided), ``literal`` values are used as given
    instead of rendered as templates, and every value is checked (an answer typed at a
    prompt that does not pass is asked again)."""
    from cookiecutter.prompt import render_variable
    from cookiecutter.utils import create_env_with_context
    from jinja2 import TemplateError as JinjaError

    from pkgforge.scaffold.jinjacache import compiled_templates

    values: OrderedDict[str, Any] = OrderedDict()
    with compiled_templates():
        env = create_env_with_context(context)
    variables = context["cookiecutter"]
    prompts = variables.pop("__prompts__", {})
    # Dictionaries come last, as in cookiecutter: their values may use the others.
    ordered = sorted(variables.items(), key=lambda item: isinstance(item[1], dict))
    for key, raw in ordered:
        if key.startswith("_") and not key.startswith("__"):
            values[key] = raw
            continue
        try:
            if key in literal:
                default = raw[0] if isinstance(raw, list) else raw
            elif isinstance(raw, list):
                default = [render_variable(env, option, values) for option in raw]
            else:
                default = render_variable(env, raw, values)
        except JinjaError as err:
            raise TemplateError(
                f"the template's variable {key!r} does not render: {_first_line(err)}",
                hint="fix the template's cookiecutter.json",
            ) from err
        if key in ask and not key.startswith("__"):
            values[key] = _ask(key, default, prompts, kinds)
        else:
            if isinstance(default, list):
                default = default[0]
            values[key] = _checked(key, default, kinds)
    return values


def _ask(key: str, default: Any, prompts: dict[str, Any], kinds: dict[str, tuple[str, str]]) -> Any:
    """One answer, asked until it passes its check. End of input cancels ``new``."""
    from cookiecutter.prompt import (
        read_user_choice,
        read_user_dict,
        read_user_variable,
        read_user_yes_no,
    )

    while True:
        try:
            if isinstance(default, list):
                answer = read_user_choice(key, default, prompts, "")
            elif isinstance(default, bool):
                answer = read_user_yes_no(key, default, prompts, "")
            elif isinstance(default, dict):
                answer = read_user_dict(key, default, prompts, "")
            else:
                answer = read_user_variable(key, default, prompts, "")
        except EOFError:
            raise CancelledError(
                f"cancelled at the {key!r} prompt (end of input); nothing was made",
                hint="answer every prompt, or pass --no-input to take the defaults",
                after_prompt=True,
            ) from None
        try:
            return _checked(key, answer, kinds)
        except UsageError as err:
            log.error("%s", err.message)


def render_into(template_dir: Path, context: OrderedDict[str, Any], output_dir: Path) -> Path:
    """Render the template under ``output_dir`` (a fresh, empty folder); return the project."""
    _import_cookiecutter()
    from cookiecutter.exceptions import UndefinedVariableInTemplate
    from cookiecutter.generate import generate_files

    context = OrderedDict(context)
    context["_cookiecutter"] = context["cookiecutter"]
    context["cookiecutter"] = OrderedDict(context["cookiecutter"])
    context["cookiecutter"]["_template"] = str(template_dir)
    context["cookiecutter"]["_output_dir"] = str(output_dir)
    context["cookiecutter"]["_repo_dir"] = str(template_dir)
    from pkgforge.scaffold.jinjacache import compiled_templates

    try:
        with compiled_templates(str(output_dir)):
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
            # Not the OSError's file name: it lies in the temporary folder the project renders in.
            f"could not write the project: {err.strerror or _first_line(err)}",
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


_UTC_YEAR = "{% now 'utc', '%Y' %}"


def _clock_defaults(variables: dict[str, Any]) -> dict[str, str]:
    """The value of each variable whose default is exactly ``{% now 'utc', '%Y' %}``
    (the built-in templates' ``__year``), computed as cookiecutter's tag would: that
    tag imports arrow, ~20 ms of the run, for a year the standard library gives."""
    clocked = [k for k, v in variables.items() if v == _UTC_YEAR]
    if not clocked:
        return {}
    from datetime import UTC, datetime

    year = datetime.now(UTC).strftime("%Y")
    return dict.fromkeys(clocked, year)


def _import_cookiecutter() -> None:
    """Import cookiecutter's generator and its Jinja extensions, deferring what few
    templates use: ``arrow`` (dates and time zones, for ``{% now %}``) and ``uuid``
    (for ``uuid4()``) load at their first use, not on every run (~20 ms); so do
    ``socket`` and ``calendar``, which the email parser that reads cookiecutter's
    version (``importlib.metadata``) imports for functions it does not call then."""
    if "cookiecutter.extensions" in sys.modules:
        return
    from pkgforge._lazy import deferred

    _cookiecutter_version_on_demand()
    with deferred("arrow", "uuid", "socket", "calendar"):
        import cookiecutter.extensions
        import cookiecutter.generate  # noqa: F401


# cookiecutter/__init__.py, whole: its one job is to read cookiecutter's own version.
_COOKIECUTTER_INIT = (
    '"""Main package for Cookiecutter."""\n\n'
    "from importlib.metadata import version\n\n"
    '__version__ = version("cookiecutter")\n'
)


def _cookiecutter_version_on_demand() -> None:
    """Load the ``cookiecutter`` package with its ``__version__`` read when first asked for.

    Its ``__init__`` reads the version from the installed metadata: ``importlib.metadata``
    and the email parser it reads with, ~40 M instructions of every run, for a value
    that rendering never reads (cookiecutter's CLI does, and still gets it, from the
    same call). Only an ``__init__`` with exactly that content is replaced; any other
    is imported as usual.
    """
    if "cookiecutter" in sys.modules:
        return
    import importlib.util

    spec = importlib.util.find_spec("cookiecutter")
    if spec is None or spec.origin is None or spec.submodule_search_locations is None:
        return
    try:
        source = Path(spec.origin).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if source != _COOKIECUTTER_INIT:
        return
    module = importlib.util.module_from_spec(spec)

    def on_demand(name: str) -> Any:
        if name not in {"__version__", "version"}:
            raise AttributeError(f"module 'cookiecutter' has no attribute {name!r}")
        from importlib.metadata import version

        module.__dict__.update(version=version, __version__=version("cookiecutter"))
        return module.__dict__[name]

    module.__dict__["__getattr__"] = on_demand
    sys.modules["cookiecutter"] = module


def _remove_bytecode(project_dir: Path) -> None:
    """Drop ``__pycache__`` folders: pip byte-compiles the templates inside pkgforge's wheel,
    and cookiecutter would copy that bytecode into every new project."""
    import shutil

    for cache in sorted(project_dir.rglob("__pycache__"), reverse=True):
        if cache.is_dir():
            shutil.rmtree(cache)


def _json_error(err: BaseException) -> str:
    """What is wrong with a cookiecutter.json, without the path cookiecutter puts first."""
    cause = err.__cause__
    return str(cause) if isinstance(cause, ValueError) else _first_line(err)


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "message", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


# How long a silent pipe may keep ``new`` waiting before it says that it waits.
WAIT_NOTICE_AFTER = 2.0


def stdin_is_interactive() -> bool:
    """True when prompts can be answered: a person at a terminal, or answers piped in
    (``printf 'Sound tools\\n' | pkgforge new sound``), read until the end of input as
    cookiecutter reads them, however late they come.

    A pipe that has said nothing after :data:`WAIT_NOTICE_AFTER` seconds gets one log
    line that ``new`` waits for it and that ``--no-input`` takes the defaults; then the
    wait goes on. A stdin that ends before any answer (``< /dev/null``, an empty pipe) or
    that is closed is no one to ask: the defaults are taken.
    """
    stdin = sys.stdin
    try:
        if not stdin:
            return False
        return stdin.isatty() or _has_piped_answers(stdin)
    except (OSError, ValueError):  # a closed or detached stdin
        return False


def _has_piped_answers(stdin: Any) -> bool:
    import select

    buffer = getattr(stdin, "buffer", None)
    if buffer is None or not hasattr(buffer, "peek"):
        return False  # a stand-in for stdin (io.StringIO, a test runner's): no one to ask
    log.debug("stdin is not a terminal: reading the answers from it")
    try:
        ready, _, _ = select.select([stdin], [], [], WAIT_NOTICE_AFTER)
        if not ready:
            log.warning(
                "waiting for answers on stdin (a pipe that has sent nothing yet); "
                "pass --no-input to take the defaults"
            )
            select.select([stdin], [], [])
    except (OSError, ValueError, TypeError):  # no select() on Windows pipes
        return True
    return bool(buffer.peek(1))
