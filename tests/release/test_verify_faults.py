"""``pkgforge verify`` on one real wheel full of faults, as a user runs it.

The wheel is built by setuptools from a project whose modules hang, exit, crash,
print megabytes, write into their working folder and HOME, look for tokens, need
an undeclared optional package, break a cycle, delete a module while it loads,
replace themselves in ``sys.modules``, need settings... Its dependencies come from
a find-links folder, with pip's configuration files out of the way. It is
verified once, by the console script in a subprocess (JSON output); each test
reads what it says about one module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from .conftest import build_wheel, dependency_wheel, write_project

pytestmark = pytest.mark.slow

TIMEOUT = 6
SECRET = "pf-token-7f3a9c1e"  # distinctive, so a leak is unmistakable

PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "faults"
version = "1.0"
description = "Modules that fail in every way"
readme = "README.md"
license = "MIT"
requires-python = ">=3.11"
dependencies = ["pf-verify-dep", 'pf-elsewhere-dep; sys_platform == "nonesuch"']

[project.optional-dependencies]
fast = ["pf-extra-dep"]

[project.scripts]
faults = "faults.core:main"
faults-broken = "faults.core:nothing_here"
faults-pkg = "faults.pkg.user:main"

[project.entry-points.pytest11]
faults = "faults.plugin"

[tool.setuptools.packages.find]
where = ["src"]
"""

MODULES = {
    "__init__.py": '"""Faults."""\n\nfrom faults import core\n',
    "core.py": "import pf_verify_dep\n\nVALUE = pf_verify_dep.VALUE\n\n\ndef main():\n    pass\n",
    "hang.py": "import time\n\nwhile True:\n    time.sleep(0.2)\n",
    "exits.py": "import sys\n\nsys.exit('leaving on import')\n",
    "dies.py": "import os\n\nos._exit(7)\n",
    "loud.py": "import sys\n\nsys.stdout.write('x' * 4_000_000)\nsys.stderr.write('y' * 4_000_000)\n",
    "segv.py": "import ctypes\n\nctypes.string_at(0)\n",
    "writes.py": (
        "from pathlib import Path\n\n"
        "Path('written-by-faults.txt').write_text('x')\n"
        "(Path.home() / 'written-by-faults.txt').write_text('x')\n"
    ),
    "token.py": (
        "import os\nfrom pathlib import Path\n\n"
        "seen = sorted(k for k, v in os.environ.items() if 'pf-token' in v or 'TOKEN' in k\n"
        "              or k.startswith(('TWINE_', 'PIP_')))\n"
        "if seen or (Path.home() / '.pypirc').exists():\n"
        "    raise RuntimeError(f'a secret is visible: {seen}')\n"
    ),
    "integrations/__init__.py": "",
    "integrations/yaml_io.py": "import pf_never_declared\n",
    "needs_extra.py": "import pf_extra_dep\n",
    "elsewhere.py": "import pf_elsewhere_dep\n",
    "windows.py": "import winreg\n",
    "optional.py": (
        "try:\n    import pf_optional_json as fast_json\nexcept ImportError:\n    pass\n\n"
        "DUMPS = fast_json.dumps\n"
    ),
    "undefined.py": "CONFIG = undefined_name\n",
    "cyc_a.py": "from faults.cyc_b import B\n\nA = 1\n",
    "cyc_b.py": "import faults.cyc_a\n\nB = 2\n",
    "_cyc_a.py": "from faults._cyc_b import B\n\nA = 1\n",
    "_cyc_b.py": "import faults._cyc_a\n\nB = 2\n",
    "victim.py": "import faults.deleter\n\nX = 1\n",
    "deleter.py": "import sys\n\nsys.modules.pop('faults.victim', None)\n",
    "replaced/__init__.py": (
        "import sys\nimport types\n\n\nclass _Replacement(types.ModuleType):\n"
        "    REPLACED = True\n\n\n"
        "_new = _Replacement(__name__)\n_new.__dict__.update(globals())\n"
        "sys.modules[__name__] = _new\n"
    ),
    "replaced/inner.py": "from faults.replaced import REPLACED\n",
    "settings_proxy.py": (
        "class ImproperlyConfigured(Exception):\n    pass\n\n\nclass _Settings:\n"
        "    def __getattr__(self, name):\n"
        "        raise ImproperlyConfigured(f'settings.{name} is not configured: call setup()')\n\n\n"
        "settings = _Settings()\n__all__ = ['settings']\n"
    ),
    "uses_settings.py": "from faults.settings_proxy import settings\n\nDEBUG = settings.DEBUG\n",
    "star.py": "__all__ = ['x', 'missing']\nx = 1\n",
    "chain1.py": "from faults import _chain2\n",
    "_chain2.py": "from faults import _chain3\n",
    "_chain3.py": "from faults import gone\n",
    "root.py": "from faults import gone_too\n",
    "implicit.py": "import core\n",
    "twitter/__init__.py": (
        "try:\n    import pf_twitter_client\nexcept ImportError:\n    pass\n"
        "else:\n    from faults.twitter.client import Query\n"
    ),
    "twitter/client.py": "import pf_twitter_client\n\n\nclass Query:\n    pass\n",
    "twitter/demo.py": "from faults.twitter import Query\n",
    "backends/__init__.py": "",
    "backends/pf_redis_like.py": "import pf_redis_like\n",
    "backends/cache.py": "import pf_redis_like\n",
    "pkg/__init__.py": "from faults.pkg import broken\n",
    "pkg/broken.py": "from faults.pkg import gone_from_pkg\n",
    "pkg/user.py": "from faults.pkg import broken\n\n\ndef main():\n    pass\n",
    "pkg/user2.py": "X = 1\n",
    "above_root.py": "from faults import root\n",
    "plugin.py": "import pytest\n",
    "scripts/env.py": "from faults import configured_by_the_tool\n",
    "tests/__init__.py": "",
    "tests/test_it.py": "from faults import fixture_of_a_plugin\n",
    "__main__.py": "raise SystemExit('the program ran')\n",
}


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`pkgforge verify WHEEL --output-format json`, run once for the module's tests."""
    base = tmp_path_factory.mktemp("faults")
    files = {f"src/faults/{name}": text for name, text in MODULES.items()}
    root = write_project(base / "faults", name="faults", files=files, pyproject=PYPROJECT)
    wheel = build_wheel(root, base / "dist")
    links = base / "links"
    dependency_wheel(links, "pf-verify-dep")
    dependency_wheel(links, "pf-extra-dep")
    home, cwd = base / "home", base / "cwd"
    home.mkdir()
    cwd.mkdir()
    (home / ".pypirc").write_text(f"[pypi]\npassword = {SECRET}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env |= {
        "HOME": str(home),
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(links),
        "TWINE_PASSWORD": SECRET,
        "GITHUB_TOKEN": SECRET,
    }
    started = time.monotonic()
    command = [sys.executable, "-m", "pkgforge", "verify", str(wheel)]
    command += ["--output-format", "json", "--timeout", str(TIMEOUT)]
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=600
    )
    report = json.loads(completed.stdout)
    return {
        "report": report,
        "status": completed.returncode,
        "stdout": completed.stdout,
        "stderr": completed.stderr,
        "seconds": time.monotonic() - started,
        "home": home,
        "cwd": cwd,
        "by_module": _by_module(report["findings"]),
    }


def _by_module(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        found.setdefault(finding.get("module", ""), []).append(finding)
    return found


def only(verified: dict[str, Any], module: str) -> dict[str, Any]:
    findings = verified["by_module"].get(module, [])
    assert len(findings) == 1, (module, findings)
    return findings[0]


def none_for(verified: dict[str, Any], module: str) -> None:
    assert module not in verified["by_module"], verified["by_module"][module]


# -- the run itself ----------------------------------------------------------------


def test_the_report_is_json_and_the_run_fails_on_errors(verified: dict[str, Any]) -> None:
    report = verified["report"]
    assert verified["status"] == 1, verified["stderr"]
    assert report["version"] == 1
    assert report["summary"]["has_errors"] is True
    (wheel,) = report["verification"]["wheels"]
    assert wheel["ran"] is True and wheel["filename"] == "faults-1.0-py3-none-any.whl"
    for finding in report["findings"]:
        assert set(finding) >= {"code", "name", "severity", "path", "line", "column", "message"}
        assert finding["url"].endswith("#pf412-import-failed")
        assert finding["path"].startswith("faults-1.0-py3-none-any.whl/faults/")


def test_a_module_that_prints_megabytes_reaches_neither_output(verified: dict[str, Any]) -> None:
    none_for(verified, "faults.loud")
    assert len(verified["stdout"]) < 50_000  # the JSON report alone
    assert len(verified["stderr"]) < 50_000
    assert "xxxx" not in verified["stdout"] and "yyyy" not in verified["stderr"]


def test_a_module_that_hangs_is_named_and_the_run_goes_on(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.hang")
    assert finding["severity"] == "warning"
    assert (
        f"`import faults.hang` fails: import did not finish within {TIMEOUT} s"
        in (finding["message"])
    )
    assert verified["seconds"] < 300


def test_sys_exit_and_os_exit_are_warnings(verified: dict[str, Any]) -> None:
    exits, dies = only(verified, "faults.exits"), only(verified, "faults.dies")
    assert (exits["severity"], dies["severity"]) == ("warning", "warning")
    assert "SystemExit: leaving on import; it exits on purpose when imported" in exits["message"]
    assert "the interpreter exited with status 7 before the import finished" in dies["message"]


def test_a_segfault_is_a_warning_and_breaks_nothing_else(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.segv")
    assert finding["severity"] == "warning"
    assert "the interpreter was killed by SIGSEGV" in finding["message"]
    none_for(verified, "faults.cyc_a")


def test_writes_stay_in_the_imports_own_folders(verified: dict[str, Any]) -> None:
    none_for(verified, "faults.writes")  # it could write: a folder and a HOME of its own
    assert list(verified["cwd"].iterdir()) == []
    assert not (verified["home"] / "written-by-faults.txt").exists()


def test_a_module_looking_for_tokens_sees_none(verified: dict[str, Any]) -> None:
    none_for(verified, "faults.token")
    assert SECRET not in verified["stdout"] + verified["stderr"]


def test_dependencies_come_from_the_local_index(verified: dict[str, Any]) -> None:
    # faults.core imports pf_verify_dep; its only finding is an entry point's.
    assert all("entry point" in f["message"] for f in verified["by_module"]["faults.core"])
    none_for(verified, "faults")


# -- verdicts ------------------------------------------------------------------------


def test_an_optional_integration_is_a_warning_that_asks_for_an_extra(
    verified: dict[str, Any],
) -> None:
    finding = only(verified, "faults.integrations.yaml_io")
    assert finding["severity"] == "warning"
    assert "an optional integration" in finding["message"]
    assert (
        "declare the distribution that provides `pf_never_declared` as an extra"
        in (finding["message"])
    )


def test_a_module_that_needs_a_declared_extra_is_a_warning(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.needs_extra")
    assert finding["severity"] == "warning"
    assert "comes from pf-extra-dep (extra `fast`)" in finding["message"]


def test_a_dependency_declared_for_other_platforms_is_a_warning(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.elsewhere")
    assert finding["severity"] == "warning"
    assert "declares for other platforms or Pythons only" in finding["message"]


def test_a_standard_library_module_of_another_platform_is_a_warning(
    verified: dict[str, Any],
) -> None:
    finding = only(verified, "faults.windows")
    assert finding["severity"] == "warning"
    assert "`winreg` is a standard-library module of another platform" in finding["message"]


def test_a_name_a_failed_guarded_import_would_bind_is_an_optional_integration(
    verified: dict[str, Any],
) -> None:
    finding = only(verified, "faults.optional")
    assert (finding["severity"], finding["line"]) == ("warning", 6)
    assert "guarded import of `pf_optional_json`" in finding["message"]


def test_an_undefined_module_level_name_is_an_error(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.undefined")
    assert (finding["severity"], finding["line"]) == ("error", 1)
    assert "NameError: name 'undefined_name' is not defined" in finding["message"]


def test_a_cycle_fails_only_when_entered_at_one_member(verified: dict[str, Any]) -> None:
    none_for(verified, "faults.cyc_a")
    finding = only(verified, "faults.cyc_b")
    assert finding["severity"] == "error"
    assert (
        "cannot import name 'B' from partially initialized module 'faults.cyc_b'"
        in (finding["message"])
    )
    assert "imports: faults.cyc_b -> faults.cyc_a" in finding["message"]


def test_the_same_cycle_entered_at_a_private_module_is_a_warning(
    verified: dict[str, Any],
) -> None:
    none_for(verified, "faults._cyc_a")
    finding = only(verified, "faults._cyc_b")
    assert finding["severity"] == "warning"
    assert "no ordinary use imports `faults._cyc_b` on its own" in finding["message"]


def test_a_module_deleted_while_it_loads_is_an_error(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.victim")
    assert finding["severity"] == "error"
    assert "KeyError: 'faults.victim'" in finding["message"]
    none_for(verified, "faults.deleter")


def test_a_package_that_replaces_itself_in_sys_modules_imports(
    verified: dict[str, Any],
) -> None:
    none_for(verified, "faults.replaced")
    none_for(verified, "faults.replaced.inner")


def test_settings_that_raise_until_configured_are_a_warning(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.uses_settings")
    assert finding["severity"] == "warning"
    assert "ImproperlyConfigured: settings.DEBUG is not configured" in finding["message"]
    assert "raised by code on purpose or by its environment" in finding["message"]
    none_for(verified, "faults.settings_proxy")  # star-imports its proxy without touching it


def test_an_undefined_name_in_all_fails_the_star_import(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.star")
    assert finding["severity"] == "error"
    assert finding["message"].startswith(
        "`from faults.star import *` fails: AttributeError: module 'faults.star' has no "
        "attribute 'missing'"
    )


def test_a_failure_carries_the_chain_of_imports(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.chain1")
    assert finding["severity"] == "error"
    assert "ImportError: cannot import name 'gone' from 'faults'" in finding["message"]
    assert "raised at faults/_chain3.py:1" in finding["message"]
    assert "imports: faults.chain1 -> faults._chain2 -> faults._chain3" in finding["message"]
    # The private modules on the way fail too, as warnings: reported once, at the root.
    root = only(verified, "faults._chain3")
    assert root["severity"] == "warning"
    assert "so does the import of 1 module: faults._chain2" in root["message"]
    none_for(verified, "faults._chain2")


def test_one_root_cause_is_reported_once_at_its_root(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.root")
    assert finding["severity"] == "error"
    assert "so does the import of 1 module: faults.above_root" in finding["message"]
    none_for(verified, "faults.above_root")


def test_an_entry_point_that_fails_to_load_is_an_error(verified: dict[str, Any]) -> None:
    (finding,) = [f for f in verified["by_module"]["faults.core"] if "entry point" in f["message"]]
    assert finding["severity"] == "error"
    assert finding["message"].startswith(
        "the entry point `console_scripts: faults-broken = faults.core:nothing_here` fails: "
        "AttributeError: module 'faults.core' has no attribute 'nothing_here'"
    )


def test_a_plugin_of_another_tool_needs_that_tool_only_where_it_runs(
    verified: dict[str, Any],
) -> None:
    findings = verified["by_module"]["faults.plugin"]
    assert {f["severity"] for f in findings} == {"warning"}
    assert any(
        "a plugin of pytest (entry-point group `pytest11`)" in f["message"] for f in findings
    )


def test_scripts_in_a_folder_without_init_run_in_their_tools_context(
    verified: dict[str, Any],
) -> None:
    finding = only(verified, "faults.scripts.env")
    assert finding["severity"] == "warning"
    assert "a script in a folder without `__init__.py`" in finding["message"]


def test_test_suite_modules_are_warnings(verified: dict[str, Any]) -> None:
    finding = only(verified, "faults.tests.test_it")
    assert finding["severity"] == "warning"
    assert "a test-suite module" in finding["message"]


def test_dunder_main_is_not_imported(verified: dict[str, Any]) -> None:
    none_for(verified, "faults.__main__")
    assert not any("the program ran" in f["message"] for f in verified["report"]["findings"])


def test_every_error_is_an_import_the_machinery_refused(verified: dict[str, Any]) -> None:
    errors = sorted(f["module"] for f in verified["report"]["findings"] if f["severity"] == "error")
    assert errors == [
        "faults.chain1",
        "faults.core",
        "faults.cyc_b",
        "faults.implicit",
        "faults.pkg.broken",
        "faults.root",
        "faults.star",
        "faults.undefined",
        "faults.victim",
    ]


def test_a_name_the_package_neither_has_nor_binds_is_said_so(verified: dict[str, Any]) -> None:
    # `from faults import gone`: Python's message blames a circular import.
    finding = only(verified, "faults._chain3")
    assert "`faults` has no module or name `gone`" in finding["message"]


def test_an_implicit_relative_import_is_an_error(verified: dict[str, Any]) -> None:
    # `import core` meant faults.core: Python 2 only. Nothing reaches the module, and it
    # is no missing third-party package: it is the package's defect.
    finding = only(verified, "faults.implicit")
    assert finding["severity"] == "error"
    assert "`core` is the sibling module `faults.core`" in finding["message"]


def test_a_root_cause_names_every_import_it_breaks_through_a_package(
    verified: dict[str, Any],
) -> None:
    # faults.pkg imports its own broken module first: importing faults.pkg, and so every
    # module below it, fails there. The root names them all, and the entry point.
    finding = only(verified, "faults.pkg.broken")
    assert finding["severity"] == "error"
    assert (
        "so does the import of 3 modules: faults.pkg, faults.pkg.user, faults.pkg.user2"
        in (finding["message"])
    )
    assert "faults-pkg = faults.pkg.user:main" in finding["message"]
    none_for(verified, "faults.pkg")
    none_for(verified, "faults.pkg.user")


def test_a_module_named_for_the_library_it_wraps_imports_that_library(
    verified: dict[str, Any],
) -> None:
    # backends/pf_redis_like.py: `import pf_redis_like` is the library, not itself; so is
    # cache.py's: its sibling of that name imports the library too.
    for module in ("faults.backends.pf_redis_like", "faults.backends.cache"):
        finding = only(verified, module)
        assert finding["severity"] == "warning"
        assert "an optional integration" in finding["message"]


def test_a_name_a_package_binds_only_after_a_guarded_import_is_optional(
    verified: dict[str, Any],
) -> None:
    # nltk.twitter binds Query only when twython imports; its demo imports Query.
    finding = only(verified, "faults.twitter.demo")
    assert finding["severity"] == "warning"
    assert (
        "binds `Query` only when its guarded import of `pf_twitter_client` works"
        in (finding["message"])
    )
