"""``pkgforge update [PATH]``: bring a project up to its template's newer version."""

from __future__ import annotations

from pkgforge import TYPE_CHECKING
from pkgforge.commands._common import Subparsers, add_parser

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence

    from pkgforge.scaffold.update.update import UpdateResult

__all__ = ["register", "run"]


def register(subparsers: Subparsers, parents: Sequence[argparse.ArgumentParser]) -> None:
    parser = add_parser(
        subparsers,
        "update",
        help="bring a project up to its template's newer version (3-way merge)",
        parents=parents,
    )
    parser.add_argument(
        "path", metavar="PATH", nargs="?", default=".", help="the project (default: .)"
    )
    parser.add_argument(
        "--to",
        metavar="REF",
        default=None,
        help="the template version to update to: a git ref, a built-in version (default: latest)",
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="settings",
        help="change an answer (repeatable); a renamed package moves",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", action="store_true", help="print the diff it would apply; change nothing"
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when the project is behind its template, 0 when current (for CI)",
    )
    parser.add_argument(
        "--conflict",
        choices=("inline", "diff3"),
        default="inline",
        help="conflict markers: inline (ours/theirs) or diff3 (with the base)",
    )
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="run even with uncommitted changes in the git work tree",
    )
    parser.add_argument(
        "--rewrite-imports",
        action="store_true",
        help="with --set import_name=NEW: rewrite your files' imports of the old name "
        "(formatting kept)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, log: logging.Logger) -> int:
    from pkgforge.commands.new import print_findings, shown_path
    from pkgforge.scaffold.update.update import update_project

    result = update_project(
        args.path,
        to=args.to,
        settings=args.settings,
        dry_run=args.dry_run,
        check_only=args.check,
        conflict=args.conflict,
        allow_dirty=args.allow_dirty,
        rewrite_imports=args.rewrite_imports,
    )
    shown = shown_path(result.project_dir) if result.project_dir != _cwd() else "."
    if args.check:
        return _report_check(result, shown)
    if not result.behind:
        print(f"{shown} is up to date with its template ({_to(result)})")
        return 0
    if args.dry_run:
        print(result.diff, end="")
        _report_files(result, would=True)
        _report_imports(result, log, would=True)
        return 0
    print(f"Updated {shown} from {_from(result)} to {_to(result)}" + _answers_note(result))
    _report_files(result, would=False)
    remain = _report_imports(result, log, would=False)
    print_findings(result.findings)
    if result.conflicts:
        where = "git status shows them as unmerged" if result.git_index else "fix them by hand"
        log.warning("%d file(s) with conflicts: %s", len(result.conflicts), where)
        return 1
    if not result.findings:
        log.info("pkgforge check: no findings")
    return 1 if result.has_errors or remain else 0


def _report_imports(result: UpdateResult, log: logging.Logger, *, would: bool) -> bool:
    """Say which imports of the moved package were rewritten and which remain; True when
    some remain (work for the user)."""
    if result.renamed is None:
        return False
    old, new = result.renamed
    for path in result.rewritten:
        print(f"  {'would rewrite' if would else 'rewrote'} the imports of {old} in {path}")
    for stale in result.stale_imports:
        why = f" (left: {stale.why})" if stale.why else ""
        print(f"  {stale.path}:{stale.line}: {stale.statement}{why}")
    if not result.stale_imports:
        return False
    files = len({stale.path for stale in result.stale_imports})
    if any(stale.why for stale in result.stale_imports):
        advice = "fix them by hand"
    elif would:
        advice = "add --rewrite-imports to rewrite them, formatting kept"
    else:
        advice = "fix them, or undo this update and run it again with --rewrite-imports"
    log.warning(
        "%d import(s) in %d file(s) %s name %s, which is %s now: %s",
        len(result.stale_imports),
        files,
        "would still" if would else "still",
        old,
        new,
        advice,
    )
    return True


def _report_check(result: UpdateResult, shown: str) -> int:
    if result.behind:
        reasons = []
        if result.from_version != result.to_version:
            reasons.append(f"template {_from(result)} -> {_to(result)}")
        if result.changed_answers:
            reasons.append(f"answers changed: {', '.join(result.changed_answers)}")
        print(f"{shown} is behind its template ({'; '.join(reasons)}); run 'pkgforge update'")
        return 1
    print(f"{shown} is up to date with its template ({_to(result)})")
    return 0


def _from(result: UpdateResult) -> str:
    return _named(result.from_version, result.from_ref)


def _to(result: UpdateResult) -> str:
    return _named(result.to_version, result.to_ref)


def _named(version: str, ref: str | None) -> str:
    """A version as a person names it: the git tag or branch first (``v3, 3f1c0d2e1234``)."""
    return f"{ref}, {_short(version)}" if ref and ref != version else _short(version)


def _report_files(result: UpdateResult, *, would: bool) -> None:
    prefix = "  would " if would else "  "
    merged = set(result.merged)
    for path in result.updated:
        print(
            f"{prefix}{'merge' if would else 'merged'} {path}"
            if path in merged
            else f"{prefix}{'update' if would else 'updated'} {path}"
        )
    for path in result.created:
        print(f"{prefix}{'create' if would else 'created'} {path}")
    for path in result.deleted:
        print(f"{prefix}{'delete' if would else 'deleted'} {path}")
    for old, new in result.moved:
        print(f"{prefix}{'move' if would else 'moved'} {old} -> {new}")
    for kept in result.kept:
        print(f"  kept {kept.path}: {kept.reason}")
    for conflict in result.conflicts:
        if conflict.binary:
            beside = (
                f"; the template's version is in {conflict.theirs_copy}"
                if (conflict.theirs_copy)
                else "; 'git checkout --theirs' takes the template's"
            )
            print(f"  CONFLICT {conflict.path}: binary, changed on both sides, yours kept{beside}")
        else:
            print(f"  CONFLICT {conflict.path}: {conflict.hunks} conflict(s) marked in the file")


def _answers_note(result: UpdateResult) -> str:
    if not result.changed_answers:
        return ""
    return f" (answers changed: {', '.join(result.changed_answers)})"


def _short(version: str) -> str:
    """A git sha or content digest cut to 12 characters, as git shows them."""
    kind, sep, value = version.partition(":")
    if sep and len(value) > 12:
        return f"{kind}:{value[:12]}"
    if len(version) == 40 and all(c in "0123456789abcdef" for c in version):
        return version[:12]
    return version


def _cwd() -> object:
    from pathlib import Path

    return Path.cwd().resolve()
