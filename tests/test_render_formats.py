"""csv, tsv, text and column details, empty results, several lists, lazy imports."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal

import pytest
from _render_helpers import load_response, run_render

from sscli.errors import UsageError
from sscli.render import FORMATS, render
from sscli.render.column import display_width

TRICKY = {"id": "a1", "name": 'tab\there "quoted", comma', "note": "two\nlines\\n"}


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt != "json"])
def test_an_empty_list_prints_nothing_and_a_note_on_stderr(fmt):
    empty = load_response("libcloud-listTemplates_notemplates.json")

    rendered = run_render(empty, fmt)

    assert (rendered.out, rendered.err) == ("", "No results.\n")


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt != "json"])
def test_an_empty_list_with_a_filter_is_a_csv_header_and_nothing_elsewhere(fmt):
    empty = load_response("libcloud-listTemplates_notemplates.json")
    fields = ["id", "name", "zoneName"]

    rendered = run_render(empty, fmt, fields=fields)

    rows = list(csv.reader(io.StringIO(rendered.out, newline="")))
    assert rows == ([fields] if fmt == "csv" else [])
    assert rendered.err == "No results.\n"


def test_a_query_that_finds_nothing_still_gives_the_csv_header():
    vms = load_response("libcloud-listVirtualMachines_default.json")

    for data, query in ((vms, "virtualmachine[?state=='Gone']"), ({"count": 0}, None)):
        rendered = run_render(data, "csv", fields=["id", "state"], query=query)
        assert (rendered.out, rendered.err) == ("id,state\r\n", "No results.\n")


def test_csv_is_rfc_4180_with_crlf_and_reads_back():
    out = run_render({"vm": [TRICKY, {"id": "b2", "extra": True}]}, "csv").out

    assert out.startswith("id,name,note,extra\r\n")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows == [
        ["id", "name", "note", "extra"],
        ["a1", TRICKY["name"], TRICKY["note"], ""],
        ["b2", "", "", "true"],
    ]


def test_tsv_escapes_tabs_newlines_and_backslashes_so_each_row_is_one_line():
    out = run_render({"vm": [TRICKY]}, "tsv").out

    assert out == 'a1\ttab\\there "quoted", comma\ttwo\\nlines\\\\n\n'


def test_text_is_key_value_blocks_keeping_each_value_on_one_line():
    data = {"vm": [TRICKY, {"id": "b2", "state": None}]}

    out = run_render(data, "text").out

    assert out == (
        'id = a1\nname = tab\\there "quoted", comma\nnote = two\\nlines\\n\n'
        "\n"
        "id = b2\nstate = \n"
    )


def test_column_pads_by_display_width_and_leaves_no_trailing_spaces():
    data = {
        "zone": [
            {"id": 1, "name": "東京", "dns": "8.8.8.8"},
            {"id": 22, "name": "Zürich"},
        ]
    }

    lines = run_render(data, "column").out.splitlines()

    assert lines == ["id  name    dns", "1   東京    8.8.8.8", "22  Zürich"]
    assert display_width("東京") == 4 and display_width("e\u0301") == 1
    assert display_width("🚀") == 2


def test_single_objects_are_one_row_in_csv_column_and_tsv():
    data = {"displaytext": "Deleted", "success": True}

    assert run_render(data, "csv").out == "displaytext,success\r\nDeleted,true\r\n"
    assert run_render(data, "column").out == "displaytext  success\nDeleted      true\n"
    assert run_render(data, "tsv").out == "Deleted\ttrue\n"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_keep_the_biggest_list_and_name_the_others(fmt):
    data = {"count": 3, "zone": [{"id": 1}], "pod": [{"id": 2}, {"id": 3}], "x": []}

    rendered = run_render(data, fmt)

    assert rendered.out.split() == (["id", "2", "3"] if fmt == "csv" else ["2", "3"])
    assert (
        "'pod'" in rendered.err and "zone" in rendered.err and "x" not in rendered.err
    )


def test_numbers_are_exact_in_every_format():
    data = {"vm": [{"id": 2**65, "cpu": Decimal("1.50"), "big": Decimal("1E+400")}]}

    for fmt in FORMATS:
        out = run_render(data, fmt).out
        assert "36893488147419103232" in out and "1.50" in out and "1E+400" in out


def test_an_unknown_format_is_a_usage_error_listing_the_formats():
    with pytest.raises(UsageError, match="'yaml'.*json, table, csv, text, column, tsv"):
        render({}, "yaml")


def test_data_goes_to_out_and_only_notes_to_err():
    vms = load_response("libcloud-listVirtualMachines_default.json")

    for fmt in FORMATS:
        assert run_render(vms, fmt).err == ""


def imported_modules(code: str) -> set[str]:
    script = f"import sys\nfrom sscli.render import render\n{code}\nprint(*sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_rich_and_jmespath_load_only_when_needed():
    data = "{'vm': [{'id': 1}]}"

    plain = imported_modules(
        f"for fmt in ('json', 'csv', 'tsv', 'text', 'column', 'table'):\n"
        f"    render({data}, fmt, out=open('/dev/null', 'w'))"
    )
    terminal = imported_modules(f"render({data}, 'table', color=True, out=sys.stderr)")
    queried = imported_modules(f"render({data}, 'json', query='vm', out=sys.stderr)")

    assert "rich" not in plain and "jmespath" not in plain
    assert "rich" in terminal and "jmespath" in queried


def test_control_characters_from_the_server_never_reach_a_terminal():
    data = {"vm": [{"id": 1, "name": "evil\x1b[2Jname\x07"}]}

    for fmt, terminal in (
        ("table", True),
        ("table", False),
        ("column", False),
        ("text", False),
    ):
        out = run_render(data, fmt, terminal=terminal, color=False).out
        assert "\x1b" not in out and "\x07" not in out
        assert "evil\\x1b[2Jname\\x07" in out
