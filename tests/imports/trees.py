"""Small synthetic projects for the import rules' tests: written, checked, imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding

HEADER = '[project]\nname = "pkg"\nversion = "1"\nrequires-python = "{requires}"\n'


def project(root: Path, files: dict[str, str], requires: str = ">=3.11", extra: str = "") -> Path:
    """A project at ``root`` with a ``pkg`` package under src/; ``files`` are root-relative."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        HEADER.format(requires=requires) + "dependencies = []\n" + extra
    )
    for relpath, body in {"src/pkg/__init__.py": "", **files}.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return root


def findings_of(root: Path, code: str) -> list[Finding]:
    """The findings of rule ``code`` on the project at ``root`` (no rule may crash)."""
    result = check([root], select=[code], use_cache=False)
    assert result.rule_errors == ()
    return list(result.findings)


def import_first(root: Path, module: str) -> subprocess.CompletedProcess[str]:
    """``import module`` as the first import of a fresh interpreter, from root/src."""
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=root / "src",
        env={"PYTHONPATH": str(root / "src"), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
