"""A real pypiserver that needs a password to upload, and real artifacts to upload.

The server is started once per test session (per xdist worker) on a free
port of 127.0.0.1; tests stay independent by using a distinct project name
each (see ``unique_name``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pkgforge.release.manifest import Artifact, Manifest, sha256_of, write_manifest

USERNAME = "uploader"
PASSWORD = "pf-Secret-4e9c1b7a-hunter2"  # distinctive, so a leak is unmistakable


@dataclass(frozen=True)
class LocalIndex:
    url: str
    """The upload URL (pypiserver takes uploads at its root)."""
    simple_url: str
    packages: Path
    """pypiserver's package directory: what is really on the index."""
    username: str
    password: str

    def files_of(self, name: str) -> list[str]:
        prefix = name.replace("-", "_")
        return sorted(p.name for p in self.packages.iterdir() if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def local_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIndex]:
    from passlib.apache import HtpasswdFile

    from tests.localindex import pypiserver

    root = tmp_path_factory.mktemp("pypiserver")
    packages = root / "packages"
    packages.mkdir()
    htpasswd = HtpasswdFile(str(root / "htpasswd"), new=True)
    htpasswd.set_password(USERNAME, PASSWORD)
    htpasswd.save()
    options = ["-P", str(root / "htpasswd"), "-a", "update"]
    with pypiserver(packages, root / "server.log", options) as url:
        yield LocalIndex(
            url=url,
            simple_url=f"{url}simple/",
            packages=packages,
            username=USERNAME,
            password=PASSWORD,
        )


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, local_index: LocalIndex) -> None:
    """twine credentials in the environment; no ~/.pypirc or TWINE_* of the user leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("TWINE_REPOSITORY", "TWINE_REPOSITORY_URL", "TWINE_CERT", "PKGFORGE_SIMPLE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TWINE_USERNAME", local_index.username)
    monkeypatch.setenv("TWINE_PASSWORD", local_index.password)
    # keyring would be asked for a password twine already has; keep it out of the way.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A distribution name no other test (or PyPI) uses."""
    return f"pf-{uuid.uuid4().hex[:10]}"


BuildProject = Callable[..., Path]


@pytest.fixture
def build_project(tmp_path: Path) -> BuildProject:
    """Write a tiny project NAME==VERSION and build it with PyPA build; return its dir.

    ``extra`` maps file names to text written at the project's root (setuptools
    puts a README.txt into the sdist only).

    The manifest is written like ``pkgforge build`` writes it, so publish
    sees exactly what a real build leaves behind. Building again into the
    same project (another version or content) replaces the manifest but
    leaves the older artifacts in dist/, as a real dist/ accumulates them.
    """

    def build(
        name: str, version: str = "1.0", *, value: str = "1", extra: dict[str, str] | None = None
    ) -> Path:
        from build import ProjectBuilder
        from pyproject_hooks import quiet_subprocess_runner as quiet

        import_name = name.replace("-", "_")
        project = tmp_path / name
        package = project / "src" / import_name
        package.mkdir(parents=True, exist_ok=True)
        (project / "pyproject.toml").write_text(
            textwrap.dedent(f"""\
                [build-system]
                requires = ["setuptools>=77"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "{name}"
                version = "{version}"
                requires-python = ">=3.11"
                """),
            encoding="utf-8",
        )
        (package / "__init__.py").write_text(f"VALUE = {value}\n", encoding="utf-8")
        for relative, text in (extra or {}).items():
            (project / relative).write_text(text, encoding="utf-8")
        dist = project / "dist"
        dist.mkdir(exist_ok=True)
        staging = tmp_path / f"staging-{uuid.uuid4().hex[:6]}"
        builder = ProjectBuilder(project, python_executable=sys.executable, runner=quiet)
        built = [Path(builder.build(kind, staging)) for kind in ("sdist", "wheel")]
        artifacts = []
        for path in built:
            final = dist / path.name
            path.replace(final)
            kind = "wheel" if final.suffix == ".whl" else "sdist"
            artifacts.append(Artifact(final.name, kind, final.stat().st_size, sha256_of(final)))
        write_manifest(dist, Manifest(name, version, tuple(artifacts)))
        return project

    return build


@pytest.fixture
def run_pkgforge() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``python -m pkgforge ARGV`` in a subprocess: the whole output, tracebacks included."""

    def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pkgforge", *argv],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            check=False,
            timeout=120,
        )

    return run


# -- indexes that misbehave ----------------------------------------------------


@dataclass
class FakeIndex:
    """A hand-made index on 127.0.0.1; ``posts`` counts the upload requests it got."""

    url: str
    posts: list[bytes]
    gets: list[str]


def _drain(conn: socket.socket, stop: threading.Event) -> None:
    """Read and drop what a client sends, never answering, until told to stop."""
    conn.settimeout(0.1)
    with conn:
        while not stop.is_set():
            try:
                if not conn.recv(1 << 16):
                    return
            except TimeoutError:
                continue
            except OSError:
                return


@pytest.fixture
def silent_index() -> Iterator[str]:
    """Accepts every TCP connection, reads everything, never answers a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_drain, args=(conn, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/"
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture
def deaf_index() -> Iterator[str]:
    """Listens, but its accept queue is full and it never accepts: connecting hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers: list[socket.socket] = []
    try:
        for _ in range(16):
            filler = socket.socket()
            filler.settimeout(0.3)
            try:
                filler.connect(server.getsockname())
            except TimeoutError:
                filler.close()
                break  # the queue is full: the next SYN is dropped
            fillers.append(filler)
        else:
            pytest.skip("this kernel accepts connections for a listener that never accepts")
        yield f"http://127.0.0.1:{server.getsockname()[1]}/"
    finally:
        for filler in fillers:
            filler.close()
        server.close()


Answer = Callable[[BaseHTTPRequestHandler, threading.Event], None]


class _SmallBufferServer(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # Accepted sockets inherit it: a client's upload fills it at once.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        super().server_bind()


def _fake_index(  # type: ignore[no-untyped-def]
    on_post: Answer, *, answered_gets: int | None = None, read_uploads: bool = True
):
    """An index whose simple API has no files (404) and whose uploads ``on_post`` answers.

    With ``answered_gets``, the GETs after that many are never answered; without
    ``read_uploads``, an upload's body is never read (its headers are).
    """
    posts: list[bytes] = []
    gets: list[str] = []
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            gets.append(self.path)
            if answered_gets is not None and len(gets) > answered_gets:
                _never_answer(self, release)
                return
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            if read_uploads:
                posts.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            else:
                posts.append(b"")
            on_post(self, release)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = _SmallBufferServer(("127.0.0.1", 0), Handler)
    server.posts = posts  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FakeIndex(f"http://127.0.0.1:{server.server_address[1]}/", posts, gets)
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def _never_answer(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    release.wait()
    handler.close_connection = True


def _answer_500(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    body = b"<html><body><h1>500 Internal Server Error</h1>the database is down</body></html>"
    handler.send_response(500)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def hanging_uploads() -> Iterator[FakeIndex]:
    """Answers the simple API, takes every upload whole and never answers it."""
    yield from _fake_index(_never_answer)


@pytest.fixture
def failing_index() -> Iterator[FakeIndex]:
    """Answers the simple API and every upload with a 500, counting the uploads."""
    yield from _fake_index(_answer_500)


@pytest.fixture
def index_goes_silent() -> Iterator[FakeIndex]:
    """Answers the first simple-API request, then nothing at all: not the upload, not
    the listing after it."""
    yield from _fake_index(_never_answer, answered_gets=1)


@pytest.fixture
def unread_uploads() -> Iterator[FakeIndex]:
    """Answers the simple API; reads an upload's headers, never its body, never answers."""
    yield from _fake_index(_never_answer, read_uploads=False)


def _first_then_silence(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    if len(handler.server.posts) == 1:  # type: ignore[attr-defined]
        handler.send_response(200)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    else:
        _never_answer(handler, release)


@pytest.fixture
def silent_after_first_upload() -> Iterator[FakeIndex]:
    """Answers the first listing and accepts the first upload; then answers nothing."""
    yield from _fake_index(_first_then_silence, answered_gets=1)


def _echo_credentials(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    import base64

    sent = handler.headers.get("Authorization", "").removeprefix("Basic ")
    body = f"no upload for {base64.b64decode(sent).decode()} ({sent})".encode()
    handler.send_response(403, f"Forbidden: {base64.b64decode(sent).decode()}")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def echoing_index() -> Iterator[FakeIndex]:
    """Refuses every upload, quoting the credentials it got in its reason and body."""
    yield from _fake_index(_echo_credentials)
