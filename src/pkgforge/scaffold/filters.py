"""Jinja filters that write a template answer in the syntax of the file it lands in.

Each filter returns a complete literal (quotes included) that reads back as exactly the
value it was given, whatever the value holds: quotes of both kinds, a trailing
backslash, emoji and other characters outside the BMP, control characters, or text that
looks like Jinja. The built-in templates load them through the ``_extensions`` entry of
their ``cookiecutter.json``, so cookiecutter itself installs them::

    name = {{ cookiecutter.project_name | toml }}         # pyproject.toml
    author = {{ cookiecutter.author_name | pyrepr }}      # docs/conf.py
    {{ cookiecutter.description | pydoc }}                 # a module docstring
    python-version: [{{ cookiecutter.python_min | yaml }}] # a workflow
    {{ cookiecutter.description | md }}                    # README.md
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from jinja2.ext import Extension

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = [
    "Filters",
    "github_handle",
    "markdown_text",
    "python_docstring",
    "python_literal",
    "toml_value",
    "yaml_scalar",
]


def toml_value(value: Any) -> str:
    """``value`` as a TOML value, written by tomli-w (non-ASCII stays literal and valid)."""
    import tomli_w

    # tomli-w writes documents, not values: write a one-key table and keep the right side.
    line = tomli_w.dumps({"v": value}).rstrip("\n")
    return line.partition(" = ")[2]


def _python_escape(char: str, quote: str) -> str:
    if char in {"\\", quote}:
        return "\\" + char
    if char.isprintable():
        return char
    return repr(char)[1:-1]  # \n, \t, \x7f, \u2028, a lone surrogate...


def python_literal(value: Any) -> str:
    """``value`` as a Python string literal, in the quotes ruff's formatter would choose."""
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + "".join(_python_escape(char, quote) for char in text) + quote


def python_docstring(value: Any) -> str:
    """``value`` as a triple-quoted docstring literal (``\"\"\"text\"\"\"``)."""
    text = str(value)
    # A docstring may hold a lone " anywhere but at its end or in a run of three.
    escape_quotes = '"""' in text or text.endswith('"')
    body = "".join(
        _python_escape(char, '"') if char != '"' or escape_quotes else char for char in text
    )
    return f'"""{body}"""'


_YAML_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _yaml_literal(code: int) -> bool:
    """What a YAML stream may hold as it is (the "printable" set of YAML 1.1 and 1.2),
    minus the line breaks a double-quoted scalar would fold (NEL, LS, PS). Compared by
    code point: a regular expression of these ranges takes ~10 ms to compile."""
    return (
        0x20 <= code <= 0x7E
        or (0xA0 <= code <= 0xD7FF and code not in {0x2028, 0x2029})
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    )


def _yaml_escape(char: str) -> str:
    if char in _YAML_NAMED:
        return _YAML_NAMED[char]
    code = ord(char)
    if _yaml_literal(code):
        return char
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )


def yaml_scalar(value: Any) -> str:
    """``value`` as a double-quoted YAML scalar: always a string, never a number or a bool."""
    return '"' + "".join(_yaml_escape(char) for char in str(value)) + '"'


# Characters that start inline Markdown (CommonMark and GitHub's extensions): code,
# emphasis, links and images, raw HTML, entities, tables, strikethrough, escapes.
_MD_INLINE = re.compile(r"([\\`*\[\]<>&|~!])")
# An underscore opens emphasis unless it sits between two letters or digits (snake_case).
_MD_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# What makes a line a heading, a quote, a list item, a thematic break or a table row.
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")


def markdown_text(value: Any) -> str:
    """``value`` as Markdown text that renders as exactly those characters."""
    lines = []
    for line in str(value).split("\n"):
        escaped = _MD_INLINE.sub(r"\\\1", line)
        escaped = _MD_UNDERSCORE.sub(r"\\_", escaped)
        match = _MD_LINE_START.match(escaped)
        if match:
            # Leading spaces would indent into a code block; the marker needs its escape.
            start = "&#32;" * len(match.group(1))
            marker = match.group(2)
            if marker.isdigit():
                digits_end = match.end()
                escaped = f"{start}{marker}\\{escaped[digits_end:]}"
            else:
                escaped = f"{start}\\{escaped[match.start(2) :]}"
        elif escaped.startswith(" "):
            escaped = "&#32;" * (len(escaped) - len(escaped.lstrip(" "))) + escaped.lstrip(" ")
        lines.append(escaped)
    return "\n".join(lines)


def github_handle(value: Any) -> str:
    """A user name as GitHub spells logins: ``José García`` -> ``jose-garcia``."""
    ascii_text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    handle = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return handle[:39].rstrip("-") or "your-name"


class Filters(Extension):
    """The filters above, under the names templates use: ``toml``, ``pyrepr``, ``pydoc``,
    ``yaml``, ``md`` and ``github_handle``; and the global ``pkgforge_version``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            toml=toml_value,
            pyrepr=python_literal,
            pydoc=python_docstring,
            yaml=yaml_scalar,
            md=markdown_text,
            github_handle=github_handle,
        )
        # The release that renders: generated projects pin it (``pkgforge-cli==...``).
        from pkgforge import __version__

        environment.globals["pkgforge_version"] = __version__
        # Compiled templates are kept between runs when pkgforge renders (not cookiecutter's
        # own CLI): see jinjacache.
        from pkgforge.scaffold.jinjacache import install

        install(environment)
