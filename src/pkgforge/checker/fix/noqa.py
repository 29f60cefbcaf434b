"""``check --add-noqa``: a ``# noqa: PFxxx`` comment on each finding's line.

As ruff's ``--add-noqa`` does, the codes join the line's ``# noqa: CODES`` comment when
it has one (``# noqa: E501`` becomes ``# noqa: E501, PF403``), else a new comment ends
the line. Comments are read where the engine reads them (:mod:`..suppressions`): in the
package's Python files and pyproject.toml. A line that cannot end in a comment is left
alone: one that ends inside a string or after a ``\\`` continuation (the comment would
change the code: a tokenizer, and for TOML the parsed data, must see no difference),
and a ``#!`` first line.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from pkgforge.checker.findings import Finding
from pkgforge.checker.fix.result import Unapplied
from pkgforge.checker.suppressions import find_suppressions, noqa_codes_end

if TYPE_CHECKING:
    from pkgforge.checker.model import Project

__all__ = ["NoqaEdits", "noqa_edits"]

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""Lines as Python and TOML count them (a form feed does not end one)."""
_END = re.compile(r"[\r\n]*\Z")


@dataclass(frozen=True)
class NoqaEdits:
    edits: Mapping[str, bytes]
    """Path -> the file with its comments added."""
    silenced: tuple[Finding, ...]
    skipped: tuple[Unapplied, ...]


def noqa_edits(
    project: Project, findings: Iterable[Finding], read: Callable[[str], bytes | None]
) -> NoqaEdits:
    """The comments that silence ``findings`` (paths relative to the project root)."""
    python = {f.relpath for f in project.files}
    pyproject = (
        project.pyproject_path.relative_to(project.root).as_posix()
        if project.pyproject_path is not None
        else None
    )
    edits: dict[str, bytes] = {}
    silenced: list[Finding] = []
    skipped: list[Unapplied] = []
    for path, group in groupby(sorted(findings, key=lambda f: f.path), key=lambda f: f.path):
        found = list(group)
        data = read(path) if path in python or path == pyproject else None
        if data is None:
            skipped += (Unapplied(f, _no_comments_in(path, project)) for f in found)
            continue
        edited = _FileEdit(data, toml=path == pyproject).add(found)
        if edited.data is not None:
            edits[path] = edited.data
        silenced += edited.silenced
        skipped += edited.skipped
    return NoqaEdits(edits, tuple(silenced), tuple(skipped))


def _no_comments_in(path: str, project: Project) -> str:
    if any(d.relpath == path for d in project.directories) or (project.root / path).is_dir():
        return "a directory cannot carry a comment"
    return "pkgforge reads no noqa comments in this file (only in modules and pyproject.toml)"


class _FileEdit:
    """One file's text, as lines, with comments added to some of them."""

    def __init__(self, data: bytes, *, toml: bool) -> None:
        self.original = data
        self.toml = toml
        self.encoding = "utf-8" if toml else _encoding(data)
        self.data: bytes | None = None
        self.silenced: list[Finding] = []
        self.skipped: list[Unapplied] = []

    def add(self, findings: Sequence[Finding]) -> _FileEdit:
        try:
            text = self.original.decode(self.encoding)
        except (UnicodeDecodeError, LookupError):
            self.skipped += (
                Unapplied(f, "the file is not text pkgforge can edit") for f in findings
            )
            return self
        lines = _LINES.findall(text) or [""]
        wanted: dict[int, list[Finding]] = {}
        for finding in findings:
            wanted.setdefault(finding.line, []).append(finding)
        edited = list(lines)
        refused: dict[int, str] = {}
        for number, group in sorted(wanted.items()):
            if number > len(lines):
                refused[number] = f"line {number} is past the end of the file"
                continue
            if number == 1 and lines[0].startswith("#!"):
                refused[number] = "line 1 is a `#!` line, where a comment would be an argument"
                continue
            line, column = _with_codes(lines[number - 1], sorted({f.code for f in group}))
            alone = "".join([*lines[: number - 1], line, *lines[number:]])
            why = self._changes_meaning(text, alone, number, column)
            if why is not None:
                refused[number] = why
                continue
            edited[number - 1] = line
        for number, group in sorted(wanted.items()):
            reason = refused.get(number)
            if reason is None:
                self.silenced += group
            else:
                self.skipped += (Unapplied(f, reason) for f in group)
        if any(number not in refused for number in wanted):
            self.data = "".join(edited).encode(self.encoding)
        return self

    def _changes_meaning(self, old: str, new: str, number: int, column: int) -> str | None:
        """Why the comment added at ``number``:``column`` is no mere comment, or is not one
        the engine reads as silencing the line; None when it is fine."""
        why = "the line ends inside a string or a line continuation: no comment can go there"
        if self.toml:
            import tomllib

            try:
                if tomllib.loads(old) != tomllib.loads(new):
                    return why
            except tomllib.TOMLDecodeError:
                return why
        elif not _same_code(old, new, number, column):
            return why
        if number not in dict(find_suppressions(new.encode(self.encoding))):
            return "pkgforge would not read the comment"
        return None


def _same_code(old: str, new: str, number: int, column: int) -> bool:
    """Whether ``new`` is ``old`` with a comment at ``number``:``column``: the same syntax
    tree when ``old`` parses (a Python 2 module does not: then the same tokens, the new
    one a comment)."""
    import ast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        try:
            tree = ast.dump(ast.parse(old))
        except (SyntaxError, ValueError):
            tree = None
        if tree is not None:
            try:
                return ast.dump(ast.parse(new)) == tree
            except (SyntaxError, ValueError):
                return False
    before, after = _tokens(old), _tokens(new)
    if before is None or after is None:
        return False
    errors = sum(t.type == tokenize.ERRORTOKEN for t in after)
    if errors > sum(t.type == tokenize.ERRORTOKEN for t in before):
        return False
    return any(
        t.type == tokenize.COMMENT and t.start[0] == number and t.start[1] <= column <= t.end[1]
        for t in after
    )


def _with_codes(line: str, codes: Sequence[str]) -> tuple[str, int]:
    """The line with ``codes`` in a noqa comment, and the column of the text added."""
    end = _END.search(line)
    assert end is not None
    content, newline = line[: end.start()], line[end.start() :]
    raw = content.encode("utf-8", "surrogateescape")
    position = noqa_codes_end(raw)
    if position is not None:
        column = len(raw[:position].decode("utf-8", "surrogateescape"))
        return f"{content[:column]}, {', '.join(codes)}{content[column:]}{newline}", column
    stripped = content.rstrip()
    separator = "  " if stripped else ""
    column = len(stripped) + len(separator)
    return f"{stripped}{separator}# noqa: {', '.join(codes)}{newline}", column


def _encoding(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return "utf-8"
    return encoding


def _tokens(text: str) -> list[tokenize.TokenInfo] | None:
    try:
        return list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
