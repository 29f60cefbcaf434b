"""``pkgforge check``: the engine, the project model and the rules."""
