"""Fixes of ``__all__`` (PF302, PF303, PF305, PF306), edited with libcst."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from pkgforge.checker.fix.base import FixRequest, Proposal, by_file, declined
from pkgforge.checker.fix.exportlist import render_all
from pkgforge.checker.fix.pysource import Located, drop_elements, insert_after_imports, parse
from pkgforge.checker.graph import graph_of
from pkgforge.checker.rules.exports import public_names

__all__ = [
    "add_all",
    "drop_duplicate_exports",
    "drop_private_exports",
    "drop_undefined_exports",
]


def _drop_found_entries(request: FixRequest) -> Iterator[Proposal]:
    """Remove the ``__all__`` entries the findings point at (one per finding)."""
    for path, findings in by_file(request.findings):
        located = Located.of(request.read(path))
        if located is None:
            declined(findings[0], "the file does not parse")
            continue
        data = drop_elements(located, {located.place(f.line, f.column) for f in findings})
        if data is None:
            declined(findings[0], "an entry is not an element of a list or tuple")
            continue
        yield Proposal(tuple(findings), {path: data})


def drop_duplicate_exports(request: FixRequest) -> Iterator[Proposal]:
    """PF303: each repeated entry goes; the first stays (the findings point at repeats)."""
    return _drop_found_entries(request)


def drop_private_exports(request: FixRequest) -> Iterator[Proposal]:
    """PF306: each private entry goes."""
    return _drop_found_entries(request)


def drop_undefined_exports(request: FixRequest) -> Iterator[Proposal]:
    """PF302: every entry naming one of the undefined names goes, from a literal ``__all__``."""
    files = {f.relpath: f for f in request.project.files}
    for path, findings in by_file(request.findings):
        info = files[path].summary.all if path in files else None
        if info is None or not info.is_literal:
            declined(findings[0], "`__all__` is not one literal")
            continue
        names = {name for f in findings for name in f.subject}
        if all(e.value in names for e in info.entries):
            # no name found at all: more likely filled by what pkgforge cannot see (a
            # module that replaces itself in sys.modules, a lazy loader) than all wrong
            declined(findings[0], "none of the names is found: the fix would empty `__all__`")
            continue
        located = Located.of(request.read(path))
        if located is None:
            declined(findings[0], "the file does not parse")
            continue
        places = {located.place(e.line, e.column) for e in info.entries if e.value in names}
        data = drop_elements(located, places) if places else None
        if data is None:
            declined(findings[0], "an entry is not an element of a list or tuple")
            continue
        yield Proposal(tuple(findings), {path: data})


def add_all(request: FixRequest) -> Iterator[Proposal]:
    """PF305: an ``__all__`` of the package's public names, after its imports."""
    files = {f.relpath: f for f in request.project.files}
    graph = graph_of(request.project)
    for path, findings in by_file(request.findings):
        file = files.get(path)
        public = public_names(file, graph) if file is not None else []
        module = parse(request.read(path) or b"") if public else None
        if module is None:
            declined(findings[0], "no public names, or the file does not parse")
            continue
        statement = cst.parse_statement(render_all(public), config=module.config_for_parsing)
        fixed = insert_after_imports(module, [statement], blank_line=True)
        yield Proposal(tuple(findings), {path: fixed.bytes})
