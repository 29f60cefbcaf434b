"""CMake, as scikit-build-core, scikit-build, py-build-cmake and cmeel drive it: the
extension modules CMakeLists.txt installs, named where its literal text says."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pkgforge.checker.backends.reader import Reader, read_text

__all__ = ["read_cmake"]


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


def read_cmake(
    reader: Reader,
    *,
    active: bool,
    variables: Mapping[str, str] | None = None,
    prefix: str = "",
) -> None:
    """The modules ``install(TARGETS ... DESTINATION d)`` installs, for the targets a
    ``*_add_module``/``python_add_library``/``add_library(... MODULE ...)`` makes.

    ``variables`` are the ``${NAME}`` the backend sets (the others are unknown: no name),
    ``prefix`` the site-packages folder the backend installs into (scikit-build-core's
    ``wheel.install-dir``).
    """
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
    known = variables or {}
    for text in texts:
        for match in _CMAKE_INSTALL.finditer(text):
            destination = re.sub(
                r"\$\{(\w+)\}", lambda m: known.get(m.group(1), m.group(0)), match.group(2)
            )
            installed = f"{prefix}/{destination}" if prefix else destination
            if "$" in installed:
                continue
            package = ".".join(p for p in installed.split("/") if p not in {"", "."})
            for name in match.group(1).split():
                if name in targets:
                    reader.modules.append(f"{package}.{name}" if package else name)
