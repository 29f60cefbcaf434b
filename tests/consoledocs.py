"""The ``console`` examples of the docs, run as tests: each command for real, its output
compared with the page's.

Sybil finds the examples (:data:`PAGES`: README.md and every page of docs/, so a new
page is picked up without a change here; the root ``conftest.py`` collects them);
this module is Sybil's evaluator for the ``console`` language, and runs a page's
examples in order as one test. An example is a transcript::

    $ pkgforge new sound --no-input          <- a command ("$ " then bash; a line
    Created sound/ (17 files) from ...          ending in "\\" continues it)
                                             <- what it prints, stdout and stderr
                                                together, as a terminal shows them

Each page runs in a fresh folder of its own, its examples in order (``cd`` carries
over to the next command), with ``pkgforge`` and the development tools on PATH, a
home folder of its own (git's user is Ada Lovelace), and pip reading only a local
index that has exactly the projects PyPI had under the names the pages use
(:data:`TAKEN_ON_PYPI`).

What may differ between runs is masked on both sides before comparing (:data:`MASKS`):
durations, commit ids, the page's folder (``<work>``), the local index's address
(shown as PyPI's). Anything else that varies is the page author's to elide: ``...`` alone on
a line stands for any lines (none included), and ``...`` within a line for any text.

Setting up what an example needs without showing it: an invisible example,
``<!-- invisible-code-block: console`` then the transcript then ``-->``; the
checkout's own tools are at ``$PKGFORGE_CHECKOUT/tools/``.

Not runnable here (an install from PyPI, an upload): mark the example with
``<!-- skip: next "why" -->`` on the line before; the page's test lists it in a
report section ("skipped examples", shown by ``pytest -rA``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import SkipTest

import pytest
from sybil import Document, Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import CodeBlockParser, SkipParser

from tests.localindex import static_index

# The names the pages use, as PyPI had them on 2026-12-07: taken ones (the rest of what
# `pkgforge new sound` asks about was free). A page that makes another project whose
# name, look-alikes or suggestions PyPI has, adds them here.
TAKEN_ON_PYPI = ("sound", "pysound", "sound-lib", "soundtools", "soundkit", "chime", "pychime")

PYPI = "https://pypi.org/simple/"
_ROOT = Path(__file__).resolve().parents[1]
PROMPT = "$ "
ELLIPSIS = "..."

# (pattern, replacement), applied to the expected and the actual output alike.
MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|seconds?|minutes?)\b"), "<duration>"),
    (re.compile(r"\b[0-9a-f]{40}\b|\b[0-9a-f]{12}\b"), "<commit>"),
)


@dataclass
class ConsolePage:
    """The folder, environment and working directory one page's examples share."""

    root: Path
    env: dict[str, str]
    index_url: str
    cwd: Path = field(init=False)

    def __post_init__(self) -> None:
        self.cwd = self.root / "work"
        self.cwd.mkdir()

    def run(self, command: str) -> str:
        """Run ``command`` with bash where the last one left off; return what it printed."""
        where = self.root / ".cwd"
        script = f'{command}\n__status=$?\npwd > "{where}"\nexit $__status\n'
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", script],
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )
        if where.is_file():
            self.cwd = Path(where.read_text().strip())
        return done.stdout

    def mask(self, text: str) -> str:
        text = text.replace(self.index_url, PYPI)
        text = text.replace(str(self.root / "work"), "<work>").replace(str(self.root), "<tmp>")
        for pattern, replacement in MASKS:
            text = pattern.sub(replacement, text)
        return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def parse_transcript(source: str) -> list[tuple[str, str]]:
    """``[(command, expected output), ...]`` of one example."""
    steps: list[tuple[str, list[str]]] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(PROMPT):
            command = [line[len(PROMPT) :]]
            while command[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                command.append(lines[i])
            steps.append(("\n".join(command), []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise ValueError(
                f"a console example starts with a command ('$ ...'), not {line!r}; "
                "commands without output go in an 'sh' block"
            )
        i += 1
    if not steps:
        raise ValueError("a console example without a command ('$ ...')")
    return [(command, "\n".join(output)) for command, output in steps]


def matches(expected: str, actual: str) -> bool:
    """``actual`` as ``expected`` says, where ``...`` elides lines or text."""
    pattern = []
    for line in expected.splitlines():
        if line.strip() == ELLIPSIS:
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(".*?".join(map(re.escape, line.split(ELLIPSIS))) + r"\n")
    return re.fullmatch("".join(pattern), actual + "\n" if actual else "") is not None


def evaluate_console(example: Any) -> str | None:
    """Sybil's evaluator: run each command of the example; a difference is the failure."""
    page: ConsolePage = example.namespace["console_page"]
    for command, expected in parse_transcript(example.parsed):
        actual = page.mask(page.run(command))
        wanted = page.mask(expected)
        if not matches(wanted, actual):
            return (
                f"$ {command}\n--- the page says:\n{wanted}\n--- the command printed "
                f"(masked):\n{actual}\n"
            )
    return None


@contextmanager
def open_console_page(base_env: dict[str, str], index_url: str) -> Iterator[ConsolePage]:
    root = Path(tempfile.mkdtemp(prefix="pkgforge-docs-")).resolve()
    try:
        yield ConsolePage(root, _page_env(base_env, root), index_url)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def docs_environment(scratch: Path) -> Iterator[tuple[dict[str, str], str]]:
    """The environment every page shares (with the local index), and the index's URL."""
    with static_index(TAKEN_ON_PYPI) as index:
        bin_dir = str(Path(sys.executable).parent)
        drop = ("PIP_", "PKGFORGE_OFFLINE", "UV_", "VIRTUAL_ENV", "CI", "GITHUB_", "TWINE_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
        env.update(
            PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            PIP_CONFIG_FILE=os.devnull,
            PIP_INDEX_URL=index.url,
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            # The local index answers at once; a loaded test machine may not, in 3 s.
            PKGFORGE_INDEX_TIMEOUT="60",
            PYTHONUNBUFFERED="1",  # stdout and stderr interleave as at a terminal
            COLUMNS="88",
            NO_COLOR="1",
            TERM="dumb",
            GIT_CONFIG_NOSYSTEM="1",
            PKGFORGE_TEMPLATE_CACHE=str(scratch / "template-cache"),
            PKGFORGE_CHECKOUT=str(_ROOT),  # for a page's set-up: $PKGFORGE_CHECKOUT/tools/...
        )
        yield env, index.url


def _page_env(base: dict[str, str], root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir()
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n")
    return {**base, "HOME": str(home), "GIT_CONFIG_GLOBAL": str(gitconfig)}


PAGES = ("README.md", "docs/*.md")
SYBIL = Sybil(
    parsers=[CodeBlockParser(language="console", evaluator=evaluate_console), SkipParser()],
    patterns=PAGES,
    path=str(_ROOT),
)
_ENVIRONMENT = pytest.StashKey[tuple[dict[str, str], str]]()


def run_examples(document: Document, page: ConsolePage) -> tuple[int, list[str]]:
    """Run every example of ``document`` in order, where ``page`` is; return how many
    console examples ran, and why the others were skipped. A failing example raises
    :class:`SybilFailure`, naming its line."""
    ran, skipped = 0, []
    document.namespace["console_page"] = page
    for example in document.examples():
        try:
            example.evaluate()
        except SkipTest as skip:
            skipped.append(f"line {example.line}: {skip}")
        else:
            ran += example.region.evaluator is evaluate_console
    return ran, skipped


class ConsolePageFile(pytest.File):
    """A page of :data:`PAGES` with console examples: one test, its examples in order."""

    @classmethod
    def collect_page(cls, path: Path, parent: pytest.Collector) -> pytest.Collector | None:
        return cls.from_parent(parent, path=path) if SYBIL.should_parse(path) else None

    def collect(self) -> list[pytest.Item]:
        document = SYBIL.parse(self.path)
        if not list(document.examples()):
            return []
        return [ConsolePageItem.from_parent(self, name="console examples", document=document)]


class ConsolePageItem(pytest.Item):
    def __init__(self, *, document: Document, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document

    def runtest(self) -> None:
        env, index_url = _environment(self.config)
        with open_console_page(env, index_url) as page:
            ran, skipped = run_examples(self.document, page)
        if skipped:
            self.add_report_section("call", "skipped examples", "\n".join(skipped))
        if not ran:
            pytest.skip("; ".join(skipped))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, SybilFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: console examples"


def _environment(config: pytest.Config) -> tuple[dict[str, str], str]:
    """The local index and environment every page shares, made once per test process."""
    if _ENVIRONMENT not in config.stash:
        stack = ExitStack()
        config.add_cleanup(stack.close)
        scratch = Path(tempfile.mkdtemp(prefix="pkgforge-docs-env-"))
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        config.stash[_ENVIRONMENT] = stack.enter_context(docs_environment(scratch))
    return config.stash[_ENVIRONMENT]
