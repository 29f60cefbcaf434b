from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pkgforge import __version__


def test_version(run_cli) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli("--version")
    assert exc.value.code == 0


def test_version_subprocess_is_fast_path() -> None:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pkgforge", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"pkgforge {__version__}"
    # --version must not pull in the heavy libraries
    for heavy in ("cookiecutter", "build", "twine", "libcst", "jinja2", "requests"):
        assert f" {heavy}\n" not in out.stderr and f" {heavy}." not in out.stderr, heavy


def test_no_command_prints_help(run_cli) -> None:
    status, out, _ = run_cli()
    assert status == 2
    assert "COMMAND" in out


def test_usage_error_is_one_line_with_hint(run_cli) -> None:
    status, _, err = run_cli("new")
    assert status == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: ")
    assert lines[1].startswith("hint: ")
    assert "Traceback" not in err


def test_unknown_option(run_cli) -> None:
    status, _, err = run_cli("check", "--frobnicate")
    assert status == 2
    assert err.startswith("error: unknown option '--frobnicate'")


@pytest.mark.parametrize(
    ("argv", "error", "hint"),
    [
        # argparse would say NAME is missing: the option is what went wrong.
        (["new", "-x"], "unknown option '-x'", "run 'pkgforge new --help' for the options"),
        (["new", "sound", "-x"], "unknown option '-x'", "run 'pkgforge new --help'"),
        (["new", "--foo=1", "--bar"], "unknown options '--foo=1', '--bar'", "pkgforge new --help"),
        (["update", "--chek"], "unknown option '--chek'", "did you mean '--check'?"),
        (["-x"], "unknown option '-x'", "run 'pkgforge --help' for the options"),
        # What argparse accepts stays accepted, and a real missing NAME is still said.
        (["new", "--no-inp"], "the following arguments are required: NAME", "new --help"),
        (["new", "-vq"], "the following arguments are required: NAME", "new --help"),
        (["new", "-ofolder"], "the following arguments are required: NAME", "new --help"),
    ],
)
def test_an_unknown_option_is_said_before_a_missing_argument(
    run_cli, argv: list[str], error: str, hint: str
) -> None:
    status, out, err = run_cli(*argv)
    assert (status, out) == (2, "")
    first, second = err.splitlines()
    assert first == f"error: {error}"
    assert second.startswith("hint: ") and hint in second


@pytest.mark.parametrize(
    "command",
    ["new", "add", "check", "tree", "graph", "explain", "rules", "build", "publish", "completion"],
)
def test_every_command_has_help(run_cli, command: str) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli(command, "--help")
    assert exc.value.code == 0


def test_global_options_after_subcommand(run_cli) -> None:
    status, _, err = run_cli("new", "-q", "class")
    assert status == 2
    assert "keyword" in err


def test_a_run_builds_only_its_command_and_help_lists_them_all() -> None:
    from pkgforge.cli import _build_parser, _chosen_command
    from pkgforge.commands import COMMAND_NAMES

    assert _chosen_command(["-v", "check", "--select", "PF402"]) == "check"
    assert _chosen_command(["--debug", "new", "sound"]) == "new"
    assert _chosen_command(["chek"]) is None  # argparse must see every choice to say so
    assert _chosen_command(["--help", "check"]) is None
    full, chosen = _build_parser(), _build_parser("check")
    assert all(name in full.format_help() for name in COMMAND_NAMES)
    args = chosen.parse_args(["check", "--select", "PF402", "--exit-zero"])
    assert (args.command, args.exit_zero) == ("check", True)


def test_a_run_imports_only_its_command() -> None:
    code = (
        "import sys\n"
        "from pkgforge.cli import _build_parser\n"
        "_build_parser('check')\n"
        "print(sorted(m for m in sys.modules if m.startswith('pkgforge.commands.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['pkgforge.commands._common', 'pkgforge.commands.check']"


_CONSOLE_WITH_ATEXIT = """\
import atexit, sys
atexit.register(lambda: print("torn down", file=sys.stderr))
sys.argv = ["pkgforge", *sys.argv[1:]]
from pkgforge.cli import console_main
console_main()
"""


def test_check_ends_without_tearing_down_but_prints_everything(tmp_path: Path) -> None:
    package = tmp_path / "sound"
    package.mkdir()
    (package / "__init__.py").write_text("from sound.gone import X\n", encoding="utf-8")

    def console(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _CONSOLE_WITH_ATEXIT, *argv],
            capture_output=True,
            text=True,
            check=False,
        )

    checked = console("check", "--no-cache", "--output-format", "json", str(package))
    assert checked.returncode == 1
    assert json.loads(checked.stdout)["findings"]  # flushed whole before the quick exit
    assert "torn down" not in checked.stderr
    refused = console("check", "--select", "NOPE", str(package))
    assert refused.returncode == 2 and "error:" in refused.stderr
    assert "torn down" not in refused.stderr
    listed = console("rules")  # other commands end as usual
    assert listed.returncode == 0 and "torn down" in listed.stderr


def test_a_check_runs_without_the_cyclic_collector_and_main_gives_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    import gc

    from pkgforge.checker import engine

    seen: list[bool] = []
    real = engine._run_rules

    def watching(*args: object) -> object:
        seen.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_run_rules", watching)
    package = tmp_path / "sound"
    package.mkdir()
    (package / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    assert gc.isenabled()
    status, _, _ = run_cli("check", "--no-cache", str(package))
    assert status == 0
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_off_only_while_parsing_for_a_command_that_tears_down(
    run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from pkgforge.commands import rules

    seen: list[bool] = []
    real = rules.run

    def watching(*args: object) -> object:
        seen.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "run", watching)
    status, _, _ = run_cli("rules")
    assert (status, seen) == (0, [True])
    assert gc.isenabled()
    status, _, _ = run_cli("rules", "--no-such-option")  # a usage error while off
    assert status == 2
    assert gc.isenabled()


def test_help_lists_every_command(run_cli) -> None:
    from pkgforge.commands import COMMANDS

    status, out, _ = run_cli()  # no command: the help, as `pkgforge --help` prints it
    assert status == 2
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("    ")}
    assert {command.__name__.rpartition(".")[2] for command in COMMANDS} <= listed
    assert {"tree", "graph"} <= listed
