"""``pkgforge tree``: the package drawn as the Python tutorial draws it."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pkgforge
from pkgforge.draw.tree import AllState, EntryKind, PackageTree, package_tree
from tests.check.conftest import GOOD_PYPROJECT, write_tree

from .conftest import sound_demo

SEED = Path(__file__).parent / "seeds" / "000_2bbe26d9942dbdd7.txt"
"""The tutorial's chapter on modules, as the design's seeds hold it (copied unchanged)."""

Entries = dict[str, list[str]]
"""parent path (lower case, '/'-joined) -> its entries' names (lower case), in order."""


def seed_diagram(text: str) -> Entries:
    """The tutorial's ``Sound/`` diagram, read from the seed: each line is a name at an
    indentation (deeper is inside), then a comment; ``...`` stands for more modules."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Sound/"))
    rows = [(0, "Sound/")]
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        name = line.split()[0]
        if name != "...":
            rows.append((len(line) - len(line.lstrip(" ")), name))
    return _nest(rows)


def drawn_diagram(output: str) -> Entries:
    """``pkgforge tree``'s text, read the same way (its branches are 4 columns each)."""
    rows = []
    for line in output.splitlines():
        if not line.strip():
            break
        body = line.lstrip("│|├└`-─ ")
        rows.append((len(line) - len(body), body.split()[0]))
    return _nest(rows)


def _nest(rows: list[tuple[int, str]]) -> Entries:
    entries: Entries = {}
    stack: list[tuple[int, str]] = []  # (indent, path) of the open folders
    for indent, name in rows:
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        clean = name.rstrip("/").lower()
        entries.setdefault(parent, []).append(clean)
        if name.endswith("/"):
            stack.append((indent, f"{parent}/{clean}" if parent else clean))
    return entries


def _tree(run_cli, *args: str) -> str:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("tree", *args)
    assert status == 0, err
    return out


def test_the_tree_of_the_tutorial_s_package_is_the_tutorial_s_diagram(
    sound_project: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    """`pkgforge new sound --module ...` with the seed's modules, then `pkgforge tree`:
    the same entries as the seed's diagram (case-insensitively), under the same parents."""
    expected = seed_diagram(SEED.read_text(encoding="utf-8"))
    assert expected["sound"] == ["__init__.py", "formats", "effects", "filters"]
    assert len(expected["sound/formats"]) == 7  # __init__.py and the six modules it lists
    drawn = drawn_diagram(_tree(run_cli, str(sound_project)))
    assert {k: sorted(v) for k, v in drawn.items()} == {k: sorted(v) for k, v in expected.items()}


def test_each_package_draws_its_init_first_then_the_rest_by_name(
    sound_project: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    drawn = drawn_diagram(_tree(run_cli, str(sound_project)))
    for names in drawn.values():
        if "__init__.py" in names:
            assert names[0] == "__init__.py"
            assert names[1:] == sorted(names[1:])
    assert drawn["sound"] == ["__init__.py", "effects", "filters", "formats"]


def test_init_comes_first_even_where_a_name_sorts_before_it(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/__about__.py": "",
            "pkg/_alpha.py": "",
            "pkg/Beta/__init__.py": "",
            "pkg/gamma.py": "",
            "pkg/alpha.py": "",
        },
    )
    (top,) = package_tree(tmp_path, use_cache=False).entries
    assert [e.name for e in top.children] == [
        "__init__.py",
        "__about__.py",
        "_alpha.py",
        "alpha.py",
        "Beta",
        "gamma.py",
    ]


def test_box_drawing_where_the_encoding_has_it_ascii_elsewhere(sound_project: Path) -> None:
    def draw(encoding: str) -> str:
        env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "pkgforge", "tree", str(sound_project)],
            capture_output=True,
            env=env,
            check=True,
        )
        return done.stdout.decode(encoding)

    fancy, plain = draw("utf-8"), draw("ascii")
    assert "├── __init__.py" in fancy and "└── formats/" in fancy and "│   " in fancy
    assert plain.isascii()
    assert "|-- __init__.py" in plain and "`-- formats/" in plain
    assert drawn_diagram(fancy) == drawn_diagram(plain)
    # cp437 (a Windows console) has the boxes
    assert "├──" in draw("cp437")


def test_the_comments_say_what_all_exports(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = {
        line.lstrip("│├└─ ").split()[0]: line
        for line in _tree(run_cli, str(sound_project) + "/src/sound/effects").splitlines()
        if line.strip()
    }
    assert lines["effects/"].endswith("top-level package") is False
    assert lines["effects/"].rstrip().endswith("subpackage")
    assert lines["__init__.py"].rstrip().endswith("__all__: 3 names")
    assert lines["echo.py"].rstrip().endswith("__all__: 2 names")
    assert lines["reverse.py"].rstrip().endswith("__all__: 1 name")


def test_namespace_compiled_not_shipped_and_unreadable_entries(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT
            + '\n[tool.setuptools]\npackages = ["sound", "sound.effects"]\n',
            "sound/__init__.py": '__all__ = ["VERSION"]\nVERSION = "1"\n',
            "sound/effects/__init__.py": "__all__ = []\n",
            "sound/effects/echo.py": "__all__ = [name for name in dir()]\n",
            "sound/effects/plain.py": "x = 1\n",
            "sound/effects/_speedups.cpython-312-x86_64-linux-gnu.so": "",
            "sound/effects/_speedups.pyi": "def f() -> None: ...\n",
            "sound/effects/broken.py": "def (:\n",
            "sound/effects/my-mod.py": "",
            "sound/filters/__init__.py": "",
            "sound/filters/vocoder.py": "",
            "sound/formats/wavread.py": "",
        },
    )
    tree = package_tree(tmp_path, use_cache=False)
    by_path = {entry.path: entry for entry in tree.walk()}
    assert by_path["sound/effects/_speedups.cpython-312-x86_64-linux-gnu.so"].kind is (
        EntryKind.COMPILED
    )
    assert "sound/effects/_speedups.pyi" not in by_path
    assert by_path["sound/formats"].kind is EntryKind.NAMESPACE
    assert by_path["sound/filters"].shipped is False  # the package list leaves it out
    assert by_path["sound/filters/vocoder.py"].shipped is False
    assert by_path["sound/effects/echo.py"].all_state is AllState.UNREADABLE
    assert by_path["sound/effects/plain.py"].all_state is AllState.NONE
    assert by_path["sound/effects/__init__.py"].all_state is AllState.LISTED
    assert by_path["sound/__init__.py"].exports == ("VERSION",)
    assert by_path["sound/effects/broken.py"].problem is not None
    assert by_path["sound/effects/my-mod.py"].kind is EntryKind.UNNAMED

    status, out, _ = run_cli("tree", str(tmp_path), "--no-cache")
    assert status == 0
    assert out.splitlines()[1].startswith("├── __init__.py ")
    assert out.splitlines()[1].endswith("  __all__: 1 name")
    comments = {line.lstrip("│├└─ ").split()[0]: line for line in out.splitlines() if line}
    assert comments["formats/"].endswith("namespace package (no __init__.py), not shipped")
    assert comments["filters/"].endswith("subpackage, not shipped")
    assert comments["vocoder.py"].endswith("__all__: none, not shipped")
    assert comments["echo.py"].endswith("__all__: computed, not readable")
    assert comments["plain.py"].endswith("__all__: none")
    assert comments["_speedups.cpython-312-x86_64-linux-gnu.so"].endswith("compiled module")
    assert "not read: " in comments["broken.py"]
    assert comments["my-mod.py"].endswith("no module name (PF201)")
    assert out.rstrip().splitlines()[-1] == (
        "3 packages, 5 modules, 1 namespace package, 1 compiled module, "
        "1 file with no module name, 3 files not shipped"
    )


def test_a_source_the_build_compiles_is_a_compiled_module(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT,
            "setup.py": (
                "from setuptools import Extension, setup\n"
                'setup(ext_modules=[Extension("sound._echo", ["src/sound/_echo.pyx"])])\n'
            ),
            "src/sound/__init__.py": "",
            "src/sound/_echo.pyx": "def echo(): pass\n",
        },
    )
    entries = {entry.name: entry for entry in package_tree(tmp_path, use_cache=False).walk()}
    assert entries["_echo.pyx"].kind is EntryKind.COMPILED
    assert entries["_echo.pyx"].module == "sound._echo"


def test_json_holds_every_entry_with_its_exports(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(_tree(run_cli, str(sound_project), "--format", "json"))
    (top,) = data["entries"]
    assert (top["name"], top["kind"], top["module"], top["path"]) == (
        "sound",
        "package",
        "sound",
        "src/sound",
    )
    init, effects = top["children"][:2]
    assert init["kind"] == "init" and init["all"] == [
        "__version__",
        "echo",
        "effects",
        "filters",
        "formats",
    ]
    assert [c["name"] for c in effects["children"]] == [
        "__init__.py",
        "echo.py",
        "reverse.py",
        "surround.py",
    ]
    assert effects["children"][1]["comment"] == "__all__: 2 names"


def test_a_path_inside_the_project_draws_that_part(sound_project: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = _tree(run_cli, str(sound_project / "src" / "sound" / "filters"))
    assert out.splitlines()[0].startswith("filters/")
    assert "formats" not in out and "echo.py" not in out


def test_nothing_to_draw_is_an_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "README.md").write_text("no code\n", encoding="utf-8")
    status, out, err = run_cli("tree", str(tmp_path))
    assert (status, out) == (2, "")
    assert err.startswith("error: no Python package or module found in ")
    assert "hint: " in err
    status, _, err = run_cli("tree", str(tmp_path / "missing"))
    assert status == 2 and "does not exist" in err


def test_the_library_function_returns_a_frozen_result(sound_project: Path) -> None:
    tree = pkgforge.package_tree(sound_project)
    assert isinstance(tree, PackageTree)
    assert "package_tree" in pkgforge.__all__
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.entries = ()  # type: ignore[misc]
    assert [e.name for e in tree.entries] == ["sound"]


def test_the_demo_has_every_module_of_the_tutorial() -> None:
    expected = seed_diagram(SEED.read_text(encoding="utf-8"))
    modules = {
        f"{folder.removeprefix('sound/')}.{name.removesuffix('.py')}"
        for folder, names in expected.items()
        if folder.startswith("sound/")
        for name in names
        if name != "__init__.py"
    }
    assert modules == set(sound_demo.TUTORIAL_MODULES)


def test_a_module_only_the_build_writes_is_drawn(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "pyproject.toml": GOOD_PYPROJECT.replace(
                'requires = ["setuptools>=77"]',
                'requires = ["setuptools>=77", "setuptools-scm>=8"]',
            )
            + '\n[tool.setuptools_scm]\nversion_file = "src/sound/_version.py"\n',
            "src/sound/__init__.py": "",
        },
    )
    status, out, _ = run_cli("tree", str(tmp_path), "--no-cache")
    assert status == 0
    assert out.splitlines()[2] == "└── _version     made by the build"
    assert out.splitlines()[-1] == "1 package, 0 modules, 1 module made by the build"
