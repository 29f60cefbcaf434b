"""Project settings from ``[tool.pkgforge]`` in the checked project's pyproject.toml.

```toml
[tool.pkgforge]
select = ["PF1", "PF2", "PF4"]            # codes or prefixes; default: every rule
ignore = { PF402 = "the CLI re-exports on purpose" }   # or a plain list of codes
namespace-packages = ["acme"]            # PEP 420 packages: no PF101 for them
packages = ["python/acme"]               # what ships, when the build config is not literal
fixable = ["PF3"]                        # what check --fix may fix; default: every fix
unfixable = ["PF408"]                    # never fixed, though reported
[tool.pkgforge.per-path-ignores]
"src/acme/legacy/**" = ["PF403"]          # globs as in ruff's per-file-ignores
```

``check --config`` overrides it, as ruff's ``--config`` does: a TOML file read in its
place (a pyproject.toml's ``[tool.pkgforge]``, or a whole file of settings), and
``KEY = VALUE`` settings in TOML over either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pkgforge._patterns import LazyPattern
from pkgforge.errors import ConfigError, UsageError

__all__ = [
    "CODE_PATTERN",
    "Overrides",
    "Settings",
    "load_settings",
    "parse_codes",
    "parse_overrides",
]

CODE_PATTERN = LazyPattern(r"^PF[0-9]{0,3}$")
"""A rule code (``PF402``) or a prefix of one (``PF4``, ``PF``)."""

_KNOWN_KEYS = (
    "select",
    "ignore",
    "per-path-ignores",
    "namespace-packages",
    "packages",
    "fixable",
    "unfixable",
)
_HINT = "see 'pkgforge explain' and docs/check.md for the [tool.pkgforge] settings"


@dataclass(frozen=True)
class Settings:
    """What ``[tool.pkgforge]`` says; the defaults check every rule everywhere."""

    select: tuple[str, ...] | None = None
    """Codes or prefixes to run; None means every rule."""
    ignore: tuple[str, ...] = ()
    """Codes or prefixes never reported."""
    ignore_reasons: Mapping[str, str] = field(default_factory=dict)
    """Why each ignored code is ignored, when the table form gave a reason."""
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(glob relative to the project root, codes) pairs."""
    namespace_packages: tuple[str, ...] = ()
    """Dotted names of declared PEP 420 namespace packages."""
    fixable: tuple[str, ...] | None = None
    """Codes or prefixes ``check --fix`` may fix; None means every rule with a fix."""
    unfixable: tuple[str, ...] = ()
    """Codes or prefixes never fixed (still reported). As for select and ignore, the
    longest matching prefix decides, and on a tie unfixable wins."""


@dataclass(frozen=True)
class Overrides:
    """What ``check --config`` says over each project's ``[tool.pkgforge]``."""

    table: Mapping[str, Any] | None = None
    """The settings of a ``--config`` file, read instead of the project's; None: the project's."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """``KEY = VALUE`` settings, over the table."""


_CONFIG_HINT = (
    "give a TOML file, or a TOML setting with its value quoted as TOML: "
    "--config 'select = [\"PF4\"]'"
)


def parse_overrides(options: Sequence[str]) -> Overrides:
    """Read ``--config`` values: at most one file path, and any ``KEY = VALUE`` settings."""
    import tomllib

    table: Mapping[str, Any] | None = None
    values: dict[str, Any] = {}
    for option in options:
        path = Path(option)
        if path.is_file():
            if table is not None:
                raise UsageError(
                    "only one --config file can be given",
                    hint="merge the settings into one file, or give the others as KEY = VALUE",
                )
            table = _config_file_table(path)
            continue
        try:
            parsed = tomllib.loads(option)
        except tomllib.TOMLDecodeError as err:
            raise UsageError(
                f"--config {option!r} is neither a file nor a TOML KEY = VALUE setting ({err})",
                hint=_CONFIG_HINT,
            ) from None
        values.update(parsed)
    for source in (table or {}, values):
        if "packages" in source:
            raise UsageError(
                "'packages' cannot be set with --config: it says what the project ships",
                hint="set [tool.pkgforge] packages in the project's own pyproject.toml",
            )
    return Overrides(table, values)


def _config_file_table(path: Path) -> Mapping[str, Any]:
    """A pyproject.toml's ``[tool.pkgforge]``, or a whole file of pkgforge settings."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"--config {path}: not valid TOML ({err})", hint=_HINT) from None
    tool = data.get("tool")
    if isinstance(tool, Mapping) and "pkgforge" in tool:
        table = tool["pkgforge"]
    elif path.name == "pyproject.toml":
        table = {}  # a pyproject.toml without [tool.pkgforge]: the defaults
    else:
        table = data
    if not isinstance(table, Mapping):
        raise ConfigError(f"--config {path}: [tool.pkgforge] must be a table", hint=_HINT)
    return table


def parse_codes(value: str | Sequence[str], *, where: str) -> tuple[str, ...]:
    """Split ``"PF4, PF101"`` or a list into upper-case codes; raise ConfigError on junk."""
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(item, str) for item in items):
        raise ConfigError(f"{where}: expected rule codes, got {value!r}", hint=_HINT)
    codes: list[str] = []
    for part in (piece for item in items for piece in item.split(",")):
        code = part.strip().upper()
        if not code:
            continue
        if not CODE_PATTERN.match(code):
            raise ConfigError(
                f"{where}: {part.strip()!r} is not a rule code or prefix",
                hint="codes look like PF402; prefixes like PF4 select a family",
            )
        codes.append(code)
    return tuple(codes)


def load_settings(
    pyproject: Mapping[str, Any] | None, overrides: Overrides | None = None
) -> Settings:
    """Read ``[tool.pkgforge]`` from a parsed pyproject.toml (or ``overrides``);
    raise ConfigError if invalid."""
    tool = (pyproject or {}).get("tool")
    table = tool.get("pkgforge") if isinstance(tool, Mapping) else None
    if overrides is not None and overrides.table is not None:
        table = overrides.table
    if table is not None and not isinstance(table, Mapping):
        raise ConfigError("[tool.pkgforge] must be a table", hint=_HINT)
    if overrides is not None and overrides.values:
        table = {**(table or {}), **overrides.values}
    if table is None:
        return Settings()
    unknown = sorted(set(table) - set(_KNOWN_KEYS))
    if unknown:
        raise ConfigError(
            f"[tool.pkgforge] has unknown setting {unknown[0]!r}",
            hint=f"known settings: {', '.join(_KNOWN_KEYS)}",
        )
    select = None
    if "select" in table:
        select = parse_codes(_string_list(table["select"], "select"), where="tool.pkgforge.select")
    ignore, reasons = _ignore(table.get("ignore", []))
    fixable = None
    if "fixable" in table:
        fixable = parse_codes(
            _string_list(table["fixable"], "fixable"), where="tool.pkgforge.fixable"
        )
    unfixable = parse_codes(
        _string_list(table.get("unfixable", []), "unfixable"), where="tool.pkgforge.unfixable"
    )
    _string_list(table.get("packages", []), "packages")  # discovery reads it (checker/backends)
    return Settings(
        select=select,
        ignore=ignore,
        ignore_reasons=reasons,
        per_path_ignores=_per_path(table.get("per-path-ignores", {})),
        namespace_packages=_namespaces(table.get("namespace-packages", [])),
        fixable=fixable,
        unfixable=unfixable,
    )


def _string_list(value: object, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(f"tool.pkgforge.{key} must be a list of strings", hint=_HINT)


def _ignore(value: object) -> tuple[tuple[str, ...], dict[str, str]]:
    where = "tool.pkgforge.ignore"
    if isinstance(value, Mapping):
        reasons: dict[str, str] = {}
        for code, reason in value.items():
            if not isinstance(reason, str):
                raise ConfigError(
                    f"{where}: the reason for {code} must be a string",
                    hint='write ignore = { PF402 = "why it is fine here" }',
                )
            for parsed in parse_codes([code], where=where):
                reasons[parsed] = reason
        return tuple(reasons), reasons
    return parse_codes(_string_list(value, "ignore"), where=where), {}


def _per_path(value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    where = "tool.pkgforge.per-path-ignores"
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table of glob = [codes]", hint=_HINT)
    from pkgforge.globs import GlobError, check_pattern

    pairs: list[tuple[str, tuple[str, ...]]] = []
    for pattern, codes in value.items():
        if not isinstance(codes, (str, list)):
            raise ConfigError(f"{where}: {pattern!r} must map to a list of codes", hint=_HINT)
        try:
            check_pattern(pattern)
        except GlobError as err:
            raise ConfigError(
                f"{where}: {pattern!r} is not a valid glob: {err}",
                hint="patterns are relative to the project root, as in ruff's per-file-ignores",
            ) from None
        pairs.append((pattern, parse_codes(codes, where=f"{where}.{pattern!r}")))
    return tuple(pairs)


def _namespaces(value: object) -> tuple[str, ...]:
    names = _string_list(value, "namespace-packages")
    for name in names:
        parts = name.split(".")
        if not all(part.isidentifier() for part in parts):
            raise ConfigError(
                f"tool.pkgforge.namespace-packages: {name!r} is not a dotted package name",
                hint="write the import name, such as 'acme' or 'acme.plugins'",
            )
    return tuple(names)
