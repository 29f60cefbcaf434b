"""``[tool.pkgforge]``: select, ignore (with reasons), per-path ignores, namespace packages."""

from __future__ import annotations

from typing import Any

import pytest

from pkgforge.config import Settings, load_settings
from pkgforge.errors import ConfigError


def _load(table: Any) -> Settings:
    return load_settings({"tool": {"pkgforge": table}})


def test_defaults() -> None:
    assert load_settings(None) == Settings()
    assert load_settings({"project": {}}) == Settings()


def test_lists_and_prefixes() -> None:
    settings = _load({"select": ["pf1", "PF402"], "ignore": ["PF104"]})
    assert settings.select == ("PF1", "PF402")
    assert settings.ignore == ("PF104",)


def test_ignore_with_reasons() -> None:
    settings = _load({"ignore": {"PF402": "the CLI re-exports on purpose"}})
    assert settings.ignore == ("PF402",)
    assert settings.ignore_reasons == {"PF402": "the CLI re-exports on purpose"}


def test_per_path_and_namespaces() -> None:
    settings = _load(
        {"per-path-ignores": {"src/legacy/*": ["PF403"]}, "namespace-packages": ["acme.plugins"]}
    )
    assert settings.per_path_ignores == (("src/legacy/*", ("PF403",)),)
    assert settings.namespace_packages == ("acme.plugins",)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("not a table", "must be a table"),
        ({"selct": ["PF1"]}, "unknown setting 'selct'"),
        ({"select": "PF1, E501"}, "'E501' is not a rule code"),
        ({"select": [1]}, "list of strings"),
        ({"ignore": {"PF402": 3}}, "reason for PF402"),
        ({"per-path-ignores": ["x"]}, "table of glob"),
        ({"per-path-ignores": {"a/*": 3}}, "list of codes"),
        ({"namespace-packages": ["acme-tools"]}, "not a dotted package name"),
    ],
)
def test_invalid_config_is_a_config_error(table: Any, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load(table)
    assert words in info.value.message
    assert info.value.exit_code == 2
    assert info.value.hint


def test_overrides_replace_keys_over_the_project_table() -> None:
    from pkgforge.config import Overrides

    project = {"tool": {"pkgforge": {"select": ["PF1"], "ignore": ["PF101"]}}}
    settings = load_settings(project, Overrides(values={"ignore": []}))
    assert settings.select == ("PF1",)
    assert settings.ignore == ()
    settings = load_settings(project, Overrides(table={"select": ["PF4"]}))
    assert settings.select == ("PF4",)
    assert settings.ignore == ()  # the file's table is read instead of the project's
    assert load_settings(None, Overrides(values={"select": ["PF2"]})).select == ("PF2",)


def test_parse_overrides(tmp_path: Any) -> None:
    from pkgforge.config import parse_overrides
    from pkgforge.errors import UsageError

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.pkgforge]\nselect = ["PF4"]\n[tool.ruff]\nx = 1\n')
    parsed = parse_overrides([str(pyproject), 'per-path-ignores."a/**" = ["PF101"]'])
    assert parsed.table == {"select": ["PF4"]}
    assert parsed.values == {"per-path-ignores": {"a/**": ["PF101"]}}
    bare = tmp_path / "other" / "pyproject.toml"
    bare.parent.mkdir()
    bare.write_text('[project]\nname = "x"\n')
    assert parse_overrides([str(bare)]).table == {}
    with pytest.raises(UsageError, match="neither a file nor a TOML"):
        parse_overrides(["select=PF4"])
