"""Each distribution rule on wheels and sdists made with zipfile/tarfile: failing and passing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import pkgforge.checker.rules.dist  # noqa: F401 - registers the rules
from pkgforge.checker.archive import Archive, is_archive, load_archive
from pkgforge.checker.findings import Finding, Severity
from pkgforge.checker.model import Project, SourceFile
from pkgforge.checker.rules.base import REGISTRY
from pkgforge.checker.summary import ModuleSummary
from pkgforge.errors import ArchiveError

from .conftest import write_project, write_wheel

RunCli = Callable[..., tuple[int, str, str]]

GOOD_WHEEL = [
    ("sound/__init__.py", '"""Sound."""\n'),
    ("sound/formats/__init__.py", ""),
    ("sound/formats/wav.py", ""),
]


def run(code: str, archive: Archive) -> list[Finding]:
    return list(REGISTRY[code].run(archive))


def codes(archive: Archive) -> list[str]:
    return sorted(f.code for r in REGISTRY.values() if r.scope == "dist" for f in r.run(archive))


def source_project(
    root: Path, modules: dict[str, bool], top_level: tuple[str, ...], *, src: str = "src/"
) -> Project:
    """A project model as the checker builds it: dotted name -> is_package."""
    files = []
    for module, is_package in modules.items():
        relpath = src + module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        files.append(SourceFile(root / relpath, relpath, module, is_package, ModuleSummary()))
    return Project(
        root=root,
        pyproject_path=None,
        pyproject=None,
        pyproject_error=None,
        package_roots=(root / src,),
        top_level=top_level,
        files=tuple(files),
        directories=(),
        bytecode=(),
        settings=None,  # type: ignore[arg-type]
    )


# -- the model ---------------------------------------------------------------


def test_load_wheel_reads_members_metadata_and_top_level(make_wheel: Callable[..., Path]) -> None:
    wheel = make_wheel([*GOOD_WHEEL, ("helper.py", ""), ("sound-1.0.data/purelib/extra/x.py", "")])
    archive = load_archive(wheel)
    assert archive.kind == "wheel"
    assert archive.name == "sound"
    assert archive.version == "1.0"
    assert archive.content_type == "text/markdown"
    assert archive.long_description is not None
    assert archive.long_description.startswith("# Sound")
    assert archive.top_level == ("extra", "helper", "sound")
    assert archive.metadata_errors == ()


def test_load_sdist_keeps_root_and_duplicates(make_sdist: Callable[..., Path]) -> None:
    sdist = make_sdist([("src/sound/__init__.py", ""), ("src/sound/__init__.py", "")])
    archive = load_archive(sdist)
    assert archive.kind == "sdist"
    assert archive.root == "sound-1.0/"
    assert archive.metadata_path == "sound-1.0/PKG-INFO"
    assert archive.members.count("sound-1.0/src/sound/__init__.py") == 2
    assert archive.top_level == ()


def test_load_archive_refuses_damaged_and_unknown_files(tmp_path: Path) -> None:
    broken = tmp_path / "sound-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ArchiveError, match=r"cannot read sound-1\.0-py3-none-any\.whl"):
        load_archive(broken)
    broken_tar = tmp_path / "sound-1.0.tar.gz"
    broken_tar.write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(ArchiveError, match="cannot read"):
        load_archive(broken_tar)
    other = tmp_path / "notes.txt"
    other.write_text("x")
    assert not is_archive(other)
    with pytest.raises(ArchiveError, match="not a wheel or sdist"):
        load_archive(other)


def test_clean_wheel_and_sdist_have_no_findings(
    make_wheel: Callable[..., Path], make_sdist: Callable[..., Path]
) -> None:
    assert codes(load_archive(make_wheel(GOOD_WHEEL))) == []
    sdist = make_sdist([("pyproject.toml", ""), ("src/sound/__init__.py", "")])
    assert codes(load_archive(sdist)) == []


# -- PF502 readme-render -----------------------------------------------------

RST_BROKEN = """\
Metadata-Version: 2.4
Name: sound
Version: 1.0
Description-Content-Type: text/x-rst

Title
=====

`unclosed link <http://example.com
"""


def test_pf502_broken_rst_is_an_error(make_wheel: Callable[..., Path]) -> None:
    findings = run("PF502", load_archive(make_wheel(GOOD_WHEEL, metadata=RST_BROKEN)))
    assert len(findings) == 1
    assert findings[0].severity is Severity.ERROR
    assert "will not render" in findings[0].message
    assert findings[0].path == "sound-1.0-py3-none-any.whl/sound-1.0.dist-info/METADATA"


def test_pf502_valid_rst_passes(make_sdist: Callable[..., Path]) -> None:
    good = RST_BROKEN.replace("`unclosed link <http://example.com", "Some *text*.")
    assert run("PF502", load_archive(make_sdist(metadata=good))) == []


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("text/x-markdown", "is not one the index accepts"),
        ("text/markdown; variant=Fancy", "unknown Markdown variant"),
    ],
)
def test_pf502_unknown_content_types_are_errors(
    make_wheel: Callable[..., Path], content_type: str, message: str
) -> None:
    metadata = (
        "Metadata-Version: 2.4\nName: sound\nVersion: 1.0\n"
        f"Description-Content-Type: {content_type}\n\n# Sound\n"
    )
    findings = run("PF502", load_archive(make_wheel(GOOD_WHEEL, metadata=metadata)))
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert message in findings[0].message


def test_pf502_missing_description_or_type_are_warnings(make_wheel: Callable[..., Path]) -> None:
    no_description = "Metadata-Version: 2.4\nName: sound\nVersion: 1.0\n"
    findings = run("PF502", load_archive(make_wheel(GOOD_WHEEL, metadata=no_description)))
    assert [(f.severity, "no long description" in f.message) for f in findings] == [
        (Severity.WARNING, True)
    ]
    no_type = no_description + "\nPlain *rst* text.\n"
    findings = run("PF502", load_archive(make_wheel(GOOD_WHEEL, metadata=no_type)))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "reStructuredText" in findings[0].message


def test_pf502_markdown_commonmark_passes(make_wheel: Callable[..., Path]) -> None:
    metadata = (
        "Metadata-Version: 2.4\nName: sound\nVersion: 1.0\n"
        "Description-Content-Type: text/markdown; variant=CommonMark\n\n# Sound\n"
    )
    assert run("PF502", load_archive(make_wheel(GOOD_WHEEL, metadata=metadata))) == []


# -- PF504 missing-from-dist -------------------------------------------------


def test_pf504_reports_missing_package_once_and_missing_module(
    tmp_path: Path, make_wheel: Callable[..., Path]
) -> None:
    project = source_project(
        tmp_path,
        {
            "sound": True,
            "sound.formats": True,
            "sound.formats.wav": False,
            "sound.effects": True,
            "sound.effects.echo": False,
            "sound.effects.surround": False,
        },
        ("sound",),
    )
    wheel = make_wheel([("sound/__init__.py", ""), ("sound/formats/__init__.py", "")])
    findings = run("PF504", load_archive(wheel, project))
    assert [(f.path, f.severity) for f in findings] == [
        ("src/sound/effects/__init__.py", Severity.ERROR),
        ("src/sound/formats/wav.py", Severity.ERROR),
    ]
    assert "package sound.effects is not in sound-1.0-py3-none-any.whl" in findings[0].message


def test_pf504_passes_when_everything_shipped_and_skips_without_project(
    tmp_path: Path, make_wheel: Callable[..., Path]
) -> None:
    project = source_project(
        tmp_path,
        {"sound": True, "sound.formats": True, "sound.formats.wav": False, "tests.test_x": False},
        ("sound", "tests"),
    )
    wheel = make_wheel(GOOD_WHEEL)
    assert run("PF504", load_archive(wheel, project)) == []
    assert run("PF504", load_archive(make_wheel([]))) == []


def test_pf504_flat_layout_scripts_are_not_expected(
    tmp_path: Path, make_wheel: Callable[..., Path]
) -> None:
    modules = {"sound": True, "sound.formats": True, "sound.formats.wav": False, "manage": False}
    project = source_project(tmp_path, modules, ("manage", "sound"), src="")
    assert run("PF504", load_archive(make_wheel(GOOD_WHEEL), project)) == []
    wheel = make_wheel([("sound/__init__.py", ""), ("sound/formats/__init__.py", "")])
    findings = run("PF504", load_archive(wheel, project))
    assert [f.path for f in findings] == ["sound/formats/wav.py"]


# -- PF505 unexpected-top-level ----------------------------------------------


def test_pf505_tests_docs_src_are_errors(make_wheel: Callable[..., Path]) -> None:
    wheel = make_wheel(
        [*GOOD_WHEEL, ("tests/__init__.py", ""), ("docs/conf.py", ""), ("src/sound/x.py", "")]
    )
    findings = run("PF505", load_archive(wheel))
    assert sorted((f.path.split("/")[-1], f.severity) for f in findings) == [
        ("docs", Severity.ERROR),
        ("src", Severity.ERROR),
        ("tests", Severity.ERROR),
    ]


def test_pf505_unknown_name_and_loose_file_are_warnings(
    tmp_path: Path, make_wheel: Callable[..., Path]
) -> None:
    project = source_project(tmp_path, {"sound": True}, ("sound",))
    wheel = make_wheel([*GOOD_WHEEL, ("helpers.py", ""), ("README.md", "")])
    findings = run("PF505", load_archive(wheel, project))
    assert sorted((f.path, f.severity) for f in findings) == [
        ("sound-1.0-py3-none-any.whl/README.md", Severity.WARNING),
        ("sound-1.0-py3-none-any.whl/helpers", Severity.WARNING),
    ]


def test_pf505_passes_for_the_project_names(
    tmp_path: Path, make_wheel: Callable[..., Path]
) -> None:
    project = source_project(tmp_path, {"sound": True}, ("sound",))
    wheel = make_wheel([*GOOD_WHEEL, ("sound-1.0.data/purelib/sound/extra.py", "")])
    assert run("PF505", load_archive(wheel, project)) == []


# -- PF506 junk-in-dist ------------------------------------------------------


def test_pf506_junk_in_wheel(make_wheel: Callable[..., Path]) -> None:
    wheel = make_wheel(
        [
            *GOOD_WHEEL,
            ("sound/__pycache__/wav.cpython-311.pyc", b"\0"),
            ("sound/__pycache__/x.cpython-311.pyc", b"\0"),
            ("sound/old.pyc", b"\0"),
            ("sound/.wav.py.swp", b"\0"),
            ("sound/.DS_Store", b"\0"),
        ]
    )
    findings = run("PF506", load_archive(wheel))
    assert sorted((f.path.split(".whl/")[1], f.severity) for f in findings) == [
        ("sound/.DS_Store", Severity.WARNING),
        ("sound/.wav.py.swp", Severity.WARNING),
        ("sound/__pycache__/", Severity.ERROR),
        ("sound/old.pyc", Severity.ERROR),
    ]


def test_pf506_vcs_and_editor_dirs_in_sdist(make_sdist: Callable[..., Path]) -> None:
    sdist = make_sdist(
        [
            ("src/sound/__init__.py", ""),
            (".git/config", "[core]"),
            (".git/HEAD", "ref"),
            (".idea/workspace.xml", ""),
            ("src/sound/wav.py~", ""),
            ("bench/.cache/django-5.2/setup.py", ""),
        ]
    )
    findings = run("PF506", load_archive(sdist))
    assert sorted(f.path.split(".tar.gz/")[1] for f in findings) == [
        "sound-1.0/.git/",
        "sound-1.0/.idea/",
        "sound-1.0/bench/.cache/",
        "sound-1.0/src/sound/wav.py~",
    ]


def test_pf506_passes_for_ordinary_files(make_sdist: Callable[..., Path]) -> None:
    sdist = make_sdist(
        [(".gitignore", ""), ("src/sound.egg-info/PKG-INFO", ""), ("src/sound/py.typed", "")]
    )
    assert run("PF506", load_archive(sdist)) == []


# -- PF507 duplicate-in-dist -------------------------------------------------


def test_pf507_duplicates_in_wheel_and_sdist(
    make_wheel: Callable[..., Path], make_sdist: Callable[..., Path]
) -> None:
    wheel = make_wheel([*GOOD_WHEEL, ("sound/formats/wav.py", "again")])
    findings = run("PF507", load_archive(wheel))
    assert [(f.path, f.message) for f in findings] == [
        ("sound-1.0-py3-none-any.whl/sound/formats/wav.py", "stored 2 times")
    ]
    sdist = make_sdist([("a.py", ""), ("./a.py", ""), ("a.py", "")])
    assert [f.message for f in run("PF507", load_archive(sdist))] == ["stored 3 times"]


def test_pf507_passes_without_duplicates(make_wheel: Callable[..., Path]) -> None:
    assert run("PF507", load_archive(make_wheel(GOOD_WHEEL))) == []


# -- PF510 invalid-dist-metadata ---------------------------------------------


def test_pf510_invalid_version_and_unknown_field(make_wheel: Callable[..., Path]) -> None:
    metadata = "Metadata-Version: 2.4\nName: sound\nVersion: one point oh\nColour: blue\n\nx\n"
    findings = run("PF510", load_archive(make_wheel(GOOD_WHEEL, metadata=metadata)))
    messages = " | ".join(f.message for f in findings)
    assert "unrecognized or malformed field 'colour'" in messages
    assert "one point oh" in messages
    assert all(f.severity is Severity.ERROR for f in findings)


def test_pf510_missing_metadata_and_name_mismatch(
    tmp_path: Path, make_sdist: Callable[..., Path], make_wheel: Callable[..., Path]
) -> None:
    import tarfile

    bare = tmp_path / "bare-1.0.tar.gz"
    with tarfile.open(bare, "w:gz"):
        pass
    findings = run("PF510", load_archive(bare))
    assert [f.message for f in findings] == [
        "the sdist does not hold exactly one top-level directory"
    ]
    metadata = "Metadata-Version: 2.4\nName: noise\nVersion: 2.0\n\nx\n"
    findings = run("PF510", load_archive(make_wheel(GOOD_WHEEL, metadata=metadata)))
    assert [f.message for f in findings] == [
        "the file name says sound 1.0, the metadata says noise 2.0"
    ]


def test_pf510_passes_for_setuptools_style_license_file(make_sdist: Callable[..., Path]) -> None:
    metadata = "Metadata-Version: 2.1\nName: sound\nVersion: 1.0\nLicense-File: LICENSE\n\nx\n"
    assert run("PF510", load_archive(make_sdist(metadata=metadata))) == []


# -- `pkgforge check` on archives (the engine calls load_archive) -------------


def test_cli_check_on_wheel_and_sdist(
    make_wheel: Callable[..., Path], make_sdist: Callable[..., Path], run_cli: RunCli
) -> None:
    clean = make_wheel(GOOD_WHEEL)
    status, out, err = run_cli("check", str(clean))
    assert status == 0, out + err
    junk = make_sdist([("src/sound/__pycache__/x.cpython-311.pyc", b"\0")])
    status, out, _ = run_cli("check", str(junk), "--format", "json")
    assert status == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["PF506"]


def test_cli_check_on_wheel_in_project_dist_runs_pf504(tmp_path: Path, run_cli: RunCli) -> None:
    root = write_project(tmp_path / "sound")
    (root / "dist").mkdir()
    wheel = write_wheel(root / "dist", [("sound/__init__.py", "")])
    status, out, _ = run_cli("check", str(wheel))
    assert status == 1
    assert "PF504" in out
    assert "sound.formats" in out
