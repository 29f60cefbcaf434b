"""The build manifest: what ``pkgforge build`` produced, which ``publish`` uploads.

It lives next to the artifacts as ``.pkgforge-manifest.json`` (hidden, so a
``twine upload dist/*`` glob never picks it up). ``publish`` uploads exactly
the files it names, after checking their sizes and hashes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from pkgforge.errors import ManifestError

__all__ = ["MANIFEST_NAME", "Artifact", "Manifest", "read_manifest", "sha256_of", "write_manifest"]

MANIFEST_NAME = ".pkgforge-manifest.json"
_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Artifact:
    filename: str
    kind: Literal["sdist", "wheel"]
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    project: str
    """The distribution name as in the metadata."""
    version: str
    artifacts: tuple[Artifact, ...]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(outdir: Path, manifest: Manifest) -> Path:
    """Write the manifest atomically (temp file + replace) and return its path."""
    target = outdir / MANIFEST_NAME
    payload = {"schema": _SCHEMA_VERSION, **asdict(manifest)}
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target


def read_manifest(outdir: Path, *, verify: bool = True) -> Manifest:
    """Read the manifest in ``outdir``; with ``verify``, check every artifact's size and hash."""
    path = outdir / MANIFEST_NAME
    hint = "run 'pkgforge build' to build and record the artifacts"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("schema") != _SCHEMA_VERSION:
            raise ManifestError(f"{path} has an unknown schema", hint=hint)
        artifacts = tuple(Artifact(**item) for item in payload["artifacts"])
        manifest = Manifest(payload["project"], payload["version"], artifacts)
    except FileNotFoundError:
        raise ManifestError(f"no build manifest in {outdir}", hint=hint) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ManifestError(f"the build manifest {path} is unreadable: {err}", hint=hint) from None
    if not manifest.artifacts:
        raise ManifestError(f"the build manifest {path} names no artifacts", hint=hint)
    if verify:
        for artifact in manifest.artifacts:
            _verify(outdir / artifact.filename, artifact, hint)
    return manifest


def _verify(path: Path, artifact: Artifact, hint: str) -> None:
    if not path.is_file():
        raise ManifestError(f"{artifact.filename} from the last build is missing", hint=hint)
    if path.stat().st_size != artifact.size or sha256_of(path) != artifact.sha256:
        raise ManifestError(
            f"{artifact.filename} changed since 'pkgforge build' recorded it", hint=hint
        )
