"""Every format against real CloudStack responses, compared with checked files.

The files under tests/golden/render/ were read by eye once. After a deliberate
change of output, rewrite them with SSCLI_UPDATE_GOLDEN=1 and read the diff.
Notes on stderr, when there are any, follow stdout after a marker line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _render_helpers import load_response, run_render

from sscli.render import FORMATS

GOLDEN = Path(__file__).parent / "golden" / "render"
UPDATE = os.environ.get("SSCLI_UPDATE_GOLDEN") == "1"
STDERR_MARKER = "--- stderr ---"


def several_lists():
    """No real response in the corpus has two lists; this joins two real ones."""
    zones = load_response("jclouds-listzonesresponse.json")
    domains = load_response("jclouds-listdomainsresponse.json")
    return {"count": 4, "zone": zones["zone"], "domain": domains["domain"]}


CASES = {
    # row 2 alone has jobid/jobstatus, row 1 alone has cpuused and tags
    "ragged-vms": lambda: load_response("libcloud-listVirtualMachines_default.json"),
    # queryAsyncJobResult of a finished deployVirtualMachine: the job as it is,
    # its jobresult (the VM) one compact JSON value
    "job-vm": lambda: load_response("libcloud-queryAsyncJobResult_11117.json"),
    # a succeeded job whose jobresult is {"success": true}
    "job-success": lambda: load_response(
        "curated-async-success-queryAsyncJobResult-jclouds.json"
    ),
    # jobstatus 2: shown whole too, jobresult as compact JSON
    "job-failed": lambda: load_response(
        "curated-async-failure-queryAsyncJobResult-jclouds.json"
    ),
    "several-lists": several_lists,
    # a list call that matched nothing: CloudStack sends {} without a count
    "empty-list": lambda: load_response("libcloud-listTemplates_notemplates.json"),
    # what deployVirtualMachine and `sscli wait` print: the job's jobresult
    "deployed-vm": lambda: load_response("libcloud-queryAsyncJobResult_11117.json")[
        "jobresult"
    ],
}


def with_notes(rendered) -> str:
    return rendered.out + (f"{STDERR_MARKER}\n{rendered.err}" if rendered.err else "")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")  # bytes: csv's CRLF must survive
    assert text == expected, f"output differs from {path}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_format_matches_golden_file(case, fmt):
    rendered = run_render(CASES[case](), fmt)

    check_golden(f"{case}.{fmt}", with_notes(rendered))


@pytest.mark.parametrize(
    ("case", "width"),
    [("ragged-vms", 100), ("job-vm", 80), ("several-lists", 60), ("deployed-vm", 80)],
)
def test_terminal_table_matches_golden_file(case, width):
    """Columns that do not fit are left out; the note on stderr follows the marker."""
    data = CASES[case]()

    rendered = run_render(data, "table", terminal=True, color=False, width=width)

    check_golden(f"{case}.table-terminal-{width}", with_notes(rendered))
