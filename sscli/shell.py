"""The interactive shell: `sscli` on a terminal, or `sscli shell`.

prompt_toolkit does the line editing: history with Ctrl-R search, Ctrl-C to
clear the line, Ctrl-D to leave. Each line runs like a command line of its own
(batch.run_words), so calls, `set`, `sync`, `help` and options all work as
outside, over one connection per profile. TAB asks sscli.completion, the code
the bash, zsh and fish scripts use, in a thread so the prompt never waits on it.
Only the shell imports this module: a batch does not pay for prompt_toolkit.
"""

from __future__ import annotations

import itertools
import os
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import Completer, Completion, ThreadedCompleter
from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from sscli import __version__, batch, config, files
from sscli.errors import ExitCode, SscliError

HISTORY_FILE = "history"
HISTORY_MODE = 0o600  # lines name hosts and ids; only the user may read them
HISTORY_LOADED = 10_000  # newest lines brought back; the file itself only grows
PROMPT = "sscli:{profile}> "
GREETING = "sscli {version}: help lists APIs, TAB completes, Ctrl-D leaves."
NEEDS_TERMINAL = (
    "Error: the shell needs a terminal on stdout; "
    "run one command instead: sscli API [key=value ...]"
)
QUOTES = "'\""


def run_shell(values: dict) -> int:
    """Prompt for lines until Ctrl-D or exit; values are sscli's global options."""
    if not sys.stdout.isatty():
        print(NEEDS_TERMINAL, file=sys.stderr)
        return ExitCode.USAGE
    return Shell(values).loop()


class Shell:
    def __init__(self, values: dict):
        # The global options given to sscli, for every line; `set profile` in
        # the shell changes "profile" (batch.follow_profile).
        self.values = dict(values)
        self.session = make_session(self.values)

    def loop(self) -> int:
        from sscli.call import reuse_clients

        print(GREETING.format(version=__version__), file=sys.stderr)
        with reuse_clients():
            while True:
                try:
                    text = self.session.prompt(self.prompt_text()).strip()
                except KeyboardInterrupt:  # Ctrl-C: prompt_toolkit cleared the line
                    continue
                except EOFError:  # Ctrl-D
                    return ExitCode.OK
                if text in batch.LEAVE_WORDS:
                    return ExitCode.OK
                if text and not text.startswith(batch.COMMENT):
                    self.run_line(text)

    def run_line(self, text: str) -> None:
        words = batch.without_program_word(text.split())
        if not words or words[0] == "shell":
            print("Already in the sscli shell; Ctrl-D leaves it.", file=sys.stderr)
            return
        batch.run_text(text, self.values)

    def profile(self) -> str | None:
        try:
            return config.resolve(profile=self.values.get("profile")).name
        except SscliError:  # a bad config still gets a prompt; calls say what is wrong
            return self.values.get("profile")

    def prompt_text(self) -> str:
        return PROMPT.format(profile=self.profile() or "?")


def make_session(values: dict) -> PromptSession:
    return PromptSession(
        history=open_history(),
        completer=ThreadedCompleter(ShellCompleter(values)),
        # TAB asks, typing does not: an id lookup per keystroke would be wasteful.
        complete_while_typing=False,
        auto_suggest=AutoSuggestFromHistory(),
    )


# -- history ----------------------------------------------------------------------


def history_path() -> Path:
    return config.cache_dir() / HISTORY_FILE


def open_history() -> History:
    path = history_path()
    try:
        make_private_file(path)
    except OSError as err:
        print(
            f"Warning: history not saved: cannot write {path}: {err.strerror}; "
            f"set {files.CACHE_DIR_ENV} to a writable dir",
            file=sys.stderr,
        )
        return SecretFreeHistory(InMemoryHistory())
    return SecretFreeHistory(file_history(path))


def make_private_file(path: Path) -> None:
    files.ensure_private_dir(path.parent)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, HISTORY_MODE)
    os.close(handle)
    os.chmod(path, HISTORY_MODE)  # an older file may have been made wider


def file_history(path: Path) -> History:
    return FileHistory(str(path))


class SecretFreeHistory(History):
    """A history that never keeps, on disk or in memory, a line holding a secret."""

    def __init__(self, inner: History):
        super().__init__()
        self.inner = inner

    def load_history_strings(self) -> Iterable[str]:
        # Newest first, so a years-old file costs the prompt no more than this.
        return itertools.islice(self.inner.load_history_strings(), HISTORY_LOADED)

    def store_string(self, string: str) -> None:
        self.inner.store_string(string)

    def append_string(self, string: str) -> None:
        if not batch.is_secret(string):
            super().append_string(string)


# -- completion ----------------------------------------------------------------------


class ShellCompleter(Completer):
    def __init__(self, values: dict):
        self.values = values  # the shell's own dict: `set profile` shows here too

    def get_completions(self, document, complete_event) -> Iterable[Completion]:
        text = document.text_before_cursor
        start = current_word_start(text)
        typed = unquote(text[start:])
        for word, label in offer(self.values, text[:start], typed):
            yield Completion(
                quote_if_needed(word),
                start_position=start - len(text),
                # After `zoneid=` the menu lists ids, not zoneid=id over and over;
                # after `filter=id,` it lists the next field alone.
                display=shown_part(word) if "=" in typed else None,
                display_meta=label or None,
            )


def offer(values: dict, before: str, typed: str) -> list[tuple[str, str]]:
    """(word, label) pairs from sscli.completion; none when anything fails."""
    from sscli import completion

    try:
        words = batch.without_program_word(shlex.split(before))
        tokens = [*batch.option_words(values), *words]
        return completion.complete(tokens, typed)
    except Exception:  # a TAB must never print into the prompt
        return []


def shown_part(word: str) -> str:
    value = word.partition("=")[2]
    return value.rpartition(",")[2] if "=" in word and value else value


def current_word_start(text: str) -> int:
    """Where the word under the cursor begins; quoted spaces do not end a word."""
    start, quote = 0, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in QUOTES:
            quote = char
        elif char.isspace():
            start = index + 1
    return start


def unquote(word: str) -> str:
    for closing in ("", "'", '"'):
        try:
            parts = shlex.split(word + closing)
        except ValueError:
            continue
        return parts[0] if parts else ""
    return word


def quote_if_needed(text: str) -> str:
    if any(char.isspace() or char in QUOTES for char in text):
        return shlex.quote(text)
    return text
