"""Write src/pkgforge/checker/stdlib_names.json: the names of each standard-library module,
per Python 3 minor version, read from typeshed's stdlib stubs.

Only one interpreter runs where pkgforge runs, so what another supported Python's
standard library holds is taken from typeshed, the stubs every type checker ships
(here: the copy inside the installed mypy, or ``--typeshed DIR``). The table errs on
the side of presence, because pkgforge claims a failure only where a name is absent:

* a name bound under a platform check (``sys.platform == "win32"``) or a condition the
  tool cannot evaluate counts as present on every platform;
* every imported name counts (``import sys`` in ``types.pyi``: the runtime module has
  ``types.sys`` too), and so does what a star import brings;
* a stub with a module ``__getattr__`` may serve any name: its module is left out;
* the submodules of a package are names of it;
* private modules and names are left out: stubs omit many private helpers, so pkgforge
  never says one is missing.

    python tools/stdlib_names.py            # rewrite the table from the installed mypy
    python tools/stdlib_names.py --check    # exit 1 when the table differs from it
"""

from __future__ import annotations

import argparse
import ast
import json
import operator
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "src" / "pkgforge" / "checker" / "stdlib_names.json"

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.GtE: operator.ge,
    ast.Gt: operator.gt,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def bundled_typeshed() -> Path:
    import mypy

    return Path(mypy.__file__).parent / "typeshed" / "stdlib"


def source_name() -> str:
    from mypy.version import __version__

    return f"typeshed's stdlib stubs, as bundled with mypy {__version__}"


def read_versions(stdlib: Path) -> dict[str, tuple[int, int]]:
    """typeshed's VERSIONS: module -> (first minor, last minor) it exists in."""
    found: dict[str, tuple[int, int]] = {}
    for raw in (stdlib / "VERSIONS").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        module, _, span = line.partition(":")
        low, _, high = span.strip().partition("-")
        found[module.strip()] = (int(low.split(".")[1]), int(high.split(".")[1]) if high else 99)
    return found


def module_files(stdlib: Path) -> dict[str, Path]:
    """Dotted module name -> its stub (a package's ``__init__.pyi``)."""
    files: dict[str, Path] = {}
    for path in sorted(stdlib.rglob("*.pyi")):
        parts = list(path.relative_to(stdlib).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            files[".".join(parts)] = path
    return files


def exists_in(module: str, versions: dict[str, tuple[int, int]], minor: int) -> bool:
    """Whether ``module`` exists in 3.``minor`` (a submodule not listed lives as long as
    its parent)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        span = versions.get(".".join(parts[:end]))
        if span is not None:
            return span[0] <= minor <= span[1]
    return False


class _Stub:
    """The names one stub binds for one minor version."""

    def __init__(self, minor: int) -> None:
        self.minor = minor
        self.names: set[str] = set()
        self.stars: list[str] = []
        self.open = False

    def body(self, statements: list[ast.stmt], module: str, package: bool) -> None:
        for statement in statements:
            self.statement(statement, module, package)

    def statement(self, node: ast.stmt, module: str, package: bool) -> None:
        if isinstance(node, ast.If):
            truth = self.truth(node.test)
            if truth is not False:
                self.body(node.body, module, package)
            if truth is not True:
                self.body(node.orelse, module, package)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.names.add(node.name)
            if node.name == "__getattr__" and not isinstance(node, ast.ClassDef):
                self.open = True
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            self.names.add(node.target.id)
        elif isinstance(node, ast.Import):
            self.names.update(a.asname or a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, package, node)
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append(source)
                else:
                    self.names.add(alias.asname or alias.name)
        elif sys.version_info >= (3, 12) and isinstance(node, ast.TypeAlias):
            self.names.add(node.name.id)
        elif isinstance(node, ast.Try):
            for part in (node.body, *(h.body for h in node.handlers), node.orelse):
                self.body(part, module, package)

    def truth(self, test: ast.expr) -> bool | None:
        if isinstance(test, ast.BoolOp):
            values = [self.truth(v) for v in test.values]
            decisive = isinstance(test.op, ast.Or)
            if decisive in values:
                return decisive
            return None if None in values else not decisive
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.truth(test.operand)
            return None if inner is None else not inner
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and ast.unparse(test.left) == "sys.version_info"
            and isinstance(test.comparators[0], ast.Tuple)
        ):
            bound = ast.literal_eval(test.comparators[0])
            compare = _COMPARE.get(type(test.ops[0]))
            return None if compare is None else compare((3, self.minor), tuple(bound)[:2])
        return None  # sys.platform and anything else: either branch may run


def _absolute(module: str, package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not package:
        parts = parts[:-1]
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def told_apart(trees: Iterator[ast.Module]) -> range:
    """The minor versions the stubs tell apart: from the one before the oldest version
    they compare with (older ones they no longer describe) to the newest they name."""
    compared: set[int] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare) or ast.unparse(node.left) != "sys.version_info":
                continue
            bound = node.comparators[0]
            if isinstance(bound, ast.Tuple) and len(bound.elts) > 1:
                minor = bound.elts[1]
                if isinstance(minor, ast.Constant) and isinstance(minor.value, int):
                    compared.add(minor.value)
    return range(min(compared) - 1, max(compared) + 1)


def names_per_minor(stdlib: Path) -> dict[str, dict[int, set[str]]]:
    """Module -> minor -> the names it has (modules whose stub may serve any name left out)."""
    versions = read_versions(stdlib)
    files = module_files(stdlib)
    trees = {m: ast.parse(p.read_bytes(), str(p)) for m, p in files.items()}
    minors = told_apart(iter(trees.values()))
    children: dict[str, set[str]] = {}
    for module in files:
        parent, _, leaf = module.rpartition(".")
        if parent:
            children.setdefault(parent, set()).add(leaf)
    table: dict[str, dict[int, set[str]]] = {}
    for minor in minors:
        stubs: dict[str, _Stub] = {}
        for module, tree in trees.items():
            if exists_in(module, versions, minor):
                stub = _Stub(minor)
                stub.body(tree.body, module, files[module].name == "__init__.pyi")
                stubs[module] = stub
        for module, stub in stubs.items():
            if not any(s.open for s in _closure(module, stubs)):
                names = set(stub.names)
                for other in _closure(module, stubs):
                    if other is not stub:
                        names |= {n for n in other.names if not n.startswith("_")}
                names |= {c for c in children.get(module, ()) if f"{module}.{c}" in stubs}
                table.setdefault(module, {})[minor] = names
    return table


def _closure(module: str, stubs: dict[str, _Stub]) -> Iterator[_Stub]:
    """The stub and the stubs its star imports reach."""
    seen: set[str] = set()
    queue = [module]
    while queue:
        current = queue.pop()
        if current in seen or current not in stubs:
            continue
        seen.add(current)
        yield stubs[current]
        queue.extend(stubs[current].stars)


def compact(table: dict[str, dict[int, set[str]]], source: str) -> dict[str, Any]:
    """The table as written: per module, the minors it exists in, the names of every one
    of them, and for the other names the minors that have them."""
    modules: dict[str, Any] = {}
    for module in sorted(table):
        if any(part.startswith("_") for part in module.split(".")):
            continue  # private modules: nobody names a sibling after them
        # private names are left out: pkgforge never says one is missing (stubs omit many)
        per_minor = {
            minor: {n for n in names if not n.startswith("_")}
            for minor, names in table[module].items()
        }
        minors = sorted(per_minor)
        always = set.intersection(*per_minor.values())
        some = {
            name: [m for m in minors if name in per_minor[m]]
            for name in sorted(set.union(*per_minor.values()) - always)
        }
        modules[module] = {"minors": minors, "names": sorted(always), "some": some}
    told = sorted({m for per_minor in table.values() for m in per_minor})
    return {"source": source, "minors": [told[0], told[-1]], "modules": modules}


def render(data: dict[str, Any]) -> str:
    """JSON with one module per line, so a change of typeshed reads as a diff and a lookup
    parses only its module's line (pkgforge.checker.stdlib)."""
    head = {k: v for k, v in data.items() if k != "modules"}
    lines = [
        json.dumps(name) + ":" + json.dumps(value, separators=(",", ":"), sort_keys=True)
        for name, value in data["modules"].items()
    ]
    opening = json.dumps(head, sort_keys=True)[:-1] + ', "modules": {\n'
    return opening + ",\n".join(lines) + "\n}}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--typeshed", type=Path, help="typeshed's stdlib folder")
    parser.add_argument("--check", action="store_true", help="exit 1 when the table differs")
    args = parser.parse_args(argv)
    stdlib = args.typeshed or bundled_typeshed()
    source = f"typeshed's stdlib stubs in {stdlib}" if args.typeshed else source_name()
    text = render(compact(names_per_minor(stdlib), source))
    if args.check:
        same = TABLE.read_text(encoding="utf-8") == text
        print("the table is current" if same else f"{TABLE} differs from {source}")
        return 0 if same else 1
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({len(text) // 1024} KiB) from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
