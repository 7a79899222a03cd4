"""Turning any CloudStack answer into sections of rows, once for every format.

A response is one of: a list response (`{"count": 2, "virtualmachine": [...]}`, maybe
several lists), one nested object (`{"virtualmachine": {...}}`, as in a jobresult),
a single object (`{"success": true}`), or, after a query, any JSON value.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TextIO

from sscli.numbers import DECIMAL_TYPES
from sscli.render.json_format import dumps_json

COUNT_KEY = "count"  # list responses carry it beside their lists; it is not a row
LEADING_COLUMNS = ("id", "name")  # what people look for first, whatever the order

RECORDS = "records"  # rows are dicts; one row per item of a list
OBJECT = "object"  # a single dict shown as one record
VALUES = "values"  # scalars (or mixed items), one per line
GRID = "grid"  # rows are lists (from a query such as `vm[].[id, name]`), no header

# The shapes of a response dict
LISTS = "lists"  # {"count": 2, "virtualmachine": [...]}, maybe several lists
NESTED = "nested"  # {"virtualmachine": {...}}, a jobresult or a get-style answer
SINGLE = "single"  # {"success": true}, a job, any other object
EMPTY = "empty"  # {} or {"count": 0}: servers omit the list when nothing matched

EMPTY_NESTED = {list: "[]", dict: "{}"}
CONTROL_CHARS = [*range(0x20), *range(0x7F, 0xA0)]  # C0, DEL and C1
ONE_LINE_ESCAPES = {code: f"\\x{code:02x}" for code in CONTROL_CHARS} | {
    ord("\r"): "\\r",
    ord("\n"): "\\n",
    ord("\t"): "\\t",
}


@dataclass
class Section:
    """One thing to print: a list, a single object or loose values."""

    title: str | None
    kind: str
    rows: list[Any]
    columns: list[str] = field(default_factory=list)


@dataclass
class Options:
    color: bool = False
    compact: bool = False
    wide: bool = False
    width: int | None = None


@dataclass
class View:
    """The selected data (for json) and its sections (for every other format)."""

    data: Any
    fields: list[str] | None = None

    @cached_property
    def sections(self) -> list[Section]:
        return find_sections(self.data, self.fields)

    @property
    def is_empty(self) -> bool:
        return not self.sections


def find_sections(data: Any, fields: list[str] | None = None) -> list[Section]:
    """Split data into printable sections; empty lists give no section."""
    if isinstance(data, list):
        sections = [make_list_section(None, data, fields)]
    elif isinstance(data, dict):
        sections = find_dict_sections(data, fields)
    elif data is None:
        sections = []
    else:
        sections = [Section(None, VALUES, [data])]
    return [section for section in sections if section.rows]


def classify(data: dict) -> str:
    """Which shape a response dict has: LISTS, NESTED, SINGLE or EMPTY."""
    payload = [value for key, value in data.items() if key != COUNT_KEY]
    if not payload:
        return EMPTY
    if all(isinstance(value, list) for value in payload):
        return LISTS
    if len(payload) == 1 and isinstance(payload[0], dict):
        return NESTED
    return SINGLE


def find_dict_sections(data: dict, fields: list[str] | None) -> list[Section]:
    shape = classify(data)
    items = [(key, value) for key, value in data.items() if key != COUNT_KEY]
    if shape == LISTS:
        return [make_list_section(key, value, fields) for key, value in items]
    if shape == NESTED:
        return [make_object_section(key, value, fields) for key, value in items]
    if shape == SINGLE:
        return [make_object_section(None, data, fields)]
    return []


def make_list_section(title: str | None, items: list, fields: list[str] | None):
    if items and all(isinstance(item, dict) for item in items):
        return Section(title, RECORDS, items, order_columns(items, fields))
    if items and all(isinstance(item, list) for item in items):
        return Section(title, GRID, items)
    return Section(title, VALUES, items)


def make_object_section(title: str | None, item: dict, fields: list[str] | None):
    return Section(title, OBJECT, [item] if item else [], order_columns([item], fields))


def order_columns(rows: list[dict], fields: list[str] | None = None) -> list[str]:
    """Columns for rows: the requested fields in their order, else the union of keys.

    The union keeps the server's order of first appearance across all rows (a key
    only the tenth VM has still gets a column), with id and name moved first.
    """
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    if fields:
        return [match_key(field_name, seen) for field_name in fields]
    leading = [key for key in LEADING_COLUMNS if key in seen]
    return leading + [key for key in seen if key not in LEADING_COLUMNS]


def match_key(field_name: str, keys: Collection[str]) -> str:
    """The key spelled as the server spells it ("zoneName" -> "zonename")."""
    if field_name in keys:
        return field_name
    wanted = field_name.lower()
    return next((key for key in keys if key.lower() == wanted), field_name)


def format_cell(value: Any) -> str:
    """One value as text: exact numbers, true/false, empty for null, JSON if nested."""
    kind = type(value)  # exact types first: this runs for every cell of every row
    if kind is str:
        return value
    if kind is int or kind in DECIMAL_TYPES:  # str() is the server's spelling
        return str(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if not value and (kind is list or kind is dict):
        return EMPTY_NESTED[kind]
    return dumps_json(value, compact=True)


def row_cells(row: dict, columns: list[str]) -> list[str]:
    return [format_cell(row.get(column)) for column in columns]


def grid_cells(row: list) -> list[str]:
    return [format_cell(value) for value in row]


def to_one_line(text: str) -> str:
    """Show line breaks and tabs as \\n, \\r, \\t and other control characters as
    \\xNN: one value stays on one line, and server data cannot send escape
    sequences to the user's terminal."""
    if text.isprintable():
        return text
    return text.translate(ONE_LINE_ESCAPES)


def section_cells(section: Section) -> Iterator[list[str]]:
    """Each row of a section as its cells (one cell per item for loose values)."""
    if section.kind in (RECORDS, OBJECT):
        return (row_cells(row, section.columns) for row in section.rows)
    if section.kind == GRID:
        return (grid_cells(row) for row in section.rows)
    return ([format_cell(value)] for value in section.rows)


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def pick_primary(sections: list[Section], fmt: str, err: TextIO) -> Section:
    """The section with most rows (first on a tie), for formats that hold only one.

    The others are named in a note on err, so nobody mistakes the output for all.
    """
    primary = max(sections, key=lambda section: len(section.rows))
    left_out = [section.title or "?" for section in sections if section is not primary]
    if left_out:
        err.write(
            f"Only the {primary.title!r} list is shown in {fmt}; left out: "
            f"{', '.join(left_out)}. Use -o json to see every list.\n"
        )
    return primary
