"""The held-out corpus: real projects that pkgforge was never tuned on.

Chosen on 2026-12-07, before any change that it measures (issues 14 and 15), and
committed on its own so that history shows it. It is evidence, not a training
set: a false error or a missed defect found here is fixed as a class, with a
synthetic fixture, never by a project's name, and never by adding the project to
tests/imports/real_projects.py. Measure on it; do not tune on it.

Each version is the newest release on PyPI on that day; every one has an sdist
and a pure-Python wheel, so ``pkgforge build`` of the sdist tree and the import
verification of the wheel can both run here. None is in the original corpus.

    python bench/heldout.py              # check precision and verify false blocks
    python bench/mutate.py               # planted defects: recall of check and verify
"""

from __future__ import annotations

__all__ = ["HELD_OUT"]

HELD_OUT = {
    "alembic": "1.20.1",
    "celery": "5.7.0",
    "kombu": "5.7.0",
    "marshmallow": "4.4.0",
    "jsonschema": "4.26.0",
    "tqdm": "4.70.1",
    "paramiko": "5.1.0",
    "trio": "0.35.0",
    "babel": "2.19.0",
    "mako": "1.4.3",
    "beautifulsoup4": "4.15.0",
    "markdown": "3.11.4",
    "ipython": "9.19.1",
    "prompt-toolkit": "3.0.53",
    "gunicorn": "27.0.1",
    "uvicorn": "0.55.0",
    "dask": "2026.11.0",
    "fsspec": "2026.9.0",
    "xarray": "2026.9.0",
    "seaborn": "0.13.2",
    "openpyxl": "3.1.5",
    "docker": "7.2.0",
    "google-auth": "2.63.1",
    "pyjwt": "2.15.1",
    "structlog": "26.1.0",
    "typer": "0.29.3",
    "textual": "8.2.8",
    "dnspython": "2.9.2",
    "mkdocs": "1.6.1",
    "pylint": "4.1.5",
    "astroid": "4.4.0",
    "virtualenv": "21.15.14",
    "tox": "4.67.17",
    "keyring": "25.7.0",
    "sentry-sdk": "3.0.1",
    "prometheus-client": "0.26.0",
    "scrapy": "2.19.0",
    "twisted": "26.10.0",
    "huggingface-hub": "2.5.0",
    "nltk": "3.10.4",
    "pyramid": "2.1",
    "bottle": "0.13.5",
    "sqlparse": "0.6.1",
    "asgiref": "3.13.0",
    "tenacity": "9.2.1",
    "boto3": "1.44.18",
    "pydantic-settings": "2.16.3",
    "arrow": "1.4.0",
    "humanize": "4.17.0",
    "tabulate": "0.10.0",
}
