"""HTTP to a package index: a timeout on every request, no blind retries, and what a
failure means.

Both the simple-API reads (:mod:`.index`) and twine's uploads (:mod:`.upload`) go
through requests. requests has no default timeout and twine sets none, so a
silent index hangs them for ever; twine's session also retries (urllib3 retries
connections, twine itself retries a 5xx upload up to five times), and a retried
upload the index half-stored can arrive twice. :class:`IndexAdapter` is the
requests transport adapter that fixes both: mounted on a session, every request
it sends has ``timeout`` for connecting, for each piece of the upload and for the
answer, and nothing is sent again.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

__all__ = [
    "DEFAULT_TIMEOUT",
    "IndexAdapter",
    "NetworkFailure",
    "ServerError",
    "Waiting",
    "check_timeout",
    "host_of",
    "network_failure",
    "seconds",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds an index may stay silent: to accept a connection, to take the next piece
of an upload, to answer. Long enough for an index to process a large upload (the
answer comes after it stored the file), short enough to be told of a hang."""

Progress = Callable[[int, int], None]
"""Called with (bytes sent, bytes in the request) as an upload's body is sent."""

Waiting = Callable[[str | None], None]
"""Called with ``host:port`` when pkgforge starts waiting on the index (a request sent,
a piece of an upload taken: the timeout starts again), and with None when it answered
or the request failed."""

_REASON_LIMIT = 200


def check_timeout(value: float) -> float:
    """``value`` when it is a usable timeout in seconds; ValueError otherwise."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a timeout must be a number of seconds above 0, not {value!r}")
    return value


def host_of(url: str) -> str:
    """``host:port`` of ``url``, without any ``user:password@``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port is not None else host


def seconds(value: float) -> str:
    """A timeout as people write it: ``1 s``, ``0.5 s``, ``60 s``."""
    return f"{value:g} s"


class ServerError(Exception):
    """The index answered an upload with a 5xx. Raised, not returned, so that twine's
    own retry of a 5xx upload never runs: the index may have stored the file."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"{response.status_code} {response.reason}")
        self.response = response


class IndexAdapter(HTTPAdapter):
    """A transport adapter with a timeout on every request and no retries."""

    def __init__(
        self,
        timeout: float,
        *,
        progress: Progress | None = None,
        waiting: Waiting | None = None,
    ) -> None:
        # max_retries=0: urllib3 sends each request once (connect errors included).
        super().__init__(max_retries=0)
        self.timeout = check_timeout(timeout)
        self.progress = progress
        self.waiting = waiting

    def send(  # noqa: PLR0917 - HTTPAdapter.send's own signature
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        host = host_of(request.url or "")
        waiting = self.waiting
        if (self.progress is not None or waiting is not None) and hasattr(request.body, "read"):
            total = int(request.headers.get("Content-Length") or 0)
            request.body = _Counted(request.body, total, self._sent(host))
        if waiting is not None:
            waiting(host)
        try:
            # Ours, whatever the caller passed (twine passes none): connect and read.
            response = super().send(
                request,
                stream=stream,
                timeout=(self.timeout, self.timeout),
                verify=verify,
                cert=cert,
                proxies=proxies,
            )
        finally:
            if waiting is not None:
                waiting(None)
        if request.method == "POST" and response.status_code >= 500:
            raise ServerError(response)
        return response

    def _sent(self, host: str) -> Progress:
        """Report a piece of the body sent: as progress, and as the index taking it (the
        silence it may keep starts again)."""
        progress, waiting = self.progress, self.waiting

        def sent(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            if waiting is not None:
                waiting(host)

        return sent


class _Counted:
    """A request body that reports how much of it was read (that is: sent)."""

    def __init__(self, body: Any, total: int, progress: Progress) -> None:
        self._body = body
        self._total = total
        self._sent = 0
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._body.read(size)
        self._sent += len(chunk)
        self._progress(self._sent, max(self._total, self._sent))
        return chunk


Kind = Literal["connect-timeout", "send-timeout", "read-timeout", "unreachable", "network"]


@dataclass(frozen=True)
class NetworkFailure:
    """Why a request got no answer."""

    kind: Kind
    """``connect-timeout``: the index did not accept a connection in time;
    ``send-timeout``: it stopped taking the request's body; ``read-timeout``: it took
    the whole request and did not answer; ``unreachable``: no connection at all
    (refused, unknown host, TLS); ``network``: the connection broke."""
    reason: str
    """The innermost error, one line."""

    @property
    def request_may_have_arrived(self) -> bool:
        """Whether the index may have the whole request (and stored an upload)."""
        return self.kind in {"read-timeout", "network"}


def network_failure(err: requests.RequestException) -> NetworkFailure:
    """Classify a requests exception that came without an answer."""
    reason = _innermost(err)
    if isinstance(err, requests.ConnectTimeout):
        return NetworkFailure("connect-timeout", reason)
    if isinstance(err, requests.ReadTimeout):
        return NetworkFailure("read-timeout", reason)
    chain = list(_chain(err))
    if any(isinstance(e, (TimeoutError, socket.timeout)) for e in chain):
        # urllib3 reports a socket timeout while sending the body as "Connection aborted".
        return NetworkFailure("send-timeout", reason)
    if isinstance(err, requests.exceptions.SSLError) or any(
        isinstance(e, (ConnectionRefusedError, socket.gaierror)) for e in chain
    ):
        return NetworkFailure("unreachable", reason)
    if any(type(e).__name__ == "NewConnectionError" for e in chain):
        return NetworkFailure("unreachable", reason)
    return NetworkFailure("network", reason)


def _chain(err: BaseException) -> list[BaseException]:
    """``err``, its causes and contexts, and the exceptions in their arguments."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [err]
    while todo:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
    return seen


def _innermost(err: BaseException) -> str:
    # requests wraps urllib3 errors several deep; the innermost says what happened.
    inner: BaseException = err
    while inner.__context__ is not None and inner.__context__ is not inner:
        inner = inner.__context__
    text = str(inner) or type(inner).__name__
    return text.splitlines()[0][:_REASON_LIMIT]
