"""The Python tutorial's ``sound`` package, made with pkgforge, with the tutorial's imports.

``pkgforge new sound`` with every module of the tutorial's diagram (formats, effects,
filters), then the imports the tutorial writes in them ("Intra-package References"),
one import cycle that works and one that breaks:

- ``effects/surround.py``: ``from . import echo``, ``from .. import formats``,
  ``from ..filters import equalizer`` (the tutorial's own example);
- ``filters/vocoder.py``: ``from sound.effects import echo`` (the tutorial's);
- ``formats/wavread.py`` and ``formats/wavwrite.py`` import each other as submodules:
  a cycle (PF406) that Python resolves;
- ``sound/__init__.py`` imports ``effects.echo`` before it binds ``__version__``, which
  ``echo`` imports from it: importing ``sound`` fails (PF411).

docs/tree.md and docs/graph.md show pkgforge's output on it, and docs/graph-sound.svg
is ``pkgforge graph --format svg`` of it; tests/draw/test_docs.py checks both.

Run: ``python tools/sound_demo.py DIR`` (makes DIR/sound), or
``python tools/sound_demo.py --picture docs/graph-sound.svg`` (redraws the picture).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

TUTORIAL_MODULES = (
    "formats.wavread",
    "formats.wavwrite",
    "formats.aiffread",
    "formats.aiffwrite",
    "formats.auread",
    "formats.auwrite",
    "effects.echo",
    "effects.surround",
    "effects.reverse",
    "filters.equalizer",
    "filters.vocoder",
    "filters.karaoke",
)
"""Every module of the tutorial's diagram, in its order."""

_INIT = '''\
"""A Python package."""

from sound.effects import echo  # runs echo.py, which needs __version__: not bound yet

__version__ = "0.1.0"

__all__ = ["__version__", "echo", "effects", "filters", "formats"]
'''

_ECHO = '''\
"""The ``sound.effects.echo`` module."""

from sound import __version__

__all__ = ["describe", "echofilter"]


def describe() -> str:
    """Return the dotted name of this module (an example to replace)."""
    return __name__


def echofilter(input, output, delay=0.7, atten=4):  # the tutorial's signature
    """Add an echo (an example: returns its arguments)."""
    return (input, output, delay, atten, __version__)
'''

_IMPORTS = {
    "effects/surround.py": "from . import echo\nfrom .. import formats\nfrom ..filters import equalizer\n",
    "filters/vocoder.py": "from sound.effects import echo\n",
    "formats/wavread.py": "from sound.formats import wavwrite\n",
    "formats/wavwrite.py": "from sound.formats import wavread\n",
}


def make(parent: Path) -> Path:
    """Make ``parent/sound`` and return it."""
    from pkgforge import new_project

    project = new_project(
        "sound", output_dir=parent, modules=TUTORIAL_MODULES, no_input=True, run_check=False
    ).project_dir
    package = project / "src" / "sound"
    (package / "__init__.py").write_text(_INIT, encoding="utf-8")
    (package / "effects" / "echo.py").write_text(_ECHO, encoding="utf-8")
    for relpath, imports in _IMPORTS.items():
        module = package / relpath
        docstring, _, rest = module.read_text(encoding="utf-8").partition('"""\n')
        module.write_text(f'{docstring}"""\n\n{imports}{rest}', encoding="utf-8")
    return project


def draw_picture(target: Path) -> None:
    """``pkgforge graph --format svg`` of the demo, written to ``target``."""
    from pkgforge.cli import main

    with tempfile.TemporaryDirectory() as work:
        project = make(Path(work))
        status = main(["graph", str(project), "--format", "svg", "--output", str(target)])
    if status != 0:
        raise SystemExit(status)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="make the project in FOLDER/sound")
    parser.add_argument("--picture", type=Path, help="write the SVG of its graph here")
    args = parser.parse_args(argv)
    if args.picture is not None:
        draw_picture(args.picture)
    if args.folder is not None:
        print(make(args.folder))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
