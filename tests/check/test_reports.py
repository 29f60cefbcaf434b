"""The report formats: text, json, sarif, github."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.report import render
from pkgforge.checker.report.json_report import dumps_indented, to_dict
from pkgforge.checker.report.text import use_color

FINDINGS = (
    Finding(
        "src/sound/Echo.py", 1, 1, "PF204", "non-lowercase-module-name", Severity.WARNING, "shout"
    ),
    Finding("src/sound/x.py", 3, 5, "PF402", "star-import", Severity.WARNING, "star, with: 100%"),
    Finding(
        "src/sound/x.py", 9, 1, "PF404", "unresolved-import", Severity.ERROR, "line one\nline two"
    ),
)
RESULT = CheckResult(findings=FINDINGS, files_checked=7, suppressed=2)


def test_text_is_grouped_by_file_with_a_summary() -> None:
    text = render(RESULT, "text")
    blocks = text.strip().split("\n\n")
    assert blocks[0] == ("src/sound/Echo.py:1:1: PF204 [non-lowercase-module-name] shout")
    assert blocks[1].splitlines()[0] == "src/sound/x.py:3:5: PF402 [star-import] star, with: 100%"
    assert blocks[-1] == "Found 1 error, 2 warnings in 7 files checked."
    assert "\033[" not in text


def test_text_clean_summary() -> None:
    text = render(CheckResult(findings=(), files_checked=1, suppressed=2), "text")
    assert text == "All checks passed: 1 file checked (2 findings suppressed).\n"


def test_text_colour() -> None:
    coloured = render(RESULT, "text", color=True)
    assert "\033[31mPF404\033[0m" in coloured
    assert "\033[33mPF402\033[0m" in coloured


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"TERM": "dumb"}, True, False),
    ],
)
def test_use_color(env: dict[str, str], tty: bool, expected: bool) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert use_color(stream, env) is expected


def test_json_shape() -> None:
    data = json.loads(render(RESULT, "json"))
    assert data["version"] == 1
    assert data["summary"] == {
        "files_checked": 7,
        "errors": 1,
        "warnings": 2,
        "infos": 0,
        "suppressed": 2,
        "has_errors": True,
    }
    first = data["findings"][0]
    assert set(first) == {"code", "name", "severity", "path", "line", "column", "message", "url"}
    assert first["url"].endswith("docs/rules.md#pf204-non-lowercase-module-name")


def test_json_is_the_text_json_dumps_writes_with_indent_2() -> None:
    unicode_finding = Finding(
        "src/é.py", 2, 1, "PF402", "star-import", Severity.INFO, "\u2026 \x00"
    )
    result = CheckResult(findings=(*FINDINGS, unicode_finding), files_checked=7, suppressed=2)
    assert render(result, "json") == json.dumps(to_dict(result), indent=2) + "\n"
    empty = CheckResult(findings=(), files_checked=0, suppressed=0)
    assert render(empty, "json") == json.dumps(to_dict(empty), indent=2) + "\n"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text() | st.integers(), inner),
    max_leaves=20,
)


@settings(max_examples=300, derandomize=True)
@given(_JSON)
def test_dumps_indented_writes_what_json_dumps_writes(value: object) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2)


def test_sarif_has_rules_and_results() -> None:
    data = json.loads(render(RESULT, "sarif"))
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "PF101" in ids and ids == sorted(ids)
    result = run["results"][2]
    assert result["ruleId"] == "PF404"
    assert rules[result["ruleIndex"]]["id"] == "PF404"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "src/sound/x.py"
    assert location["region"] == {"startLine": 9, "startColumn": 1}
    assert rules[0]["fullDescription"]["text"].startswith("## What it does")


def test_github_annotations_escape_properly() -> None:
    lines = render(RESULT, "github").splitlines()
    assert lines[0] == (
        "::warning file=src/sound/Echo.py,line=1,col=1,title=PF204 non-lowercase-module-name::shout"
    )
    assert lines[1].endswith("::star, with: 100%25")
    assert lines[2].startswith("::error ")
    assert lines[2].endswith("::line one%0Aline two")
