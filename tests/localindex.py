"""Package indexes on 127.0.0.1 for the tests.

- :func:`static_index`: has the projects a test names (PEP 503 pages), enough for the
  question ``new`` and ``publish --dry-run`` ask (does the index have this project?),
  with the ways real indexes differ: pypiserver sends a project it does not host to
  pypi.org (``redirect_missing``), some indexes refuse HEAD (``no_head``), and a slow
  or silent index answers late or never (``delay``).
- :func:`pypiserver`: a real pypiserver over a folder of distributions, which pip
  installs from (and, unless told otherwise, sends on to PyPI for what it lacks).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class LocalIndex:
    url: str
    """The simple API root (``http://127.0.0.1:PORT/simple/``)."""
    projects: set[str]
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(method, path) of every request, in order."""


@contextmanager
def static_index(
    projects: Iterable[str] = (),
    *,
    redirect_missing: str | None = None,
    no_head: bool = False,
    delay: float = 0.0,
) -> Iterator[LocalIndex]:
    index = LocalIndex("", {_canonical(p) for p in projects})
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            if no_head:
                self._send(405, b"")
                return
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, *, body: bool) -> None:
            index.requests.append((self.command, self.path))
            if delay:
                stop.wait(delay)
            match = re.fullmatch(r"/simple/([^/]+)/", self.path)
            name = _canonical(match.group(1)) if match else ""
            if name in index.projects:
                page = f'<a href="../../files/{name}-1.0.tar.gz">{name}-1.0.tar.gz</a>'
                self._send(200, f"<html><body>{page}</body></html>".encode(), body=body)
            elif redirect_missing is not None and match:
                self._send(303, b"", location=f"{redirect_missing}{match.group(1)}/")
            else:
                self._send(404, b"not found", body=body)

        def _send(
            self, status: int, content: bytes, *, body: bool = True, location: str | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(content)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            if body:
                self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    index.url = f"http://127.0.0.1:{server.server_address[1]}/simple/"
    try:
        yield index
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


@contextmanager
def pypiserver(
    packages: Path, log: Path, options: Sequence[str] = (), *, ready: str = "simple/"
) -> Iterator[str]:
    """Serve ``packages`` with pypiserver on a free port; yield its root URL.

    ``options`` go to ``pypiserver run`` (``-P htpasswd -a update``, ``--disable-fallback``);
    the server's log is written to ``log``. The server is up when ``ready`` answers 200 (an
    index that asks a password to list answers 401 there: wait for ``health`` instead).
    """
    with log.open("wb") as out:
        for _attempt in range(3):  # another process may grab the free port first
            port = _free_port()
            cmd = [sys.executable, "-m", "pypiserver", "run", "-p", str(port), "-i", "127.0.0.1"]
            proc = subprocess.Popen([*cmd, *options, str(packages)], stdout=out, stderr=out)
            if _wait_until_up(f"http://127.0.0.1:{port}/{ready}", proc):
                break
            proc.kill()
            proc.wait()
        else:
            raise RuntimeError(f"pypiserver did not start: {log.read_text()[-2000:]}")
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def isolated_pip_environ(**extra: str) -> dict[str, str]:
    """This environment without this machine's pip configuration or twine credentials:
    pip reads only what ``extra`` says (``PIP_INDEX_URL=...``)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "TWINE_", "VIRTUAL_ENV", "UV_", "PKGFORGE_OFFLINE"))
    }
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env
