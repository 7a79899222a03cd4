"""The table format: rich tables on a terminal, plain aligned columns elsewhere.

On a terminal (and without wide) long text columns are cut with an ellipsis so the
table fits the width, but ids are never cut or folded: a column is kept whole when
its name ends in "id", a value in it is a UUID, or it is narrow anyway (states,
IPs, dates). When not every column fits even so (a VM has ~46) and no filter= chose
them, only the columns that fit are chosen, in this order: id and name, state and
zonename, then other short values before long ones, and nested ones (nic, tags)
last; the chosen ones keep the server's order, and a note on stderr says how many
were left out. If id alone is wider the table is wider.
A single object is a two-column key/value table whose long values fold.

Output that is not a terminal (and not forced into colour) has no box, no colour
and nothing cut: that is the column format's alignment, written without rich,
which takes seconds to lay out thousands of rows.
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING, TextIO

from sscli.render.column import (
    align_lines,
    display_width,
    section_lines,
    write_aligned,
)
from sscli.render.rows import (
    GRID,
    LEADING_COLUMNS,
    OBJECT,
    RECORDS,
    VALUES,
    Options,
    Section,
    View,
    format_cell,
    is_terminal,
    section_cells,
    to_one_line,
)

if TYPE_CHECKING:  # rich is imported only when a table is drawn, not for pipes
    from rich.console import Console
    from rich.table import Table

TERMINAL_BOX = "ROUNDED"  # a name in rich.box
FALLBACK_SIZE = (80, 24)  # when the terminal's size cannot be read
PREFERRED_COLUMNS = ("state", "zonename")  # what people look for after id and name
KEEP_WHOLE_WIDTH = 24  # "2011-06-23T05:06:42+0000": cutting such a column saves little
MIN_TEXT_WIDTH = 10  # narrower than this a cut column shows nothing useful
UUID_LENGTH = 36
UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
UNLIMITED_WIDTH = 1_000_000  # the table, not the console, decides how wide it is
HEADER_STYLE = "bold cyan"
RICH_MAX_ROWS = 1000  # above this a terminal table is drawn plain: rich is too slow
KEY_STYLE = "bold"
HIDDEN_NOTE = (
    "Showing {shown} of {total} columns{of}; choose with filter=a,b,c, "
    "or use --wide or -o json.\n"
)


def write(view: View, out: TextIO, err: TextIO, options: Options) -> None:
    terminal = is_terminal(out)
    if not terminal and not options.color:
        write_aligned(view, out, plain_lines)
        return
    fit_width = None
    if terminal and not options.wide:
        fit_width = options.width or shutil.get_terminal_size(FALLBACK_SIZE).columns
    may_hide = fit_width is not None and not view.fields
    console = make_console(out, terminal, options.color)
    titled = len(view.sections) > 1
    notes = []
    for number, section in enumerate(view.sections):
        if number:
            console.line()
        title = section.title if titled else None
        if section.kind == RECORDS and len(section.rows) > RICH_MAX_ROWS:
            out.write(f"[{title}]\n" if title else "")
            shown = write_long_list(section, out, fit_width, may_hide)
            if shown < len(section.columns):
                notes.append(hidden_note(shown, section, title))
            continue
        table = make_table(section, title, terminal)
        if section.kind == OBJECT:
            fill_key_value(table, section, fit_width)
        else:
            shown = fill_rows(table, section, fit_width, may_hide)
            if shown < len(section.columns):
                notes.append(hidden_note(shown, section, title))
        console.print(table, crop=False)
    err.writelines(notes)  # after the tables, where the eye is when they end


def hidden_note(shown: int, section: Section, title: str | None) -> str:
    of = f" of {title}" if title else ""
    return HIDDEN_NOTE.format(shown=shown, total=len(section.columns), of=of)


def plain_lines(section: Section) -> list[list[str]]:
    if section.kind != OBJECT:
        return section_lines(section)
    return [[key, value] for key, value in key_values(section)]


def key_values(section: Section) -> list[tuple[str, str]]:
    item = section.rows[0]
    return [
        (key, to_one_line(format_cell(item[key])))
        for key in section.columns
        if key in item
    ]


def make_console(out: TextIO, terminal: bool, color: bool) -> Console:
    from rich.console import Console

    return Console(
        file=out,
        width=UNLIMITED_WIDTH,
        force_terminal=terminal or color,
        color_system="auto" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
    )


def make_table(section: Section, title: str | None, terminal: bool) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        box=getattr(box, TERMINAL_BOX) if terminal else None,
        show_edge=terminal,
        pad_edge=terminal,
        show_header=section.kind not in (GRID, OBJECT, VALUES),
        header_style=HEADER_STYLE,
    )
    return table


def fill_rows(
    table: Table, section: Section, fit_width: int | None, may_hide: bool
) -> int:
    """Add the section's columns and rows; return how many columns are shown."""
    from rich.text import Text

    names, columns, limits = fitted_columns(section, fit_width, may_hide)
    for index, name in enumerate(names):
        table.add_column(
            name, no_wrap=True, overflow="ellipsis", max_width=limits.get(index)
        )
    for cells in zip(*(column[1:] for column in columns), strict=True):
        table.add_row(*(Text(cell) for cell in cells))
    return len(names)


def fitted_columns(
    section: Section, fit_width: int | None, may_hide: bool
) -> tuple[list[str], list[list[str]], dict[int, int]]:
    """The names and cells (header first) of the columns shown, and cut widths."""
    rows = [[to_one_line(cell) for cell in cells] for cells in section_cells(section)]
    names = section.columns or [""] * max(len(cells) for cells in rows)
    columns = [
        [name] + [cells[index] if index < len(cells) else "" for cells in rows]
        for index, name in enumerate(names)
    ]
    if fit_width and may_hide and section.kind == RECORDS:
        shown = pick_columns(section, columns, fit_width)
        names = [names[index] for index in shown]
        columns = [columns[index] for index in shown]
    limits = fit_columns(names, columns, fit_width) if fit_width else {}
    return names, columns, limits


def write_long_list(
    section: Section, out: TextIO, fit_width: int | None, may_hide: bool
) -> int:
    """Thousands of rows: rich would take seconds per thousand, so draw them plain,
    fitted and cut like a rich table but without box or colour."""
    names, columns, limits = fitted_columns(section, fit_width, may_hide)
    for index, limit in limits.items():
        columns[index] = [cut(cell, limit) for cell in columns[index]]
    lines = [list(cells) for cells in zip(*columns, strict=True)]
    out.writelines(line + "\n" for line in align_lines(lines))
    return len(names)


def cut(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def fill_key_value(table: Table, section: Section, fit_width: int | None) -> None:
    from rich.text import Text

    pairs = key_values(section)
    value_width = None
    if fit_width:
        key_width = max(display_width(key) for key, _ in pairs)
        longest = max(measure(value) for _, value in pairs)
        frame = 3 * 2 + 1  # two edges, one divider, a space each side of each cell
        value_width = max(fit_width - frame - key_width, min(longest, UUID_LENGTH))
    table.add_column("key", style=KEY_STYLE, no_wrap=True)
    table.add_column("value", overflow="fold", max_width=value_width)
    for key, value in pairs:
        table.add_row(Text(key), Text(value))


def fit_columns(
    names: list[str], columns: list[list[str]], fit_width: int
) -> dict[int, int]:
    """Widths for the columns that must be cut so the table fits in fit_width.

    Whole columns keep their width; the others share what is left: the narrow ones
    whole, the wide ones cut to one common width (water filling).
    """
    naturals = [measure_column(cells) for cells in columns]
    cuttable = {
        index: width
        for index, (name, cells, width) in enumerate(
            zip(names, columns, naturals, strict=True)
        )
        if not keeps_whole(name, cells, width)
    }
    frame = 3 * len(names) + 1  # edges, dividers and a space each side of each cell
    budget = fit_width - frame - sum(naturals) + sum(cuttable.values())
    limit = max(share_width(sorted(cuttable.values()), budget), MIN_TEXT_WIDTH)
    return {index: limit for index, width in cuttable.items() if width > limit}


def pick_columns(
    section: Section, columns: list[list[str]], fit_width: int
) -> list[int]:
    """The indexes of the columns to show: all when each fits at its least width
    (whole, or MIN_TEXT_WIDTH when it may be cut), else by rank as long as they fit.
    """
    widths = [measure_column(cells) for cells in columns]
    least = [
        width if keeps_whole(name, cells, width) else min(width, MIN_TEXT_WIDTH)
        for name, cells, width in zip(section.columns, columns, widths, strict=True)
    ]
    room = fit_width - 1  # the left edge; each column adds 3 for its frame
    if sum(least) + 3 * len(least) <= room:
        return list(range(len(least)))
    shown: list[int] = []
    ranked = sorted(
        range(len(least)),
        key=lambda index: (rank(section, index, widths[index]), index),
    )
    for index in ranked:
        if least[index] + 3 <= room or not shown:
            shown.append(index)
            room -= least[index] + 3
    return sorted(shown)


def rank(section: Section, index: int, width: int) -> int:
    """0 for id and name, 1 for state and zonename, 2 for other short values, 3 for
    long ones, 4 for nested ones (nic)."""
    name = section.columns[index]
    if name in LEADING_COLUMNS:
        return 0
    if name in PREFERRED_COLUMNS:
        return 1
    if any(isinstance(row.get(name), (list, dict)) for row in section.rows):
        return 4
    return 2 if width <= KEEP_WHOLE_WIDTH else 3


def share_width(widths: list[int], budget: int) -> int:
    """The widest a column may be so that widths (ascending) fit in budget."""
    for count, width in enumerate(widths):
        share = budget // (len(widths) - count)
        if width > share:
            return share
        budget -= width
    return budget


def keeps_whole(name: str, cells: list[str], width: int) -> bool:
    if width <= KEEP_WHOLE_WIDTH or name.lower().endswith("id"):
        return True
    return any(UUID_PATTERN.fullmatch(cell) for cell in cells)


def measure_column(cells: list[str]) -> int:
    return max(measure(cell) for cell in cells)


def measure(text: str) -> int:
    return max(display_width(line) for line in text.split("\n"))
