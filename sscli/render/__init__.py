"""Rendering a CloudStack response in one of the output formats.

prepare() checks the format, the fields and the query before the call is sent;
its Rendering then writes the answer. The steps, in order: run the JMESPath
query, keep the filter= fields and drop the exclude= keys, split into sections
(rows.py), and hand them to the format's module.
A job's payload (queryAsyncJobResult) is shown as the object it is: the CLI's own
waiting already hands over the jobresult. Data goes to `out`, notes to `err`.
Each format module is imported only when used; rich loads only when a table is drawn
on a terminal, jmespath only for a query.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from sscli.errors import UsageError
from sscli.render.fields import (
    drop_excluded,
    find_missing,
    normalize_names,
    select_fields,
)
from sscli.render.rows import Options, View, is_terminal

FORMATS = ("json", "table", "csv", "text", "column", "tsv")
FORMAT_MODULES = {
    "json": "json_format",
    "table": "table",
    "csv": "csv_format",
    "text": "text",
    "column": "column",
    "tsv": "tsv",
}
EMPTY_NOTE = "No results."
# Formats that still write an empty result: JSON's {} or [], and csv's header row
# when filter= names the columns, so that a script reads a valid file of 0 rows.
WRITES_EMPTY = ("json", "csv")
MISSING_FIELD_NOTE = "No field {name!r} in the result."


@dataclass(frozen=True)
class Rendering:
    """The output of one call, checked before the call is sent: the format, the
    fields and the compiled query, ready to write whatever the server answers."""

    writer: Any
    fmt: str
    fields: list[str] | None
    exclude: list[str] | None
    query: Any  # a compiled JMESPath expression, or None
    color: bool | None
    compact: bool
    wide: bool
    width: int | None

    def write(
        self, data: dict | list, out: TextIO | None = None, err: TextIO | None = None
    ) -> None:
        """Write data to out (default stdout); notes go to err (default stderr)."""
        out = out if out is not None else sys.stdout
        err = err if err is not None else sys.stderr
        view, missing = select_view(data, self.fields, self.exclude, self.query)
        if view.is_empty and self.fmt != "json":
            err.write(EMPTY_NOTE + "\n")
        if not view.is_empty or self.fmt in WRITES_EMPTY:
            color = pick_color(self.color, out)
            options = Options(color, self.compact, self.wide, self.width)
            self.writer(view, out, err, options)
        for name in missing:
            err.write(MISSING_FIELD_NOTE.format(name=name) + "\n")


def prepare(
    fmt: str,
    *,
    fields: list[str] | None = None,
    exclude: list[str] | None = None,
    query: str | None = None,
    color: bool | None = None,
    compact: bool = False,
    wide: bool = False,
    width: int | None = None,
) -> Rendering:
    """Check how to show a result, before anything is sent to the server.

    fmt is one of FORMATS. query (JMESPath) runs first, then fields (filter=) and
    exclude; a key in both is excluded, and a field that no row has gets a note
    on err (and still its column, so `read` stays aligned). color=None: colour
    only when out is a terminal and NO_COLOR is unset; True or False wins over
    both. compact: one-line json. wide: cut and hide nothing on a terminal.
    width: the terminal width to fit (default: detected); a pipe is never cut.
    Raises UsageError for an unknown format, a bad query, or an exclude= that
    removes every filter= field: a call that changes state must not be sent
    only to fail at showing its answer.
    """
    writer = load_writer(fmt)
    exclude = normalize_names(exclude)
    fields = drop_excluded(normalize_names(fields), exclude)
    compiled = None
    if query:
        from sscli.render.query import compile_query  # loads jmespath

        compiled = compile_query(query)
    return Rendering(
        writer, fmt, fields, exclude, compiled, color, compact, wide, width
    )


def render(
    data: dict | list,
    fmt: str,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    **options: Any,
) -> None:
    """Write data to out in format fmt; the options are prepare's."""
    prepare(fmt, **options).write(data, out, err)


def load_writer(fmt: str) -> Any:
    if fmt not in FORMAT_MODULES:
        raise UsageError(
            f"Unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        )
    module = importlib.import_module(f"{__name__}.{FORMAT_MODULES[fmt]}")
    return module.write


def select_view(
    data: Any, fields: list[str] | None, exclude: list[str] | None, query: Any
) -> tuple[View, list[str]]:
    """The view to write, and the fields that no row of the data has."""
    if query is not None:
        from sscli.render.query import apply_query

        data = apply_query(data, query)

    selected = select_fields(data, fields, exclude)
    return View(selected, fields), find_missing(data, selected, fields)


def pick_color(color: bool | None, out: TextIO) -> bool:
    """An explicit choice wins; otherwise colour on a terminal unless NO_COLOR."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    return is_terminal(out)
