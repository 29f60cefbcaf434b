"""Modules and subpackages inside a project: plan the files, then write them all or none.

A plan is built in memory first (new files, and edits of existing ``__init__.py``
files), so a refusal changes nothing; writing undoes itself if it fails halfway.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from pkgforge.errors import (
    InvalidNameError,
    ProjectExistsError,
    ProjectNotFoundError,
    UnsafeEditError,
)
from pkgforge.names import import_name_for
from pkgforge.scaffold.exports import insert_export, render_all

__all__ = [
    "Plan",
    "PlannedTree",
    "find_package",
    "find_project",
    "is_exported",
    "main_entry_point",
    "module_source",
    "package_init_source",
    "plan_module",
    "project_scripts",
    "test_source",
    "write_plan",
]

log = logging.getLogger("pkgforge")

_NO_SCRIPTS: Mapping[str, str] = MappingProxyType({})


def module_source(dotted: str, *, runs: str | None = None) -> str:
    """A new module: docstring, literal ``__all__`` and one example function.

    A ``__main__`` module is what ``python -m PACKAGE`` runs: ``runs`` (an entry
    point's ``module:function``) when the project has a command in that package, else
    a ``main`` to fill in.
    """
    if dotted.rpartition(".")[2] == "__main__":
        return _main_source(dotted.rpartition(".")[0], runs)
    return (
        f'"""The ``{dotted}`` module."""\n'
        "\n"
        '__all__ = ["describe"]\n'
        "\n"
        "\n"
        "def describe() -> str:\n"
        '    """Return the dotted name of this module (an example to replace)."""\n'
        "    return __name__\n"
    )


def _main_source(package: str, runs: str | None) -> str:
    if runs is not None:
        module, _, call = runs.partition(":")
        name = call.split(".")[0]
        return (
            f'"""``python -m {package}``: runs the same as its command, ``{runs}``."""\n'
            "\n"
            "import sys\n"
            "\n"
            f"from {module} import {name}\n"
            "\n"
            'if __name__ == "__main__":\n'
            f"    sys.exit({call}())\n"
        )
    return (
        f'"""``python -m {package}``: the package run as a program."""\n'
        "\n"
        "import sys\n"
        "\n"
        "\n"
        "def main(argv: list[str] | None = None) -> int:\n"
        '    """Run with ``argv`` (default: the command line); return the exit status."""\n'
        "    args = sys.argv[1:] if argv is None else argv\n"
        f'    print("{package}", *args)  # an example to replace with what the program does\n'
        "    return 0\n"
        "\n"
        "\n"
        'if __name__ == "__main__":\n'
        "    sys.exit(main())\n"
    )


def main_entry_point(package: str, scripts: Mapping[str, str]) -> str | None:
    """The ``module:function`` of a ``[project.scripts]`` command that lives in ``package``
    (the one named like the package first), for its ``__main__`` to run; None if none."""
    found: dict[str, str] = {}
    for command, reference in sorted(scripts.items()):
        target = re.split(r"[\s\[]", reference.strip(), maxsplit=1)[0]
        module, colon, call = target.partition(":")
        inside = module == package or module.startswith(f"{package}.")
        if colon and call and inside and module != f"{package}.__main__":
            found[command] = target
    if not found:
        return None
    name = package.rpartition(".")[2]
    named = [found[c] for c in found if c.replace("-", "_") == name]
    return named[0] if named else next(iter(found.values()))


def package_init_source(dotted: str, exports: set[str] | frozenset[str]) -> str:
    """A new package ``__init__.py`` whose ``__all__`` lists its submodules."""
    return f'"""The ``{dotted}`` package."""\n\n{render_all(exports)}'


def test_source(dotted: str, *, runs: str | None = None) -> str:
    """A test that imports the module by its full name and calls its example function
    (for a ``__main__``: that ``python -m`` runs it, or that it runs the command)."""
    parent, _, name = dotted.rpartition(".")
    if name == "__main__" and runs is not None:
        module, _, call = runs.partition(":")
        first = call.split(".")[0]
        return (
            f'"""Tests of ``{dotted}``: ``python -m {parent}``."""\n'
            "\n"
            f"import {module}\n"
            f"from {parent} import __main__\n"
            "\n"
            "\n"
            "def test_python_m_runs_the_command() -> None:\n"
            f"    assert __main__.{first} is {module}.{first}\n"
        )
    if name == "__main__":
        return (
            f'"""Tests of ``{dotted}``: ``python -m {parent}``."""\n'
            "\n"
            "import pytest\n"
            "\n"
            f"from {parent} import __main__\n"
            "\n"
            "\n"
            "def test_main_runs_with_the_arguments(capsys: pytest.CaptureFixture[str]) -> None:\n"
            '    assert __main__.main(["hello"]) == 0\n'
            f'    assert capsys.readouterr().out == "{parent} hello\\n"\n'
        )
    return (
        f'"""Tests of ``{dotted}``."""\n'
        "\n"
        f"from {parent} import {name}\n"
        "\n"
        "\n"
        "def test_describe_names_the_module() -> None:\n"
        f'    assert {name}.describe() == "{dotted}"\n'
    )


@dataclass
class Plan:
    """Files to create and files to edit; nothing touches the disk until :func:`write_plan`."""

    new_files: dict[Path, str] = field(default_factory=dict)
    edits: dict[Path, tuple[bytes, bytes]] = field(default_factory=dict)
    """path -> (original bytes, new bytes)"""
    warnings: list[str] = field(default_factory=list)


class PlannedTree:
    """The disk as it will be once a plan is written, for planning several modules in a row.

    Messages name a path relative to ``root``, the project: ``new`` plans inside a
    temporary folder that the user never sees, and ``add`` prints paths the same way.
    """

    def __init__(self, plan: Plan, *, root: Path | None = None) -> None:
        self.plan = plan
        self.root = root
        self._new_inits: dict[Path, tuple[str, set[str]]] = {}

    def shown(self, path: Path) -> str:
        """``path`` as messages name it: relative to the project, POSIX style."""
        if self.root is not None and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def exists(self, path: Path) -> bool:
        if path in self.plan.new_files or path in self._new_inits:
            return True
        prefix = f"{path}{os.sep}"
        planned = [*self.plan.new_files, *self._new_inits]
        return path.exists() or any(str(p).startswith(prefix) for p in planned)

    def names_in(self, directory: Path) -> dict[str, Path]:
        """The module and package names in ``directory``, on disk or planned -> their paths."""
        found: dict[str, Path] = {}
        if directory.is_dir():
            for entry in directory.iterdir():
                name = _module_name_of(entry)
                if name:
                    found.setdefault(name, entry)
        for planned in (*self.plan.new_files, *self._new_inits):
            if planned.parent == directory:
                name = _module_name_of(planned)
                if name:
                    found.setdefault(name, planned)
            elif directory in planned.parents:
                child = directory / planned.relative_to(directory).parts[0]
                found.setdefault(child.name, child)
        return found

    def add_export(self, init: Path, dotted_package: str, name: str | None) -> None:
        """Make ``name`` part of the ``__all__`` of the package whose ``__init__.py`` is ``init``.

        With ``name`` None the package is only made to exist (a new ``__init__.py``).
        """
        if init in self._new_inits:
            if name is not None:
                self._new_inits[init][1].add(name)
            return
        if not init.exists():
            existing = _existing_children(init.parent)
            self._new_inits[init] = (dotted_package, existing | ({name} if name else set()))
            return
        if name is None:
            return
        original = self.plan.edits[init][0] if init in self.plan.edits else init.read_bytes()
        current = self.plan.edits[init][1] if init in self.plan.edits else original
        try:
            text = current.decode("utf-8")
        except UnicodeDecodeError as err:
            raise UnsafeEditError(
                f"{self.shown(init)} is not UTF-8 text, so its __all__ cannot be edited",
                hint="save it as UTF-8",
            ) from err
        updated = insert_export(text, name, where=self.shown(init))
        if updated != text:
            self.plan.edits[init] = (original, updated.encode("utf-8"))

    def finish(self) -> Plan:
        """The plan, with new ``__init__.py`` files first (outermost package first)."""
        inits = {
            init: package_init_source(dotted, exports)
            for init, (dotted, exports) in sorted(self._new_inits.items())
        }
        self.plan.new_files = {**inits, **self.plan.new_files}
        self._new_inits.clear()
        return self.plan


def _existing_children(directory: Path) -> set[str]:
    """The public modules and packages already in a folder that is becoming a package."""
    if not directory.is_dir():
        return set()
    children: set[str] = set()
    for entry in directory.iterdir():
        if entry.suffix == ".py" and entry.stem.isidentifier() and is_exported(entry.stem):
            children.add(entry.stem)
        elif (
            entry.is_dir()
            and (entry / "__init__.py").is_file()
            and entry.name.isidentifier()
            and is_exported(entry.name)
        ):
            children.add(entry.name)
    return children


# What may sit beside a module of the same name: sources, stubs, bytecode, extensions.
_MODULE_SUFFIXES = frozenset({".py", ".pyi", ".pyc", ".pyo", ".pyd", ".so"})


def _module_name_of(entry: Path) -> str | None:
    """The import name ``entry`` provides in its folder (``echo`` for ``echo.cpython-312.so``)."""
    if entry.suffix in _MODULE_SUFFIXES:
        return entry.name.split(".", 1)[0] or None
    if not entry.suffix and not entry.is_file():
        return entry.name  # a package folder, on disk or planned
    return None


def is_exported(name: str) -> bool:
    """Whether a new module ``name`` belongs in its package's ``__all__``.

    Underscore names stay out: ``_private`` would be PF306, and a dunder module is
    no API (``__main__`` in ``__all__`` would run it on ``import *``).
    """
    return not name.startswith("_")


def plan_module(
    tree: PlannedTree,
    *,
    package_dir: Path,
    import_name: str,
    tests_dir: Path,
    parts: tuple[str, ...],
    lowercase: bool = True,
    scripts: Mapping[str, str] = _NO_SCRIPTS,
) -> str:
    """Plan the module ``import_name.<parts>``, its packages and its test; return its name.

    ``parts`` are relative to the top-level package; a full dotted name that starts
    with it (``sound.effects.echo`` for ``effects.echo``) means the same module,
    unless the package really has a subpackage of its own name. The package's own
    name alone (``sound``) names no module in it and is refused: ``sound.sound`` says
    that one. Nothing is planned that ``pkgforge check`` would report: a name that
    differs only by case from one already there (PF103), a new name with uppercase
    letters while ``lowercase`` (PF204), an underscore name in an ``__all__`` (PF306).
    A ``__main__`` runs the project's command in its package, from ``scripts``
    (``[project.scripts]``), when there is one.
    """
    if parts == (import_name,):
        raise InvalidNameError(
            f"{import_name!r} is the top-level package itself, not a module in it",
            hint=f"name a module inside it, such as 'effects' or '{import_name}.effects'; "
            f"a module called {import_name} in it is '{import_name}.{import_name}'",
        )
    if len(parts) > 1 and parts[0] == import_name and not tree.exists(package_dir / import_name):
        parts = parts[1:]
    dotted = ".".join((import_name, *parts))
    if "__init__" in parts:
        raise InvalidNameError(
            f"{dotted} names a package's __init__ module, which pkgforge creates itself",
            hint="name the module or the package to add; each package gets its __init__.py",
        )
    _refuse_case_clashes(tree, package_dir, parts, lowercase=lowercase)
    directory = package_dir
    for depth, part in enumerate(parts[:-1], start=1):
        clash = directory / f"{part}.py"
        if tree.exists(clash):
            raise ProjectExistsError(
                f"{'.'.join((import_name, *parts[:depth]))} is a module ({tree.shown(clash)}), "
                "so it cannot become a package",
                hint="choose another package name, or turn the module into a package first",
            )
        directory = directory / part
    module_file = directory / f"{parts[-1]}.py"
    if module_file in tree.plan.new_files:
        return dotted  # asked for twice in one command (new --module a.b --module a.b)
    if tree.exists(module_file):
        raise ProjectExistsError(
            f"module {dotted} already exists ({tree.shown(module_file)})",
            hint="choose another name; pkgforge never overwrites a module",
        )
    if tree.exists(directory / parts[-1]):
        raise ProjectExistsError(
            f"{dotted} already exists as a package ({tree.shown(directory / parts[-1])})",
            hint="choose another name; pkgforge never overwrites a module",
        )
    # Every package on the way lists the next name in its __all__.
    directory = package_dir
    package = import_name
    for part in parts:
        tree.add_export(directory / "__init__.py", package, part if is_exported(part) else None)
        directory = directory / part
        package = f"{package}.{part}"
    runs = main_entry_point(dotted.rpartition(".")[0], scripts) if parts[-1] == "__main__" else None
    tree.plan.new_files[module_file] = module_source(dotted, runs=runs)
    test_file = tests_dir.joinpath(*parts[:-1], f"test_{parts[-1]}.py")
    if tree.exists(test_file):
        tree.plan.warnings.append(
            f"{tree.shown(test_file)} already exists; no test was added for {dotted}"
        )
    else:
        tree.plan.new_files[test_file] = test_source(dotted, runs=runs)
    return dotted


def _refuse_case_clashes(
    tree: PlannedTree, package_dir: Path, parts: tuple[str, ...], *, lowercase: bool
) -> None:
    """Refuse a part that differs only by case from a name beside it, or a new uppercase one.

    The hint spells every part as it already exists (or in lowercase), so
    ``Effects.Echo`` next to ``effects/`` suggests ``effects.echo``.
    """
    directory = package_dir
    suggestion: list[str] = []
    clash: tuple[str, str] | None = None
    kind = ""
    new_upper = False
    for part in parts:
        siblings = tree.names_in(directory)
        if part in siblings:
            spelled = part
        else:
            same = sorted(name for name in siblings if name.casefold() == part.casefold())
            if same and clash is None:
                clash = (".".join((*suggestion, part)), ".".join((*suggestion, same[0])))
                existing = siblings[same[0]]
                kind = "module" if existing.suffix else "package"
            spelled = same[0] if same else part.lower() if lowercase else part
            new_upper = new_upper or (not same and part != part.lower())
        suggestion.append(spelled)
        directory = directory / spelled
    hint_name = ".".join(suggestion)
    exists = tree.exists(directory.with_name(f"{directory.name}.py")) or tree.exists(directory)
    hint = f"did you mean {hint_name!r}? (it exists already)" if exists else f"use {hint_name!r}"
    if clash is not None:
        top = package_dir.name
        raise ProjectExistsError(
            f"{top}.{clash[0]} and the {kind} {top}.{clash[1]} would differ only by case "
            "(PF103); a case-insensitive file system keeps one",
            hint=hint,
        )
    if lowercase and new_upper:
        raise InvalidNameError(
            f"{'.'.join(parts)!r} is not lowercase, as PEP 8 asks of module names (PF204)",
            hint=f"{hint}, or ignore PF204 in [tool.pkgforge]",
        )


def write_plan(plan: Plan) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Create and edit the planned files; on any failure (or Ctrl-C) undo what was done.

    Returns (created files, edited files).
    """
    made_dirs: list[Path] = []
    created: list[Path] = []
    edited: list[tuple[Path, bytes]] = []
    try:
        for path, text in plan.new_files.items():
            _make_parents(path.parent, made_dirs)
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                created.append(path)
                handle.write(text)
        for path, (original, new) in plan.edits.items():
            if path.read_bytes() != original:
                raise UnsafeEditError(
                    f"{path} changed while pkgforge was editing it",
                    hint="run the command again",
                )
            _replace(path, new)
            edited.append((path, original))
    except BaseException:
        for path, original in reversed(edited):
            _replace(path, original)
        for path in reversed(created):
            path.unlink(missing_ok=True)
        for directory in reversed(made_dirs):
            try:
                directory.rmdir()
            except OSError:
                log.debug("could not remove %s while undoing", directory)
        raise
    return tuple(created), tuple(path for path, _ in edited)


def _make_parents(directory: Path, made: list[Path]) -> None:
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    temporary = path.with_name(f".{path.name}.pkgforge-tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def find_project(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds a pyproject.toml."""
    start = start.resolve()
    if not start.exists():
        raise ProjectNotFoundError(
            f"{start} does not exist", hint="pass the project folder with --project DIR"
        )
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file():
            return directory
    raise ProjectNotFoundError(
        f"no pyproject.toml in {start} or any folder above it",
        hint="run the command inside a project, or pass --project DIR",
    )


def find_package(project_dir: Path) -> tuple[Path, str]:
    """The top-level import package of a project: (its folder, its import name)."""
    name = _project_name(project_dir)
    candidates: list[Path] = []
    if name:
        import_name = import_name_for(name)
        candidates += [project_dir / "src" / import_name, project_dir / import_name]
        candidates += [project_dir / "src" / import_name.lower(), project_dir / import_name.lower()]
    for candidate in candidates:
        if (candidate / "__init__.py").is_file():
            return candidate, candidate.name
    src = project_dir / "src"
    packages = (
        [p for p in src.iterdir() if (p / "__init__.py").is_file() and p.name.isidentifier()]
        if src.is_dir()
        else []
    )
    if len(packages) == 1:
        return packages[0], packages[0].name
    raise ProjectNotFoundError(
        f"cannot tell which package of {project_dir} to add to",
        hint="pkgforge looks for src/<import name>/__init__.py or <import name>/__init__.py, "
        "where the import name comes from [project].name",
    )


def project_scripts(project_dir: Path) -> dict[str, str]:
    """The commands of ``[project.scripts]``: name -> ``module:function``."""
    scripts = _project_table(project_dir).get("scripts")
    if not isinstance(scripts, dict):
        return {}
    return {k: v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)}


def _project_name(project_dir: Path) -> str | None:
    name = _project_table(project_dir).get("name")
    return name if isinstance(name, str) and name else None


def _project_table(project_dir: Path) -> dict[str, object]:
    import tomllib  # only ``add`` reads a pyproject.toml; ``new`` stays lighter

    try:
        with (project_dir / "pyproject.toml").open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ProjectNotFoundError(
            f"cannot read {project_dir / 'pyproject.toml'}: {err}",
            hint="fix pyproject.toml, then run the command again",
        ) from err
    project = data.get("project")
    return project if isinstance(project, dict) else {}
