"""Every PF3xx/PF4xx rule on its failing and passing fixture projects (tests/imports/fixtures).

The fixtures are variations of the tutorial's ``sound`` package, made by make_fixtures.py.
Each failing project must produce exactly the listed findings of its rule; each
passing project (a near miss the rule must not flag) and the clean project none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding, Severity

FIXTURES = Path(__file__).parent / "fixtures"

E = "src/sound/effects/"

# rule -> [(file relative to the fixture, line, fragment of the message)]
FAILING: dict[str, list[tuple[Any, ...]]] = {
    "PF301": [(E + "__init__.py", 1, "not a literal")],
    "PF302": [(E + "echo.py", 1, "`echo_filter` is listed in `__all__`")],
    "PF303": [(E + "__init__.py", 1, "`echo` is listed in `__all__` again")],
    "PF304": [(E + "echo.py", 5, "not a string literal")],
    "PF305": [(E + "__init__.py", 1, "`echofilter`")],
    "PF306": [(E + "echo.py", 1, "`_mix` is private")],
    "PF401": [(E + "reverse.py", 5, "SyntaxError in Python 3")],
    "PF402": [(E + "reverse.py", 1, "from sound.effects.echo import *")],
    "PF403": [
        (E + "surround.py", 1, "`import echo` means the sibling module sound.effects.echo"),
        (E + "surround.py", 2, "write `from .echo import echofilter`"),
    ],
    "PF404": [
        (E + "surround.py", 1, "defines no `echo_filter`"),
        (E + "surround.py", 2, "no module named sound.effect.echo"),
    ],
    "PF405": [(E + "echo.py", 1, "climbs 3 package levels")],
    "PF406": [
        (
            E + "echo.py",
            1,
            (
                "import cycle: sound.effects.echo (src/sound/effects/echo.py:1) -> "
                "sound.effects.surround (src/sound/effects/surround.py:1) -> sound.effects.echo"
            ),
        )
    ],
    "PF407": [(E + "reverse.py", 1, "`import yaml` needs `yaml`")],
    "PF408": [("pyproject.toml", 10, "`requests>=2` is declared")],
    "PF409": [(E + "surround.py", 4, "changes sys.path")],
    "PF410": [
        (E + "reverse.py", 5, "Missing parentheses in call to 'print'"),
        # fails on the oldest allowed Pythons only: a warning
        (
            E + "surround.py",
            9,
            "needs a newer Python than requires-python allows (3.9)",
            Severity.WARNING,
        ),
    ],
    "PF411": [
        (
            "src/sound/effects/echo.py",
            1,
            (
                "`from sound import VERSION` fails with ImportError when sound is imported first: "
                "sound is only partly initialised (suspended at line 3) and binds `VERSION` later, "
                "at line 5; import chain: src/sound/__init__.py:3 -> src/sound/effects/echo.py:1"
            ),
        )
    ],
    "PF416": [(E + "surround.py", 7, "`Echo` is bound only under `if TYPE_CHECKING:`")],
}

SEVERITY = {
    "PF301": Severity.WARNING,
    "PF302": Severity.ERROR,
    "PF303": Severity.WARNING,
    "PF304": Severity.ERROR,
    "PF305": Severity.WARNING,
    "PF306": Severity.WARNING,
    "PF401": Severity.ERROR,
    "PF402": Severity.WARNING,
    "PF403": Severity.ERROR,
    "PF404": Severity.ERROR,
    "PF405": Severity.ERROR,
    "PF406": Severity.WARNING,
    "PF407": Severity.ERROR,
    "PF408": Severity.WARNING,
    "PF409": Severity.WARNING,
    "PF410": Severity.ERROR,
    "PF411": Severity.ERROR,
    "PF416": Severity.ERROR,
}


def findings(fixture: str, code: str) -> list[Finding]:
    result = check([FIXTURES / fixture], select=[code], use_cache=False)
    assert result.rule_errors == ()
    return [f for f in result.findings if f.code == code]


def test_every_rule_of_the_family_has_fixtures() -> None:
    names = {p.name for p in FIXTURES.iterdir()}
    for code in FAILING:
        assert f"{code.lower()}_fail" in names
        assert f"{code.lower()}_pass" in names


@pytest.mark.parametrize("code", sorted(FAILING))
def test_failing_fixture(code: str) -> None:
    found = findings(f"{code.lower()}_fail", code)
    expected = FAILING[code]
    assert len(found) == len(expected), [f.message for f in found]
    for finding, (path, line, fragment, *severity) in zip(found, expected, strict=True):
        assert finding.path.endswith(f"{code.lower()}_fail/{path}") or finding.path == path
        assert finding.line == line
        assert fragment in finding.message
        assert finding.severity is (severity[0] if severity else SEVERITY[code])


@pytest.mark.parametrize("code", sorted(FAILING))
def test_passing_fixture(code: str) -> None:
    assert findings(f"{code.lower()}_pass", code) == []


@pytest.mark.parametrize("code", sorted(FAILING))
def test_clean_project(code: str) -> None:
    assert findings("clean", code) == []
