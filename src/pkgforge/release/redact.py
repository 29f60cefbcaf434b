"""Keep passwords and tokens out of everything pkgforge shows.

``publish`` knows some secrets by value (``TWINE_PASSWORD``, a ``.pypirc``
password, a password in a URL) and recognises others by shape (PyPI API
tokens, ``user:password@`` in URLs, ``Authorization`` headers). Every line of
twine's output, every log record and every error message passes through a
:class:`Redactor` before a user can see it.

A secret known by value is masked where it stands as a whole value (between
spaces, quotes, after ``=`` or ``:``), never inside a longer word, a file name or
a URL's path: with the password ``any``, masking ``py3-none-any.whl`` would show
``py3-none-********.whl`` and so give the password away.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["MASK", "RedactingFilter", "Redactor", "redacting"]

MASK = "********"

# PyPI/TestPyPI API tokens are macaroons: "pypi-" then base64url, 50+ chars.
_TOKEN = re.compile(r"\bpypi-[A-Za-z0-9_\-]{16,}")
_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^/\s:@]*):[^/\s@]*@")
_AUTH_HEADER = re.compile(r"(?i)(authorization\s*[:=]\s*['\"]?\w+\s+)[^\s'\"]+")
# Characters that make a secret part of a longer word, file name or path when they
# touch it; a "." touches it only when a word goes on after it (``any.whl``, not ``any.``).
_WORD = r"\w\-./+%~"
_BEFORE = rf"(?<![{_WORD}])"
_AFTER = rf"(?![{_WORD.replace('.', '')}]|\.\w)"
# A secret shorter than this is not masked by value: masking "a" would mangle
# every line, and so short a password is not worth the noise.
_MIN_SECRET = 3


@dataclass(frozen=True)
class Redactor:
    """Replace known secrets and secret-shaped strings with :data:`MASK`."""

    secrets: tuple[str, ...] = field(default=(), repr=False)
    _whole_values: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.secrets:
            alternatives = "|".join(map(re.escape, self.secrets))
            pattern = re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}")
            object.__setattr__(self, "_whole_values", pattern)

    @classmethod
    def of(cls, secrets: Iterable[str | None]) -> Redactor:
        # Longest first, so a secret that contains another is masked whole.
        usable = {s for s in secrets if s and len(s) >= _MIN_SECRET}
        return cls(tuple(sorted(usable, key=len, reverse=True)))

    def __call__(self, text: str) -> str:
        if self._whole_values is not None:
            text = self._whole_values.sub(MASK, text)
        text = _URL_USERINFO.sub(rf"\g<scheme>\g<user>:{MASK}@", text)
        text = _AUTH_HEADER.sub(rf"\g<1>{MASK}", text)
        return _TOKEN.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Rewrite each record's message through a :class:`Redactor` before any handler."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        return True


@contextmanager
def redacting(logger: logging.Logger, redact: Redactor) -> Iterator[None]:
    """Redact every record ``logger`` emits while the block runs."""
    flt = RedactingFilter(redact)
    logger.addFilter(flt)
    try:
        yield
    finally:
        logger.removeFilter(flt)
