"""Work done in a forked child beside this process: the same answer, whatever happens."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker import beside, engine
from pkgforge.checker.beside import Beside
from pkgforge.checker.rules import load_rules

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork is used on Linux only")


def test_the_work_runs_in_a_child_and_its_value_comes_back() -> None:
    parent = os.getpid()
    child = Beside(lambda: (os.getpid(), [1, "two", {"three": 3}]))
    pid, value = child.result()
    assert pid != parent
    assert value == [1, "two", {"three": 3}]


@pytest.mark.parametrize(
    "work",
    [
        lambda: 1 / 0,  # an exception in the child
        lambda: os._exit(3),  # a child that dies
        lambda: lambda: None,  # a value that does not pickle
    ],
    ids=["raises", "dies", "unpicklable"],
)
def test_a_failing_child_means_the_work_is_done_here(work: Callable[[], object]) -> None:
    parent = os.getpid()
    calls: list[int] = []

    def job() -> object:
        if os.getpid() == parent:
            calls.append(1)
            return "done here"
        return work()

    assert Beside(job).result() == "done here"
    assert calls == [1]


def test_without_fork_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("no fork here")

    monkeypatch.setattr(beside.os, "fork", no_fork)
    assert Beside(os.getpid).result() == os.getpid()


def test_rules_beside_find_what_rules_in_one_process_find(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A project big enough for the split: PF411 runs in a child, the rest here.
    files = {
        f"src/sound/m{i}.py": f"from sound import m{(i + 1) % 70}\nX{i} = 1\n" for i in range(70)
    }
    files["src/sound/__init__.py"] = "from sound.m0 import X0\nfrom sound import gone\n"
    project = engine.load_project(make_project(files))
    rules = [r for r in load_rules().values() if r.scope == "source"]
    together, errors = engine._run_rules(rules, project)
    children: list[int] = []

    class Recorded(Beside[object]):
        def __init__(self, work: Callable[[], object]) -> None:
            super().__init__(work)
            children.append(self._pid)

    monkeypatch.setattr(beside, "Beside", Recorded)
    split, split_errors = engine._run_rules_beside(rules, project)
    assert len(children) == 1 and children[0] > 0
    assert sorted(split) == sorted(together)
    assert {f.code for f in split} >= {"PF411"}
    assert split_errors == errors == ()
