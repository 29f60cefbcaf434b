"""A project's template state: which template made it, at which exact version, with which answers.

``new`` writes it and ``link`` adopts a project by writing it; ``update``
renders from it. It is one small file at the project root, meant to be
committed: :data:`STATE_FILE`, deterministic JSON (sorted keys, indent 2,
UTF-8, trailing newline)::

    {
      "answers": {"author_email": "ada@example.org", "license": "MIT", ...},
      "directory": null,
      "format": 1,
      "kind": "git",
      "ref": "v2",
      "source": "https://example.org/templates/pylib.git",
      "version": "3f1c0d2e..."
    }

The contract (what ``update`` codes against):

``STATE_FILE = ".pkgforge-template.json"``

``TemplateState(source, kind, version, ref, directory, answers)``, frozen:
    ``source``: the built-in name, the absolute path of a local folder, zip or
    git repository, or the git/zip URL as given. ``kind``: "builtin", "folder",
    "git" or "zip". ``version``: a built-in's ``_template_version``, a git
    commit SHA, or ``sha256:<hex>`` (content digest) for a folder or zip.
    ``ref``: git ``--checkout`` as given (None: the default branch).
    ``directory``: ``--directory`` inside the repository, zip or folder.
    ``answers``: every cookiecutter answer (read-only mapping, JSON values);
    private ``_`` variables are left out, they come from the template's own
    cookiecutter.json; computed ``__`` variables are kept.

``read_state(project_dir) -> TemplateState``
    raises :class:`~pkgforge.errors.StateError` (a ``PkgforgeError``) when the
    file is missing, not JSON, or not a state; its hint names ``pkgforge link``.

``write_state(project_dir, state) -> Path``
    writes the file atomically (a temporary file renamed over it); returns its path.

``checked_out(state, *, target=None)`` — a context manager yielding ``(template_dir, state)``:
    the template folder at the recorded version (``target`` None), or at
    ``target``: "latest" (a built-in as shipped, the git ref's newest commit,
    a folder or zip as it is now), a built-in version ("1.0.0"), or a git ref.
    The state describes exactly that version (answers unchanged). Clones and
    unpacked archives are removed on exit. A folder or zip whose content no
    longer matches the recorded digest cannot give its recorded version:
    ``TemplateError`` (such templates keep no history). A folder or zip takes
    no other target than "latest": ``UsageError``.

``render_template(template_dir, answers, dest) -> Path``
    renders without prompts, with exactly ``answers`` (variables the template
    does not have are ignored; its new variables take their defaults) into the
    empty or missing folder ``dest``; returns the project root inside it. It
    does not check the result and does not write the state file.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pkgforge.errors import StateError, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "FORMAT",
    "STATE_FILE",
    "StateError",
    "TemplateState",
    "answers_of",
    "checked_out",
    "read_state",
    "render_template",
    "state_json",
    "write_state",
]

STATE_FILE = ".pkgforge-template.json"
FORMAT = 1
KINDS = ("builtin", "folder", "git", "zip")
_LINK_HINT = "run 'pkgforge link --template SOURCE' to record the template the project follows"


@dataclass(frozen=True)
class TemplateState:
    """Which template made a project, at which exact version, with which answers."""

    source: str
    kind: str
    version: str
    ref: str | None = None
    directory: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        try:
            # A JSON round trip: the answers are JSON values, and a copy the caller cannot change.
            answers = json.loads(json.dumps(dict(self.answers)))
        except (TypeError, ValueError) as err:
            raise ValueError(f"template answers must be JSON values: {err}") from err
        object.__setattr__(self, "answers", MappingProxyType(answers))

    def __hash__(self) -> int:
        return hash((self.source, self.kind, self.version, self.ref, self.directory))


def answers_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The answers worth recording from a rendered cookiecutter context's values.

    Private ``_`` variables are not answers (they come from cookiecutter.json
    of whichever version is rendered); computed ``__`` variables are, since
    re-rendering them may not give the same value again.
    """
    return {
        key: value
        for key, value in values.items()
        if not key.startswith("_") or (key.startswith("__") and key != "__prompts__")
    }


def state_json(state: TemplateState) -> str:
    """The file's text: deterministic JSON, sorted keys, indent 2, trailing newline."""
    data = {
        "answers": dict(state.answers),
        "directory": state.directory,
        "format": FORMAT,
        "kind": state.kind,
        "ref": state.ref,
        "source": state.source,
        "version": state.version,
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_state(project_dir: Path, state: TemplateState) -> Path:
    """Write ``state`` to ``project_dir/.pkgforge-template.json`` at once; return the path."""
    target = Path(project_dir) / STATE_FILE
    # Written beside and renamed over: never half a file. Not mkstemp: its 0600 mode
    # would stick to a file meant to be committed and read by others.
    temporary = target.with_name(f".{STATE_FILE}.pkgforge-tmp")
    try:
        temporary.write_bytes(state_json(state).encode("utf-8"))
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def read_state(project_dir: Path) -> TemplateState:
    """The recorded state of the project in ``project_dir``."""
    path = Path(project_dir) / STATE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise StateError(
            f"{project_dir} has no {STATE_FILE}: pkgforge does not know its template",
            hint=_LINK_HINT,
        ) from err
    except (OSError, UnicodeDecodeError) as err:
        raise StateError(f"cannot read {path}: {err}", hint=_LINK_HINT) from err
    try:
        data = json.loads(text)
    except ValueError as err:
        raise StateError(f"{path} is not valid JSON: {err}", hint=_fix_hint()) from err
    return _parse(path, data)


def _fix_hint() -> str:
    return "restore it from version control, or " + _LINK_HINT.replace("link", "link --force", 1)


def _parse(path: Path, data: object) -> TemplateState:
    def broken(reason: str) -> StateError:
        return StateError(f"{path} is not a template state: {reason}", hint=_fix_hint())

    if not isinstance(data, dict):
        raise broken("it is not a JSON object")
    fmt = data.get("format")
    if isinstance(fmt, int) and fmt > FORMAT:
        raise StateError(
            f"{path} was written by a newer pkgforge (format {fmt})",
            hint="upgrade pkgforge",
        )
    if fmt != FORMAT:
        raise broken(f"'format' must be {FORMAT}")
    for key in ("source", "kind", "version"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise broken(f"{key!r} must be a non-empty string")
    for key in ("ref", "directory"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise broken(f"{key!r} must be a string or null")
    if data["kind"] not in KINDS:
        raise broken(f"'kind' must be one of {', '.join(KINDS)}")
    if not isinstance(data.get("answers"), dict):
        raise broken("'answers' must be an object")
    return TemplateState(
        source=data["source"],
        kind=data["kind"],
        version=data["version"],
        ref=data.get("ref"),
        directory=data.get("directory"),
        answers=data["answers"],
    )


@contextmanager
def checked_out(
    state: TemplateState, *, target: str | None = None
) -> Iterator[tuple[Path, TemplateState]]:
    """The template folder at the recorded version, or at ``target``; see the module docs."""
    from pkgforge.scaffold.sources import open_template

    checkout: str | None = state.ref
    pin: str | None = state.version
    if target is not None:
        pin = None
        if target == "latest":
            pass
        elif state.kind == "builtin":
            pin = target
        elif state.kind == "git":
            checkout = target
        else:
            raise UsageError(
                f"a {state.kind} template keeps no versions: the only target is 'latest', "
                f"not {target!r}",
                hint="use a git repository for templates with versions",
            )
    with open_template(
        state.source, checkout=checkout, directory=state.directory, pin=pin, kind=state.kind
    ) as opened:
        yield opened.path, replace(state, version=opened.version, ref=opened.ref)


def render_template(template_dir: Path, answers: Mapping[str, Any], dest: Path) -> Path:
    """Render ``template_dir`` with exactly ``answers`` into the empty ``dest``; return the project."""
    from pkgforge.scaffold.render import load_context, render_into

    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} is not an empty folder; nothing was rendered")
    known = _variables(template_dir)
    context = load_context(
        template_dir,
        fixed={},
        defaults={},
        settings={k: v for k, v in answers.items() if k in known},
        interactive=False,
    )
    dest.mkdir(parents=True, exist_ok=True)
    return render_into(template_dir, context, dest)


def _variables(template_dir: Path) -> set[str]:
    try:
        data = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()  # load_context reports the unreadable file
    return set(data) if isinstance(data, dict) else set()
