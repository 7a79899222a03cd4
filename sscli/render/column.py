"""The column format: aligned columns, a header row, no borders, never truncated.

Columns are two spaces apart and padded by display width, so CJK and emoji line up
in a terminal; the last column is not padded. Line breaks and tabs inside values are
shown as \\n and \\t so that each row is one line for awk. Several lists are printed
one after another, each under a [title] line, with a blank line between them.
The table format uses the same alignment when its output is not a terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TextIO

from sscli.render.rows import (
    OBJECT,
    RECORDS,
    Options,
    Section,
    View,
    section_cells,
    to_one_line,
)

GAP = "  "
WIDE_CLASSES = ("W", "F")  # East Asian Wide and Fullwidth take two terminal cells
ZERO_WIDTH_CATEGORIES = ("Mn", "Me", "Cf")  # combining marks, ZWJ, variation selectors


def write(view: View, out: TextIO, err: TextIO, options: Options) -> None:
    write_aligned(view, out, section_lines)


def write_aligned(
    view: View, out: TextIO, make_lines: Callable[[Section], list[list[str]]]
) -> None:
    """Each section's lines aligned; with several sections, titles and blank lines."""
    titled = len(view.sections) > 1
    for number, section in enumerate(view.sections):
        if number:
            out.write("\n")
        if titled and section.title:
            out.write(f"[{section.title}]\n")
        out.writelines(line + "\n" for line in align_lines(make_lines(section)))


def section_lines(section: Section) -> list[list[str]]:
    """The header (when the rows have keys) and each row's cells, one line each."""
    lines = [[to_one_line(cell) for cell in cells] for cells in section_cells(section)]
    if section.kind in (RECORDS, OBJECT):
        lines.insert(0, list(section.columns))
    return lines


def align_lines(lines: list[list[str]]) -> list[str]:
    widths = measure_columns(lines)
    return [align(cells, widths) for cells in lines]


def measure_columns(lines: list[list[str]]) -> list[int]:
    widths: list[int] = []
    for cells in lines:
        for index, cell in enumerate(cells):
            width = display_width(cell)
            if index == len(widths):
                widths.append(width)
            elif width > widths[index]:
                widths[index] = width
    return widths


def align(cells: list[str], widths: list[int]) -> str:
    while cells and not cells[-1]:  # no padding after the last value on the line
        cells = cells[:-1]
    padded = [
        cell + " " * (width - display_width(cell))
        for cell, width in zip(cells[:-1], widths, strict=False)
    ]
    return GAP.join(padded + cells[-1:])


def display_width(text: str) -> int:
    """How many terminal cells text takes (like wcwidth, from the stdlib's tables)."""
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


def char_width(char: str) -> int:
    if unicodedata.category(char) in ZERO_WIDTH_CATEGORIES:
        return 0
    return 2 if unicodedata.east_asian_width(char) in WIDE_CLASSES else 1
