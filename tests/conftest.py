"""Shared fixtures."""

from __future__ import annotations

import logging

import pytest

from pkgforge.cli import main


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``pkgforge ARGS`` in-process; return (exit status, stdout, stderr)."""

    logger = logging.getLogger("pkgforge")
    saved = (logger.handlers[:], logger.propagate, logger.level)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    # main() pointed the logger at this test's captured stderr, which pytest closes.
    logger.handlers[:], logger.propagate, logger.level = saved
