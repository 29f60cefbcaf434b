"""``build`` verifies the wheel it built; ``verify`` verifies wheels built elsewhere.

Real parts: wheels built by setuptools, virtual environments made by ``venv``,
dependencies installed by pip (or uv) from a find-links folder with their
configuration files out of the way.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pkgforge.checker.findings import Finding, Severity
from pkgforge.errors import CheckFailedError, UsageError
from pkgforge.release.build import build
from pkgforge.release.manifest import manifest_path, read_manifest
from pkgforge.release.verify.verifier import verify, verify_wheel

from .conftest import (
    PYPROJECT,
    build_wheel,
    dependency_wheel,
    local_index,
    write_project,
    write_wheel,
)

RunCli = Callable[..., tuple[int, str, str]]


def pyproject(dependencies: str = "", extra: str = "") -> str:
    """The demo project's pyproject.toml with these dependencies and extra tables."""
    text = PYPROJECT.format(name="sound")
    text = text.replace("dependencies = []", f"dependencies = [{dependencies}]")
    return text.replace("[tool.setuptools", f"{extra}\n[tool.setuptools", 1)


@pytest.fixture
def links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A find-links folder that pip and uv install from, and nothing else."""
    folder = tmp_path / "links"
    local_index(monkeypatch, folder)
    return folder


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- build verifies ------------------------------------------------------------------


def test_build_verifies_the_wheel_and_records_it(
    tmp_path: Path, links: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pkgforge")
    dependency_wheel(links, "pf-sound-dep")
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject('"pf-sound-dep"'),
        files={"src/sound/formats/wav.py": "import pf_sound_dep\n\nRATE = pf_sound_dep.VALUE\n"},
    )
    result = build(root, isolation=False)
    assert result.verification is not None and result.verification.ran
    assert set(result.verification.modules) == {"sound", "sound.formats", "sound.formats.wav"}
    assert result.verification.findings == ()
    assert {t.step for t in result.timings} >= {"verify"}
    record = read_manifest(root / "dist").verification
    assert record is not None and record["ran"] is True
    (wheel,) = record["wheels"]
    assert (wheel["filename"], wheel["modules"], wheel["errors"]) == (
        "sound-1.0-py3-none-any.whl",
        3,
        0,
    )
    assert "verified sound-1.0-py3-none-any.whl: 3 modules" in caplog.text


def test_build_refuses_a_wheel_whose_import_fails(tmp_path: Path, links: Path) -> None:
    # The build leaves out a package that the top-level package imports.
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject().replace(
            'where = ["src"]', 'where = ["src"]\nexclude = ["sound.formats"]'
        ),
        files={"src/sound/__init__.py": "from sound.formats import wav\n"},
    )
    with pytest.raises(CheckFailedError, match="from importing the wheel") as caught:
        build(root, isolation=False)
    (failed,) = [f for f in caught.value.findings if f.code == "PF412"]
    assert failed.severity is Severity.ERROR
    assert failed.path.endswith("src/sound/__init__.py")
    assert "No module named 'sound.formats'" in failed.message
    assert not (root / "dist").exists()


def test_no_verify_skips_it_and_says_so_in_the_manifest(tmp_path: Path, links: Path) -> None:
    root = write_project(tmp_path / "sound", pyproject=pyproject())
    result = build(root, isolation=False, verify=False)
    assert result.verification is None
    assert read_manifest(root / "dist").verification == {
        "ran": False,
        "reason": "built with --no-verify",
        "wheels": [],
    }


def test_a_static_error_the_wheel_confirms_carries_the_real_exception(
    tmp_path: Path, links: Path
) -> None:
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject(),
        files={"src/sound/formats/__init__.py": '__all__ = ["wav", "aiff"]\n'},
    )
    with pytest.raises(CheckFailedError, match=r"1 from 'pkgforge check'") as caught:
        build(root, isolation=False)
    (static,) = [f for f in caught.value.findings if f.code == "PF302"]
    assert static.severity is Severity.ERROR
    assert (
        "(confirmed: `from sound.formats import *` fails: AttributeError: module "
        "'sound.formats' has no attribute 'aiff')" in static.message
    )
    assert not (root / "dist").exists()


def test_a_module_the_top_level_import_runs_is_reached_though_that_import_fails(
    tmp_path: Path, links: Path
) -> None:
    # `import sound` runs sound.core, which needs a package nobody declares: both imports
    # are ordinary uses, so neither failure is an optional integration.
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject(),
        files={
            "src/sound/__init__.py": "from sound import core\n",
            "src/sound/core.py": "import pf_never_declared\nfrom sound import helpers\n",
        },
    )
    with pytest.raises(CheckFailedError) as caught:
        build(root, isolation=False)
    failed = [f for f in caught.value.findings if f.code == "PF412"]
    assert failed and all(f.severity is Severity.ERROR for f in failed)
    assert not [f for f in failed if "optional integration" in f.message]
    # The import stops at line 1, so it says nothing about line 2's missing module: that
    # static verdict stands as it is, and is not "confirmed" by another line's exception.
    (unresolved,) = [f for f in caught.value.findings if f.code == "PF404"]
    assert unresolved.severity is Severity.ERROR
    assert "confirmed" not in unresolved.message
    assert "not reached by the verification: importing `sound.core` fails earlier, at line 1" in (
        unresolved.message
    )
    (undeclared,) = [f for f in caught.value.findings if f.code == "PF407"]
    assert undeclared.severity is Severity.ERROR
    assert "(confirmed: `import sound" in undeclared.message


def test_a_static_error_on_a_module_the_wheel_imports_is_a_false_alarm(
    tmp_path: Path, links: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A static rule's false alarm, made on purpose: the verification must not let it block.
    from pkgforge.checker import engine

    real = engine.check_project

    def with_a_false_alarm(project: object) -> engine.CheckResult:
        result = real(project)  # type: ignore[arg-type]
        alarm = Finding(
            "src/sound/formats/wav.py", 1, 1, "PF404", "unresolved-import", Severity.ERROR,
            "`from sound.nothing import x`: no module sound.nothing",
        )  # fmt: skip
        return replace(result, findings=(*result.findings, alarm))

    monkeypatch.setattr(engine, "check_project", with_a_false_alarm)
    root = write_project(tmp_path / "sound", pyproject=pyproject())
    result = build(root, isolation=False)
    (settled,) = [f for f in result.findings if f.code == "PF404"]
    assert settled.severity is Severity.INFO
    assert "pkgforge's own false alarm: the built wheel imports `sound.formats.wav`" in (
        settled.message
    )
    assert settled.module == "sound.formats.wav"
    # Without the verification, the same static verdict stands and stops the build.
    with pytest.raises(CheckFailedError, match="nothing was built"):
        build(root, isolation=False, verify=False, outdir=tmp_path / "other")


def test_an_invalid_pyproject_still_stops_the_build_before_it_starts(
    tmp_path: Path, links: Path
) -> None:
    root = write_project(
        tmp_path / "sound", pyproject=pyproject().replace('version = "1.0"', "version = 1")
    )
    with pytest.raises(CheckFailedError, match="nothing was built") as caught:
        build(root, isolation=False)
    assert "PF501" in {f.code for f in caught.value.findings}


def test_dependencies_that_do_not_install_leave_the_static_verdict(
    tmp_path: Path, links: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Offline: pip has no index and the find-links folder lacks the dependency.
    root = write_project(tmp_path / "sound", pyproject=pyproject('"pf-nowhere-dep"'))
    result = build(root, isolation=False)
    assert result.verification is not None and not result.verification.ran
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("sound-1.0-py3-none-any.whl was not verified: pip could not ")
    assert "pf-nowhere-dep" in warnings[0]
    record = read_manifest(root / "dist").verification
    assert record is not None and record["ran"] is False
    assert "pf-nowhere-dep" in record["wheels"][0]["reason"]
    # The static verdict stands: a static error stops the build.
    (root / "src/sound/formats/__init__.py").write_text('__all__ = ["aiff"]\n')
    with pytest.raises(CheckFailedError, match=r"1 from 'pkgforge check'"):
        build(root, isolation=False, outdir=tmp_path / "out")


def test_publish_warns_about_a_build_that_was_not_verified(
    tmp_path: Path, links: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from pkgforge.release.publish import _warn_if_unverified

    root = write_project(tmp_path / "sound", pyproject=pyproject())
    build(root, isolation=False, verify=False)
    caplog.set_level(logging.WARNING, logger="pkgforge")
    _warn_if_unverified(read_manifest(root / "dist"))
    assert "uploading a build that was not verified (built with --no-verify)" in caplog.text
    caplog.clear()
    verify([root / "dist"])  # records the verification in the manifest
    _warn_if_unverified(read_manifest(root / "dist"))
    assert caplog.text == ""


@pytest.mark.slow
def test_build_verifies_with_uv_and_its_own_configuration(tmp_path: Path, links: Path) -> None:
    pytest.importorskip("uv")
    dependency_wheel(links, "pf-sound-dep")
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject('"pf-sound-dep"'),
        files={"src/sound/formats/wav.py": "import pf_sound_dep\n"},
    )
    result = build(root, isolation=False, installer="uv", sdist=False)
    assert result.verification is not None and result.verification.ran
    assert result.verification.installer == "uv"
    assert result.verification.findings == ()


def test_a_second_build_with_the_same_dependencies_reuses_the_environment(
    tmp_path: Path, links: Path
) -> None:
    dependency_wheel(links, "pf-sound-dep")
    root = write_project(tmp_path / "sound", pyproject=pyproject('"pf-sound-dep"'))
    first = build(root, isolation=False, sdist=False)
    (root / "src/sound/formats/aiff.py").write_text("RATE = 1\n")
    second = build(root, isolation=False, sdist=False)
    assert first.verification is not None and not first.verification.reused
    assert second.verification is not None and second.verification.reused
    assert "sound.formats.aiff" in second.verification.modules


def test_build_json_output(tmp_path: Path, links: Path, run_cli: RunCli) -> None:
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject(),
        files={"src/sound/formats/wav.py": "raise RuntimeError('needs a sound card')\n"},
    )
    status, out, err = run_cli("build", str(root), "--no-isolation", "--output-format", "json")
    assert status == 0, err
    report = json.loads(out)
    (finding,) = [f for f in report["findings"] if f["code"] == "PF412"]
    assert finding["severity"] == "warning"
    assert finding["module"] == "sound.formats.wav"
    assert finding["path"].endswith("src/sound/formats/wav.py")
    assert report["verification"]["ran"] is True
    assert [Path(a).name for a in report["artifacts"]] == [
        "sound-1.0.tar.gz",
        "sound-1.0-py3-none-any.whl",
    ]
    assert report["summary"]["has_errors"] is False


def test_build_json_output_when_the_build_is_refused(
    tmp_path: Path, links: Path, run_cli: RunCli
) -> None:
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject(),
        files={"src/sound/formats/wav.py": "from sound import nothing_here\n"},
    )
    status, out, err = run_cli("build", str(root), "--no-isolation", "--output-format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["summary"]["has_errors"] is True
    assert report["artifacts"] == []
    assert "error: the build has" in err


# -- verify ----------------------------------------------------------------------------


@pytest.fixture
def wheel(tmp_path: Path, links: Path) -> Path:
    dependency_wheel(links, "pf-yaml-dep")
    root = write_project(
        tmp_path / "src-sound",
        pyproject=pyproject(extra='[project.optional-dependencies]\nyaml = ["pf-yaml-dep"]\n'),
        files={"src/sound/formats/yaml.py": "import pf_yaml_dep\n"},
    )
    return build_wheel(root, tmp_path / "wheels")


def test_verify_a_wheel_built_elsewhere(wheel: Path) -> None:
    result = verify([wheel])
    (verification,) = result.verifications
    assert verification.ran and verification.wheel == wheel
    (finding,) = result.findings
    assert (finding.path, finding.severity) == (
        "sound-1.0-py3-none-any.whl/sound/formats/yaml.py",
        Severity.WARNING,
    )
    assert "comes from pf-yaml-dep (extra `yaml`)" in finding.message


def test_extras_install_each_extra_for_the_modules_that_need_it(wheel: Path) -> None:
    (verification,) = verify([wheel], extras=True).verifications
    assert verification.extras == ("yaml",)
    assert verification.findings == ()


def test_verify_with_another_interpreter(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "py"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (verification,) = verify([wheel], python=venv).verifications
    assert verification.ran
    assert verification.python == ".".join(map(str, sys.version_info[:3]))


def test_an_interpreter_requires_python_excludes_is_refused(tmp_path: Path, links: Path) -> None:
    root = write_project(
        tmp_path / "sound",
        pyproject=pyproject().replace('requires-python = ">=3.11"', 'requires-python = ">=3.99"'),
    )
    wheel = build_wheel(root, tmp_path / "wheels")
    with pytest.raises(UsageError, match=r"requires Python >=3\.99, and --python"):
        verify([wheel], python=sys.executable)
    (verification,) = verify([wheel]).verifications  # pkgforge's own Python: a warning
    assert not verification.ran
    assert "pass --python with an interpreter it supports" in verification.reason


def test_a_wheel_for_another_platform_is_skipped_naming_its_tags(
    tmp_path: Path, run_cli: RunCli
) -> None:
    wheel = write_wheel(tmp_path, [("sound/__init__.py", "")])
    foreign = wheel.with_name("sound-1.0-cp39-cp39-win_amd64.whl")
    wheel.rename(foreign)
    status, _, err = run_cli("verify", str(foreign))
    assert status == 1
    assert "sound-1.0-cp39-cp39-win_amd64.whl was not verified: " in err
    assert "is built for cp39-cp39-win_amd64" in err
    assert "error: no wheel could be verified" in err


def test_verify_defaults_to_the_last_build_and_records_it(
    tmp_path: Path, links: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "sound", pyproject=pyproject())
    build(root, isolation=False, verify=False)
    monkeypatch.chdir(root)
    status, out, err = run_cli("verify")
    assert status == 0, err
    assert "sound-1.0-py3-none-any.whl: 3 modules imported with Python" in out
    record = read_manifest(root / "dist").verification
    assert record is not None and record["ran"] is True
    assert manifest_path(root / "dist").is_file()


def test_verify_a_folder_of_wheels_without_a_manifest(wheel: Path) -> None:
    other = write_wheel(wheel.parent, [("echo/__init__.py", "")], name="echo")
    result = verify([wheel.parent])
    assert [v.wheel.name for v in result.verifications] == sorted([wheel.name, other.name])
    assert all(v.ran for v in result.verifications)


def test_verify_usage_errors(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "sound-1.0.tar.gz").write_bytes(b"")
    for argv, said in (
        ([str(tmp_path / "nowhere.whl")], "no such file or directory"),
        ([str(tmp_path / "sound-1.0.tar.gz")], "is not a wheel"),
        ([str(tmp_path / "empty")], "no wheel in"),
        (["--timeout", "0", str(tmp_path / "empty")], "not a positive number of seconds"),
    ):
        status, out, err = run_cli("verify", *argv)
        assert (status, out) == (2, ""), err
        assert said in err
        assert "Traceback" not in err


def test_verify_without_a_build_says_what_to_do(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli("verify")
    assert status == 2
    assert "error: dist: no such file or directory" in err
    assert "hint: run 'pkgforge build' first" in err


def test_verify_is_part_of_the_public_api() -> None:
    import pkgforge

    assert "verify" in pkgforge.__all__
    assert pkgforge.verify is verify
    assert callable(verify_wheel)


def test_check_import_build_and_verify_run_one_machinery_and_one_judge(
    tmp_path: Path, links: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker.engine import check
    from pkgforge.checker.importing import plan

    # Every run's results go through the plan's one collector, whatever called it.
    calls: list[bool] = []
    real = plan._collect

    def counting(*args: object, **kwargs: object) -> plan.ImportRun:
        run = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(run.clean)
        return run

    monkeypatch.setattr(plan, "_collect", counting)
    files = {
        "src/sound/formats/wav.py": "from sound.formats import _codec\n",
        "src/sound/formats/_codec.py": "X = 1\nfrom json import no_such_codec\n",
        "src/sound/formats/aiff.py": "raise OSError('no sound card')\n",
    }
    root = write_project(tmp_path / "sound", pyproject=pyproject(), files=files)
    checked = check(
        [root], select=["PF412"], use_cache=False, run_imports=True, python=sys.executable
    )
    with pytest.raises(CheckFailedError) as caught:
        build(root, isolation=False, sdist=False)
    built = [f for f in caught.value.findings if f.code == "PF412"]

    def said(findings: tuple[Finding, ...] | list[Finding]) -> list[tuple[str, str, int, str]]:
        return sorted(
            (f.module, str(f.severity), f.line, f.message.split(" (")[0].split(";")[0])
            for f in findings
        )

    assert calls == [False, True]  # check --import (the project's environment), then build
    assert said(checked.findings) == said(built) == [
        ("sound.formats", "error", 1, ("`from sound.formats import *` fails: ImportError: "
         "cannot import name 'no_such_codec' from 'json'")),
        ("sound.formats._codec", "warning", 2, ("`import sound.formats._codec` fails: "
         "ImportError: cannot import name 'no_such_codec' from 'json'")),
        ("sound.formats.aiff", "warning", 1,
         "`import sound.formats.aiff` fails: OSError: no sound card"),
        ("sound.formats.wav", "error", 1, ("`import sound.formats.wav` fails: ImportError: "
         "cannot import name 'no_such_codec' from 'json'")),
    ]  # fmt: skip


def test_an_installer_message_loses_the_credentials_of_index_urls() -> None:
    # pip hides them itself; another installer, or a proxy's message, may not.
    from pkgforge.release.verify.environment import _without_credentials

    said = "error: Failed to fetch https://ci:pf-token-9@pypi.example/simple/sound/ (401)"
    assert _without_credentials(said) == (
        "error: Failed to fetch https://***@pypi.example/simple/sound/ (401)"
    )
