"""The pieces of publish that need no index: redaction, URL resolution, parsing twine and pages."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests
from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential

from pkgforge.errors import PublishError, UsageError
from pkgforge.release.credentials import (
    find_credentials,
    is_loopback,
    resolve_target,
    simple_url_for,
)
from pkgforge.release.index import SimpleIndex, parse_html, parse_json
from pkgforge.release.redact import MASK, Redactor, redacting
from pkgforge.release.transport import NetworkFailure, check_timeout, host_of, network_failure
from pkgforge.release.upload import IndexFailure, _answered, body_text, explain, explain_network

SECRET = "s3cr3t-Value-77"
TOKEN = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ"


# -- redaction ---------------------------------------------------------------


def test_redactor_masks_known_secrets_and_secret_shapes() -> None:
    redact = Redactor.of([SECRET, None, ""])
    text = (
        f"pw={SECRET} token {TOKEN} url https://bob:{SECRET}x@host/ "
        "Authorization: Basic Ym9iOnB3 end"
    )
    out = redact(text)
    assert SECRET not in out and TOKEN not in out and "Ym9iOnB3" not in out
    assert "https://bob:********@host/" in out
    assert out.count(MASK) >= 4
    assert out.endswith(" end")


def test_redactor_masks_longest_secret_first_and_ignores_tiny_ones() -> None:
    redact = Redactor.of(["abc", "abcdef", "x"])
    assert redact("abcdef abc x") == f"{MASK} {MASK} x"
    assert SECRET not in repr(Redactor.of([SECRET]))


@pytest.mark.parametrize(
    "line",
    [
        "uploading sound-0.1.0-py3-none-any.whl",
        "GET https://index.example/simple/any/ 404",
        "wrote dist/any.tar.gz and many-any_thing",
    ],
)
def test_redactor_leaves_a_secret_inside_file_names_urls_paths_and_words(line: str) -> None:
    # Masking "any" in "py3-none-any.whl" would print the password itself.
    assert Redactor.of(["any"])(line) == line


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("password any was refused", f"password {MASK} was refused"),
        ("password 'any' was refused.", f"password '{MASK}' was refused."),
        ("credentials: bob:any.", f"credentials: bob:{MASK}."),
        ("https://bob:any@index.example/?token=any&x=1", None),
        ('{"password": "any"}', f'{{"password": "{MASK}"}}'),
        ("any", MASK),
    ],
)
def test_redactor_masks_a_secret_that_stands_as_a_whole_value(
    line: str, masked: str | None
) -> None:
    out = Redactor.of(["any"])(line)
    if masked is not None:
        assert out == masked
    assert "any" not in out.replace("index.example", "")


def test_redacting_filter_rewrites_log_records(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("pkgforge")
    with caplog.at_level(logging.DEBUG, logger="pkgforge"), redacting(log, Redactor.of([SECRET])):
        log.debug("sending %s to %s", SECRET, "index")
    log.debug("after %s", "the block")
    assert SECRET not in caplog.text
    assert f"sending {MASK} to index" in caplog.text


# -- where to upload ---------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "simple"),
    [
        ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/"),
        ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/simple/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/simple/"),
        ("https://pkgs.example.com/legacy/", "https://pkgs.example.com/simple/"),
        (
            "https://art.example.com/api/pypi/local-pypi",
            "https://art.example.com/api/pypi/local-pypi/simple/",
        ),
    ],
)
def test_simple_url_for(upload: str, simple: str) -> None:
    assert simple_url_for(upload) == simple


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.4.5", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("128.0.0.1", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_resolve_url_with_credentials_strips_them() -> None:
    target = resolve_target(
        repository=None,
        repository_url=f"http://bob:{SECRET}@127.0.0.1:9000/",
        environ={},
    )
    assert target.upload_url == "http://127.0.0.1:9000/"
    assert target.simple_url == "http://127.0.0.1:9000/simple/"
    assert (target.username, target.password, target.url_credentials) == ("bob", SECRET, True)
    assert SECRET not in repr(target)
    assert target.secrets == (SECRET,)


@pytest.mark.parametrize(
    ("url", "simple", "match"),
    [
        ("http://example.com/", None, "plain http to example.com"),
        ("http://10.1.2.3:8080/", None, "plain http to 10.1.2.3"),
        ("http://127.0.0.1:9000/", "http://mirror.example.com/simple/", "mirror.example.com"),
        ("ftp://example.com/", None, "not an http"),
        ("example.com/upload", None, "not an http"),
        ("http://bob:pw@127.0.0.1:port/", None, "not an http"),
    ],
)
def test_refused_urls(url: str, simple: str | None, match: str) -> None:
    with pytest.raises(UsageError, match=match) as exc:
        resolve_target(repository=None, repository_url=url, simple_url=simple, environ={})
    assert exc.value.hint


def test_refused_url_does_not_show_its_password() -> None:
    with pytest.raises(UsageError, match="plain http") as exc:
        resolve_target(
            repository=None, repository_url=f"http://bob:{SECRET}@example.com/up/", environ={}
        )
    assert SECRET not in str(exc.value) and SECRET not in (exc.value.hint or "")
    with pytest.raises(UsageError, match="not an http") as exc:
        resolve_target(
            repository=None,
            repository_url="http://127.0.0.1:9000/",
            simple_url=f"ftp://bob:{SECRET}@127.0.0.1/simple/",
            environ={},
        )
    assert SECRET not in str(exc.value)


def test_every_known_password_is_a_secret(tmp_path) -> None:
    rc = tmp_path / ".pypirc"
    rc.write_text(
        f"[distutils]\nindex-servers = corp\n[corp]\nrepository = https://c.example/\n"
        f"password = {SECRET}\n",
        encoding="utf-8",
    )
    env = {"TWINE_PASSWORD": "env-password"}
    target = resolve_target(
        repository="corp", repository_url=None, config_file=str(rc), environ=env
    )
    assert target.password == "env-password"
    assert set(target.secrets) == {"env-password", SECRET}


def test_defaults_follow_twine(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.pypirc
    missing = str(tmp_path / "none" / ".pypirc")
    env = {"TWINE_REPOSITORY_URL": "https://pkgs.example.com/legacy/"}
    assert resolve_target(repository=None, repository_url=None, environ=env).upload_url == (
        "https://pkgs.example.com/legacy/"
    )
    # no ~/.pypirc at all: twine still knows pypi
    target = resolve_target(repository=None, repository_url=None, environ={}, config_file=None)
    assert (target.repository, target.upload_url) == ("pypi", "https://upload.pypi.org/legacy/")
    assert target.simple_url == "https://pypi.org/simple/"
    no_pypirc = rf"there is no \.pypirc \({re.escape(str(tmp_path / '.pypirc'))}\), so "
    with pytest.raises(UsageError, match=no_pypirc + "repository 'x' is unknown"):
        resolve_target(repository=None, repository_url=None, environ={"TWINE_REPOSITORY": "x"})
    with pytest.raises(UsageError, match=no_pypirc + "repository 'nosuch' is unknown") as exc:
        resolve_target(repository="nosuch", repository_url=None, environ={})
    assert "--repository-url" in (exc.value.hint or "")
    with pytest.raises(UsageError, match=r"no \.pypirc"):
        resolve_target(repository="pypi", repository_url=None, config_file=missing, environ={})


def test_pypirc_sections(tmp_path) -> None:
    rc = tmp_path / ".pypirc"
    rc.write_text(
        "[distutils]\nindex-servers = pypi testpypi corp nourl\n\n"
        f"[testpypi]\nusername = __token__\npassword = {TOKEN}\n\n"
        f"[corp]\nrepository = https://corp.example.com/pypi/\nusername = me\npassword = {SECRET}\n"
        "ca_cert = /etc/corp-ca.pem\n",
        encoding="utf-8",
    )
    test = resolve_target(
        repository="testpypi", repository_url=None, config_file=str(rc), environ={}
    )
    assert test.upload_url == "https://test.pypi.org/legacy/"
    assert test.simple_url == "https://test.pypi.org/simple/"
    assert test.password == TOKEN and test.repository == "testpypi"
    corp = resolve_target(repository="corp", repository_url=None, config_file=str(rc), environ={})
    assert corp.simple_url == "https://corp.example.com/pypi/simple/"
    assert corp.ca_cert == "/etc/corp-ca.pem" and corp.client_cert is None
    assert corp.password == SECRET
    # the environment wins over .pypirc, as in twine
    env = {"TWINE_PASSWORD": "from-env"}
    assert resolve_target(
        repository="corp", repository_url=None, config_file=str(rc), environ=env
    ).password == ("from-env")
    with pytest.raises(PublishError, match="has no 'repository' URL"):
        resolve_target(repository="nourl", repository_url=None, config_file=str(rc), environ={})
    with pytest.raises(UsageError, match="'other' is not in"):
        resolve_target(repository="other", repository_url=None, config_file=str(rc), environ={})


class _MemoryKeyring(KeyringBackend):
    """A keyring backend holding one password, for the lookups twine makes."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, system: str, username: str, password: str) -> None:
        super().__init__()
        self.stored = (system, username, password)

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored[2] if (service, username) == self.stored[:2] else None

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        return SimpleCredential(*self.stored[1:]) if service == self.stored[0] else None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


@pytest.fixture
def no_keyring() -> object:
    import keyring
    from keyring.backends.null import Keyring as NullKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(NullKeyring())
    yield keyring
    keyring.set_keyring(before)


CORP = "https://corp.example.com/pypi/"


@pytest.mark.parametrize(
    ("url", "env", "said"),
    [
        (
            CORP,
            {"TWINE_USERNAME": "bob", "TWINE_PASSWORD": SECRET},
            "TWINE_PASSWORD (username 'bob' from TWINE_USERNAME)",
        ),
        (
            f"https://bob:{SECRET}@corp.example.com/pypi/",
            {},
            "the repository URL (username 'bob' from the repository URL)",
        ),
        (
            "https://upload.pypi.org/legacy/",
            {"TWINE_PASSWORD": TOKEN},
            "TWINE_PASSWORD (username __token__, PyPI's default for API tokens)",
        ),
        (
            "https://upload.pypi.org/legacy/",
            {
                "GITHUB_ACTIONS": "true",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
                "ACTIONS_ID_TOKEN_REQUEST_URL": "https://example.invalid/",
            },
            "trusted publishing (GitHub Actions' OIDC token; PyPI must trust this workflow)",
        ),
        (
            "https://test.pypi.org/legacy/",
            {"GITLAB_CI": "true", "TESTPYPI_ID_TOKEN": "t"},
            "trusted publishing (GitLab's OIDC token in TESTPYPI_ID_TOKEN)",
        ),
    ],
)
def test_find_credentials_says_where_twine_finds_them(
    url: str, env: dict[str, str], said: str, no_keyring: object
) -> None:
    target = resolve_target(repository=None, repository_url=url, environ=env)
    assert find_credentials(target, env) == said
    assert SECRET not in said and TOKEN not in said


def test_find_credentials_reads_a_pypirc_and_keyring(tmp_path, no_keyring) -> None:  # type: ignore[no-untyped-def]
    import keyring

    rc = tmp_path / ".pypirc"
    rc.write_text(
        f"[distutils]\nindex-servers = corp\n\n[corp]\nrepository = {CORP}\nusername = me\n",
        encoding="utf-8",
    )
    target = resolve_target(repository="corp", repository_url=None, config_file=str(rc), environ={})
    with pytest.raises(PublishError, match="no password or API token for") as err:
        find_credentials(target, {})
    assert f"[corp] of {rc}" in (err.value.hint or "")
    keyring.set_keyring(_MemoryKeyring(CORP, "me", SECRET))
    assert find_credentials(target, {}) == f"keyring (username 'me' from {rc} [corp])"
    anonymous = resolve_target(repository=None, repository_url=CORP, environ={})
    assert find_credentials(anonymous, {}) == "keyring (username 'me' from keyring)"


@pytest.mark.parametrize(
    ("url", "env", "message", "hint"),
    [
        (CORP, {}, "no username for https://corp.example.com/pypi/", "TWINE_USERNAME and"),
        (CORP, {"TWINE_USERNAME": "bob"}, "no password or API token for", "TWINE_PASSWORD"),
        (
            "https://upload.pypi.org/legacy/",
            {},
            "no password or API token for https://upload.pypi.org/legacy/",
            "set TWINE_PASSWORD (an API token)",
        ),
        (
            "https://upload.pypi.org/legacy/",
            {"GITHUB_ACTIONS": "true"},
            "this GitHub Actions job cannot ask for an OIDC token",
            "permissions: id-token: write",
        ),
    ],
)
def test_find_credentials_refuses_what_would_fail(
    url: str, env: dict[str, str], message: str, hint: str, no_keyring: object
) -> None:
    target = resolve_target(repository=None, repository_url=url, environ=env)
    with pytest.raises(PublishError, match=re.escape(message)) as err:
        find_credentials(target, env)
    assert hint in (err.value.hint or "")


def test_malformed_pypirc_does_not_quote_its_lines(tmp_path) -> None:
    rc = tmp_path / ".pypirc"
    rc.write_text(f"[corp\npassword = {SECRET}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="is malformed") as exc:
        resolve_target(repository="corp", repository_url=None, config_file=str(rc), environ={})
    assert SECRET not in str(exc.value) and SECRET not in (exc.value.hint or "")


# -- reading simple API pages -----------------------------------------------

SHA = "a" * 64


def test_parse_pep503_html() -> None:
    page = f"""<!DOCTYPE html><html><head><base href="/root/"></head><body>
    <a href="../packages/demo-1.0-py3-none-any.whl#sha256={SHA.upper()}">demo-1.0-py3-none-any.whl</a>
    <a href="https://files.example.com/demo-1.0.tar.gz#md5=abc" data-requires-python="&gt;=3.11">
      demo-1.0.tar.gz</a>
    <a href="/x/demo%2B1-2.0.zip">   </a>
    </body></html>"""
    files = parse_html(page, "http://idx.example.com/simple/demo/")
    assert [(f.filename, f.url, f.sha256) for f in files] == [
        (
            "demo-1.0-py3-none-any.whl",
            "http://idx.example.com/packages/demo-1.0-py3-none-any.whl",
            SHA,
        ),
        ("demo-1.0.tar.gz", "https://files.example.com/demo-1.0.tar.gz", None),
        ("demo+1-2.0.zip", "http://idx.example.com/x/demo%2B1-2.0.zip", None),
    ]


def test_parse_pep691_json() -> None:
    page = json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "name": "demo",
            "files": [
                {"filename": "demo-1.0.tar.gz", "url": "../../f/demo-1.0.tar.gz", "hashes": {}},
                {
                    "filename": "demo-1.0-py3-none-any.whl",
                    "url": "https://f.example.com/w.whl",
                    "hashes": {"sha256": SHA},
                },
            ],
        }
    )
    files = parse_json(page, "https://idx.example.com/simple/demo/")
    assert [(f.filename, f.url, f.sha256) for f in files] == [
        ("demo-1.0.tar.gz", "https://idx.example.com/f/demo-1.0.tar.gz", None),
        ("demo-1.0-py3-none-any.whl", "https://f.example.com/w.whl", SHA),
    ]
    with pytest.raises(ValueError, match=r"version 2\.0"):
        parse_json(json.dumps({"meta": {"api-version": "2.0"}, "files": []}), "https://x/")


class _Pep691Index(BaseHTTPRequestHandler):
    """A JSON-only index that wants a password to read, hashes nothing, and sends
    unknown projects elsewhere (as pypiserver does)."""

    payload = b"wheel bytes"
    cdn_saw_auth: ClassVar[list[bool]] = []

    def do_GET(self) -> None:
        if self.path == "/cdn/w":  # "another host" (localhost, not 127.0.0.1): no login
            type(self).cdn_saw_auth.append(self.headers.get("Authorization") is not None)
            self._send(200, "application/octet-stream", self.payload)
        elif self.headers.get("Authorization") is None:
            self._send(401, "text/plain", b"login first")
        elif self.path == "/simple/demo-pkg/":
            body = {
                "meta": {"api-version": "1.0"},
                "files": [
                    {"filename": "demo_pkg-1.0-py3-none-any.whl", "url": "/f/w", "hashes": {}}
                ],
            }
            self._send(200, "application/vnd.pypi.simple.v1+json", json.dumps(body).encode())
        elif self.path == "/f/w":
            self._send(
                302, "text/plain", b"", location=f"http://localhost:{self.server.server_port}/cdn/w"
            )
        elif self.path == "/simple/Demo_Pkg/":
            self._send(301, "text/plain", b"", location="/simple/demo-pkg/")
        elif self.path == "/simple/broken/":
            self._send(500, "text/html", b"<html><body><h1>Boom</h1>db down</body></html>")
        else:
            self._send(302, "text/plain", b"", location=f"https://pypi.org{self.path}")

    def _send(self, status: int, ctype: str, body: bytes, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def json_index():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pep691Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    server.shutdown()
    server.server_close()


def test_simple_index_json_auth_download_and_foreign_redirect(json_index: str) -> None:
    index = SimpleIndex(json_index, auth=("bob", SECRET), redact=Redactor.of([SECRET]))
    try:
        files = index.files("Demo.Pkg")  # normalised to demo-pkg
        assert list(files) == ["demo_pkg-1.0-py3-none-any.whl"]
        remote = files["demo_pkg-1.0-py3-none-any.whl"]
        assert remote.sha256 is None
        assert index.sha256(remote) == hashlib.sha256(_Pep691Index.payload).hexdigest()
        assert _Pep691Index.cdn_saw_auth == [False]  # followed off the index, without the password
        assert index.files("not-here") == {}  # sent to pypi.org: not on this index
        with pytest.raises(PublishError, match="answered 500") as exc:
            index.files("broken")
        assert "Boom db down" in str(exc.value)
    finally:
        index.close()


def test_simple_index_without_credentials_is_refused(json_index: str) -> None:
    index = SimpleIndex(json_index)
    with pytest.raises(PublishError, match="answered 401") as exc:
        index.files("demo-pkg")
    assert "login first" in str(exc.value)
    index.close()


# -- twine's output and the index's answer ------------------------------------


def _response(status: int, reason: str, body: str) -> requests.Response:
    response = requests.Response()
    response.status_code, response.reason = status, reason
    response._content = body.encode()
    response.encoding = "utf-8"
    response.url = "http://127.0.0.1:8080/"
    return response


def test_answer_of_pypiserver_already_exists() -> None:
    page = (
        "<html><head><title>Error: 409 Conflict</title></head><body><pre>"
        "Package &#039;demo-1.0.tar.gz&#039; already exists!\n"
        "You may start server with `--overwrite` option.</pre></body></html>"
    )
    failure = _answered(_response(409, "Conflict", page), "demo-1.0.tar.gz")
    assert (failure.status, failure.reason, failure.filename) == (
        409,
        "Conflict",
        "demo-1.0.tar.gz",
    )
    assert failure.body == (
        "Package 'demo-1.0.tar.gz' already exists! You may start server with `--overwrite` option."
    )
    message, hint = explain(failure, "demo", "127.0.0.1:8080", 60)
    assert message.startswith("the index already has this file (409 Conflict: Package")
    assert "bump the version" in hint


def test_answer_of_pypi_in_the_reason_phrase() -> None:
    said = "The name 'requests2' isn't allowed. See https://pypi.org/help/#project-name"
    failure = _answered(_response(400, said, ""), "requests2-1.0-py3-none-any.whl")
    assert (failure.status, failure.reason) == (400, "Bad Request")
    assert failure.body == said
    message, hint = explain(failure, "requests2", "upload.pypi.org", 60)
    assert message.startswith("the index does not allow the project name 'requests2'")
    assert "[project] name" in hint


def test_answer_that_repeats_its_status_says_it_once() -> None:
    page = "<html><body><h1>500 Internal Server Error</h1>the database is down</body></html>"
    failure = _answered(_response(500, "Internal Server Error", page), "demo-1.0.tar.gz")
    message, _ = explain(failure, "demo", "127.0.0.1:8080", 60)
    assert message == (
        "the index failed while uploading demo-1.0.tar.gz "
        "(500 Internal Server Error: the database is down)"
    )
    assert failure.file_may_have_arrived  # an index can store a file and then fail
    assert not _answered(_response(403, "Forbidden", ""), "x").file_may_have_arrived


def test_network_failures_are_classified() -> None:
    with socket.socket() as sock:  # bound, not listening: refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with pytest.raises(requests.RequestException) as exc:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
    failure = network_failure(exc.value)
    assert failure.kind == "unreachable" and not failure.request_may_have_arrived
    read = network_failure(requests.ReadTimeout("Read timed out."))
    assert read.kind == "read-timeout" and read.request_may_have_arrived
    connect = network_failure(requests.ConnectTimeout("timed out"))
    assert connect.kind == "connect-timeout" and not connect.request_may_have_arrived
    stalled = requests.ConnectionError(OSError("Connection aborted.", TimeoutError("timed out")))
    assert network_failure(stalled).kind == "send-timeout"


@pytest.mark.parametrize(
    ("kind", "filename", "expected"),
    [
        ("connect-timeout", None, "the index at h:1 did not accept a connection within 2.5 s"),
        ("read-timeout", None, "the index at h:1 accepted the connection but did not answer within 2.5 s"),
        ("read-timeout", "d.whl", "the index at h:1 did not answer the upload of d.whl within 2.5 s"),
        ("send-timeout", "d.whl", "the index at h:1 stopped taking the upload of d.whl for 2.5 s"),
        ("unreachable", None, "cannot reach the index at h:1: refused"),
        ("network", "d.whl", "the connection to the index at h:1 broke during the upload of d.whl: refused"),
    ],
)  # fmt: skip
def test_explain_network(kind, filename, expected) -> None:
    failure = NetworkFailure(kind, "refused")
    message, hint = explain(IndexFailure(None, "", "", filename, network=failure), "d", "h:1", 2.5)
    assert message == expected
    if kind.endswith("timeout"):
        assert "--timeout SECONDS (now 2.5 s)" in hint
    if filename is None:
        assert (message, hint) == explain_network(failure, "h:1", 2.5)


def test_host_of_and_check_timeout() -> None:
    assert host_of("http://bob:pw@127.0.0.1:8080/x/") == "127.0.0.1:8080"
    assert host_of("https://[::1]:9/") == "[::1]:9"
    assert host_of("https://upload.pypi.org/legacy/") == "upload.pypi.org"
    assert check_timeout(0.5) == 0.5
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="above 0"):
            check_timeout(bad)


@pytest.mark.parametrize(
    ("status", "reason", "body", "starts", "hint_has"),
    [
        (401, "Unauthorized", "", "the index refused the credentials", "__token__"),
        (403, "Invalid or non-existent authentication information.", "", "the index refused", "TWINE_PASSWORD"),
        (409, "Conflict", "demo-1.0.tar.gz already exists", "the index already has this file", "--skip-existing"),
        (400, "File already exists. See https://pypi.org/help/#file-name-reuse", "", "the index already has", "bump"),
        (413, "Request Entity Too Large", "", "the index says the file is too large", "limit"),
        (400, "Bad Request", "File too large. Limit for project 'x' is 100 MB.", "the index says the file is too large", "limit"),
        (403, "Forbidden", "The user 'bob' isn't allowed to upload to project 'demo'.", "the index refused", "may upload demo"),
        (502, "Bad Gateway", "", "the index failed while uploading demo-1.0.tar.gz", "--skip-existing"),
        (422, "Unprocessable", "metadata broken", "the index rejected uploading demo-1.0.tar.gz", "answer"),
        (None, "", "NonInteractive: Credential not found for password.", "twine has no credentials", "TWINE_USERNAME"),
        (None, "", "InvalidDistribution: Unknown distribution format", "uploading demo-1.0.tar.gz failed", "--debug"),
        (None, "", "InvalidConfiguration: could not determine credentials", "twine has no credentials", "keyring"),
    ],
)  # fmt: skip
def test_explain(status, reason, body, starts, hint_has) -> None:
    message, hint = explain(IndexFailure(status, reason, body, "demo-1.0.tar.gz"), "demo", "h", 60)
    assert message.startswith(starts), message
    assert hint_has in hint
    if status:
        assert str(status) in message


def test_body_text() -> None:
    assert body_text(
        "<html><head><title>t</title></head><body><h1>403 No</h1>go away</body></html>"
    ) == ("403 No go away")
    assert body_text("plain &amp; simple\n text") == "plain & simple text"
    assert body_text("<pre>None</pre>") == ""
