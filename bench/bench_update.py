"""``pkgforge update`` against ``cruft update`` on one cookiecutter template history.

Run: ``python bench/bench_update.py [--repeat N]`` (needs ``pip install cruft``).

One template is built as a local git repository with two tagged versions (v1, v2).
For every case, each tool makes a project from v1 (``cruft create``, ``pkgforge new
--template``), the same user edit is applied and committed, then the project is
updated to v2 (the license case changes an answer instead). The table shows each
case's outcome for both tools -- right, lost change, .rej, conflict markers (where
none were due), error -- and the median time of one update, with the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import user_python, which

P = "{{cookiecutter.project_name}}"
PKG = f"{P}/src/{{{{cookiecutter.import_name}}}}"
LICENSES = {"MIT": "MIT License\n\nPermission is hereby granted...\n", "Apache-2.0": "Apache\n"}

PYPROJECT = """\
[project]
name = "{{{{ cookiecutter.project_name }}}}"
version = "0.1.0"
license = "{{{{ cookiecutter.license }}}}"
requires-python = ">={python}"
readme = "README.md"
dependencies = []

[tool.ruff]
line-length = {length}
"""
CORE = '''\
"""Core."""


def hello() -> str:
    return "{greeting}"


def volume() -> int:
    return 10
'''
LOGO_V1 = b"\x89PNG\r\n\x1a\n\0\0v1"
LOGO_V2 = b"\x89PNG\r\n\x1a\n\0\0v2"
GUIDE = "# Guide\n\nRead this first.\nThen that.\nThen the rest.\n"


def version_1() -> dict[str, str | bytes]:
    return {
        "cookiecutter.json": json.dumps(
            {
                "project_name": "sound",
                "import_name": "{{ cookiecutter.project_name | replace('-', '_') }}",
                "license": ["MIT", "Apache-2.0"],
            }
        ),
        **{f"templates/licenses/{k}.txt": v for k, v in LICENSES.items()},
        f"{P}/pyproject.toml": PYPROJECT.format(python="3.9", length=88),
        f"{P}/README.md": "# {{ cookiecutter.project_name }}\n\n## Install\n\n    pip install it\n",
        f"{P}/LICENSE": "{% include 'licenses/' ~ cookiecutter.license ~ '.txt' %}",
        f"{PKG}/__init__.py": '"""The package."""\n\n__all__: list[str] = []\n',
        f"{PKG}/core.py": CORE.format(greeting="hello"),
        f"{P}/docs/old.md": GUIDE,
        f"{P}/CHANGES.txt": "0.1: first\n",
        f"{P}/logo.png": LOGO_V1,
    }


def version_2() -> dict[str, str | bytes]:
    tree = version_1()
    tree[f"{P}/pyproject.toml"] = PYPROJECT.format(python="3.11", length=100)
    readme = tree[f"{P}/README.md"]
    assert isinstance(readme, str)
    tree[f"{P}/README.md"] = readme.replace("pip install", "python -m pip install")
    tree[f"{PKG}/core.py"] = CORE.format(greeting="hello, world")
    del tree[f"{P}/docs/old.md"]
    tree[f"{P}/docs/guide.md"] = GUIDE + "And the changelog.\n"
    del tree[f"{P}/CHANGES.txt"]
    tree[f"{P}/CONTRIBUTING.md"] = "Pull requests welcome.\n"
    tree[f"{P}/logo.png"] = LOGO_V2
    return tree


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def make_template(root: Path) -> Path:
    repo = root / "template"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    for tag, tree in (("v1", version_1()), ("v2", version_2())):
        for child in repo.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        for relative, content in tree.items():
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                (repo / relative).write_bytes(content)
            else:
                (repo / relative).write_text(content)
        git("add", "-A", cwd=repo)
        git("commit", "-q", "-m", tag, cwd=repo)
        git("tag", tag, cwd=repo)
    return repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    path.write_text(text.replace(old, new, 1))


@dataclass(frozen=True)
class Case:
    name: str
    user_edit: Callable[[Path], None]
    judge: Callable[[Path], str]
    """"right", or what went wrong."""
    answers: dict[str, str] | None = None
    before_first_commit: bool = False
    """The edit is made before the project's first commit (a pre-commit hook, a quick fix)."""


def _markers(text: str) -> bool:
    return "<<<<<<<" in text or ">>>>>>>" in text


def judge_template_only(project: Path) -> str:
    text = (project / "pyproject.toml").read_text()
    return "right" if 'requires-python = ">=3.11"' in text else "lost change"


def judge_user_only(project: Path) -> str:
    text = (project / "src/sound/__init__.py").read_text()
    return "right" if "x = 1" in text else "lost change"


def judge_both_clean(project: Path) -> str:
    text = (project / "src/sound/core.py").read_text()
    if _markers(text):
        return "conflict markers"
    if "return 11" not in text or "hello, world" not in text:
        return "lost change"
    return "right"


def judge_overlap(project: Path) -> str:
    text = (project / "pyproject.toml").read_text()
    if "line-length = 120" in text and "line-length = 100" in text and _markers(text):
        return "right (conflict marked)"
    return "lost change"


def judge_license(project: Path) -> str:
    text = (project / "LICENSE").read_text()
    return "right" if text == LICENSES["Apache-2.0"] else "lost change"


def judge_rename(project: Path) -> str:
    guide = project / "docs/guide.md"
    if not guide.is_file():
        return "lost change"
    text = guide.read_text()
    if _markers(text):
        return "conflict markers"
    ok = "please" in text and "changelog" in text and not (project / "docs/old.md").exists()
    return "right" if ok else "lost change"


def judge_removed_changed(project: Path) -> str:
    path = project / "CHANGES.txt"
    return "right" if path.is_file() and "mine" in path.read_text() else "lost change"


def judge_user_deleted(project: Path) -> str:
    return "right" if not (project / "README.md").exists() else "file came back"


def judge_crlf(project: Path) -> str:
    data = (project / "src/sound/core.py").read_bytes()
    if b"<<<<<<<" in data:
        return "conflict markers"
    if b"return 11\r\n" not in data or b"hello, world" not in data:
        return "lost change"
    return "right" if data.count(b"\n") == data.count(b"\r\n") else "line endings mixed"


def judge_package_moved(project: Path) -> str:
    if not (project / "src/noise/core.py").is_file():
        return "package not moved"
    if (project / "src/sound").exists():
        return "package split in two"
    return "right" if (project / "src/noise/extra.py").is_file() else "lost change"


def judge_added_over_yours(project: Path) -> str:
    text = (project / "CONTRIBUTING.md").read_text()
    if "Mine" not in text:
        return "lost change"
    if "Pull requests" not in text:
        return "template's file dropped"
    return "right (conflict marked)" if _markers(text) else "right"


def judge_binary(project: Path) -> str:
    return "right" if (project / "logo.png").read_bytes() == LOGO_V2 else "lost change"


def judge_early_edit(project: Path) -> str:
    text = (project / "src/sound/core.py").read_text()
    if _markers(text):
        return "conflict markers"
    if "def volume() -> float:" not in text:
        return "lost change"
    return "right" if "hello, world" in text else "template change lost"


def early_edit(project: Path) -> None:
    # three lines below the template's change: inside the patch's context, not adjacent
    edit(project / "src/sound/core.py", "def volume() -> int:", "def volume() -> float:")


def user_module(project: Path) -> None:
    (project / "src/sound/extra.py").write_text("X = 1\n")


def own_contributing(project: Path) -> None:
    (project / "CONTRIBUTING.md").write_text("Mine.\n")


def user_only(project: Path) -> None:
    edit(project / "src/sound/__init__.py", "__all__: list[str] = []", "__all__ = ['x']\nx = 1")


def both_clean(project: Path) -> None:
    edit(project / "src/sound/core.py", "return 10", "return 11")


def overlap(project: Path) -> None:
    edit(project / "pyproject.toml", "line-length = 88", "line-length = 120")


def rename(project: Path) -> None:
    edit(project / "docs/old.md", "Read this first.", "Read this first, please.")


def removed_changed(project: Path) -> None:
    (project / "CHANGES.txt").write_text("0.1: first\n0.2: mine\n")


def user_deleted(project: Path) -> None:
    (project / "README.md").unlink()


def crlf(project: Path) -> None:
    core = project / "src/sound/core.py"
    core.write_bytes(core.read_bytes().replace(b"return 10", b"return 11").replace(b"\n", b"\r\n"))


def nothing(project: Path) -> None:
    del project


CASES = (
    Case("template-only change arrives", nothing, judge_template_only),
    Case("user-only change stays", user_only, judge_user_only),
    Case("both sides, different lines", both_clean, judge_both_clean),
    Case("both sides, same line", overlap, judge_overlap),
    Case("answer changed: license", nothing, judge_license, {"license": "Apache-2.0"}),
    Case("template renames a file you edited", rename, judge_rename),
    Case("template removes a file you changed", removed_changed, judge_removed_changed),
    Case("you deleted a file the template changed", user_deleted, judge_user_deleted),
    Case("CRLF file, template change", crlf, judge_crlf),
    Case("edited before the first commit", early_edit, judge_early_edit, before_first_commit=True),
    Case("template adds a file you already have", own_contributing, judge_added_over_yours),
    Case("binary file changed by the template", nothing, judge_binary),
    Case(
        "answer renames the package (your module)",
        user_module,
        judge_package_moved,
        {"import_name": "noise"},
    ),
)


def outcome(project: Path, case: Case, returncode: int) -> str:
    if list(project.rglob("*.rej")):
        return ".rej"
    try:
        verdict = case.judge(project)
    except OSError as err:
        verdict = f"error ({type(err).__name__})"
    if verdict.startswith("lost") and returncode != 0:
        return f"error (exit {returncode})"
    return verdict


def commit(project: Path, message: str) -> None:
    git("add", "-A", cwd=project)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=project)


def user_edit(project: Path, case: Case) -> None:
    git("init", "-q", "-b", "main", cwd=project)
    if case.before_first_commit:
        case.user_edit(project)
        commit(project, "new")
    else:
        commit(project, "new")
        case.user_edit(project)
        commit(project, "user edit")


def run_timed(argv: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode


def pkgforge_case(py: str, repo: Path, root: Path, case: Case) -> tuple[float, str]:
    out = root / "pkgforge"
    out.mkdir()
    subprocess.run(
        [
            py,
            "-m",
            "pkgforge",
            "new",
            "sound",
            "--template",
            str(repo),
            "--checkout",
            "v1",
            "--no-input",
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    project = out / "sound"
    user_edit(project, case)
    argv = [py, "-m", "pkgforge", "update", "--to", "v2"]
    if case.answers:
        argv = [py, "-m", "pkgforge", "update", "--to", "v1"]
        argv += [arg for k, v in case.answers.items() for arg in ("--set", f"{k}={v}")]
    seconds, code = run_timed(argv, project)
    return seconds, outcome(project, case, code)


def cruft_case(cruft: list[str], repo: Path, root: Path, case: Case) -> tuple[float, str]:
    out = root / "cruft"
    out.mkdir()
    subprocess.run(
        [*cruft, "create", str(repo), "--checkout", "v1", "--no-input", "--output-dir", str(out)],
        check=True,
        capture_output=True,
    )
    project = out / "sound"
    user_edit(project, case)
    argv = [*cruft, "update", "--skip-apply-ask", "--checkout", "v2"]
    if case.answers:
        argv = [*cruft, "update", "--skip-apply-ask", "--checkout", "v1"]
        argv += ["--variables-to-update", json.dumps(case.answers)]
    seconds, code = run_timed(argv, project)
    return seconds, outcome(project, case, code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs of every case per tool")
    args = parser.parse_args()
    cruft = which("cruft")
    if cruft is None:
        sys.exit("cruft is not installed: pip install cruft")
    py = user_python()
    with tempfile.TemporaryDirectory(prefix="bench-update-") as scratch:
        root = Path(scratch)
        config = root / "cookiecutterrc.yaml"
        config.write_text(f"replay_dir: {root / 'replay'}\ncookiecutters_dir: {root / 'cc'}\n")
        os.environ["COOKIECUTTER_CONFIG"] = str(config)
        gitconfig = root / "gitconfig"
        gitconfig.write_text("[user]\n\tname = Bench\n\temail = bench@example.org\n")
        os.environ["GIT_CONFIG_GLOBAL"] = str(gitconfig)
        repo = make_template(root)
        times: dict[str, list[float]] = {"pkgforge": [], "cruft": []}
        rows: list[tuple[str, str, str]] = []
        for index, case in enumerate(CASES):
            outcomes: dict[str, list[str]] = {"pkgforge": [], "cruft": []}
            for run in range(args.repeat):
                for tool in ("pkgforge", "cruft"):
                    folder = root / f"{index}-{run}-{tool}"
                    folder.mkdir()
                    if tool == "pkgforge":
                        seconds, verdict = pkgforge_case(py, repo, folder, case)
                    else:
                        seconds, verdict = cruft_case([py, "-m", "cruft"], repo, folder, case)
                    times[tool].append(seconds)
                    if verdict not in outcomes[tool]:
                        outcomes[tool].append(verdict)
            # runs that disagree show every outcome: "right / .rej"
            rows.append(
                (case.name, " / ".join(outcomes["pkgforge"]), " / ".join(outcomes["cruft"]))
            )
    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'case':<{width}}  {'pkgforge update':<24}  cruft update")
    for name, ours, theirs in rows:
        print(f"{name:<{width}}  {ours:<24}  {theirs}")
    right = {
        tool: sum(row[i].startswith("right") for row in rows)
        for i, tool in ((1, "pkgforge"), (2, "cruft"))
    }
    pk, cr = statistics.median(times["pkgforge"]), statistics.median(times["cruft"])
    print(
        f"\n{'cases right':<{width}}  {right['pkgforge']}/{len(rows):<22}  {right['cruft']}/{len(rows)}"
    )
    print(
        f"{'median time of one update':<{width}}  {pk * 1000:.0f} ms{'':<17}  "
        f"{cr * 1000:.0f} ms ({cr / pk:.2f}x pkgforge)"
    )


if __name__ == "__main__":
    main()
