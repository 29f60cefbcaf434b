"""Scaffolding: ``new_project`` renders a template, ``add_module`` grows a package.

Both write everything or nothing, and return a frozen result that includes what
``pkgforge check`` says about the project afterwards.
"""

from __future__ import annotations

from pkgforge.scaffold.add import AddResult, add_module
from pkgforge.scaffold.project import NewProjectResult, new_project
from pkgforge.scaffold.templates import builtin_templates

__all__ = ["AddResult", "NewProjectResult", "add_module", "builtin_templates", "new_project"]
