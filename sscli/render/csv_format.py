"""The csv format: RFC 4180 through the csv module, header row then one row per item.

Lines end in CRLF as RFC 4180 says (the csv module's default); spreadsheets and
Python's csv reader expect it, and `tr -d '\\r'` removes it for line tools.
A single object is one row; loose values (from a query) are one per row, with no
header. With several lists only the biggest is written (see rows.pick_primary).
An empty result is the header alone when filter= named the columns, else nothing.
"""

from __future__ import annotations

import csv
from typing import TextIO

from sscli.render.rows import (
    OBJECT,
    RECORDS,
    Options,
    View,
    pick_primary,
    section_cells,
)


def write(view: View, out: TextIO, err: TextIO, options: Options) -> None:
    writer = csv.writer(out)
    if view.is_empty:
        if view.fields:
            writer.writerow(view.fields)
        return
    section = pick_primary(view.sections, "csv", err)
    if section.kind in (RECORDS, OBJECT):
        writer.writerow(section.columns)
    writer.writerows(section_cells(section))
