"""The summary cache: one append-only log per project, safe to corrupt, never trusted to
run code."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.cache import CACHE_DIR_NAME, SummaryCache, frame, records
from pkgforge.checker.engine import check, load_project
from pkgforge.checker.summary import ModuleSummary

CACHE_FILE = Path(CACHE_DIR_NAME) / "check-v3.log"


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"src/sound/__init__.py": "X = 1\n", "src/sound/echo.py": "Y = 2\n"})


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> ModuleSummary:
        raise AssertionError("a cached file was parsed again")

    monkeypatch.setattr("pkgforge.checker.parallel.summarize_source", refuse)


def test_cache_directory_is_tagged_and_ignored(project: Path) -> None:
    load_project(project)
    cache_dir = project / CACHE_DIR_NAME
    assert (
        (cache_dir / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (cache_dir / ".gitignore").read_text() == "*\n"
    assert sorted(p.name for p in cache_dir.iterdir()) == [
        ".gitignore",
        "CACHEDIR.TAG",
        "check-v3.lock",
        "check-v3.log",
    ]


def test_warm_run_parses_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_project(project)
    _no_parsing(monkeypatch)
    warm = load_project(project)
    assert [f.summary for f in warm.files] == [f.summary for f in cold.files]


def test_changed_file_is_parsed_again(project: Path) -> None:
    load_project(project)
    echo = project / "src" / "sound" / "echo.py"
    echo.write_text("Y = 2\nZ = 3\n", encoding="utf-8")
    os.utime(echo, ns=(1, 1))
    names = {f.module: f.summary.bound_names for f in load_project(project).files}
    assert names["sound.echo"] == {"Y", "Z"}


def test_removed_files_leave_the_cache(project: Path) -> None:
    load_project(project)
    (project / "src" / "sound" / "echo.py").unlink()
    load_project(project)
    cache = SummaryCache.load(project.resolve())
    assert set(cache.entries) == {"src/sound/__init__.py"}


def test_no_cache_reads_and_writes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check([project], use_cache=False)
    assert not (project / CACHE_DIR_NAME).exists()


@pytest.mark.parametrize(
    "junk",
    [b"", b"garbage", pickle.dumps(("old", (3, 0, 0))) + b"x", frame(b"H", pickle.dumps(("old",)))],
)
def test_corrupt_cache_is_ignored(project: Path, junk: bytes) -> None:
    (project / CACHE_DIR_NAME).mkdir()
    (project / CACHE_FILE).write_bytes(junk)
    assert len(load_project(project).files) == 2
    assert (project / CACHE_FILE).read_bytes() != junk  # rewritten


def test_a_planted_cache_cannot_run_code(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    header = SummaryCache(project).header
    (project / CACHE_DIR_NAME).mkdir()
    exploit = pickle.dumps(Exploit())
    (project / CACHE_FILE).write_bytes(
        frame(b"H", pickle.dumps(header))
        + frame(b"M", exploit)
        + frame(b"S", pickle.dumps(("src/sound/echo.py",)) + exploit)
        + frame(b"R", exploit)
    )
    load_project(project)
    assert not marker.exists()


def test_feature_version_change_invalidates(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_project(project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(">=3.11", ">=3.10"), encoding="utf-8")
    calls: list[object] = []
    real = __import__("pkgforge.checker.parallel", fromlist=["summarize_source"]).summarize_source

    def counting(*args: object, **kwargs: object) -> ModuleSummary:
        calls.append(kwargs.get("feature_version"))
        return real(*args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr("pkgforge.checker.parallel.summarize_source", counting)
    load_project(project)
    assert calls == [(3, 10), (3, 10)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_project_uses_the_user_cache_dir(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "usercache"))
    project.chmod(0o555)
    try:
        load_project(project)
        _no_parsing(monkeypatch)
        load_project(project)
    finally:
        project.chmod(0o755)
    assert not (project / CACHE_DIR_NAME).exists()
    assert list((tmp_path / "usercache").rglob("*.log"))


def test_unwritable_cache_location_falls_back(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores permissions, so block the project cache with a file instead."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "usercache"))
    (project / CACHE_DIR_NAME).write_text("not a directory", encoding="utf-8")
    load_project(project)
    assert list((tmp_path / "usercache").rglob("*.log"))
    _no_parsing(monkeypatch)
    assert len(load_project(project).files) == 2


def test_unchanged_project_is_answered_without_running_rules(
    project: Path, rule_runs: list[str]
) -> None:
    (project / "src" / "sound" / "Echo.py").write_text("", encoding="utf-8")
    first = check([project], select=["PF2"])
    assert [f.code for f in first.findings] == ["PF204"]
    assert rule_runs
    rule_runs.clear()
    assert check([project], select=["PF2"]).findings == first.findings
    assert rule_runs == []
    # A different selection, or a changed tree, runs the rules again.
    assert check([project], select=["PF204"]).findings == first.findings
    assert rule_runs == ["PF204"]
    (project / "src" / "sound" / "Echo.py").rename(project / "src" / "sound" / "echo2.py")
    assert check([project], select=["PF2"]).findings == ()


def test_tree_is_walked_again_only_when_a_directory_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker import walk

    load_project(project)
    walks: list[object] = []
    real_walk = walk._Walker.walk

    def counting(self: object, mount: object) -> None:
        walks.append(mount)
        real_walk(self, mount)  # type: ignore[arg-type]

    monkeypatch.setattr(walk._Walker, "walk", counting)
    load_project(project)
    assert walks == []
    (project / "src" / "sound" / "new.py").write_text("", encoding="utf-8")
    assert "sound.new" in load_project(project).modules
    assert len(walks) == 1
    load_project(project)
    assert len(walks) == 1


def test_memo_values_the_cache_cannot_read_back_are_dropped(project: Path) -> None:
    cache = SummaryCache.load(project)
    cache.remember("good", ("a", 1, [2.0, None], {"k": b"v"}))
    cache.remember("bad", Path("/x"))
    cache.save()
    again = SummaryCache.load(project)
    assert again.memo == {"good": ("a", 1, [2.0, None], {"k": b"v"})}


def test_changed_checker_code_invalidates_the_cache(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pkgforge.checker import cache

    load_project(project)
    assert SummaryCache.load(project.resolve()).entries
    monkeypatch.setattr(cache, "_code_stamp", lambda: "another build of pkgforge")
    assert SummaryCache.load(project.resolve()).entries == {}


def test_installing_a_distribution_invalidates_remembered_findings(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule_runs: list[str]
) -> None:
    # PF403/PF407/PF408 depend on what is installed, so the site-packages state is
    # part of what the remembered findings depend on.
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    check([project])
    rule_runs.clear()
    check([project])
    assert rule_runs == []
    (site / "newdist-1.0.dist-info").mkdir()
    os.utime(site, ns=(1, 1))  # a distinct mtime even on coarse clocks
    check([project])
    assert {"PF403", "PF407", "PF408"} <= set(rule_runs)


def test_a_write_cut_short_loses_only_that_record(project: Path) -> None:
    check([project])
    log = project / CACHE_FILE
    whole = log.read_bytes()
    torn = frame(b"S", pickle.dumps(("src/sound/echo.py",)) + pickle.dumps({}))[:-5]
    log.write_bytes(whole + torn)
    assert set(SummaryCache.load(project.resolve()).entries) == {
        "src/sound/__init__.py",
        "src/sound/echo.py",
    }
    echo = project / "src" / "sound" / "echo.py"
    echo.write_text("Y = 3\n", encoding="utf-8")
    os.utime(echo, ns=(2, 2))
    assert check([project]).findings == check([project], use_cache=False).findings
    repaired = log.read_bytes()
    assert torn not in repaired
    assert list(records(repaired))[-1][2] == len(repaired)


def test_a_re_check_appends_to_the_log(project: Path) -> None:
    check([project])
    log = project / CACHE_FILE
    before = log.read_bytes()
    echo = project / "src" / "sound" / "echo.py"
    echo.write_text("Y = 3\n", encoding="utf-8")
    os.utime(echo, ns=(2, 2))
    check([project])
    after = log.read_bytes()
    assert after.startswith(before)
    kinds = [kind for kind, _, _ in records(after[len(before) :])]
    assert kinds.count(b"S") == 1
