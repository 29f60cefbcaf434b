"""Import names <-> distributions, without importing anything."""

from __future__ import annotations

import pytest

from pkgforge.checker.distmap import (
    canonical,
    import_names_of,
    is_stdlib,
    is_well_known_import,
    requirement_name,
)


@pytest.mark.parametrize(
    ("distribution", "import_name"),
    [
        ("PyYAML", "yaml"),
        ("attrs", "attr"),
        ("Pillow", "PIL"),
        ("opencv-python", "cv2"),
        ("scikit-learn", "sklearn"),
        ("beautifulsoup4", "bs4"),
        ("python-dateutil", "dateutil"),
        ("typing_extensions", "typing_extensions"),
        ("Foo.Bar-baz", "foo_bar_baz"),  # the name itself, normalised
    ],
)
def test_known_and_derived_import_names(distribution: str, import_name: str) -> None:
    assert import_name in import_names_of(distribution)


def test_installed_metadata_is_read() -> None:
    # pytest is installed here and ships `_pytest` and `py` besides `pytest`
    assert {"pytest", "_pytest"} <= import_names_of("pytest")


def test_not_installed_and_unknown_falls_back_to_the_name() -> None:
    assert import_names_of("surely-not-installed-dist") == {"surely_not_installed_dist"}


def test_requirement_names() -> None:
    assert requirement_name("Requests[socks] >=2 ; python_version<'4'") == "requests"
    assert requirement_name("not a requirement !!") is None
    assert canonical("Zope.Interface") == "zope-interface"


@pytest.mark.parametrize("name", ["os", "__future__", "__main__", "annotationlib", "distutils"])
def test_stdlib_names_across_versions(name: str) -> None:
    assert is_stdlib(name)


def test_third_party_names() -> None:
    assert not is_stdlib("yaml")
    assert is_well_known_import("numpy")
    assert is_well_known_import("cv2")
    assert not is_well_known_import("echo")
