"""The package index pip reads, found as pip finds it, without running pip.

``pkgforge new`` asks that index whether a name is taken. Running ``pip config``
would cost a second of start-up; pip's configuration is a few INI files and
environment variables, read here in pip's order (pip's ``configuration.py``):

1. the global files: ``$XDG_CONFIG_DIRS/pip/pip.conf`` (default ``/etc/xdg``),
   then ``/etc/pip.conf`` (on macOS and Windows, platformdirs' site folders);
2. the user files, ``~/.pip/pip.conf`` then ``~/.config/pip/pip.conf``, unless
   ``PIP_CONFIG_FILE`` names a file that exists;
3. the environment's own file, ``$VIRTUAL_ENV/pip.conf`` (else ``sys.prefix``'s);
4. ``PIP_CONFIG_FILE``, unless it is ``os.devnull`` (which loads no file at all);
5. the ``PIP_INDEX_URL``, ``PIP_NO_INDEX`` and ``PIP_CERT`` variables.

A later source overrides an earlier one; within a file, ``[install]`` overrides
``[global]``, as for ``pip install``.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_INDEX", "PipIndex", "pip_index"]

DEFAULT_INDEX = "https://pypi.org/simple/"
_CONFIG_NAME = "pip.ini" if sys.platform == "win32" else "pip.conf"
_SECTIONS = ("global", "install")
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class PipIndex:
    """What ``pip install`` would use."""

    url: str | None
    """The simple API root (``https://pypi.org/simple/``); None when pip uses no index."""
    cert: str | None = None
    """The CA bundle pip verifies TLS with (``cert``), when one is configured."""


def pip_index(environ: Mapping[str, str] | None = None) -> PipIndex:
    """The index and CA bundle ``pip install`` reads from its configuration."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    config_file = env.get("PIP_CONFIG_FILE")
    if config_file != os.devnull:
        for path in _config_files(env, config_file):
            values.update(_read(path))
    for key in ("index-url", "no-index", "cert"):
        variable = "PIP_" + key.upper().replace("-", "_")
        if variable in env:
            values[key] = env[variable]
    if values.get("no-index", "").strip().lower() not in _FALSE:
        return PipIndex(None, values.get("cert"))
    url = values.get("index-url", "").strip() or DEFAULT_INDEX
    return PipIndex(url if url.endswith("/") else url + "/", values.get("cert") or None)


def _config_files(env: Mapping[str, str], config_file: str | None) -> list[Path]:
    import platformdirs

    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "linux" or sys.platform.startswith(("freebsd", "openbsd", "netbsd")):
        xdg_dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
        system = [Path(d) / "pip" for d in xdg_dirs.split(os.pathsep) if d] + [Path("/etc")]
        user_dir = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "pip"
    else:
        system = [Path(platformdirs.site_config_dir("pip", appauthor=False))]
        user_dir = Path(platformdirs.user_config_dir("pip", appauthor=False, roaming=True))
    files = [d / _CONFIG_NAME for d in system]
    if not (config_file and Path(config_file).exists()):
        legacy = home / ("pip" if sys.platform == "win32" else ".pip") / _CONFIG_NAME
        files += [legacy, user_dir / _CONFIG_NAME]
    files.append(Path(env.get("VIRTUAL_ENV") or sys.prefix) / _CONFIG_NAME)
    if config_file:
        files.append(Path(config_file))
    return files


def _read(path: Path) -> dict[str, str]:
    """``[global]`` then ``[install]`` of one file, keys as pip names them (``index-url``)."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, configparser.Error):
        return {}  # pip stops on such a file; the lookup only loses its setting
    values: dict[str, str] = {}
    for section in _SECTIONS:
        if parser.has_section(section):
            for key, value in parser.items(section):
                values[key.lower().replace("_", "-").removeprefix("--")] = value
    return values
