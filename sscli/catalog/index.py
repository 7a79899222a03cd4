"""Reading the compact index (format in build.py) with nothing but str methods.

Both a call and a TAB start here; the json module would cost more to import
than the whole file costs to read.
"""

from __future__ import annotations

INDEX_HEADER = "#sscli-catalog 1\t"
NO_LIST_API = "-"

ParamSpec = tuple[str, bool, str]  # (type, required, list API or NO_LIST_API)


def parse_index(text: str | None) -> tuple[str, dict[str, str]] | None:
    """(source, {api name: rest of its line}); None when not an index."""
    if not text or not text.startswith(INDEX_HEADER):
        return None
    header, _, body = text.partition("\n")
    lines = dict(line.split("\t", 1) for line in body.splitlines() if line)
    return header[len(INDEX_HEADER) :], lines


def line_is_async(line: str) -> bool:
    return line.startswith("1")


def parse_params(line: str) -> dict[str, ParamSpec]:
    specs = {}
    for field in line.split("\t")[1:]:
        name, kind, required, list_api = field.split(" ")
        specs[name] = (kind, required == "1", list_api)
    return specs
