"""The check engine: the project model, the import graph, the rules and the reports.

``pkgforge.check`` (the function) lives in :mod:`pkgforge.checker.engine`; this
package's ``__init__`` stays empty so importing a submodule such as
:mod:`pkgforge.checker.summary` costs nothing more.
"""
