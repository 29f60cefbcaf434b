"""Digests for the cache's keys, without loading OpenSSL.

``hashlib`` initialises OpenSSL when first imported (2 ms, a tenth of a re-check's
imports); its ``blake2b`` is CPython's own ``_blake2`` module, which this takes directly.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python: hashlib has it
    from hashlib import blake2b

__all__ = ["blake2b", "hexdigest"]


def hexdigest(data: bytes, size: int = 16) -> str:
    """A digest of ``data``, ``2 * size`` hexadecimal digits."""
    return blake2b(data, digest_size=size).hexdigest()
