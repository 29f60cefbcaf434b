"""Tests of the installed {{ cookiecutter.import_name }} package."""

import importlib
import importlib.metadata

import {{ cookiecutter.import_name }}


def test_version_matches_the_installed_metadata() -> None:
    installed = importlib.metadata.version({{ cookiecutter.project_name | pyrepr }})
    assert {{ cookiecutter.import_name }}.__version__ == installed


def test_every_exported_name_is_bound() -> None:
    for name in {{ cookiecutter.import_name }}.__all__:
        # A subpackage named in __all__ is bound once imported, as `import *` imports it.
        if not hasattr({{ cookiecutter.import_name }}, name):
            importlib.import_module(f"{ {{- cookiecutter.import_name -}} .__name__}.{name}")
        assert hasattr({{ cookiecutter.import_name }}, name), name
