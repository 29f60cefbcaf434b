"""pkgforge._lazy: a deferred module is found at the import and run at its first use."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkgforge._lazy import deferred


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path; the modules imported from it are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def _write(folder: Path, relpath: str, body: str) -> None:
    path = folder / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def _marks(folder: Path) -> list[str]:
    marks = folder / "marks.txt"
    return marks.read_text().split() if marks.exists() else []


def _marking(folder: Path, mark: str) -> str:
    """Module code that records that it ran."""
    return (
        f"with open({str(folder / 'marks.txt')!r}, 'a') as f:\n"
        f"    f.write({mark!r} + ' ')\n"
        "VALUE = 42\n"
    )


def test_a_deferred_module_runs_at_its_first_attribute_read(modules: Path) -> None:
    _write(modules, "lazy_a.py", _marking(modules, "a"))
    with deferred("lazy_a"):
        import lazy_a  # type: ignore[import-not-found]
    assert _marks(modules) == []
    assert lazy_a.VALUE == 42
    assert _marks(modules) == ["a"]
    assert sys.modules["lazy_a"] is lazy_a
    assert lazy_a.VALUE == 42
    assert _marks(modules) == ["a"]  # once


def test_only_the_named_modules_are_deferred(modules: Path) -> None:
    _write(modules, "lazy_b.py", _marking(modules, "b"))
    _write(modules, "eager_c.py", _marking(modules, "c"))
    with deferred("lazy_b"):
        import eager_c  # type: ignore[import-not-found]
        import lazy_b  # type: ignore[import-not-found]  # noqa: F401
    assert _marks(modules) == ["c"]
    assert eager_c.VALUE == 42


def test_a_missing_module_still_fails_at_the_import(modules: Path) -> None:
    with pytest.raises(ModuleNotFoundError), deferred("no_such_module_here"):
        import no_such_module_here  # type: ignore[import-not-found]  # noqa: F401
    assert "no_such_module_here" not in sys.modules


def test_a_submodule_taken_from_its_package_stays_deferred(modules: Path) -> None:
    _write(modules, "pkg_d/__init__.py", "")
    _write(modules, "pkg_d/heavy.py", _marking(modules, "heavy"))
    with deferred("pkg_d.heavy"):
        from pkg_d import heavy  # type: ignore[import-not-found]
    assert _marks(modules) == []
    assert heavy.VALUE == 42
    assert _marks(modules) == ["heavy"]


def test_the_finder_is_gone_after_the_block(modules: Path) -> None:
    _write(modules, "later_e.py", _marking(modules, "e"))
    meta_path = list(sys.meta_path)
    with deferred("later_e"):
        assert len(sys.meta_path) == len(meta_path) + 1
    assert sys.meta_path == meta_path
    import later_e  # type: ignore[import-not-found]  # noqa: F401

    assert _marks(modules) == ["e"]  # an ordinary import after the block


def test_an_error_in_a_deferred_module_surfaces_at_first_use(modules: Path) -> None:
    _write(modules, "broken_f.py", "raise RuntimeError('broken at import')\n")
    with deferred("broken_f"):
        import broken_f  # type: ignore[import-not-found]
    with pytest.raises(RuntimeError, match="broken at import"):
        _ = broken_f.anything


def test_an_already_imported_module_is_left_alone(modules: Path) -> None:
    _write(modules, "early_g.py", _marking(modules, "g"))
    import early_g  # type: ignore[import-not-found]

    with deferred("early_g"):
        import early_g as again  # type: ignore[import-not-found]
    assert again is early_g
    assert _marks(modules) == ["g"]
