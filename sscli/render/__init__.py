"""Rendering a CloudStack response in one of the output formats.

The steps, in order: unwrap a succeeded job to its jobresult, run the JMESPath query,
keep the filter= fields and drop the exclude= keys, split into sections (rows.py),
and hand them to the format's module. Data goes to `out`, notes to `err`.
Each format module is imported only when used; rich loads only when a table is drawn
on a terminal, jmespath only for a query.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, TextIO

from sscli.errors import UsageError
from sscli.render.fields import normalize_names, select_fields
from sscli.render.rows import Options, View, is_terminal, unwrap_job

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


def render(
    data: dict | list,
    fmt: str,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    fields: list[str] | None = None,
    exclude: list[str] | None = None,
    query: str | None = None,
    color: bool | None = None,
    compact: bool = False,
    wide: bool = False,
    width: int | None = None,
) -> None:
    """Write data to out in format fmt (one of FORMATS); notes go to err.

    data is the unwrapped response; a succeeded job's payload is shown as its
    jobresult. query (JMESPath) runs first, then fields (filter=) and exclude.
    color=None: colour only when out is a terminal and NO_COLOR is unset; True or
    False wins over both. compact: one-line json. wide: cut nothing on a terminal.
    width: the terminal width to fit (default: detected); a pipe is never cut.
    Raises UsageError for an unknown format or a bad query.
    """
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    writer = load_writer(fmt)
    fields = normalize_names(fields)
    view = select_view(data, fields, normalize_names(exclude), query)
    if view.is_empty and fmt != "json":
        err.write(EMPTY_NOTE + "\n")
        return
    options = Options(pick_color(color, out), compact, wide, width)
    writer(view, out, err, options)


def load_writer(fmt: str) -> Any:
    if fmt not in FORMAT_MODULES:
        raise UsageError(
            f"Unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        )
    module = importlib.import_module(f"{__name__}.{FORMAT_MODULES[fmt]}")
    return module.write


def select_view(
    data: Any, fields: list[str] | None, exclude: list[str] | None, query: str | None
) -> View:
    data = unwrap_job(data)

    if query:
        from sscli.render.query import apply_query  # loads jmespath

        data = apply_query(data, query)

    data = select_fields(data, fields, exclude)
    return View(data, fields)


def pick_color(color: bool | None, out: TextIO) -> bool:
    """An explicit choice wins; otherwise colour on a terminal unless NO_COLOR."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    return is_terminal(out)
