"""Pictures of a package, made from the checker's model (nothing is parsed here).

- :mod:`.tree`: the package as the tutorial draws it (``pkgforge tree``);
- :mod:`.graph`: the module-level import graph, its cycles and the ones that break
  (``pkgforge graph``);
- :mod:`.render`: each picture in each output format.
"""

__all__: list[str] = []
