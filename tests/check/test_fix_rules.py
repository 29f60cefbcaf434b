"""Every fix has a fixture: a project before, and the project as ``check --fix`` leaves it.

fixtures/fix/<case>/before is fixed (with the unsafe fixes for an unsafe rule) and must
then equal fixtures/fix/<case>/after byte for byte: the edits keep comments, quotes and
layout. ``{Name}`` in an ``after`` file stands for the version of the distribution
``Name`` installed here (PF407 bounds what it adds with it).
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

import pytest

import pkgforge
from pkgforge.checker.engine import check
from pkgforge.checker.findings import Finding

FIXTURES = Path(__file__).parent / "fixtures" / "fix"

# case -> (code, unsafe fixes needed, the findings left after the fix: (path, code))
CASES = {
    "pf101": ("PF101", True, []),
    "pf302": ("PF302", True, []),
    "pf303": ("PF303", False, []),
    "pf305": ("PF305", True, []),
    "pf306": ("PF306", True, []),
    # stop() uses none of the names; louder() binds one itself: no fix proves them alike
    "pf401": ("PF401", False, [("src/sound/player.py", "PF401")] * 2),
    # `import reverb.room`: no relative form binds `reverb` alike
    "pf403": ("PF403", False, [("src/sound/effects/surround.py", "PF403")]),
    "pf407": ("PF407", True, []),
    "pf408": ("PF408", True, []),
}


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pkgforge_cache" not in p.parts
    }


def _expected(case: str) -> dict[str, bytes]:
    files = _files(FIXTURES / case / "after")
    versions = {"{PyYAML}": metadata.version("PyYAML"), "{tomlkit}": metadata.version("tomlkit")}
    for path, data in files.items():
        text = data.decode("utf-8")
        for placeholder, version in versions.items():
            text = text.replace(placeholder, version)
        files[path] = text.encode("utf-8")
    return files


def _copy(case: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / case / "before", tmp_path / case))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fix_gives_the_fixture(case: str, tmp_path: Path) -> None:
    code, unsafe, left = CASES[case]
    project = _copy(case, tmp_path)
    before = check([project], select=[code], use_cache=False)
    assert before.findings, "the fixture has the problem"
    result = pkgforge.fix([project], select=[code], unsafe_fixes=unsafe, use_cache=False)
    assert result.written
    assert _files(project) == _expected(case)
    remaining = sorted((f.path, f.code) for f in result.remaining.findings)
    assert remaining == sorted(left)
    assert {f.code for f in result.fixed} == {code}
    assert len(result.fixed) == len(before.findings) - len(left)
    # what remains is what a check of the fixed project finds
    after = check([project], select=[code], use_cache=False)
    assert _plain(after.findings) == _plain(result.remaining.findings)


def _plain(findings: tuple[Finding, ...]) -> list[tuple[str, int, str, str]]:
    return [(f.path, f.line, f.code, f.message) for f in findings]


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][1]))
def test_an_unsafe_fix_waits_for_unsafe_fixes(case: str, tmp_path: Path) -> None:
    code, _, _ = CASES[case]
    project = _copy(case, tmp_path)
    files = _files(project)
    result = pkgforge.fix([project], select=[code], use_cache=False)
    assert result.fixed == () and result.changes == () and not result.written
    assert _files(project) == files
    assert result.hidden == result.remaining.findings  # each has an unsafe fix


def test_the_safe_fixes_run_alone_by_default(tmp_path: Path) -> None:
    """pf303's project has no other finding; pf306's gains a duplicate: only it goes."""
    project = _copy("pf306", tmp_path)
    init = project / "src" / "sound" / "__init__.py"
    init.write_text(init.read_text().replace('"_mix",', '"_mix", "echofilter",'))
    result = pkgforge.fix([project], use_cache=False)
    assert [f.code for f in result.fixed] == ["PF303"]
    assert [f.code for f in result.remaining.findings] == ["PF306"]
    assert '["echofilter", "_mix", "__version__"]' in init.read_text()


def test_pf407_declares_nothing_it_cannot_bound(tmp_path: Path) -> None:
    """A distribution not installed here has no version to bound it with: no fix."""
    project = _copy("pf407", tmp_path)
    (project / "src" / "sound" / "loader.py").write_text("import no_such_distribution_here\n")
    result = pkgforge.fix([project], select=["PF407"], unsafe_fixes=True, use_cache=False)
    pyproject = (project / "pyproject.toml").read_text()
    assert "no_such" not in pyproject and "no-such" not in pyproject
    assert [f.path for f in result.remaining.findings] == ["src/sound/loader.py"]
    assert [f.path for f in result.fixed] == ["src/sound/contrib/toml.py"]


def test_pf407_leaves_dynamic_dependencies_alone(tmp_path: Path) -> None:
    project = _copy("pf407", tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text().replace("dependencies = [\n    # none yet\n]\n", "")
    pyproject.write_text(
        text.replace('license = "MIT"', 'license = "MIT"\ndynamic = ["dependencies"]')
    )
    result = pkgforge.fix([project], select=["PF407"], unsafe_fixes=True, use_cache=False)
    assert result.changes == ()


def test_a_round_is_judged_by_what_the_check_after_it_finds() -> None:
    """New findings, findings made more severe, and findings a fix leaves in place all
    undo it; findings that only moved (a fix shifts lines) do not."""
    from pkgforge.checker.engine import CheckResult
    from pkgforge.checker.findings import Severity
    from pkgforge.checker.fix.base import Proposal
    from pkgforge.checker.fix.rounds import _Applied, _problem

    def finding(code: str, line: int, severity: Severity = Severity.WARNING) -> Finding:
        return Finding("m.py", line, 1, code, "name", severity, f"on line {line}", ("x",))

    dup, cycle = finding("PF303", 3), finding("PF406", 1)
    before = CheckResult((dup, finding("PF404", 9, Severity.ERROR)), 1)
    fixes = [_Applied(Proposal((dup,), {"m.py": b""}), {"m.py": b"old"})]
    moved = CheckResult((finding("PF404", 8, Severity.ERROR),), 1)
    assert _problem(before, moved, fixes) is None
    added = CheckResult((*moved.findings, cycle), 1)
    assert _problem(before, added, fixes) == (
        "it would add PF406 [name] (warning) at m.py:1: on line 1"
    )
    kept = CheckResult((finding("PF303", 3), *moved.findings), 1)
    assert _problem(before, kept, fixes) == "the fix does not remove the finding"
    worse = CheckResult((finding("PF404", 8, Severity.WARNING),), 1)
    assert _problem(CheckResult((dup, finding("PF404", 9, Severity.INFO)), 1), worse, fixes) == (
        "it would raise PF404 [name] (warning) at m.py:8: on line 8"
    )


def test_pf407_adds_an_extra_to_the_extras_there_are(tmp_path: Path) -> None:
    project = _copy("pf407", tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text().replace(
        "\n[tool.pkgforge]",
        '\n[project.optional-dependencies]\ncli = ["rich"]  # the CLI\n\n[tool.pkgforge]',
    )
    pyproject.write_text(text)
    pkgforge.fix([project], select=["PF407"], unsafe_fixes=True, use_cache=False)
    version = metadata.version("tomlkit")
    assert (
        '[project.optional-dependencies]\ncli = ["rich"]  # the CLI\n'
        f'tomlkit = ["tomlkit>={version}"]\n\n[tool.pkgforge]'
    ) in pyproject.read_text()


def test_pf403_is_not_fixed_when_the_module_reads_what_the_sibling_lacks(
    tmp_path: Path,
) -> None:
    """`import echo` beside echo.py, then `echo.zero`: echo.py has no `zero`, so another
    `echo` (a third-party package not installed here) may be meant; `echo.echofilter`
    is the sibling's."""
    project = _copy("pf403", tmp_path)
    effects = project / "src" / "sound" / "effects"
    (effects / "surround.py").write_text("def mix():\n    import echo\n\n    return echo.zero\n")
    (effects / "reverse.py").write_text("import echo\n\nFILTER = echo.echofilter\n")
    result = pkgforge.fix([project], select=["PF403"], use_cache=False)
    assert [f.path for f in result.fixed] == ["src/sound/effects/reverse.py"]
    assert (
        effects / "reverse.py"
    ).read_text() == "from . import echo\n\nFILTER = echo.echofilter\n"
    assert (effects / "surround.py").read_text().startswith("def mix():\n    import echo\n")


def test_pf302_never_empties_an_all(tmp_path: Path) -> None:
    """None of the names found: a module filled by what pkgforge cannot see (here a
    helper that swaps the module in sys.modules) more likely than a wrong `__all__`."""
    project = _copy("pf302", tmp_path)
    init = project / "src" / "sound" / "__init__.py"
    init.write_text(
        'from . import lazy\n\n__all__ = ["echofilter", "surround"]\n\nlazy.swap(__name__)\n'
    )
    (project / "src" / "sound" / "lazy.py").write_text("def swap(name): ...\n")
    before = init.read_bytes()
    result = pkgforge.fix([project], select=["PF302"], unsafe_fixes=True, use_cache=False)
    assert [f.code for f in result.remaining.findings] == ["PF302"]
    assert init.read_bytes() == before
