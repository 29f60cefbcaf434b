"""``pkgforge graph`` as SVG: the DOT drawing laid out by Graphviz's ``dot`` program.

Graphviz is a program, not a Python package: it is found on PATH, and its absence is
one clear error that names the package to install.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time

from pkgforge.draw.graph import ModuleGraph
from pkgforge.draw.render.dot import render_dot
from pkgforge.errors import DrawError

__all__ = ["LARGE_GRAPH", "find_dot", "render_svg"]

log = logging.getLogger("pkgforge")

LARGE_GRAPH = 300
"""Modules past which Graphviz's layout takes seconds to minutes: the log says so."""

_INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz), "
    "or draw with --format dot, mermaid or text"
)


def find_dot(fmt: str = "svg") -> str:
    """The path of Graphviz's ``dot``; :class:`DrawError` naming the package when it is
    not installed (``fmt`` is the format that needs it, for the message)."""
    found = shutil.which("dot")
    if found is None:
        raise DrawError(
            f"--format {fmt} needs Graphviz's dot program, which is not installed "
            "(package: graphviz)",
            hint=_INSTALL_HINT,
        )
    return found


def render_svg(graph: ModuleGraph, *, fmt: str = "svg") -> str:
    """The SVG Graphviz makes of :func:`~pkgforge.draw.render.dot.render_dot` (``fmt``:
    the format asked for, for the message when Graphviz is missing)."""
    dot = find_dot(fmt)
    if len(graph.modules) > LARGE_GRAPH:
        log.info(
            "laying out %d modules with Graphviz can take a while; --focus MODULE or "
            "--depth N draw fewer",
            len(graph.modules),
        )
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [dot, "-Tsvg"],
            input=render_dot(graph).encode("utf-8"),
            capture_output=True,
            check=False,
        )
    except OSError as err:
        raise DrawError(f"could not run {dot}: {err}", hint=_INSTALL_HINT) from err
    log.debug(
        "Graphviz laid out %d modules in %.2f s", len(graph.modules), time.perf_counter() - started
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DrawError(
            f"Graphviz's dot failed (exit status {done.returncode}): "
            f"{message[0] if message else 'no message'}",
            hint="this is likely a pkgforge bug; --format dot writes what dot was given",
        )
    return done.stdout.decode("utf-8")
