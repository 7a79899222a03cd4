"""Help for APIs as plain text that fits an 80-column terminal.

`sscli help deployVirtualMachine` and `sscli deployVirtualMachine -h` show one
API (format_api_help); `sscli help` and `sscli help WORD` list the APIs grouped
by verb (format_api_list). No rich here: help should appear at once.
"""

from __future__ import annotations

import textwrap

from sscli.errors import UsageError

Row = tuple[str, str, str]  # (indented name, type, description) of a help table

NAME_COLUMN_MAX = 20  # a longer name stands alone on its line
TYPE_COLUMN_MAX = 8  # "boolean", "integer"; a longer type ends its line
GAP = 2  # spaces between columns, never fewer
LIST_CELL = 26  # names in a listing: three to a row, long ones take two cells
INDENT = "  "
NESTED_INDENT = "  "
VERB_ORDER = ("list", "create", "delete", "update")
OTHER_VERBS = "other"
SMALL_GROUP = 3  # verbs with fewer APIs than this are listed under "other"
HELP_FLAGS = ("-h", "--help")
DETAILS_HINT = "Details of one: sscli help NAME   or   sscli NAME -h"


def help_for(
    catalog, words: list[str], width: int = 80, commands: dict[str, str] | None = None
) -> str:
    """`sscli help [WORDS]`: one API when the words name one, else a listing.

    `commands` (name: one line) are sscli's own, listed above all the APIs.
    """
    verb = catalog.lone_verb(words)
    if verb:
        return format_verb_list(catalog, verb, width)
    if words:
        try:
            command, rest = catalog.resolve(words)
        except UsageError:
            command, rest = None, words
        if command and not rest:
            return format_api_help(catalog.api(command), width)
    if not words:
        return format_api_list(catalog, None, width, commands)
    return format_api_list(catalog, " ".join(words), width)


def show_help(text: str) -> None:
    """Print help; page it on a terminal too short for it, never when piped."""
    import shutil
    import sys

    if sys.stdout.isatty() and text.count("\n") >= shutil.get_terminal_size().lines:
        import click

        click.echo_via_pager(text)
        return
    sys.stdout.write(text)


def help_for_call(catalog, words: list[str], width: int = 80) -> str:
    """`sscli API [name=value ...] -h`, or `sscli list -h` for a verb's APIs."""
    words = [word for word in words if word not in HELP_FLAGS]
    verb = catalog.lone_verb(words)
    if verb:
        return format_verb_list(catalog, verb, width)
    command, _ = catalog.resolve(words)
    return format_api_help(catalog.api(command), width)


# -- one API ----------------------------------------------------------------------


def format_api_help(api, width: int = 80) -> str:
    """Description, async or not, parameters and response fields of one API."""
    parts = [*_title(api, width), *_wrap(api.description, width, "")]
    parts += ["", _usage(api, width)]
    parts += _param_section("Required parameters", api.required, width)
    parts += _param_section("Optional parameters", api.optional, width)
    parts += _response_section(api.response, width)
    return "\n".join(parts).rstrip() + "\n"


def _title(api, width: int) -> list[str]:
    """`name (async ..., since ...)`, the brackets on a line of their own if long."""
    kind = "async: sscli waits for the job" if api.isasync else "sync"
    since = f", since {api.since}" if api.since else ""
    notes = f"({kind}{since})"
    if len(api.name) + 1 + len(notes) > width:
        return [api.name, notes]
    return [f"{api.name} {notes}"]


def _usage(api, width: int) -> str:
    words = [f"{param.name}={param.type.upper()}" for param in api.required]
    if api.optional:
        words.append("[name=value ...]")
    return textwrap.fill(
        " ".join(["Usage: sscli", api.name, *words]),
        width,
        subsequent_indent="         ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _param_section(title: str, params: list, width: int) -> list[str]:
    if not params:
        return []
    rows = [(INDENT + param.name, param.type, _described(param)) for param in params]
    return ["", f"{title}:", *_table(rows, width)]


def _described(param) -> str:
    if param.since:
        return f"{param.description} (since {param.since})".strip()
    return param.description


def _response_section(fields: list, width: int) -> list[str]:
    if not fields:
        return []
    return ["", "Response fields:", *_table(_field_rows(fields, INDENT), width)]


def _field_rows(fields: list, indent: str) -> list[Row]:
    """Each field, then its own fields one step further in, in one flat list."""
    rows = []
    for field in fields:
        rows.append((indent + field.name, field.type, field.description))
        rows += _field_rows(field.fields, indent + NESTED_INDENT)
    return rows


def _table(rows: list[Row], width: int) -> list[str]:
    """One column each for names (indent included), types and descriptions."""
    widest_name = max(len(name) for name, _, _ in rows)
    widest_type = max(len(kind) for _, kind, _ in rows)
    name_column = min(widest_name, len(INDENT) + NAME_COLUMN_MAX) + GAP
    type_column = min(widest_type, TYPE_COLUMN_MAX) + GAP
    lines = []
    for row in rows:
        lines += _row(*row, name_column, type_column, width)
    return lines


def _row(
    name: str, kind: str, text: str, name_column: int, type_column: int, width: int
) -> list[str]:
    """`name  type  description`; a cell too wide for its column ends its line,
    so the next cell starts the following line in its own column."""
    lines, lead = [], name
    if len(name) + GAP > name_column:
        lines.append(name)
        lead = ""
    lead = lead.ljust(name_column) + kind
    if len(kind) + GAP > type_column:
        lines.append(lead)
        lead = ""
    lead = lead.ljust(name_column + type_column)
    if not text:
        return lines + ([lead.rstrip()] if lead.strip() else [])
    hanging = " " * (name_column + type_column)
    return lines + _wrap(text, width, hanging, lead)


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> list[str]:
    if not text:
        return []
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )


# -- many APIs ----------------------------------------------------------------------


def format_api_list(
    catalog,
    word: str | None = None,
    width: int = 80,
    commands: dict[str, str] | None = None,
) -> str:
    """The APIs grouped by verb; with `word`, only names containing it."""
    names = catalog.names()
    if word:
        names = _matching(names, word)
        if not names:
            raise UsageError(_no_match_message(catalog, word))
    groups = _group_by_verb(names)
    lines = _command_rows(commands, width) if commands else []
    lines.append(_list_header(catalog, names, word))
    for verb in _verb_order(groups):
        lines += ["", f"{verb} ({len(groups[verb])})"]
        lines += _columns(groups[verb], width)
    lines += ["", DETAILS_HINT]
    return "\n".join(lines) + "\n"


def format_verb_list(catalog, verb: str, width: int = 80) -> str:
    """The APIs of one verb (`sscli help list`), in columns."""
    names = sorted(catalog.verb_names(verb), key=str.lower)
    header = f"{_count_apis(len(names), verb)} ({catalog.source})"
    lines = [header, "", *_columns(names, width), "", DETAILS_HINT]
    return "\n".join(lines) + "\n"


def _command_rows(commands: dict[str, str], width: int) -> list[str]:
    """sscli's own commands, one line of help each, then a blank line."""
    column = min(max(len(name) for name in commands), NAME_COLUMN_MAX) + GAP
    hanging = " " * (len(INDENT) + column)
    lines = ["sscli's own commands (details: sscli help COMMAND):"]
    for name in sorted(commands):
        lead = f"{INDENT}{name.ljust(column)}"
        lines += _wrap(commands[name], width, hanging, lead) or [lead.rstrip()]
    return [*lines, ""]


def _no_match_message(catalog, word: str) -> str:
    from sscli.catalog import closest_names

    words = word.split()
    if len(words) <= 2:
        _, close = catalog.suggestions(words)
    else:
        close = closest_names("".join(words), catalog.names())
    hint = f"did you mean {close[0]}?" if close else "see `sscli help` for all"
    return f"no API name contains {word!r}; {hint}"


def _matching(names: list[str], word: str) -> list[str]:
    """Names containing the word; `list zones` is read as `listzones`."""
    wanted = "".join(word.split()).lower()
    return [name for name in names if wanted in name.lower()]


def _list_header(catalog, names: list[str], word: str | None) -> str:
    if word:
        return f"{_count_apis(len(names))} matching {word!r} ({catalog.source})"
    return f"{_count_apis(len(names))} ({catalog.source})"


def _count_apis(count: int, kind: str = "") -> str:
    """`1 API`, `705 APIs`, `187 list APIs`."""
    return f"{count} {kind + ' ' if kind else ''}API{'' if count == 1 else 's'}"


def verb_of(name: str) -> str:
    """listVirtualMachines -> list; login -> login."""
    for position, char in enumerate(name):
        if char.isupper():
            return name[:position]
    return name


def _group_by_verb(names: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name in sorted(names, key=str.lower):
        groups.setdefault(verb_of(name), []).append(name)
    small = [
        verb
        for verb, members in groups.items()
        if len(members) < SMALL_GROUP and verb not in VERB_ORDER
    ]
    if len(small) > 1:
        others = sorted(
            (name for verb in small for name in groups.pop(verb)), key=str.lower
        )
        groups[OTHER_VERBS] = others
    return groups


def _verb_order(groups: dict[str, list[str]]) -> list[str]:
    """The common verbs first, then by group size, then alphabetically."""
    first = [verb for verb in VERB_ORDER if verb in groups]
    rest = sorted(
        (verb for verb in groups if verb not in VERB_ORDER and verb != OTHER_VERBS),
        key=lambda verb: (-len(groups[verb]), verb),
    )
    return first + rest + ([OTHER_VERBS] if OTHER_VERBS in groups else [])


def _columns(names: list[str], width: int) -> list[str]:
    """Names in rows of fixed cells; a long name takes as many cells as it needs."""
    rows, row = [], INDENT
    for name in names:
        cells = -(-(len(name) + 2) // LIST_CELL)
        if row.strip() and len(row) + cells * LIST_CELL > width:
            rows.append(row.rstrip())
            row = INDENT
        row += name.ljust(cells * LIST_CELL)
    rows.append(row.rstrip())
    return rows
