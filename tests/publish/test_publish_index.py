"""``pkgforge publish`` against a real pypiserver with real twine uploads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from pkgforge.errors import PartialUploadError, PublishError, UsageError
from pkgforge.release.index import SimpleIndex
from pkgforge.release.manifest import sha256_of
from pkgforge.release.publish import publish


def _listed(local_index, name: str) -> dict[str, str | None]:
    index = SimpleIndex(local_index.simple_url)
    try:
        return {f.filename: f.sha256 for f in index.files(name).values()}
    finally:
        index.close()


def _publish_cli(run_cli, project, local_index, *extra: str):
    return run_cli("publish", str(project), "--repository-url", local_index.url, *extra)


@pytest.mark.slow
def test_upload_then_pip_install_from_the_index(
    run_cli, build_project, local_index, credentials, unique_name, tmp_path
) -> None:
    project = build_project(unique_name, "1.0", value="42")
    status, out, err = _publish_cli(run_cli, project, local_index)
    assert status == 0, err
    assert f"published {unique_name} 1.0: 2 files verified" in out
    dist = project / "dist"
    built = {p.name: sha256_of(p) for p in dist.iterdir() if p.is_file()}
    assert _listed(local_index, unique_name) == built

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # --isolated and no config file: the package can only come from the local index.
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    pip = [sys.executable, "-m", "pip", "--isolated", "--python", str(python), "install"]
    install = subprocess.run(
        [*pip, "--no-cache-dir", "--index-url", local_index.simple_url, unique_name],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    imported = subprocess.run(
        [str(python), "-c", f"import {unique_name.replace('-', '_')} as m; print(m.VALUE)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "42"


def test_library_result_and_dist_dir_path(build_project, local_index, credentials, unique_name):
    project = build_project(unique_name)
    result = publish(project / "dist", repository_url=local_index.url)
    assert result.project == unique_name and result.version == "1.0"
    assert not result.dry_run
    assert {f.action for f in result.files} == {"uploaded"}
    assert result.simple_url == local_index.simple_url
    assert all(f.url and f.url.startswith(local_index.url) for f in result.files)
    assert sorted(f.filename for f in result.uploaded) == local_index.files_of(unique_name)


def test_stale_files_in_dist_are_not_uploaded(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    build_project(unique_name, "0.9")
    project = build_project(unique_name, "1.0")  # dist/ still holds the 0.9 files
    assert len([p for p in (project / "dist").iterdir() if p.is_file()]) == 4
    status, _, err = _publish_cli(run_cli, project, local_index)
    assert status == 0, err
    on_index = local_index.files_of(unique_name)
    assert len(on_index) == 2
    assert all("-1.0" in name for name in on_index), on_index


def test_second_publish_fails_clearly_and_skip_existing_passes(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    assert _publish_cli(run_cli, project, local_index)[0] == 0
    before = {p.name: p.stat().st_mtime_ns for p in local_index.packages.iterdir()}

    status, _, err = _publish_cli(run_cli, project, local_index)
    assert status == 1
    assert "already has" in err and unique_name.replace("-", "_") in err
    assert "hint: an index never replaces a file" in err and "--skip-existing" in err
    assert "Traceback" not in err

    status, out, err = _publish_cli(run_cli, project, local_index, "--skip-existing")
    assert status == 0, err
    assert out.count("skipped (already on the index, same sha256)") == 2
    after = {p.name: p.stat().st_mtime_ns for p in local_index.packages.iterdir()}
    assert after == before  # nothing was uploaded again


def test_same_name_different_content_fails_even_with_skip_existing(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name, value="1")
    assert _publish_cli(run_cli, project, local_index)[0] == 0
    on_index = {n: sha256_of(local_index.packages / n) for n in local_index.files_of(unique_name)}
    build_project(unique_name, value="2")  # same version, other content
    status, _, err = _publish_cli(run_cli, project, local_index, "--skip-existing")
    assert status == 1
    assert "with other content" in err and "bump the version" in err
    assert {n: sha256_of(local_index.packages / n) for n in on_index} == on_index


@pytest.mark.parametrize("debug", [False, True])
def test_wrong_password_fails_clearly_without_showing_it(
    run_pkgforge, build_project, local_index, credentials, unique_name, debug
) -> None:
    project = build_project(unique_name)
    wrong = "pf-Wrong-9d8c7b6a-hunter3"
    argv = ["--debug"] if debug else []
    result = run_pkgforge(
        *argv,
        "publish",
        str(project),
        "--repository-url",
        local_index.url,
        env={"TWINE_PASSWORD": wrong},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "error: the index refused the credentials" in output
    assert "403 Forbidden" in output
    assert "TWINE_PASSWORD" in output  # the hint says what to fix
    assert wrong not in output
    assert local_index.password not in output
    if debug:
        assert "twine: " in output  # twine's own output was shown, redacted
    assert local_index.files_of(unique_name) == []


def test_password_in_url_reaches_twine_and_no_output(
    run_pkgforge, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    url = local_index.url.replace(
        "http://", f"http://{local_index.username}:{local_index.password}@"
    )
    result = run_pkgforge(
        "--debug",
        "publish",
        str(project),
        "--repository-url",
        url,
        env={"TWINE_USERNAME": "", "TWINE_PASSWORD": ""},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # twine got the URL's credentials (it says so, hiding the password) ...
    assert f"twine: username: {local_index.username}" in output
    assert "twine: password: <hidden>" in output
    # ... and no line of pkgforge's or twine's shows it.
    assert local_index.password not in output
    assert len(local_index.files_of(unique_name)) == 2


def test_pypirc_repository(
    run_cli, build_project, local_index, credentials, unique_name, monkeypatch, tmp_path
) -> None:
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    (tmp_path / "home" / ".pypirc").write_text(
        "[distutils]\nindex-servers =\n    local\n\n"
        f"[local]\nrepository = {local_index.url}\n"
        f"username = {local_index.username}\npassword = {local_index.password}\n",
        encoding="utf-8",
    )
    project = build_project(unique_name)
    # would win over --repository inside twine; the files must go where pkgforge verifies
    monkeypatch.setenv("TWINE_REPOSITORY_URL", "http://127.0.0.1:9/")
    status, out, err = run_cli("publish", str(project), "--repository", "local")
    assert status == 0, err
    assert "2 files verified" in out
    assert len(local_index.files_of(unique_name)) == 2

    status, _, err = run_cli("publish", str(project), "--repository", "elsewhere")
    assert status == 2
    assert "'elsewhere' is not in" in err and "index-servers" in err


def test_dry_run_uploads_nothing(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    status, out, err = _publish_cli(run_cli, project, local_index, "--dry-run")
    assert status == 0, err
    assert out.count("would upload") == 2
    assert "nothing uploaded" in out
    user = local_index.username
    assert f"credentials: TWINE_PASSWORD (username {user!r} from TWINE_USERNAME)" in out
    assert local_index.files_of(unique_name) == []
    assert _listed(local_index, unique_name) == {}


def test_dry_run_fails_where_the_upload_would_for_want_of_credentials(
    run_cli, build_project, local_index, credentials, unique_name, monkeypatch
) -> None:
    # It used to pass, and then the real run failed.
    project = build_project(unique_name)
    monkeypatch.delenv("TWINE_PASSWORD")
    status, out, err = _publish_cli(run_cli, project, local_index, "--dry-run")
    assert (status, out) == (1, "")
    first, hint = err.splitlines()[-2:]  # after the info line that says where it publishes
    assert first == (
        f"error: no password or API token for {local_index.url} in the environment, the URL, "
        "~/.pypirc or keyring: the upload would fail"
    )
    assert hint.startswith("hint: set TWINE_USERNAME and TWINE_PASSWORD, add username and")
    status, _, err = _publish_cli(run_cli, project, local_index)
    assert status == 1, err
    assert local_index.files_of(unique_name) == []


def test_dry_run_names_a_pypirc_section_as_the_source(
    run_cli, build_project, local_index, credentials, unique_name, monkeypatch, tmp_path
) -> None:
    project = build_project(unique_name)
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    rc = tmp_path / "home" / ".pypirc"
    rc.write_text(
        "[distutils]\nindex-servers = local\n\n"
        f"[local]\nrepository = {local_index.url}\n"
        f"username = {local_index.username}\npassword = {local_index.password}\n",
        encoding="utf-8",
    )
    status, out, err = run_cli("publish", str(project), "--repository", "local", "--dry-run")
    assert status == 0, err
    user = local_index.username
    assert f"credentials: ~/.pypirc [local] (username {user!r} from ~/.pypirc [local])" in out
    assert local_index.password not in out + err


def test_no_manifest_says_to_build(run_cli, local_index, credentials, tmp_path) -> None:
    (tmp_path / "proj" / "dist").mkdir(parents=True)
    (tmp_path / "proj" / "dist" / "stray-1.0-py3-none-any.whl").write_bytes(b"PK")
    status, _, err = run_cli("publish", str(tmp_path / "proj"), "--repository-url", local_index.url)
    assert status == 1
    assert err.startswith("error: no build manifest in")
    assert "hint: run 'pkgforge build'" in err


def test_tampered_artifact_says_to_build(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    wheel = next((project / "dist").glob("*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    status, _, err = _publish_cli(run_cli, project, local_index)
    assert status == 1
    assert f"{wheel.name} changed since 'pkgforge build' recorded it" in err
    assert "hint: run 'pkgforge build'" in err
    assert local_index.files_of(unique_name) == []


def test_localhost_by_name_is_loopback(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    url = local_index.url.replace("127.0.0.1", "localhost")
    status, out, err = run_cli("publish", str(project), "--repository-url", url, "--dry-run")
    assert status == 0, err
    assert "would upload" in out


def test_partial_upload_is_reported_and_skip_existing_finishes(
    build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    sdist = next((project / "dist").glob("*.tar.gz")).name
    # twine uploads the wheel first; a directory where the sdist would be
    # written makes pypiserver fail (500) on the second file only.
    blocker = local_index.packages / sdist
    blocker.mkdir()
    try:
        with pytest.raises(PartialUploadError) as exc:
            publish(project, repository_url=local_index.url)
    finally:
        blocker.rmdir()
    err = exc.value
    assert err.uploaded == (sdist.replace(".tar.gz", "-py3-none-any.whl"),)
    assert err.missing == (sdist,)
    assert "partial upload" in err.message and "500" in err.message
    assert err.hint is not None and "--skip-existing" in err.hint

    with pytest.raises(PublishError, match="already has"):
        publish(project, repository_url=local_index.url)
    result = publish(project, repository_url=local_index.url, skip_existing=True)
    assert {f.filename: f.action for f in result.files} == {
        err.uploaded[0]: "skipped",
        sdist: "uploaded",
    }
    assert len(local_index.files_of(unique_name)) == 2


def test_upload_not_listed_afterwards_fails_verification(
    build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    # A simple API root that is not this index's: the upload lands, the check cannot see it.
    wrong_simple = local_index.url + "nosuchroot/simple/"
    with pytest.raises(PublishError, match="does not list") as exc:
        publish(project, repository_url=local_index.url, simple_url=wrong_simple)
    assert "PKGFORGE_SIMPLE_URL" in (exc.value.hint or "")


def test_unreachable_index(run_cli, build_project, credentials, unique_name) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connection refused
        project = build_project(unique_name)
        status, _, err = run_cli(
            "publish", str(project), "--repository-url", f"http://127.0.0.1:{port}/"
        )
    assert status == 1
    assert "cannot reach the index" in err
    assert "hint: check the URL" in err


def test_no_credentials_at_all(
    run_cli, build_project, local_index, credentials, unique_name, monkeypatch
) -> None:
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    project = build_project(unique_name)
    status, _, err = _publish_cli(run_cli, project, local_index)
    assert status == 1
    assert "error: " in err and "Traceback" not in err
    assert "TWINE_USERNAME" in err
    assert local_index.files_of(unique_name) == []


def test_manifest_names_a_file_that_is_gone(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    shutil.rmtree(project / "src")
    next((project / "dist").glob("*.tar.gz")).unlink()
    status, _, err = _publish_cli(run_cli, project, local_index)
    assert status == 1
    assert "from the last build is missing" in err


def test_dry_run_with_skip_existing_reports_what_it_would_skip(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    wheel = next((project / "dist").glob("*.whl"))
    # only the wheel is on the index, uploaded by twine itself
    upload = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "upload",
            "--non-interactive",
            "--repository-url",
            local_index.url,
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert upload.returncode == 0, upload.stdout + upload.stderr
    status, out, err = _publish_cli(run_cli, project, local_index, "--dry-run", "--skip-existing")
    assert status == 0, err
    assert f"{wheel.name}: would skip (already on the index, same sha256)" in out
    assert "tar.gz: would upload" in out
    assert local_index.files_of(unique_name) == [wheel.name]


def test_repository_and_url_together_is_a_usage_error(run_cli, build_project, tmp_path) -> None:
    status, _, err = run_cli(
        "publish", str(tmp_path), "--repository", "pypi", "--repository-url", "https://x/"
    )
    assert status == 2
    assert "not allowed with argument" in err
    with pytest.raises(UsageError, match="not both"):
        publish(tmp_path, repository="pypi", repository_url="https://x/")


def test_password_from_keyring(
    run_pkgforge, build_project, local_index, credentials, unique_name, tmp_path, monkeypatch
) -> None:
    # keyring's documented plug-in point: a backend class named by PYTHON_KEYRING_BACKEND
    backend = tmp_path / "kr" / "pf_test_keyring.py"
    backend.parent.mkdir()
    backend.write_text(
        "from keyring.backend import KeyringBackend\n\n\n"
        "class Backend(KeyringBackend):\n"
        "    priority = 1\n\n"
        "    def get_password(self, service, username):\n"
        f"        if username == {local_index.username!r} and service.startswith('http://127.0.0.1'):\n"
        f"            return {local_index.password!r}\n"
        "        return None\n\n"
        "    def set_password(self, service, username, password):\n"
        "        raise NotImplementedError\n\n"
        "    def delete_password(self, service, username):\n"
        "        raise NotImplementedError\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("TWINE_PASSWORD")
    project = build_project(unique_name)
    result = run_pkgforge(
        "--debug",
        "publish",
        str(project),
        "--repository-url",
        local_index.url,
        env={
            "PYTHON_KEYRING_BACKEND": "pf_test_keyring.Backend",
            "PYTHONPATH": str(backend.parent),
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "password set from keyring" in output  # twine's own words, shown with --debug
    assert local_index.password not in output
    assert len(local_index.files_of(unique_name)) == 2
