"""Where ``publish`` uploads to, and which secrets it must never show.

The upload URL is resolved the way twine resolves it (``--repository-url``,
then ``--repository NAME`` from ``.pypirc``, then ``TWINE_REPOSITORY_URL`` /
``TWINE_REPOSITORY``, then ``pypi``) so that the files pkgforge verifies are
on the index twine uploaded them to. twine itself still reads the
credentials: from the environment, ``.pypirc`` or keyring. pkgforge
collects them to redact them, to read an index's simple API when it
answers 401 to anonymous reads, and, for a dry run, to say where twine will
find them (:func:`find_credentials`), or that it will not.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pkgforge.errors import PublishError, UsageError
from pkgforge.release.redact import Redactor

__all__ = [
    "PYPI_UPLOAD_URL",
    "TESTPYPI_UPLOAD_URL",
    "Target",
    "find_credentials",
    "is_loopback",
    "resolve_target",
    "simple_url_for",
]

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"
_PYPIRC_SPEC = "https://packaging.python.org/specifications/pypirc/"

# Upload hosts whose simple API lives elsewhere.
_SIMPLE_FOR_HOST = {
    "upload.pypi.org": "https://pypi.org/simple/",
    "pypi.org": "https://pypi.org/simple/",
    "pypi.python.org": "https://pypi.org/simple/",
    "test.pypi.org": "https://test.pypi.org/simple/",
    "testpypi.python.org": "https://test.pypi.org/simple/",
}


@dataclass(frozen=True)
class Target:
    """A resolved upload target. Secrets are kept out of ``repr``."""

    upload_url: str
    """The upload endpoint, without any ``user:password@``."""
    simple_url: str
    """The index's simple API root, ending in ``/``."""
    repository: str | None
    """The ``.pypirc`` section twine is told to use, or None when a URL is used."""
    config_file: str
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    url_credentials: bool = field(default=False, repr=False)
    """True when username/password came from the URL and twine must get them by env."""
    ca_cert: str | None = None
    """A CA bundle for the index's TLS (``TWINE_CERT`` or .pypirc ``ca_cert``)."""
    client_cert: str | None = None
    """A client certificate (.pypirc ``client_cert``)."""
    other_secrets: tuple[str, ...] = field(default=(), repr=False)
    """Passwords that lost to another source (the environment wins over .pypirc)."""
    username_from: str | None = None
    """Where ``username`` came from (``TWINE_USERNAME``, the URL, a .pypirc section)."""
    password_from: str | None = None
    """Where ``password`` came from; None when twine must still find one (keyring...)."""

    @property
    def secrets(self) -> tuple[str, ...]:
        found = (self.password, *self.other_secrets)
        return tuple(s for s in found if s)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def simple_url_for(upload_url: str) -> str:
    """Derive the simple API root from an upload URL.

    PyPI and TestPyPI upload to ``/legacy/`` on a different host; most other
    indexes (pypiserver, Artifactory, GitLab, Nexus) serve ``simple/`` right
    under the upload URL.
    """
    parts = urlsplit(upload_url)
    host = (parts.hostname or "").lower()
    if host in _SIMPLE_FOR_HOST:
        return _SIMPLE_FOR_HOST[host]
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    if path.endswith("/legacy/"):
        path = path[: -len("legacy/")]
    return urlunsplit((parts.scheme, parts.netloc, path + "simple/", "", ""))


def resolve_target(
    *,
    repository: str | None,
    repository_url: str | None,
    simple_url: str | None = None,
    config_file: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Target:
    """Resolve the upload and simple-API URLs and the credentials to redact."""
    env = os.environ if environ is None else environ
    config_path = config_file or "~/.pypirc"
    if repository_url is None and repository is None:
        repository_url = env.get("TWINE_REPOSITORY_URL") or None
        repository = None if repository_url else env.get("TWINE_REPOSITORY") or "pypi"

    username = env.get("TWINE_USERNAME") or None
    password = env.get("TWINE_PASSWORD") or None
    username_from = "TWINE_USERNAME" if username else None
    password_from = "TWINE_PASSWORD" if password else None
    others: list[str] = []
    ca_cert = env.get("TWINE_CERT") or None
    client_cert = None
    url_credentials = False
    if repository_url is not None:
        try:
            upload_url, url_user, url_password = _split_userinfo(repository_url)
        except ValueError:  # a port that is not a number
            _check_url(repository_url, "upload URL")
            raise
        if url_user or url_password:
            url_credentials = True
            others += [password] if password else []
            if url_user:
                username, username_from = url_user, "the repository URL"
            if url_password:
                password, password_from = url_password, "the repository URL"
        repository = None
    else:
        assert repository is not None
        section = _pypirc_section(config_path, repository)
        upload_url = section["repository"]
        pypirc = f"{config_path} [{repository}]"
        if not username and section.get("username"):
            username, username_from = section["username"], pypirc
        others += [section["password"]] if section.get("password") else []
        if not password and section.get("password"):
            password, password_from = section["password"], pypirc
        ca_cert = ca_cert or section.get("ca_cert")
        client_cert = section.get("client_cert")

    _check_url(upload_url, "upload URL")
    simple = simple_url or simple_url_for(upload_url)
    if not simple.endswith("/"):
        simple += "/"
    _check_url(simple, "simple API URL")
    return Target(
        upload_url=upload_url,
        simple_url=simple,
        repository=repository,
        config_file=config_path,
        username=username,
        password=password,
        url_credentials=url_credentials,
        ca_cert=ca_cert,
        client_cert=client_cert,
        other_secrets=tuple(others),
        username_from=username_from,
        password_from=password_from,
    )


_TWINE_PYPI = ("https://upload.pypi.org/", "https://test.pypi.org/")
_TOKEN_USERNAME = "__token__"


def find_credentials(target: Target, environ: Mapping[str, str] | None = None) -> str:
    """Say where twine will find the credentials for ``target``, as it looks for them when
    it uploads without prompting: the environment, the URL or ``.pypirc`` (already in
    ``target``), ``__token__`` as PyPI's username, then keyring, then (PyPI with an API
    token's username) trusted publishing from a CI system's OIDC token. Raise
    :class:`~pkgforge.errors.PublishError` when it will find none: the upload would fail.
    """
    env = os.environ if environ is None else environ
    pypi = target.upload_url.startswith(_TWINE_PYPI)
    username, username_from = target.username, target.username_from
    if not username and pypi:
        username, username_from = _TOKEN_USERNAME, "PyPI's default for API tokens"
    if not username:
        username = _keyring_username(target.upload_url)
        username_from = "keyring" if username else None
    if not username:
        raise _no_credentials(target, "no username")
    password_from = target.password_from
    if password_from is None and _keyring_password(target.upload_url, username):
        password_from = "keyring"
    if password_from is None and pypi and username == _TOKEN_USERNAME:
        trusted = _trusted_publishing(env, target.upload_url)
        if trusted is not None:
            return trusted
    if password_from is None:
        raise _no_credentials(target, "no password or API token")
    if username == _TOKEN_USERNAME and username_from != "TWINE_USERNAME":
        return f"{password_from} (username {_TOKEN_USERNAME}, {username_from})"
    return f"{password_from} (username {username!r} from {username_from})"


def _no_credentials(target: Target, what: str) -> PublishError:
    token = target.upload_url.startswith(_TWINE_PYPI)
    secret = "TWINE_PASSWORD (an API token)" if token else "TWINE_USERNAME and TWINE_PASSWORD"
    section = f"[{target.repository}]" if target.repository else "the repository's section"
    return PublishError(
        f"{what} for {target.upload_url} in the environment, the URL, "
        f"{target.config_file} or keyring: the upload would fail",
        hint=f"set {secret}, add username and password to {section} of "
        f"{target.config_file}, or store the password with 'keyring set "
        f"{target.upload_url} USERNAME'",
    )


def _keyring_username(system: str) -> str | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        found = keyring.get_credential(system, None)
    except Exception:  # noqa: BLE001 - any backend failure: twine has no username either
        return None
    return str(found.username) if found is not None and found.username else None


def _keyring_password(system: str, username: str) -> bool:
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        return bool(keyring.get_password(system, username))
    except Exception:  # noqa: BLE001 - no backend, a locked one: twine has no password either
        return False


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:  # twine runs without keyring too
        return None
    return keyring


def _trusted_publishing(env: Mapping[str, str], upload_url: str) -> str | None:
    """Which CI system would give twine an OIDC token to trade for an upload token (the
    environments the ``id`` library, which twine asks, detects), or None."""
    audience = "testpypi" if upload_url.startswith(_TWINE_PYPI[1]) else "pypi"
    if env.get("GITHUB_ACTIONS"):
        if env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN") and env.get("ACTIONS_ID_TOKEN_REQUEST_URL"):
            return "trusted publishing (GitHub Actions' OIDC token; PyPI must trust this workflow)"
        raise PublishError(
            "no API token, and this GitHub Actions job cannot ask for an OIDC token for "
            "trusted publishing (ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set)",
            hint="give the job 'permissions: id-token: write', or set TWINE_PASSWORD",
        )
    if env.get("GITLAB_CI"):
        variable = f"{audience.upper()}_ID_TOKEN"
        if env.get(variable):
            return f"trusted publishing (GitLab's OIDC token in {variable})"
        return None
    for variable, system in (
        ("BUILDKITE", "Buildkite"),
        ("CIRCLECI", "CircleCI"),
        ("GOOGLE_SERVICE_ACCOUNT_NAME", "Google Cloud"),
    ):
        if env.get(variable) or (system == "Google Cloud" and _on_google_cloud()):
            return f"trusted publishing ({system}'s OIDC token, if PyPI trusts this pipeline)"
    return None


def _on_google_cloud() -> bool:
    try:
        name = Path("/sys/class/dmi/id/product_name").read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return name in {"Google", "Google Compute Engine"}


def _split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, parts.username, parts.password


def _check_url(url: str, what: str) -> None:
    url = Redactor()(url)  # the messages below quote it; a user:password@ must not show
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        host = None
    if parts.scheme not in {"http", "https"} or not host:
        raise UsageError(
            f"the {what} {url!r} is not an http(s) URL",
            hint="give a full URL such as https://upload.pypi.org/legacy/",
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            f"refusing to send credentials and packages over plain http to {host}",
            hint=f"use https://{parts.netloc}{parts.path} (plain http is allowed "
            "only for localhost, 127.0.0.0/8 and ::1)",
        )


def _pypirc_section(config_path: str, repository: str) -> dict[str, str]:
    """Read one repository from .pypirc, with twine's defaults for pypi/testpypi."""
    path = Path(config_path).expanduser()
    parser = configparser.RawConfigParser()
    found = True
    try:
        with path.open(encoding="utf-8") as stream:
            parser.read_file(stream)
    except FileNotFoundError:
        # Like twine: a missing default ~/.pypirc still knows pypi and testpypi.
        if config_path != "~/.pypirc":
            raise UsageError(f"no .pypirc at {path}", hint=_PYPIRC_SPEC) from None
        found = False
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(
            f"cannot read {path}: {getattr(err, 'strerror', None) or err}", hint=_PYPIRC_SPEC
        ) from None
    except configparser.Error:
        # configparser's message quotes the offending line, which may hold a password.
        raise UsageError(f"{path} is malformed", hint=_PYPIRC_SPEC) from None

    servers = parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
    defaults = {"pypi": PYPI_UPLOAD_URL}
    if "testpypi" in servers:
        defaults["testpypi"] = TESTPYPI_UPLOAD_URL
    if not found and repository not in defaults:
        raise UsageError(
            f"there is no .pypirc ({path}), so repository {repository!r} is unknown: "
            "without one, only pypi and testpypi are",
            hint=f"create {path} with [distutils] index-servers = {repository} and a "
            f"[{repository}] section with repository = URL ({_PYPIRC_SPEC}), "
            "or use --repository-url",
        )
    if repository not in servers and repository not in defaults:
        raise UsageError(
            f"repository {repository!r} is not in {path}",
            hint=f"add it to [distutils] index-servers and a [{repository}] section "
            f"with repository = URL ({_PYPIRC_SPEC}), or use --repository-url",
        )
    section: dict[str, str] = {}
    for key in ("username", "password"):
        value = parser.get("server-login", key, fallback=None)
        if value:
            section[key] = value
    if parser.has_section(repository):
        section.update({k: v for k, v in parser.items(repository) if v})
    if "repository" not in section:
        if repository not in defaults:
            raise PublishError(
                f"repository {repository!r} in {path} has no 'repository' URL",
                hint=f"add 'repository = https://...' to its section ({_PYPIRC_SPEC})",
            )
        section["repository"] = defaults[repository]
    return section
