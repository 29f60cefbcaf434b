"""Machine-readable findings: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pkgforge.checker.engine import CheckResult
from pkgforge.checker.findings import Finding, Severity, any_errors

__all__ = ["SCHEMA_VERSION", "findings_dict", "render", "to_dict"]

SCHEMA_VERSION = 1


def to_dict(result: CheckResult) -> dict[str, object]:
    return {
        "version": SCHEMA_VERSION,
        "findings": [finding.to_dict() for finding in result.findings],
        "summary": {
            "files_checked": result.files_checked,
            **{f"{severity}s": count for severity, count in result.counts.items()},
            "suppressed": result.suppressed,
            "has_errors": result.has_errors,
        },
    }


def render(result: CheckResult, *, color: bool = False) -> str:
    return dumps_indented(to_dict(result)) + "\n"


def dumps_indented(value: object) -> str:
    """``json.dumps(value, indent=2)``, the same text, in a fifth of the time for findings:
    with ``indent``, ``json`` encodes in Python token by token; here each string goes to
    its C escaper whole (a re-check's output is a few hundred findings of short strings).
    Anything but dicts with string keys, lists and JSON scalars goes to ``json`` itself."""
    parts: list[str] = []
    try:
        _indented(value, "\n", parts)
    except _NotPlain:
        return json.dumps(value, indent=2)
    return "".join(parts)


class _NotPlain(Exception):
    """A value :func:`dumps_indented` leaves to ``json``."""


_escape = json.encoder.encode_basestring_ascii


def _indented(value: Any, newline: str, parts: list[str]) -> None:
    kind = type(value)
    if kind is str:
        parts.append(_escape(value))
    elif kind is int:
        parts.append(int.__repr__(value))
    elif value is True or value is False or value is None:
        parts.append("true" if value is True else "false" if value is False else "null")
    elif kind is dict or kind is list:
        _container(value, kind is dict, newline, parts)
    else:
        raise _NotPlain


def findings_dict(findings: Sequence[Finding], **fields: object) -> dict[str, object]:
    """Findings of another command (``build``, ``verify``) in the shape ``check`` prints,
    with that command's own ``fields`` after them."""
    counts = {
        f"{severity}s": sum(f.severity is severity for f in findings) for severity in Severity
    }
    return {
        "version": SCHEMA_VERSION,
        "findings": [finding.to_dict() for finding in findings],
        "summary": {**counts, "has_errors": any_errors(findings)},
        **fields,
    }


def _container(value: Any, is_dict: bool, newline: str, parts: list[str]) -> None:
    if not value:
        parts.append("{}" if is_dict else "[]")
        return
    inner = newline + "  "
    separator = "{" if is_dict else "["
    for entry in value.items() if is_dict else value:
        if is_dict:
            key, item = entry
            if type(key) is not str:
                raise _NotPlain
            parts.append(f"{separator}{inner}{_escape(key)}: ")
        else:
            item = entry
            parts.append(separator + inner)
        _indented(item, inner, parts)
        separator = ","
    parts.append(newline + ("}" if is_dict else "]"))
