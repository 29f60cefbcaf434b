"""The update machinery: a project's template state and the built-in templates' history, the
plan of an update, the 3-way merge of a file, git's conflict stages, and the landing of the
result all at once; ``update`` and ``link`` are built on them.

Nothing is imported here, so a module of this package loads only what it needs.
"""
