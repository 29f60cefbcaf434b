"""Is a distribution name free on a package index? Asked of the index's simple API.

``new`` asks before a project is named for good, and ``publish --dry-run`` before an
upload. A name is *taken* when the index has a project of the same PEP 503 name, and
*too similar* when it has one whose name compares equal under PyPI's confusable-name
rule (:func:`~pkgforge.names.ultranormalize_name`): PyPI refuses to create such a
project. An index cannot be asked which names are confusable with a given one, so
the look-alikes asked about are the likeliest few (separators dropped, one character
of ``l i 1`` or ``o 0`` swapped): no warning is no proof, and the upload decides.

Every answer is bounded in time: the index is asked over a few kept-alive connections
at once, and whatever has not answered by the deadline makes the verdict "unknown",
never a wait. Nothing here prints; the caller logs :attr:`NameCheck.message`.
"""

from __future__ import annotations

import pickle
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit

from pkgforge.forking import can_fork, reaped
from pkgforge.names import normalize_distribution_name, ultranormalize_name

if TYPE_CHECKING:
    import http.client
    import ssl

__all__ = [
    "LOOKUP_TIMEOUT",
    "OFFLINE_ENV",
    "TIMEOUT_ENV",
    "NameCheck",
    "NameLookup",
    "check_name",
    "confusable_names",
    "is_offline",
    "lookup_for",
    "shown_url",
    "suggested_names",
]

OFFLINE_ENV = "PKGFORGE_OFFLINE"
"""Set (to anything but ``0``, ``false``, ``no``, ``off`` or nothing), no index is asked."""

LOOKUP_TIMEOUT = 3.0
"""Seconds the whole lookup may take, all questions included (unless ``TIMEOUT_ENV``)."""
TIMEOUT_ENV = "PKGFORGE_INDEX_TIMEOUT"
"""Seconds instead of ``LOOKUP_TIMEOUT``, for a slow link (or a loaded test machine)."""
_CONNECTIONS = 6
_HELPER_MARGIN = 0.05
"""Seconds the helper process keeps to send its answers before the deadline."""
_MAX_CONFUSABLES = 8
_SUFFIXES = ("tools", "lib", "kit", "toolkit")
_SWAPS = {"l": "i1", "i": "l1", "1": "li", "o": "0", "0": "o"}
_LETTER_SPELLINGS = (str.maketrans("01", "ol"), str.maketrans("01", "oi"))
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ABSENT = frozenset({404, 410})

Status = Literal["free", "taken", "similar", "unknown"]
# What the index said of one name: there, not there, or no answer (and why).
_Answer = bool | str


@dataclass(frozen=True)
class NameCheck:
    """The index's verdict on one distribution name."""

    name: str
    index_url: str | None
    status: Status
    similar: tuple[str, ...] = ()
    """Names the index has that PyPI's rule finds too similar (``similar`` only)."""
    suggestions: tuple[str, ...] = ()
    """Names close to ``name`` that the index does not have (``taken``/``similar``)."""
    reason: str = ""
    """Why the verdict is ``unknown``: offline, no answer in time, an error."""
    skipped: bool = False
    """The index was not asked because the caller said so (offline)."""

    @property
    def message(self) -> str | None:
        """One line for the user; None when the name is free."""
        where = self.index_url or "the index"
        others = (
            f"; names it does not have: {', '.join(self.suggestions)}" if self.suggestions else ""
        )
        if self.status == "taken":
            return (
                f"the name {self.name!r} is taken on {where}: the project works, but cannot "
                f"be published there under this name{others}"
            )
        if self.status == "similar":
            return (
                f"the name {self.name!r} is too similar to {', '.join(map(repr, self.similar))} "
                f"on {where} (PyPI compares names without '-', '_' and '.', reading l and i "
                f"as 1 and o as 0) and cannot be published there{others}"
            )
        if self.status == "unknown":
            return f"the name {self.name!r} was not checked on an index: {self.reason}"
        return None


def confusable_names(name: str) -> list[str]:
    """The likeliest names PyPI finds too similar to ``name``, normalised, ``name`` first.

    Names on an index are mostly spelled with letters, so after the separators
    dropped come the letter spellings of ``0`` and ``1``, then each single swap within
    ``l i 1`` and ``o 0``; at most a handful, since each is a question to the index.
    """
    canonical = normalize_distribution_name(name)
    bases = list(dict.fromkeys([canonical, canonical.replace("-", "")]))
    found = dict.fromkeys(bases)
    for base in bases:
        for letters in _LETTER_SPELLINGS:
            found[base.translate(letters)] = None
    for base in bases:
        for i, char in enumerate(base):
            for other in _SWAPS.get(char, ""):
                found[base[:i] + other + base[i + 1 :]] = None
    key = ultranormalize_name(name)
    names = [n for n in found if ultranormalize_name(n) == key]
    return names[: 1 + _MAX_CONFUSABLES]


def suggested_names(name: str) -> list[str]:
    """Other names for a project whose name is taken: ``name`` with a prefix or suffix."""
    canonical = normalize_distribution_name(name)
    prefixed = [] if canonical.startswith("py") else [f"py{canonical}"]
    suffixed = [f"{canonical}-{s}" for s in _SUFFIXES if not canonical.endswith(f"-{s}")]
    return [*prefixed, *suffixed]


def is_offline() -> bool:
    """True when ``PKGFORGE_OFFLINE`` says so."""
    import os

    return os.environ.get(OFFLINE_ENV, "").strip().lower() not in {"", "0", "false", "no", "off"}


def lookup_timeout() -> float:
    """``PKGFORGE_INDEX_TIMEOUT`` when it is a positive number of seconds, else the default."""
    import math
    import os

    try:
        seconds = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return LOOKUP_TIMEOUT
    return seconds if seconds > 0 and math.isfinite(seconds) else LOOKUP_TIMEOUT


def lookup_for(
    name: str, *, index_url: str | None = None, offline: bool | None = None
) -> NameLookup:
    """A lookup of ``name`` on ``index_url``, else on the index pip reads; none at all when
    ``offline`` (default: :func:`is_offline`). Call :meth:`NameLookup.start` to send it."""
    if offline is None:
        offline = is_offline()
    if offline:
        reason = f"offline (--offline, or {OFFLINE_ENV} is set)"
        return NameLookup(name, None, offline_reason=reason)
    timeout = lookup_timeout()
    if index_url:
        url = index_url if index_url.endswith("/") else index_url + "/"
        return NameLookup(name, url, timeout=timeout)
    from pkgforge.pipconfig import pip_index

    configured = pip_index()
    return NameLookup(name, configured.url, timeout=timeout, cafile=configured.cert)


def check_name(
    name: str,
    index_url: str | None,
    *,
    timeout: float = LOOKUP_TIMEOUT,
    cafile: str | None = None,
) -> NameCheck:
    """Ask ``index_url`` (a simple API root) about ``name``; never longer than ``timeout``."""
    lookup = NameLookup(name, index_url, timeout=timeout, cafile=cafile)
    lookup.start()
    return lookup.result()


@dataclass
class NameLookup:
    """:func:`check_name` in background threads: :meth:`start` now, :meth:`result` later
    (it waits at most until ``timeout`` seconds after the start).

    The name and its look-alikes are asked first; the suggestions (and their
    look-alikes) only once the index has one of those, so a free name costs one round
    of questions.
    """

    name: str
    index_url: str | None
    timeout: float = LOOKUP_TIMEOUT
    cafile: str | None = None
    offline_reason: str | None = None
    """Set to skip the index: the verdict is "unknown" with this reason."""
    _answers: dict[str, _Answer] = field(default_factory=dict, init=False, repr=False)
    _queue: list[str] = field(default_factory=list, init=False, repr=False)
    _unanswered: set[str] = field(default_factory=set, init=False, repr=False)
    _suggesting: bool = field(default=False, init=False, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, init=False, repr=False)
    _deadline: float = field(default=0.0, init=False, repr=False)
    _changed: threading.Condition = field(
        default_factory=threading.Condition, init=False, repr=False
    )
    _verdict: NameCheck | None = field(default=None, init=False, repr=False)
    _helper: tuple[int, int] | None = field(default=None, init=False, repr=False)
    """The helper process and the pipe it answers on."""

    def start(self) -> None:
        """Send the questions: from a forked helper process where that is safe (its
        threads and TLS work then never hold this process's GIL while ``new``
        renders), else from threads here."""
        self._deadline = time.monotonic() + self.timeout
        if self.offline_reason is not None or self.index_url is None:
            return
        if not (can_fork() and self._fork()):
            self._start_threads()

    def result(self) -> NameCheck:
        """The verdict, from what the index said by the deadline."""
        if self._verdict is None:
            answers = self._helper_answers() if self._helper is not None else self._collect()
            self._verdict = self._judge(answers)
        return self._verdict

    def _start_threads(self) -> None:
        self._queue = confusable_names(self.name)
        self._unanswered = set(self._queue)
        for _ in range(min(_CONNECTIONS, len(self._queue) + 2)):
            # Daemon threads: one that an index keeps waiting never delays the exit.
            thread = threading.Thread(target=self._ask, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _collect(self, margin: float = 0.0) -> dict[str, _Answer]:
        for thread in self._threads:
            thread.join(max(0.0, self._deadline - margin - time.monotonic()))
        with self._changed:
            return dict(self._answers)

    def _fork(self) -> bool:
        import os

        reply_r, reply_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reply_r)
            os.close(reply_w)
            return False
        if pid == 0:  # the helper: ask, send the answers, and go
            try:
                os.close(reply_r)
                _detach()
                self._start_threads()
                reply = pickle.dumps(self._collect(margin=_HELPER_MARGIN))
                with os.fdopen(reply_w, "wb") as out:
                    out.write(reply)
            finally:
                os._exit(0)
        os.close(reply_w)
        self._helper = (pid, reply_r)
        return True

    def _helper_answers(self) -> dict[str, _Answer]:
        """What the helper process sent by the deadline; the helper is reaped either way."""
        import os
        import select
        import signal

        assert self._helper is not None
        (pid, reply), self._helper = self._helper, None
        data = bytearray()
        try:
            while (remaining := self._deadline - time.monotonic()) > 0:
                if not select.select([reply], [], [], remaining)[0]:
                    break
                chunk = os.read(reply, 1 << 16)
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(reply)
            if not reaped(pid, 0.1):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                reaped(pid, 5.0)
        try:
            answers = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError):
            return {}  # nothing in time: every answer is unknown
        return answers if isinstance(answers, dict) else {}

    def _ask(self) -> None:
        assert self.index_url is not None
        client = _Client(self.index_url, self._deadline, self.cafile)
        try:
            while (name := self._next()) is not None:
                answer = client.has(name)
                with self._changed:
                    self._answers[name] = answer
                    self._unanswered.discard(name)
                    if answer is True and not self._suggesting:
                        # Taken, or a look-alike is: names to offer instead, each with
                        # its separator-less twin (PyPI would refuse it too).
                        self._suggesting = True
                        twins = (t for s in suggested_names(self.name) for t in _twins(s))
                        self._queue += [t for t in dict.fromkeys(twins) if t not in self._answers]
                    self._changed.notify_all()
        finally:
            client.close()

    def _next(self) -> str | None:
        """The next name to ask about; None when there is nothing more to ask."""
        with self._changed:
            while not self._queue:
                remaining = self._deadline - time.monotonic()
                if self._suggesting or not self._unanswered or remaining <= 0:
                    return None
                self._changed.wait(remaining)  # an answer may bring suggestions to ask
            return self._queue.pop(0)

    def _judge(self, answers: dict[str, _Answer]) -> NameCheck:
        shown = None if self.index_url is None else shown_url(self.index_url)
        base = NameCheck(self.name, shown, "unknown")
        if self.offline_reason is not None:
            return replace(_with(base, reason=self.offline_reason), skipped=True)
        if self.index_url is None:
            return _with(base, reason="pip is configured with no index (no-index)")
        canonical = normalize_distribution_name(self.name)
        own = answers.get(canonical)
        if not isinstance(own, bool):
            return _with(base, reason=own or f"{shown} did not answer in time")
        suggestions = tuple(
            s
            for s in suggested_names(self.name)
            if all(answers.get(twin) is False for twin in _twins(s))
        )[:2]
        if own:
            return NameCheck(self.name, shown, "taken", suggestions=suggestions)
        similar = tuple(n for n in confusable_names(self.name)[1:] if answers.get(n) is True)
        if similar:
            return NameCheck(self.name, shown, "similar", similar=similar, suggestions=suggestions)
        return NameCheck(self.name, shown, "free")


def _detach() -> None:
    """In the helper: out of the terminal's process group (Ctrl-C is the caller's to
    handle), and nothing it might print reaches the user."""
    import os
    import signal

    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)


def _twins(name: str) -> list[str]:
    return list(dict.fromkeys([name, name.replace("-", "")]))


def _with(check: NameCheck, *, reason: str) -> NameCheck:
    return NameCheck(check.name, check.index_url, "unknown", reason=reason)


class _Client:
    """Asks one index, over one kept-alive connection, whether it has a project."""

    def __init__(self, index_url: str, deadline: float, cafile: str | None) -> None:
        self.index_url = index_url
        self.shown = shown_url(index_url)
        self.deadline = deadline
        self.cafile = cafile
        self._conn: http.client.HTTPConnection | None = None
        self._origin: tuple[str, str] | None = None

    def has(self, name: str) -> _Answer:
        """True or False; or why the index gave no answer."""
        url = urljoin(self.index_url, name + "/")
        method = "HEAD"  # the answer is the status: no page of a big project to download
        for _ in range(4):
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                return f"{self.shown} did not answer in time"
            try:
                status, location = self._request(method, url, remaining)
            except OSError as err:
                self.close()
                return _network_reason(self.shown, err)
            if status == 200:
                return True
            if status in _ABSENT:
                return False
            if status in {405, 501} and method == "HEAD":
                method = "GET"
                continue
            if status in _REDIRECTS and location:
                target = urljoin(url, location)
                if _origin(target) != _origin(url):
                    # pypiserver sends a project it does not host to pypi.org: not here.
                    return False
                url = target
                continue
            return f"{self.shown} answered {status} for {shown_url(url)}"
        return f"{self.shown} redirects {shown_url(url)} too many times"

    def _connection(self, scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
        if self._conn is None or self._origin != (scheme, netloc):
            self.close()
            self._conn = _connect(scheme, netloc, timeout, self.cafile)
            self._origin = (scheme, netloc)
        return self._conn

    def _request(self, method: str, url: str, timeout: float) -> tuple[int, str | None]:
        import http.client

        parts = urlsplit(url)
        conn = self._connection(parts.scheme, parts.netloc, timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(_HEADERS)
        if parts.username is not None:  # a private index's credentials, as pip sends them
            import base64
            from urllib.parse import unquote

            user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
        try:
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            response.read()
        except (http.client.HTTPException, ValueError) as err:
            self.close()
            raise OSError(str(err) or type(err).__name__) from err
        if response.will_close:
            self.close()
        return response.status, response.getheader("Location")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


_HEADERS = {
    "Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1",
    "User-Agent": "pkgforge (name check)",
}


def _connect(
    scheme: str, netloc: str, timeout: float, cafile: str | None
) -> http.client.HTTPConnection:
    """A connection to ``netloc``, through the proxy the environment names, if any."""
    import http.client

    host = netloc.rpartition("@")[2]
    proxy = _proxy(scheme, host)
    if proxy:
        proxied = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        tunnel_to = host
        host = proxied.netloc.rpartition("@")[2]
    else:
        tunnel_to = None
    if scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, timeout=timeout, context=_tls(cafile)
        )
    elif scheme == "http":
        conn = http.client.HTTPConnection(host, timeout=timeout)
    else:
        raise OSError(f"not an http(s) URL: {scheme}://{netloc}")
    if tunnel_to is not None:
        conn.set_tunnel(tunnel_to)
    return conn


def _proxy(scheme: str, host: str) -> str | None:
    """The proxy the environment names for ``scheme`` and ``host`` (``https_proxy``,
    ``no_proxy``), as urllib reads them; urllib is imported only when one is set."""
    import os

    if not any(key.lower().endswith("_proxy") for key in os.environ):
        return None
    import urllib.request

    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    proxy = urllib.request.getproxies().get(scheme)
    return None if not proxy or urllib.request.proxy_bypass(hostname) else proxy


_TLS: dict[str | None, ssl.SSLContext] = {}
_TLS_LOCK = threading.Lock()


def _tls(cafile: str | None) -> ssl.SSLContext:
    """One context per CA bundle for the process: loading the certificates costs tens
    of milliseconds, and a context serves every connection."""
    with _TLS_LOCK:
        if cafile not in _TLS:
            _TLS[cafile] = _new_tls(cafile)
        return _TLS[cafile]


def _new_tls(cafile: str | None) -> ssl.SSLContext:
    import ssl

    if cafile:
        return ssl.create_default_context(cafile=cafile)
    context = ssl.create_default_context()
    paths = ssl.get_default_verify_paths()
    if not (paths.cafile or paths.capath or context.cert_store_stats()["x509_ca"]):
        # No certificates at all (a python.org build on macOS): the bundle requests uses.
        try:
            import certifi

            context.load_verify_locations(certifi.where())
        except (ImportError, OSError):
            pass
    return context


def shown_url(url: str) -> str:
    """``url`` without the password a private index's URL may hold."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.netloc.rpartition('@')[2]}"
    return parts._replace(netloc=netloc).geturl()


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _network_reason(index_url: str, err: OSError) -> str:
    import socket

    if isinstance(err, TimeoutError | socket.timeout):
        return f"{index_url} did not answer in time"
    if isinstance(err, socket.gaierror):
        return f"cannot resolve {urlsplit(index_url).hostname} (offline?)"
    detail = getattr(err, "reason", None) or err.strerror or str(err) or type(err).__name__
    return f"cannot reach {index_url}: {detail}"
