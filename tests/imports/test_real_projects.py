"""False alarms are bugs: the import rules stay silent on real, well-kept projects."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from pkgforge.checker.engine import check
from pkgforge.checker.findings import Severity


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pkgforge_real_projects", Path(__file__).with_name("real_projects.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _corpus()


@pytest.mark.network
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(corpus.PROJECTS))
def test_no_error_level_import_findings(name: str, pytestconfig: pytest.Config) -> None:
    assert pytestconfig.cache is not None
    tree = corpus.fetch(name, pytestconfig.cache.mkdir("pkgforge-real-projects"))
    result = check([tree], select=["PF3", "PF4"], use_cache=False)
    assert result.rule_errors == ()
    assert result.files_checked > 10
    false_alarms = [
        f"{f.code} {f.path}:{f.line} {f.message}"
        for f in result.findings
        if f.code in corpus.MUST_BE_SILENT and f.severity is Severity.ERROR
    ]
    assert false_alarms == []
