"""``new_project``: render a template, add modules, move the result into place, check it.

Everything is rendered into a hidden temporary folder beside the target (same
filesystem) and renamed into place at the very end, so a failure or Ctrl-C
leaves nothing behind and an existing folder is never written into.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.availability import NameCheck, NameLookup, lookup_for
from pkgforge.checker.findings import any_errors
from pkgforge.errors import ProjectExistsError, ProjectNotFoundError, TemplateError, UsageError
from pkgforge.names import (
    ProjectName,
    name_warnings,
    parse_project_name,
    validate_dotted_module,
)
from pkgforge.scaffold.checkahead import CheckAhead
from pkgforge.scaffold.layout import (
    Plan,
    PlannedTree,
    find_package,
    plan_module,
    project_scripts,
    write_plan,
)
from pkgforge.scaffold.render import (
    git_author_ahead,
    load_context,
    parse_settings,
    render_into,
    stdin_is_interactive,
)
from pkgforge.scaffold.sources import open_template
from pkgforge.scaffold.templates import DEFAULT_TEMPLATE
from pkgforge.scaffold.update.state import TemplateState, answers_of, write_state

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from pkgforge.checker.findings import Finding

__all__ = ["NewProjectResult", "new_project"]

log = logging.getLogger("pkgforge")


@dataclass(frozen=True)
class NewProjectResult:
    """What ``new_project`` made."""

    project_dir: Path
    names: ProjectName
    template: Path
    """The template folder rendered (a clone or unpacked zip is already removed: see ``state``)."""
    files: tuple[str, ...]
    """Every file of the new project, relative to ``project_dir``, POSIX style, sorted."""
    modules: tuple[str, ...]
    """The dotted names of the modules added with ``modules=``."""
    findings: tuple[Finding, ...]
    """What ``pkgforge check`` says about the new project (nothing, for a built-in template)."""
    warnings: tuple[str, ...]
    state: TemplateState
    """The template state recorded in the project's ``.pkgforge-template.json``."""
    name_check: NameCheck | None = None
    """What the package index said of the name (taken, too similar, free, or unknown)."""

    @property
    def has_errors(self) -> bool:
        return any_errors(self.findings)


def new_project(
    name: str,
    *,
    output_dir: str | os.PathLike[str] = ".",
    modules: Iterable[str] = (),
    template: str | os.PathLike[str] = DEFAULT_TEMPLATE,
    no_input: bool = False,
    extra_context: Mapping[str, Any] | None = None,
    settings: Iterable[str] = (),
    run_check: bool = True,
    checkout: str | None = None,
    directory: str | None = None,
    index_url: str | None = None,
    offline: bool | None = None,
) -> NewProjectResult:
    """Create the project ``name`` under ``output_dir`` and return what was made.

    ``modules`` are dotted names relative to the top-level package
    (``effects.echo``). ``extra_context`` and ``settings`` (``KEY=VALUE``
    strings, as ``--set`` takes them) override template variables; every value is checked
    before anything is written. Prompts happen only when ``no_input`` is false and stdin
    is a terminal or has answers piped in; end of input at a prompt raises
    :class:`~pkgforge.errors.CancelledError`. Nothing is left behind on any error or on
    Ctrl-C, up to the end of the final check.

    ``template`` is a built-in name, a folder, a git repository (URL,
    ``gh:owner/repo`` or a local repository; ``checkout`` is the ref) or a zip
    file; ``directory`` is the template's folder inside it. The template's
    source, exact version and the answers are recorded in
    ``.pkgforge-template.json``.

    While the template renders, ``index_url`` (default: the index pip reads) is asked
    whether the name is taken or too similar to one it has: a warning, never an error;
    with ``offline`` (default: ``PKGFORGE_OFFLINE``) or no answer within
    :data:`~pkgforge.availability.LOOKUP_TIMEOUT` seconds, one info line says so.
    """
    names = parse_project_name(name)
    module_parts = [validate_dotted_module(dotted) for dotted in modules]
    name_notes = [
        *names.warnings,
        *{note: None for parts in module_parts for part in parts for note in name_warnings(part)},
    ]
    for warning in name_notes:
        log.warning("%s", warning)
    overrides: dict[str, Any] = dict(extra_context or {})
    overrides.update(parse_settings(tuple(settings)))
    output = Path(output_dir)
    _refuse_non_empty(output / names.distribution)
    lookup = lookup_for(names.distribution, index_url=index_url, offline=offline)
    # The final check's modules load in a helper process while the template renders;
    # git gives the author's name while cookiecutter loads; the index is asked meanwhile.
    with CheckAhead(enabled=run_check) as ahead, git_author_ahead() as author:
        lookup.start()  # threads: only after the helper process is forked
        return _new_project(
            names,
            module_parts,
            name_notes,
            output=output,
            template=template,
            checkout=checkout,
            directory=directory,
            overrides=overrides,
            no_input=no_input,
            ahead=ahead if run_check else None,
            author=author,
            lookup=lookup,
        )


def _new_project(
    names: ProjectName,
    module_parts: list[tuple[str, ...]],
    name_notes: list[str],
    *,
    output: Path,
    template: str | os.PathLike[str],
    checkout: str | None,
    directory: str | None,
    overrides: dict[str, Any],
    no_input: bool,
    ahead: CheckAhead | None,
    author: Callable[[], dict[str, str]],
    lookup: NameLookup,
) -> NewProjectResult:
    # A git clone or unpacked zip lives until the project is rendered.
    sources = ExitStack()
    opened = sources.enter_context(open_template(template, checkout=checkout, directory=directory))
    template_dir = opened.path

    fixed = {
        "project_name": names.distribution,
        "project_slug": names.distribution,
        "import_name": names.import_name,
    }
    interactive = not no_input and stdin_is_interactive()
    # Asked for answers, the user hears first that the name is taken (and may stop).
    name_check = _report(lookup) if interactive else None
    try:
        context = load_context(
            template_dir,
            fixed=fixed,
            defaults=author,
            settings=overrides,
            interactive=interactive,
        )
    except BaseException:
        sources.close()
        raise
    log.info("Rendering %s from template %s", names.distribution, template_dir.name)

    with sources, _staging(output) as staging:
        rendered = render_into(template_dir, context, staging)
        state = TemplateState(
            source=opened.source,
            kind=opened.kind,
            version=opened.version,
            ref=opened.ref,
            directory=opened.directory,
            answers=answers_of(context["cookiecutter"]),
        )
        write_state(rendered, state)
        plan_warnings, added = _add_modules(rendered, names, module_parts)
        for warning in plan_warnings:
            log.warning("%s", warning)
        with _move_into_place(rendered, output) as project_dir:
            findings: tuple[Finding, ...] = ()
            if ahead is not None:
                from pkgforge.scaffold.validate import check_project

                findings = check_project(project_dir, ahead=ahead.check)
            files = _files_of(project_dir)
            if name_check is None:
                name_check = _report(lookup)

    warnings = [*name_notes, *plan_warnings]
    return NewProjectResult(
        project_dir=project_dir,
        names=names,
        template=template_dir,
        files=files,
        modules=added,
        findings=findings,
        warnings=tuple(warnings),
        state=state,
        name_check=name_check,
    )


def _report(lookup: NameLookup) -> NameCheck:
    """The index's verdict on the name, logged: a warning when the name cannot be
    published there, one info line when the index did not answer (a debug line when
    the user said not to ask, with ``--offline``)."""
    verdict = lookup.result()
    if verdict.message is not None:
        level = logging.WARNING if verdict.status in {"taken", "similar"} else logging.INFO
        log.log(logging.DEBUG if verdict.skipped else level, "%s", verdict.message)
    return verdict


@contextmanager
def _staging(output: Path) -> Iterator[Path]:
    """A hidden temporary folder inside ``output`` (created if missing), always removed.

    On failure or Ctrl-C the ``output`` folders this created are removed too.
    """
    made_output = _make_dirs(output)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".pkgforge-new-", dir=output))
    except OSError as err:
        _remove(made_output)
        raise UsageError(
            f"cannot write in {output}: {err.strerror or err}",
            hint="choose a folder you can write to with -o DIR",
        ) from err
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove(made_output)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _remove(created_folders: list[Path]) -> None:
    for directory in reversed(created_folders):
        shutil.rmtree(directory, ignore_errors=True)


def _refuse_non_empty(target: Path) -> None:
    try:
        taken = target.exists() and (not target.is_dir() or any(target.iterdir()))
    except OSError as err:  # a path the file system cannot hold (ENAMETOOLONG), or unreadable
        raise UsageError(
            f"cannot use {target}: {err.strerror or err}",
            hint="choose another name or another folder with -o DIR",
        ) from err
    if taken:
        raise ProjectExistsError(
            f"{target} already exists and is not empty; nothing was changed",
            hint="choose another name or another folder with -o DIR",
        )


def _make_dirs(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; return those created, outermost first."""
    missing: list[Path] = []
    probe = directory.absolute()
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    if probe.is_file():
        raise ProjectExistsError(
            f"{probe} is a file, not a folder", hint="choose another folder with -o DIR"
        )
    made: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir()
            made.append(path)
    except OSError as err:
        for path in reversed(made):
            path.rmdir()
        raise UsageError(
            f"cannot create {directory}: {err.strerror or err}",
            hint="choose a folder you can write to with -o DIR",
        ) from err
    return made


def _add_modules(
    project_dir: Path, names: ProjectName, module_parts: list[tuple[str, ...]]
) -> tuple[list[str], tuple[str, ...]]:
    if not module_parts:
        return [], ()
    try:
        package_dir, import_name = find_package(project_dir)
    except ProjectNotFoundError as err:
        raise TemplateError(
            f"the template made no package {names.import_name!r} to add modules to",
            hint="use a template with src/{{cookiecutter.import_name}}/__init__.py",
        ) from err
    tree = PlannedTree(Plan(), root=project_dir)
    needs_scripts = any(parts[-1] == "__main__" for parts in module_parts)
    scripts = project_scripts(project_dir) if needs_scripts else {}
    added = tuple(
        dict.fromkeys(
            plan_module(
                tree,
                package_dir=package_dir,
                import_name=import_name,
                tests_dir=project_dir / "tests",
                parts=parts,
                scripts=scripts,
            )
            for parts in module_parts
        )
    )
    plan = tree.finish()
    write_plan(plan)
    return plan.warnings, added


@contextmanager
def _move_into_place(rendered: Path, output: Path) -> Iterator[Path]:
    """Rename ``rendered`` to its place in ``output``; take it back out if the block fails
    or is interrupted (the final check can take a while: Ctrl-C there leaves nothing)."""
    target = (output / rendered.name).absolute()
    _refuse_non_empty(target)
    was_empty_dir = target.is_dir()
    if was_empty_dir:
        target.rmdir()  # the rename below takes its place
    try:
        rendered.rename(target)
    except OSError as err:
        if was_empty_dir and not target.exists():
            target.mkdir()
        raise ProjectExistsError(
            f"{target} appeared while the project was rendered; nothing was changed",
            hint="choose another name or another folder with -o DIR",
        ) from err
    try:
        yield target
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        if was_empty_dir:
            target.mkdir(exist_ok=True)
        raise


def _files_of(project_dir: Path) -> tuple[str, ...]:
    return tuple(
        sorted(p.relative_to(project_dir).as_posix() for p in project_dir.rglob("*") if p.is_file())
    )
