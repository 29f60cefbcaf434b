"""Distribution, package and module names: normalising, deriving, validating.

One place for the naming rules, shared by ``new``, ``add`` and ``check``
(PF201-PF204).
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass

from pkgforge._patterns import LazyPattern
from pkgforge.errors import InvalidNameError

__all__ = [
    "MAX_NAME_LENGTH",
    "NOT_PACKAGES",
    "PLATFORM_STDLIB_MODULES",
    "ProjectName",
    "import_name_for",
    "is_keyword",
    "is_public_module",
    "is_stdlib_module",
    "is_valid_identifier",
    "name_warnings",
    "normalize_distribution_name",
    "parse_project_name",
    "ultranormalize_name",
    "validate_dotted_module",
    "validate_module_name",
]

# Names that are never part of a package's public import surface. A wheel that
# installs one of them clobbers whatever else in site-packages has the same idea:
# PF505 reports them in a wheel, and `new` refuses them as a project's name.
NOT_PACKAGES = frozenset(
    {
        "bench",
        "benchmarks",
        "build",
        "dist",
        "doc",
        "docs",
        "example",
        "examples",
        "scripts",
        "site-packages",
        "src",
        "test",
        "testing",
        "tests",
        "tools",
    }
)

# File systems allow 255 bytes in a file name; the longest name made from a project's
# name is its wheel's (``NAME-VERSION-py3-none-any.whl``), so leave room for the rest.
MAX_NAME_LENGTH = 200

_SEPARATORS = LazyPattern(r"[-_.]+")
# PEP 508 names: ASCII letters and digits, with . _ - inside.
_DIST_NAME = LazyPattern(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class ProjectName:
    """The names of one project, all derived from what the user typed."""

    distribution: str
    """As typed (``Sound-Tools``): the name written to ``[project].name``."""
    normalized: str
    """PEP 503 normalised (``sound-tools``): how indexes and installers compare names."""
    import_name: str
    """The top-level import package (``sound_tools``)."""
    warnings: tuple[str, ...] = ()
    """Problems that do not stop the command (uppercase letters)."""


def normalize_distribution_name(name: str) -> str:
    """Return the PEP 503 normalised form: lowercase, runs of ``-_.`` become ``-``."""
    return _SEPARATORS.sub("-", name).lower()


# PyPI's comparison for confusable project names (warehouse's SQL function
# ultranormalize_name, migration d18d443f89f0): drop '.', '_' and '-', read l, L, i and I
# as 1 and o and O as 0, lowercase. PyPI refuses a new project whose name compares equal
# to an existing one's ("too similar to an existing project").
_ULTRANORMAL = str.maketrans({".": None, "_": None, "-": None, "l": "1", "L": "1", "i": "1",
                              "I": "1", "o": "0", "O": "0"})  # fmt: skip


def ultranormalize_name(name: str) -> str:
    """PyPI's confusable-name key: ``Sound.Tools``, ``s0und-too1s`` -> ``s0undt001s``."""
    return name.translate(_ULTRANORMAL).lower()


def import_name_for(distribution: str) -> str:
    """Derive the import name: ``sound-tools`` -> ``sound_tools``. Case is kept."""
    return _SEPARATORS.sub("_", distribution)


def is_valid_identifier(name: str) -> bool:
    """True for a name Python can import: an ASCII identifier that is no keyword."""
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


def is_keyword(name: str) -> bool:
    """True for a hard keyword (``class``); soft keywords (``match``) are fine names."""
    return keyword.iskeyword(name)


# Standard-library modules that exist on some platforms only (Windows, or POSIX).
PLATFORM_STDLIB_MODULES = frozenset(
    {
        "_msi", "_overlapped", "_winapi", "msilib", "msvcrt", "nt", "winreg", "winsound",
        "_posixshmem", "_posixsubprocess", "crypt", "fcntl", "grp", "nis", "ossaudiodev",
        "posix", "pwd", "resource", "spwd", "syslog", "termios",
    }
)  # fmt: skip

# Standard-library modules that some supported Python has and the running one may
# not: added in 3.12-3.15, or removed by PEP 594 / in 3.12-3.13, or platform-only.
_OTHER_STDLIB = PLATFORM_STDLIB_MODULES | frozenset(
    {
        "__main__", "annotationlib", "compression", "profiling", "_interpreters",
        "_interpqueues", "_interpchannels", "asynchat", "asyncore", "audioop", "cgi",
        "cgitb", "chunk", "distutils", "imghdr", "imp", "lib2to3", "mailcap",
        "nntplib", "pipes", "smtpd", "sndhdr", "sunau", "telnetlib", "tkinter", "uu",
        "xdrlib", "__future__",
    }
)  # fmt: skip


def is_stdlib_module(name: str) -> bool:
    """True when a top-level ``name`` is (or shadows) a standard-library module on any
    supported Python, not only the running one."""
    return name in sys.stdlib_module_names or name in _OTHER_STDLIB


def is_stdlib_module_everywhere(name: str) -> bool:
    """True when every supported Python 3 has a standard-library module ``name`` on every
    platform (a top-level module of that name can then never be imported once installed)."""
    return name in sys.stdlib_module_names and name not in _OTHER_STDLIB


def is_public_module(dotted: str) -> bool:
    """True when no part of ``dotted`` below the top level starts with an underscore
    (``_pytest.python`` is public, ``sound._impl`` is not): a module an ordinary use may
    import first (DESIGN.md, "Which first imports count"). Dunder parts such as
    ``__init__`` or ``__main__`` count as private."""
    return not any(part.startswith("_") for part in dotted.split(".")[1:])


def _suggest(name: str) -> str:
    # Python reads identifiers in NFKC form (a long s is an s); accents fold to ASCII.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    ascii_name = folded.encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^0-9A-Za-z_]+", "_", ascii_name).strip("_") or "package"
    if cleaned[0].isdigit() or keyword.iskeyword(cleaned) or is_stdlib_module(cleaned):
        cleaned = f"py{cleaned}"
    return cleaned.lower()


def _suggest_module(name: str) -> str | None:
    """A module name close to ``name``, in the words of PEP 8: lowercase, ``_`` between
    words, a trailing ``_`` for a keyword (``class_``); None when no name is close
    (a leading digit: only the user knows which word to start with)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    ascii_name = folded.encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^0-9A-Za-z_]+", "_", ascii_name).strip("_").lower()
    if not cleaned or cleaned[0].isdigit():
        return None
    return f"{cleaned}_" if keyword.iskeyword(cleaned) else cleaned


_PLAIN_NAME = "use letters, digits and '_' (a project name may also use '-'), e.g. 'sound'"
_PROJECT_WORDS = frozenset({"project", "import name"})


def validate_module_name(name: str, *, top_level: bool = False, what: str = "module") -> str:
    """Return ``name`` if it can be a module or package name, else raise.

    ``top_level`` adds the standard-library check, which only matters for a
    name that sits directly on ``sys.path``. A project's name (``what`` "project" or
    "import name") gets hints for a project's name (``pyclass``, ``-o DIR``); a
    module's, hints for a module's (``class_``, dots).
    """
    if what not in _PROJECT_WORDS:
        _refuse_bad_module_name(name, what)
    if not name:
        raise InvalidNameError(f"the {what} name is empty", hint="give a name such as 'sound'")
    if "/" in name or "\\" in name or ".." in name or name in {".", ".."}:
        raise InvalidNameError(
            f"{name!r} is not a {what} name: it contains a path separator or '..'",
            hint=f"use a plain name such as {_suggest(name)!r}; choose the folder with -o DIR",
        )
    if keyword.iskeyword(name):
        raise InvalidNameError(
            f"{name!r} is a Python keyword, so 'import {name}' is a syntax error",
            hint=f"try {_suggest(name)!r}",
        )
    if not name.isidentifier():
        raise InvalidNameError(
            f"{name!r} is not a valid Python identifier, so it cannot be imported",
            hint=f"try {_suggest(name)!r}" if _suggest(name) != "package" else _PLAIN_NAME,
        )
    normal = unicodedata.normalize("NFKC", name)
    if normal != name:
        raise InvalidNameError(
            f"Python reads {name!r} as {normal!r} (identifiers are NFKC-normalised), so "
            f"'import {name}' would look for {normal!r} and never find this {what}",
            hint=f"name it {normal!r}",
        )
    if len(name.encode()) > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"the {what} name is too long: {len(name.encode())} bytes, at most "
            f"{MAX_NAME_LENGTH} (file names made from it must fit the file system's 255)",
            hint="choose a shorter name",
        )
    if top_level and is_stdlib_module(name):
        raise InvalidNameError(
            f"{name!r} is a standard-library module; a package of that name would shadow it",
            hint=f"try {_suggest(name)!r}",
        )
    return name


def _refuse_bad_module_name(name: str, what: str) -> None:
    """The checks of :func:`validate_module_name` that need a module's words to say."""
    if not name:
        raise InvalidNameError(
            f"the {what} name is empty", hint="write a dotted name such as 'effects.echo'"
        )
    if "/" in name or "\\" in name:
        dotted = ".".join(part for part in re.split(r"[/\\]+", name) if part)
        raise InvalidNameError(
            f"{name!r} is not a {what} name: it contains a path separator",
            hint=f"name modules with dots, such as {dotted or 'effects.echo'!r}",
        )
    suggestion = _suggest_module(name)
    if keyword.iskeyword(name):
        raise InvalidNameError(
            f"{name!r} is a Python keyword: a {what} of that name cannot be imported",
            hint=f"try {suggestion!r} (PEP 8: a trailing underscore for a keyword)",
        )
    if not name.isidentifier():
        if name[0].isdigit():
            raise InvalidNameError(
                f"{name!r} starts with a digit, so it cannot be imported as a {what}",
                hint="start the name with a letter",
            )
        raise InvalidNameError(
            f"{name!r} is not a valid Python identifier, so it cannot be imported as a {what}",
            hint=f"try {suggestion!r}" if suggestion else "use letters, digits and '_'",
        )


def name_warnings(name: str, *, what: str = "module") -> tuple[str, ...]:
    """What is legal but fragile about a valid ``name`` (non-ASCII letters)."""
    if name.isascii():
        return ()
    closest = _suggest(name) if what in _PROJECT_WORDS else _suggest_module(name)
    warning = (
        f"the {what} name {name!r} is not ASCII: Python imports it, but file systems that "
        "normalise Unicode differently (macOS) and many tools do not"
        + (f"; consider {closest!r}" if closest else "")
    )
    return (warning,)


def validate_dotted_module(dotted: str) -> tuple[str, ...]:
    """Split ``formats.wavread`` into parts, validating each; raise on a bad part."""
    if "/" in dotted or "\\" in dotted:
        _refuse_bad_module_name(dotted, "module")
    if not dotted or dotted.startswith(".") or dotted.endswith(".") or ".." in dotted:
        raise InvalidNameError(
            f"{dotted!r} is not a dotted module name",
            hint="write it like 'effects.echo', relative to the top-level package",
        )
    parts = tuple(dotted.split("."))
    for part in parts:
        validate_module_name(part)
    return parts


def parse_project_name(name: str) -> ProjectName:
    """Validate what the user typed for ``new NAME`` and derive the other names."""
    if not name or not name.strip():
        raise InvalidNameError("the project name is empty", hint="give a name such as 'sound'")
    if "/" in name or "\\" in name or ".." in name:
        raise InvalidNameError(
            f"{name!r} is not a project name: it contains a path separator or '..'",
            hint=f"use a plain name such as {_suggest(name.replace('/', '-'))!r} and -o DIR",
        )
    import_name = import_name_for(name)
    validate_module_name(import_name, top_level=True, what="project")
    if not _DIST_NAME.match(name):
        why = (
            "only ASCII letters, digits, '.', '_' and '-'"
            if not name.isascii()
            else ("letters or digits at both ends, '.', '_' and '-' only between them")
        )
        raise InvalidNameError(
            f"{name!r} is not a valid distribution name: PEP 508 allows {why}",
            hint=f"try {_suggest(name).replace('_', '-')!r}",
        )
    clobbering = sorted({import_name.lower(), name.lower()} & NOT_PACKAGES)
    if clobbering:
        raise InvalidNameError(
            f"{name!r} cannot be a project name: a wheel that installs a top-level "
            f"{clobbering[0]!r} clobbers other projects' (pkgforge build refuses it, PF505)",
            hint=f"choose a name of your own, such as 'my-{normalize_distribution_name(name)}'",
        )
    warnings: tuple[str, ...] = ()
    if import_name != import_name.lower():
        warnings = (
            (
                f"{import_name!r} has uppercase letters; PEP 8 asks for lowercase package "
                f"names (consider {import_name.lower()!r})"
            ),
        )
    return ProjectName(
        distribution=name,
        normalized=normalize_distribution_name(name),
        import_name=import_name,
        warnings=warnings,
    )
