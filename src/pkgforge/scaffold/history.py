"""``python -m pkgforge.scaffold.history``: the template history's command under its former name.

The history lives in :mod:`pkgforge.scaffold.update.history`; this name keeps the
documented ``freeze`` command working for checkouts and notes that still spell it so.
"""

from __future__ import annotations

if __name__ == "__main__":
    import sys

    from pkgforge.scaffold.update.history import main

    sys.exit(main())
