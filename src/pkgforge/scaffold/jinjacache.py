"""Compiled templates kept between ``pkgforge new`` runs: Jinja's bytecode cache, on disk.

Compiling a template's files to Python is most of what rendering costs (~100 M
instructions for the default template, every run). cookiecutter compiles each file
through its Jinja environment's loader (``env.get_template``), so a bytecode cache on
that environment skips the compiling when a file's source is unchanged. The file and
folder names and the variables' defaults, which cookiecutter renders from strings
(``env.from_string``, which no bytecode cache serves), go through the same cache: the
environment's ``compile`` is wrapped for sources without a name.

pkgforge asks for it (:func:`compiled_templates`) around its own rendering; the built-in
templates' extension (:class:`pkgforge.scaffold.filters.Filters`) installs it on the
environment cookiecutter makes then, and only then: cookiecutter's own CLI on the
same template compiles as it always does.

A file is found by everything its compiled code depends on: the environment's syntax
and settings, its extensions, filters and tests, the template's name and file name,
and the checksum of its source (the same checksum makes Jinja itself refuse a stale
entry). The cache is an optimisation, never a failure: an unwritable, missing or
corrupt cache folder or file is ignored, and the template is compiled as usual.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2.bccache import Bucket, BytecodeCache

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jinja2 import Environment

__all__ = ["CACHE_ENV", "TemplateCache", "compiled_templates", "install"]

CACHE_ENV = "PKGFORGE_TEMPLATE_CACHE"
"""A folder to keep compiled templates in, instead of the user cache (``off``: none)."""

# None: not asked for; else the texts that mark a source as one of this run only.
_ASKED: ContextVar[tuple[str, ...] | None] = ContextVar("pkgforge_compiled_templates", default=None)


@contextmanager
def compiled_templates(*run_only: str) -> Iterator[None]:
    """Within the block, the built-in templates' environments use :class:`TemplateCache`.

    A source without a name that holds one of ``run_only`` (the output folder, which
    cookiecutter puts in the folder names it renders) is compiled, never kept: no run
    would ask for it again.
    """
    token = _ASKED.set(tuple(text for text in run_only if text))
    try:
        yield
    finally:
        _ASKED.reset(token)


def install(environment: Environment) -> None:
    """Give ``environment`` the cache, if pkgforge's renderer asked for one (and it has none)."""
    run_only = _ASKED.get()
    if run_only is None or environment.bytecode_cache is not None:
        return
    if not isinstance(environment.autoescape, bool):  # decided per template name: not keyed
        return
    directory = _directory()
    if directory is not None:
        cache = TemplateCache(directory, environment, run_only=run_only)
        environment.bytecode_cache = cache
        # This instance only, which pkgforge's renderer asked for: from_string calls it.
        environment.compile = cache.compiling(environment.compile)  # type: ignore[method-assign]


def _directory() -> Path | None:
    chosen = os.environ.get(CACHE_ENV, "").strip()
    if chosen.lower() == "off":
        return None
    # Made absolute now: cookiecutter renders from inside the template's folder.
    if chosen:
        return Path(chosen).absolute()
    try:
        import platformdirs

        return (Path(platformdirs.user_cache_dir("pkgforge")) / "jinja").absolute()
    except Exception:  # noqa: BLE001 - no cache folder is no cache, not an error
        return None


class TemplateCache(BytecodeCache):
    """One file per compiled template in ``directory``; every failure is a cache miss."""

    def __init__(
        self, directory: Path, environment: Environment, *, run_only: tuple[str, ...] = ()
    ) -> None:
        self.directory = directory
        self.environment = environment
        self.run_only = run_only
        self.fingerprint: str | None = None

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        import hashlib

        if self.fingerprint is None:
            # At the first template, not at install: extensions loaded after ours add
            # filters too.
            self.fingerprint = _fingerprint(self.environment)
        # The source's checksum is part of the key too: templates that share file names
        # (every template has a pyproject.toml) each keep their own entry.
        checksum = self.get_source_checksum(source)
        text = "\0".join((self.fingerprint, name, filename or "", checksum))
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        bucket = Bucket(environment, key, checksum)
        self.load_bytecode(bucket)
        return bucket

    def compiling(self, compile_: Callable[..., Any]) -> Callable[..., Any]:
        """``compile_`` (an environment's ``compile``), through the cache for sources that
        have no name (``from_string``'s); other calls are passed on unchanged."""
        environment = self.environment

        def compile_nameless(
            source: Any, name: Any = None, filename: Any = None, *args: Any, **kwargs: Any
        ) -> Any:
            if (
                name is not None
                or filename is not None
                or args
                or kwargs
                or not isinstance(source, str)
                or any(text in source for text in self.run_only)
            ):
                return compile_(source, name, filename, *args, **kwargs)
            bucket = self.get_bucket(environment, "", None, source)
            if bucket.code is None:
                bucket.code = compile_(source)
                self.set_bucket(bucket)
            return bucket.code

        return compile_nameless

    def _path(self, bucket: Bucket) -> Path:
        return self.directory / f"{bucket.key[:40]}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with self._path(bucket).open("rb") as f:
                bucket.load_bytecode(f)
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        target = self._path(bucket)
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as f:
                bucket.write_bytecode(f)
            # Renamed into place: a concurrent run reads a whole file or none.
            temporary.replace(target)
        except Exception:  # noqa: BLE001 - a cache we cannot write is no cache
            with suppress(OSError):
                temporary.unlink()


def _fingerprint(environment: Environment) -> str:
    """What the compiled code of a template depends on, besides its name and source."""
    import jinja2

    parts: list[object] = [
        jinja2.__version__,
        sys.version,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        environment.autoescape,
        str(getattr(environment.finalize, "jinja_pass_arg", environment.finalize is None)),
        type(environment).__qualname__,
    ]
    # Extensions parse the tags; a new version of one may compile differently.
    for key in sorted(environment.extensions):
        module = sys.modules.get(type(environment.extensions[key]).__module__)
        parts.append((key, _stamp(getattr(module, "__file__", None))))
    # Filters and tests that take the context or environment are called differently.
    for table in (environment.filters, environment.tests):
        parts.extend(
            (name, str(getattr(func, "jinja_pass_arg", None)))
            for name, func in sorted(table.items())
        )
    return repr(parts)


def _stamp(path: str | None) -> tuple[str, int, int] | None:
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return (path, stat.st_size, stat.st_mtime_ns)
