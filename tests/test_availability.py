"""Is a name free on the index? PEP 503 names, PyPI's confusable-name rule, bounded waits.

Every index here is a local one (tests/localindex.py); the tests that need the
suite's default (``PKGFORGE_OFFLINE``, see tests/conftest.py) lifted say so.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pkgforge.availability import (
    NameLookup,
    check_name,
    confusable_names,
    lookup_for,
    shown_url,
    suggested_names,
)
from pkgforge.names import ultranormalize_name
from pkgforge.pipconfig import DEFAULT_INDEX, pip_index
from tests.localindex import static_index

# -- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("sound", "s0und"),
        ("sound-tools", "soundtools"),
        ("Sound.Tools", "sound_tools"),
        ("pillow", "PI1LOW"),
        ("pil-low", "pi1l0w"),
    ],
)
def test_warehouse_finds_these_too_similar(one: str, other: str) -> None:
    assert ultranormalize_name(one) == ultranormalize_name(other)


@pytest.mark.parametrize(("one", "other"), [("sound", "sounds"), ("sound", "s-ound2")])
def test_and_these_different(one: str, other: str) -> None:
    assert ultranormalize_name(one) != ultranormalize_name(other)


def test_look_alikes_are_few_and_each_is_too_similar() -> None:
    names = confusable_names("Sound_Tools")
    assert names[0] == "sound-tools"  # the PEP 503 name first
    assert "soundtools" in names and "s0und-tools" in names
    assert len(names) <= 9
    assert {ultranormalize_name(n) for n in names} == {ultranormalize_name("sound-tools")}


def test_suggestions_are_not_look_alikes_of_the_name() -> None:
    suggestions = suggested_names("sound")
    assert suggestions == ["pysound", "sound-tools", "sound-lib", "sound-kit", "sound-toolkit"]
    assert ultranormalize_name("sound") not in {ultranormalize_name(s) for s in suggestions}
    assert suggested_names("pysound-tools") == [
        "pysound-tools-lib",
        "pysound-tools-kit",
        "pysound-tools-toolkit",
    ]


# -- asking a local index ----------------------------------------------------------------


def test_a_taken_name_under_any_spelling_pep_503() -> None:
    with static_index(["Sound_Tools", "pysound"]) as index:
        verdict = check_name("sound.TOOLS", index.url)
    assert verdict.status == "taken"
    assert verdict.suggestions == ("pysound-tools", "sound-tools-lib")
    assert verdict.message is not None and "'sound.TOOLS' is taken on http://127.0.0.1" in (
        verdict.message
    )


def test_a_confusable_name_is_too_similar_and_names_the_other() -> None:
    with static_index(["sound"]) as index:
        verdict = check_name("s0und", index.url)
    assert verdict.status == "similar"
    assert verdict.similar == ("sound",)
    assert verdict.message is not None and "too similar to 'sound'" in verdict.message


def test_a_suggestion_whose_twin_is_taken_is_not_offered() -> None:
    # "sound-tools" is free, but "soundtools" is taken: PyPI would refuse it too.
    with static_index(["sound", "soundtools", "pysound"]) as index:
        verdict = check_name("sound", index.url)
    assert verdict.status == "taken"
    assert verdict.suggestions == ("sound-lib", "sound-kit")


def test_a_free_name_says_nothing() -> None:
    with static_index(["sound"]) as index:
        verdict = check_name("chime", index.url)
    assert verdict.status == "free"
    assert verdict.message is None
    # Each question once, the look-alikes and the suggestions included: nothing else.
    asked = [path for _, path in index.requests]
    assert "/simple/chime/" in asked and "/simple/ch1me/" in asked
    assert len(asked) == len(set(asked))


def test_a_redirect_to_another_host_means_not_here() -> None:
    """pypiserver sends projects it does not host to pypi.org: not on this index."""
    with static_index(["sound"], redirect_missing="https://pypi.invalid/simple/") as index:
        assert check_name("chime", index.url).status == "free"
        assert check_name("s0und", index.url).status == "similar"


def test_an_index_without_head_is_asked_with_get() -> None:
    with static_index(["sound"], no_head=True) as index:
        assert check_name("sound", index.url).status == "taken"
    assert ("GET", "/simple/sound/") in index.requests


def test_a_silent_index_costs_the_timeout_and_no_more() -> None:
    server = socket.create_server(("127.0.0.1", 0))  # accepts (the backlog), never answers
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/simple/"
        started = time.monotonic()
        verdict = check_name("sound", url, timeout=0.5)
        took = time.monotonic() - started
    finally:
        server.close()
    assert verdict.status == "unknown"
    assert (
        verdict.message
        == f"the name 'sound' was not checked on an index: {url} did not answer in time"
    )
    assert took < 1.5


def test_a_slow_answer_after_the_deadline_is_unknown_not_waited_for() -> None:
    with static_index(["sound"], delay=2.0) as index:
        started = time.monotonic()
        verdict = check_name("sound", index.url, timeout=0.3)
        assert time.monotonic() - started < 1.2
    assert verdict.status == "unknown"


def test_nothing_listening_is_one_reason_at_once() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    verdict = check_name("sound", f"http://127.0.0.1:{port}/simple/", timeout=5)
    assert verdict.status == "unknown"
    assert "cannot reach" in verdict.reason


def test_offline_asks_nothing_and_says_so_quietly() -> None:
    with static_index(["sound"]) as index:
        lookup = lookup_for("sound", index_url=index.url, offline=True)
        lookup.start()
        verdict = lookup.result()
    assert index.requests == []
    assert verdict.status == "unknown" and verdict.skipped
    assert "PKGFORGE_OFFLINE" in verdict.reason


def test_the_environment_variable_means_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PKGFORGE_OFFLINE", "1")
    assert lookup_for("sound").offline_reason is not None
    monkeypatch.setenv("PKGFORGE_OFFLINE", "0")
    assert lookup_for("sound").offline_reason is None


@pytest.mark.parametrize(
    ("value", "seconds"), [("30", 30.0), ("0.5", 0.5), ("", 3.0), ("0", 3.0), ("-1", 3.0),
                           ("soon", 3.0), ("inf", 3.0), ("nan", 3.0)]
)  # fmt: skip
def test_the_environment_variable_sets_the_timeout(
    monkeypatch: pytest.MonkeyPatch, value: str, seconds: float
) -> None:
    monkeypatch.delenv("PKGFORGE_OFFLINE", raising=False)
    monkeypatch.setenv("PKGFORGE_INDEX_TIMEOUT", value)
    assert lookup_for("sound", index_url="http://127.0.0.1:9/simple").timeout == seconds


def test_a_password_in_the_index_url_is_never_shown() -> None:
    assert (
        shown_url("https://me:s3cret@repo.example/simple/") == "https://me:***@repo.example/simple/"
    )
    lookup = NameLookup("sound", "http://me:s3cret@127.0.0.1:9/simple/", timeout=2)
    lookup.start()
    assert "s3cret" not in (lookup.result().message or "")


# -- the index pip reads ---------------------------------------------------------------


def test_pip_reads_pypi_unless_told(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PIP_CONFIG_FILE": os.devnull}
    assert pip_index(env).url == DEFAULT_INDEX


def test_pip_config_install_section_over_global_and_the_variable_over_both(
    tmp_path: Path,
) -> None:
    config = tmp_path / "pip.conf"
    config.write_text(
        "[global]\nindex-url = https://global.example/simple\ncert = /ca.pem\n"
        "[install]\nindex_url = https://install.example/simple/\n"
    )
    env = {"HOME": str(tmp_path), "PIP_CONFIG_FILE": str(config)}
    assert pip_index(env).url == "https://install.example/simple/"
    assert pip_index(env).cert == "/ca.pem"
    env["PIP_INDEX_URL"] = "https://variable.example/simple"
    assert pip_index(env).url == "https://variable.example/simple/"


def test_a_user_config_file_counts_unless_pip_config_file_names_one(tmp_path: Path) -> None:
    user = tmp_path / ".config" / "pip" / "pip.conf"
    user.parent.mkdir(parents=True)
    user.write_text("[global]\nindex-url = https://user.example/simple/\n")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config")}
    if sys.platform == "linux":
        assert pip_index(env).url == "https://user.example/simple/"
    named = tmp_path / "named.conf"
    named.write_text("[global]\ntimeout = 5\n")
    assert pip_index({**env, "PIP_CONFIG_FILE": str(named)}).url == DEFAULT_INDEX


def test_no_index_means_nothing_to_ask(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    assert pip_index(env).url is None
    verdict = NameLookup("sound", None)
    verdict.start()
    assert "no-index" in verdict.result().reason


# -- new, end to end -----------------------------------------------------------------------


def _new(tmp_path: Path, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PKGFORGE_OFFLINE"))}
    return subprocess.run(
        [sys.executable, "-m", "pkgforge", "new", *argv, "--no-input"],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_new_warns_that_the_name_is_taken_on_the_index_pip_reads(tmp_path: Path) -> None:
    with static_index(["sound"]) as index:
        done = _new(
            tmp_path, "sound", env={"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": index.url}
        )
    assert done.returncode == 0, done.stderr
    assert f"warning: the name 'sound' is taken on {index.url}" in done.stderr
    assert "names it does not have: pysound, sound-tools" in done.stderr
    assert (tmp_path / "sound" / "pyproject.toml").is_file()  # a warning, not an error


def test_new_index_url_option_and_a_look_alike(tmp_path: Path) -> None:
    with static_index(["sound"]) as index:
        done = _new(tmp_path, "s0und", "--index-url", index.url, env={})
    assert done.returncode == 0, done.stderr
    assert "warning: the name 's0und' is too similar to 'sound'" in done.stderr


def test_new_offline_asks_nothing(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    with static_index(["sound"]) as index:
        done = _new(tmp_path, "sound", "--offline", "--index-url", index.url, env={})
        by_env = _new(
            tmp_path / "x", "sound", "--index-url", index.url, env={"PKGFORGE_OFFLINE": "1"}
        )
    assert done.returncode == by_env.returncode == 0, done.stderr + by_env.stderr
    assert index.requests == []
    assert "not checked" not in done.stderr + by_env.stderr  # the user said so: no line


def test_new_with_an_unreachable_index_says_one_info_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    done = _new(tmp_path, "sound", "--index-url", f"http://127.0.0.1:{port}/simple/", env={})
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "not checked" in line]
    assert lines == [
        f"the name 'sound' was not checked on an index: cannot reach http://127.0.0.1:{port}/simple/: "
        + lines[0].rpartition(": ")[2]
    ]
