"""The public library API: every command is a function, whatever was imported first."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "first_import",
    ["", "import pkgforge.checker.summary", "import pkgforge.release.build", "import pkgforge.cli"],
)
def test_public_functions_stay_functions(first_import: str) -> None:
    code = f"""
{first_import}
import pkgforge
for name in ("new_project", "add_module", "build", "publish", "check", "package_tree", "import_graph"):
    obj = getattr(pkgforge, name)
    assert callable(obj), name
assert pkgforge.build.__module__ == "pkgforge.release.build"
assert pkgforge.publish.__module__ == "pkgforge.release.publish"
assert pkgforge.check.__module__ == "pkgforge.checker.engine"
assert pkgforge.package_tree.__module__ == "pkgforge.draw.tree"
assert pkgforge.import_graph.__module__ == "pkgforge.draw.graph"
import types
assert isinstance(pkgforge.check, types.FunctionType)
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_is_callable_as_pkgforge_check(tmp_path) -> None:
    import pkgforge
    import pkgforge.checker.engine

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("def f():\n    from os import *\n")
    result = pkgforge.check([tmp_path], use_cache=False)
    assert [f.code for f in result.findings if f.code == "PF401"] == ["PF401"]
    assert result.has_errors


def test_unknown_attribute() -> None:
    import pkgforge

    with pytest.raises(AttributeError):
        pkgforge.no_such_thing  # noqa: B018


def test_broken_pipe_is_quiet(tmp_path) -> None:
    # The reader is gone before pkgforge writes (as with `pkgforge check | head`).
    (tmp_path / "m.py").write_text("from os import *\n" * 200)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pkgforge", "check", "--no-cache", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        stderr = proc.stderr.read()
    proc.wait(timeout=60)
    assert stderr == ""
    assert proc.returncode == 1
