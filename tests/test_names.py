from __future__ import annotations

import pytest

from pkgforge.errors import InvalidNameError
from pkgforge.names import (
    MAX_NAME_LENGTH,
    NOT_PACKAGES,
    import_name_for,
    is_public_module,
    name_warnings,
    normalize_distribution_name,
    parse_project_name,
    validate_dotted_module,
    validate_module_name,
)

LONG_S_OUND = "\u017found"  # a valid identifier that Python reads as "sound" (NFKC)


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
        ("naïve", "PEP 508 allows only ASCII", "naive"),
        ("é", "PEP 508 allows only ASCII", "e"),
        (LONG_S_OUND, f"Python reads {LONG_S_OUND!r} as 'sound'", "sound"),
        ("🎵", "not a valid Python identifier", None),
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


@pytest.mark.parametrize(
    ("dotted", "message", "hint"),
    [
        ("effects.class", "'class' is a Python keyword: a module of that name", "try 'class_'"),
        ("effects.2d", "'2d' starts with a digit", "start the name with a letter"),
        ("effects.my-mod", "'my-mod' is not a valid Python identifier", "try 'my_mod'"),
        ("effects/echo", "it contains a path separator", "with dots, such as 'effects.echo'"),
        ("effects\\echo", "it contains a path separator", "with dots, such as 'effects.echo'"),
        ("effects..echo", "not a dotted module name", "write it like 'effects.echo'"),
        ("effects.🎵", "not a valid Python identifier", "use letters, digits and '_'"),
    ],
)
def test_module_names_are_refused_in_module_words(dotted: str, message: str, hint: str) -> None:
    with pytest.raises(InvalidNameError) as exc:
        validate_dotted_module(dotted)
    assert message in exc.value.message
    assert exc.value.hint is not None and hint in exc.value.hint
    # A project's hints (a "py" prefix, a folder given with -o) mean nothing for a module.
    assert "'py" not in exc.value.hint and "-o DIR" not in exc.value.hint
    assert "project" not in exc.value.message + exc.value.hint


def test_a_module_name_warning_suggests_a_module_name() -> None:
    (warning,) = name_warnings("clasé")
    assert warning.endswith("consider 'clase'")
    (warning,) = name_warnings("ïf")  # folds to a keyword: PEP 8's trailing underscore
    assert warning.endswith("consider 'if_'")
    (warning,) = name_warnings("ïf", what="project")
    assert warning.endswith("consider 'pyif'")


@pytest.mark.parametrize("name", ["profiling", "annotationlib", "asyncore", "distutils", "winreg"])
def test_stdlib_of_any_supported_python_is_rejected(name: str) -> None:
    # New in 3.14/3.15, removed in 3.12, or Windows-only: a package of that name shadows
    # the standard library for some of its users even if not on the Python running here.
    with pytest.raises(InvalidNameError) as exc:
        parse_project_name(name)
    assert "standard-library" in exc.value.message


@pytest.mark.parametrize(
    "name",
    ["tests", "docs", "src", "examples", "scripts", "benchmarks", "test", "tools", "Tests"],
)
def test_names_the_wheel_would_refuse_are_refused(name: str) -> None:
    from pkgforge.checker.rules import dist

    assert dist.NOT_PACKAGES is NOT_PACKAGES  # PF505 and `new` share one list
    with pytest.raises(InvalidNameError) as exc:
        parse_project_name(name)
    assert "PF505" in exc.value.message
    assert exc.value.hint is not None and "my-" in exc.value.hint


def test_every_name_pf505_rejects_is_refused() -> None:
    for name in NOT_PACKAGES:
        with pytest.raises(InvalidNameError):
            parse_project_name(name)


def test_over_long_names_are_refused_with_the_limit() -> None:
    longest = "a" * MAX_NAME_LENGTH
    assert parse_project_name(longest).import_name == longest
    for name in ("a" * (MAX_NAME_LENGTH + 1), "a" * 300):
        with pytest.raises(InvalidNameError, match=f"too long: {len(name)} bytes, at most 200"):
            parse_project_name(name)
    with pytest.raises(InvalidNameError, match="too long"):
        validate_dotted_module("effects." + "e" * 250)


@pytest.mark.parametrize("name", ["é", "écho", "ἄλφα", "x²".replace("²", "ö")])
def test_unicode_module_names_are_accepted_with_a_warning(name: str) -> None:
    assert validate_module_name(name) == name
    (warning,) = name_warnings(name)
    assert "not ASCII" in warning and repr(name) in warning
    assert name_warnings("echo") == ()


def test_module_names_python_reads_as_another_name_are_refused() -> None:
    # `import \u017found` looks for sound.py: a file named \u017found.py is never found.
    with pytest.raises(InvalidNameError, match=f"reads {LONG_S_OUND!r} as 'sound'") as exc:
        validate_module_name(LONG_S_OUND)
    assert exc.value.hint == "name it 'sound'"


@pytest.mark.parametrize(
    ("dotted", "public"),
    [
        ("pkg", True),
        ("_pkg", True),  # the top-level package is always an ordinary first import
        ("pkg.sub.mod", True),
        ("_pkg.mod", True),
        ("pkg._impl", False),
        ("pkg.sub._impl", False),
        ("pkg._impl.mod", False),
        ("pkg.__main__", False),
    ],
)
def test_public_modules(dotted: str, public: bool) -> None:
    assert is_public_module(dotted) is public
