"""Verification: the built wheel imported for real, in a clean environment.

``pkgforge build`` verifies every wheel it builds, and ``pkgforge verify`` verifies
wheels built elsewhere, the same way (DESIGN.md, "Proof by running"):

- :mod:`.verifier` (the library functions ``verify`` and ``verify_wheel``) reads
  the wheel (:mod:`.wheel`), checks it fits the interpreter (:mod:`.target`),
  makes the throwaway environment (:mod:`.environment`) and runs the imports with
  the machinery ``check --import`` uses (:mod:`pkgforge.checker.importing`);
- :mod:`.reconcile` settles the static check's import errors with what the
  imports showed.
"""
