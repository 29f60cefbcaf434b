"""What ``check --fix``, ``--diff`` and ``--add-noqa`` print, in ruff's words."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import groupby

from pkgforge.checker.findings import Finding
from pkgforge.checker.fix.result import FileChange, FixResult, NoqaResult
from pkgforge.checker.report import text

__all__ = ["applied_line", "fixed_table", "noqa_line", "render_diff", "render_fixed"]


def render_diff(changes: Sequence[FileChange]) -> str:
    """A unified diff of each change (``/dev/null`` before a new file), as ``ruff --diff``."""
    blocks: list[str] = []
    for change in changes:
        before = _lines(change.before) if change.before is not None else []
        origin = change.path if change.before is not None else "/dev/null"
        diff = list(
            difflib.unified_diff(before, _lines(change.after), fromfile=origin, tofile=change.path)
        )
        if not diff:  # a new empty file: the headers say it all
            diff = [f"--- {origin}\n", f"+++ {change.path}\n"]
        blocks.append("".join(line if line.endswith("\n") else f"{line}\n" for line in diff))
    return "\n".join(blocks)


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines(keepends=True)


def render_fixed(
    result: FixResult, *, color: bool = False, summary: bool = True, show_fixes: bool = False
) -> str:
    """The remaining findings as ``check`` shows them, the fixes made (``show_fixes``),
    then what was fixed and what was found."""
    blocks = [text.render(result.remaining, color=color, summary=False).rstrip("\n")]
    if show_fixes and result.fixed:
        blocks.append(fixed_table(result.fixed))
    if summary:
        blocks.append(f"{applied_line(result)}\n{text.summary_line(result.remaining)}")
    return "\n\n".join(b for b in blocks if b) + "\n"


def fixed_table(fixed: Iterable[Finding]) -> str:
    """``Fixed N findings:`` then, per file, how many of each code (ruff's --show-fixes)."""
    fixed = list(fixed)
    lines = [f"Fixed {_plural(len(fixed), 'finding')}:"]
    for path, group in groupby(sorted(fixed, key=lambda f: f.path), key=lambda f: f.path):
        lines.append(f"- {path}:")
        counts = Counter((f.code, f.name) for f in group)
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"    {count} × {code} ({name})")  # noqa: RUF001 - the sign ruff prints
    return "\n".join(lines)


def applied_line(result: FixResult, *, dry_run: bool = False) -> str:
    """``Fixed 2 findings.`` (``Would fix`` for a dry run), with the unsafe fixes not
    applied, as ruff words it."""
    count = len(result.fixed)
    written = not dry_run
    hidden = len(result.hidden)
    extra = (
        f" ({hidden} more {'fix' if hidden == 1 else 'fixes'} available with `--unsafe-fixes`)"
        if hidden
        else ""
    )
    if count:
        verb = "Fixed" if written else "Would fix"
        return f"{verb} {_plural(count, 'finding')}{extra}."
    return f"No findings {'fixed' if written else 'would be fixed'}{extra}."


def noqa_line(result: NoqaResult) -> str:
    """``Added 3 noqa directives.``, as ruff says it."""
    count = len(result.silenced)
    return f"Added {count} noqa {'directive' if count == 1 else 'directives'}."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
