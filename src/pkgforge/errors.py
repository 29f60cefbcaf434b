"""The one exception hierarchy of pkgforge.

The CLI catches :class:`PkgforgeError` once, prints ``error: <message>`` and,
when there is one, ``hint: <hint>``, then exits with :attr:`exit_code`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported: the CLI's start-up stays fast
if TYPE_CHECKING:
    from pkgforge.checker.findings import Finding

__all__ = [
    "ArchiveError",
    "BackendError",
    "BuildError",
    "CancelledError",
    "CheckFailedError",
    "ConfigError",
    "DirtyTreeError",
    "DrawError",
    "InvalidNameError",
    "ManifestError",
    "PartialUploadError",
    "PkgforgeError",
    "ProjectExistsError",
    "ProjectNotFoundError",
    "PublishError",
    "StateError",
    "TemplateError",
    "UnsafeEditError",
    "UsageError",
    "VerifyError",
]


class PkgforgeError(Exception):
    """Base of every error pkgforge reports to a user.

    ``message`` is one line that says what went wrong; ``hint`` says what to do.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(PkgforgeError):
    """The command line or its arguments are wrong (exit status 2)."""

    exit_code = 2


class InvalidNameError(UsageError):
    """A distribution, package or module name that cannot be used."""


class ProjectExistsError(UsageError):
    """The target of ``new`` or ``add`` already exists; nothing was changed."""


class ProjectNotFoundError(UsageError):
    """No pyproject.toml (or no package) where a project was expected."""


class UnsafeEditError(UsageError):
    """A file pkgforge would edit (a literal ``__all__``) is not safe to edit; nothing changed."""


class CancelledError(PkgforgeError):
    """The user ended the input at a prompt (Ctrl-D); nothing was made (exit status 130,
    as for Ctrl-C).

    ``after_prompt``: the prompt's line was left open on stdout (no Enter ended it).
    """

    exit_code = 130

    def __init__(self, message: str, *, hint: str | None = None, after_prompt: bool = False):
        super().__init__(message, hint=hint)
        self.after_prompt = after_prompt


class TemplateError(PkgforgeError):
    """A cookiecutter template is missing, malformed, or failed to render."""


class StateError(PkgforgeError):
    """A project's recorded template state (``.pkgforge-template.json``) is missing or unreadable."""


class DirtyTreeError(PkgforgeError):
    """``update`` found uncommitted changes in the project's git work tree; nothing changed."""


class ConfigError(UsageError):
    """``[tool.pkgforge]`` or another configuration is invalid."""


class CheckFailedError(PkgforgeError):
    """``check`` found error-level findings where a command needs a clean project.

    ``findings`` holds what was found, for the command to print.
    """

    def __init__(
        self, message: str, *, hint: str | None = None, findings: tuple[Finding, ...] = ()
    ) -> None:
        super().__init__(message, hint=hint)
        self.findings = findings


class BuildError(PkgforgeError):
    """PyPA build, the backend, or the artifact inspection failed."""


class BackendError(BuildError):
    """The build backend failed in a hook; ``output`` is what it printed."""

    def __init__(
        self, message: str, *, hint: str | None = None, backend: str, hook: str, output: str
    ) -> None:
        super().__init__(message, hint=hint)
        self.backend = backend
        self.hook = hook
        self.output = output


class VerifyError(PkgforgeError):
    """No wheel could be verified: none fits the interpreter, or no environment could be
    made for them."""


class DrawError(PkgforgeError):
    """A picture could not be drawn: Graphviz's ``dot`` is missing or failed."""


class ArchiveError(PkgforgeError):
    """A wheel or sdist cannot be opened or read."""


class ManifestError(PkgforgeError):
    """The build manifest is missing or disagrees with the files in ``dist/``."""


class PublishError(PkgforgeError):
    """Uploading to, or verifying on, the package index failed."""


class PartialUploadError(PublishError):
    """Some artifacts reached the index and some did not; ``--skip-existing`` finishes."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        uploaded: tuple[str, ...],
        missing: tuple[str, ...],
    ) -> None:
        super().__init__(message, hint=hint)
        self.uploaded = uploaded
        self.missing = missing
