"""A generated project's own docs are held to pkgforge's: their console examples run.

The README's ``nox --list`` transcript (which sessions ``nox`` runs, which it skips,
what each does) and every other ``console`` example of the README and docs/index.md
run in a freshly made project, compared as tests/consoledocs.py compares pkgforge's
own pages. Instructions without output are ``sh`` blocks, and a ``console`` block
without a ``$`` prompt is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.consoledocs import SYBIL, docs_environment, open_console_page, run_examples


@pytest.mark.parametrize(
    ("template", "pages", "transcripts"),
    [("default", ("README.md", "docs/index.md"), 1), ("minimal", ("README.md",), 0)],
)
def test_generated_docs_say_what_the_project_does(
    tmp_path: Path, template: str, pages: tuple[str, ...], transcripts: int
) -> None:
    with docs_environment(tmp_path) as (env, index_url), open_console_page(env, index_url) as page:
        made = page.run(
            f"pkgforge new sound --no-input --offline --template {template} && cd sound"
        )
        assert "Created sound/" in made, made
        ran = 0
        for name in pages:
            document = SYBIL.parse(page.cwd / name)
            count, skipped = run_examples(document, page)
            assert skipped == [], f"{name}: {skipped}"
            ran += count
    assert ran == transcripts
