"""setup.py, read through its syntax tree: extension modules, CFFI modules, version
files, ``ext_package``, custom build commands."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from pkgforge.checker.backends.buildinfo import clean_path
from pkgforge.checker.backends.reader import Reader, read_text
from pkgforge.checker.backends.setuptools.script import (
    SetupScript,
    call_name,
    parse_setup_script,
    resolve,
    setup_keywords,
)

__all__ = ["literal", "read_setup_py"]

# Calls in setup.py that declare one extension module each; where the name is.
_EXTENSION_CALLS = {
    "Extension": "name",
    "Pybind11Extension": "name",
    "CppExtension": "name",
    "CUDAExtension": "name",
    "CythonExtension": "name",
    "Library": "name",
    "RustExtension": "target",
}
_CYTHONIZE = frozenset({"cythonize"})


def read_setup_py(reader: Reader) -> None:
    text = reader.text("setup.py")
    if text is None:
        return
    reader.setup_text = text
    script = parse_setup_script(text)
    if script is None:
        reader.sign("setup.py does not parse, so its extension modules cannot be read")
        return
    env = reader.env = dict(script.bindings)
    _setup_arguments(reader, script)
    found_extension = False
    first = len(reader.modules)
    for node in ast.walk(script.tree):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node.func)
        if name in _EXTENSION_CALLS:
            found_extension = True
            _extension_name(reader, node, _EXTENSION_CALLS[name], env)
        elif name in _CYTHONIZE:
            found_extension = True
            for arg in node.args[:1]:
                _cythonize_arg(reader, arg, env)
        elif name == "set_source":
            _cffi_source(reader, node, "setup.py")
        elif name in {"Configuration", "add_extension"}:
            reader.sign("setup.py builds extension modules through numpy.distutils")
    kwargs = reader.setup_kwargs
    for key in ("ext_modules", "rust_extensions"):
        if key in kwargs and not _seen(kwargs[key], env):
            reader.sign(f"setup.py computes {key} at run time")
    mentioned = re.search(r"\b(ext_modules|cffi_modules|rust_extensions)\b", text)
    if mentioned and mentioned.group(1) not in kwargs:
        # `kwargs["ext_modules"] = ...; setup(**kwargs)`, `dist.ext_modules`, a helper
        reader.sign(f"setup.py sets {mentioned.group(1)} in a way pkgforge cannot read")
    elif reader.setup_star and found_extension:
        reader.sign("setup.py passes its arguments through **kwargs")
    if "cffi_modules" in kwargs:
        _cffi_modules(reader, kwargs["cffi_modules"], env)
    if "ext_package" in kwargs:
        # setuptools puts every extension module of setup.py inside this package
        prefix = literal(kwargs["ext_package"], env)
        if prefix is None:
            reader.sign("setup.py names its ext_package at run time")
        elif prefix.strip("."):
            named = reader.modules[first:]
            reader.modules[first:] = [f"{prefix.strip('.')}.{name}" for name in named]
    _scm_version_file(reader, kwargs.get("use_scm_version"), env)
    cmdclass = kwargs.get("cmdclass")
    if cmdclass is not None and not _versioneer_only(cmdclass):
        keys = _dict_keys(cmdclass, env)
        if keys is None or keys & {"build", "build_py"}:
            reader.sign("setup.py customises the build (cmdclass)")


def _setup_arguments(reader: Reader, script: SetupScript) -> None:
    # several setup() calls: which one runs is decided at run time (incomplete, then)
    keywords, complete = setup_keywords(script)
    reader.setup_kwargs = dict(keywords)
    reader.setup_star = not complete


def literal(node: ast.expr | None, env: Mapping[str, ast.expr | None]) -> str | None:
    """A string argument, spelled out or through a module-level name."""
    node = resolve(node, env)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _extension_name(
    reader: Reader, call: ast.Call, keyword: str, env: Mapping[str, ast.expr | None]
) -> None:
    node = next((k.value for k in call.keywords if k.arg == keyword), None)
    if node is None and call.args:
        node = call.args[0]
    name = literal(node, env)
    if name is None or not name.strip():
        reader.sign("setup.py names an extension module at run time")
    else:
        reader.modules.append(name.strip())


def _cythonize_arg(reader: Reader, node: ast.expr, env: Mapping[str, ast.expr | None]) -> None:
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        if value is not None and not isinstance(value, ast.Name):
            _cythonize_arg(reader, value, env)
        elif value is None:
            reader.sign("setup.py cythonizes modules named at run time")
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        reader.paths.append(clean_path(node.value))
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            _cythonize_arg(reader, item, env)
    elif isinstance(node, ast.Call) and call_name(node.func) in _EXTENSION_CALLS:
        return  # named by the walk over every Extension(...) call
    else:
        reader.sign("setup.py cythonizes modules named at run time")


def _seen(node: ast.expr, env: Mapping[str, ast.expr | None], depth: int = 0) -> bool:
    """Whether every extension module in ``node`` (an ``ext_modules`` value) is a call
    whose name the walk reads, or a cythonize() of path globs."""
    if depth > 8:
        return False
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        return value is not None and _seen(value, env, depth + 1)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_seen(item, env, depth + 1) for item in node.elts)
    if isinstance(node, ast.Starred):
        return _seen(node.value, env, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _seen(node.left, env, depth + 1) and _seen(node.right, env, depth + 1)
    if isinstance(node, ast.IfExp):
        return _seen(node.body, env, depth + 1) and _seen(node.orelse, env, depth + 1)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) or node.value is None
    if isinstance(node, ast.Call):
        name = call_name(node.func)
        if name in _EXTENSION_CALLS:
            return True
        if name in _CYTHONIZE:
            return all(_seen(arg, env, depth + 1) for arg in node.args[:1])
    return False


def _dict_keys(node: ast.expr, env: Mapping[str, ast.expr | None]) -> set[str] | None:
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        return None if value is None else _dict_keys(value, env)
    if isinstance(node, ast.Dict):
        keys = set()
        for key in node.keys:
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            keys.add(key.value)
        return keys
    if isinstance(node, ast.Call) and call_name(node.func) == "dict" and not node.args:
        return {k.arg for k in node.keywords if k.arg is not None}
    return None


def _versioneer_only(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and call_name(node.func) == "get_cmdclass"


def _scm_version_file(
    reader: Reader, node: ast.expr | None, env: Mapping[str, ast.expr | None]
) -> None:
    node = resolve(node, env)
    if not isinstance(node, ast.Dict):
        return
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and key.value in {"write_to", "version_file"}:
            path = literal(value, env)
            if path is not None:
                reader.paths.append(clean_path(path))


def _cffi_modules(reader: Reader, node: ast.expr, env: Mapping[str, ast.expr | None]) -> None:
    node = resolve(node, env) or node
    specs: list[str] = []
    if isinstance(node, ast.List | ast.Tuple):
        specs = [s for s in (literal(item, env) for item in node.elts) if s is not None]
        complete = len(specs) == len(node.elts)
    else:
        single = literal(node, env)
        specs, complete = ([single], True) if single is not None else ([], False)
    if not complete:
        reader.sign("setup.py lists cffi_modules pkgforge cannot read")
    for spec in specs:
        script = clean_path(spec.partition(":")[0])
        text = reader.text(script)
        if text is None:
            text = _read_tree_script(reader, script)
        if text is None or not _cffi_names(reader, text, script):
            reader.sign(f"the CFFI build script {script} names its module at run time")


def _read_tree_script(reader: Reader, script: str) -> str | None:
    """A CFFI build script inside the package tree (its size and mtime are in the cache
    fingerprint already, as a walked Python file)."""
    path = reader.root / script
    return read_text(path) if path in reader.python_files else None


_SET_SOURCE = re.compile(r"""\.set_source\(\s*(?:module_name\s*=\s*)?(['"])([\w.]+)\1""")


def _cffi_names(reader: Reader, text: str, where: str) -> bool:
    names = [m.group(2) for m in _SET_SOURCE.finditer(text)]
    reader.modules.extend(names)
    return bool(names)


def _cffi_source(reader: Reader, call: ast.Call, where: str) -> None:
    # ffibuilder.set_source("pkg._cffi", ...) in setup.py itself
    name = literal(call.args[0] if call.args else None, {})
    if name is not None:
        reader.modules.append(name)
