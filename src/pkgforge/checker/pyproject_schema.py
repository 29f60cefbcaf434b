"""validate-pyproject for PF501, pre-compiled once per installed version.

``validate_pyproject.api.Validator`` imports its plugins through entry points
and compiles every JSON schema with fastjsonschema on each run: about 0.25 s,
most of a cold ``check`` of a small project and of ``pkgforge new``. Its own
``pre_compile`` writes the same validator (schemas, formats, extra
validations) as plain Python; we generate that once into the user cache, keyed
by the installed validate-pyproject and setuptools, and import it from there.
Any trouble with the cache falls back to the library's normal validator.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from pkgforge.checker.digests import hexdigest

__all__ = ["schema_errors"]

# Both provide schemas: validate-pyproject for PEP 517/518/621/639, setuptools
# for [tool.setuptools]. A change in either must regenerate the validator.
_SCHEMA_PROVIDERS = ("validate_pyproject", "setuptools")
_UNUSED_BY_FORMATS = ("packaging._manylinux", "packaging._musllinux")


def schema_errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    """validate-pyproject's verdict on ``data`` as (summary, dotted key) pairs."""
    validate, error_type = _validator()
    try:
        validate(data)
    except error_type as err:
        return [(str(getattr(err, "summary", err)), str(getattr(err, "name", "")))]
    except ValueError as err:  # a schema problem reported some other way
        return [(str(err).splitlines()[0], "")]
    return []


def _validator() -> tuple[Callable[[Any], object], type[Exception]]:
    try:
        module = _precompiled()
    except Exception:  # noqa: BLE001 - the cache is an optimisation, never a failure
        module = None
    if module is not None:
        return module.validate, module.JsonSchemaValueException
    from validate_pyproject import api, errors

    return api.Validator(), errors.ValidationError


def _precompiled() -> ModuleType | None:
    key = _installed_key()
    if key is None:
        return None
    import platformdirs

    target = Path(platformdirs.user_cache_dir("pkgforge")) / "validate-pyproject" / key
    if not (target / "__init__.py").is_file():
        _generate(target)
    return _load(target, f"_pkgforge_pyproject_schema_{key}")


def _installed_key() -> str | None:
    """Identify the installed schema providers without importing them (that costs ~70 ms)."""
    stamps = []
    for name in _SCHEMA_PROVIDERS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return None
        stat = Path(spec.origin).stat()
        stamps.append(f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}")
    stamps.append(sys.version)
    return hexdigest("\n".join(stamps).encode(), 8)


def _generate(target: Path) -> None:
    import compileall

    from validate_pyproject import pre_compile

    target.parent.mkdir(parents=True, exist_ok=True)
    # Generate beside the target and rename: concurrent runs never see half a package.
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        pre_compile.pre_compile(staging)
        # Write bytecode even under PYTHONDONTWRITEBYTECODE: the generated module is large.
        compileall.compile_dir(staging, quiet=1)
        staging.rename(target)
    except OSError:
        if not (target / "__init__.py").is_file():
            raise
    finally:
        if staging.exists():
            import shutil

            shutil.rmtree(staging, ignore_errors=True)


def _load(target: Path, name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, target / "__init__.py", submodule_search_locations=[str(target)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    from pkgforge._lazy import deferred

    try:
        # The formats import packaging's requirement parser, which imports its wheel-tag
        # module, which imports the manylinux/musllinux probes that validating never runs.
        with deferred(*_UNUSED_BY_FORMATS):
            spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
