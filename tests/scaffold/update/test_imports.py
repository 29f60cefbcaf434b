"""Imports of a renamed package: found in the user's files, rewritten with libcst."""

from __future__ import annotations

from pathlib import Path

from pkgforge.scaffold.update.imports import (
    StaleImport,
    imports_of,
    python_files,
    rewrite_imports,
)

SOURCE = b'''"""A user's module."""
import os
import sound.core  # the core
import sound as snd
import soundfile
from sound.x import (
    y,  # keep
    z as w,
)
from sound import *
from . import sibling
from .sound import other


def f():
    return sound.core.hello() + snd.v


class C:
    def m(self):
        import sound

        return sound.other
'''


def test_every_import_of_the_old_name_is_found_and_nothing_else() -> None:
    assert imports_of("m.py", SOURCE, "sound") == [
        StaleImport("m.py", 3, "import sound.core"),
        StaleImport("m.py", 4, "import sound as snd"),
        StaleImport("m.py", 6, "from sound.x import y, z as w"),
        StaleImport("m.py", 10, "from sound import *"),
        StaleImport("m.py", 21, "import sound"),
    ]


def test_the_rewrite_changes_the_names_and_nothing_else() -> None:
    rewritten, left = rewrite_imports("m.py", SOURCE, "sound", "noise")
    assert left == []
    assert rewritten == (
        SOURCE.replace(b"import sound.core", b"import noise.core")
        .replace(b"import sound as snd", b"import noise as snd")
        .replace(b"from sound.x", b"from noise.x")
        .replace(b"from sound import *", b"from noise import *")
        .replace(b"sound.core.hello()", b"noise.core.hello()")
        .replace(b"        import sound\n", b"        import noise\n")
        .replace(b"return sound.other", b"return noise.other")
    )
    assert b"import soundfile" in rewritten and b"from .sound import other" in rewritten


def test_a_rename_that_would_change_what_a_name_means_is_left_and_said() -> None:
    taken = b"import sound\nnoise = 1\nprint(sound.x, noise)\n"
    assert rewrite_imports("t.py", taken, "sound", "noise") == (
        None,
        [StaleImport("t.py", 1, "import sound", "the name noise is already bound there")],
    )
    shadowed = b"import sound\nif x:\n    sound = 2\nprint(sound.core)\n"
    rewritten, left = rewrite_imports("s.py", shadowed, "sound", "noise")
    assert rewritten is None
    assert left == [
        StaleImport(
            "s.py", 1, "import sound", "a use of the name it binds may also mean something else"
        )
    ]


def test_a_file_that_does_not_parse_is_listed_never_rewritten() -> None:
    broken = b"from sound.core import hello\n<<<<<<< ours\nx = (\n"
    assert imports_of("b.py", broken, "sound") == [
        StaleImport("b.py", 1, "from sound.core import hello")
    ]
    assert rewrite_imports("b.py", broken, "sound", "noise") == (
        None,
        [StaleImport("b.py", 1, "from sound.core import hello", "the file does not parse")],
    )


def test_the_users_files_leave_out_environments_builds_and_caches(tmp_path: Path) -> None:
    for relative in (
        "src/pkg/a.py",
        "tests/test_a.py",
        "noxfile.py",
        "docs/conf.py",
        ".venv/lib/x.py",
        "myenv/lib/x.py",
        "build/lib/pkg/a.py",
        "dist/x.py",
        "src/pkg/__pycache__/a.py",
        ".git/hooks/x.py",
        "pkg.egg-info/x.py",
        "src/pkg/build/b.py",  # a package of that name deeper down is code
    ):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    (tmp_path / "myenv/pyvenv.cfg").write_text("home = /usr\n")
    assert list(python_files(tmp_path)) == [
        "docs/conf.py",
        "noxfile.py",
        "src/pkg/a.py",
        "src/pkg/build/b.py",
        "tests/test_a.py",
    ]
