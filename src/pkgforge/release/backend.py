"""Driving a PEP 517 backend through PyPA build, with its output captured.

PyPA build does the real work (:class:`build.ProjectBuilder`,
:class:`build.env.DefaultIsolatedEnv`); this module adds what ``pkgforge build``
needs around it: a ``pyproject_hooks`` runner that captures the backend's
output (shown only when a hook fails) and knows which hook is running, progress
forwarded to the ``pkgforge`` logger, one isolated environment shared by the
sdist and the wheel when they need the same requirements, and PyPA build's
exceptions turned into :class:`~pkgforge.errors.BuildError` with a hint.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tarfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Self

from pkgforge.errors import BackendError, BuildError, UsageError

if TYPE_CHECKING:
    # Imported by name: inside BuildSession, ``build`` is the method.
    from build import ProjectBuilder
    from build.env import DefaultIsolatedEnv

__all__ = [
    "BuildSession",
    "ConfigSettings",
    "Distribution",
    "Installer",
    "require_uv",
    "unpack_sdist",
]

log = logging.getLogger("pkgforge")

Distribution = Literal["sdist", "wheel"]
Installer = Literal["pip", "uv"]
ConfigSettings = Mapping[str, str | Sequence[str]]

_IN_PROCESS_SCRIPT = "_in_process.py"


class CapturingRunner:
    """A ``pyproject_hooks`` subprocess runner that keeps the output of the last hook.

    Output lines go to the debug log as they arrive (``pkgforge -v`` shows them
    live); the whole output is kept for the error message when the hook fails.
    """

    def __init__(self, extra_environ: Mapping[str, str]) -> None:
        self._extra_environ = dict(extra_environ)
        self.hook = ""
        self.output = ""

    def __call__(
        self,
        cmd: Sequence[str],
        cwd: str | None = None,
        extra_environ: Mapping[str, str] | None = None,
    ) -> None:
        # pyproject_hooks runs [python, .../_in_process.py, HOOK, tmpdir].
        if len(cmd) > 2 and Path(cmd[1]).name == _IN_PROCESS_SCRIPT:
            self.hook = cmd[2]
        env = {**os.environ, **self._extra_environ, **(extra_environ or {})}
        lines: list[str] = []
        with subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                log.debug("  %s", line.rstrip())
        self.output = "".join(lines)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, list(cmd), self.output)


class _ForwardBuildLog(logging.Handler):
    """PyPA build reports its steps on the ``build`` logger; show them as ours."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.funcName == "log_subprocess_error":
            # The installer's output: the BackendError we raise carries it already.
            log.debug("%s", record.getMessage())
            return
        message = record.getMessage().replace("\n- ", " ").replace("\n", " ")
        log.log(max(record.levelno, logging.INFO), "%s", message)


@contextlib.contextmanager
def forward_build_progress() -> Iterator[None]:
    build_logger = logging.getLogger("build")
    handler = _ForwardBuildLog()
    old_level = build_logger.level
    build_logger.addHandler(handler)
    build_logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        build_logger.removeHandler(handler)
        build_logger.setLevel(old_level)


def require_uv() -> None:
    """Raise a clear error unless PyPA build can find uv (the ``uv`` package or PATH)."""
    try:
        import uv

        uv.find_uv_bin()
    except (ImportError, FileNotFoundError):
        if shutil.which(os.environ.get("UV") or "uv") is None:
            raise UsageError(
                "--installer uv needs uv, and it is not installed",
                hint="install it ('pip install uv') or use '--installer pip'",
            ) from None


class BuildSession:
    """Builds distributions of one project; isolated environments live as long as it does."""

    def __init__(
        self,
        *,
        backend: str,
        isolation: bool,
        installer: Installer,
        config_settings: ConfigSettings | None,
        extra_environ: Mapping[str, str],
    ) -> None:
        self.backend = backend
        self._isolation = isolation
        self._installer: Installer = installer
        self._config = config_settings
        self._runner = CapturingRunner(extra_environ)
        self._stack = contextlib.ExitStack()
        # One environment per set of build requirements: the wheel built from the
        # unpacked sdist reuses the sdist's environment instead of making a second one.
        self._envs: dict[frozenset[str], tuple[DefaultIsolatedEnv, set[str]]] = {}

    def __enter__(self) -> Self:
        self._stack.enter_context(forward_build_progress())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def build(self, distribution: Distribution, srcdir: Path, outdir: Path) -> Path:
        """Build ``distribution`` from ``srcdir`` into ``outdir``; return the artifact."""
        import build
        import pyproject_hooks

        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                builder = self._builder(srcdir, distribution)
                artifact = Path(builder.build(distribution, outdir, self._config))
            for warning in caught:
                # The backend's own warnings (relayed by pyproject_hooks) and build's
                # typo warnings are for the user; library deprecations are not.
                relevant = issubclass(warning.category, (UserWarning, build.TypoWarning))
                log.log(logging.WARNING if relevant else logging.DEBUG, "%s", warning.message)
            return artifact
        except build.BuildBackendException as err:
            inner = err.exception
            hook = self._runner.hook or f"build_{distribution}"
            if isinstance(inner, pyproject_hooks.BackendUnavailable):
                raise BackendError(
                    f"the build backend {self.backend} cannot be imported",
                    hint=self._unavailable_hint(),
                    backend=self.backend,
                    hook=hook,
                    output=inner.traceback,
                ) from None
            if isinstance(inner, subprocess.CalledProcessError):
                raise BackendError(
                    f"{self.backend} failed in {hook}",
                    hint="the backend's output is above; fix the project and build again",
                    backend=self.backend,
                    hook=hook,
                    output=self._runner.output,
                ) from None
            raise BuildError(
                f"{self.backend} failed in {hook}: {type(inner).__name__}: {inner}",
                hint="check [build-system] in pyproject.toml",
            ) from None
        except build.BuildException as err:
            raise BuildError(str(err), hint="fix [build-system] in pyproject.toml") from None
        except build.FailedProcessError as err:
            raise BuildError(
                f"could not create the isolated build environment: {err}",
                hint="run with --debug for details, or try --installer uv",
            ) from None
        except subprocess.CalledProcessError as err:
            raise BackendError(
                f"{self._installer} could not install the build requirements",
                hint="check [build-system] requires in pyproject.toml and your index settings",
                backend=self._installer,
                hook="install",
                output=_text(err.stderr) or _text(err.output),
            ) from None

    def _unavailable_hint(self) -> str:
        if self._isolation:
            return "check [build-system] build-backend and requires in pyproject.toml"
        return "install the backend into this environment, or build without --no-isolation"

    def _builder(self, srcdir: Path, distribution: Distribution) -> ProjectBuilder:
        import build

        if not self._isolation:
            builder = build.ProjectBuilder(srcdir, runner=self._runner)
            missing = builder.check_dependencies(distribution, self._config)
            if missing:
                names = ", ".join(sorted(chain[0] for chain in missing))
                raise BuildError(
                    f"the build requirements are missing from this environment: {names}",
                    hint="install them, or build without --no-isolation",
                )
            return builder
        requires = frozenset(build.ProjectBuilder(srcdir).build_system_requires)
        env, installed = self._env_for(requires)
        builder = build.ProjectBuilder.from_isolated_env(env, srcdir, runner=self._runner)
        extra = builder.get_requires_for_build(distribution, self._config) - installed
        if extra:
            env.install(extra)
            installed |= extra
        return builder

    def _env_for(self, requires: frozenset[str]) -> tuple[DefaultIsolatedEnv, set[str]]:
        import build.env

        if requires not in self._envs:
            env = self._stack.enter_context(build.env.DefaultIsolatedEnv(installer=self._installer))
            env.install(requires)
            self._envs[requires] = (env, set(requires))
        return self._envs[requires]


def _text(data: str | bytes | None) -> str:
    if isinstance(data, bytes):
        return data.decode(errors="replace")
    return data or ""


def unpack_sdist(sdist: Path, destination: Path) -> Path:
    """Unpack ``sdist`` (safely: the ``data`` filter) and return its single top directory."""
    try:
        with tarfile.open(sdist, "r:gz") as archive:
            tops = {Path(name).parts[0] for name in archive.getnames() if Path(name).parts}
            if len(tops) != 1:
                raise BuildError(
                    f"{sdist.name} does not hold exactly one top-level directory",
                    hint="the backend built a malformed sdist; check its configuration",
                )
            archive.extractall(destination, filter="data")
    except (OSError, tarfile.TarError) as err:
        raise BuildError(
            f"cannot unpack {sdist.name} to build the wheel from it: {err}",
            hint="the backend built a malformed sdist; check its configuration",
        ) from None
    return destination / tops.pop()
