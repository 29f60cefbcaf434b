"""False errors are bugs: on real, well-kept projects every error must be a real one.

Each project's error-level findings are held to ``real_projects_expected.json``:
every finding with bench/precision.py's verdict against the installed wheel
(confirmed, false, unjudged, or outside the wheel). An error that is not listed
there fails the test (a new false error, until judged); so does a confirmed error
that is no longer reported (a real problem the rules stopped finding). Listed
false errors that disappear are fixes, not failures; after an engine change,
``python bench/precision.py --write-expectations`` rewrites the list (and
shrinks it) from the same judging.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Severity


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pkgforge_real_projects", Path(__file__).with_name("real_projects.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _corpus()
EXPECTED = corpus.load_expected()
FILES_CHECKED: dict[str, int] = (
    json.loads(corpus.EXPECTED.read_text(encoding="utf-8")).get("files_checked", {})
    if corpus.EXPECTED.exists()
    else {}
)


def _param(name: str) -> Any:
    if FILES_CHECKED.get(name) == 0:
        # Discovery does not follow this build backend yet (issue 7, class 5).
        reason = "0 files checked: discovery misses the build backend's packages"
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason))
    return name


@pytest.mark.network
@pytest.mark.slow
@pytest.mark.parametrize("name", [_param(n) for n in sorted(corpus.PROJECTS)])
def test_errors_are_the_reviewed_ones(name: str, pytestconfig: pytest.Config) -> None:
    assert pytestconfig.cache is not None
    tree = corpus.fetch(name, pytestconfig.cache.mkdir("pkgforge-real-projects"))
    result = check([tree], use_cache=False)
    assert result.rule_errors == ()
    assert result.files_checked > 0
    reported = {
        (f.code, corpus.tree_path(f.path, tree), f.line): f.message
        for f in result.findings
        if f.severity is Severity.ERROR
    }
    expected = EXPECTED.get(name, {})
    new = [
        f"{c} {p}:{ln} {m}"
        for (c, p, ln), m in sorted(reported.items())
        if (c, p, ln) not in expected
    ]
    lost = [
        f"{c} {p}:{ln} ({e['reason']})"
        for (c, p, ln), e in sorted(expected.items())
        if e["verdict"] == "confirmed" and (c, p, ln) not in reported
    ]
    hint = f"judge them: python bench/precision.py {name} --list-false --write-expectations"
    assert new == [], f"errors nobody reviewed ({hint})"
    assert lost == [], "real errors no longer reported"


def test_expectations_name_corpus_projects() -> None:
    """The expectations file and the corpus agree on names (a renamed project would
    otherwise silently lose its expectations)."""
    assert set(EXPECTED) <= set(corpus.ALL_PROJECTS)
    assert set(FILES_CHECKED) <= set(corpus.ALL_PROJECTS)


def _precision() -> ModuleType:
    path = Path(__file__).parents[2] / "bench" / "precision.py"
    spec = importlib.util.spec_from_file_location("pkgforge_bench_precision", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses resolve their annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_held_out_sets_share_no_project_with_the_corpus_or_each_other() -> None:
    """A held-out set is evidence only while nothing was tuned on it: none of its projects
    may be in the original corpus or in another held-out set."""
    from packaging.utils import canonicalize_name

    precision = _precision()
    assert set(precision.HELD_OUT) < set(precision.CORPORA) == set(precision.ABOUT)
    seen: dict[str, str] = {}
    for corpus_name in ("original", *precision.HELD_OUT):
        for project in precision.CORPORA[corpus_name]:
            key = canonicalize_name(project)
            assert key not in seen, f"{project} is in {seen[key]} and in {corpus_name}"
            seen[key] = corpus_name
    # Every held-out list in bench/ is a registered corpus, so none escapes this check.
    bench = Path(__file__).parents[2] / "bench"
    listed = {f"bench/{p.name}" for p in bench.glob("held_out_projects*.py")}
    assert {precision.ABOUT[name].split()[0] for name in precision.HELD_OUT} == listed
    assert all(precision.CORPORA[name] for name in precision.HELD_OUT)


def test_fetch_only_downloads_and_checks_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--fetch-only`` fetches each sdist and wheel and never checks or judges: a
    held-out set can be downloaded before its measurement without anything seen of it.
    A project it cannot fetch is named, and the run fails."""
    precision = _precision()
    pins = precision.CORPORA["held-out-3"]
    some = sorted(pins)[:2]
    fetched: list[tuple[str, str, bool]] = []

    def fetch(name: str, cache: Path, version: str) -> Path:
        fetched.append((name, version, False))
        return cache / name

    def download(name: str, version: str, dest: Path, *, wheel: bool) -> Path | None:
        fetched.append((name, version, wheel))
        return None if name == some[1] else dest / f"{name}.whl"

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("--fetch-only checked or judged a project")

    monkeypatch.setattr(precision.corpus, "fetch", fetch)
    monkeypatch.setattr(precision.corpus, "download", download)
    monkeypatch.setattr(precision, "check_project", never)
    monkeypatch.setattr(precision, "judge_project", never)
    assert precision.main(["--corpus", "held-out-3", "--fetch-only", "--jobs", "1", *some]) == 1
    assert sorted(fetched) == sorted(
        (name, pins[name], wheel) for name in some for wheel in (False, True)
    )
    assert capsys.readouterr().out.splitlines() == [
        "fetched 1 of 2",
        f"{some[1]} {pins[some[1]]}: no wheel for this interpreter on PyPI",
    ]


def _tiny_wheel(folder: Path) -> Path:
    """A wheel whose modules fail (or not) in known ways."""
    import base64
    import hashlib
    import zipfile

    files = {
        "tiny/__init__.py": '__all__ = ["a", "missing"]\na = 1\n',
        "tiny/good.py": "import json\n",
        "tiny/bad.py": "import json\nfrom tiny.nothere import x\n",
        "tiny/plug-in.py": "X = 1\n",
        "tiny/dep.py": "import not_a_dependency_of_tiny\n",
        "tiny/cycle_a.py": "from tiny.cycle_b import B\nA = 1\n",
        "tiny/cycle_b.py": "B = 1\nfrom tiny.cycle_a import A\n",
        "tiny-1.0.dist-info/METADATA": (
            "Metadata-Version: 2.1\nName: tiny\nVersion: 1.0\nRequires-Python: >=3.11\n"
        ),
        "tiny-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append("tiny-1.0.dist-info/RECORD,,")
    path = folder / "tiny-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        zf.writestr("tiny-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.mark.slow
def test_precision_judges_findings_against_the_installed_wheel(tmp_path: Path) -> None:
    precision = _precision()
    wheel = precision.Wheel.open(_tiny_wheel(tmp_path))
    env = precision.Env("tiny", "1.0", wheel, venvs=tmp_path / "venvs")

    def verdict(code: str, path: str, line: int, message: str) -> str:
        _scope, found, _reason = precision.judge(env, code, path, line, message)
        return str(found)

    missing = "`from tiny.nothere import x`: no module named tiny.nothere"
    assert verdict("PF404", "src/tiny/bad.py", 2, missing) == "confirmed"
    assert verdict("PF404", "src/tiny/good.py", 1, missing) == "false"
    # The failure must be the predicted one, not any failure of the module.
    other = "`from tiny.other import y`: no module named tiny.other"
    assert verdict("PF404", "src/tiny/bad.py", 2, other) == "unjudged"
    undeclared = "`import not_a_dependency_of_tiny` needs `not_a_dependency_of_tiny`, which ..."
    assert verdict("PF407", "src/tiny/dep.py", 1, undeclared) == "confirmed"
    assert verdict("PF407", "src/tiny/good.py", 1, undeclared) == "false"
    assert verdict("PF302", "src/tiny/__init__.py", 1, "`missing` is listed in `__all__`") == (
        "confirmed"
    )
    assert verdict("PF302", "src/tiny/__init__.py", 1, "`a` is listed in `__all__`") == "false"
    assert verdict("PF201", "src/tiny/plug-in.py", 1, "module named 'plug-in'") == "false"
    assert verdict("PF410", "src/tiny/good.py", 1, "syntax error") == "false"
    cycle = (
        "`from tiny.cycle_a import A` fails with ImportError when tiny.cycle_a is imported first"
    )
    assert verdict("PF411", "src/tiny/cycle_b.py", 2, cycle) == "confirmed"
    # cycle_b binds B before it imports cycle_a: importing it first works.
    assert verdict("PF411", "src/tiny/cycle_b.py", 2, cycle.replace("_a is", "_b is")) == "false"
    # Not shipped in the wheel: not package code.
    assert verdict("PF404", "tools/make.py", 1, missing) == "outside"
    assert verdict("PF404", "src/tiny/tests/test_x.py", 1, missing) == "outside"
