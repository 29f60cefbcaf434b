"""End to end through the real commands: (new →) build → publish → pip install → import."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def _install_and_import(local_index, name: str, tmp_path: Path, code: str) -> str:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--isolated", "--python", str(python), "install"]
    install = subprocess.run(
        [*pip, "--no-cache-dir", "--index-url", local_index.simple_url, name],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},  # only the local index
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.slow
def test_build_publish_install(run_cli, local_index, credentials, unique_name, tmp_path) -> None:
    import_name = unique_name.replace("-", "_")
    project = tmp_path / unique_name
    (project / "src" / import_name).mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
            [build-system]
            requires = ["setuptools>=77"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{unique_name}"
            version = "2.1"
            description = "end-to-end publish test"
            readme = "README.md"
            license = "MIT"
            requires-python = ">=3.11"
            """),
        encoding="utf-8",
    )
    (project / "README.md").write_text(f"# {unique_name}\n\nA test.\n", encoding="utf-8")
    (project / "src" / import_name / "__init__.py").write_text(
        '__all__ = ["ANSWER"]\nANSWER = 42\n', encoding="utf-8"
    )
    status, _, err = run_cli("build", str(project), "--no-isolation")
    assert status == 0, err
    status, out, err = run_cli("publish", str(project), "--repository-url", local_index.url)
    assert status == 0, err
    assert f"published {unique_name} 2.1: 2 files verified" in out
    printed = _install_and_import(
        local_index, unique_name, tmp_path, f"import {import_name}; print({import_name}.ANSWER)"
    )
    assert printed == "42"


@pytest.mark.slow
def test_new_build_publish_install(
    run_cli, local_index, credentials, unique_name, tmp_path
) -> None:
    status, _, err = run_cli("new", unique_name, "-o", str(tmp_path), "--no-input")
    assert status == 0, err
    project = tmp_path / unique_name
    assert (project / "pyproject.toml").is_file()
    status, _, err = run_cli("build", str(project), "--no-isolation")
    assert status == 0, err
    status, out, err = run_cli("publish", str(project), "--repository-url", local_index.url)
    assert status == 0, err
    assert "files verified" in out
    import_name = unique_name.replace("-", "_")
    printed = _install_and_import(
        local_index, unique_name, tmp_path, f"import {import_name}; print({import_name}.__name__)"
    )
    assert printed == import_name
