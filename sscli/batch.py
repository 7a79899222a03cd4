"""Lines of sscli words run one after another: a batch on stdin, each shell line.

Every line goes through cli.run as if it were a command line of its own, so
errors, exit codes and Ctrl-C behave as they do outside. The global options
given to sscli itself go before each line's words, where the line's own options
still win. All lines share one Client per profile (call.reuse_clients), so a
batch talks to the server over one kept-alive connection.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterable

from sscli.errors import ExitCode

COMMENT = "#"
LEAVE_WORDS = ("exit", "quit")
# A line copied from a shell prompt or a cmk script starts with the program's
# name: `sscli listZones` and `cmk list zones` are that call.
PROGRAM_WORDS = ("sscli", "cmk")
# The names in a line (`set secretkey S`, `uploadSslCert privatekey=...`): one that
# redact calls secret keeps the whole line out of history and error messages;
# hiding a harmless line costs less than keeping a secret one.
LINE_NAMES = re.compile(r"[^\s=]+")


def run_batch(lines: Iterable[str], values: dict) -> int:
    """Run each line; return 0, or the exit code of the first line that failed."""
    from sscli.call import reuse_clients

    values = dict(values)  # follow_profile changes it for the lines that follow
    failed: list[int] = []
    first_code = ExitCode.OK
    with reuse_clients():
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text or text.startswith(COMMENT):
                continue
            if text in LEAVE_WORDS:
                break
            code = run_text(text, values, where=f"line {number}: ")
            if code == ExitCode.OK:
                continue
            failed.append(number)
            first_code = first_code or code
            if code == ExitCode.INTERRUPTED:
                break
    if len(failed) > 1:
        numbers = ", ".join(str(number) for number in failed)
        print(f"Error: {len(failed)} lines failed: {numbers}", file=sys.stderr)
    return first_code


def run_text(text: str, values: dict, where: str = "") -> int:
    """Run one line; its error, if any, is one stderr line starting with `where`."""
    words = split_line(text, where)
    if words is None:
        return ExitCode.USAGE
    words = without_program_word(words)
    if not words:  # `sscli` alone: already running
        return ExitCode.OK
    code = run_words(words, values, where)
    if code == ExitCode.OK:
        follow_profile(words, values)
    return code


def split_line(text: str, where: str = "") -> list[str] | None:
    """The words as a POSIX shell splits them; None, said on stderr, if it cannot."""
    try:
        return shlex.split(text)
    except ValueError as err:  # an unclosed quote
        print(f"{where}Error: {err}; close the quote", file=sys.stderr)
        return None


def without_program_word(words: list[str]) -> list[str]:
    if words and words[0].lower() in PROGRAM_WORDS:
        return words[1:]
    return words


def run_words(words: list[str], values: dict, where: str = "") -> int:
    from sscli.cli import run

    code = run([*option_words(values), *words], where)
    # Flush so that this line's output comes before the next line's messages.
    sys.stdout.flush()
    return code


def follow_profile(words: list[str], values: dict) -> None:
    """After `set profile NAME`, the lines that follow go to NAME even when sscli
    was started with -p OTHER, as they would in CloudMonkey."""
    lowered = [word.lower() for word in words[:2]]
    if lowered == ["set", "profile"] and len(words) > 2:
        values["profile"] = words[2]


def option_words(values: dict) -> list[str]:
    """The group's parsed global options as words: {"no_wait": True} -> --no-wait."""
    words: list[str] = []
    for name, value in values.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            words.append(flag)
        elif value not in (None, False):
            words.extend([flag, str(value)])
    return words


def is_secret(text: str) -> bool:
    from sscli.redact import is_secret_name

    return any(is_secret_name(name) for name in LINE_NAMES.findall(text))
