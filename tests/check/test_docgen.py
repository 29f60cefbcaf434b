"""docs/rules.md is generated from the rule docstrings and must be up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkgforge.checker.catalogue import all_rules
from pkgforge.checker.docgen import missing_sections, render_rules_markdown

RULES_MD = Path(__file__).parents[2] / "docs" / "rules.md"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_docstring_has_the_required_sections(rule: object) -> None:
    assert missing_sections(rule) == []  # type: ignore[arg-type]


def test_committed_rules_md_is_current() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == render_rules_markdown(), (
        "docs/rules.md is stale: run `python -m pkgforge.checker.docgen docs/rules.md`"
    )


def test_anchors_match_finding_urls() -> None:
    text = render_rules_markdown()
    for rule in all_rules():
        assert f"\n## {rule.code} {rule.name}\n" in text
        assert f"(#{rule.code.lower()}-{rule.name})" in text


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    from pkgforge.checker.docgen import main

    target = tmp_path / "rules.md"
    assert main([str(target), "--check"]) == 1
    assert main([str(target)]) == 0
    assert main([str(target), "--check"]) == 0
    target.write_text(target.read_text() + "stale\n")
    assert main([str(target), "--check"]) == 1
