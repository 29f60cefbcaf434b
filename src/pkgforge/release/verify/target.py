"""The interpreter a verification runs on: its version, the wheel tags it accepts and
the values its environment markers take."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pkgforge.errors import UsageError

__all__ = ["Target", "find_target"]

PROBE_TIMEOUT = 60.0

# Runs in the probed interpreter with pkgforge's `packaging` on its path (the probe
# imports nothing else from there). The last line of stdout is the answer.
_PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from packaging import markers, tags
print()
print(json.dumps({
    "version": list(sys.version_info[:3]),
    "tags": [str(t) for t in tags.sys_tags()],
    "markers": markers.default_environment(),
    "base": getattr(sys, "_base_executable", sys.executable),
}))
"""


@dataclass(frozen=True)
class Target:
    """The interpreter the throwaway environment is made from."""

    executable: Path
    origin: str
    """How it was chosen (``pkgforge's Python``, ``--python PATH``)."""
    version: tuple[int, int, int]
    tags: tuple[str, ...]
    """The wheel tags it accepts, most specific first."""
    markers: dict[str, str]
    """Its environment-marker values (``sys_platform``, ``python_version``...)."""
    base: str
    """The interpreter a virtual environment's Python is made from (identity for caches)."""

    @property
    def chosen(self) -> bool:
        """The user chose it (``--python``): one that does not fit is a usage error."""
        return self.origin.startswith("--python")

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def find_target(python: str | os.PathLike[str] | None) -> Target:
    """The interpreter that runs pkgforge, or the one ``--python`` names (an interpreter,
    a virtual environment or a command on ``PATH``); raise UsageError when it does not run."""
    if python is None:
        from packaging import markers, tags

        return Target(
            Path(sys.executable),
            "the Python that runs pkgforge",
            (sys.version_info[0], sys.version_info[1], sys.version_info[2]),
            tuple(str(t) for t in tags.sys_tags()),
            {k: str(v) for k, v in markers.default_environment().items()},
            getattr(sys, "_base_executable", sys.executable),
        )
    from pkgforge.checker.importing.interpreter import resolve_python

    executable = resolve_python(os.fspath(python))
    origin = f"--python {os.fspath(python)}"
    import packaging

    here = str(Path(packaging.__file__).resolve().parent.parent)
    failed = f"{origin}: {executable} does not run as Python 3.8 or newer"
    try:
        completed = subprocess.run(
            [os.fspath(executable), "-I", "-B", "-c", _PROBE, here],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise UsageError(f"{failed} ({err})", hint="give a Python interpreter") from None
    lines = completed.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1])
        major, minor, micro = (int(part) for part in answer["version"])
        target = Target(
            executable,
            origin,
            (major, minor, micro),
            tuple(str(t) for t in answer["tags"]),
            {str(k): str(v) for k, v in answer["markers"].items()},
            str(answer["base"]),
        )
    except (IndexError, ValueError, KeyError, TypeError, AttributeError):
        stderr = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        why = stderr[-1] if stderr else f"exit status {completed.returncode}"
        raise UsageError(f"{failed} ({why[:200]})", hint="give a Python interpreter") from None
    return target
