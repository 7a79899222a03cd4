"""The tsv format: tab-separated values, no header, one line per row.

Made for `while IFS=$'\\t' read -r id name state` loops, like `az -o tsv`.
Backslash, tab, carriage return and line feed inside a value are written as \\\\,
\\t, \\r and \\n, so every row is one line and the escaping can be undone.
With several lists only the biggest is written; a note on stderr names the rest.
"""

from __future__ import annotations

from typing import TextIO

from sscli.render.rows import Options, View, pick_primary, section_cells

TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n"})


def write(view: View, out: TextIO, err: TextIO, options: Options) -> None:
    section = pick_primary(view.sections, "tsv", err)
    for cells in section_cells(section):
        out.write("\t".join(escape(cell) for cell in cells) + "\n")


def escape(cell: str) -> str:
    if "\\" in cell or not cell.isprintable():  # the test is far cheaper than translate
        return cell.translate(TSV_ESCAPES)
    return cell
