"""The examples of README.md and docs/ are tests: Sybil finds them, tests/consoledocs.py
runs each ``console`` transcript against the real CLI and compares what it prints.

Every Markdown page of docs/ is collected (a new page needs nothing here). The
examples of one page depend on each other (``cd sound``), so they run in order on one
xdist worker (``--dist loadgroup``, grouped by page).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser

from tests.consoledocs import docs_environment, evaluate_console, open_console_page


@pytest.fixture(scope="session")
def console_docs_env(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, str], str]]:
    with docs_environment(tmp_path_factory.mktemp("docs")) as env:
        yield env


@pytest.fixture(scope="module")  # a page's examples are one module's items
def console_page(console_docs_env: tuple[dict[str, str], str]) -> Iterator[Any]:
    """One working folder per page, shared by its examples in order."""
    env, index_url = console_docs_env
    with open_console_page(env, index_url) as page:
        yield page


pytest_collect_file = Sybil(
    parsers=[CodeBlockParser(language="console", evaluator=evaluate_console), SkipParser()],
    patterns=["README.md", "docs/*.md"],
    fixtures=["console_page"],
    name="docs",
).pytest()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if type(item).__name__ == "SybilItem":
            item.add_marker(pytest.mark.xdist_group(Path(str(item.path)).name))
