"""Importing a package for real, each module in a fresh child interpreter.

The one machinery behind ``check --import`` (the project's own environment),
``build`` and ``verify`` (the built wheel in a clean environment):

- :mod:`.runner` runs import jobs in child interpreters (forked from warm
  parents where it can), with an allow-listed environment, timeouts and a
  folder and ``HOME`` of their own; :mod:`._child` is what the children run.
- :mod:`.plan` says which jobs a package needs: each module as the first import
  and after its top-level package (for a submodule, the same import), ``from m
  import *`` where there is an
  ``__all__``, each entry point loaded.
- :mod:`.failures` turns what the children saw into :class:`ImportFailure`
  records (the exception, where it was raised, the chain of imports).
- :mod:`.judge` decides what a failure proves (DESIGN.md, "Proof by running"),
  and PF412 reports it.
"""
