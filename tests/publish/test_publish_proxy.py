"""An index behind a reverse proxy with a body-size limit (nginx's client_max_body_size).

The proxy forwards everything to the real pypiserver except request bodies
over the limit, which it answers with 413 the way nginx does: a common real
cause of "file too large" and of partial uploads.
"""

from __future__ import annotations

import http.client
import logging
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from pkgforge.errors import PartialUploadError
from pkgforge.release.publish import publish

_NGINX_413 = (
    b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
    b"<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def _proxy_handler(
    upstream: str, limit: int, *, lose_answers: bool = False
) -> type[BaseHTTPRequestHandler]:
    """Forward to ``upstream``; 413 over ``limit``; with ``lose_answers``, answer the
    forwarded upload of an sdist (twine's last) with 504, as a proxy does when the
    upstream is slow to reply."""
    host, port = urlsplit(upstream).hostname, urlsplit(upstream).port

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if length > limit:
                self.send_response(413)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(_NGINX_413)))
                self.end_headers()
                self.wfile.write(_NGINX_413)
                return
            conn = http.client.HTTPConnection(host, port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if lose_answers and self.command == "POST" and body and b".tar.gz" in body:
                response.status, response.reason, payload = 504, "Gateway Time-out", b"timeout"
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


def _serve(handler: type[BaseHTTPRequestHandler]):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def limited_proxy(local_index):
    """The local index behind a proxy that refuses request bodies over 8 KiB."""
    yield from _serve(_proxy_handler(local_index.url, 8 * 1024))


@pytest.fixture
def forgetful_proxy(local_index):
    """The local index behind a proxy that loses the answer to the sdist's upload."""
    yield from _serve(_proxy_handler(local_index.url, 1 << 30, lose_answers=True))


def test_file_too_large_partial_upload_then_skip_existing(
    build_project, local_index, limited_proxy, credentials, unique_name
) -> None:
    # README.txt goes into the sdist only: a 1 KiB wheel and a ~20 KiB sdist.
    project = build_project(unique_name, extra={"README.txt": secrets.token_hex(16 * 1024)})
    wheel = next((project / "dist").glob("*.whl")).name
    sdist = next((project / "dist").glob("*.tar.gz")).name

    with pytest.raises(PartialUploadError) as exc:
        publish(project, repository_url=limited_proxy)
    err = exc.value
    assert (err.uploaded, err.missing) == ((wheel,), (sdist,))
    # the reason phrase is "Request Entity Too Large" before Python 3.13, "Content Too Large" after
    assert "the index says the file is too large (413 " in err.message
    assert "nginx" in err.message  # the proxy's own words reach the user
    assert err.hint is not None and "--skip-existing" in err.hint
    assert local_index.files_of(unique_name) == [wheel]

    # the limit is lifted (here: straight to the index); --skip-existing finishes the job
    result = publish(project, repository_url=local_index.url, skip_existing=True)
    assert {f.filename: f.action for f in result.files} == {wheel: "skipped", sdist: "uploaded"}
    assert local_index.files_of(unique_name) == sorted([wheel, sdist])


def test_file_too_large_on_the_first_file(
    run_cli, build_project, local_index, limited_proxy, credentials, unique_name
) -> None:
    # a big module makes the wheel (the first upload) too large as well
    project = build_project(unique_name, extra={"README.txt": "x"})
    big = project / "src" / unique_name.replace("-", "_") / "blob.py"
    big.write_text(f'BLOB = "{secrets.token_hex(16 * 1024)}"\n', encoding="utf-8")
    project = build_project(unique_name)  # rebuild with the blob
    status, _, err = run_cli("publish", str(project), "--repository-url", limited_proxy)
    assert status == 1
    assert "error: the index says the file is too large (413" in err
    assert "partial upload" not in err
    assert "hint: make the artifact smaller" in err
    assert local_index.files_of(unique_name) == []


def test_lost_answer_after_the_upload_landed_is_verified_not_failed(
    build_project, local_index, forgetful_proxy, credentials, unique_name, caplog
) -> None:
    project = build_project(unique_name)
    with caplog.at_level(logging.WARNING, logger="pkgforge"):
        result = publish(project, repository_url=forgetful_proxy)
    assert [f.action for f in result.files] == ["uploaded", "uploaded"]
    assert "the upload failed" in caplog.text and "504" in caplog.text
    assert "the index lists every file" in caplog.text
    assert len(local_index.files_of(unique_name)) == 2
