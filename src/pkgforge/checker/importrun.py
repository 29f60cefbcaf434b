"""``check --import``: import every module of the project in one fresh subprocess.

This runs the project's code, so it is opt-in. It cross-checks the static rules:
a module that fails to import here but got no error-level finding points at a
rule that missed something (or at a missing dependency in this environment).
The child runs with ``-B`` (no bytecode written into the project) from a
temporary directory, with the project's package roots first on ``sys.path``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from pkgforge.checker.model import Project

__all__ = ["DEFAULT_TIMEOUT", "ImportFailure", "import_modules"]

log = logging.getLogger("pkgforge")

DEFAULT_TIMEOUT = 120.0
_MARK = "\x1epkgforge-import\x1e"

# Runs in the child. Results go to a duplicate of the original stdout, so a
# module that prints, or replaces sys.stdout, cannot corrupt them.
_CHILD = r"""
import importlib, json, os, sys, traceback
request = json.loads(sys.stdin.read())
out = os.fdopen(os.dup(1), "w", buffering=1)
sys.path[:0] = request["paths"]
mark = request["mark"]
files = set(request["files"])
for module in request["modules"]:
    out.write(mark + json.dumps({"start": module}) + "\n")
    try:
        importlib.import_module(module)
    except BaseException as err:
        line, where = 1, ""
        for frame in traceback.extract_tb(err.__traceback__):
            if frame.filename in files:
                where, line = frame.filename, frame.lineno or 1
        if isinstance(err, SyntaxError) and err.filename in files:
            where, line = err.filename, err.lineno or 1
        text = f"{type(err).__name__}: {err}".splitlines()[0][:300]
        result = {"module": module, "error": text, "file": where, "line": line}
    else:
        result = {"module": module}
    out.write(mark + json.dumps(result) + "\n")
"""


@dataclass(frozen=True)
class ImportFailure:
    module: str
    relpath: str
    """The module's own file."""
    error: str
    """``ExceptionType: message``, one line."""
    line: int = 1
    raised_in: str = ""
    """Project file (relpath) of the deepest frame, when the error came from project code."""


def import_modules(
    project: Project, *, timeout: float = DEFAULT_TIMEOUT
) -> tuple[ImportFailure, ...]:
    """Import each module of ``project``; return the ones that fail (or hang)."""
    files = [
        f
        for f in project.files
        if f.module and f.summary.problem is None and f.module.rsplit(".", 1)[-1] != "__main__"
    ]
    if not files:
        return ()
    by_module = {f.module: f for f in files}
    by_path = {os.fspath(f.path): f.relpath for f in project.files}
    request = {
        "paths": [os.fspath(p) for p in project.package_roots],
        "modules": sorted(by_module),
        "files": sorted(by_path),
        "mark": _MARK,
    }
    log.info("importing %d modules in a subprocess", len(by_module))
    with tempfile.TemporaryDirectory(prefix="pkgforge-import-") as workdir:
        try:
            completed = subprocess.run(
                [sys.executable, "-B", "-P", "-c", _CHILD],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                cwd=workdir,
                timeout=timeout,
                check=False,
            )
            stdout, stderr = completed.stdout, completed.stderr
            timed_out = False
        except subprocess.TimeoutExpired as err:
            stdout = _text(err.stdout)
            stderr = _text(err.stderr)
            timed_out = True
    failures: list[ImportFailure] = []
    started: str | None = None
    for raw in stdout.split("\n"):
        if not raw.startswith(_MARK):
            continue
        record = json.loads(raw[len(_MARK) :])
        if "start" in record:
            started = record["start"]
            continue
        started = None
        if "error" in record and record["module"] in by_module:
            file = by_module[record["module"]]
            raised_in = by_path.get(record.get("file", ""), "")
            line = record.get("line", 1) if raised_in == file.relpath else 1
            failures.append(
                ImportFailure(file.module, file.relpath, record["error"], line, raised_in)
            )
    if started is not None and started in by_module:
        file = by_module[started]
        why = (
            f"did not finish within {timeout:g} s"
            if timed_out
            else "crashed the interpreter: " + (stderr.strip().splitlines() or ["no output"])[-1]
        )
        failures.append(ImportFailure(file.module, file.relpath, f"import {why}"))
        log.warning("the import run stopped at %s; later modules were not imported", started)
    return tuple(failures)


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""
