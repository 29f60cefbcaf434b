"""Which Python ``check --import`` runs the project's code with (``verify --python`` reads
its option the same way).

The import run must happen in the *project's* environment (its dependencies, its
Python), not pkgforge's own: pkgforge is often installed with pipx, where none of
the project's dependencies are. In order: ``--python PATH`` (an interpreter, a
virtual environment, or a command on ``PATH``), the project's ``.venv/`` or
``venv/``, the active environment (``VIRTUAL_ENV``, or ``CONDA_PREFIX`` outside
conda's base), and pkgforge's own interpreter only when the project is installed
in it (so it *is* the project's environment). Otherwise a usage error asks for
``--python``: guessing would report the project's dependencies as missing.

The chosen interpreter is run once (a probe) to learn its version, which must be
one the project's ``requires-python`` allows, and which of the project's declared
distributions it has installed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pkgforge.errors import UsageError

__all__ = ["Interpreter", "check_requires_python", "find_interpreter", "resolve_python"]

log = logging.getLogger("pkgforge")

PROBE_TIMEOUT = 30.0
_HINT = (
    "pass --python PATH (the project's interpreter or virtual environment), "
    "create the project's .venv, or activate its environment"
)
# Where a virtual environment keeps its interpreter (POSIX, then Windows).
_VENV_PYTHONS = ("bin/python", "bin/python3", "Scripts/python.exe")

# Runs in the probed interpreter, which may be an older Python than pkgforge's:
# keep it to syntax Python 3.6 understands. The last line of stdout is the answer
# (a sitecustomize that prints must not break it).
_PROBE = r"""
import json, sys
names = json.loads(sys.argv[1])
try:
    from importlib import metadata
except ImportError:
    metadata = None
installed = None
if metadata is not None:
    installed = []
    for name in names:
        try:
            metadata.distribution(name)
        except Exception:
            continue
        installed.append(name)
sys.stdout.write("\n" + json.dumps({
    "version": list(sys.version_info[:3]),
    "installed": installed,
}) + "\n")
"""


@dataclass(frozen=True)
class Interpreter:
    """The Python an import run uses."""

    executable: Path
    """As found, not resolved: a virtual environment's ``bin/python`` is a symlink that
    must be run through the link for the environment to apply."""
    origin: str
    """How it was chosen, for the user: ``--python``, ``the project's .venv``..."""
    version: tuple[int, int, int]
    installed: frozenset[str] | None
    """Which of the asked-about distributions (canonical names) are installed in it;
    None when that Python cannot tell (no ``importlib.metadata`` before 3.8)."""

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def find_interpreter(
    root: Path,
    python: str | os.PathLike[str] | None = None,
    *,
    requires_python: str | None = None,
    project_name: str | None = None,
    distributions: Iterable[str] = (),
    environ: Mapping[str, str] | None = None,
) -> Interpreter:
    """The interpreter to import the project at ``root`` with; raise UsageError when
    there is none, it does not run, or ``requires-python`` does not allow it.

    ``distributions`` (canonical names) are looked up in its environment.
    """
    env = os.environ if environ is None else environ
    executable, origin = _locate(root, python, env, project_name)
    names = sorted(set(distributions))
    version, installed = _probe(executable, origin, names)
    if version < (3, 6):
        raise UsageError(
            f"{origin} is Python {'.'.join(map(str, version))}; --import needs Python 3.6 or newer",
            hint=_HINT,
        )
    check_requires_python(version, requires_python, origin)
    return Interpreter(
        executable, origin, version, None if installed is None else frozenset(installed)
    )


def _locate(
    root: Path,
    python: str | os.PathLike[str] | None,
    env: Mapping[str, str],
    project_name: str | None,
) -> tuple[Path, str]:
    if python is not None:
        return resolve_python(os.fspath(python)), f"--python {os.fspath(python)}"
    for name in (".venv", "venv"):
        candidate = root / name
        if candidate.is_dir():
            found = _venv_python(candidate)
            if found is None:
                raise UsageError(
                    f"the project's {name}/ has no Python interpreter in it "
                    f"(looked for {', '.join(_VENV_PYTHONS)})",
                    hint="recreate it, or " + _HINT,
                )
            return found, f"the project's {name}/"
    active = _active_environment(env)
    if active is not None:
        variable, prefix = active
        found = _venv_python(Path(prefix))
        if found is None:
            raise UsageError(f"{variable}={prefix} has no Python interpreter in it", hint=_HINT)
        return found, f"the active environment ({variable}={prefix})"
    if project_name and _installed_here(project_name):
        return Path(sys.executable), f"pkgforge's own Python, where {project_name} is installed"
    raise UsageError(
        "--import needs the project's Python environment, and none was found "
        "(no --python, no .venv/ or venv/ in the project, no active environment)",
        hint=_HINT,
    )


def resolve_python(value: str) -> Path:
    """The interpreter ``--python VALUE`` names: an interpreter, a virtual environment or a
    command on ``PATH``; raise UsageError when it names none."""
    path = Path(value)
    if path.is_dir():
        found = _venv_python(path)
        if found is None:
            raise UsageError(
                f"--python {value}: a directory with no Python interpreter in it "
                f"(looked for {', '.join(_VENV_PYTHONS)})",
                hint="give an interpreter or a virtual environment",
            )
        return found.absolute()
    if path.is_file():
        if not os.access(path, os.X_OK):
            raise UsageError(f"--python {value}: not executable", hint="give a Python interpreter")
        return path.absolute()
    if os.sep not in value and (os.altsep is None or os.altsep not in value):
        on_path = shutil.which(value)
        if on_path is not None:
            return Path(on_path)
    raise UsageError(
        f"--python {value}: no such file or directory",
        hint="give an interpreter, a virtual environment, or a command on PATH",
    )


def _venv_python(directory: Path) -> Path | None:
    for relative in _VENV_PYTHONS:
        candidate = directory / relative
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _active_environment(env: Mapping[str, str]) -> tuple[str, str] | None:
    virtual_env = env.get("VIRTUAL_ENV")
    if virtual_env:
        return "VIRTUAL_ENV", virtual_env
    conda = env.get("CONDA_PREFIX")
    # conda's base environment is active in every shell by default: not a project's choice.
    if conda and env.get("CONDA_DEFAULT_ENV", "base") != "base":
        return "CONDA_PREFIX", conda
    return None


def _installed_here(name: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(name)
    except Exception:  # noqa: BLE001 - not installed, or unreadable metadata: not here
        return False
    return True


def _probe(
    executable: Path, origin: str, names: list[str]
) -> tuple[tuple[int, int, int], list[str] | None]:
    failed = f"{origin}: {executable} does not run as Python"
    try:
        completed = subprocess.run(
            [os.fspath(executable), "-B", "-c", _PROBE, json.dumps(names)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(f"{failed} (no answer within {PROBE_TIMEOUT:g} s)", hint=_HINT) from None
    except OSError as err:
        raise UsageError(f"{failed} ({err.strerror or err})", hint=_HINT) from None
    lines = completed.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1])
        major, minor, micro = (int(part) for part in answer["version"])
        installed = answer["installed"]
    except (IndexError, ValueError, KeyError, TypeError):
        stderr = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        why = stderr[-1] if stderr else f"exit status {completed.returncode}"
        raise UsageError(f"{failed} ({why[:200]})", hint=_HINT) from None
    if installed is not None and not isinstance(installed, list):
        installed = None
    log.debug("probed %s: Python %d.%d.%d", executable, major, minor, micro)
    return (major, minor, micro), installed


def check_requires_python(
    version: tuple[int, int, int], requires_python: str | None, origin: str
) -> None:
    if not requires_python:
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return  # PF5xx reports the invalid specifier; it says nothing about this Python
    text = ".".join(map(str, version))
    if not allowed.contains(text, prereleases=True):
        raise UsageError(
            f"{origin} is Python {text}, which the project's requires-python "
            f"{requires_python!r} does not allow",
            hint="pass --python with an interpreter the project supports",
        )
