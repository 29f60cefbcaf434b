"""How ``new`` loads cookiecutter and asks git: less work, the same answers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.scaffold.conftest import GIT_EMAIL, GIT_NAME


def run_python(script: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_cookiecutter_s_version_is_read_only_when_asked_for() -> None:
    out = run_python(
        "import sys, importlib.util\n"
        "from pkgforge.scaffold.render import _import_cookiecutter\n"
        "_import_cookiecutter()\n"
        "print('importlib.metadata' in sys.modules)\n"
        "from cookiecutter import __version__\n"
        "import importlib.metadata, cookiecutter\n"
        "print(__version__ == importlib.metadata.version('cookiecutter'))\n"
        "print(cookiecutter.version is importlib.metadata.version)\n"
        "import cookiecutter.cli\n"  # which reads it at import
        "print(hasattr(cookiecutter, 'no_such_name'))\n"
    )
    assert out.splitlines() == ["False", "True", "True", "False"]


def test_a_cookiecutter_init_of_other_content_is_imported_as_usual() -> None:
    out = run_python(
        "import sys\n"
        "import pkgforge.scaffold.render as render\n"
        "render._COOKIECUTTER_INIT = 'something else'\n"
        "render._import_cookiecutter()\n"
        "import cookiecutter\n"
        "print('importlib.metadata' in sys.modules, '__version__' in vars(cookiecutter))\n"
    )
    assert out == "True True"


@pytest.mark.skipif(sys.platform == "win32", reason="waitpid")
def test_git_s_answer_is_read_later_and_git_is_always_reaped() -> None:
    # In a fresh process: this one may have children of its own (servers of other tests).
    out = run_python(
        "import os\n"
        "from pkgforge.scaffold.render import git_author, git_author_ahead\n"
        "def children():\n"
        "    try:\n"
        "        os.waitpid(-1, os.WNOHANG)\n"
        "    except ChildProcessError:\n"
        "        return False\n"
        "    return True\n"
        "seen = [children()]\n"
        "with git_author_ahead() as author:\n"
        "    seen.append(children())\n"  # git runs meanwhile
        "    answer = author()\n"
        "    assert answer == author() == git_author(), answer\n"
        "seen.append(children())\n"
        "with git_author_ahead():\n"
        "    pass\n"  # never read (an error before the answers): still reaped
        "seen.append(children())\n"
        "print(seen, sorted(answer.items()))\n"
    )
    expected = sorted({"author_name": GIT_NAME, "author_email": GIT_EMAIL}.items())
    assert out == f"[False, True, False, False] {expected}"


def test_without_git_there_is_no_author_and_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from pkgforge.scaffold.render import git_author_ahead

    monkeypatch.setenv("PATH", "")
    with git_author_ahead() as author:
        assert author() == {}
