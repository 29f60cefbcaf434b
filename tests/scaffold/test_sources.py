"""Templates from anywhere: built-in names, folders, git repositories (local, file://), zip files.

Every git repository here is made by the test (``git init``, commits, tags); nothing
reaches the network.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from pkgforge.errors import TemplateError, UsageError
from pkgforge.scaffold import new_project
from pkgforge.scaffold.digest import content_digest
from pkgforge.scaffold.sources import classify, open_template

README = "{{cookiecutter.project_name}}/README.md"


def make_template(root: Path, readme: str = "v1 {{ cookiecutter.greeting }}\n") -> Path:
    """A small cookiecutter template: one README that says which version made it."""
    (root / "{{cookiecutter.project_name}}").mkdir(parents=True)
    (root / "cookiecutter.json").write_text(
        json.dumps({"project_name": "x", "greeting": "Hello"}), encoding="utf-8"
    )
    (root / README).write_text(readme, encoding="utf-8")
    return root


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A template repository: v1 (tagged v1), then v2 on main, and a branch 'next' with v3."""
    root = make_template(tmp_path / "tpl-repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1")
    (root / README).write_text("v2 {{ cookiecutter.greeting }}\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "v2")
    git(root, "checkout", "-q", "-b", "next")
    (root / README).write_text("v3 {{ cookiecutter.greeting }}\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "v3")
    git(root, "checkout", "-q", "main")
    return root


@pytest.fixture
def scratch_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Python's temporary folder, watched: clones and unpacked zips must not stay in it."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def readme(result_dir: Path) -> str:
    return (result_dir / "README.md").read_text(encoding="utf-8")


def test_local_repository_path_renders_its_head_and_records_the_commit(
    work: Path, repo: Path, scratch_tmp: Path
) -> None:
    result = new_project("sound", template=str(repo), no_input=True, run_check=False)
    assert readme(result.project_dir) == "v2 Hello\n"
    state = result.state
    assert (state.kind, state.source, state.ref) == ("git", str(repo.resolve()), None)
    assert state.version == git(repo, "rev-parse", "main")
    assert list(scratch_tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("ref", "expected"), [("v1", "v1 Hello\n"), ("next", "v3 Hello\n"), ("main~1", "v1 Hello\n")]
)
def test_file_url_with_checkout_of_a_tag_branch_or_commit(
    work: Path, repo: Path, scratch_tmp: Path, ref: str, expected: str
) -> None:
    if ref == "main~1":  # a commit SHA
        ref = git(repo, "rev-parse", "main~1")
    url = repo.as_uri()
    result = new_project("sound", template=url, checkout=ref, no_input=True, run_check=False)
    assert readme(result.project_dir) == expected
    assert (result.state.kind, result.state.source, result.state.ref) == ("git", url, ref)
    assert result.state.version == git(repo, "rev-parse", f"{ref}^{{commit}}")
    assert list(scratch_tmp.iterdir()) == []


def test_git_plus_file_url(work: Path, repo: Path) -> None:
    url = "git+" + repo.as_uri()
    result = new_project("sound", template=url, no_input=True, run_check=False)
    assert readme(result.project_dir) == "v2 Hello\n"
    assert result.state.source == url


def test_directory_inside_a_repository(work: Path, tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    make_template(root / "templates" / "pylib", readme="pylib {{ cookiecutter.greeting }}\n")
    (root / "README.md").write_text("not a template\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    result = new_project(
        "sound",
        template=root.as_uri(),
        directory="templates/pylib",
        no_input=True,
        run_check=False,
    )
    assert readme(result.project_dir) == "pylib Hello\n"
    assert result.state.directory == "templates/pylib"
    assert result.state.version == git(root, "rev-parse", "HEAD")


def test_uncommitted_changes_of_a_local_repository_are_not_used_and_said_so(
    work: Path, repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (repo / README).write_text("dirty {{ cookiecutter.greeting }}\n", encoding="utf-8")
    result = new_project("sound", template=str(repo), no_input=True, run_check=False)
    assert readme(result.project_dir) == "v2 Hello\n"
    assert "uncommitted changes" in caplog.text


def test_unknown_ref_is_one_clear_error_and_leaves_nothing(
    work: Path, repo: Path, scratch_tmp: Path
) -> None:
    with pytest.raises(TemplateError, match="has no branch, tag or commit 'nope'"):
        new_project("sound", template=repo.as_uri(), checkout="nope", no_input=True)
    assert list(work.iterdir()) == []
    assert list(scratch_tmp.iterdir()) == []


def test_clone_failure_is_one_clear_error(
    work: Path, tmp_path: Path, scratch_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = (tmp_path / "no-such-repo").as_uri()
    with pytest.raises(TemplateError, match="git could not clone") as caught:
        new_project("sound", template=missing, no_input=True)
    assert "\n" not in caught.value.message
    assert "does not appear to be a git repository" in caught.value.message
    assert "Traceback" not in capsys.readouterr().err  # cookiecutter's own log stays quiet
    assert list(work.iterdir()) == []
    assert list(scratch_tmp.iterdir()) == []


def test_repository_without_cookiecutter_json(work: Path, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "README.md").write_text("hi\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    with pytest.raises(TemplateError, match=r"is not a cookiecutter template"):
        new_project("sound", template=root.as_uri(), no_input=True)


def test_missing_directory_inside_a_repository(work: Path, repo: Path) -> None:
    with pytest.raises(TemplateError, match=r"no cookiecutter\.json in 'nowhere'"):
        new_project("sound", template=str(repo), directory="nowhere", no_input=True)


def test_git_not_installed(
    work: Path, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(TemplateError, match="git is not installed"):
        new_project("sound", template=repo.as_uri(), no_input=True)
    assert list(work.iterdir()) == []


def zip_folder(folder: Path, target: Path, *, top: str = "tpl", date: tuple[int, ...] = ()) -> Path:
    """Zip ``folder`` as cookiecutter wants it: one top-level folder entry first."""
    stamp = date or (2020, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(zipfile.ZipInfo(f"{top}/", date_time=stamp), "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}", stamp)
                archive.writestr(info, path.read_bytes())
    return target


def test_zip_template_records_its_content_digest(
    work: Path, tmp_path: Path, scratch_tmp: Path
) -> None:
    folder = make_template(tmp_path / "tpl")
    archive = zip_folder(folder, tmp_path / "tpl.zip")
    result = new_project("sound", template=str(archive), no_input=True, run_check=False)
    assert readme(result.project_dir) == "v1 Hello\n"
    state = result.state
    assert (state.kind, state.source) == ("zip", str(archive.resolve()))
    # The digest is of the content, not of the archive: same as the folder's, any timestamps.
    assert state.version == content_digest(folder)
    again = zip_folder(folder, tmp_path / "again.zip", date=(2024, 5, 6, 7, 8, 10))
    with open_template(str(again)) as opened:
        assert opened.version == state.version
    assert list(scratch_tmp.iterdir()) == []


def test_zip_with_a_directory_inside(work: Path, tmp_path: Path) -> None:
    make_template(tmp_path / "bundle" / "templates" / "pylib")
    archive = zip_folder(tmp_path / "bundle", tmp_path / "bundle.zip", top="bundle")
    result = new_project(
        "sound", template=str(archive), directory="templates/pylib", no_input=True, run_check=False
    )
    assert readme(result.project_dir) == "v1 Hello\n"
    assert result.state.directory == "templates/pylib"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "is not a usable zip template"),
        ("no-top-folder", "is not a usable zip template"),
        ("no-cookiecutter-json", r"is not a cookiecutter template"),
    ],
)
def test_bad_zip_files(
    work: Path, tmp_path: Path, scratch_tmp: Path, content: bytes | str, message: str
) -> None:
    archive = tmp_path / "bad.zip"
    if content == "no-top-folder":
        with zipfile.ZipFile(archive, "w") as made:
            made.writestr("cookiecutter.json", "{}")
    elif content == "no-cookiecutter-json":
        with zipfile.ZipFile(archive, "w") as made:
            made.writestr("tpl/", "")
            made.writestr("tpl/README.md", "hi")
    else:
        assert isinstance(content, bytes)
        archive.write_bytes(content)
    with pytest.raises(TemplateError, match=message) as caught:
        new_project("sound", template=str(archive), no_input=True)
    assert "\n" not in caught.value.message
    assert list(work.iterdir()) == []
    assert list(scratch_tmp.iterdir()) == []


def test_missing_zip(work: Path, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"zip file .* does not exist"):
        new_project("sound", template=str(tmp_path / "gone.zip"), no_input=True)


def test_folder_template_records_its_path_and_digest(work: Path, tmp_path: Path) -> None:
    folder = make_template(tmp_path / "tpl")
    result = new_project("sound", template=str(folder), no_input=True, run_check=False)
    state = result.state
    assert (state.kind, state.source, state.ref, state.directory) == (
        "folder",
        str(folder.resolve()),
        None,
        None,
    )
    assert state.version == content_digest(folder)
    assert state.version.startswith("sha256:") and len(state.version) == 7 + 64


def test_folder_with_directory(work: Path, tmp_path: Path) -> None:
    make_template(tmp_path / "many" / "pylib")
    result = new_project(
        "sound", template=str(tmp_path / "many"), directory="pylib", no_input=True, run_check=False
    )
    assert result.state.directory == "pylib"
    assert result.state.version == content_digest(tmp_path / "many" / "pylib")


def test_checkout_needs_a_git_repository(work: Path, tmp_path: Path) -> None:
    folder = make_template(tmp_path / "tpl")
    with pytest.raises(UsageError, match="--checkout needs a git repository"):
        new_project("sound", template=str(folder), checkout="v1", no_input=True)
    with pytest.raises(UsageError, match="--checkout needs a git repository"):
        new_project("sound", template="minimal", checkout="v1", no_input=True)
    with pytest.raises(UsageError, match="--directory does not apply"):
        new_project("sound", template="minimal", directory="x", no_input=True)
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("gh:owner/repo", "git"),
        ("gl:owner/repo", "git"),
        ("https://example.org/owner/repo.git", "git"),
        ("git+https://example.org/owner/repo", "git"),
        ("git+ssh://git@example.org/owner/repo.git", "git"),
        ("git@example.org:owner/repo.git", "git"),
        ("file:///srv/templates/repo", "git"),
        ("https://example.org/templates/pylib.zip", "zip"),
        ("default", "builtin"),
        ("minimal", "builtin"),
    ],
)
def test_sources_are_told_apart_without_fetching(source: str, kind: str) -> None:
    spec = classify(source)
    assert (spec.kind, spec.source) == (kind, source)


def test_unknown_builtin_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no built-in template called 'fancy'") as caught:
        classify("fancy")
    assert "default, minimal" in (caught.value.hint or "")
    with pytest.raises(TemplateError, match="does not exist"):
        classify(str(tmp_path / "missing"))
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(TemplateError, match="is a file, not a template"):
        classify(str(tmp_path / "file.txt"))


def test_cli_new_from_a_git_tag(work: Path, repo: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    url = repo.as_uri()
    status, out, err = run_cli("new", "sound", "--no-input", "--template", url, "--checkout", "v1")
    assert status == 0, err
    sha = git(repo, "rev-parse", "v1")
    assert out.splitlines()[0] == f"Created sound/ (2 files) from template {url!r} {sha[:12]}"
    assert readme(work / "sound") == "v1 Hello\n"


def test_cli_git_failure_is_one_line(work: Path, repo: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    status, out, err = run_cli("new", "sound", "--template", str(repo), "--checkout", "nope")
    assert status == 1
    assert out == ""
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {str(repo.resolve())!r} has no branch, tag or commit 'nope'"]
    assert "Traceback" not in err


def test_builtin_templates_load_no_git_or_zip_machinery(tmp_path: Path) -> None:
    code = f"""
import sys
from pkgforge.scaffold import new_project
new_project("sound", output_dir={str(tmp_path)!r}, no_input=True, run_check=False)
heavy = ("cookiecutter.repository", "cookiecutter.vcs", "cookiecutter.zipfile", "requests")
print([name for name in heavy if name in sys.modules])
"""
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("stage", ["load_context", "render_into"])
def test_ctrl_c_with_a_git_template_leaves_no_project_and_no_clone(
    work: Path, repo: Path, scratch_tmp: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(f"pkgforge.scaffold.project.{stage}", interrupted)
    with pytest.raises(KeyboardInterrupt):
        new_project("sound", template=repo.as_uri(), no_input=True)
    assert list(work.iterdir()) == []
    assert list(scratch_tmp.iterdir()) == []
