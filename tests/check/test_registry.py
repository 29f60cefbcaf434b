"""The rule registry fills from a tolerant list of family modules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pkgforge.checker import rules


def test_a_family_that_does_not_exist_yet_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "FAMILIES", (*rules.FAMILIES, "pkgforge.checker.rules.nothing_yet"))
    assert "PF101" in rules.load_rules()


def test_a_family_with_a_broken_import_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_family.py").write_text("import no_such_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(rules, "FAMILIES", ("broken_family",))
    with pytest.raises(ModuleNotFoundError, match="no_such_module_anywhere"):
        rules.load_rules()
    sys.modules.pop("broken_family", None)


def test_codes_are_unique_and_well_formed() -> None:
    registry = rules.load_rules()
    assert list(registry) == sorted(registry)
    for code, rule in registry.items():
        assert rule.code == code
        assert len(code) == 5 and code.startswith("PF") and code[2:].isdigit()
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_every_rule_says_when_it_is_an_error() -> None:
    for rule in rules.load_rules().values():
        assert rule.doc.count("## Severity") == 1, rule.code


def test_a_rule_with_its_own_severity_section_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from pkgforge.checker.findings import Severity
    from pkgforge.checker.rules import base

    monkeypatch.setattr(base, "REGISTRY", {})

    @base.rule("PF999", "own", "a title", severity=Severity.ERROR)
    def own(project: object) -> list[base.Hit]:
        """
        ## What it does
        x
        ## Severity
        An error only on Tuesdays.
        """
        return []

    @base.rule("PF998", "generic", "a title", severity=Severity.WARNING)
    def generic(project: object) -> list[base.Hit]:
        """
        ## What it does
        y
        """
        return []

    assert "## Severity\nAn error only on Tuesdays.\n" in own.doc
    assert own.doc.count("## Severity") == 1
    assert "never blocks `pkgforge build`" in generic.doc


def test_every_rule_says_whether_it_has_a_fix() -> None:
    """docs/rules.md and `pkgforge explain` show it: the rule's docstring is the source."""
    from pkgforge.checker.fix.base import load_fixer

    lines = {
        None: "## Fix\nFix: **none**.",
        "safe": "## Fix\nFix: **safe** (`pkgforge check --fix`).\n",
        "unsafe": "## Fix\nFix: **unsafe** (`pkgforge check --fix --unsafe-fixes`).\n",
    }
    fixable = set()
    for rule in rules.load_rules().values():
        assert rule.doc.count("## Fix") == 1, rule.code
        assert lines[rule.fix] in rule.doc, rule.code
        if rule.fix is not None:
            assert callable(load_fixer(rule)), rule.code
            fixable.add((rule.code, str(rule.fix)))
    assert fixable == {
        ("PF101", "unsafe"),
        ("PF302", "unsafe"),
        ("PF303", "safe"),
        ("PF305", "unsafe"),
        ("PF306", "unsafe"),
        ("PF401", "safe"),
        ("PF403", "safe"),
        ("PF407", "unsafe"),
        ("PF408", "unsafe"),
    }


def test_a_fix_needs_its_applicability_its_fixer_and_its_documentation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pkgforge.checker.rules import base

    monkeypatch.setattr(base, "REGISTRY", {})

    def undocumented(project: object) -> list[base.Hit]:
        """
        ## What it does
        x
        """
        return []

    def documented(project: object) -> list[base.Hit]:
        """
        ## What it does
        x

        ## Fix
        Does y.
        """
        return []

    safe = base.Applicability.SAFE
    with pytest.raises(RuntimeError, match="no '## Fix' section"):
        base.rule("PF997", "a", "t", fix=safe, fixer="exports:add_all")(undocumented)
    with pytest.raises(RuntimeError, match="documents a fix but names no fixer"):
        base.rule("PF996", "b", "t")(documented)
    with pytest.raises(RuntimeError, match="needs both"):
        base.rule("PF995", "c", "t", fix=safe)(documented)
    made = base.rule("PF994", "d", "t", fix=safe, fixer="exports:add_all")(documented)
    assert "## Fix\nFix: **safe** (`pkgforge check --fix`).\nDoes y." in made.doc
