"""TEMPORARY stand-in for ``pkgforge.scaffold.state`` (helper ``tmplstate`` builds the real
one); deleted once it lands on main. Only what the update tests use: git and folder
templates."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pkgforge.errors import TemplateError

STATE_FILE = ".pkgforge-template.json"


@dataclass(frozen=True)
class TemplateState:
    source: str
    kind: str
    version: str
    ref: str | None
    directory: str | None
    answers: Mapping[str, Any] = field(default_factory=dict)


def read_state(project_dir: Path) -> TemplateState:
    path = Path(project_dir) / STATE_FILE
    if not path.is_file():
        raise TemplateError(f"{path} not found")
    data = json.loads(path.read_text(encoding="utf-8"))
    return TemplateState(**data)


def write_state(project_dir: Path, state: TemplateState) -> Path:
    path = Path(project_dir) / STATE_FILE
    data = asdict(state)
    data["answers"] = dict(state.answers)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".git" not in p.parts:
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return "sha256:" + h.hexdigest()


@contextmanager
def checked_out(
    state: TemplateState, *, target: str | None = None
) -> Iterator[tuple[Path, TemplateState]]:
    if state.kind == "folder":
        folder = Path(state.source)
        yield folder, replace(state, version=_digest(folder))
        return
    scratch = Path(tempfile.mkdtemp(prefix="standin-"))
    try:
        clone = scratch / "t"
        try:
            subprocess.run(
                ["git", "clone", "-q", state.source, str(clone)], check=True, capture_output=True
            )
            if target is None:
                want = state.version
            elif target == "latest":
                want = state.ref or "HEAD"
            else:
                want = target
            _git("checkout", "-q", want, cwd=clone)
        except subprocess.CalledProcessError as err:
            raise TemplateError(f"cannot check out {target}: {err.stderr}") from err
        sha = _git("rev-parse", "HEAD", cwd=clone)
        here = clone / state.directory if state.directory else clone
        yield (
            here,
            replace(state, version=sha, ref=state.ref if target in (None, "latest") else target),
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def render_template(template_dir: Path, answers: Mapping[str, Any], dest: Path) -> Path:
    from cookiecutter.generate import apply_overwrites_to_context, generate_context
    from cookiecutter.prompt import prompt_for_config

    from pkgforge.scaffold.render import render_into

    context = generate_context(context_file=str(template_dir / "cookiecutter.json"))
    variables = context["cookiecutter"]
    apply_overwrites_to_context(variables, {k: v for k, v in answers.items() if k in variables})
    values = prompt_for_config(context, no_input=True)
    dest.mkdir(parents=True, exist_ok=True)
    return render_into(template_dir, OrderedDict([("cookiecutter", values)]), dest)
