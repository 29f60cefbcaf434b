"""A package index on 127.0.0.1 that has the projects a test names (PEP 503 pages).

Enough for the questions ``new`` and ``publish --dry-run`` ask (does the index have
this project?), with the ways real indexes differ: pypiserver sends a project it does
not host to pypi.org (``redirect_missing``), some indexes refuse HEAD (``no_head``),
and a slow or silent index answers late or never (``delay``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


def elapsed(since: float) -> float:
    return time.monotonic() - since
