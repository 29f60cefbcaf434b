"""``publish --dry-run`` asks the index about the project's name, as ``new`` does.

PyPI refuses a new project whose name is too similar to another's; a dry run that
passes must not hide that. The index is the local pypiserver, whose redirect of an
unknown project to pypi.org means "not on this index".
"""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PKGFORGE_OFFLINE", raising=False)


def _publish(run_cli, project, local_index, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli("publish", str(project), "--repository-url", local_index.url, *extra)


def test_dry_run_warns_of_a_name_too_similar_to_one_on_the_index(
    run_cli, build_project, local_index, credentials, online
) -> None:
    key = "".join(c for c in uuid.uuid4().hex if c not in "01")[:8]
    taken = build_project(f"pftool{key}")
    status, _, err = _publish(run_cli, taken, local_index)  # someone's project, uploaded
    assert status == 0, err

    look_alike = build_project(f"pf-too1-{key}")  # PyPI drops '-' and reads l as 1
    status, out, err = _publish(run_cli, look_alike, local_index, "--dry-run")
    assert status == 0, err  # a dry run reports; the upload would decide
    assert f"warning: the name 'pf-too1-{key}' is too similar to 'pftool{key}'" in err
    assert "nothing uploaded" in out


def test_dry_run_says_a_name_the_index_has_may_be_someone_elses(
    run_cli, build_project, local_index, credentials, online
) -> None:
    name = f"pf-{uuid.uuid4().hex[:10]}"
    status, _, err = _publish(run_cli, build_project(name, "1.0"), local_index)
    assert status == 0, err
    status, _, err = _publish(run_cli, build_project(name, "2.0"), local_index, "--dry-run")
    assert status == 0, err
    assert f"{name} is on {local_index.simple_url} already" in err
    assert "may upload to it" in err


def test_dry_run_of_a_free_name_says_nothing_of_it(
    run_cli, build_project, local_index, credentials, online, unique_name
) -> None:
    status, _, err = _publish(run_cli, build_project(unique_name), local_index, "--dry-run")
    assert status == 0, err
    assert "too similar" not in err and "already" not in err and "not checked" not in err


def test_offline_dry_run_asks_nothing_of_the_name(
    run_cli, build_project, local_index, credentials, unique_name
) -> None:
    # The suite runs with PKGFORGE_OFFLINE=1 (tests/conftest.py).
    status, _, err = _publish(run_cli, build_project(unique_name), local_index, "--dry-run")
    assert status == 0, err
    assert "not checked" not in err
