"""Import names <-> distributions, without importing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkgforge.checker.distmap import (
    _names_from_files,
    canonical,
    import_names_of,
    installed,
    is_stdlib,
    provides,
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
    assert import_names_of("surely-not-installed-dist") == {
        "surely_not_installed_dist",
        "surely.not.installed.dist",  # or a portion of the namespace `surely`
    }


def test_requirement_names() -> None:
    assert requirement_name("Requests[socks] >=2 ; python_version<'4'") == "requests"
    assert requirement_name("not a requirement !!") is None
    assert canonical("Zope.Interface") == "zope-interface"


@pytest.mark.parametrize("name", ["os", "__future__", "__main__", "annotationlib", "distutils"])
def test_stdlib_names_across_versions(name: str) -> None:
    assert is_stdlib(name)


def test_third_party_names() -> None:
    assert not is_stdlib("yaml")


def test_installed_metadata_gives_dotted_namespace_portions() -> None:
    # jaraco.classes ships jaraco/classes/ inside the shared `jaraco` namespace
    assert import_names_of("jaraco.classes") == {"jaraco.classes"}
    assert import_names_of("markdown-it-py") == {"markdown_it"}  # from RECORD, not the name
    assert "yaml" in import_names_of("PyYAML")


def test_provides_matches_dotted_prefixes_only() -> None:
    assert provides({"yaml"}, "yaml.loader")
    assert provides({"google.protobuf"}, "google.protobuf.message")
    assert provides({"google.protobuf"}, "google")  # `import google` alone: say less
    assert not provides({"google.protobuf"}, "google.auth")
    assert not provides({"yaml"}, "yamlish")


def test_names_from_a_record() -> None:
    record = [
        ("google", "protobuf", "__init__.py"),
        ("google", "protobuf", "message.py"),
        ("google", "_upb", "_message.abi3.so"),
        ("protobuf-6.0.dist-info", "RECORD"),
        ("six.py",),
        ("_cffi_backend.cpython-311-x86_64-linux-gnu.so",),
        ("..", "..", "bin", "tool"),
        ("__editable___pkg_finder.py",),
    ]
    assert _names_from_files(record) == {
        "google.protobuf",
        "google._upb._message",
        "six",
        "_cffi_backend",
    }


def test_the_installed_index_follows_sys_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "fakedist-1.0.dist-info").mkdir(parents=True)
    (site / "fakedist-1.0.dist-info" / "METADATA").write_text("Name: fakedist\nVersion: 1.0\n")
    (site / "fakedist-1.0.dist-info" / "RECORD").write_text("fake_mod/__init__.py,,\n")
    assert "fakedist" not in installed()
    monkeypatch.syspath_prepend(str(site))
    index = installed()
    assert "fakedist" in index
    found = index.get("fakedist")
    assert found is not None
    assert found.names == {"fake_mod"}
