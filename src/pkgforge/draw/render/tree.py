"""``pkgforge tree`` as text (the tutorial's drawing) and as JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pkgforge.draw.render.glyphs import UNICODE, Glyphs
from pkgforge.draw.render.paint import Paint
from pkgforge.draw.render.words import plural
from pkgforge.draw.tree import AllState, EntryKind, PackageTree, TreeEntry

__all__ = ["comment", "render_tree", "summary", "to_json"]

# Comments start in one column, as in the tutorial, unless the names are longer than this.
_MAX_COMMENT_COLUMN = 44


def render_tree(
    tree: PackageTree, fmt: str = "text", *, glyphs: Glyphs = UNICODE, color: bool = False
) -> str:
    """``tree`` in ``fmt`` (one of :data:`~pkgforge.draw.formats.TREE_FORMATS`), ending with a
    newline."""
    if fmt == "json":
        return json.dumps(to_json(tree), indent=2) + "\n"
    if fmt == "text":
        return _text(tree, glyphs, Paint(color))
    raise ValueError(f"unknown tree format {fmt!r}; expected text or json")


def _text(tree: PackageTree, glyphs: Glyphs, paint: Paint) -> str:
    rows: list[tuple[str, TreeEntry]] = []
    for entry in tree.entries:
        _rows(entry, "", "", glyphs, rows)
    widest = max(len(prefix) + len(_label(entry)) for prefix, entry in rows)
    column = min(widest, _MAX_COMMENT_COLUMN) + 2
    lines = []
    for prefix, entry in rows:
        label = _label(entry)
        text = f"{prefix}{_paint_label(entry, label, paint)}"
        note = comment(entry)
        if note:
            pad = max(column - len(prefix) - len(label), 2)
            text += " " * pad + _paint_comment(entry, note, paint)
        lines.append(text)
    lines += ["", paint.dim(summary(tree))]
    return "\n".join(lines) + "\n"


def _rows(
    entry: TreeEntry, prefix: str, below: str, glyphs: Glyphs, rows: list[tuple[str, TreeEntry]]
) -> None:
    rows.append((prefix, entry))
    for index, child in enumerate(entry.children):
        last = index == len(entry.children) - 1
        _rows(
            child,
            below + (glyphs.last if last else glyphs.tee),
            below + (glyphs.blank if last else glyphs.pipe),
            glyphs,
            rows,
        )


def _label(entry: TreeEntry) -> str:
    return f"{entry.name}/" if entry.kind.is_folder else entry.name


def _paint_label(entry: TreeEntry, label: str, paint: Paint) -> str:
    if entry.kind.is_folder:
        return paint.folder(label)
    if entry.problem is not None:
        return paint.error(label)
    return label


def _paint_comment(entry: TreeEntry, note: str, paint: Paint) -> str:
    if entry.problem is not None:
        return paint.error(note)
    if entry.shipped is False:
        return paint.warning(note)
    return paint.dim(note)


def comment(entry: TreeEntry) -> str:
    """The short note after an entry: what it is, or what its ``__all__`` exports."""
    if entry.kind is EntryKind.PACKAGE:
        parts = ["top-level package" if entry.top_level else "subpackage"]
    elif entry.kind is EntryKind.NAMESPACE:
        parts = ["namespace package (no __init__.py)"]
    elif entry.kind is EntryKind.COMPILED:
        parts = ["compiled module"]
    elif entry.kind is EntryKind.BUILT:
        parts = ["made by the build"]
    elif entry.kind is EntryKind.UNNAMED:
        parts = ["no module name (PF201)"]
    elif entry.problem is not None:
        parts = [f"not read: {entry.problem}"]
    else:
        parts = [_exports(entry)]
    if entry.shipped is False:
        parts.append("not shipped")
    return ", ".join(parts)


def _exports(entry: TreeEntry) -> str:
    if entry.all_state is AllState.NONE:
        return "__all__: none"
    if entry.all_state is AllState.UNREADABLE:
        return "__all__: computed, not readable"
    count = len(entry.exports)
    return f"__all__: {count} name{'' if count == 1 else 's'}"


def summary(tree: PackageTree) -> str:
    """``4 packages, 6 modules`` (and what else the tree holds)."""
    kinds = Counter(entry.kind for entry in tree.walk())
    left_out = sum(
        1
        for entry in tree.walk()
        if entry.shipped is False and entry.kind in (EntryKind.INIT, EntryKind.MODULE)
    )
    parts = [
        plural(kinds[EntryKind.PACKAGE], "package"),
        plural(kinds[EntryKind.MODULE], "module"),
    ]
    if kinds[EntryKind.NAMESPACE]:
        parts.append(plural(kinds[EntryKind.NAMESPACE], "namespace package"))
    if kinds[EntryKind.COMPILED]:
        parts.append(plural(kinds[EntryKind.COMPILED], "compiled module"))
    if kinds[EntryKind.BUILT]:
        parts.append(f"{plural(kinds[EntryKind.BUILT], 'module')} made by the build")
    if kinds[EntryKind.UNNAMED]:
        parts.append(f"{plural(kinds[EntryKind.UNNAMED], 'file')} with no module name")
    if left_out:
        parts.append(f"{plural(left_out, 'file')} not shipped")
    return ", ".join(parts)


def to_json(tree: PackageTree) -> dict[str, Any]:
    return {"root": str(tree.root), "entries": [_entry_json(e) for e in tree.entries]}


def _entry_json(entry: TreeEntry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": entry.name,
        "kind": str(entry.kind),
        "module": entry.module,
        "path": entry.path or None,
        "comment": comment(entry),
        "shipped": entry.shipped,
    }
    if entry.kind in (EntryKind.INIT, EntryKind.MODULE):
        data["all"] = list(entry.exports) if entry.all_state is AllState.LISTED else None
        data["all_state"] = str(entry.all_state)
        data["problem"] = entry.problem
    if entry.kind.is_folder:
        data["children"] = [_entry_json(child) for child in entry.children]
    return data
