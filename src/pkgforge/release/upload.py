"""Run ``twine upload`` as a subprocess and read what the index answered.

twine's Python API is declared not public (twine#194), so pkgforge runs
``python -m twine upload`` with the same interpreter. Credentials reach twine
only through its environment, ``.pypirc`` or keyring, never its command line.
twine runs with ``--verbose`` so that its output carries the index's response
body; that output is redacted line by line and logged at debug level.
"""

from __future__ import annotations

import html
import logging
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pkgforge.release.credentials import Target
from pkgforge.release.redact import Redactor

__all__ = ["IndexFailure", "TwineRun", "body_text", "explain", "parse_failure", "run_twine"]

log = logging.getLogger("pkgforge")

_LEVEL = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)(?:\s+(.*))?$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_HTTP_ERROR = re.compile(r"HTTPError: (\d{3}) (.*?) from (\S+)")
_CONTINUATION = " " * 9  # rich's log handler indents wrapped and extra lines this far
_SNIPPET = 300


@dataclass(frozen=True)
class IndexFailure:
    """Why twine failed: the index's response, or twine's own error."""

    status: int | None
    """HTTP status, or None when twine failed before or without a response."""
    reason: str
    body: str
    """The response body as plain text (HTML reduced to its message), or twine's error."""
    filename: str | None
    """The file twine was uploading when it failed."""


@dataclass(frozen=True)
class TwineRun:
    returncode: int
    output: str
    """twine's combined output, redacted."""
    failure: IndexFailure | None


def run_twine(files: Sequence[Path], target: Target, redact: Redactor) -> TwineRun:
    """Upload ``files`` with twine; stream its redacted output to the debug log."""
    cmd = [sys.executable, "-m", "twine", "--no-color", "upload"]
    cmd += ["--non-interactive", "--disable-progress-bar", "--verbose"]
    if target.repository is not None:
        cmd += ["--repository", target.repository, "--config-file", target.config_file]
    else:
        cmd += ["--repository-url", target.upload_url]
    cmd += [str(f) for f in files]
    env = dict(os.environ)
    # pkgforge resolved the target already; twine's TWINE_REPOSITORY_URL would
    # override --repository and send the files elsewhere than pkgforge verifies.
    env.pop("TWINE_REPOSITORY_URL", None)
    env.pop("TWINE_REPOSITORY", None)
    if target.url_credentials:
        # A user:password@ URL would put the password on twine's command line.
        if target.username:
            env["TWINE_USERNAME"] = target.username
        if target.password:
            env["TWINE_PASSWORD"] = target.password
    # Wide and colourless, so each of twine's lines arrives whole and parseable.
    env.update({"COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb", "PYTHONIOENCODING": "utf-8"})
    env.pop("FORCE_COLOR", None)
    log.debug("running %s", " ".join(cmd))
    lines: list[str] = []
    with subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
    ) as proc:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = redact(_ANSI.sub("", raw).rstrip())
            lines.append(line)
            log.debug("twine: %s", line)
            if line.startswith("Uploading ") and not line.startswith("Uploading distributions"):
                log.info("uploading %s", line.removeprefix("Uploading ").strip())
    output = "\n".join(lines)
    failure = parse_failure(output) if proc.returncode else None
    return TwineRun(proc.returncode, output, failure)


def parse_failure(output: str) -> IndexFailure:
    """Pull the failing file, status, reason and response body out of twine's output."""
    records = _records(output)
    filename = None
    for level, text in records:
        if level is None and text.startswith("Uploading ") and "distributions" not in text:
            filename = text.removeprefix("Uploading ").strip()
    errors = [text for level, text in records if level in {"ERROR", "CRITICAL"}]
    if not errors:
        # twine died without logging (a traceback): its last line says what happened.
        last = next((ln for ln in reversed(output.splitlines()) if ln.strip()), "no output")
        return IndexFailure(None, "", last.strip()[:_SNIPPET], filename)
    error = errors[-1]
    match = _HTTP_ERROR.search(error)
    if match is None:
        return IndexFailure(None, "", " ".join(error.split())[:_SNIPPET], filename)
    status, reason = int(match.group(1)), match.group(2)
    detail = error[match.end() :].strip()
    body = ""
    for i, (level, text) in enumerate(records):
        if level == "INFO" and text.startswith("Response from ") and i + 1 < len(records):
            nxt_level, nxt = records[i + 1]
            if nxt_level == "INFO" and not nxt.startswith("Response from "):
                body = body_text(nxt)
    if detail and detail.lower() != reason.lower() and detail not in body:
        body = f"{detail} {body}".strip()
    return IndexFailure(status, reason, body[:_SNIPPET], filename)


def _records(output: str) -> list[tuple[str | None, str]]:
    """Group twine's lines into (level, text) log records; print() lines have no level."""
    records: list[tuple[str | None, str]] = []
    for line in output.splitlines():
        match = _LEVEL.match(line)
        if match:
            records.append((match.group(1), match.group(2) or ""))
        elif line.startswith(_CONTINUATION) and records and records[-1][0] is not None:
            level, text = records[-1]
            records[-1] = (level, f"{text}\n{line[len(_CONTINUATION) :]}")
        elif line.strip():
            records.append((None, line.strip()))
    return records


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


def explain(failure: IndexFailure, project: str) -> tuple[str, str]:
    """A sentence a user can act on, and a hint, for twine's failure."""
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
        if "connection" in text or "max retries" in text or "resolve" in text:
            return (
                f"twine cannot reach the index{detail}",
                "check the URL, your network, and that the index is running",
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
