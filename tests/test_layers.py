"""pkgforge's own modules depend one way: no import circles, however lazy the import.

Data flows walk -> summaries -> model -> graph -> rules -> report, and the
commands sit above the library: ``release`` and ``scaffold`` use ``checker``,
never the reverse. Imports inside functions and under ``TYPE_CHECKING`` count
too: a circle a reader must untangle is a circle, whenever it runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pkgforge.checker.graph import strongly_connected

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _innermost_module(dotted: str, modules: dict[str, Path]) -> str:
    while dotted and dotted not in modules:
        dotted = dotted.rpartition(".")[0]
    return dotted


def _imports() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in (SRC / "pkgforge").rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for dotted in targets:
                found = _innermost_module(dotted, modules)
                if found and found != name and not name.startswith(found + "."):
                    edges[name].add(found)
    return edges


def test_no_import_circles_between_modules() -> None:
    edges = _imports()
    circles = [c for c in strongly_connected(sorted(edges), edges) if len(c) > 1]
    assert circles == []


def test_the_checker_never_imports_the_commands_above_it() -> None:
    above = ("pkgforge.release", "pkgforge.scaffold", "pkgforge.commands", "pkgforge.cli")
    wrong = {
        (source, target)
        for source, targets in _imports().items()
        if source.startswith("pkgforge.checker")
        for target in targets
        if target.startswith(above)
    }
    assert wrong == set()


def test_the_drawings_read_the_checker_s_model_and_parse_nothing() -> None:
    """draw/ sits beside the commands' library code: it uses the checker, and nothing
    parses a file again (the model holds every summary)."""
    imports = _imports()
    wrong = {
        (source, target)
        for source, targets in imports.items()
        if source.startswith("pkgforge.draw")
        for target in targets
        if target.startswith(
            (
                "pkgforge.release",
                "pkgforge.scaffold",
                "pkgforge.commands",
                "pkgforge.cli",
                "pkgforge.checker.summarize",
                "pkgforge.checker.parallel",
                "pkgforge.checker.rules",
            )
        )
    }
    assert wrong == set()
    assert not any(
        target.startswith("pkgforge.draw")
        for source, targets in imports.items()
        if source.startswith("pkgforge.checker")
        for target in targets
    )
    for path in (SRC / "pkgforge" / "draw").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {
            alias.name.partition(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").partition(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert not modules & {"ast", "libcst", "tokenize"}, path
