"""The code Python generates for pkgforge's dataclasses and named tuples, compiled once per
interpreter and kept in the user cache (pkgforge.class_code, issue 18): a first run writes
the table, a second compiles nothing, a class made from it is the dataclass ``exec``
would have made, the CLI uses it, and a table that cannot serve this interpreter changes
nothing."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from typing import Any

import pytest

import pkgforge.class_code as class_code

_FINDING_FIELDS = [
    "path",
    "line",
    "column",
    "code",
    "name",
    "severity",
    "message",
    "subject",
    "module",
]

# Every method of every dataclass of the modules a re-check imports, as this process has
# them: its code, constants and names, and how the class behaves.
_DESCRIBE = """\
import dataclasses, json, sys
import builtins, logging  # the CLI has imported logging (and traceback) when it installs
import pkgforge.class_code as class_code
if sys.argv[1] == "table":
    class_code.install(sys.argv[2])
import pkgforge.checker.engine, pkgforge.checker.incremental.recheck, pkgforge.checker.graph
import pkgforge.checker.summarize, pkgforge.checker.rules, pkgforge.checker.rules._tree
from pkgforge.checker.findings import Finding, Severity

def code(function):
    c = function.__code__
    return [c.co_code.hex(), repr(c.co_consts), c.co_names, c.co_varnames, c.co_freevars]

classes = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("pkgforge"):
        continue
    for value in vars(module).values():
        if dataclasses.is_dataclass(value) and value.__module__ == name:
            methods = {
                method: code(getattr(value, method))
                for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__")
                if hasattr(getattr(value, method, None), "__code__")
            }
            params = value.__dataclass_params__
            classes[f"{name}.{value.__qualname__}"] = [methods, repr(params)]
        elif isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_fields"):
            if value.__module__ == name:
                classes[f"{name}.{value.__qualname__}"] = [code(value.__new__), value._fields]
finding = Finding("a.py", 3, 1, "PF402", "star-import", Severity.ERROR, "star import")
moved = dataclasses.replace(finding, line=4)
try:
    finding.line = 5
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
behaviour = [repr(finding), finding == Finding(**dataclasses.asdict(finding)),
             hash(finding) == hash(dataclasses.replace(finding)), moved.line, frozen,
             [f.name for f in dataclasses.fields(Finding)]]
compiled = sorted(class_code._new["exec"]) + sorted(class_code._new["eval"])
if sys.argv[1] == "table":
    class_code.save()
print(json.dumps({"classes": classes, "behaviour": behaviour, "compiled": compiled}))
"""


def _describe(*argv: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _DESCRIBE, *argv], capture_output=True, text=True, check=True
    )
    described: dict[str, Any] = json.loads(done.stdout)
    return described


def test_a_first_run_writes_the_table_and_a_second_compiles_nothing(tmp_path: Path) -> None:
    table = str(tmp_path / "table.marshal")
    compiled = _describe("compile")
    first = _describe("table", table)
    stored = _describe("table", table)
    assert len(first["compiled"]) >= 100
    assert stored["compiled"] == []  # every method came from the table
    named_tuples = [
        c
        for c in compiled["classes"].values()
        if len(c) == 2 and isinstance(c[1], list) and isinstance(c[1][0], str)
    ]
    assert len(compiled["classes"]) >= 40
    assert len(named_tuples) >= 10
    assert stored["classes"] == compiled["classes"]
    assert first["classes"] == compiled["classes"]
    assert stored["behaviour"] == compiled["behaviour"]
    assert compiled["behaviour"][1:] == [True, True, 4, True, _FINDING_FIELDS]


def test_the_cli_keeps_the_table_in_the_user_cache(tmp_path: Path) -> None:
    script = (
        "import dataclasses, sys\n"
        "from pkgforge.cli import main\n"
        "import pkgforge.class_code as cc\n"
        "status = main(['check', '--no-cache', sys.argv[1]])\n"
        "import collections\n"
        "print(getattr(dataclasses, 'exec', None) is cc._exec"
        " and getattr(collections, 'eval', None) is cc._eval, sum(map(len, cc._new.values())))\n"
    )
    (tmp_path / "mod.py").write_text("X = 1\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PKGFORGE_NO_CACHE", None)

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        return done.stdout.strip().splitlines()[-1].split()

    assert run() == ["True", "0"]  # saved: nothing new is left
    tables = list((tmp_path / "cache" / "pkgforge" / "class-code").iterdir())
    assert [t.name for t in tables] == [Path(class_code.table_path() or "").name]
    written = tables[0].stat().st_mtime_ns
    assert run() == ["True", "0"]
    assert tables[0].stat().st_mtime_ns == written  # nothing new: not written again


def test_an_unwritable_cache_costs_time_not_the_command(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder would be", encoding="utf-8")
    (tmp_path / "mod.py").write_text("X = 1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pkgforge", "check", "--no-cache", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert done.returncode == 0, done.stderr
    assert "All checks passed" in done.stdout
    assert done.stderr == ""


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal data",
        marshal.dumps({"magic": b"\x00\x00\r\n", "optimize": 0, "exec": {}, "eval": {}}),
        marshal.dumps({"magic": MAGIC_NUMBER, "optimize": 2, "exec": {"x": b""}, "eval": {}}),
        marshal.dumps({"magic": MAGIC_NUMBER, "optimize": 0, "exec": {"x": b""}}),
        marshal.dumps(["a", "list"]),
    ],
    ids=["empty", "garbage", "other-python", "other-optimization", "no-eval", "not-a-table"],
)
def test_a_table_that_cannot_serve_this_interpreter_is_not_installed(
    tmp_path: Path, content: bytes
) -> None:
    table = tmp_path / "table.marshal"
    table.write_bytes(content)
    script = (
        "import dataclasses, sys\n"
        "import collections\n"
        "from pkgforge.class_code import install\n"
        "print(install(sys.argv[1]), dataclasses.exec is not None)\n"
        "@dataclasses.dataclass(frozen=True)\n"
        "class Point:\n"
        "    x: int\n"
        "print(Point(1) == Point(1), Point(1))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(table)], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["False True", "True Point(x=1)"]
