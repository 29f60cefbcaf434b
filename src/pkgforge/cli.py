"""The command-line interface: a thin ``main(argv) -> int`` over the library.

Each subcommand lives in :mod:`pkgforge.commands` as a small module with
``register(subparsers)``; its ``run(args, log) -> int`` calls one library
function and renders the result. Nothing heavy is imported here, so
``pkgforge --help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import gc
import os
import sys

from pkgforge import TYPE_CHECKING, __version__

if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Sequence
    from typing import Any, NoReturn

    from pkgforge.errors import UsageError

__all__ = ["console_main", "main"]

LOG_NAME = "pkgforge"


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse that raises instead of printing a usage block and exiting (argparse is
    imported here: a replayed ``check`` never needs it)."""
    import argparse

    from pkgforge.errors import UsageError

    class _Formatter(argparse.HelpFormatter):
        """argparse's help formatter, asking the terminal's width only when it formats
        something: argparse makes one for every option it adds (to check it), and the
        default asks each time (importing shutil, with its compression modules)."""

        def __init__(
            self,
            prog: str,
            indent_increment: int = 2,
            max_help_position: int = 24,
            width: int | None = None,
        ) -> None:
            self._asked = (max_help_position, width)
            super().__init__(prog, indent_increment, max_help_position, width or 80)

        def format_help(self) -> str:
            max_help_position, width = self._asked
            if width is None:
                import shutil

                width = shutil.get_terminal_size().columns - 2
                self._width = width
                low = max(width - 20, self._indent_increment * 2)
                self._max_help_position = min(max_help_position, low)
                self._asked = (max_help_position, width)
            return super().format_help()

    class _Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", _Formatter)
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> NoReturn:
            raise UsageError(message, hint=f"run '{self.prog} --help' for the options")

    return _Parser


def _build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``chosen``, only that subcommand (the others' modules are not even
    imported: a run parses one command, and building every command's options costs more
    than the parse)."""
    from pkgforge.commands import COMMAND_NAMES, command

    _remember_translations()
    parser_class = _parser_class()

    parser = parser_class(
        prog="pkgforge",
        description="Scaffold, check, build and publish Python packages.",
    )
    parser.add_argument("--version", action="version", version=f"pkgforge {__version__}")
    _add_global_options(parser, defaults=True)
    # The same options after the subcommand (`pkgforge check -v`); SUPPRESS keeps
    # the subparser from resetting what was given before it.
    common = parser_class(add_help=False)
    _add_global_options(common, defaults=False)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=parser_class, prog=parser.prog
    )
    for name in COMMAND_NAMES if chosen is None else (chosen,):
        command(name).register(sub, [common])
    return parser


def _remember_translations() -> None:
    """argparse looks its own words up in gettext's catalogues for every parser it makes,
    searching the disk each time (60% of building pkgforge's parser); the answer does not
    change within one run, so it is looked up once per word, and not at all where the
    language is English or C (gettext would find no catalogue: the words stay as they
    are)."""
    import argparse
    import functools
    import gettext

    if getattr(argparse, "_", None) is _same or isinstance(
        getattr(argparse, "_", None), functools._lru_cache_wrapper
    ):
        return
    if _untranslated():
        argparse._ = _same  # type: ignore[attr-defined]
        argparse.ngettext = _singular_or_plural  # type: ignore[attr-defined]
    else:
        argparse._ = functools.lru_cache(maxsize=256)(gettext.gettext)  # type: ignore[attr-defined]


def _untranslated() -> bool:
    """Whether gettext finds no translation: the environment asks for English or C, in
    the order gettext reads it."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            languages = value.split(":") if name == "LANGUAGE" else [value]
            return all(
                lang.split("_")[0].split(".")[0] in {"C", "POSIX", "en"} for lang in languages
            )
    return True


def _same(message: str) -> str:
    return message


def _singular_or_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _chosen_command(args_list: Sequence[str]) -> str | None:
    """The subcommand named before any option that takes a value, or None (then every
    command is built: help, completion, a typo argparse should report)."""
    from pkgforge.commands import COMMAND_NAMES

    for arg in args_list:
        if arg in COMMAND_NAMES:
            return arg
        if not arg.startswith("-") or arg in {"-h", "--help", "--version"}:
            return None
    return None


def _complete(parser: argparse.ArgumentParser) -> None:
    import argcomplete

    argcomplete.autocomplete(parser)


def _parse(parser: argparse.ArgumentParser, args_list: list[str]) -> argparse.Namespace:
    from pkgforge.errors import UsageError

    try:
        args, extras = parser.parse_known_args(args_list)
    except UsageError as err:
        # argparse reports a missing NAME before an unknown option (`new -x`); the option
        # is what the user got wrong.
        command = _chosen_command(args_list)
        unknown = _unknown_options(parser, command, args_list)
        if not unknown or not err.message.startswith("the following arguments are required"):
            raise
        raise _unknown_options_error(parser, command, unknown) from None
    if extras:
        # argparse leaves a subcommand's unknown options to the top-level parser;
        # the help that lists the right options is the subcommand's own.
        if all(_looks_like_option(extra) for extra in extras):
            raise _unknown_options_error(parser, args.command, extras)
        prog = f"{parser.prog} {args.command}" if args.command else parser.prog
        raise UsageError(
            f"unrecognized arguments: {' '.join(extras)}",
            hint=f"run '{prog} --help' for the options",
        )
    return args


def _looks_like_option(arg: str) -> bool:
    return len(arg) > 1 and arg.startswith("-") and not arg.lstrip("-")[:1].isdigit()


def _option_strings(parser: argparse.ArgumentParser, command: str | None) -> list[str]:
    """The options ``pkgforge [COMMAND]`` takes: the global ones and the command's."""
    import argparse

    known = list(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            known += list(action.choices[command]._option_string_actions)
    return known


def _unknown_options(
    parser: argparse.ArgumentParser, command: str | None, args_list: Sequence[str]
) -> list[str]:
    """The arguments that look like options and that no option of the command matches
    as argparse would (exactly, by a unique prefix, or a short option with its value)."""
    known = _option_strings(parser, command)
    unknown = []
    for arg in args_list:
        if arg == "--":
            break
        if not _looks_like_option(arg):
            continue
        name = arg.partition("=")[0]
        prefixed = [o for o in known if o.startswith("--") and o.startswith(name)]
        if name in known or (name.startswith("--") and len(prefixed) == 1):
            continue
        if not name.startswith("--") and name[:2] in known:
            continue  # -ofolder, -vq
        unknown.append(arg)
    return unknown


def _unknown_options_error(
    parser: argparse.ArgumentParser, command: str | None, unknown: Sequence[str]
) -> UsageError:
    import difflib

    from pkgforge.errors import UsageError

    prog = f"{parser.prog} {command}" if command else parser.prog
    said = ", ".join(repr(arg) for arg in unknown)
    hint = f"run '{prog} --help' for the options"
    close = difflib.get_close_matches(
        unknown[0].partition("=")[0], _option_strings(parser, command), n=1, cutoff=0.7
    )
    if close:
        hint = f"did you mean {close[0]!r}? ({hint})"
    return UsageError(f"unknown option{'s' if len(unknown) > 1 else ''} {said}", hint=hint)


def _add_global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    import argparse

    group = parser.add_argument_group("global options")
    count_default = 0 if defaults else argparse.SUPPRESS
    flag_default = False if defaults else argparse.SUPPRESS
    group.add_argument("-v", "--verbose", action="count", default=count_default, help="say more")
    group.add_argument("-q", "--quiet", action="count", default=count_default, help="say less")
    group.add_argument(
        "--debug",
        action="store_true",
        default=flag_default,
        help="show tracebacks and debug logging (secrets redacted)",
    )


def _configure_logging(verbose: int, quiet: int, debug: bool) -> logging.Logger:
    # Imported here: logging costs several milliseconds that --help and --version don't need.
    import logging

    class _Formatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            message = record.getMessage()
            if record.levelno >= logging.WARNING:
                return f"{record.levelname.lower()}: {message}"
            return message

    log = logging.getLogger(LOG_NAME)
    level = logging.INFO + 10 * (quiet - verbose)
    if debug:
        level = logging.DEBUG
    log.setLevel(max(logging.DEBUG, min(level, logging.CRITICAL)))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    log.handlers[:] = [handler]
    log.propagate = False
    return log


def main(argv: Sequence[str] | None = None) -> int:
    """Run pkgforge with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    collecting = gc.isenabled()
    try:
        return _main(argv)[0]
    finally:
        # A caller that goes on (tests, an embedding program) gets its collector back;
        # the console script ends without it (console_main).
        if collecting:
            gc.enable()


def _main(argv: Sequence[str] | None) -> tuple[int, bool]:
    """The exit status, and whether the process may end without tearing its objects down
    (a command that holds nothing to clean up says so with ``quick_exit``)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    replayed = _replayed(args_list)
    if replayed is not None:
        return replayed, True
    from pkgforge.errors import CancelledError, PkgforgeError

    debug = "--debug" in args_list
    quick = [False]
    try:
        status = _run(args_list, quick)
    except PkgforgeError as err:
        if isinstance(err, CancelledError):
            _end_the_open_line(prompt_open=err.after_prompt)
        _print_error(err.message, err.hint)
        if debug:
            raise
        return err.exit_code, quick[0]
    except KeyboardInterrupt:
        _end_the_open_line(prompt_open=False)
        _print_error("interrupted", None)
        return 130, quick[0]
    except BrokenPipeError:
        # The reader went away (`pkgforge check | head`): stop quietly, as cat does.
        _silence_stdout()
        return 1, quick[0]
    except Exception as err:
        if debug:
            raise
        _print_error(
            f"internal error: {type(err).__name__}: {err}",
            "this is a pkgforge bug; run again with --debug for the traceback and report it",
        )
        return 2, quick[0]
    return status, quick[0]


def _replayed(args_list: list[str]) -> int | None:
    """An unchanged project's ``check``, answered with what the same command line printed
    last time (:mod:`pkgforge.checker.replay`), before argparse, logging or the engine are
    even imported; None when there is no such answer."""
    if not args_list or args_list[0] != "check" or "_ARGCOMPLETE" in os.environ:
        return None
    from pkgforge.checker.replay import replay_command

    return replay_command(args_list[1:])


def _run(args_list: list[str], quick_exit: list[bool]) -> int:
    """Parse and run one command; set ``quick_exit[0]`` once the command is known."""
    completing = "_ARGCOMPLETE" in os.environ
    # Importing argparse and building the parser make no garbage cycles worth collecting
    # (the collector's passes over them were 1% of a re-check): off until the command
    # is known, then on again unless the command ends the process without tearing down.
    collecting = gc.isenabled()
    gc.disable()
    parser = _build_parser(None if completing else _chosen_command(args_list))
    if completing:
        _complete(parser)  # a TAB in a shell: answer and exit (pkgforge completion)
    args = _parse(parser, args_list)
    args.command_line = tuple(args_list)
    quick_exit[0] = bool(getattr(args, "quick_exit", False))
    if collecting and not quick_exit[0]:
        # A process that ends without tearing down (see console_main) has no use for the
        # cyclic collector: it would walk the check's whole model, again and again while
        # it grows and once more while the report is written (a tenth of a cold run).
        gc.enable()
    if args.command is None:
        parser.print_help()
        return 2
    log = _configure_logging(args.verbose, args.quiet, args.debug)
    from pkgforge import class_code

    class_code.install()  # before the command imports the library and its dataclasses
    try:
        status: int = args.run(args, log)
    finally:
        class_code.save()  # what this run compiled, for the next
    return status


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _print_error(message: str, hint: str | None) -> None:
    first_line = message.splitlines()[0] if message else "unknown error"
    print(f"error: {first_line}", file=sys.stderr)
    rest = message.splitlines()[1:]
    for line in rest:
        print(f"  {line}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)


def console_main() -> NoReturn:
    """Entry point of the ``pkgforge`` console script."""
    status, quick = _main(None)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    if quick:
        sys.stderr.flush()
        # Freeing a checked project's model object by object takes ~50 ms on Django;
        # the operating system takes the whole process back at once (as mypy does).
        os._exit(status)
    sys.exit(status)


def _end_the_open_line(*, prompt_open: bool) -> None:
    """Start a cancel message on its own line. At a terminal, Ctrl-C (echoed as ``^C``)
    and Ctrl-D at a prompt leave the cursor in the middle of a line; in a pipe, only a
    prompt that got no answer does."""
    for stream in (sys.stdout, sys.stderr):
        try:
            at_a_terminal = stream.isatty()
        except (OSError, ValueError, AttributeError):  # closed or replaced
            continue
        if at_a_terminal or (prompt_open and stream is sys.stdout):
            try:
                stream.write("\n")
                stream.flush()
            except (OSError, ValueError):
                pass
            return
