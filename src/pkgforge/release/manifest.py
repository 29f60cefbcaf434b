"""The build manifest: what ``pkgforge build`` produced, which ``publish`` uploads.

It lives in a hidden folder of the output directory: ``dist/.pkgforge/manifest.json``.
Tools that glob ``dist/*`` (a shell, :func:`glob.glob`, ``twine upload dist/*``,
pypa/gh-action-pypi-publish) skip hidden names, so they see only the artifacts,
and build backends leave ``dist/`` out of the sdists they make (a folder beside
``dist/`` was swept into hatchling's sdists). The folder carries its own
``.gitignore``, as pytest's and ruff's caches do, so it is never committed.
``publish`` uploads exactly the files the manifest names, after checking their
sizes and hashes. The JSON format (``schema`` 1) is documented in docs/build.md,
so a CI step can read it without pkgforge.

Earlier versions wrote ``dist/.pkgforge-manifest.json``; it is still read
when the new file is absent, and ``build`` removes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from pkgforge.errors import ManifestError

__all__ = [
    "LEGACY_MANIFEST_NAME",
    "MANIFEST_DIR",
    "MANIFEST_NAME",
    "Artifact",
    "Manifest",
    "dump_manifest",
    "find_manifest",
    "manifest_path",
    "prepare_manifest_dir",
    "read_manifest",
    "sha256_of",
    "write_manifest",
]

MANIFEST_DIR = ".pkgforge"
MANIFEST_NAME = "manifest.json"
LEGACY_MANIFEST_NAME = ".pkgforge-manifest.json"
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
    verification: Mapping[str, Any] | None = None
    """Whether the wheel was verified (imported in a clean environment) and what that
    found: ``{"ran": bool, "wheels": [{"filename", "ran", "reason", "python",
    "installer", "modules", "errors", "warnings", "infos"}]}``; None for a build that
    recorded nothing (an older pkgforge)."""


def manifest_path(outdir: Path) -> Path:
    """Where the manifest of the build in ``outdir`` is written: a hidden folder in it."""
    return Path(outdir).absolute() / MANIFEST_DIR / MANIFEST_NAME


def find_manifest(outdir: Path) -> Path | None:
    """The manifest of ``outdir`` that exists (the current place, then the legacy one)."""
    for path in (manifest_path(outdir), Path(outdir) / LEGACY_MANIFEST_NAME):
        if path.is_file():
            return path
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_manifest_dir(outdir: Path) -> Path:
    """Create the manifest's folder (ignored by git, like a tool cache) and return it."""
    folder = manifest_path(outdir).parent
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Written by pkgforge build: never commit it.\n*\n", encoding="utf-8")
    return folder


def dump_manifest(path: Path, manifest: Manifest) -> Path:
    """Write ``manifest`` as JSON to ``path`` (no atomicity: the caller renames it into place)."""
    payload = {"schema": _SCHEMA_VERSION, **asdict(manifest)}
    if manifest.verification is None:
        del payload["verification"]
    else:
        payload["verification"] = dict(manifest.verification)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_manifest(outdir: Path, manifest: Manifest) -> Path:
    """Write the manifest of ``outdir`` atomically (temp file + replace) and return its path."""
    prepare_manifest_dir(outdir)
    target = manifest_path(outdir)
    tmp = dump_manifest(target.with_name(target.name + ".tmp"), manifest)
    tmp.replace(target)
    return target


def read_manifest(outdir: Path, *, verify: bool = True) -> Manifest:
    """Read the manifest of ``outdir``; with ``verify``, check every artifact's size and hash."""
    hint = "run 'pkgforge build' to build and record the artifacts"
    path = find_manifest(outdir)
    if path is None:
        raise ManifestError(f"no build manifest in {outdir}", hint=hint)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("schema") != _SCHEMA_VERSION:
            raise ManifestError(f"{path} has an unknown schema", hint=hint)
        artifacts = tuple(Artifact(**item) for item in payload["artifacts"])
        verification = payload.get("verification")
        manifest = Manifest(
            payload["project"],
            payload["version"],
            artifacts,
            verification if isinstance(verification, dict) else None,
        )
        # A plain file name of the output directory: an edited manifest never reaches elsewhere.
        odd = [a.filename for a in artifacts if not _plain_name(a.filename)]
        if odd:
            raise ManifestError(f"{path} names a file outside {outdir}: {odd[0]!r}", hint=hint)
    except FileNotFoundError:
        raise ManifestError(f"no build manifest in {outdir}", hint=hint) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise ManifestError(f"the build manifest {path} is unreadable: {err}", hint=hint) from None
    if not manifest.artifacts:
        raise ManifestError(f"the build manifest {path} names no artifacts", hint=hint)
    if verify:
        for artifact in manifest.artifacts:
            _verify(outdir / artifact.filename, artifact, hint)
    return manifest


def _plain_name(filename: object) -> bool:
    return (
        isinstance(filename, str)
        and filename not in {"", ".", ".."}
        and "/" not in filename
        and "\\" not in filename
    )


def _verify(path: Path, artifact: Artifact, hint: str) -> None:
    if not path.is_file():
        raise ManifestError(f"{artifact.filename} from the last build is missing", hint=hint)
    if path.stat().st_size != artifact.size or sha256_of(path) != artifact.sha256:
        raise ManifestError(
            f"{artifact.filename} changed since 'pkgforge build' recorded it", hint=hint
        )
