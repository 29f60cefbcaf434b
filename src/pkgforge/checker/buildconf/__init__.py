"""Reading the build configuration: what a build creates and what the wheel holds.

Nothing is run: ``setup.py`` is read through its syntax tree (literal arguments,
and module-level names bound once), the other files as TOML, INI or text
patterns. Every reader tolerates any content: what it cannot read becomes a
reason in ``BuildInfo.unnamed`` or an ``unknown`` wheel, never an exception.

- :mod:`.reader`: what the readers share (the files they may read, what they found);
- :mod:`.tables`: pyproject.toml and setup.cfg;
- :mod:`.setuppy`: setup.py;
- :mod:`.native`: meson, CMake, maturin/Cargo;
- :mod:`.wheel`: which packages setuptools puts into the wheel;
- :mod:`.facts`: all of them together, and what the model stores.
"""
