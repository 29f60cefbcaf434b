"""Two processes that check the same project at once (an editor's --watch and a pre-commit
hook) never corrupt its cache: real processes, editing and checking in a loop, with the
log compacted often."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from pkgforge.checker.cache import CACHE_DIR_NAME, SummaryCache, records
from pkgforge.checker.engine import check

WORKER = textwrap.dedent(
    """
    import os, sys
    from pkgforge.checker import cache
    from pkgforge.checker.engine import check

    cache._COMPACT_MIN_BYTES = 0  # compact whenever dead records outweigh live ones
    root, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    module = os.path.join(root, "src", "sound", name + ".py")
    select = ["PF3", "PF4"] if name == "b" else None
    for n in range(rounds):
        with open(module, "w") as stream:
            stream.write("\\n" * (n % 3) + f"from os import *\\nVALUE_{n} = 1\\n__all__ = ['gone{n}']\\n")
        stamp = 1_000_000_000_000_000_000 + n * 1_000_000 + ord(name)
        os.utime(module, ns=(stamp, stamp))
        check([root], select=select)
    """
)


@pytest.mark.slow
def test_concurrent_checks_never_corrupt_the_cache(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "src/sound/__init__.py": "from . import a, b, c\n__all__ = ['a', 'b', 'c']\n",
            "src/sound/a.py": "",
            "src/sound/b.py": "",
            "src/sound/c.py": "",
        }
    )
    check([root])
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root), name, "12"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in ("a", "b", "c")
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    log = (root / CACHE_DIR_NAME / "check-v3.log").read_bytes()
    intact = list(records(log))
    assert intact[-1][2] == len(log)  # every record whole, to the last byte
    cache = SummaryCache.load(root)
    assert set(cache.entries) == {f"src/sound/{n}.py" for n in ("__init__", "a", "b", "c")}
    assert check([root]).findings == check([root], use_cache=False).findings
    assert check([root], select=["PF3", "PF4"]).findings == (
        check([root], select=["PF3", "PF4"], use_cache=False).findings
    )
    assert not list((root / CACHE_DIR_NAME).glob("*.tmp"))
