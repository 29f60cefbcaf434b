"""The git work tree around a project, for ``update``: is it clean, and the index stages of
a conflict.

git is optional: without it (not installed, or the project is not in a work tree)
:func:`find_worktree` returns None and ``update`` lists its conflicts instead.
Only plumbing commands are used, with a fixed environment, so a user's aliases,
pager or hooks change nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.errors import PkgforgeError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ConflictStages", "Worktree", "find_worktree"]

_NULL_SHA = "0" * 40


@dataclass(frozen=True)
class ConflictStages:
    """One conflicted file: its path (relative to the project) and the three versions.

    ``base`` is None when the file is new on both sides (git shows "both added").
    """

    path: str
    base: bytes | None
    ours: bytes
    theirs: bytes
    executable: bool


@dataclass(frozen=True)
class Worktree:
    """A git work tree that holds the project."""

    top: Path
    project: Path

    def _run(self, args: Sequence[str], *, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.top,
                input=stdin,
                capture_output=True,
                check=False,
                env=_git_env(),
            )
        except OSError as err:
            raise PkgforgeError(f"git failed: {err}") from err
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise PkgforgeError(
                f"git {args[0]} failed: {message[-1] if message else done.returncode}",
                hint="run again with --debug, or update a copy outside git",
            )
        return done.stdout

    def dirty_paths(self) -> tuple[str, ...]:
        """Tracked files of the project with uncommitted changes (staged or not).

        Untracked files are not "dirty": the update never overwrites them (a
        template file that lands on one is merged against it).
        """
        out = self._run(
            ["status", "--porcelain=v1", "-z", "--untracked-files=no", "--", str(self.project)]
        )
        entries = [e for e in out.decode(errors="replace").split("\0") if e]
        return tuple(entry[3:] for entry in entries if len(entry) > 3)

    def index_file(self) -> Path:
        out = self._run(["rev-parse", "--git-path", "index"]).decode().strip()
        path = Path(out)
        return path if path.is_absolute() else self.top / path

    def hash_blobs(self, stages: Sequence[ConflictStages]) -> list[str]:
        """Write every stage's blob into the object database (harmless: unreferenced
        objects are garbage-collected) and return the index lines that mark each file
        unmerged, as ``git update-index --index-info`` reads them."""
        lines: list[str] = []
        for conflict in stages:
            name = self._index_name(conflict.path)
            mode = "100755" if conflict.executable else "100644"
            lines.append(f"0 {_NULL_SHA}\t{name}")  # drop the merged (stage 0) entry
            versions = ((1, conflict.base), (2, conflict.ours), (3, conflict.theirs))
            for stage, content in versions:
                if content is None:
                    continue
                sha = self._hash(name, content)
                lines.append(f"{mode} {sha} {stage}\t{name}")
        return lines

    def write_index(self, lines: Sequence[str]) -> None:
        if lines:
            self._run(["update-index", "--index-info"], stdin="\n".join([*lines, ""]).encode())

    def _hash(self, name: str, content: bytes) -> str:
        # --path applies the file's attributes (eol, filters) as `git add` would.
        out = self._run(["hash-object", "-w", f"--path={name}", "--stdin"], stdin=content)
        return out.decode().strip()

    def _index_name(self, project_path: str) -> str:
        return (self.project / project_path).relative_to(self.top).as_posix()


def find_worktree(project_dir: Path) -> Worktree | None:
    """The git work tree holding ``project_dir``, or None (no git, or not in a work tree)."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree", "--show-toplevel"],
            cwd=project_dir,
            capture_output=True,
            check=False,
            env=_git_env(),
        )
    except OSError:
        return None
    lines = done.stdout.decode(errors="replace").splitlines()
    if done.returncode != 0 or len(lines) < 2 or lines[0] != "true":
        return None
    top = Path(lines[1]).resolve()
    return Worktree(top=top, project=Path(project_dir).resolve())


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    return env
