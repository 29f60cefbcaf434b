"""Property: fixing a generated broken tree gives a tree where the fixed rules find nothing
and CPython imports every module (first, in a fresh interpreter, and with ``import *``).

Hypothesis draws a package with the defects the fixes are for: a missing ``__init__.py``
(PF101), an ``__all__`` with undefined, repeated and private names (PF302, PF303,
PF306), a package without ``__all__`` (PF305), a star import inside a function (PF401)
and implicit relative imports (PF403), mixed with their correct forms. CPython is the
oracle of tests/imports/test_cpython_oracle.py: one driver interpreter forks a child per
module.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pkgforge
from pkgforge.checker.engine import check
from tests.imports.test_cpython_oracle import Driver

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the oracle forks per module")

FIXED = ["PF101", "PF302", "PF303", "PF305", "PF306", "PF401", "PF403"]
PYPROJECT = '[project]\nname = "pkg"\nversion = "1"\nrequires-python = ">=3.11"\n'
MODULES = ("pkg", "pkg.a", "pkg.b", "pkg.sub.c")


@dataclass(frozen=True)
class Tree:
    init_all: bool
    init_imports_a: bool
    a_all: tuple[str, ...]
    a_sibling: str | None
    a_star: str | None
    b_all: tuple[str, ...]
    sub_init: bool
    c_import: str | None

    def files(self) -> dict[str, str]:
        init = "INIT = 1\n" + ("from . import a\n" if self.init_imports_a else "")
        if self.init_all:
            init += '__all__ = ["INIT"]\n'
        a = ""
        if self.a_sibling is not None:
            a += f"{self.a_sibling}\n"
        a += "A1 = 1\n_a = 2\n"
        if self.a_all:
            a += f"__all__ = {list(self.a_all)!r}\n"
        if self.a_star is not None:
            a += f"\n\ndef use():\n    from {self.a_star} import *\n    return B1\n"
        b = "B1 = 1\n_b = 2\n"
        if self.b_all:
            b += f"__all__ = {list(self.b_all)!r}\n"
        files = {
            "src/pkg/__init__.py": init,
            "src/pkg/a.py": a,
            "src/pkg/b.py": b,
            "src/pkg/sub/c.py": f"{self.c_import or ''}\nC1 = 1\n",
        }
        if self.sub_init:
            files["src/pkg/sub/__init__.py"] = ""
        return files


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    a_star = draw(st.sampled_from([None, "pkg.b", ".b"]))
    # a star import in a function needs the names it uses from b, and none of them bound
    # in a itself: `from b import B1` at a's top would be another binding of B1
    siblings = ["import b", "import b as bee", "import os, b"]
    if a_star is None:
        siblings.append("from b import B1")
    if a_star == ".b":
        # PF403 reads an absolute import beside a relative one of the same name as a
        # script's deliberate fallback (ANTLR's generated parsers): no finding, no fix
        siblings = []
    b_all = draw(st.lists(st.sampled_from(["B1", "_b", "nope"]), max_size=4))
    if b_all and (a_star is not None or set(b_all) == {"nope"}):
        # a star import needs B1 exported; an `__all__` of undefined names only is no
        # fix's (PF302 would empty it)
        b_all.insert(draw(st.integers(0, len(b_all))), "B1")
    a_all = draw(st.lists(st.sampled_from(["A1", "_a", "ghost"]), max_size=4))
    if set(a_all) == {"ghost"}:
        a_all.append("A1")
    return Tree(
        init_all=draw(st.booleans()),
        init_imports_a=draw(st.booleans()),
        a_all=tuple(a_all),
        a_sibling=draw(st.sampled_from([None, *siblings])),
        a_star=a_star,
        b_all=tuple(b_all),
        sub_init=draw(st.booleans()),
        c_import=draw(st.sampled_from([None, "from ..b import B1", "from .. import b"])),
    )


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    started = Driver(sys.executable)
    yield started
    started.close()


def fixed_tree_imports(driver: Driver, tree: Tree) -> None:
    with tempfile.TemporaryDirectory(prefix="pkgforge-fix-property-") as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text(PYPROJECT)
        for relpath, text in tree.files().items():
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        result = pkgforge.fix([root], unsafe_fixes=True, use_cache=False)
        assert result.unapplied == ()
        sources = {
            p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))
        }
        left = check([root], select=FIXED, use_cache=False)
        assert left.findings == (), (left.findings, sources)
        answers = driver.imports(root / "src", MODULES)
        failures = {
            module: answer["error"] or answer["star"]
            for module, answer in answers.items()
            if answer["error"] or answer["star"]
        }
        assert failures == {}, (failures, sources)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(trees())
def test_a_fixed_tree_is_clean_and_imports(driver: Driver, tree: Tree) -> None:
    fixed_tree_imports(driver, tree)


@pytest.mark.slow
def test_a_fixed_tree_is_clean_and_imports_heavy(driver: Driver) -> None:
    """More trees (PKGFORGE_FIX_EXAMPLES, 150 by default)."""
    examples = int(os.environ.get("PKGFORGE_FIX_EXAMPLES", "150"))

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(trees())
    def trees_fix(tree: Tree) -> None:
        fixed_tree_imports(driver, tree)

    trees_fix()


def test_every_defect_at_once(driver: Driver) -> None:
    """The generator's worst tree, whatever hypothesis draws."""
    tree = Tree(
        init_all=False,
        init_imports_a=True,
        a_all=("A1", "A1", "_a", "ghost"),
        a_sibling="import os, b",
        a_star="pkg.b",
        b_all=("B1", "_b", "nope", "B1"),
        sub_init=False,
        c_import="from ..b import B1",
    )
    before = check([_written(tree)], select=FIXED, use_cache=False)
    assert {f.code for f in before.findings} == set(FIXED)
    fixed_tree_imports(driver, tree)


def _written(tree: Tree) -> Path:
    root = Path(tempfile.mkdtemp(prefix="pkgforge-fix-property-"))
    (root / "pyproject.toml").write_text(PYPROJECT)
    for relpath, text in tree.files().items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
