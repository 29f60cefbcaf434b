"""Native build systems: meson (meson-python), CMake (scikit-build), maturin/Cargo."""

from __future__ import annotations

import re

from pkgforge.checker.buildconf.reader import Reader, read_text, table

__all__ = ["read_cmake", "read_maturin", "read_meson"]


def read_maturin(reader: Reader, is_backend: bool) -> None:
    maturin = table(reader.pyproject, "tool", "maturin")
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
    name = table(data, "lib").get("name") or table(data, "package").get("name")
    return name.replace("-", "_") if isinstance(name, str) else None


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


def read_meson(reader: Reader) -> None:
    """The names meson-python's build gives (its backend is an unnamed sign already)."""
    for path in sorted(p for p in reader.files if p.name == "meson.build"):
        text = read_text(path)
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


def read_cmake(reader: Reader, *, active: bool) -> None:
    cmake_files = sorted(p for p in reader.files if p.name == "CMakeLists.txt")
    if not (cmake_files and active):
        return
    reader.sign("CMakeLists.txt may build modules pkgforge cannot name")
    targets: set[str] = set()
    texts = [t for t in (read_text(p) for p in cmake_files) if t is not None]
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
