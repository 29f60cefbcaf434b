"""Fixes of the layout (PF101)."""

from __future__ import annotations

from collections.abc import Iterator

from pkgforge.checker.fix.base import FixRequest, Proposal, declined

__all__ = ["add_init"]


def add_init(request: FixRequest) -> Iterator[Proposal]:
    """PF101: an empty ``__init__.py`` in the directory the finding names."""
    directories = {d.relpath: d for d in request.project.directories}
    for finding in request.findings:
        directory = directories.get(finding.path)
        if directory is None or directory.has_init:
            declined(finding, "not a package directory without __init__.py")
            continue
        init = f"{finding.path}/__init__.py"
        if request.read(init) is not None:
            declined(finding, f"{init} exists")
            continue
        yield Proposal((finding,), {init: b""})
