"""Reading the build configuration into a :class:`~pkgforge.checker.buildinfo.BuildInfo`.

Nothing is run: ``setup.py`` is read through its syntax tree (literal arguments,
and module-level names bound once), the others as TOML, INI or text patterns.
Every reader tolerates any content: what it cannot read becomes a reason in
``BuildInfo.unnamed`` or an ``unknown`` wheel, never an exception.
"""

from __future__ import annotations

import ast
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pkgforge.checker.buildinfo import BuildInfo, Wheel, build_files, clean_path

if TYPE_CHECKING:
    from pkgforge.checker.model import Directory, SourceFile

__all__ = ["BuildFacts", "generated_modules", "read_build", "read_build_facts", "shared_namespaces"]

log = logging.getLogger("pkgforge")

_MAX_BYTES = 2_000_000  # a build file larger than this is not read (it says nothing readable)

# Build backends that compile modules whose names their configuration does not spell
# out in a form read here.
_COMPILING_BACKENDS = {
    "mesonpy": "meson-python",
    "scikit_build_core.build": "scikit-build-core",
    "scikit_build_core.setuptools.build_meta": "scikit-build-core",
    "py_build_cmake.build": "py-build-cmake",
    "sipbuild.api": "sip",
    "enscons.api": "enscons",
    "pymsbuild": "pymsbuild",
    "cmeel.build": "cmeel",
}
_CMAKE_BACKENDS = frozenset(
    {
        "scikit_build_core.build",
        "scikit_build_core.setuptools.build_meta",
        "py_build_cmake.build",
        "cmeel.build",
    }
)
_SETUPTOOLS_BACKENDS = frozenset({"setuptools.build_meta", "setuptools.build_meta:__legacy__"})

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
_SCM_FINDERS = re.compile(r"setuptools[-_.]?(scm|git|hg|svn|bzr)", re.IGNORECASE)


def _read_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > _MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


# -- reading ------------------------------------------------------------------------------


class _Reader:
    """Collects what each build file says."""

    def __init__(
        self,
        root: Path,
        files: Iterable[str],
        python_files: Iterable[str],
        pyproject: Mapping[str, Any],
    ) -> None:
        self.root = root
        self.files = {Path(f) for f in files}
        self.python_files = {Path(f) for f in python_files}
        self.pyproject = pyproject
        self.env: dict[str, ast.expr | None] = {}
        self.modules: list[str] = []
        self.paths: list[str] = []
        self.unnamed: list[str] = []
        self.namespaces: list[str] = []
        self.setup_kwargs: dict[str, Any] = {}
        self.setup_star = False
        self.setup_text = ""

    def text(self, relpath: str) -> str | None:
        path = self.root / relpath
        if path not in self.files:
            return None  # not stamped by the cache fingerprint: never read it
        return _read_text(path)

    def sign(self, why: str) -> None:
        if why not in self.unnamed:
            self.unnamed.append(why)


def read_build(
    root: Path,
    files: Iterable[str],
    pyproject: Mapping[str, Any] | None,
    python_files: Iterable[str] = (),
) -> BuildInfo:
    """Read the build configuration at ``root``; ``files`` is
    :func:`~pkgforge.checker.buildinfo.build_files`'s list,
    ``python_files`` the walked Python files (a CFFI build script may be one of them).
    Never raises on any file content."""
    reader = _Reader(root, files, python_files, pyproject or {})
    backend = _backend(reader.pyproject, (root / "setup.py") in reader.files)
    setuptools = backend in _SETUPTOOLS_BACKENDS
    _read_setup_py(reader)
    cfg = _read_setup_cfg(reader)
    _read_pyproject(reader)
    tool = _table(reader.pyproject, "tool")
    if backend in _COMPILING_BACKENDS:
        reader.sign(f"the build backend {_COMPILING_BACKENDS[backend]} compiles modules")
    elif backend == "maturin" or "maturin" in tool:
        _read_maturin(reader, backend == "maturin")
    elif (
        backend and not setuptools and _table(reader.pyproject, "build-system").get("backend-path")
    ):
        reader.sign(f"the in-tree build backend {backend} may create modules")
    uses_cmake = backend in _CMAKE_BACKENDS or bool(
        re.search(r"cmake|skbuild", reader.setup_text, re.IGNORECASE)
    )
    if backend == "mesonpy":
        _read_meson(reader)
    _read_cmake(reader, active=uses_cmake)
    wheel = _wheel(reader, cfg) if setuptools else Wheel(source=f"the build backend {backend}")
    return BuildInfo(
        modules=tuple(dict.fromkeys(reader.modules)),
        paths=tuple(dict.fromkeys(reader.paths)),
        unnamed=tuple(reader.unnamed),
        namespace_packages=tuple(dict.fromkeys(reader.namespaces)),
        wheel=wheel,
        backend=backend,
    )


def _backend(pyproject: Mapping[str, Any], has_setup_py: bool) -> str:
    value = _table(pyproject, "build-system").get("build-backend")
    if isinstance(value, str):
        return value.strip()
    # PEP 517's fallback: a project without a declared backend builds with setuptools
    return "setuptools.build_meta:__legacy__" if has_setup_py or pyproject else ""


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, Mapping):
            return {}
        data = value
    return data


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


# -- pyproject.toml -----------------------------------------------------------------------


def _read_pyproject(reader: _Reader) -> None:
    data = reader.pyproject
    tool = _table(data, "tool")
    setuptools = _table(tool, "setuptools")
    ext = setuptools.get("ext-modules")
    if isinstance(ext, list):
        for item in ext:
            name = item.get("name") if isinstance(item, Mapping) else None
            if isinstance(name, str):
                reader.modules.append(name)
            else:
                reader.sign("[tool.setuptools] ext-modules has an entry without a name")
    for item in _table(tool, "setuptools-rust").get("ext-modules") or []:
        target = item.get("target") if isinstance(item, Mapping) else None
        if isinstance(target, str):
            reader.modules.append(target)
        else:
            reader.sign("[tool.setuptools-rust] ext-modules has an entry without a target")
    reader.namespaces += _strings(setuptools.get("namespace-packages"))
    # files written at build time: a version module
    for table, keys in (
        (_table(tool, "setuptools_scm"), ("write_to", "version_file")),
        (_table(tool, "setuptools-scm"), ("write_to", "version_file")),
        (_table(tool, "hatch", "build", "hooks", "vcs"), ("version-file",)),
        (_table(tool, "hatch", "build", "targets", "wheel", "hooks", "vcs"), ("version-file",)),
        (_table(tool, "hatch", "version", "raw-options"), ("write_to", "version_file")),
    ):
        for key in keys:
            value = table.get(key)
            if isinstance(value, str):
                reader.paths.append(clean_path(value))
    write_to = _table(tool, "pdm", "version").get("write_to")
    if isinstance(write_to, str):
        # pdm-backend writes relative to the package directory: src/ when there is one
        reader.paths += [clean_path(write_to), clean_path(f"src/{write_to}")]
    for path in _table(tool, "poetry-dynamic-versioning", "files"):
        reader.paths.append(clean_path(path))
    for where in (("hatch", "build", "hooks"), ("hatch", "build", "targets", "wheel", "hooks")):
        hooks = [name for name in _table(tool, *where) if name not in {"vcs", "mypyc"}]
        if hooks:
            reader.sign(f"the hatch build hook {hooks[0]!r} may create modules")
    poetry_build = _table(tool, "poetry").get("build")
    if poetry_build is not None:
        reader.sign("poetry's build script may create modules")
    if (reader.root / "pdm_build.py") in reader.files:
        reader.sign("pdm_build.py may create modules")
    if (reader.root / "build.py") in reader.files and "poetry" in tool:
        reader.sign("poetry's build.py may create modules")


def _read_maturin(reader: _Reader, is_backend: bool) -> None:
    maturin = _table(reader.pyproject, "tool", "maturin")
    name = maturin.get("module-name")
    if isinstance(name, str):
        reader.modules.append(name)
        return
    cargo = reader.text(maturin.get("manifest-path") or "Cargo.toml")
    lib = _cargo_lib_name(cargo) if cargo is not None else None
    if lib is None:
        if is_backend:
            reader.sign("maturin builds a Rust module whose name pkgforge cannot read")
        return
    # a mixed Rust/Python project puts the module inside the package of that name
    reader.modules.extend((lib, f"{lib}.{lib}"))


def _cargo_lib_name(text: str) -> str | None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeError):
        return None
    name = _table(data, "lib").get("name") or _table(data, "package").get("name")
    return name.replace("-", "_") if isinstance(name, str) else None


# -- setup.cfg ----------------------------------------------------------------------------


def _read_setup_cfg(reader: _Reader) -> Mapping[str, Mapping[str, str]]:
    text = reader.text("setup.cfg")
    if text is None:
        return {}
    import configparser

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return {}
    sections = {name: dict(parser.items(name)) for name in parser.sections()}
    options = sections.get("options", {})
    reader.namespaces += _cfg_list(options.get("namespace_packages", ""))
    versioneer = sections.get("versioneer", {})
    for key in ("versionfile_source", "versionfile_build"):
        if versioneer.get(key):
            reader.paths.append(clean_path(versioneer[key]))
    return sections


def _cfg_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]


# -- setup.py -----------------------------------------------------------------------------


def _read_setup_py(reader: _Reader) -> None:
    text = reader.text("setup.py")
    if text is None:
        return
    reader.setup_text = text
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        reader.sign("setup.py does not parse, so its extension modules cannot be read")
        return
    env = reader.env = _module_assignments(tree)
    found_extension = False
    first = len(reader.modules)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        if name in _EXTENSION_CALLS:
            found_extension = True
            _extension_name(reader, node, _EXTENSION_CALLS[name], env)
        elif name in _CYTHONIZE:
            found_extension = True
            for arg in node.args[:1]:
                _cythonize_arg(reader, arg, env)
        elif name == "set_source":
            _cffi_source(reader, node, "setup.py")
        elif name == "setup":
            reader.setup_kwargs = {k.arg: k.value for k in node.keywords if k.arg is not None}
            reader.setup_star = any(k.arg is None for k in node.keywords)
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
        prefix = _literal(kwargs["ext_package"], env)
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


def _module_assignments(tree: ast.Module) -> dict[str, ast.expr | None]:
    """Module-level ``NAME = value``; None for a name bound more than once (no one value)."""
    env: dict[str, ast.expr | None] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                env[target.id] = node.value if target.id not in env else None
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and isinstance(node.target, ast.Name):
            env[node.target.id] = None
    return env


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.expr | None, env: Mapping[str, ast.expr | None]) -> str | None:
    if isinstance(node, ast.Name):
        node = env.get(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _extension_name(
    reader: _Reader, call: ast.Call, keyword: str, env: Mapping[str, ast.expr | None]
) -> None:
    node = next((k.value for k in call.keywords if k.arg == keyword), None)
    if node is None and call.args:
        node = call.args[0]
    name = _literal(node, env)
    if name is None or not name.strip():
        reader.sign("setup.py names an extension module at run time")
    else:
        reader.modules.append(name.strip())


def _cythonize_arg(reader: _Reader, node: ast.expr, env: Mapping[str, ast.expr | None]) -> None:
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
    elif isinstance(node, ast.Call) and _call_name(node.func) in _EXTENSION_CALLS:
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
        name = _call_name(node.func)
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
    if isinstance(node, ast.Call) and _call_name(node.func) == "dict" and not node.args:
        return {k.arg for k in node.keywords if k.arg is not None}
    return None


def _versioneer_only(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _call_name(node.func) == "get_cmdclass"


def _scm_version_file(
    reader: _Reader, node: ast.expr | None, env: Mapping[str, ast.expr | None]
) -> None:
    if isinstance(node, ast.Name):
        node = env.get(node.id)
    if not isinstance(node, ast.Dict):
        return
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and key.value in {"write_to", "version_file"}:
            path = _literal(value, env)
            if path is not None:
                reader.paths.append(clean_path(path))


def _cffi_modules(reader: _Reader, node: ast.expr, env: Mapping[str, ast.expr | None]) -> None:
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        node = value if value is not None else node
    specs: list[str] = []
    if isinstance(node, ast.List | ast.Tuple):
        specs = [s for s in (_literal(item, env) for item in node.elts) if s is not None]
        complete = len(specs) == len(node.elts)
    else:
        single = _literal(node, env)
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


def _read_tree_script(reader: _Reader, script: str) -> str | None:
    """A CFFI build script inside the package tree (its size and mtime are in the cache
    fingerprint already, as a walked Python file)."""
    path = reader.root / script
    return _read_text(path) if path in reader.python_files else None


_SET_SOURCE = re.compile(r"""\.set_source\(\s*(?:module_name\s*=\s*)?(['"])([\w.]+)\1""")


def _cffi_names(reader: _Reader, text: str, where: str) -> bool:
    names = [m.group(2) for m in _SET_SOURCE.finditer(text)]
    reader.modules.extend(names)
    return bool(names)


def _cffi_source(reader: _Reader, call: ast.Call, where: str) -> None:
    # ffibuilder.set_source("pkg._cffi", ...) in setup.py itself
    name = _literal(call.args[0] if call.args else None, {})
    if name is not None:
        reader.modules.append(name)


# -- meson and CMake ------------------------------------------------------------------------

_MESON_CALL = re.compile(r"\b(extension_module|configure_file|custom_target)\s*\(")
_STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'")


def _meson_span(text: str, start: int) -> str:
    """The argument text of a meson call whose '(' is at ``start - 1``, strings and
    comments skipped while counting parentheses."""
    depth, index = 1, start
    while index < len(text) and depth:
        char = text[index]
        if char == "'":
            end = text.find("'''", index + 3) + 3 if text.startswith("'''", index) else 0
            if not end:
                match = _STRING.match(text, index)
                end = match.end() if match else index + 1
            index = max(end, index + 1)
            continue
        if char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1
    return text[start : index - 1]


def _meson_kwarg(args: str, key: str) -> list[str] | None:
    match = re.search(rf"\b{key}\s*:\s*(\[[^\]]*\]|'[^']*'|[^,)]+)", args)
    if match is None:
        return None
    value = match.group(1).strip()
    strings = _STRING.findall(value)
    if value.startswith("'") or (value.startswith("[") and strings):
        return strings
    return None


def _read_meson(reader: _Reader) -> None:
    """The names meson-python's build gives (its backend is an unnamed sign already)."""
    for path in sorted(p for p in reader.files if p.name == "meson.build"):
        text = _read_text(path)
        if text is None:
            continue
        where = path.parent.relative_to(reader.root).as_posix()
        where = "" if where == "." else where
        for match in _MESON_CALL.finditer(text):
            args = _meson_span(text, match.end())
            if match.group(1) == "extension_module":
                first = _STRING.match(args.lstrip())
                if first is None:
                    continue
                subdir = _meson_kwarg(args, "subdir")
                package = subdir[0].strip("/").replace("/", ".") if subdir else ""
                name = first.group(1)
                reader.modules.append(f"{package}.{name}" if package else name)
            else:
                for output in _meson_kwarg(args, "output") or ():
                    if output.endswith(".py"):
                        reader.paths.append(f"{where}/{output}" if where else output)


_CMAKE_MODULE = re.compile(
    r"\b(pybind11_add_module|nanobind_add_module|python3?_add_library|add_library)\s*\(\s*"
    r"([A-Za-z_][\w.-]*)([^)]*)\)",
    re.IGNORECASE,
)
_CMAKE_INSTALL = re.compile(
    r"\binstall\s*\(\s*TARGETS\s+([^)]*?)\s+(?:(?:LIBRARY|RUNTIME|ARCHIVE)\s+)?"
    r"DESTINATION\s+\"?([^\s\")]+)",
    re.IGNORECASE,
)


def _read_cmake(reader: _Reader, *, active: bool) -> None:
    cmake_files = sorted(p for p in reader.files if p.name == "CMakeLists.txt")
    if not (cmake_files and active):
        return
    reader.sign("CMakeLists.txt may build modules pkgforge cannot name")
    targets: set[str] = set()
    texts = [t for t in (_read_text(p) for p in cmake_files) if t is not None]
    for text in texts:
        for match in _CMAKE_MODULE.finditer(text):
            command, name, rest = match.groups()
            if command.lower() == "add_library" and "MODULE" not in rest.upper().split():
                continue
            targets.add(name)
    for text in texts:
        for match in _CMAKE_INSTALL.finditer(text):
            destination = match.group(2)
            if "$" in destination:
                continue
            package = destination.strip("/").replace("/", ".").strip(".")
            for name in match.group(1).split():
                if name in targets:
                    reader.modules.append(f"{package}.{name}" if package else name)


# -- what the wheel holds (setuptools) -------------------------------------------------------


def _wheel(reader: _Reader, cfg: Mapping[str, Mapping[str, str]]) -> Wheel:
    data = _data_rules(reader, cfg)
    kwargs = reader.setup_kwargs
    if "packages" in kwargs:
        return _wheel_from_setup_py(kwargs["packages"], reader, data)
    if reader.setup_star:
        return Wheel(source="setup.py passes **kwargs", data=data)
    options = cfg.get("options", {})
    if "packages" in options:
        value = options["packages"].strip()
        find = cfg.get("options.packages.find", {})
        include = tuple(_cfg_list(find.get("include", "")))
        exclude = tuple(_cfg_list(find.get("exclude", "")))
        if value == "find:":
            return Wheel("find", (), include, exclude, "setup.cfg `packages = find:`", data)
        if value == "find_namespace:":
            return Wheel("namespace", (), include, exclude, "setup.cfg `find_namespace:`", data)
        names = tuple(_cfg_list(value))
        return Wheel("list", names, source="setup.cfg `packages = ...`", data=data)
    setuptools = _table(reader.pyproject, "tool", "setuptools")
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        names = tuple(_strings(packages))
        return Wheel("list", names, source="[tool.setuptools] packages", data=data)
    find = _table(setuptools, "packages", "find")
    if find:
        include = tuple(_strings(find.get("include")))
        exclude = tuple(_strings(find.get("exclude")))
        kind = "namespace" if find.get("namespaces", True) else "find"
        return Wheel(kind, (), include, exclude, "[tool.setuptools.packages.find]", data)
    if "py_modules" in kwargs or "py-modules" in setuptools or "py_modules" in options:
        return Wheel(source="an explicit py_modules list", data=data)
    if "ext_modules" in kwargs and "project" not in reader.pyproject:
        # setuptools skips its automatic discovery when ext_modules is given in setup.py
        return Wheel(source="setup.py ext_modules without packages", data=data)
    return Wheel("namespace", source="setuptools' automatic discovery", data=data)


def _wheel_from_setup_py(node: Any, reader: _Reader, data: tuple[tuple[str, ...], ...]) -> Wheel:
    env = reader.env
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        node = value if value is not None else node
    if isinstance(node, ast.List | ast.Tuple):
        names = [_literal(item, env) for item in node.elts]
        if all(name is not None for name in names):
            listed = tuple(name for name in names if name is not None)
            return Wheel("list", listed, source="setup.py `packages=[...]`", data=data)
    if isinstance(node, ast.Call):
        name = _call_name(node.func)
        if name in {"find_packages", "find_namespace_packages", "find_namespace"}:
            kind = "find" if name == "find_packages" else "namespace"
            include = _literal_patterns(node, "include", env)
            exclude = _literal_patterns(node, "exclude", env, position=1)
            return Wheel(kind, (), include, exclude, f"setup.py `{name}()`", data)
    return Wheel(source="setup.py computes packages at run time", data=data)


def _literal_patterns(
    call: ast.Call, key: str, env: Mapping[str, ast.expr | None], position: int = -1
) -> tuple[str, ...] | None:
    node = next((k.value for k in call.keywords if k.arg == key), None)
    if node is None and 0 <= position < len(call.args):
        node = call.args[position]
    if node is None:
        return ()
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        node = value if value is not None else node
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        values = [_literal(item, env) for item in node.elts]
        if all(v is not None for v in values):
            return tuple(v for v in values if v is not None)
    return None


def _data_rules(
    reader: _Reader, cfg: Mapping[str, Mapping[str, str]]
) -> tuple[tuple[str, ...], ...]:
    """What could ship a ``.py`` file of an unlisted folder as package data anyway."""
    rules: list[tuple[str, ...]] = []
    requires = " ".join(_strings(_table(reader.pyproject, "build-system").get("requires")))
    setup_cfg_requires = cfg.get("options", {}).get("setup_requires", "")
    if _SCM_FINDERS.search(f"{requires} {setup_cfg_requires} {reader.setup_text}"):
        rules.append(("scm",))  # a file finder: every tracked file is in the manifest
    manifest = reader.text("MANIFEST.in")
    for line in (manifest or "").splitlines():
        words = line.split("#", 1)[0].split()
        if words and words[0] in {"include", "recursive-include", "graft", "global-include"}:
            rules.append(tuple(words))
    patterns: list[str] = []
    for value in _table(reader.pyproject, "tool", "setuptools", "package-data").values():
        patterns += _strings(value)
    for value in cfg.get("options.package_data", {}).values():
        patterns += _cfg_list(value)
    if "package_data" in reader.setup_kwargs:
        patterns.append("*")  # not read: assume it may match anything
    rules.extend(("package-data", pattern) for pattern in patterns)
    return tuple(rules)


# -- names of what the build creates -----------------------------------------------------------


def generated_modules(
    info: BuildInfo,
    directories: Sequence[Directory],
    package_roots: Sequence[Path],
    root: Path,
) -> frozenset[str]:
    """Dotted names (``*`` globs allowed) of the modules the build creates: the names the
    configuration gives, and the module names of the files it writes or compiles."""
    names = set(info.modules)
    by_relpath = {d.relpath: d for d in directories}
    roots = []
    for path in package_roots:
        try:
            roots.append(path.relative_to(root).as_posix())
        except ValueError:
            continue
    for relpath in info.paths:
        dotted = _module_of_path(relpath, by_relpath, roots)
        if dotted:
            names.add(dotted)
    return frozenset(n for n in names if n and all(_name_part(p) for p in n.split(".")))


def _name_part(part: str) -> bool:
    return part.replace("*", "x").isidentifier()


def _module_of_path(
    relpath: str, by_relpath: Mapping[str, Directory], roots: Sequence[str]
) -> str | None:
    """The module a file at ``relpath`` imports as: it must sit in a package directory
    of the model or directly in a package root (a guess elsewhere could invent a
    top-level name)."""
    folder, _, filename = relpath.rpartition("/")
    stem = filename.partition(".")[0]
    if not stem:
        return None
    directory = by_relpath.get(folder)
    if directory is not None and directory.package:
        return f"{directory.package}.{stem}"
    if folder in roots or (folder == "" and "." in roots):
        return stem
    return None


# -- namespaces shared with other distributions ------------------------------------------------

_PATH_HOOK = (
    rb"declare_namespace|extend_path|__path__\s*(?:\+?=[^=]|\.\s*(?:append|extend|insert)\b)"
)
_NAMESPACE_INIT_LINES = 80  # pkgutil/pkg_resources namespace __init__ files are tiny


def shared_namespaces(
    files: Iterable[SourceFile],
    directories: Iterable[Directory],
    declared: Iterable[str],
) -> frozenset[str]:
    """Packages whose submodules other distributions may provide: PEP 420 directories
    (no ``__init__.py``) at the top or inside another shared one, packages whose
    ``__init__.py`` extends ``__path__`` (pkgutil) or declares a namespace
    (pkg_resources), and setuptools ``namespace_packages``.

    A PEP 420 directory inside a regular package is not shared: its one portion is
    the directory below the parent's single ``__path__`` entry.
    """
    inits = {f.module: f for f in files if f.is_package and f.module}
    namespace_dirs = {d.package for d in directories if d.package and not d.has_init}
    shared = {name for name in declared if name}
    shared.update(m for m, f in inits.items() if "__path__" in f.summary.bound_names)
    for package in sorted(namespace_dirs | set(inits), key=lambda p: p.count(".")):
        parent = package.rpartition(".")[0]
        if package in shared or (parent and parent not in shared):
            continue
        regular = package in inits
        if (not regular and package in namespace_dirs) or (regular and _hooks_path(inits[package])):
            shared.add(package)
    return frozenset(shared)


def _hooks_path(file: SourceFile) -> bool:
    if file.summary.line_count > _NAMESPACE_INIT_LINES:
        return False
    try:
        return re.search(_PATH_HOOK, file.path.read_bytes()) is not None
    except OSError:
        return False


class BuildFacts(NamedTuple):
    """The model's build fields, computed together once per model."""

    build: BuildInfo
    generated: frozenset[str]
    shared_namespaces: frozenset[str]


def read_build_facts(
    root: Path,
    *,
    pyproject: Mapping[str, Any] | None,
    package_roots: Sequence[Path],
    root_entries: Iterable[str],
    dir_rows: Iterable[Any],
    files: Sequence[SourceFile],
    directories: Sequence[Directory],
) -> BuildFacts:
    """What the engine stores in the model: the build configuration, the modules it
    creates, the shared namespaces."""
    info = read_build(
        root,
        build_files(root, root_entries, dir_rows),
        pyproject,
        (os.fspath(f.path) for f in files),
    )
    if info.unnamed:
        log.debug("the build may create modules pkgforge cannot name: %s", "; ".join(info.unnamed))
    return BuildFacts(
        info,
        generated_modules(info, directories, package_roots, root),
        shared_namespaces(files, directories, info.namespace_packages),
    )
