"""``update_project``: bring a project up to a newer version of its template.

1. base: the recorded template version rendered with the recorded answers;
2. theirs: the target version (default: the latest) rendered with the answers,
   changed by ``--set``;
3. ours: the project. Each file is decided by :mod:`pkgforge.scaffold.update.plan`,
   merged by :mod:`pkgforge.scaffold.update.merge`, and everything lands at once through
   :mod:`pkgforge.landing`, the new template state with it. Conflicts are
   marked unmerged in the git index when the project is in a git work tree.

Both renders happen in a temporary folder; the project is not written to before
the landing, and not at all for ``dry_run`` and ``check_only``.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pkgforge.checker.findings import any_errors
from pkgforge.errors import DirtyTreeError, ProjectNotFoundError, TemplateError, UsageError
from pkgforge.landing import FileContent, land
from pkgforge.scaffold.update.follow import LATEST
from pkgforge.scaffold.update.merge import CONFLICT_STYLES, is_binary
from pkgforge.scaffold.update.plan import Conflict, Kept, Plan, make_plan, read_tree

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from pkgforge.checker.findings import Finding
    from pkgforge.scaffold.update.gitwork import Worktree
    from pkgforge.scaffold.update.imports import StaleImport
    from pkgforge.scaffold.update.merge import ConflictStyle
    from pkgforge.scaffold.update.state import TemplateState

__all__ = ["Conflict", "Kept", "UpdateResult", "update_project"]

log = logging.getLogger("pkgforge")


@dataclass(frozen=True)
class UpdateResult:
    """What ``update_project`` did (or, for a dry run, would do). Paths are relative to
    ``project_dir``, POSIX style."""

    project_dir: Path
    source: str
    from_version: str
    to_version: str
    answers: Mapping[str, Any]
    """The answers the project is rendered with from now on."""
    changed_answers: tuple[str, ...]
    behind: bool
    """The project was behind its target (another version, or other answers)."""
    landed: bool
    """Files were written (False for a dry run, a check, or a project already current)."""
    dry_run: bool = False
    updated: tuple[str, ...] = ()
    """Changed in place without conflict: the template's new version, or a clean merge."""
    merged: tuple[str, ...] = ()
    """The subset of ``updated`` (and of ``created``) that both sides had changed."""
    created: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    moved: tuple[tuple[str, str], ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    kept: tuple[Kept, ...] = ()
    """Left alone on purpose, and reported: removed by the template but changed by
    the user, deleted by the user but changed by the template, moves blocked."""
    diff: str = ""
    """The unified diff of the text files the update changes (every run computes it)."""
    git_index: bool = False
    """Conflicts are unmerged in the git index (stages 1/2/3), for ``git mergetool``."""
    findings: tuple[Finding, ...] = field(default=())
    """What ``pkgforge check`` says about the updated project."""
    stale_imports: tuple[StaleImport, ...] = ()
    """After an ``import_name`` change: the user's imports that still name the old package
    (with ``rewrite_imports``, those it could not rewrite, each with the reason)."""
    rewritten: tuple[str, ...] = ()
    """The files whose imports of the old package ``rewrite_imports`` rewrote."""
    renamed: tuple[str, str] | None = None
    """(old, new) when ``import_name`` changed: the package moved."""
    from_ref: str | None = None
    """The git ref the project was made from (a tag, a branch), as recorded."""
    to_ref: str | None = None
    """The git ref of ``to_version``: a newer release tag when a tag is followed."""

    @property
    def conflicted(self) -> tuple[str, ...]:
        return tuple(conflict.path for conflict in self.conflicts)

    @property
    def has_errors(self) -> bool:
        return any_errors(self.findings)


def update_project(
    path: str | os.PathLike[str] = ".",
    *,
    to: str | None = None,
    settings: Iterable[str] = (),
    extra_context: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    check_only: bool = False,
    conflict: ConflictStyle = "inline",
    allow_dirty: bool = False,
    run_check: bool = True,
    rewrite_imports: bool = False,
) -> UpdateResult:
    """Update the project at (or above) ``path`` to the template version ``to``
    (default: the latest: a git branch's head, the newest release tag after a tag, see
    :mod:`~pkgforge.scaffold.update.follow`; a commit stays), with answers changed by
    ``settings`` (``KEY=VALUE``, as ``--set`` takes them) and ``extra_context``.

    ``check_only`` only tells whether the project is behind (``result.behind``);
    ``dry_run`` computes everything, including ``result.diff``, and writes nothing.
    When ``import_name`` changes, the user's files that still import the old package are
    listed (``result.stale_imports``); ``rewrite_imports`` rewrites them in the same
    landing (:mod:`~pkgforge.scaffold.update.imports`).
    """
    from pkgforge.scaffold.render import parse_settings
    from pkgforge.scaffold.update.state import checked_out, read_state

    if conflict not in CONFLICT_STYLES:
        raise UsageError(
            f"unknown conflict style {conflict!r}", hint="choose inline or diff3 (--conflict)"
        )
    changes: dict[str, Any] = dict(extra_context or {})
    changes.update(parse_settings(tuple(settings)))
    project_dir = _find_project(Path(path))
    state = read_state(project_dir)
    worktree = None
    if not check_only:
        worktree = _worktree(project_dir, refuse_dirty=not (allow_dirty or dry_run))

    target = to
    if target is None and state.kind == "git":
        from pkgforge.scaffold.update.follow import target_of

        target = target_of(state.source, state.ref)
    with checked_out(state, target=target or LATEST) as (their_template, their_state):
        answers = _new_answers(their_template, state.answers, changes)
        changed = tuple(sorted(k for k in answers if state.answers.get(k) != answers.get(k)))
        behind = their_state.version != state.version or bool(changed)
        summary = UpdateResult(
            project_dir=project_dir,
            source=state.source,
            from_version=state.version,
            to_version=their_state.version,
            answers=MappingProxyType(dict(answers)),
            changed_answers=changed,
            behind=behind,
            landed=False,
            dry_run=dry_run,
            from_ref=state.ref,
            to_ref=their_state.ref,
        )
        if check_only or not behind:
            return summary
        log.info("Updating %s: %s -> %s", project_dir.name, state.version, their_state.version)
        with contextlib.ExitStack() as stack:
            base_template = their_template
            if their_state.version != state.version:
                base_template, _ = stack.enter_context(checked_out(state, target=None))
            # else only answers change: the target checkout is the recorded version too
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="pkgforge-update-"))
            plan = _plan(
                project_dir,
                state=state,
                base_template=base_template,
                their_template=their_template,
                answers=answers,
                scratch=Path(scratch),
                style=conflict,
                in_git=worktree is not None,
            )
    stale: tuple[StaleImport, ...] = ()
    rewritten: tuple[str, ...] = ()
    renamed = None
    old_name, new_name = state.answers.get("import_name"), answers.get("import_name")
    if "import_name" in changed and old_name and new_name:
        renamed = (str(old_name), str(new_name))
        stale, rewritten = _imports_of_old_name(
            project_dir, plan, str(old_name), str(new_name), rewrite=rewrite_imports
        )
    new_state = replace(their_state, answers=dict(answers))
    _add_state_file(plan, project_dir, new_state)
    diff = _unified_diff(plan)
    git_index = False
    if not dry_run:
        finish = None
        if worktree is not None and plan.stages:
            finish = _index_writer(worktree, plan)
            git_index = True
        land(project_dir, plan.writes, frozenset(plan.deletes), finish=finish)
    findings: tuple[Finding, ...] = ()
    if run_check and not dry_run:
        from pkgforge.scaffold.validate import check_project

        findings = check_project(project_dir)
    return replace(
        summary,
        landed=not dry_run,
        updated=tuple(plan.updated),
        merged=tuple(plan.merged),
        created=tuple(plan.created),
        deleted=tuple(plan.deleted),
        moved=tuple(plan.moved),
        conflicts=tuple(plan.conflicts),
        kept=tuple(plan.kept),
        diff=diff,
        git_index=git_index,
        findings=findings,
        stale_imports=stale,
        rewritten=rewritten,
        renamed=renamed,
    )


def _find_project(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a template state file."""
    from pkgforge.scaffold.update.state import STATE_FILE

    if not start.exists():
        raise ProjectNotFoundError(
            f"{start} does not exist", hint="give the folder of a project pkgforge made"
        )
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / STATE_FILE).is_file():
            return folder
    raise ProjectNotFoundError(
        f"{start} is not a project made by pkgforge: no {STATE_FILE} in it or above it",
        hint="record its template first with 'pkgforge link --template SOURCE'",
    )


def _worktree(project_dir: Path, *, refuse_dirty: bool) -> Worktree | None:
    from pkgforge.scaffold.update.gitwork import find_worktree

    worktree = find_worktree(project_dir)
    if worktree is not None and refuse_dirty:
        dirty = worktree.dirty_paths()
        if dirty:
            more = f" (and {len(dirty) - 1} more)" if len(dirty) > 1 else ""
            raise DirtyTreeError(
                f"uncommitted changes in {dirty[0]}{more}; nothing was changed",
                hint="commit or stash them first (the update is easier to review on its own), "
                "or pass --allow-dirty",
            )
    return worktree


def _new_answers(
    template_dir: Path, recorded: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The recorded answers with ``changes`` applied, each change checked against the
    target template's variables before anything is rendered."""
    try:
        variables = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise TemplateError(
            f"cannot read the template's cookiecutter.json: {err}",
            hint="the target version of the template is broken; choose another with --to",
        ) from err
    if not isinstance(variables, dict):
        raise TemplateError(
            "the template's cookiecutter.json is not an object",
            hint="the target version of the template is broken; choose another with --to",
        )
    answers = dict(recorded)
    for key, value in changes.items():
        if key not in variables or key.startswith("_"):
            known = ", ".join(k for k in variables if not k.startswith("_")) or "none"
            raise UsageError(
                f"the template has no variable {key!r} (--set)", hint=f"its variables are: {known}"
            )
        options = variables[key]
        if isinstance(options, list) and value not in options:
            raise UsageError(
                f"--set {key}={value}: not one of the template's choices",
                hint=f"choose one of: {', '.join(map(str, options))}",
            )
        if key == "import_name":
            from pkgforge.names import validate_module_name

            validate_module_name(str(value), top_level=True, what="import name")
        answers[key] = value
    return answers


def _plan(
    project_dir: Path,
    *,
    state: TemplateState,
    base_template: Path,
    their_template: Path,
    answers: Mapping[str, Any],
    scratch: Path,
    style: ConflictStyle,
    in_git: bool,
) -> Plan:
    from pkgforge.scaffold.update.answerpaths import answer_moves
    from pkgforge.scaffold.update.state import STATE_FILE, render_template

    (scratch / "base").mkdir()
    (scratch / "theirs").mkdir()
    base_root = render_template(base_template, state.answers, scratch / "base")
    their_root = render_template(their_template, answers, scratch / "theirs")
    skip = frozenset({STATE_FILE})
    return make_plan(
        project_dir,
        read_tree(base_root, skip=skip),
        read_tree(their_root, skip=skip),
        answer_moves=answer_moves(their_template, state.answers, answers),
        style=style,
        in_git=in_git,
    )


def _imports_of_old_name(
    project_dir: Path, plan: Plan, old: str, new: str, *, rewrite: bool
) -> tuple[tuple[StaleImport, ...], tuple[str, ...]]:
    """The imports of ``old`` left in the project's Python files as the update leaves them;
    with ``rewrite``, each file's imports rewritten to ``new``, landing with the update."""
    from pkgforge.scaffold.update import imports
    from pkgforge.scaffold.update.plan import file_content

    paths = (set(imports.python_files(project_dir)) - plan.deletes) | {
        path for path in plan.writes if path.endswith(".py")
    }
    stale: list[StaleImport] = []
    rewritten: list[str] = []
    for path in sorted(paths):
        planned = plan.writes.get(path)
        content = planned if planned is not None else file_content(project_dir / path)
        if not rewrite:
            stale += imports.imports_of(path, content.data, old)
            continue
        data, left = imports.rewrite_imports(path, content.data, old, new)
        stale += left
        if data is None:
            continue
        rewritten.append(path)
        plan.writes[path] = replace(content, data=data)
        if planned is None:  # a file the update did not touch otherwise
            plan.current[path] = content
    if rewritten:
        log.info("rewrote the imports of %s in %d file(s)", old, len(rewritten))
    return tuple(stale), tuple(rewritten)


def _add_state_file(plan: Plan, project_dir: Path, new_state: TemplateState) -> None:
    """The new state lands with the files, in the same step: it advances only if they do."""
    from pkgforge.scaffold.update.state import STATE_FILE, write_state

    with tempfile.TemporaryDirectory(prefix="pkgforge-state-") as scratch:
        written = write_state(Path(scratch), new_state)
        data = written.read_bytes()
    current = project_dir / STATE_FILE
    plan.current[STATE_FILE] = FileContent(current.read_bytes()) if current.is_file() else None
    plan.writes[STATE_FILE] = FileContent(data)


def _index_writer(worktree: Worktree, plan: Plan) -> Any:
    """Mark the conflicts unmerged in the index, once every file has landed. The blobs
    are written then too, so an update stopped before leaves git's folder untouched."""
    from pkgforge.scaffold.update.gitwork import ConflictStages

    stages = [
        ConflictStages(path, base, ours, theirs, executable)
        for path, base, ours, theirs, executable in plan.stages
    ]
    index = worktree.index_file()

    def finish() -> None:
        saved = index.read_bytes() if index.is_file() else None
        try:
            worktree.write_index(worktree.hash_blobs(stages))
        except BaseException:
            if saved is not None:
                index.write_bytes(saved)
            raise

    return finish


def _unified_diff(plan: Plan) -> str:
    chunks: list[str] = []
    for path in sorted(set(plan.writes) | plan.deletes):
        before = plan.current.get(path)
        after = plan.writes.get(path)
        old = before.data if before is not None else b""
        new = after.data if after is not None else b""
        if old == new:
            continue
        old_name = f"a/{path}" if before is not None else "/dev/null"
        new_name = f"b/{path}" if after is not None else "/dev/null"
        if is_binary(old) or is_binary(new):
            chunks.append(f"Binary files {old_name} and {new_name} differ\n")
            continue
        lines = difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(keepends=True),
            new.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=old_name,
            tofile=new_name,
        )
        for line in lines:
            chunks.append(
                line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            )
    return "".join(chunks)
