"""The text format: `key = value` lines, one block per item, blank lines between.

Keys come in the section's column order; a row shows only the keys it has (a key
that is there with null shows `key = `). Line breaks inside values are shown as \\n
so that every key stays on one line for grep.
"""

from __future__ import annotations

from typing import TextIO

from sscli.render.rows import (
    GRID,
    VALUES,
    Options,
    Section,
    View,
    format_cell,
    grid_cells,
    to_one_line,
)

KEY_SEPARATOR = " = "


def write(view: View, out: TextIO, err: TextIO, options: Options) -> None:
    titled = len(view.sections) > 1
    blocks: list[list[str]] = []
    for section in view.sections:
        section_blocks = format_blocks(section)
        if titled and section.title:
            section_blocks[0].insert(0, f"[{section.title}]")
        blocks.extend(section_blocks)
    out.write("\n\n".join("\n".join(block) for block in blocks) + "\n")


def format_blocks(section: Section) -> list[list[str]]:
    if section.kind == VALUES:
        return [[to_one_line(format_cell(value)) for value in section.rows]]
    if section.kind == GRID:
        return [[to_one_line(cell) for cell in grid_cells(row)] for row in section.rows]
    return [format_record(row, section.columns) for row in section.rows]


def format_record(row: dict, columns: list[str]) -> list[str]:
    return [
        f"{column}{KEY_SEPARATOR}{to_one_line(format_cell(row[column]))}"
        for column in columns
        if column in row
    ]
