"""Time ``pkgforge publish`` against ``twine upload`` and ``uv publish``.

All three upload the same kind of project (an sdist and a wheel) to one
local pypiserver that needs a password, each round with fresh versions so no
upload collides. The artifacts are built before the clock starts; rounds
interleave the tools so drift hits them alike. Prints the median of each,
the ratios of the medians, and the median of each round's own ratio (the
tools of one round ran back to back, so a loaded machine disturbs it less).

    .venv/bin/python bench/bench_publish.py [--rounds N] [--instructions]

``--instructions`` also counts the instructions of one pkgforge and one twine
run under valgrind's callgrind: CPU work, whatever the load of the machine
(the index's own time is not in it).

pkgforge does more than the others: it re-hashes the manifest's files, asks
the index's simple API what it has before uploading and verifies every file
on it afterwards. twine and uv only upload. pkgforge runs twine's upload code
in its own process (with timeouts), so it pays for one interpreter and one
import of twine, as ``twine upload`` does.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import user_python

USER, PASSWORD = "bench", "bench-password"
TOOLS = ("pkgforge", "twine", "uv")
DRY = "pkgforge --dry-run"  # pkgforge's own share: everything but twine


def start_index(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    from passlib.apache import HtpasswdFile

    packages = root / "packages"
    packages.mkdir(parents=True)
    htpasswd = HtpasswdFile(str(root / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "pypiserver", "run", "-p", str(port), "-i", "127.0.0.1"]
    cmd += ["-P", str(root / "htpasswd"), "-a", "update", str(packages)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "simple/", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("pypiserver did not start")


def build(root: Path, name: str, version: str) -> Path:
    """Build NAME==VERSION (sdist + wheel) and record a manifest; return the dist dir."""
    from build import ProjectBuilder
    from pyproject_hooks import quiet_subprocess_runner as quiet

    from pkgforge.release.manifest import Artifact, Manifest, sha256_of, write_manifest

    project = root / f"{name}-{version}"
    package = project / "src" / name.replace("-", "_")
    package.mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
            [build-system]
            requires = ["setuptools>=77"]
            build-backend = "setuptools.build_meta"
            [project]
            name = "{name}"
            version = "{version}"
            """),
        encoding="utf-8",
    )
    (package / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    dist = project / "dist"
    builder = ProjectBuilder(project, python_executable=sys.executable, runner=quiet)
    paths = [Path(builder.build(kind, dist)) for kind in ("sdist", "wheel")]
    artifacts = tuple(
        Artifact(p.name, "wheel" if p.suffix == ".whl" else "sdist", p.stat().st_size, sha256_of(p))
        for p in paths
    )
    write_manifest(dist, Manifest(name, version, artifacts))
    return dist


def command(tool: str, dist: Path, url: str, py: str) -> list[str]:
    files = sorted(str(p) for p in dist.iterdir() if not p.name.startswith("."))
    if tool == "pkgforge":
        return [
            py,
            "-m",
            "pkgforge",
            "-q",
            "publish",
            str(dist),
            "--repository-url",
            url,
        ]
    if tool == "twine":
        twine = [py, "-m", "twine", "upload", "--non-interactive"]
        return [*twine, "--disable-progress-bar", "--repository-url", url, *files]
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    return [uv, "publish", "--publish-url", url, *files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions with callgrind"
    )
    args = parser.parse_args()
    py = user_python()
    env = {
        **os.environ,
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": PASSWORD,
        "UV_PUBLISH_USERNAME": USER,
        "UV_PUBLISH_PASSWORD": PASSWORD,
    }
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        root = Path(tmp)
        proc, url = start_index(root / "index")
        try:
            print(f"building {args.rounds * len(TOOLS)} projects...", file=sys.stderr)
            dists = {
                (tool, r): build(root, f"bench-{tool}", f"1.0.{r}")
                for r in range(args.rounds)
                for tool in TOOLS
            }
            if args.instructions:
                counts = {
                    tool: instructions(
                        command(tool, build(root, f"cg-{tool}", "1.0"), url, py), env
                    )
                    for tool in ("pkgforge", "twine")
                }
            times: dict[str, list[float]] = {tool: [] for tool in (*TOOLS, DRY)}
            for r in range(args.rounds):
                for tool in (DRY, *TOOLS):
                    if tool == DRY:
                        cmd = [*command("pkgforge", dists["pkgforge", r], url, py), "--dry-run"]
                    else:
                        cmd = command(tool, dists[tool, r], url, py)
                    start = time.perf_counter()
                    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                    times[tool].append(time.perf_counter() - start)
                    if done.returncode:
                        raise SystemExit(f"{tool} failed:\n{done.stdout}{done.stderr}")
        finally:
            proc.terminate()
            proc.wait()
    medians = {tool: statistics.median(t) for tool, t in times.items()}
    print(f"publish an sdist + wheel to a local pypiserver, median of {args.rounds} rounds")
    for tool in (*TOOLS, DRY):
        print(f"  {tool:<18} {medians[tool] * 1000:7.0f} ms")
    print(f"  pkgforge / twine upload = {medians['pkgforge'] / medians['twine']:.2f}x")
    print(f"  pkgforge / uv publish   = {medians['pkgforge'] / medians['uv']:.2f}x")
    paired = statistics.median(
        p / t for p, t in zip(times["pkgforge"], times["twine"], strict=True)
    )
    print(f"  pkgforge / twine upload, median of the rounds' own ratios = {paired:.2f}x")
    if args.instructions:
        ratio = counts["pkgforge"] / counts["twine"]
        print(
            f"  instructions: pkgforge {counts['pkgforge'] / 1e6:.0f} M, "
            f"twine {counts['twine'] / 1e6:.0f} M = {ratio:.2f}x"
        )


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """The instructions ``cmd`` executes, counted by callgrind (its children not included)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or found is None:
        raise SystemExit(f"callgrind run failed:\n{done.stdout}{done.stderr}")
    return int(found.group(1))


if __name__ == "__main__":
    main()
