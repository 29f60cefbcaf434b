"""A small client for an index's simple API: which files a project has, with sha256.

It asks for PEP 691 JSON and accepts PEP 503 HTML, which is all many
indexes (pypiserver among them) serve. ``publish`` uses it before uploading
(``--skip-existing``, same name with different content) and after (verify).

Redirects are followed only within the index's own origin: pypiserver
redirects a project it does not host to pypi.org, and a file of the same
name there says nothing about this index.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from packaging.utils import canonicalize_name

from pkgforge.errors import PublishError
from pkgforge.release.redact import Redactor
from pkgforge.release.transport import DEFAULT_TIMEOUT, Waiting
from pkgforge.release.upload import body_text, explain_network

if TYPE_CHECKING:
    import requests

__all__ = ["IndexFile", "SimpleIndex", "parse_html", "parse_json"]

log = logging.getLogger("pkgforge")

_JSON = "application/vnd.pypi.simple.v1+json"
_ACCEPT = f"{_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
_MAX_REDIRECTS = 5
_BODY_SNIPPET = 300


@dataclass(frozen=True)
class IndexFile:
    filename: str
    url: str
    sha256: str | None
    """From the PEP 691 ``hashes`` or the PEP 503 URL fragment; None when the index gives none."""


@dataclass
class SimpleIndex:
    """Read project pages from one simple API root (``.../simple/``)."""

    simple_url: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    redact: Redactor = field(default_factory=Redactor)
    ca_cert: str | None = None
    """Verify TLS against this CA bundle instead of requests' default (as twine's --cert)."""
    client_cert: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    """Seconds the index may take to accept a connection, and then to answer."""
    waiting: Waiting | None = field(default=None, repr=False)
    """Told when a request starts and stops waiting on the index."""
    _session: requests.Session | None = field(default=None, init=False, repr=False)

    def files(self, project: str) -> dict[str, IndexFile]:
        """Map filename -> file for every file of ``project``; empty when the index has none."""
        url = urljoin(self.simple_url, canonicalize_name(project) + "/")
        response = self._get(url, accept=_ACCEPT)
        if response is None:
            return {}
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if ctype == _JSON or ctype.endswith("+json") or ctype == "application/json":
                return {f.filename: f for f in parse_json(response.text, response.url)}
            return {f.filename: f for f in parse_html(response.text, response.url)}
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            raise PublishError(
                f"the index's page {url} is not a simple API page: {err}",
                hint="check the index URL (set PKGFORGE_SIMPLE_URL if the simple API "
                "is not at UPLOAD_URL/simple/)",
            ) from None

    def sha256(self, file: IndexFile) -> str:
        """The file's sha256: from the index listing, or by downloading it."""
        if file.sha256:
            return file.sha256
        log.debug("the index lists %s without a hash; downloading it to hash it", file.filename)
        # Files often live on a CDN or object store: follow redirects anywhere.
        response = self._get(file.url, accept="*/*", stream=True, stay_on_index=False)
        if response is None:
            raise PublishError(
                f"the index lists {file.filename} but does not serve it at {_safe(file.url)}"
            )
        digest = hashlib.sha256()
        with response:
            for chunk in response.iter_content(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def _get(
        self, url: str, *, accept: str, stream: bool = False, stay_on_index: bool = True
    ) -> requests.Response | None:
        """GET ``url``; None for 404, or for a redirect off the index with ``stay_on_index``.

        Credentials go only to the index's own origin, and only after a 401.
        """
        import requests

        from pkgforge.release.transport import IndexAdapter, host_of, network_failure

        if self._session is None:
            self._session = requests.Session()
            # a timeout on every request, no retries
            adapter = IndexAdapter(self.timeout, waiting=self.waiting)
            self._session.mount("https://", adapter)
            self._session.mount("http://", adapter)
            if self.ca_cert:
                self._session.verify = self.ca_cert
            if self.client_cert:
                self._session.cert = self.client_cert
        origin = _origin(self.simple_url)
        use_auth = False
        for _ in range(_MAX_REDIRECTS + 1):
            auth = self.auth if use_auth and _origin(url) == origin else None
            try:
                response = self._session.get(
                    url,
                    headers={"Accept": accept, "Cache-Control": "no-cache"},
                    auth=auth,
                    allow_redirects=False,
                    timeout=self.timeout,
                    stream=stream,
                )
            except requests.RequestException as err:
                message, hint = explain_network(network_failure(err), host_of(url), self.timeout)
                raise PublishError(self.redact(message), hint=hint) from None
            status = response.status_code
            log.debug("GET %s -> %s", _safe(url), status)
            if status in {301, 302, 303, 307, 308} and "Location" in response.headers:
                target = urljoin(url, response.headers["Location"])
                if stay_on_index and _origin(target) != origin:
                    log.debug("the index sends %s to another host; not on this index", url)
                    return None
                url = target
                continue
            if status == 401 and self.auth is not None and not use_auth:
                use_auth = True
                continue
            if status in {404, 410}:
                return None
            if status != 200:
                raise PublishError(
                    f"the index answered {status} {response.reason} for {_safe(url)}: "
                    f"{self.redact(_snippet(response.text))}",
                    hint="check the index URL and that your credentials may read it",
                )
            return response
        raise PublishError(f"the index redirects {_safe(url)} too many times")


def parse_json(text: str, page_url: str) -> list[IndexFile]:
    """Parse a PEP 691 project page."""
    data: Any = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise TypeError("no 'files' list in the JSON")
    version = str(data.get("meta", {}).get("api-version", "1.0"))
    if version.split(".", maxsplit=1)[0] != "1":
        raise ValueError(f"unsupported simple API version {version}")
    result = []
    for item in data["files"]:
        hashes = item.get("hashes") or {}
        result.append(
            IndexFile(
                filename=item["filename"],
                url=urljoin(page_url, item["url"]),
                sha256=(hashes.get("sha256") or "").lower() or None,
            )
        )
    return result


def parse_html(text: str, page_url: str) -> list[IndexFile]:
    """Parse a PEP 503 project page: one anchor per file, hash in the URL fragment."""
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    result = []
    for href, label in parser.anchors:
        url, fragment = urldefrag(urljoin(base, href))
        name = label.strip() or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        algo, _, value = fragment.partition("=")
        sha = value.lower() if algo.lower() == "sha256" and value else None
        result.append(IndexFile(filename=name, url=url, sha256=sha))
    return result


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.base: str | None = None
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text)))
            self._href = None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _safe(url: str) -> str:
    return Redactor()(url)


def _snippet(body: str) -> str:
    return body_text(body)[:_BODY_SNIPPET] or "(empty body)"
