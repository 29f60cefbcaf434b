"""Which import names a distribution provides, without importing the project.

Three sources, cheapest first: a maintained table of the well-known mismatches
(``yaml`` is PyYAML), the distribution's own name (``foo-bar`` -> ``foo_bar``),
and — only for distributions that are installed here — their ``top_level.txt``
or RECORD. Metadata is read lazily, one declared distribution at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pkgforge.names import is_stdlib_module

__all__ = [
    "KNOWN_IMPORT_NAMES",
    "canonical",
    "guessed_import_names",
    "import_names_of",
    "is_stdlib",
    "is_well_known_import",
    "requirement_name",
]

KNOWN_IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    # distribution (canonical) -> import names it provides
    "pyyaml": ("yaml", "_yaml"),
    "attrs": ("attr", "attrs"),
    "pillow": ("PIL",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "opencv-contrib-python": ("cv2",),
    "scikit-learn": ("sklearn",),
    "scikit-image": ("skimage",),
    "beautifulsoup4": ("bs4",),
    "python-dateutil": ("dateutil",),
    "python-dotenv": ("dotenv",),
    "python-magic": ("magic",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-jose": ("jose",),
    "pyjwt": ("jwt",),
    "pymysql": ("pymysql",),
    "mysqlclient": ("MySQLdb",),
    "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg",),
    "pyserial": ("serial",),
    "pyzmq": ("zmq",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "pyopenssl": ("OpenSSL",),
    "protobuf": ("google.protobuf", "google"),
    "google-api-python-client": ("googleapiclient",),
    "setuptools": ("setuptools", "pkg_resources", "_distutils_hack"),
    "msgpack-python": ("msgpack",),
    "faiss-cpu": ("faiss",),
    "pywin32": ("win32api", "win32con", "win32file", "pywintypes", "win32com"),
    "typing-extensions": ("typing_extensions",),
    "importlib-metadata": ("importlib_metadata",),
    "importlib-resources": ("importlib_resources",),
    "markdown": ("markdown",),
    "pygments": ("pygments",),
    "docutils": ("docutils",),
    "ruamel-yaml": ("ruamel",),
    "tzdata": ("tzdata",),
    "backports-zoneinfo": ("backports",),
    "websocket-client": ("websocket",),
    "discord-py": ("discord",),
    "pyqt5": ("PyQt5",),
    "pyqt6": ("PyQt6",),
    "pyside6": ("PySide6",),
    "ipython": ("IPython",),
    "jinja2": ("jinja2",),
    "markupsafe": ("markupsafe",),
    "sqlalchemy": ("sqlalchemy",),
    "zope-interface": ("zope",),
    "readme-renderer": ("readme_renderer",),
    "email-validator": ("email_validator",),
    "charset-normalizer": ("charset_normalizer",),
    "brotli": ("brotli",),
    "brotlicffi": ("brotlicffi",),
    "pysocks": ("socks", "sockshandler"),
    "grpcio": ("grpc",),
    "tensorflow": ("tensorflow",),
    "torch": ("torch",),
    "llvmlite": ("llvmlite",),
    "lxml": ("lxml",),
    "pyobjc": ("objc", "Foundation", "AppKit"),
    "gitpython": ("git",),
    "mkdocs-material": ("material",),
    "sphinx-rtd-theme": ("sphinx_rtd_theme",),
    "ujson": ("ujson",),
    "dnspython": ("dns",),
    "python-slugify": ("slugify",),
    "pyproject-hooks": ("pyproject_hooks",),
    "cookiecutter": ("cookiecutter",),
}

# Popular top-level import names beyond the table above: a sibling module named like
# one of these (sympy/printing/numpy.py) does not make `import numpy` a relative import.
_POPULAR_IMPORT_NAMES = frozenset(
    {
        "numpy", "scipy", "pandas", "matplotlib", "mpmath", "gmpy2", "symengine", "sympy",
        "numba", "cython", "Cython", "cupy", "jax", "jaxlib", "theano", "aesara", "pytensor",
        "tensorflow", "torch", "keras", "sklearn", "networkx", "pyglet", "antlr4", "lark",
        "requests", "urllib3", "six", "attr", "click", "jinja2", "django", "flask", "pytest",
        "hypothesis", "setuptools", "pkg_resources", "docutils", "sphinx", "IPython", "lxml",
        "yaml", "toml", "tomli", "certifi", "idna", "chardet", "charset_normalizer", "rich",
        "typing_extensions", "packaging", "pydantic", "sqlalchemy", "redis", "celery",
        "boto3", "botocore", "google", "grpc", "psycopg", "psycopg2", "MySQLdb", "pymysql",
        "PIL", "cv2", "bs4", "dateutil", "pytz", "tzdata", "zmq", "serial", "gi", "wx",
        "PyQt5", "PyQt6", "PySide2", "PySide6", "selenium", "geoip2", "jsonschema", "ujson",
        "orjson", "simplejson", "msgpack", "cryptography", "OpenSSL", "nacl", "bcrypt",
        "argon2", "markdown", "pygments", "babel", "tqdm", "colorama", "termcolor", "docopt",
        "tornado", "twisted", "gevent", "eventlet", "aiohttp", "httpx", "anyio", "trio",
        "asgiref", "sqlparse", "memcache", "pylibmc", "pymemcache", "sage", "z3", "pycosat",
    }
)  # fmt: skip

_NORMALIZE = re.compile(r"[-_.]+")


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return _NORMALIZE.sub("-", name).lower()


# PEP 508's name rule; importing packaging.requirements for it costs ~50 ms per run.
_REQUIREMENT_NAME = re.compile(
    r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[\[(;<>=!~@])"
)


def requirement_name(requirement: str) -> str | None:
    """The canonical distribution name of a PEP 508 requirement string, or None if it
    does not start with a valid name (PF501 reports invalid requirements in full)."""
    match = _REQUIREMENT_NAME.match(requirement)
    return canonical(match.group(1)) if match else None


def is_stdlib(top: str) -> bool:
    return is_stdlib_module(top)


def is_well_known_import(top: str) -> bool:
    """A top-level import name that a popular distribution provides."""
    if top in _POPULAR_IMPORT_NAMES:
        return True
    return any(top in names for names in KNOWN_IMPORT_NAMES.values())


@lru_cache(maxsize=1024)
def import_names_of(distribution: str) -> frozenset[str]:
    """Top-level import names ``distribution`` provides (best effort, never raises):
    :func:`guessed_import_names` plus what its installed metadata says."""
    return guessed_import_names(distribution) | frozenset(
        _installed_top_levels(canonical(distribution))
    )


@lru_cache(maxsize=1024)
def guessed_import_names(distribution: str) -> frozenset[str]:
    """Import names from the distribution's name and the table alone (no metadata read)."""
    name = canonical(distribution)
    names = {name.replace("-", "_"), name.replace("-", "_").lower()}
    for known in KNOWN_IMPORT_NAMES.get(name, ()):
        names.add(known.partition(".")[0])
    return frozenset(names)


def _installed_top_levels(name: str) -> Iterable[str]:
    # Imported here: importlib.metadata costs ~15 ms, and most checks never get here.
    from importlib import metadata

    try:
        dist = metadata.distribution(name)
    except Exception:  # noqa: BLE001 - not installed, or broken metadata: no evidence
        return ()
    try:
        top_level = dist.read_text("top_level.txt")
    except Exception:  # noqa: BLE001
        top_level = None
    if top_level:
        return [line.strip() for line in top_level.splitlines() if line.strip()]
    found: set[str] = set()
    try:
        files = dist.files or ()
    except Exception:  # noqa: BLE001
        files = ()
    for path in files:
        parts = path.parts
        if not parts:
            continue
        first = parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in {"..", "__pycache__"}:
            continue
        if len(parts) == 1:
            stem, dot, suffix = first.partition(".")
            if dot and (suffix == "py" or suffix.endswith(("so", "pyd"))):
                found.add(stem)
        elif first.isidentifier():
            found.add(first)
    return found
