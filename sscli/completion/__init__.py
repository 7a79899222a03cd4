"""Shell completion: `sscli __complete SHELL CWORD WORD...` prints the candidates.

The shell scripts (scripts.py, `sscli completion bash|zsh|fish`) pass the words
of the line and the index of the one under the cursor. Everything here must be
quick: names, parameters and fixed values are answered with os and sys alone
(no click, requests, json or platformdirs). settings.py answers the rarer TABs
(settings, profiles, option values); ids.py fetches ids for `name=` values.
A TAB never prints an error: every failure means no answer.
"""

from __future__ import annotations

import os
import sys

from sscli import options
from sscli.catalog import store
from sscli.catalog.index import NO_LIST_API, parse_index, parse_params

SHELLS = ("bash", "zsh", "fish")
# The click group's commands and options, from the module that spells them once
# for click and for TABs alike (a TAB must not import click).
BUILTINS = options.BUILTIN_COMMANDS
VALUE_OPTIONS = options.VALUE_OPTIONS
FLAG_OPTIONS = (*options.FLAG_OPTIONS, "--help", "--version")
PROFILE_OPTIONS = ("-p", "--profile")
BOOLEANS = ("true", "false")
SELECTION_KEYS = ("filter", "exclude")  # read by the CLI, valid on every API
BASH_BREAKS = "=:"  # COMP_WORDBREAKS characters bash gives words of their own
# A first line of this alone tells the bash and zsh scripts to add no space after
# the word: a control character no name, field or id holds.
NO_SPACE = "\x1f"
# fish has no such switch; it adds no space after a word ending in one of
# `/=@:.,-`. sscli ignores an empty field, so `filter=id,name,` is harmless.
FISH_FIELD_END = ","

Candidate = tuple[str, str]  # (value, label)


def main(argv: list[str]) -> int:
    """Entry for `sscli __complete`; always exits 0 and prints only candidates."""
    try:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
        if argv and argv[0] == "__complete":
            argv = argv[1:]
        shell, cword, words = argv[0], int(argv[1]), argv[2:]
        if shell in SHELLS:
            sys.stdout.write(answer(shell, cword, words))
    except BaseException:  # a TAB must never show a traceback
        pass
    return 0


def answer(shell: str, cword: int, words: list[str]) -> str:
    """The lines to print for the word at `cword` of `words` (words[0]: sscli)."""
    if shell == "bash":
        tokens, current, keep = _join_bash_words(words, cword)
    else:
        tokens = words[:cword]
        current = words[cword] if cword < len(words) else ""
        keep = current.rfind("=") + 1 if shell == "zsh" else 0
    found = complete(tokens[1:], current)
    return format_lines(shell, found, keep)


def continues(value: str) -> bool:
    """Whether the word goes on after this candidate, so the shell must add no
    space: a parameter name wants its value, a field of filter= or exclude=
    may want `,` and another field."""
    name, equals, rest = value.partition("=")
    return bool(equals) and (not rest or name in SELECTION_KEYS)


def _join_bash_words(words: list[str], cword: int) -> tuple[list[str], str, int]:
    """Undo bash's split of `zoneid=ab` into zoneid, =, ab.

    Returns the whole words before the cursor's, the cursor's whole word, and
    how much of it bash will keep: readline replaces only the part after the
    last `=` or `:`.
    """
    words = words + [""] * (cword + 1 - len(words))
    joined: list[str] = []
    glue = False
    current_index, replaced = 0, words[cword]
    for index, word in enumerate(words[: cword + 1]):
        is_break = bool(word) and all(char in BASH_BREAKS for char in word)
        # An empty word under the cursor follows a space: `zoneid= <TAB>`.
        glue = glue and not (index == cword and not word)
        if joined and (is_break or glue):
            joined[-1] += word
        else:
            joined.append(word)
        glue = is_break
        current_index = len(joined) - 1
        if index == cword and is_break:
            replaced = ""
    current = joined[current_index]
    return joined[:current_index], current, len(current) - len(replaced)


def format_lines(shell: str, found: list[Candidate], keep: int) -> str:
    """One candidate a line; for bash and zsh, NO_SPACE first when the word goes on."""
    if shell == "fish":
        found = [(_fish_value(value), label) for value, label in found]
    if shell == "bash":
        lines = _bash_lines(found, keep)
    else:
        lines = [_tabbed(value[keep:], label) for value, label in found]
    if shell != "fish" and found and all(continues(value) for value, _ in found):
        lines.insert(0, NO_SPACE)
    return "".join(f"{line}\n" for line in lines)


def _tabbed(value: str, label: str) -> str:
    """zsh and fish read value TAB label."""
    return f"{value}\t{label}" if label else value


def _fish_value(value: str) -> str:
    """A field ends with `,` for fish, its only way to add no space after it."""
    if continues(value) and not value.endswith("="):
        return value + FISH_FIELD_END
    return value


def _bash_lines(found: list[Candidate], keep: int) -> list[str]:
    """bash shows no descriptions: labels go beside the value while it has a
    choice to show, and are dropped once one value is left to insert."""
    if len(found) == 1:
        return [found[0][0][keep:]]
    return [
        f"{value[keep:]}  ({label})" if label else value[keep:]
        for value, label in found
    ]


# -- what the word under the cursor can be ------------------------------------------


class Line:
    """What the words before the cursor already say."""

    def __init__(self, tokens: list[str]):
        self.profile: str | None = None
        self.positionals: list[str] = []
        self.option_waiting: str | None = None
        for token in tokens:
            self._read(token)

    def _read(self, token: str) -> None:
        if self.option_waiting:
            if self.option_waiting in PROFILE_OPTIONS:
                self.profile = token
            self.option_waiting = None
        elif token in VALUE_OPTIONS:
            self.option_waiting = token
        elif token.startswith("--profile="):
            self.profile = token.partition("=")[2]
        elif token.startswith("-"):
            return  # a flag, or --output=json
        else:
            self.positionals.append(token)


def complete(tokens: list[str], current: str) -> list[Candidate]:
    """Candidates for `current`, given the words between `sscli` and it."""
    line = Line(tokens)
    if line.option_waiting:
        from sscli.completion.settings import option_values

        return option_values(line.option_waiting, current)
    if current.startswith("--") and "=" in current:
        return _inline_option_values(current)
    if current.startswith("-"):
        return matching([*VALUE_OPTIONS, *FLAG_OPTIONS], current)
    if not line.positionals:
        return _first_words(line, current)
    first = line.positionals[0]
    if first in BUILTINS:
        from sscli.completion.settings import builtin_args

        return builtin_args(line, first, line.positionals[1:], current)
    return _api_words(line, current)


def _inline_option_values(current: str) -> list[Candidate]:
    """`--profile=<TAB>`: the values `--profile <TAB>` offers, after the `=`."""
    option, _, typed = current.partition("=")
    if option not in VALUE_OPTIONS:
        return []
    from sscli.completion.settings import option_values

    found = option_values(option, typed)
    return [(f"{option}={value}", label) for value, label in found]


def _first_words(line: Line, current: str) -> list[Candidate]:
    names = load_names(line.profile)
    verbs = sorted({verb_of(name) for name in names})
    words = [*BUILTINS, *verbs]
    if current:  # all 705 names on an empty word would only bury the verbs
        words += names
    return matching(list(dict.fromkeys(words)), current)


def _api_words(line: Line, current: str) -> list[Candidate]:
    lines = load_index(line.profile)
    api, used = _api_of(lines, line.positionals)
    if api is None:
        return _nouns(lines, line.positionals, current)
    specs = parse_params(lines[api])
    if "=" in current:
        return _param_values(line, api, specs, current)
    given = {word.partition("=")[0].split("[", 1)[0] for word in used}
    names = [name for name in [*specs, *SELECTION_KEYS] if name not in given]
    return matching([f"{name}=" for name in sorted(names)], current)


def _api_of(lines: dict[str, str], positionals: list[str]):
    """The canonical API the line names, in either grammar, and the words after."""
    lowered = {name.lower(): name for name in lines}
    api = lowered.get(positionals[0].lower())
    if api:
        return api, positionals[1:]
    if len(positionals) > 1 and "=" not in positionals[1]:
        api = lowered.get((positionals[0] + positionals[1]).lower())
        if api:
            return api, positionals[2:]
    return None, []


def _nouns(lines: dict[str, str], positionals: list[str], current: str):
    """`sscli list virt<TAB>`: CloudMonkey's second word, in lower case."""
    if len(positionals) != 1:
        return []
    verb = positionals[0]
    nouns = [
        name[len(verb) :].lower()
        for name in lines
        if verb_of(name).lower() == verb.lower() and len(name) > len(verb)
    ]
    return matching(nouns, current)


def _param_values(line: Line, api: str, specs: dict, current: str):
    name, _, typed = current.partition("=")
    if name in SELECTION_KEYS:
        from sscli.completion.fields import field_candidates

        return field_candidates(line.profile, api, name, typed)
    spec = specs.get(name)
    if spec is None:
        return []
    if spec[0] == "boolean":
        values = [(f"{name}={value}", "") for value in BOOLEANS]
    elif spec[2] != NO_LIST_API:
        from sscli.completion.ids import id_candidates

        found = id_candidates(line.profile, spec[2])
        values = [(f"{name}={value}", label) for value, label in found]
    else:
        return []
    return [(value, label) for value, label in values if _starts(value, current)]


def matching(words, current: str) -> list[Candidate]:
    return [(word, "") for word in words if _starts(word, current)]


def _starts(word: str, prefix: str) -> bool:
    return word[: len(prefix)].lower() == prefix.lower()


def verb_of(name: str) -> str:
    for position, char in enumerate(name):
        if char.isupper():
            return name[:position]
    return name


# -- the profile and its catalog -----------------------------------------------------


def load_index(profile: str | None) -> dict[str, str]:
    """{api: index line} of the profile's synced catalog, else the bundled one."""
    return load_catalog(profile)[0]


def load_catalog(profile: str | None) -> tuple[dict[str, str], str]:
    """The index lines and the details file of the catalog a TAB should use."""
    if store.has_synced_catalogs():
        from sscli.completion.settings import current_profile

        index_path, details_path = store.profile_paths(profile or current_profile())
        parsed = parse_index(store.read_text(index_path))
        if parsed:
            return parsed[1], details_path
    parsed = parse_index(store.read_text(store.BUNDLED_INDEX))
    return (parsed[1] if parsed else {}), store.BUNDLED_DETAILS


def load_names(profile: str | None) -> list[str]:
    return list(load_index(profile))


def script(shell: str) -> str:
    """The completion script for `sscli completion SHELL`."""
    from sscli.completion.scripts import script as make_script

    return make_script(shell)
