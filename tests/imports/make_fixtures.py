"""Generate fixture projects for tests/imports (run once; the output is committed)."""

import textwrap
from pathlib import Path

ROOT = Path(__file__).parent / "fixtures"


def pyproject(name, deps=(), requires=">=3.11"):
    dep_list = ", ".join(f'"{d}"' for d in deps)
    return f'''[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "1.0"
requires-python = "{requires}"
license = "MIT"
dependencies = [{dep_list}]
'''


SOUND = {
    "src/sound/__init__.py": '"""The tutorial\'s sound package."""\n\n__all__ = ["effects", "formats"]\n',
    "src/sound/effects/__init__.py": '__all__ = ["echo", "surround", "reverse"]\n',
    "src/sound/effects/echo.py": '__all__ = ["echofilter"]\n\n\ndef echofilter():\n    return "echo"\n',
    "src/sound/effects/surround.py": 'from . import echo\nfrom .echo import echofilter\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo, echofilter()\n',
    "src/sound/effects/reverse.py": '__all__ = ["reverse"]\n\n\ndef reverse():\n    return None\n',
    "src/sound/formats/__init__.py": '__all__ = ["wavread"]\n',
    "src/sound/formats/wavread.py": '__all__ = ["read"]\n\n\ndef read():\n    return b""\n',
}


def project(name, changes, deps=(), requires=">=3.11", extra=None):
    files = dict(SOUND)
    files.update(changes)
    files = {k: v for k, v in files.items() if v is not None}
    files["pyproject.toml"] = pyproject("sound", deps, requires)
    if extra:
        files.update(extra)
    base = ROOT / name
    for rel, text in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))


E = "src/sound/effects/"
project("clean", {})
project(
    "pf301_fail",
    {E + "__init__.py": '__all__ = [name for name in ("echo", "surround")]\n'},
)
project(
    "pf301_pass",
    {
        # literals, extensions, and another module's __all__ added in: all readable
        E + "__init__.py": (
            "from sound.effects.echo import *\n"
            "from sound.effects.echo import __all__ as echo_all\n"
            "\n"
            '__all__ = ["echo"] + echo_all\n'
            '__all__ += ["surround"]\n'
            '__all__.append("reverse")\n'
        )
    },
)
project(
    "pf302_fail",
    {
        E
        + "echo.py": '__all__ = ["echofilter", "echo_filter"]\n\n\ndef echofilter():\n    return "echo"\n'
    },
)
project(
    "pf302_pass",
    {
        # submodules (ruff#10095), a star import of a project module, and __getattr__
        E + "__init__.py": '__all__ = ["echo", "surround", "reverse"]\n',
        E
        + "surround.py": 'from .echo import *\n\n__all__ = ["echofilter", "surround"]\n\n\ndef surround():\n    return echofilter()\n',
        E
        + "reverse.py": '__all__ = ["reverse", "lazy"]\n\n\ndef reverse():\n    return None\n\n\ndef __getattr__(name):\n    if name == "lazy":\n        return reverse\n    raise AttributeError(name)\n',
        "src/sound/formats/wavread.py": 'from os.path import *\n\n__all__ = ["read", "join"]\n\n\ndef read():\n    return b""\n',
    },
)
project("pf303_fail", {E + "__init__.py": '__all__ = ["echo", "surround", "echo"]\n'})
project("pf303_pass", {E + "__init__.py": '__all__ = ["echo", "surround", "reverse"]\n'})
project(
    "pf304_fail",
    {E + "echo.py": 'def echofilter():\n    return "echo"\n\n\n__all__ = [echofilter]\n'},
)
project(
    "pf304_pass",
    {E + "echo.py": 'def echofilter():\n    return "echo"\n\n\n__all__ = ("echofilter",)\n'},
)
project("pf305_fail", {E + "__init__.py": "from .echo import echofilter\n"})
project(
    "pf305_pass",
    {
        E + "__init__.py": 'from .echo import echofilter\n\n__all__ = ["echofilter"]\n',
        "src/sound/formats/__init__.py": "import os\n\n_cache = {}\n",
    },
)
project(
    "pf306_fail",
    {
        E
        + "echo.py": '__all__ = ["echofilter", "_mix"]\n\n\ndef echofilter():\n    return "echo"\n\n\ndef _mix():\n    return None\n'
    },
)
project(
    "pf306_pass",
    {
        E
        + "echo.py": '__version__ = "1"\n__all__ = ["echofilter", "__version__"]\n\n\ndef echofilter():\n    return "echo"\n'
    },
)
project(
    "pf401_fail",
    {
        E
        + "reverse.py": '__all__ = ["reverse"]\n\n\ndef reverse():\n    from sound.effects.echo import *\n    return echofilter()\n'
    },
)
project(
    "pf401_pass",
    {
        E
        + "reverse.py": 'from sound.effects.echo import *\n\n__all__ = ["reverse"]\n\n\ndef reverse():\n    return echofilter()\n'
    },
)
project(
    "pf402_fail",
    {
        E
        + "reverse.py": 'from sound.effects.echo import *\n\n__all__ = ["reverse"]\n\n\ndef reverse():\n    return echofilter()\n'
    },
)
project(
    "pf402_pass",
    {
        E
        + "reverse.py": 'from sound.effects.echo import echofilter\n\n__all__ = ["reverse"]\n\n\ndef reverse():\n    return echofilter()\n'
    },
)
project(
    "pf403_fail",
    {
        E
        + "surround.py": 'import echo\nfrom echo import echofilter\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo, echofilter()\n'
    },
)
project(
    "pf403_pass",
    {
        # `json` is also a sibling here, but `import json` means the standard library
        E + "json.py": "__all__ = []\n",
        E
        + "surround.py": 'import json\n\nfrom . import echo\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo, json\n',
    },
)
project(
    "pf404_fail",
    {
        E
        + "surround.py": 'from sound.effects.echo import echo_filter\nimport sound.effect.echo\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo_filter, sound\n'
    },
)
project(
    "pf404_pass",
    {
        E + "surround.py": (
            "from sound.effects import echo\n"
            "from sound.effects._speedups import fast\n"
            "\n"
            "try:\n"
            "    from sound._version import version\n"
            "except ImportError:\n"
            '    version = "0"\n'
            "\n"
            '__all__ = ["surround"]\n'
            "\n"
            "\n"
            "def surround():\n"
            "    return echo, fast, version\n"
        ),
        E + "_speedups.c": "/* compiled at build time */\n",
    },
)
project(
    "pf405_fail",
    {
        E
        + "echo.py": 'from ... import helpers\n\n__all__ = ["echofilter"]\n\n\ndef echofilter():\n    return helpers\n'
    },
)
project(
    "pf405_pass",
    {
        E
        + "echo.py": 'from .. import formats\n\n__all__ = ["echofilter"]\n\n\ndef echofilter():\n    return formats\n'
    },
)
project(
    "pf406_fail",
    {
        E
        + "surround.py": 'from . import echo\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo.echofilter()\n',
        E
        + "echo.py": 'from sound.effects import surround\n\n__all__ = ["echofilter"]\n\n\ndef echofilter():\n    return surround\n',
        # an unrelated module importing into the cycle must not be blamed (pylint#9490)
        "src/sound/formats/wavread.py": 'from sound.effects import echo\n\n__all__ = ["read"]\n\n\ndef read():\n    return echo\n',
    },
)
project(
    "pf406_pass",
    {
        E + "echo.py": (
            "from typing import TYPE_CHECKING\n"
            "\n"
            "if TYPE_CHECKING:\n"
            "    from sound.effects import surround\n"
            "\n"
            '__all__ = ["echofilter"]\n'
            "\n"
            "\n"
            "def echofilter() -> object:\n"
            "    from sound.effects import reverse\n"
            "\n"
            "    return reverse\n"
        ),
    },
)
project(
    "pf407_fail",
    {
        # importing the package runs the module (DESIGN.md, "Reachability")
        "src/sound/__init__.py": (
            '"""The tutorial\'s sound package."""\n\nfrom sound.effects import reverse\n\n'
            '__all__ = ["effects", "formats", "reverse"]\n'
        ),
        E
        + "reverse.py": 'import yaml\n\n__all__ = ["reverse"]\n\n\ndef reverse():\n    return yaml\n',
    },
)
project(
    "pf407_pass",
    {
        E + "reverse.py": (
            "from typing import TYPE_CHECKING\n"
            "\n"
            "import yaml\n"
            "\n"
            "try:\n"
            "    import numpy\n"
            "except ImportError:\n"
            "    numpy = None\n"
            "if TYPE_CHECKING:\n"
            "    import pandas\n"
            "\n"
            '__all__ = ["reverse"]\n'
            "\n"
            "\n"
            "def reverse():\n"
            "    return yaml, numpy\n"
        ),
    },
    deps=["PyYAML>=6"],
    extra={"tests/test_sound.py": "import pytest\nimport hypothesis\n"},
)
project("pf408_fail", {}, deps=["requests>=2"])
project(
    "pf408_pass",
    {
        E
        + "reverse.py": 'import requests\n\n__all__ = ["reverse"]\n\n\ndef reverse():\n    return requests\n'
    },
    deps=["requests>=2"],
)
project(
    "pf409_fail",
    {
        E
        + "surround.py": 'import os\nimport sys\n\nsys.path.insert(0, os.path.dirname(__file__))\n\nfrom . import echo\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo\n'
    },
)
project(
    "pf409_pass",
    {
        E
        + "surround.py": 'import sys\n\nfrom . import echo\n\n__all__ = ["surround"]\n\n\ndef surround():\n    return echo, list(sys.path)\n'
    },
    extra={"tests/conftest.py": "import sys\n\nsys.path.insert(0, 'src')\n"},
)
project(
    "pf410_fail",
    {
        E + "reverse.py": '__all__ = ["reverse"]\n\n\ndef reverse(b):\n    print b,\n',
        E
        + "surround.py": 'from . import echo\n\n__all__ = ["surround"]\n\n\ndef surround(x):\n    match x:\n        case 1:\n            return echo\n',
    },
    requires=">=3.9",
)
project(
    "pf410_pass",
    {
        E
        + "surround.py": 'from . import echo\n\n__all__ = ["surround"]\n\n\ndef surround(x):\n    match x:\n        case 1:\n            return echo\n',
    },
    requires=">=3.10",
)
project(
    "pf411_fail",
    {
        "src/sound/__init__.py": '"""Sound."""\n\nfrom sound.effects import echo\n\nVERSION = "1.0"\n__all__ = ["VERSION", "echo"]\n',
        E
        + "echo.py": 'from sound import VERSION\n\n__all__ = ["echofilter"]\n\n\ndef echofilter():\n    return VERSION\n',
    },
)
project(
    "pf411_pass",
    {
        # the same cycle, harmless: VERSION is bound before the import that starts it
        "src/sound/__init__.py": '"""Sound."""\n\nVERSION = "1.0"\n\nfrom sound.effects import echo  # noqa: E402\n\n__all__ = ["VERSION", "echo"]\n',
        E
        + "echo.py": 'from sound import VERSION\n\n__all__ = ["echofilter"]\n\n\ndef echofilter():\n    return VERSION\n',
    },
)
project(
    "pf416_fail",
    {
        E
        + "surround.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .echo import Echo\n\n\nclass Surround(Echo):\n    pass\n",
        E + "echo.py": '__all__ = ["Echo"]\n\n\nclass Echo:\n    pass\n',
    },
)
project(
    "pf416_pass",
    {
        # the name only in an annotation, which `from __future__ import annotations` never evaluates
        E
        + "surround.py": "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .echo import Echo\n\n\ndef surround(echo: Echo) -> Echo:\n    return echo\n",
        E + "echo.py": '__all__ = ["Echo"]\n\n\nclass Echo:\n    pass\n',
    },
)
