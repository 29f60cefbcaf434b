"""``pkgforge.fix`` and ``pkgforge.add_noqa``: change the checked projects, all at once.

Both work on a scratch copy of each project (:mod:`.workspace`) and check it again
there; the project itself is written once, at the end, through
:func:`pkgforge.landing.land`: every changed file of every project lands, or (on an
error or Ctrl-C) none does. A file the user changed meanwhile stops the run before
anything is written.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple, Self

from pkgforge.checker.discover import find_root
from pkgforge.checker.engine import (
    ARCHIVE_SUFFIXES,
    CheckResult,
    TreeCheck,
    check_tree,
    display_prefix,
)
from pkgforge.checker.findings import Finding
from pkgforge.checker.fix.result import FileChange, FixResult, NoqaResult, Unapplied
from pkgforge.checker.fix.workspace import Workspace
from pkgforge.config import parse_overrides
from pkgforge.errors import PkgforgeError, UsageError

__all__ = ["add_noqa", "fix"]

log = logging.getLogger("pkgforge")

STAGING_PREFIX = ".pkgforge-fix-"


def fix(
    paths: Sequence[str | os.PathLike[str]] = (".",),
    *,
    unsafe_fixes: bool = False,
    dry_run: bool = False,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    extend_ignore: Sequence[str] | None = None,
    config: Sequence[str] = (),
    use_cache: bool = True,
) -> FixResult:
    """Fix what the check of ``paths`` finds, as ``pkgforge check --fix`` does.

    Safe fixes only, unless ``unsafe_fixes``; ``[tool.pkgforge] fixable``/``unfixable``
    narrow them. A fix is kept only when checking the result shows no new finding.
    ``dry_run`` (``--diff``) writes nothing: the result says what would change. The other
    options mean what they mean for :func:`pkgforge.check`.
    """
    from pkgforge.checker.fix.rounds import candidates, fix_rounds, offered
    from pkgforge.checker.rules import load_rules

    rules = load_rules()
    options = _Options(select, ignore, extend_select, extend_ignore, config)
    with _Projects(paths, options, use_cache=use_cache) as runs:
        fixed: list[Finding] = []
        unapplied: list[Unapplied] = []
        hidden: list[Finding] = []
        results: list[CheckResult] = []
        for target in runs:
            found, read = target.first, target.read
            if candidates(found, rules, unsafe=unsafe_fixes):
                workspace = runs.open(target)
                outcome = fix_rounds(workspace, rules, unsafe=unsafe_fixes, start=found)
                found, read = outcome.last, workspace.read
                fixed += (target.shown(f) for f in outcome.fixed)
                unapplied += (
                    Unapplied(target.shown(u.finding), u.reason) for u in outcome.unapplied
                )
            results.append(_prefixed(found.result, target.prefix))
            if not unsafe_fixes:
                hidden += map(
                    target.shown, offered(read, found.project, found.result.findings, rules)
                )
        changes, written = runs.finish(dry_run=dry_run)
    return FixResult(
        remaining=_merged(results),
        fixed=tuple(sorted(fixed)),
        changes=changes,
        unapplied=tuple(unapplied),
        hidden=tuple(sorted(hidden)),
        written=written,
    )


def add_noqa(
    paths: Sequence[str | os.PathLike[str]] = (".",),
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    extend_ignore: Sequence[str] | None = None,
    config: Sequence[str] = (),
    use_cache: bool = True,
) -> NoqaResult:
    """Silence every finding of the check of ``paths`` with a ``# noqa: PFxxx`` comment on
    its line, as ``pkgforge check --add-noqa`` does (ruff's ``--add-noqa``). A finding whose
    place cannot take a comment (a directory, a line that ends inside a string) is left
    as it is and listed in ``unapplied``."""
    from pkgforge.checker.fix.noqa import noqa_edits

    options = _Options(select, ignore, extend_select, extend_ignore, config)
    with _Projects(paths, options, use_cache=use_cache) as runs:
        silenced: list[Finding] = []
        unapplied: list[Unapplied] = []
        results: list[CheckResult] = []
        for target in runs:
            found = target.first
            edits = noqa_edits(found.project, found.result.findings, target.read)
            if edits.edits:
                workspace = runs.open(target)
                for path, data in edits.edits.items():
                    workspace.write(path, data)
                found = workspace.check()
            remaining = {(f.path, f.line, f.code) for f in found.result.findings}
            for finding in edits.silenced:
                if (finding.path, finding.line, finding.code) in remaining:
                    # cannot happen while noqa_edits reads comments as the engine does
                    unapplied.append(Unapplied(target.shown(finding), "still reported"))
                else:
                    silenced.append(target.shown(finding))
            unapplied += (Unapplied(target.shown(u.finding), u.reason) for u in edits.skipped)
            results.append(_prefixed(found.result, target.prefix))
        changes, written = runs.finish(dry_run=False)
    return NoqaResult(
        remaining=_merged(results),
        silenced=tuple(sorted(silenced)),
        changes=changes,
        unapplied=tuple(unapplied),
        written=written,
    )


class _Projects:
    """The scratch copies of the projects that ``paths`` name, and the landing of what
    changed in them."""

    def __init__(
        self, paths: Sequence[str | os.PathLike[str]], options: _Options, *, use_cache: bool
    ) -> None:
        self.targets: dict[Path, list[str]] = {}
        for path in paths or (".",):
            if os.fspath(path).endswith(ARCHIVE_SUFFIXES) and Path(path).is_file():
                raise UsageError(
                    f"{os.fspath(path)} is a distribution: fixes change source trees only",
                    hint="fix the project it was built from, then build it again",
                )
            root, focus = find_root(path)
            self.targets.setdefault(root, []).append(focus)
        self.check_project = options.checker(use_cache=use_cache)
        self.checker = options.checker(use_cache=True)  # a scratch copy's own cache
        self.use_cache = use_cache
        self.workspaces: list[Workspace] = []
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stack.close()

    def __iter__(self) -> Iterator[_Target]:
        """Each project, checked as it is (a copy is made only when there is a change to
        try: a run with nothing to fix costs a check)."""
        for root, focuses in self.targets.items():
            focus = () if "" in focuses else tuple(focuses)
            yield _Target(root, focus, display_prefix(root), self.check_project(root, focus))

    def open(self, target: _Target) -> Workspace:
        """The scratch copy of ``target``'s project, closed with the run."""
        workspace = self.stack.enter_context(
            Workspace(target.root, self.checker, focuses=target.focuses, copy_cache=self.use_cache)
        )
        self.workspaces.append(workspace)
        return workspace

    def finish(self, *, dry_run: bool) -> tuple[tuple[FileChange, ...], bool]:
        """What changed in every copy, written to the projects unless ``dry_run``."""
        planned = [(w, w.changes()) for w in self.workspaces]
        changes = tuple(
            FileChange(display_prefix(w.root) + path, before, after)
            for w, changed in planned
            for path, (before, after) in changed.items()
        )
        if dry_run or not changes:
            return changes, False
        for workspace, changed in planned:
            for path in changed:
                if not workspace.unchanged_since_read(path):
                    raise PkgforgeError(
                        f"{workspace.root / path} changed while pkgforge was fixing it; "
                        "nothing was changed",
                        hint="run the command again",
                    )
        _land_all([(w.root, changed) for w, changed in planned if changed])
        return changes, True


class _Target(NamedTuple):
    """One project of the run, and its check before any change."""

    root: Path
    focuses: tuple[str, ...]
    prefix: str
    """What its findings' paths are shown with."""
    first: TreeCheck

    def read(self, relpath: str) -> bytes | None:
        try:
            return (self.root / relpath).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def shown(self, finding: Finding) -> Finding:
        return _shown(finding, self.prefix)


class _Options(NamedTuple):
    """What the check of each scratch copy is asked, as ``pkgforge.check`` is."""

    select: Sequence[str] | None
    ignore: Sequence[str] | None
    extend_select: Sequence[str] | None
    extend_ignore: Sequence[str] | None
    config: Sequence[str]

    def checker(self, *, use_cache: bool) -> Callable[[Path, tuple[str, ...]], TreeCheck]:
        overrides = parse_overrides(self.config) if self.config else None

        def checker(copy: Path, focuses: tuple[str, ...]) -> TreeCheck:
            return check_tree(
                copy,
                focuses,
                select=self.select,
                ignore=self.ignore,
                extend_select=self.extend_select,
                extend_ignore=self.extend_ignore,
                overrides=overrides,
                use_cache=use_cache,
            )

        return checker


def _land_all(projects: Sequence[tuple[Path, Mapping[str, tuple[bytes | None, bytes]]]]) -> None:
    """Land every project's files, or none: each next project lands inside the previous
    one's landing, whose undo covers a failure of the ones after it."""
    from pkgforge.landing import FileContent, land

    def land_from(index: int) -> None:
        if index == len(projects):
            return
        root, changed = projects[index]
        writes = {
            path: FileContent(after, executable=_executable(root / path))
            for path, (_before, after) in changed.items()
        }
        land(
            root,
            writes,
            frozenset(),
            finish=lambda: land_from(index + 1),
            staging_prefix=STAGING_PREFIX,
        )

    land_from(0)


def _executable(path: Path) -> bool:
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & 0o100)
    except OSError:
        return False


def _shown(finding: Finding, prefix: str) -> Finding:
    return replace(finding, path=prefix + finding.path) if prefix else finding


def _prefixed(result: CheckResult, prefix: str) -> CheckResult:
    if not prefix:
        return result
    return replace(
        result,
        findings=tuple(_shown(f, prefix) for f in result.findings),
        skipped=tuple(prefix + s for s in result.skipped),
    )


def _merged(results: Sequence[CheckResult]) -> CheckResult:
    return CheckResult(
        findings=tuple(sorted({f for r in results for f in r.findings})),
        files_checked=sum(r.files_checked for r in results),
        suppressed=sum(r.suppressed for r in results),
        rule_errors=tuple(e for r in results for e in r.rule_errors),
        skipped=tuple(s for r in results for s in r.skipped),
    )
