"""Sphinx configuration: Markdown pages through MyST, API pages through autodoc."""

import importlib.metadata

project = {{ cookiecutter.project_name | pyrepr }}
author = {{ cookiecutter.author_name | pyrepr }}
version = release = importlib.metadata.version({{ cookiecutter.project_name | pyrepr }})

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "furo"
