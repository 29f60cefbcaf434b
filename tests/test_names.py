from __future__ import annotations

import pytest

from pkgforge.errors import InvalidNameError
from pkgforge.names import (
    import_name_for,
    normalize_distribution_name,
    parse_project_name,
    validate_dotted_module,
)


@pytest.mark.parametrize(
    ("typed", "normalized", "import_name"),
    [
        ("sound", "sound", "sound"),
        ("sound-tools", "sound-tools", "sound_tools"),
        ("Sound_Tools", "sound-tools", "Sound_Tools"),
        ("sound.tools", "sound-tools", "sound_tools"),
        ("a--b__c", "a-b-c", "a_b_c"),
    ],
)
def test_derived_names(typed: str, normalized: str, import_name: str) -> None:
    name = parse_project_name(typed)
    assert name.normalized == normalized == normalize_distribution_name(typed)
    assert name.import_name == import_name == import_name_for(typed)


def test_uppercase_warns_but_goes_on() -> None:
    name = parse_project_name("Sound")
    assert name.import_name == "Sound"
    assert name.warnings and "lowercase" in name.warnings[0]


@pytest.mark.parametrize(
    ("typed", "reason", "suggestion"),
    [
        ("", "empty", None),
        ("  ", "empty", None),
        ("2fast", "identifier", "py2fast"),
        ("class", "keyword", "pyclass"),
        ("email", "standard-library", "pyemail"),
        ("os", "standard-library", "pyos"),
        ("a/b", "path separator", None),
        ("..", "path separator", None),
        ("x..y", "path separator", None),
        ("a\\b", "path separator", None),
        ("my mod", "identifier", "my_mod"),
        ("naïve", "identifier", None),
        ("-sound", "PEP 508", "sound"),
    ],
)
def test_rejected_names(typed: str, reason: str, suggestion: str | None) -> None:
    with pytest.raises(InvalidNameError) as exc:
        parse_project_name(typed)
    assert reason in exc.value.message
    assert "\n" not in exc.value.message
    if suggestion:
        assert exc.value.hint is not None and repr(suggestion) in exc.value.hint


def test_dotted_module() -> None:
    assert validate_dotted_module("effects.echo") == ("effects", "echo")
    for bad in ("", ".echo", "effects.", "effects..echo", "effects.class", "effects.2d"):
        with pytest.raises(InvalidNameError):
            validate_dotted_module(bad)


@pytest.mark.parametrize("name", ["profiling", "annotationlib", "asyncore", "distutils", "winreg"])
def test_stdlib_of_any_supported_python_is_rejected(name: str) -> None:
    # New in 3.14/3.15, removed in 3.12, or Windows-only: a package of that name shadows
    # the standard library for some of its users even if not on the Python running here.
    with pytest.raises(InvalidNameError) as exc:
        parse_project_name(name)
    assert "standard-library" in exc.value.message
