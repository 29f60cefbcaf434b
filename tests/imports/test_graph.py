"""The import graph: resolution, edges, cycles (PF406) and the import-order simulation (PF411)."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

from pkgforge.checker.engine import load_project
from pkgforge.checker.graph import (
    EntryKind,
    ImportGraph,
    graph_of,
    import_breakages,
    strongly_connected,
)
from pkgforge.checker.model import Project
from pkgforge.checker.summary import ImportInfo, ImportScope

PYPROJECT = '[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.11"\n'


def make(tmp_path: Path, files: dict[str, str]) -> Project:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    for relpath, text in files.items():
        path = tmp_path / "src" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return load_project(tmp_path, use_cache=False)


def info(module: str, level: int, *names: str) -> ImportInfo:
    return ImportInfo(module, names, level, bool(names), 1, 1, ImportScope.MODULE)


def test_relative_imports_resolve_from_modules_and_packages(tmp_path: Path) -> None:
    graph = graph_of(
        make(
            tmp_path,
            {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": ""},
        )
    )
    assert graph.absolute("pkg.sub.mod", info("", 1, "x")) == "pkg.sub"
    assert graph.absolute("pkg.sub.mod", info("other", 2, "x")) == "pkg.other"
    assert graph.absolute("pkg.sub", info("", 1, "x")) == "pkg.sub"  # a package's own level
    assert graph.absolute("pkg.sub", info("", 2, "x")) == "pkg"
    assert graph.absolute("pkg.sub.mod", info("", 3, "x")) is None  # beyond the top
    assert graph.absolute("pkg.sub.mod", info("os.path", 0)) == "os.path"


def test_from_package_import_submodule_or_name(tmp_path: Path) -> None:
    graph = graph_of(
        make(
            tmp_path,
            {
                "pkg/__init__.py": "NAME = 1\n",
                "pkg/echo.py": "",
                "pkg/user.py": "from pkg import echo, NAME\nimport pkg.echo\nimport json\n",
            },
        )
    )
    edges = [(e.target, e.name, e.info.line) for e in graph.edges["pkg.user"]]
    assert edges == [("pkg.echo", None, 1), ("pkg", "NAME", 1), ("pkg.echo", None, 2)]
    assert graph.parents("pkg.a.b") == ["pkg", "pkg.a"]
    assert graph.run_order("pkg.echo") == ["pkg", "pkg.echo"]


def test_function_type_checking_and_main_imports_form_no_cycle(tmp_path: Path) -> None:
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg import a\n"
                "def f():\n    from pkg import a\n"
                "if __name__ == '__main__':\n    from pkg import a\n"
            ),
        },
    )
    assert graph_of(project).cycles() == []


def test_cycle_is_blamed_on_its_members_not_on_importers(tmp_path: Path) -> None:
    # pylint#9490 blames an unrelated module that merely imports into the cycle
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/zz_unrelated.py": "from pkg import b\n",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "from pkg import a\n",
        },
    )
    graph = graph_of(project)
    assert graph.cycles() == [["pkg.a", "pkg.b"]]
    path = graph.shortest_cycle(["pkg.b", "pkg.a"])
    assert [(e.source, e.target) for e in path] == [("pkg.a", "pkg.b"), ("pkg.b", "pkg.a")]


def test_results_do_not_depend_on_file_order(tmp_path: Path) -> None:
    # pylint#7137: cycles depend on --jobs; here the order of the files must not matter
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.c import C\nX = 1\n",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "from pkg import c\n",
            "pkg/c.py": "from pkg import a, X\nC = 1\n",
        },
    )
    shuffled = dataclasses.replace(project, files=tuple(reversed(project.files)))
    first, second = ImportGraph(project), ImportGraph(shuffled)
    assert first.cycles() == second.cycles()
    assert first.shortest_cycle(first.cycles()[0]) == second.shortest_cycle(second.cycles()[0])
    assert import_breakages(first) == import_breakages(second)
    assert import_breakages(first) != []


def test_strongly_connected_survives_deep_graphs() -> None:
    nodes = [f"m{i:05d}" for i in range(20_000)]
    successors = {n: [nodes[(i + 1) % len(nodes)]] for i, n in enumerate(nodes)}
    (component,) = strongly_connected(nodes, successors)
    assert len(component) == len(nodes)


def test_parent_package_runs_first_and_breaks_the_cycle(tmp_path: Path) -> None:
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import A\nX = 1\n",
            "pkg/a.py": "from pkg.b import helper\nA = 1\n",
            "pkg/b.py": "from pkg import X\nhelper = 1\n",
        },
    )
    (breakage,) = import_breakages(graph_of(project))
    assert (breakage.importer, breakage.info.line, breakage.target, breakage.name) == (
        "pkg.b",
        1,
        "pkg",
        "X",
    )
    assert breakage.entry == "pkg"
    assert breakage.chain == (("pkg", 1), ("pkg.a", 1), ("pkg.b", 1))
    assert (breakage.bound_at, breakage.suspended_at) == (2, 1)


def test_cycle_entered_only_through_a_safe_member_breaks_only_on_a_direct_import(
    tmp_path: Path,
) -> None:
    # Django's sqlite3 backend: importing `features` first fails, but only `base`
    # (loaded by name) imports it, and importing `base` first works: a direct import only.
    files = {
        "pkg/__init__.py": "",
        "pkg/backend/__init__.py": "",
        "pkg/backend/base.py": "Database = object\nfrom .features import Features\n",
        "pkg/backend/features.py": "from .base import Database\nFeatures = 1\n",
    }
    (breakage,) = import_breakages(graph_of(make(tmp_path / "safe", files)))
    assert (breakage.entry, breakage.kind) == ("pkg.backend.features", EntryKind.DIRECT)
    # a public module: importing it first is an ordinary use (DESIGN.md)
    assert breakage.ordinary and breakage.first_import == "pkg.backend.features"
    files["pkg/other.py"] = "from pkg.backend.features import Features\n"
    (breakage,) = import_breakages(graph_of(make(tmp_path / "unsafe", files)))
    assert (breakage.entry, breakage.kind) == ("pkg.backend.features", EntryKind.ROOT)
    assert (breakage.importer, breakage.name) == ("pkg.backend.base", "Features")


def test_a_cycle_that_breaks_only_when_a_private_module_comes_first_is_not_ordinary(
    tmp_path: Path,
) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/_base.py": "Database = object\nfrom ._features import Features\n",
        "pkg/_features.py": "from ._base import Database\nFeatures = 1\n",
    }
    (breakage,) = import_breakages(graph_of(make(tmp_path / "private", files)))
    assert (breakage.entry, breakage.ordinary) == ("pkg._features", False)
    # a public module whose import enters the cycle at the private one is ordinary
    files["pkg/api.py"] = "from pkg._features import Features\n"
    graph = graph_of(make(tmp_path / "via_public", files))
    (breakage,) = import_breakages(graph)
    assert (breakage.entry, breakage.first_import, breakage.ordinary) == (
        "pkg._features",
        "pkg.api",
        True,
    )
    # so is a module an entry point names
    assert import_breakages(graph, lambda m: m == "pkg._features")[0].ordinary


def test_a_cycle_that_breaks_however_it_is_entered_is_ordinary(tmp_path: Path) -> None:
    # each of the two private modules fails when imported first
    files = {
        "pkg/__init__.py": "",
        "pkg/_a.py": "from pkg._b import B\nA = 1\n",
        "pkg/_b.py": "from pkg._a import A\nB = 1\n",
    }
    breakages = import_breakages(graph_of(make(tmp_path, files)))
    assert {b.entry for b in breakages} == {"pkg._a", "pkg._b"}
    assert all(b.ordinary for b in breakages)


def test_a_module_importing_a_name_from_itself_before_binding_it_breaks(tmp_path: Path) -> None:
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "from . import VERSION\nVERSION = 1\nfrom pkg import sub\n",
            "pkg/sub.py": "def __getattr__(name):\n    return 1\nfrom pkg.sub import ANY\n",
            "pkg/late.py": "from pkg.late import A\ndef __getattr__(name):\n    return 1\n",
            "pkg/fine.py": "A = 1\nfrom pkg.fine import A\ntry:\n    from pkg.fine import B\n"
            "except ImportError:\n    B = 2\n",
        },
    )
    breakages = import_breakages(graph_of(project))
    assert [(b.importer, b.info.line, b.name, b.kind) for b in breakages] == [
        ("pkg", 1, "VERSION", EntryKind.SELF),
        ("pkg.late", 1, "A", EntryKind.SELF),  # `__getattr__` is defined too late to help
    ]


def test_guarded_and_submodule_imports_do_not_break(tmp_path: Path) -> None:
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg import a\nX = 1\n",
            "pkg/a.py": (
                "from pkg import b\n"  # a submodule: always importable
                "try:\n    from pkg import X\nexcept ImportError:\n    X = None\n"
            ),
            "pkg/b.py": "",
        },
    )
    assert import_breakages(graph_of(project)) == []


def test_star_imports_count_towards_defined_names(tmp_path: Path) -> None:
    graph = graph_of(
        make(
            tmp_path,
            {
                "pkg/__init__.py": "",
                "pkg/base.py": "__all__ = ['a']\na = 1\nb = 2\n",
                "pkg/plain.py": "c = 1\n_d = 2\n",
                "pkg/user.py": "from .base import *\nfrom .plain import *\n",
                "pkg/third.py": "from os.path import *\n",
            },
        )
    )
    assert graph.defined_names("pkg.user") == {"a", "c"}
    assert graph.star_names("pkg.plain") == {"c"}
    assert graph.defined_names("pkg.third") is None  # a third-party star: unknown
    assert graph.submodules("pkg") == {"base", "plain", "user", "third"}


def test_a_caught_failure_makes_python_run_the_interrupted_modules_again(tmp_path: Path) -> None:
    # importing pkg.b: pkg's guarded import of X (which pkg.sub never binds) fails inside
    # pkg.b and is caught; pkg.b then runs again, and pkg.sub with it, while pkg.b is only
    # at line 1 (CPython agrees: tests/imports/test_cpython_oracle.py)
    project = make(
        tmp_path,
        {
            "pkg/__init__.py": "try:\n    from pkg.sub import X\nexcept ImportError:\n    pass\n",
            "pkg/b.py": "from pkg.sub import X\nfrom pkg import Y\n",
            "pkg/sub/__init__.py": "from pkg.b import Y\n",
        },
    )
    (breakage,) = import_breakages(graph_of(project))
    assert (breakage.importer, breakage.info.line, breakage.name) == ("pkg.sub", 1, "Y")
    assert (breakage.entry, breakage.kind) == ("pkg.b", EntryKind.DIRECT)


def test_a_star_import_of_a_partial_module_binds_only_what_it_has_bound(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "try:\n    from pkg.sub import X\nexcept ImportError:\n    pass\n",
        "pkg/b.py": "from pkg.sub import X\n",
        "pkg/sub/__init__.py": "from pkg import *\nfrom pkg.b import X\n",
    }
    (breakage,) = import_breakages(graph_of(make(tmp_path / "partial", files)))
    assert (breakage.importer, breakage.info.line, breakage.name) == ("pkg.sub", 2, "X")
    # once pkg binds X before it imports pkg.sub, the star import brings it in time
    files["pkg/__init__.py"] = "X = 1\n" + files["pkg/__init__.py"]
    assert import_breakages(graph_of(make(tmp_path / "bound", files))) == []


def test_a_star_import_of_a_partial_module_fails_on_what_its_all_lists(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "__all__ = ['X']\nfrom pkg.sub import Y\nX = 1\n",
        "pkg/sub/__init__.py": "from pkg import *\nY = 2\n",
    }
    (breakage,) = import_breakages(graph_of(make(tmp_path / "late", files)))
    assert (breakage.importer, breakage.info.names, breakage.name) == ("pkg.sub", ("*",), "X")
    assert (breakage.entry, breakage.kind, breakage.bound_at) == ("pkg", EntryKind.ROOT, 3)
    # `__all__` assigned after the import that starts the cycle: the star import binds
    # the public names bound so far, and nothing fails
    files["pkg/__init__.py"] = "from pkg.sub import Y\n__all__ = ['X']\nX = 1\n"
    assert import_breakages(graph_of(make(tmp_path / "unlisted", files))) == []
