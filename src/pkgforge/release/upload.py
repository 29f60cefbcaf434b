"""Upload files with twine's own upload code, in this process, and say how it went.

twine's Python API is not declared public (twine#194), but its ``Settings`` and
``commands.upload.upload`` are what ``twine upload`` itself runs, and they are
stable across twine 6 and 7. pkgforge calls them rather than ``python -m twine``
for three reasons a subprocess cannot give:

- every request gets a timeout and no retry: :class:`~.transport.IndexAdapter` is
  mounted on the session of the repository twine creates (``create_repository``
  is overridden, nothing inside twine is patched);
- a failure is the exception itself (the index's response, the timeout), not
  text parsed out of twine's log;
- the upload's progress reaches the caller, and one interpreter start and one
  import of requests are saved.

Files are uploaded one by one, in twine's order (wheels first), so a failure
names the file it hit and the ones that went before. twine's output (its log and
what it prints) is redacted and logged at debug level as ``twine: ...``.
"""

from __future__ import annotations

import contextlib
import html
import http
import io
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pkgforge.release.credentials import Target
from pkgforge.release.redact import Redactor
from pkgforge.release.transport import NetworkFailure, Waiting, seconds

if TYPE_CHECKING:
    import requests

__all__ = [
    "IndexFailure",
    "ProgressCallback",
    "UploadReport",
    "body_text",
    "explain",
    "explain_network",
    "preload_twine",
    "upload_files",
]

log = logging.getLogger("pkgforge")

ProgressCallback = Callable[[str, int, int], None]
"""Called with (filename, bytes sent, bytes to send) while a file is uploaded."""

_SNIPPET = 300


@dataclass(frozen=True)
class IndexFailure:
    """Why an upload failed: the index's answer, no answer, or twine's own error."""

    status: int | None
    """HTTP status, or None when there was no answer."""
    reason: str
    body: str
    """The response body as plain text (HTML reduced to its message), or twine's error."""
    filename: str | None
    """The file being uploaded when it failed."""
    network: NetworkFailure | None = None
    """Set when the index did not answer."""

    @property
    def file_may_have_arrived(self) -> bool:
        """Whether the index may have stored ``filename`` despite the failure."""
        if self.network is not None:
            return self.network.request_may_have_arrived
        # An index can store a file and then fail (a 5xx, a proxy's 504); a 4xx is a refusal.
        return self.status is not None and self.status >= 500


@dataclass(frozen=True)
class UploadReport:
    uploaded: tuple[str, ...]
    """Files the index accepted (answered 200), in upload order."""
    failure: IndexFailure | None
    not_sent: tuple[str, ...]
    """Files not sent because an earlier one failed."""


def _wheels_first(files: Sequence[Path]) -> list[Path]:
    """twine's order: wheels first, so an sdist never lands without its wheel."""
    return sorted(files, key=lambda f: 0 if f.suffix == ".whl" else 1)


def preload_twine() -> threading.Thread:
    """Start importing twine's upload code in the background.

    The import takes longer than asking an index what it has, which ``publish``
    does first: in a thread, the import runs while that request waits on the
    network. Pass the thread to :func:`upload_files`, which waits for it.
    """
    thread = threading.Thread(target=_import_twine, name="pkgforge-twine-import", daemon=True)
    thread.start()
    return thread


def _import_twine() -> None:
    # A failure here shows again, with its traceback, where upload_files imports.
    with contextlib.suppress(Exception):
        import twine.commands.upload
        import twine.settings  # noqa: F401


def upload_files(
    files: Sequence[Path],
    target: Target,
    *,
    timeout: float,
    redact: Redactor,
    progress: ProgressCallback | None = None,
    preloading: threading.Thread | None = None,
    waiting: Waiting | None = None,
) -> UploadReport:
    """Upload ``files`` to ``target`` with twine, one at a time; stop at the first failure."""
    if preloading is not None:
        # Imported in one thread at a time: no partly initialised module is ever seen.
        preloading.join()
    import requests
    from twine.commands.upload import upload
    from twine.exceptions import TwineException

    from pkgforge.release.transport import ServerError, network_failure

    ordered = _wheels_first(files)
    uploaded: list[str] = []
    current = {"name": ""}

    def report(sent: int, total: int) -> None:
        if progress is not None:
            progress(current["name"], sent, total)

    settings = None
    with _twine_output(redact):
        for index, path in enumerate(ordered):
            current["name"] = path.name
            log.info("uploading %s", path.name)
            try:
                if settings is None:  # twine reads .pypirc here: its errors are failures too
                    settings = _settings(target, timeout, report if progress else None, waiting)
                upload(settings, [str(path)])
            except ServerError as err:
                failure = _answered(err.response, path.name)
            except requests.HTTPError as err:
                if err.response is None:
                    raise
                failure = _answered(err.response, path.name)
            except requests.RequestException as err:
                failure = IndexFailure(None, "", "", path.name, network=network_failure(err))
            except TwineException as err:
                said = " ".join(str(err.args[0] if err.args else err).split())
                failure = IndexFailure(None, "", redact(f"{type(err).__name__}: {said}"), path.name)
            else:
                uploaded.append(path.name)
                continue
            not_sent = tuple(p.name for p in ordered[index + 1 :])
            return UploadReport(tuple(uploaded), _redacted(failure, redact), not_sent)
    return UploadReport(tuple(uploaded), None, ())


def _settings(
    target: Target,
    timeout: float,
    progress: Callable[[int, int], None] | None,
    waiting: Waiting | None = None,
) -> Any:
    """twine's upload settings for ``target``, with pkgforge's transport on its session."""
    from twine.repository import Repository
    from twine.settings import Settings

    from pkgforge.release.transport import IndexAdapter

    class _Settings(Settings):
        def create_repository(self) -> Repository:
            repository = super().create_repository()
            adapter = IndexAdapter(timeout, progress=progress, waiting=waiting)
            repository.session.mount("https://", adapter)
            repository.session.mount("http://", adapter)
            return repository

    # Credentials as twine's command line would take them: the environment (already
    # in target) wins over .pypirc, keyring is asked for what is still missing.
    return _Settings(
        username=target.username,
        password=target.password,
        non_interactive=True,
        config_file=target.config_file,
        repository_name=target.repository or "pypi",
        repository_url=None if target.repository else target.upload_url,
        cacert=target.ca_cert,
        client_cert=target.client_cert,
        verbose=True,  # its log then holds the index's answers, for --debug
        disable_progress_bar=True,  # pkgforge reports progress itself
    )


@contextlib.contextmanager
def _twine_output(redact: Redactor) -> Iterator[None]:
    """Route what twine logs and prints to the ``pkgforge`` debug log, redacted."""
    twine_log = logging.getLogger("twine")
    handlers, propagate, level = twine_log.handlers[:], twine_log.propagate, twine_log.level
    twine_log.handlers[:] = [_Forward(redact)]
    twine_log.propagate = False
    printed = _Printed(redact)
    try:
        with contextlib.redirect_stdout(printed):
            yield
    finally:
        printed.flush()
        # Settings(verbose=True) set the level of twine's logger: put everything back.
        twine_log.handlers[:], twine_log.propagate = handlers, propagate
        twine_log.setLevel(level)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class _Printed(io.TextIOBase):
    """Where twine's print() goes while it uploads: the debug log, a line at a time."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self._emit(line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._emit(self._pending)
            self._pending = ""

    def _emit(self, line: str) -> None:
        line = _ANSI.sub("", line).rstrip()
        if line.strip():
            log.debug("twine: %s", self._redact(line))


class _Forward(logging.Handler):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(logging.DEBUG)
        self._redact = redact

    def emit(self, record: logging.LogRecord) -> None:
        for line in record.getMessage().splitlines():
            if line.strip():
                log.debug("twine: %s", self._redact(line))


def _redacted(failure: IndexFailure, redact: Redactor) -> IndexFailure:
    """The failure with no secret in what the index (or the network) said."""
    network = failure.network
    if network is not None:
        network = NetworkFailure(network.kind, redact(network.reason))
    return IndexFailure(
        failure.status,
        redact(failure.reason),
        redact(failure.body),
        failure.filename,
        network=network,
    )


def _answered(response: requests.Response, filename: str) -> IndexFailure:
    """The index's answer as a failure: status, its phrase, and what the index said."""
    status = response.status_code
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown Status"
    said = (response.reason or "").strip()
    body = body_text(response.text)
    # PyPI puts its message in the reason phrase; other indexes in the body.
    if said and said.lower() != phrase.lower() and said not in body:
        body = f"{said} {body}".strip()
    lead = f"{status} {phrase}"
    if body.lower().startswith(lead.lower()):  # an HTML page that repeats the status line
        body = body[len(lead) :].strip()
    return IndexFailure(status, phrase, body[:_SNIPPET], filename)


_PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.DOTALL | re.IGNORECASE)
_DROP = re.compile(r"<(head|style|script)[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def body_text(body: str) -> str:
    """An index's error body as one line of text: the <pre> message of a bottle/pypiserver
    page, the text of other HTML, or the body itself."""
    if "<" in body and ">" in body:
        pre = _PRE.search(body)
        body = pre.group(1) if pre else _TAG.sub(" ", _DROP.sub(" ", body))
    text = " ".join(html.unescape(body).split())
    # bottle (pypiserver) renders an HTTPError without a message as "None".
    return "" if text == "None" else text


def explain(failure: IndexFailure, project: str, host: str, timeout: float) -> tuple[str, str]:
    """A sentence a user can act on, and a hint, for a failed upload to ``host``."""
    if failure.network is not None:
        return _explain_network(failure.network, failure.filename, host, timeout)
    status = failure.status
    said = f"{status} {failure.reason}".strip() if status else "twine"
    detail = f" ({said}: {failure.body})" if failure.body else f" ({said})"
    about = f"uploading {failure.filename}" if failure.filename else "the upload"
    text = f"{failure.reason} {failure.body}".lower()
    if status is None:
        if "credential" in text or "password" in text or "username" in text:
            return (
                f"twine has no credentials for the index{detail}",
                (
                    "set TWINE_USERNAME and TWINE_PASSWORD (for PyPI: __token__ and an API "
                    "token), or add them to .pypirc or keyring"
                ),
            )
        return f"{about} failed{detail}", "run again with --debug to see twine's output"
    if status in {401, 403}:
        return (
            f"the index refused the credentials for {about}{detail}",
            (
                "check TWINE_USERNAME/TWINE_PASSWORD (PyPI wants __token__ and an API token), "
                f"the .pypirc entry or keyring, and that the account may upload {project}"
            ),
        )
    if status == 413 or "too large" in text or "too big" in text:
        return (
            f"the index says the file is too large{detail}",
            (
                "make the artifact smaller (run 'pkgforge check' on it for junk files) "
                "or ask the index's admins to raise the limit"
            ),
        )
    if status in {400, 409} and ("exist" in text or "reuse" in text):
        return (
            f"the index already has this file{detail}",
            (
                "an index never replaces a file: bump the version and run 'pkgforge build', "
                "or pass --skip-existing to upload only what is missing"
            ),
        )
    if (
        status in {400, 403}
        and "name" in text
        and ("allow" in text or "prohibit" in text or "similar" in text or "invalid" in text)
    ):
        return (
            f"the index does not allow the project name {project!r}{detail}",
            "choose another name in [project] name, then build and publish again",
        )
    if status >= 500:
        return (
            f"the index failed while {about}{detail}",
            "try again later; 'pkgforge publish --skip-existing' finishes a partial upload",
        )
    return f"the index rejected {about}{detail}", "read the index's answer above"


_SLOW_HINT = (
    "check that the index is up and the URL is right; give a slow index longer with "
    "--timeout SECONDS (now {t})"
)


def explain_network(failure: NetworkFailure, host: str, timeout: float) -> tuple[str, str]:
    """A sentence and a hint for a request (not an upload) that got no answer."""
    return _explain_network(failure, None, host, timeout)


def _explain_network(
    failure: NetworkFailure, filename: str | None, host: str, timeout: float
) -> tuple[str, str]:
    t = seconds(timeout)
    hint = _SLOW_HINT.format(t=t)
    if filename is not None:
        hint += "; then 'pkgforge publish --skip-existing' uploads only what is missing"
    if failure.kind == "connect-timeout":
        return f"the index at {host} did not accept a connection within {t}", hint
    if failure.kind == "read-timeout":
        if filename is not None:
            return f"the index at {host} did not answer the upload of {filename} within {t}", hint
        return f"the index at {host} accepted the connection but did not answer within {t}", hint
    if failure.kind == "send-timeout":
        what = f"the upload of {filename}" if filename else "the request"
        return f"the index at {host} stopped taking {what} for {t}", hint
    about = f" during the upload of {filename}" if filename else ""
    if failure.kind == "unreachable":
        return (
            f"cannot reach the index at {host}{about}: {failure.reason}",
            "check the URL, your network, and that the index is running",
        )
    return (
        f"the connection to the index at {host} broke{about}: {failure.reason}",
        (
            "check your network and the index; 'pkgforge publish --skip-existing' "
            "uploads only what is missing"
        ),
    )
