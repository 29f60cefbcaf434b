"""The throwaway environment a wheel is verified in: its declared dependencies, nothing else.

A virtual environment is made from the target interpreter, without pip, and the
build's installer (pip or uv) installs the wheel's ``Requires-Dist`` into it,
markers evaluated for that interpreter, extras only when asked for. The
installer runs with the user's own environment and configuration (indexes,
find-links, offline mode, credentials): a private index needs them. The wheel
itself is not installed there; each verification lays it out in a folder of its
own (:func:`~pkgforge.release.verify.wheel.unpack_wheel`) that the imports put
first, as a site directory.

Environments are kept between runs, keyed by the interpreter, the installer,
the requirements and the installer's environment variables, for a day
(``PKGFORGE_VERIFY_CACHE`` names the folder; ``off`` keeps none): a second build
with the same dependency set reuses its environment.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pkgforge.checker.distmap import canonical

if TYPE_CHECKING:
    from pkgforge.release.verify.target import Target
    from pkgforge.release.verify.wheel import WheelInfo

__all__ = [
    "CACHE_ENV",
    "Environment",
    "Requirements",
    "Unavailable",
    "environment",
    "select_requirements",
]

log = logging.getLogger("pkgforge")

CACHE_ENV = "PKGFORGE_VERIFY_CACHE"
MAX_AGE = 24 * 3600.0
"""Seconds an environment is reused: newer releases of the dependencies reach the next
day's verification."""
_MARKER = "pkgforge-env.json"
_INSTALL_TIMEOUT = 900.0

Installer = Literal["pip", "uv"]


class Unavailable(Exception):
    """The environment cannot be made (no venv, dependencies not installable, offline)."""


@dataclass(frozen=True)
class Requirements:
    """A wheel's ``Requires-Dist`` as one interpreter sees it."""

    install: tuple[str, ...]
    """What the environment gets (markers evaluated, the project's own extras expanded)."""
    required: frozenset[str]
    """Canonical names every install of the wheel gets here."""
    optional: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Canonical name -> the extras that declare it (``extra `yaml```)."""
    elsewhere: frozenset[str] = frozenset()
    """Declared for other platforms or Pythons only (a marker false here)."""


def select_requirements(
    wheel: WheelInfo, markers: Mapping[str, str], extras: Sequence[str] = ()
) -> Requirements:
    """What installing ``wheel[extras]`` installs on an interpreter with ``markers``."""
    from packaging.requirements import InvalidRequirement, Requirement

    own = canonical(wheel.name)
    parsed: list[Requirement] = []
    for text in wheel.requires_dist:
        try:
            parsed.append(Requirement(text))
        except InvalidRequirement:
            log.debug("verify: an invalid Requires-Dist of %s is left out: %s", wheel.name, text)

    def applies(requirement: Requirement, extra: str) -> bool:
        if requirement.marker is None:
            return extra == ""
        return bool(requirement.marker.evaluate({**markers, "extra": extra}))

    chosen: dict[str, Requirement] = {}
    wanted, seen = ["", *extras], set()
    while wanted:
        extra = wanted.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in parsed:
            if not applies(requirement, extra):
                continue
            if canonical(requirement.name) == own:
                wanted.extend(requirement.extras)  # `sound[all]` requires `sound[cli]`
            else:
                chosen.setdefault(str(_without_marker(requirement)), requirement)
    base = {canonical(r.name) for r in parsed if applies(r, "") and canonical(r.name) != own}
    optional: dict[str, list[str]] = {}
    for extra in wheel.extras:
        for requirement in parsed:
            name = canonical(requirement.name)
            if name != own and name not in base and applies(requirement, extra):
                optional.setdefault(name, []).append(f"extra `{extra}`")
    elsewhere = {
        canonical(r.name)
        for r in parsed
        if r.marker is not None
        and "extra" not in str(r.marker)
        and canonical(r.name) not in base
        and not applies(r, "")
    }
    return Requirements(
        tuple(sorted(chosen)),
        frozenset(base),
        {name: tuple(where) for name, where in optional.items()},
        frozenset(elsewhere),
    )


def _without_marker(requirement: object) -> object:
    from packaging.requirements import Requirement

    assert isinstance(requirement, Requirement)
    copy = Requirement(str(requirement))
    copy.marker = None
    return copy


@dataclass(frozen=True)
class Environment:
    python: Path
    site: Path
    """Its site-packages."""
    reused: bool
    installer: Installer


@contextlib.contextmanager
def environment(
    target: Target, install: Sequence[str], installer: Installer
) -> Iterator[Environment]:
    """A virtual environment of ``target`` with ``install`` installed: a kept one when
    one is fresh, else a new one (kept for the next run unless the cache is off).
    Raise :class:`Unavailable` when it cannot be made."""
    cache = _cache_dir()
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="pkgforge-verify-env-") as scratch:
            yield _create(Path(scratch) / "env", target, install, installer)
        return
    key = _key(target, install, installer)
    root = cache / key
    found = _fresh(root, installer)
    if found is not None:
        log.info("verify: reusing the environment of an earlier verification (%s)", root.name)
        yield found
        return
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / f"{key}.lock"):
        found = _fresh(root, installer)
        if found is None:
            shutil.rmtree(root, ignore_errors=True)
            try:
                found = _create(root, target, install, installer)
            except BaseException:
                shutil.rmtree(root, ignore_errors=True)
                raise
    yield found


def _cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        if value.strip().lower() in ("", "0", "off", "no", "false"):
            return None
        return Path(value).absolute()
    import platformdirs

    return Path(platformdirs.user_cache_dir("pkgforge")) / "verify"


def _key(target: Target, install: Sequence[str], installer: Installer) -> str:
    settings = sorted(
        (name, value) for name, value in os.environ.items() if name.startswith(("PIP_", "UV_"))
    )
    payload = json.dumps(
        [target.base, target.version, installer, sorted(install), settings], sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _fresh(root: Path, installer: Installer) -> Environment | None:
    try:
        marker = json.loads((root / _MARKER).read_text(encoding="utf-8"))
        made = float(marker["made"])
        python, site = Path(marker["python"]), Path(marker["site"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if time.time() - made > MAX_AGE or not python.exists() or not site.is_dir():
        return None
    return Environment(python, site, reused=True, installer=installer)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: two runs may both make it
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create(
    root: Path, target: Target, install: Sequence[str], installer: Installer
) -> Environment:
    started = time.perf_counter()
    outer_pip = installer == "pip" and _outer_pip()
    with_pip = installer == "pip" and install and not outer_pip
    command = [os.fspath(target.executable), "-m", "venv", os.fspath(root)]
    if not with_pip:
        command.insert(3, "--without-pip")
    _run(command, "could not create a virtual environment", environ=_clean_environ())
    python = _venv_python(root)
    site = Path(
        _run(
            [
                os.fspath(python),
                "-I",
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            "the new virtual environment does not run",
            environ=_clean_environ(),
        )
        .strip()
        .splitlines()[-1]
    )
    if install:
        log.info(
            "verify: installing %d declared dependenc%s with %s",
            len(install),
            "y" if len(install) == 1 else "ies",
            installer,
        )
        with tempfile.NamedTemporaryFile(
            "w", prefix="pkgforge-requirements-", suffix=".txt", delete=False, encoding="utf-8"
        ) as listing:
            listing.write("\n".join(install) + "\n")
        try:
            _run(
                _install_command(installer, python, Path(listing.name), outer=bool(outer_pip)),
                f"{installer} could not install the declared dependencies",
                environ=_installer_environ(),
            )
        finally:
            Path(listing.name).unlink(missing_ok=True)
    marker = {
        "made": time.time(),
        "python": os.fspath(python),
        "site": os.fspath(site),
        "install": list(install),
    }
    (root / _MARKER).write_text(json.dumps(marker), encoding="utf-8")
    log.debug("verify: environment made in %.2f s", time.perf_counter() - started)
    return Environment(python, site, reused=False, installer=installer)


def _install_command(
    installer: Installer, python: Path, listing: Path, *, outer: bool
) -> list[str]:
    if installer == "uv":
        return [_uv(), "pip", "install", "--python", os.fspath(python), "-r", os.fspath(listing)]
    if outer:
        head = [sys.executable, "-m", "pip", "--python", os.fspath(python)]
    else:
        head = [os.fspath(python), "-Im", "pip"]
    return [
        *head,
        "install",
        "--no-input",
        "--disable-pip-version-check",
        "--no-warn-script-location",
        "-r",
        os.fspath(listing),
    ]


def _outer_pip() -> bool:
    """pip in pkgforge's own environment, new enough for ``pip --python``."""
    from importlib import metadata

    from packaging.version import InvalidVersion, Version

    try:
        return Version(metadata.version("pip")) >= Version("22.3")
    except (metadata.PackageNotFoundError, InvalidVersion):
        return False


def _uv() -> str:
    try:
        import uv

        return os.fspath(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which(os.environ.get("UV") or "uv")
        if found is None:
            raise Unavailable("uv is not installed") from None
        return found


def _venv_python(root: Path) -> Path:
    for relative in ("bin/python", "bin/python3", "Scripts/python.exe"):
        if (root / relative).is_file():
            return root / relative
    raise Unavailable(f"the virtual environment in {root} has no interpreter")


def _clean_environ() -> dict[str, str]:
    """For the steps that are not the installer's: no PYTHON* setting, no active venv."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"
    }


def _installer_environ() -> dict[str, str]:
    """The user's environment (indexes, credentials, offline settings), as PyPA build
    gives its installer; keyring reaches pip through its command line where it exists."""
    environ = _clean_environ()
    if "PIP_KEYRING_PROVIDER" not in environ and shutil.which("keyring") is not None:
        environ["PIP_KEYRING_PROVIDER"] = "subprocess"
    return environ


def _run(command: Sequence[str], failure: str, *, environ: Mapping[str, str]) -> str:
    log.debug("verify: running %s", " ".join(command))
    try:
        completed = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            env=dict(environ),
            timeout=_INSTALL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise Unavailable(f"{failure}: {err}") from None
    if completed.returncode:
        output = _without_credentials((completed.stderr or completed.stdout).strip())
        for line in output.splitlines():
            log.debug("  %s", line)
        last = _last_error(output)
        raise Unavailable(f"{failure}" + (f": {last}" if last else ""))
    return completed.stdout


_CREDENTIALS = re.compile(r"(?<=://)[^/@\s:]+:[^/@\s]+@")


def _without_credentials(text: str) -> str:
    """An index URL's user and password (``https://user:token@host``) hidden."""
    return _CREDENTIALS.sub("***@", text)


def _last_error(output: str) -> str:
    """The line of an installer's output that says why (its last ``ERROR:``/``error:`` line)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.lower().startswith(("error:", "\u00d7", "\u2570")) or "No solution found" in line:
            return line[:300]
    return lines[-1][:300] if lines else ""
