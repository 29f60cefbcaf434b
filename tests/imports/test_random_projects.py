"""Random import graphs: every PF3xx/PF4xx rule returns findings, never raises."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkgforge.checker.engine import check

MODULES = ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/sub/__init__.py", "pkg/sub/c.py"]
STATEMENTS = [
    "from pkg import a",
    "from pkg import b, NAME",
    "from pkg.sub import c",
    "from pkg.sub.c import *",
    "from . import a",
    "from .. import b",
    "from ... import x",
    "from .c import NAME",
    "import pkg.sub.c",
    "import pkg.missing",
    "import echo",
    "import yaml",
    "from os.path import *",
    "NAME = 1",
    "_private = 2",
    "__all__ = ['NAME', 'a', 'c', 'zzz']",
    "__all__ = [NAME]",
    "__all__ += other.__all__",
    "def f():\n    from pkg import *",
    "class K:\n    from pkg.b import NAME",
    "try:\n    from pkg.a import NAME\nexcept ImportError:\n    pass",
    "if TYPE_CHECKING:\n    from pkg import b",
    "import sys\nsys.path.insert(0, '.')",
    "def __getattr__(name):\n    raise AttributeError(name)",
    "print b,",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.lists(st.sampled_from(STATEMENTS), max_size=6),
        min_size=len(MODULES),
        max_size=len(MODULES),
    )
)
def test_rules_never_raise(bodies: list[list[str]]) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        (root / "pyproject.toml").write_text(
            '[project]\nname = "pkg"\nversion = "1"\ndependencies = ["requests"]\n'
        )
        for relpath, body in zip(MODULES, bodies, strict=True):
            path = root / "src" / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(body) + "\n")
        result = check([root], select=["PF3", "PF4"], use_cache=False)
        assert result.rule_errors == ()
        assert result.files_checked == len(MODULES)
    finally:
        shutil.rmtree(root)
