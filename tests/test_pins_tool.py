"""tools/pins.py: drift between constraints.txt and the index is a report, exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tools import load_tool

pins = load_tool("pins")

LOCK = """\
# comment
ruff==0.17.6
    # via pkgforge (pyproject.toml:test)
colorama==0.4.6 ; sys_platform == 'win32'
Zizmor==1.32.0
numpy==2.3.0 ; python_full_version < '3.12'
numpy==2.4.0 ; python_full_version >= '3.12'
-e .
"""


def test_a_lock_is_read_with_markers_and_normalised_names() -> None:
    assert pins.parse_lock(LOCK) == {
        "ruff": {"0.17.6"},
        "colorama": {"0.4.6"},
        "zizmor": {"1.32.0"},
        "numpy": {"2.3.0", "2.4.0"},
    }


def test_drift_names_each_change_once() -> None:
    locked = pins.parse_lock(LOCK)
    fresh = pins.parse_lock("ruff==0.17.6\nzizmor==1.33.1\nnumpy==2.4.0\nnew-dep==1.0\n")
    assert pins.drift(locked, fresh) == [
        "colorama 0.4.6 -> (no longer needed)",
        "new-dep (not locked) -> 1.0",
        "numpy 2.3.0, 2.4.0 -> 2.4.0",
        "zizmor 1.32.0 -> 1.33.1",
    ]
    assert pins.drift(locked, locked) == []


def test_template_hooks_are_compared_with_the_lock() -> None:
    config = "repos:\n  - repo: https://x/ruff-pre-commit\n    rev: v0.17.5\n    hooks: []\n"
    hooks = pins.hook_pins(config, {"https://x/ruff-pre-commit": "ruff", "https://x/y": "y"})
    assert hooks == {"ruff": "0.17.5"}
    assert pins.template_drift(pins.parse_lock(LOCK), hooks) == [
        "the template's ruff hook is v0.17.5; the lock has 0.17.6"
    ]


def test_the_committed_template_agrees_with_the_committed_lock(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.txt"
    fresh.write_text(pins.LOCK.read_text("utf-8"), encoding="utf-8")
    assert pins.main(["--fresh", str(fresh), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "template:" not in out
    assert "constraints.txt: all" in out


def test_drift_is_reported_and_exits_zero_unless_strict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lock = pins.parse_lock(pins.LOCK.read_text("utf-8"))
    (ruff,) = lock["ruff"]
    fresh = tmp_path / "fresh.txt"
    text = pins.LOCK.read_text("utf-8").replace(f"ruff=={ruff}", "ruff==999.0")
    fresh.write_text(text, encoding="utf-8")
    assert pins.main(["--fresh", str(fresh)]) == 0
    out = capsys.readouterr().out
    assert f"ruff {ruff} -> 999.0" in out
    assert "nox -s lock" in out
    assert pins.main(["--fresh", str(fresh), "--strict"]) == 1


def test_an_unreachable_index_is_one_info_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # uv offline with nothing cached for an unknown index: it fails, the report says so.
    args = ["--", "--offline", "--no-cache", "--index-url", (tmp_path / "none").as_uri()]
    assert pins.main(args) == 0
    out = capsys.readouterr().out
    assert out.count("info: the index could not be asked") == 1
