"""Package discovery that pyproject.toml cannot express: src/ plus the templates/ folder.

``[tool.setuptools.packages.find]`` only sees packages under ``src/``; the
cookiecutter templates live in the top-level ``templates/`` folder and ship as
``pkgforge.templates`` (``package-dir`` in pyproject.toml maps it). Folders
whose names are templated (``{{cookiecutter.project_slug}}``) are not packages;
their files travel as package data (``include-package-data`` + MANIFEST.in).
"""

from setuptools import find_namespace_packages, setup

TEMPLATES = [
    "pkgforge.templates",
    *(f"pkgforge.templates.{p}" for p in find_namespace_packages("templates")),
]

setup(packages=[*find_namespace_packages("src", include=["pkgforge", "pkgforge.*"]), *TEMPLATES])
