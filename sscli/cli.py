"""The command line: global options, built-in commands, and any API by name.

`sscli listZones zoneid=...` is any word the group does not know: it becomes an
API call (call.run_call). Global options are accepted before or after it.
Errors become one line on stderr and an exit code here, and only here.
"""

from __future__ import annotations

import sys

from sscli import __version__

FAST_VERSION_FLAGS = ("--version", "-V")
COMPLETE_WORD = "__complete"


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Answers --version and TAB completion before click loads."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) == 1 and argv[0] in FAST_VERSION_FLAGS:
        print(f"sscli {__version__}")
        sys.exit(0)
    if argv and argv[0] == COMPLETE_WORD:
        from sscli.completion import main as complete

        sys.exit(complete(argv[1:]))
    sys.exit(run(argv))


def run(argv: list[str], where: str = "") -> int:
    """Run one command line and return its exit code; never raises.

    `where` goes before the error line: a batch says which of its lines failed.
    """
    from sscli.errors import ExitCode, SscliError

    try:
        return _dispatch(argv)
    except SscliError as err:  # the server's, the network's, the user's: no bug
        _report(where + err.line())
        return err.exit_code
    except KeyboardInterrupt:
        _report(where + "Interrupted.")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _quiet_broken_pipe()
        return ExitCode.OK
    except Exception as err:  # a bug: still one line, the traceback with --debug
        return _report_other(err, "--debug" in argv, where)


def _dispatch(argv: list[str]) -> int:
    """A plain API call runs straight away; everything else goes through click."""
    from sscli.errors import ExitCode
    from sscli.options import api_call_words, hoist_global_options

    argv = hoist_global_options(argv)
    plain_call = api_call_words(argv)
    if plain_call is not None:
        from sscli.call import RunOptions, run_call

        values, words = plain_call
        run_call(words, RunOptions.from_values(values))
        return ExitCode.OK

    from sscli.commands import cli

    code = cli.main(args=argv, prog_name="sscli", standalone_mode=False)
    # Out of standalone mode click returns the code of a ctx.exit (the shell's).
    return code if isinstance(code, int) else ExitCode.OK


def _report_other(err: Exception, debug: bool, where: str) -> int:
    """click's own errors are usage errors; anything else is a bug in sscli."""
    import click

    from sscli.errors import ExitCode

    if isinstance(err, click.exceptions.Exit):
        return err.exit_code
    if isinstance(err, click.Abort):
        _report(where + "Interrupted.")
        return ExitCode.INTERRUPTED
    if isinstance(err, click.ClickException):
        # click spreads some messages (choices) over lines; keep them to one.
        _report(f"{where}Error: {' '.join(err.format_message().split())}")
        return ExitCode.USAGE
    if debug:
        import traceback

        traceback.print_exc(file=sys.stderr)
    # The message itself may quote a request, so only the type is shown.
    _report(
        f"{where}Error: internal error ({type(err).__name__}); "
        "run with --debug for the traceback"
    )
    return ExitCode.INTERNAL


def _report(line: str) -> None:
    print(line, file=sys.stderr)


def _quiet_broken_pipe() -> None:
    """`sscli ... | head` closed the pipe: stop without a second error at exit."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
