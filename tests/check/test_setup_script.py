"""setup.py's literal arguments: one reading shared by discovery, build facts and dependencies."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pkgforge.checker.backends.mounts import UNKNOWN
from pkgforge.checker.backends.setuptools.options import setup_cfg, setup_py
from pkgforge.checker.backends.setuptools.script import parse_setup_script, resolve
from pkgforge.checker.declared import read_declarations
from pkgforge.checker.engine import load_project

from .conftest import write_tree


def _value(source: str, name: str) -> object:
    script = parse_setup_script(source)
    assert script is not None
    node = resolve(ast.Name(id=name), script.bindings)
    return None if node is None else ast.literal_eval(node)


def test_a_name_bound_once_is_followed_through_chains() -> None:
    source = "A = ['x']\nB = A\nC = B\nfrom setuptools import setup\nsetup(packages=C)\n"
    assert _value(source, "C") == ["x"]


@pytest.mark.parametrize(
    "rebinding",
    [
        "if WINDOWS:\n    PKGS = ['b']\n",
        "PKGS += ['b']\n",
        "PKGS.append('b')\n",
        "for PKGS in [['b']]:\n    pass\n",
        "def more():\n    global PKGS\n    PKGS = ['b']\n",
        "try:\n    from extra import PKGS\nexcept ImportError:\n    pass\n",
        "with open('x') as PKGS:\n    pass\n",
        "PKGS, OTHER = ['b'], 1\n",
        "del PKGS\n",
    ],
)
def test_a_name_bound_twice_or_changed_has_no_one_value(rebinding: str) -> None:
    source = f"PKGS = ['a']\n{rebinding}"
    assert _value(source, "PKGS") is None


def test_several_setup_calls_mean_no_known_call() -> None:
    script = parse_setup_script("setup(name='a')\nif X:\n    setup(name='b')\n")
    assert script is not None
    assert (script.setup_call, script.setup_calls) == (None, 2)


def test_a_script_that_does_not_parse() -> None:
    assert parse_setup_script(b"setup(\n") is None


REBOUND = """\
from setuptools import setup, Extension
PKGS = ['sound']
REQS = ['requests']
EXTS = [Extension('sound._speed', ['sound/_speed.c'])]
if WINDOWS:
    PKGS = ['sound', 'sound.win']
    REQS = ['pywin32']
    EXTS = []
setup(packages=PKGS, install_requires=REQS, ext_modules=EXTS)
"""


def test_every_reader_agrees_that_a_rebound_argument_is_unknown(tmp_path: Path) -> None:
    write_tree(tmp_path, {"setup.py": REBOUND, "sound/__init__.py": ""})
    # discovery: which packages ship
    assert setup_py(REBOUND.encode())["packages"] is UNKNOWN
    # build facts: which packages the wheel holds, which extension modules the build makes
    build = load_project(tmp_path, use_cache=False).build
    assert build.wheel.kind != "list"
    assert any("ext_modules" in sign for sign in build.unnamed)
    # declared dependencies
    declared = read_declarations(tmp_path, None)
    assert declared.unknown is not None
    assert "install_requires" in declared.unknown


def test_every_reader_reads_a_name_bound_once(tmp_path: Path) -> None:
    source = REBOUND.replace("if WINDOWS:", "if False:\n    pass\nif WINDOWS and False:").replace(
        "    PKGS = ['sound', 'sound.win']\n    REQS = ['pywin32']\n    EXTS = []\n", "    pass\n"
    )
    write_tree(tmp_path, {"setup.py": source, "sound/__init__.py": ""})
    assert setup_py(source.encode())["packages"] == ["sound"]
    build = load_project(tmp_path, use_cache=False).build
    assert (build.wheel.kind, build.wheel.names) == ("list", ("sound",))
    declared = read_declarations(tmp_path, None)
    assert declared.unknown is None
    assert [r.name for r in declared.requirements] == ["requests"]


def test_every_reader_reads_a_setup_cfg_with_a_repeated_key(tmp_path: Path) -> None:
    # setuptools keeps the last value of a repeated key; a strict parser refused the file
    cfg = "[options]\npackages = sound\ninstall_requires = requests\npackages = find:\n"
    setup = "from setuptools import setup\nsetup()\n"
    write_tree(tmp_path, {"setup.cfg": cfg, "setup.py": setup, "sound/__init__.py": ""})
    assert setup_cfg(cfg.encode())["packages"]["where"] == ["."]
    assert load_project(tmp_path, use_cache=False).build.wheel.kind == "find"
    declared = read_declarations(tmp_path, None)
    assert declared.unknown is None
    assert [r.name for r in declared.requirements] == ["requests"]
