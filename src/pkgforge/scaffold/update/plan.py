"""Decide, file by file, what ``update`` does: the plan, computed in memory, nothing written.

Three trees meet here: *base* (the recorded template version rendered with the
recorded answers), *theirs* (the target version rendered with the new answers)
and *ours* (the user's project). Base and theirs are read whole (they are small,
freshly rendered); the project is only read at the paths the template has, and
inside a package folder that an answer renames, so a ``.venv`` is never walked.
"""

from __future__ import annotations

import difflib
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pkgforge.landing import FileContent
from pkgforge.scaffold.update.merge import is_binary, merge_texts

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pkgforge.scaffold.update.merge import ConflictStyle

__all__ = ["Conflict", "Kept", "Plan", "file_content", "make_plan", "read_tree"]

# Below this similarity a removed and an added file are a deletion and a creation,
# not a rename (git's default rename threshold is 50% too).
_RENAME_SIMILARITY = 0.5


@dataclass(frozen=True)
class Conflict:
    """A file that both sides changed where the merge could not decide."""

    path: str
    hunks: int
    """Conflict hunks marked in the file; 0 for a binary file (never merged)."""
    binary: bool = False
    theirs_copy: str | None = None
    """Binary, outside git: where the template's new version was written beside it."""


@dataclass(frozen=True)
class Kept:
    """A file the update left alone on purpose, and why."""

    path: str
    reason: str


@dataclass
class Plan:
    """What to write and delete, and what to report (paths relative to the project)."""

    writes: dict[str, FileContent] = field(default_factory=dict)
    deletes: set[str] = field(default_factory=set)
    updated: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    stages: list[tuple[str, bytes | None, bytes, bytes, bool]] = field(default_factory=list)
    """Conflicted text and binary files: (path, base, ours, theirs, executable)."""
    current: dict[str, FileContent | None] = field(default_factory=dict)
    """The project's present content at every path the plan touches (for the diff)."""


def read_tree(root: Path, *, skip: frozenset[str] = frozenset()) -> dict[str, FileContent]:
    """Every file under ``root`` by relative POSIX path (a rendered template: small)."""
    tree: dict[str, FileContent] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        if relative not in skip and "__pycache__" not in path.parts:
            tree[relative] = file_content(path)
    return tree


def make_plan(
    project_dir: Path,
    base: Mapping[str, FileContent],
    theirs: Mapping[str, FileContent],
    *,
    answer_moves: Mapping[str, str],
    style: ConflictStyle,
    in_git: bool,
) -> Plan:
    """The plan that turns the project from ``base`` towards ``theirs``, keeping the user's work.

    ``answer_moves`` maps base paths (files and folders) to where the new answers put
    them (``src/sound`` -> ``src/noise``).
    """
    planner = _Planner(project_dir, style=style, in_git=in_git)
    pairs, removed, added = _pair(base, theirs, answer_moves)
    for base_path, their_path in pairs:
        planner.both(base_path, their_path, base[base_path], theirs[their_path])
    for base_path in removed:
        planner.removed(base_path, base[base_path])
    for their_path in added:
        planner.added(their_path, theirs[their_path])
    planner.user_files_in_moved_folders(answer_moves, set(base) | set(theirs))
    return planner.plan


def _pair(
    base: Mapping[str, FileContent],
    theirs: Mapping[str, FileContent],
    answer_moves: Mapping[str, str],
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Match base files to theirs: same path, path moved by an answer, or renamed by the
    template (similar content); the rest were removed or added by the template."""
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()
    unmatched: list[str] = []
    for path in sorted(base):
        target = answer_moves.get(path, path)
        if target in theirs and target not in taken:
            pairs.append((path, target))
            taken.add(target)
        else:
            unmatched.append(path)
    added = [path for path in sorted(theirs) if path not in taken]
    renames = _renames({p: base[p] for p in unmatched}, {p: theirs[p] for p in added})
    pairs.extend(renames.items())
    removed = [path for path in unmatched if path not in renames]
    added = [path for path in added if path not in renames.values()]
    return sorted(pairs), removed, added


def _renames(
    removed: Mapping[str, FileContent], added: Mapping[str, FileContent]
) -> dict[str, str]:
    """Template renames: each removed file paired with the most similar added one."""
    scored: list[tuple[float, str, str]] = []
    for old, old_content in removed.items():
        for new, new_content in added.items():
            score = _similarity(old, old_content.data, new, new_content.data)
            if score >= _RENAME_SIMILARITY:
                scored.append((score, old, new))
    renames: dict[str, str] = {}
    used: set[str] = set()
    for _, old, new in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if old not in renames and new not in used:
            renames[old] = new
            used.add(new)
    return renames


def _similarity(old_path: str, old: bytes, new_path: str, new: bytes) -> float:
    if old == new:
        # An empty or identical file says little on its own; the same name says the rest.
        return 1.0 if old.strip() or Path(old_path).name == Path(new_path).name else 0.0
    if not old.strip() or not new.strip() or is_binary(old) or is_binary(new):
        return 0.0
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    if matcher.real_quick_ratio() < _RENAME_SIMILARITY:
        return 0.0
    return matcher.ratio()


class _Planner:
    def __init__(self, project_dir: Path, *, style: ConflictStyle, in_git: bool) -> None:
        self.root = project_dir
        self.style = style
        self.in_git = in_git
        self.plan = Plan()

    def ours(self, path: str) -> FileContent | None:
        if path not in self.plan.current:
            target = self.root / path
            self.plan.current[path] = file_content(target) if target.is_file() else None
        return self.plan.current[path]

    def occupied(self, path: str) -> bool:
        target = self.root / path
        return target.exists() or target.is_symlink()

    def both(self, base_path: str, their_path: str, base: FileContent, theirs: FileContent) -> None:
        ours = self.ours(base_path)
        moved = base_path != their_path
        if moved and ours is None and self.ours(their_path) is not None:
            # The user already moved it there: theirs is merged into the user's file.
            ours, base_path, moved = self.ours(their_path), their_path, False
        if ours is None:
            if self.occupied(base_path):
                self.plan.kept.append(Kept(base_path, "a folder is in the way of the file"))
            elif theirs.data != base.data:
                self.plan.kept.append(
                    Kept(base_path, "you deleted it; the template changed it (still deleted)")
                )
            return
        if moved and self.occupied(their_path):
            self.plan.kept.append(
                Kept(base_path, f"not moved to {their_path}: something is already there")
            )
            moved, their_path = False, base_path
        result, status = self.three_way(their_path, base, ours, theirs)
        if moved:
            self.plan.deletes.add(base_path)
            self.plan.writes[their_path] = result
            self.plan.moved.append((base_path, their_path))
            self.ours(their_path)
        elif result != ours:
            self.plan.writes[their_path] = result
            if status != "conflict":
                self.plan.updated.append(their_path)
        if status == "merged":
            self.plan.merged.append(their_path)

    def three_way(
        self, path: str, base: FileContent | None, ours: FileContent, theirs: FileContent
    ) -> tuple[FileContent, str]:
        """The merged content and how it came: "clean" (one side's), "merged", "conflict"."""
        base_data = base.data if base is not None else b""
        if base is None or ours.executable != base.executable:
            executable = ours.executable
        else:
            executable = theirs.executable
        if base is not None and ours.data == base.data:
            return FileContent(theirs.data, executable), "clean"
        if ours.data == theirs.data or (base is not None and theirs.data == base.data):
            return FileContent(ours.data, executable), "clean"
        if is_binary(ours.data) or is_binary(theirs.data) or is_binary(base_data):
            self.binary_conflict(path, base, ours, theirs)
            return ours, "conflict"
        merged = merge_texts(base_data, ours.data, theirs.data, style=self.style)
        if merged.conflicts:
            self.plan.conflicts.append(Conflict(path, merged.conflicts))
            self.plan.stages.append(
                (path, base.data if base else None, ours.data, theirs.data, executable)
            )
            return FileContent(merged.content, executable), "conflict"
        return FileContent(merged.content, executable), "merged"

    def binary_conflict(
        self, path: str, base: FileContent | None, ours: FileContent, theirs: FileContent
    ) -> None:
        copy = None
        if not self.in_git:
            copy = f"{path}.theirs"
            self.plan.writes[copy] = theirs
            self.ours(copy)
        self.plan.conflicts.append(Conflict(path, 0, binary=True, theirs_copy=copy))
        self.plan.stages.append(
            (path, base.data if base else None, ours.data, theirs.data, ours.executable)
        )

    def removed(self, path: str, base: FileContent) -> None:
        ours = self.ours(path)
        if ours is None:
            return
        if ours.data == base.data:
            self.plan.deletes.add(path)
            self.plan.deleted.append(path)
        else:
            self.plan.kept.append(Kept(path, "the template removed it; you changed it (kept)"))

    def added(self, path: str, theirs: FileContent) -> None:
        ours = self.ours(path)
        if ours is None:
            if self.occupied(path):
                self.plan.kept.append(Kept(path, "a folder is in the way of the new file"))
                return
            self.plan.writes[path] = theirs
            self.plan.created.append(path)
            return
        result, status = self.three_way(path, None, ours, theirs)
        if result != ours:
            self.plan.writes[path] = result
        if status == "merged":
            self.plan.updated.append(path)
            self.plan.merged.append(path)

    def user_files_in_moved_folders(self, answer_moves: Mapping[str, str], known: set[str]) -> None:
        """The user's own files inside a folder an answer renamed follow the folder: a
        package split over two names would import from neither."""
        folders = {old: new for old, new in answer_moves.items() if (self.root / old).is_dir()}
        outermost = [
            old
            for old in sorted(folders)
            if not any(old.startswith(other + "/") for other in folders if other != old)
        ]
        for old in outermost:
            new = folders[old]
            for path in sorted((self.root / old).rglob("*")):
                if not path.is_file() and not path.is_symlink():
                    continue
                relative = path.relative_to(self.root).as_posix()
                if relative in known or relative in self.plan.writes or relative.endswith(".pyc"):
                    if relative.endswith(".pyc"):
                        self.ours(relative)
                        self.plan.deletes.add(relative)  # bytecode of the old name
                    continue
                target = new + relative[len(old) :]
                if self.occupied(target) or target in self.plan.writes:
                    self.plan.kept.append(
                        Kept(relative, f"not moved to {target}: something is already there")
                    )
                    continue
                content = self.ours(relative)
                if content is None:
                    continue
                self.ours(target)
                self.plan.writes[target] = content
                self.plan.deletes.add(relative)
                self.plan.moved.append((relative, target))


def file_content(path: Path) -> FileContent:
    """A project file's bytes and executable bit, as the plan writes them back."""
    mode = path.stat().st_mode
    return FileContent(path.read_bytes(), bool(mode & stat.S_IXUSR))
