"""The update machinery: a project's template state and the built-in templates' history, the
plan of an update, the 3-way merge of a file and git's conflict stages; the result lands all
at once through :mod:`pkgforge.landing` (which ``check --fix`` shares); ``update`` and
``link`` are built on them.

Nothing is imported here, so a module of this package loads only what it needs.
"""
