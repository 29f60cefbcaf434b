"""``pkgforge completion bash|zsh|fish``: the scripts load in the real shells and complete.

Each shell runs the installed ``pkgforge`` console script at TAB, as a user's
shell would. A shell that is not installed is skipped with the reason (Debian:
``apt-get install zsh fish``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PKGFORGE = BIN / "pkgforge"

needs_script = pytest.mark.skipif(
    not PKGFORGE.is_file(), reason="needs the pkgforge console script (pip install -e .)"
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_ARC", "COMP_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _script(shell: str) -> str:
    done = subprocess.run(
        [str(PKGFORGE), "completion", shell],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    return done.stdout


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install {name})")
    return found


def test_completion_prints_a_script(run_cli) -> None:  # type: ignore[no-untyped-def]
    for shell, marker in (("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --")):
        status, out, _ = run_cli("completion", shell)
        assert status == 0
        assert marker in out and "pkgforge" in out


def test_unknown_shell_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    status, _, err = run_cli("completion", "tcsh")
    assert status == 2
    assert "invalid choice: 'tcsh'" in err
    assert "hint: run 'pkgforge completion --help'" in err


_BASH_DRIVER = r"""
source <(pkgforge completion bash)
complete -p pkgforge >/dev/null || exit 3
line="$1"
COMP_LINE="$line"
COMP_POINT=${#line}
read -ra COMP_WORDS <<< "$line"
[[ "$line" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMPREPLY=()
_python_argcomplete pkgforge "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


@needs_script
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("pkgforge ch", {"check"}),
        ("pkgforge check --output-f", {"--output-format"}),
        ("pkgforge check --output-format ", {"text", "json", "sarif", "github"}),
        ("pkgforge check --fail-on ", {"error", "warning", "info"}),
        ("pkgforge completion ", {"bash", "zsh", "fish"}),
        ("pkgforge new sound --template ", {"default", "minimal"}),
        ("pkgforge new sound --template mi", {"minimal"}),
        ("pkgforge link --template de", {"default"}),
        ("pkgforge explain PF40", {f"PF40{n}" for n in range(1, 10)}),
        ("pkgforge explain PF41", {f"PF41{n}" for n in range(7)}),
        ("pkgforge explain star-", {"star-import", "star-import-in-function"}),
        ("pkgforge explain PF10", {"PF101", "PF102", "PF103", "PF104", "PF105"}),
        ("pkgforge tr", {"tree"}),
        ("pkgforge gr", {"graph"}),
        ("pkgforge tree --format ", {"text", "json"}),
        ("pkgforge graph --fo", {"--focus", "--format"}),
        ("pkgforge graph --format ", {"text", "json", "dot", "mermaid", "svg", "html"}),
    ],
)
def test_bash_completes(line: str, expected: set[str], tmp_path: Path) -> None:
    bash = _shell("bash")
    done = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", _BASH_DRIVER, "driver", line],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    found = {word.strip() for word in done.stdout.splitlines()}
    assert expected <= found
    if len(expected) == 1:
        assert found == expected  # a unique prefix completes to the one word


@needs_script
def test_fish_completes(tmp_path: Path) -> None:
    fish = _shell("fish")
    script = tmp_path / "pkgforge.fish"
    script.write_text(_script("fish"), encoding="utf-8")
    checked = subprocess.run(
        [fish, "--no-execute", str(script)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    done = subprocess.run(
        [fish, "--no-config", "-c", f"source {script}; complete -C 'pkgforge ch'"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["check"]


_ZSH_DRIVER = r"""
zmodload zsh/zpty || exit 3
zpty -b z 'zsh -f -i'
zpty -w z "PS1='> '; autoload -U compinit; compinit -u -D; source ${1}; print READY"
out=""
for i in {1..100}; do
  zpty -r -t z line && out+="$line" || sleep 0.1
  [[ $out == *READY* ]] && break
done
zpty -w -n z $'pkgforge ch\t'
sleep 3
# put `print -r --` before what the completion left in the line, and run that
zpty -w -n z $'\x01print -r -- \n'
out=""
for i in {1..200}; do
  zpty -r -t z line && out+="$line" || sleep 0.1
  # print's output ends its line; the echoed input is followed by cursor moves
  [[ $out == *"pkgforge check"[$'\r\n']* ]] && break
done
print -r -- "$out"
zpty -d z
"""


@needs_script
def test_zsh_completes(tmp_path: Path) -> None:
    zsh = _shell("zsh")
    script = tmp_path / "pkgforge.zsh"
    script.write_text(_script("zsh"), encoding="utf-8")
    checked = subprocess.run([zsh, "-n", str(script)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    done = subprocess.run(
        [zsh, "-f", "-c", _ZSH_DRIVER, "driver", str(script)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    if done.returncode == 3:
        pytest.skip("zsh has no zsh/zpty module to drive an interactive shell")
    lines = [line.strip() for line in done.stdout.replace("\r", "\n").splitlines()]
    assert "pkgforge check" in lines, done.stdout


def test_start_up_does_not_import_argcomplete() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pkgforge", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "completion" in done.stdout
    assert "argcomplete" not in done.stderr
