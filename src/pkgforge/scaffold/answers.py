"""Check a template's answers before anything is written.

A template says what each variable holds in its ``cookiecutter.json``, under the
private key ``_pkgforge_validate`` (cookiecutter copies private keys as they are)::

    "_pkgforge_validate": {"version": "version", "python_min": "python 3.11-3.15", ...}

A variable without a kind is not checked: a template from elsewhere keeps working
as cookiecutter would run it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from pkgforge.errors import TemplateError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["KINDS", "InvalidAnswerError", "check_answer", "kinds_of"]

VALIDATE_KEY = "_pkgforge_validate"


class InvalidAnswerError(UsageError):
    """A template variable's value is not what the variable accepts."""

    def __init__(self, variable: str, value: str, accepts: str) -> None:
        shown = value if len(value) <= 60 else value[:57] + "..."
        super().__init__(
            f"{variable}: {shown!r} is not {accepts}",
            hint=f"give {variable} another value (--set {variable}=...)",
        )
        self.variable = variable


def _line(variable: str, value: str, _arg: str) -> str:
    # Surrounding whitespace goes, as a prompt drops it; what is left must fit on one line
    # (core metadata fields, a docstring, a Markdown paragraph).
    text = value.strip()
    if any(unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"} for char in text):
        raise InvalidAnswerError(
            variable, value, "one line of text (no line breaks or control characters)"
        )
    return text


def _version(variable: str, value: str, _arg: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        # The normal form: the package's tests compare __version__ with the installed metadata.
        return str(Version(value))
    except InvalidVersion:
        raise InvalidAnswerError(variable, value, "a PEP 440 version such as 0.1.0") from None


def _python(variable: str, value: str, arg: str) -> str:
    low, _, high = arg.partition("-")
    lowest, highest = int(low.split(".")[1]), int(high.split(".")[1])
    match = re.fullmatch(r"3\.(0|[1-9][0-9]*)", value.strip())
    if match is None or not lowest <= int(match.group(1)) <= highest:
        raise InvalidAnswerError(variable, value, f"a supported Python: 3.X from {low} to {high}")
    return value.strip()


# Characters an address in a core metadata "Name <address>" field cannot hold.
_EMAIL = re.compile(r'[^\s@<>,;:"()\[\]\\]+@[^\s@<>,;:"()\[\]\\.][^\s@<>,;:"()\[\]\\]*')


def _email(variable: str, value: str, _arg: str) -> str:
    text = value.strip()
    if not _EMAIL.fullmatch(text) or text.endswith("."):
        raise InvalidAnswerError(variable, value, "an email address such as you@example.com")
    return text


def _url(variable: str, value: str, _arg: str) -> str:
    from urllib.parse import urlsplit

    text = value.strip()
    try:
        parts = urlsplit(text)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid or any(char.isspace() or not char.isprintable() for char in text):
        raise InvalidAnswerError(variable, value, "an http:// or https:// URL")
    return text


def _license(variable: str, value: str, _arg: str) -> str:
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    try:
        return str(canonicalize_license_expression(value.strip()))
    except InvalidLicenseExpression:
        raise InvalidAnswerError(
            variable, value, "an SPDX license expression such as MIT"
        ) from None


_GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


def _github(variable: str, value: str, _arg: str) -> str:
    if not _GITHUB_LOGIN.fullmatch(value.strip()):
        raise InvalidAnswerError(
            variable, value, "a GitHub user or organisation: letters, digits, single hyphens"
        )
    return value.strip()


KINDS: Mapping[str, Callable[[str, str, str], str]] = {
    "line": _line,
    "version": _version,
    "python": _python,
    "email": _email,
    "url": _url,
    "license": _license,
    "github": _github,
}
"""Each kind takes (variable, value, argument) and returns the value to write."""


def kinds_of(variables: Mapping[str, object], template: str) -> dict[str, tuple[str, str]]:
    """The declared kind (and its argument) of each variable: ``{"python_min": ("python",
    "3.11-3.15")}``. A declaration pkgforge cannot read is the template's error."""
    declared = variables.get(VALIDATE_KEY, {})
    if not isinstance(declared, dict):
        raise TemplateError(
            f"template {template!r}: {VALIDATE_KEY} is not a table of variable: kind",
            hint=f"kinds are: {', '.join(KINDS)}",
        )
    kinds: dict[str, tuple[str, str]] = {}
    for variable, spec in declared.items():
        kind, _, arg = str(spec).partition(" ")
        if kind not in KINDS or (kind == "python" and not re.fullmatch(r"3\.\d+-3\.\d+", arg)):
            raise TemplateError(
                f"template {template!r}: {VALIDATE_KEY} gives {variable!r} the kind {spec!r}",
                hint=f"kinds are: {', '.join(KINDS)} (python takes a range: 'python 3.11-3.15')",
            )
        kinds[str(variable)] = (kind, arg)
    return kinds


def check_answer(variable: str, value: object, kinds: Mapping[str, tuple[str, str]]) -> object:
    """The value to write for ``variable`` (a normal form), or :class:`InvalidAnswerError`."""
    if variable not in kinds or not isinstance(value, str):
        return value
    kind, arg = kinds[variable]
    return KINDS[kind](variable, value, arg)
