"""The false-alarm corpus: well-kept projects that demonstrably import.

``pkgforge check`` must report no error-level finding of the import rules on
them. Also a script (``python tests/imports/real_projects.py [CACHE_DIR]``)
that prints every PF3xx/PF4xx finding, to review them by hand.

Versions are pinned so that a new release cannot change the outcome; sdists
are downloaded with pip (``--no-binary :all:``) once and cached.

Every remaining finding was reviewed (and SymPy 1.14's, via bench/bench_check.py):

* PF407 errors on Django: its database backends import drivers it does not declare,
  not even as extras (``MySQLdb``, ``psycopg``/``psycopg2``) at module level; importing
  ``django.db.backends.mysql.introspection`` without mysqlclient does fail. Right by
  the rule's definition. Lazy imports in functions (PIL, IPython, pylibmc) are warnings.
* PF409 warnings on flask.cli, django.core.management.base, sympy.utilities.autowrap:
  they do put directories on sys.path (to import the user's app / compiled code).
* PF406 warnings (click, django, sympy): real module-level cycles, all harmless (PF411
  simulates them and finds no failing entry order).
* PF305/PF402/PF301/PF303/PF306 warnings: real (no ``__all__`` in flask/click/django
  packages, attrs' ``from attr.x import *`` shims, sympy's duplicate/private exports).

Fixed after review: imports in a ``try`` block's ``else:`` are optional (requests.help);
``if has_simplejson: from simplejson import ...`` after a guarded import is optional;
Python 3.12+ stdlib names (attrs' ``annotationlib``); ``import redis`` inside redis.py,
``import geoip2.database`` next to geoip2.py, ``from selenium import webdriver`` next to
selenium.py, ANTLR's ``else: from parser import P`` fallback and ``import numpy`` next
to sympy/printing/numpy.py are not implicit relative imports; PF411 imports a cycle only
through the modules a program can import first (Django's sqlite3 ``features`` module
breaks if imported first, but only ``base`` imports it); tests import missing names on
purpose (``with raises(ImportError)``), so PF404 skips them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

PROJECTS = {
    "requests": "2.34.2",
    "flask": "3.1.3",
    "click": "8.5.1",
    "rich": "15.0.0",
    "attrs": "26.1.0",
    "django": "5.2.19",
}

# Reviewed with the script too, but too big for the test suite's time budget.
EXTRA_PROJECTS = {"sympy": "1.14.0"}

# Rules that must stay silent on these projects (DESIGN.md, issue 3).
MUST_BE_SILENT = ("PF302", "PF401", "PF403", "PF404", "PF405", "PF410", "PF411")


def fetch(name: str, cache: Path) -> Path:
    """Download and unpack ``name``'s pinned sdist under ``cache``; return the source tree."""
    version = {**PROJECTS, **EXTRA_PROJECTS}[name]
    target = cache / f"{name}-{version}"
    done = target / ".unpacked"
    if done.exists():
        return _tree(target)
    download = cache / "sdists" / name
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", "--dest", os.fspath(download), f"{name}=={version}",
        ],
        check=True,
    )  # fmt: skip
    (archive,) = download.glob("*.tar.gz")
    partial = cache / f".{name}-{version}.partial-{os.getpid()}"
    with tarfile.open(archive) as tar:
        tar.extractall(partial, filter="data")
    if target.exists():  # another test worker won the race
        shutil.rmtree(partial, ignore_errors=True)
    else:
        partial.replace(target)
    done.touch()
    return _tree(target)


def _tree(target: Path) -> Path:
    (inner,) = [p for p in target.iterdir() if p.is_dir()]
    return inner


def main(argv: list[str]) -> int:
    from pkgforge.checker.engine import check

    cache = Path(argv[0]) if argv else Path("bench/.cache/real-projects")
    cache.mkdir(parents=True, exist_ok=True)
    bad = 0
    for name, version in {**PROJECTS, **EXTRA_PROJECTS}.items():
        tree = fetch(name, cache)
        result = check([tree], select=["PF3", "PF4"], use_cache=False)
        print(f"== {name} {version}: {result.files_checked} files, {result.counts}")
        for finding in result.findings:
            print(f"   {finding.code} {finding.severity} {finding.path}:{finding.line} "
                  f"{finding.message}")  # fmt: skip
            bad += finding.code in MUST_BE_SILENT and finding.severity == "error"
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
