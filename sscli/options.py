"""The global options and built-in command names, spelt once.

The click group builds its options from here; so do completion and the fast path
that runs an API call without loading click. This module imports nothing.
"""

from __future__ import annotations

# (names, destination, takes a value, help)
GLOBAL_OPTIONS = (
    (("-p", "--profile"), "profile", True, "Server profile for this run."),
    (
        ("-o", "--output"),
        "output",
        True,
        "Output format (default: table on a terminal, json otherwise).",
    ),
    (("--query",), "query", True, "JMESPath expression applied to the result."),
    (
        ("--debug",),
        "debug",
        False,
        "Show each request and answer, and a bug's traceback.",
    ),
    (("--post",), "post", False, "Send the call as a form POST."),
    (("--retry",), "retry", False, "Retry even a call that changes state."),
    (("--no-wait",), "no_wait", False, "Do not wait for async jobs."),
    (("--no-paginate",), "no_paginate", False, "Only the first page of a list."),
    (("--no-color",), "no_color", False, "No colour, even on a terminal."),
    (("--compact",), "compact", False, "JSON on one line."),
    (("--wide",), "wide", False, "Show every column, and never shorten cells."),
)
VALUE_OPTIONS = tuple(
    n for names, _, valued, _ in GLOBAL_OPTIONS if valued for n in names
)
SHORT_VALUE_OPTIONS = tuple(n for n in VALUE_OPTIONS if not n.startswith("--"))
FLAG_OPTIONS = tuple(
    n for names, _, valued, _ in GLOBAL_OPTIONS if not valued for n in names
)
DESTINATIONS = {name: dest for names, dest, _, _ in GLOBAL_OPTIONS for name in names}
BUILTIN_COMMANDS = (
    "completion",
    "help",
    "login",
    "logout",
    "profiles",
    "set",
    "shell",
    "simulator",
    "sync",
    "wait",
)
PROFILES_COMMANDS = ("delete", "import")  # sscli profiles ...
IMPORT_SOURCES = ("cmk", "cs")  # sscli profiles import ...
HELP_WORDS = ("-h", "--help")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move global options to the front, so they work after any command too.

    Words after `set` stay put (a secret may start with a dash), and so does
    everything after `--`. API words never start with a dash: they are key=value,
    so an unknown option after an API name goes to the front too, where click
    reports it with the same line as before the name.
    """
    front: list[str] = []
    rest: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--" or (word == "set" and not rest):
            rest.extend([word, *words])
            break
        name = word.split("=", 1)[0]
        if word in FLAG_OPTIONS or (
            name in VALUE_OPTIONS and name.startswith("--") and "=" in word
        ):
            front.append(word)
        elif word in VALUE_OPTIONS:
            front.extend([word, _option_value(word, words)])
        elif word[:2] in SHORT_VALUE_OPTIONS and len(word) > 2:
            front.extend([word[:2], word[2:]])  # -ojson, as click reads it
        elif _is_option(word) and rest and rest[0] not in BUILTIN_COMMANDS:
            front.append(word)
        else:
            rest.append(word)
    return [*front, *rest]


def _option_value(option: str, words) -> str:
    value = next(words, None)
    if value is None or value in FLAG_OPTIONS or value in VALUE_OPTIONS:
        from sscli.errors import UsageError  # errors load enum: not for a TAB

        raise UsageError(f"{option} needs a value")
    return value


def _is_option(word: str) -> bool:
    """A word click would take for an option; -h after an API name is its help."""
    return word.startswith("-") and len(word) > 1 and word not in HELP_WORDS


def api_call_words(argv: list[str]) -> tuple[dict, list[str]] | None:
    """(option values, words) when argv is a plain API call, else None.

    A plain call is options then an API name and key=value words, with no help
    asked: that is all click would do for it, so it runs without loading click.
    """
    values: dict = {}
    words = iter(argv)
    for word in words:
        name, equals, inline = word.partition("=")
        if word in FLAG_OPTIONS:
            values[DESTINATIONS[word]] = True
        elif word in VALUE_OPTIONS:
            values[DESTINATIONS[word]] = next(words)
        elif equals and name in VALUE_OPTIONS and name.startswith("--"):
            values[DESTINATIONS[name]] = inline
        elif word.startswith("-") or word in BUILTIN_COMMANDS:
            return None
        else:
            rest = [word, *words]
            if any(part in HELP_WORDS or part == "--" for part in rest):
                return None
            return values, rest
    return None
