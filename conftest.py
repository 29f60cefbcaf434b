"""The examples of README.md and docs/ are tests: Sybil finds them, tests/consoledocs.py
runs each ``console`` transcript against the real CLI and compares what it prints.

Every Markdown page of docs/ is collected (a new page needs nothing here). The
examples of one page depend on each other (``cd sound``), so a page is one test that
runs its examples in order, in a folder of its own; a failure names the example's line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.consoledocs import ConsolePageFile


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return ConsolePageFile.collect_page(file_path, parent)
