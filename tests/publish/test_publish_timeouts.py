"""``publish`` never hangs: every request has a timeout, nothing is retried blindly.

The indexes here are real sockets on 127.0.0.1 (see conftest.py): one that
accepts connections and never answers, one that never accepts, one that takes
uploads and never answers them, one that answers every upload with a 500, and
the real pypiserver behind a proxy that loses the sdist's upload.
"""

from __future__ import annotations

import base64
import http.client
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from pkgforge.errors import PartialUploadError, PublishError, UsageError
from pkgforge.release.publish import publish

# Long enough for a loaded CI machine to answer a healthy request, short enough for tests.
TIMEOUT = 1.0
# A hang shows as a pytest timeout, not as a slow pass: the whole run is bounded.
WALL = 20.0


def _timed_publish(*args: object, **kwargs: object) -> tuple[BaseException, float]:
    start = time.monotonic()
    with pytest.raises(PublishError) as exc:
        publish(*args, **kwargs)  # type: ignore[arg-type]
    return exc.value, time.monotonic() - start


def _names(project) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    dist = project / "dist"
    return next(dist.glob("*.whl")).name, next(dist.glob("*.tar.gz")).name


def test_index_that_accepts_and_never_answers(
    silent_index, build_project, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    err, elapsed = _timed_publish(project, repository_url=silent_index, timeout=TIMEOUT)
    assert elapsed < WALL
    assert "did not answer within 1 s" in err.message
    assert "nothing was uploaded" in err.message
    assert err.hint is not None and "--timeout" in err.hint
    assert type(err) is PublishError


def test_index_that_never_accepts(deaf_index, build_project, credentials, unique_name) -> None:
    project = build_project(unique_name)
    err, elapsed = _timed_publish(project, repository_url=deaf_index, timeout=TIMEOUT)
    assert elapsed < WALL
    assert "did not accept a connection within 1 s" in err.message
    assert "nothing was uploaded" in err.message
    assert err.hint is not None and "--timeout" in err.hint


def test_upload_without_an_answer_is_an_error_and_not_retried(
    hanging_uploads, build_project, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    wheel, _ = _names(project)
    err, elapsed = _timed_publish(project, repository_url=hanging_uploads.url, timeout=TIMEOUT)
    assert elapsed < WALL
    # A retry after a read timeout could upload the file twice: one request, then stop.
    assert len(hanging_uploads.posts) == 1
    assert wheel.encode() in hanging_uploads.posts[0]
    assert f"did not answer the upload of {wheel} within 1 s" in err.message
    # The index answers its simple API and lists neither file.
    assert "nothing was uploaded" in err.message
    assert err.hint is not None and "--skip-existing" in err.hint


def test_upload_without_an_answer_from_a_hung_index_says_what_is_unknown(
    index_goes_silent, build_project, credentials, unique_name
) -> None:
    # The listing after the failed upload cannot tell either: the wheel may or may not be there.
    project = build_project(unique_name)
    wheel, sdist = _names(project)
    err, elapsed = _timed_publish(project, repository_url=index_goes_silent.url, timeout=TIMEOUT)
    assert elapsed < WALL
    assert len(index_goes_silent.posts) == 1
    assert f"did not answer the upload of {wheel} within 1 s" in err.message
    assert f"{wheel} may or may not have reached the index" in err.message
    assert f"{sdist} was not sent" in err.message
    assert err.hint is not None and "--skip-existing" in err.hint


def test_index_silent_after_the_first_file_says_what_it_knows(
    silent_after_first_upload, build_project, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    wheel, sdist = _names(project)
    start = time.monotonic()
    with pytest.raises(PartialUploadError) as exc:
        publish(project, repository_url=silent_after_first_upload.url, timeout=TIMEOUT)
    assert time.monotonic() - start < WALL
    err = exc.value
    assert len(silent_after_first_upload.posts) == 2
    assert (err.uploaded, err.missing) == ((wheel,), (sdist,))
    assert err.message == (
        f"partial upload: the index at 127.0.0.1:{silent_after_first_upload.url.split(':')[2][:-1]} "
        f"did not answer the upload of {sdist} within 1 s; {wheel} reached the index, "
        f"{sdist} may or may not have reached the index"
    )
    assert err.hint is not None and "--skip-existing" in err.hint


def test_upload_the_index_stops_taking(
    unread_uploads, build_project, credentials, unique_name
) -> None:
    # More than the socket buffers hold (4 MiB at most here): the send itself stalls.
    blob = base64.b64encode(os.urandom(6 << 20)).decode()
    project = build_project(unique_name, extra={"README.txt": "x"})
    package = project / "src" / unique_name.replace("-", "_")
    (package / "blob.py").write_text(f'BLOB = "{blob}"\n', encoding="utf-8")
    project = build_project(unique_name)
    wheel, _ = _names(project)
    assert (project / "dist" / wheel).stat().st_size > 5 << 20
    err, elapsed = _timed_publish(project, repository_url=unread_uploads.url, timeout=TIMEOUT)
    assert elapsed < WALL
    assert len(unread_uploads.posts) == 1
    assert "the index at 127.0.0.1:" in err.message
    assert f"stopped taking the upload of {wheel} for 1 s" in err.message
    assert "nothing was uploaded" in err.message


def _proxy(upstream: str, hang_on: bytes) -> type[BaseHTTPRequestHandler]:
    """Forward to ``upstream``, except an upload whose body holds ``hang_on``:
    take it whole, never forward it, never answer."""
    host, port = urlsplit(upstream).hostname, urlsplit(upstream).port

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        release = threading.Event()

        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if self.command == "POST" and body and hang_on in body:
                self.release.wait()
                self.close_connection = True
                return
            conn = http.client.HTTPConnection(host, port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in {"content-length", "transfer-encoding", "connection"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            conn.close()

        do_GET = _relay
        do_POST = _relay

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Proxy


@pytest.fixture
def sdist_hangs(local_index) -> Iterator[str]:
    """The real index behind a proxy that swallows the sdist's upload."""
    handler = _proxy(local_index.url, b'.tar.gz"')
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    handler.release.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def test_hang_on_the_second_file_is_a_partial_upload(
    sdist_hangs, build_project, local_index, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    wheel, sdist = _names(project)
    start = time.monotonic()
    with pytest.raises(PartialUploadError) as exc:
        publish(project, repository_url=sdist_hangs, timeout=TIMEOUT)
    assert time.monotonic() - start < WALL
    err = exc.value
    assert (err.uploaded, err.missing) == ((wheel,), (sdist,))
    assert err.message.startswith(f"partial upload: {wheel} reached the index, {sdist} did not")
    assert f"did not answer the upload of {sdist} within 1 s" in err.message
    assert err.hint is not None and "--skip-existing" in err.hint
    assert local_index.files_of(unique_name) == [wheel]

    result = publish(project, repository_url=local_index.url, skip_existing=True)
    assert {f.filename: f.action for f in result.files} == {wheel: "skipped", sdist: "uploaded"}


def test_a_500_is_reported_once_and_not_retried(
    run_pkgforge, failing_index, build_project, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    wheel, _ = _names(project)
    with pytest.raises(PublishError) as exc:
        publish(project, repository_url=failing_index.url, timeout=TIMEOUT)
    assert len(failing_index.posts) == 1
    assert exc.value.message.startswith(f"the index failed while uploading {wheel} (500 ")
    assert "the database is down" in exc.value.message
    assert "nothing was uploaded" in exc.value.message

    done = run_pkgforge("publish", str(project), "--repository-url", failing_index.url)
    assert done.returncode == 1
    assert len(failing_index.posts) == 2  # one more run, one more request
    assert done.stderr.count("error:") == 1 and done.stderr.count("500") == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_cli_against_an_index_that_never_answers(
    run_pkgforge, silent_index, build_project, credentials, unique_name
) -> None:
    project = build_project(unique_name)
    for extra, env in ((["--timeout", "1"], {}), ([], {"PKGFORGE_TIMEOUT": "1"})):
        start = time.monotonic()
        done = run_pkgforge(
            "publish", str(project), "--repository-url", silent_index, *extra, env=env
        )
        assert time.monotonic() - start < WALL + 10
        assert done.returncode == 1
        lines = done.stderr.splitlines()
        errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
        assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
        error = lines[errors[0]]
        assert error.startswith("error: the index at 127.0.0.1:")
        assert error.endswith("did not answer within 1 s; nothing was uploaded")
        assert lines[errors[0] + 1 :] == [lines[-1]] and lines[-1].startswith("hint: ")


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf"])
def test_bad_timeout_is_a_usage_error(run_cli, run_pkgforge, value, tmp_path) -> None:
    status, _, err = run_cli("publish", str(tmp_path), f"--timeout={value}")
    assert status == 2
    assert err.startswith("error: argument --timeout: ")
    assert "seconds" in err
    done = run_pkgforge("publish", str(tmp_path), env={"PKGFORGE_TIMEOUT": value})
    assert done.returncode == 2
    assert done.stderr.startswith("error: PKGFORGE_TIMEOUT ")


def test_timeout_error_never_shows_the_password(
    silent_index, build_project, credentials, unique_name, local_index
) -> None:
    project = build_project(unique_name)
    url = silent_index.replace("http://", f"http://bob:{local_index.password}@")
    err, _ = _timed_publish(project, repository_url=url, timeout=TIMEOUT)
    assert local_index.password not in err.message
    assert local_index.password not in (err.hint or "")


def test_an_index_that_quotes_the_password_does_not_get_it_shown(
    run_pkgforge, echoing_index, build_project, credentials, unique_name, local_index
) -> None:
    project = build_project(unique_name)
    for argv in ([], ["--debug"]):
        done = run_pkgforge(*argv, "publish", str(project), "--repository-url", echoing_index.url)
        assert done.returncode == 1
        assert "error: the index refused the credentials" in done.stderr
        assert "no upload for uploader:********" in done.stderr
        assert local_index.password not in done.stdout + done.stderr
        basic = base64.b64encode(f"uploader:{local_index.password}".encode()).decode()
        assert basic not in done.stdout + done.stderr


def test_library_refuses_a_bad_timeout(tmp_path) -> None:
    for bad in (0, -5, float("nan")):
        with pytest.raises(UsageError, match="above 0"):
            publish(tmp_path, repository_url="http://127.0.0.1:9/", timeout=bad)
