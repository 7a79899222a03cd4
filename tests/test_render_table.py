"""The table format: colour rules, fitting a terminal, ids never cut, big tables."""

from __future__ import annotations

import json
import re

import pytest
from _render_helpers import load_response, run_render
from rich.cells import cell_len

from sscli.numbers import parse_number

ANSI = re.compile(r"\x1b\[[0-9;]*m")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ELLIPSIS = "…"


@pytest.fixture
def go_vms():
    """A 4.16-era listVirtualMachines: UUID ids, keys in alphabetical order."""
    return load_response(
        "cloudstack-go-VirtualMachineService.json", "listVirtualMachines"
    )


def uuids_in(data) -> set[str]:
    return set(UUID.findall(repr(data)))


def test_a_terminal_gets_colour_by_default(go_vms):
    out = run_render(go_vms, "table", terminal=True, fields=["id", "name"]).out

    assert ANSI.search(out)


def test_no_color_in_the_environment_turns_colour_off(go_vms, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    out = run_render(go_vms, "table", terminal=True, fields=["id", "name"]).out

    assert not ANSI.search(out) and "╭" in out  # the box stays, the colour goes


def test_color_false_turns_colour_off_on_a_terminal(go_vms):
    out = run_render(go_vms, "table", terminal=True, color=False).out

    assert not ANSI.search(out)


def test_a_pipe_gets_no_colour_no_box_and_nothing_cut_even_at_width_80(go_vms):
    out = run_render(go_vms, "table", width=80).out

    assert not ANSI.search(out) and "╭" not in out and ELLIPSIS not in out
    assert uuids_in(out) == uuids_in(go_vms)
    assert len(out.splitlines()) == 2  # header and the one VM, each on one line
    assert "SimulatedAgent.4234d24b-37fd-42bf-9184-874889001baf" in out


def test_a_terminal_table_cuts_long_text_but_never_an_id(go_vms):
    vm = go_vms["virtualmachine"][0]
    id_keys = [key for key in vm if key.endswith("id") and isinstance(vm[key], str)]
    fields = [*id_keys, "hostname", "nic", "templatedisplaytext"]

    out = run_render(
        go_vms, "table", terminal=True, color=False, width=80, fields=fields
    ).out

    assert ELLIPSIS in out  # hostname, nic and template text are cut
    assert len(id_keys) > 5 and all(vm[key] in out for key in id_keys)
    assert len(out.splitlines()) == 5  # borders, header, one row: nothing folded


@pytest.mark.parametrize("width", [80, 200])
def test_a_terminal_shows_only_the_columns_that_fit_and_says_so(go_vms, width):
    vm = go_vms["virtualmachine"][0]

    rendered = run_render(go_vms, "table", terminal=True, color=False, width=width)

    lines = rendered.out.splitlines()
    header = header_of(rendered.out)
    assert max(cell_len(line) for line in lines) <= width and len(lines) == 5
    assert header[:2] == ["id", "name"] and vm["id"] in rendered.out
    assert {"state", "zonename"} <= set(header)
    assert header == [key for key in server_order(go_vms) if key in header]
    assert not {"nic", "tags", "affinitygroup", "securitygroup"} & set(header)
    assert rendered.err == (
        f"Showing {len(header)} of {len(vm)} columns; "
        "choose with filter=a,b,c, or use --wide or -o json.\n"
    )


@pytest.mark.parametrize("source", ["simulator", "cloudstack-go", "libcloud"])
def test_at_80_columns_state_and_zonename_are_kept_beside_id_and_name(
    source, sscli, sim_profile, go_vms
):
    vms = {
        "simulator": lambda: simulator_vms(sscli),
        "cloudstack-go": lambda: go_vms,
        "libcloud": lambda: load_response("libcloud-listVirtualMachines_default.json"),
    }[source]()

    rendered = run_render(vms, "table", terminal=True, color=False, width=80)

    header = header_of(rendered.out)
    shown = [key for key in server_order(vms) if key in header]
    assert header == shown and header[:2] == ["id", "name"]
    assert {"state", "zonename"} <= set(header)
    assert max(cell_len(line) for line in rendered.out.splitlines()) <= 80


def simulator_vms(sscli):
    """A page of the simulator's VMs as sscli decodes them."""
    result = sscli("listVirtualMachines", "pagesize=5", "page=1", "-o", "json")
    return json.loads(result.out, parse_float=parse_number)


def test_short_columns_are_shown_before_long_and_nested_ones():
    vms = load_response("libcloud-listVirtualMachines_default.json")

    rendered = run_render(vms, "table", terminal=True, color=False, width=200)

    header = header_of(rendered.out)
    assert {"state", "zonename", "passwordenabled"} <= set(header)
    assert server_order(vms).index("templatename") < server_order(vms).index(
        "passwordenabled"
    )
    assert not {"templatename", "templatedisplaytext", "nic", "tags"} & set(header)
    assert rendered.err.startswith(f"Showing {len(header)} of 32 columns;")


@pytest.mark.parametrize(
    "options", [{"wide": True}, {"fields": ["id", "nic", "hostname", "zoneid"]}]
)
def test_wide_or_a_filter_shows_every_column_on_a_terminal(go_vms, options):
    rendered = run_render(
        go_vms, "table", terminal=True, color=False, width=80, **options
    )

    header = header_of(rendered.out)
    assert header == options.get("fields", server_order(go_vms))
    assert rendered.err == ""


def test_a_pipe_never_hides_a_column(go_vms):
    rendered = run_render(go_vms, "table", width=80)

    assert rendered.out.split("\n")[0].split() == server_order(go_vms)
    assert rendered.err == ""


def header_of(table: str) -> list[str]:
    """The column names in a boxed table's header line."""
    return [name.strip() for name in table.splitlines()[1].strip("│").split("│")]


def server_order(response) -> list[str]:
    """Every key of the VMs as the server sent them, id and name moved first."""
    keys = dict.fromkeys(key for vm in response["virtualmachine"] for key in vm)
    return ["id", "name", *(key for key in keys if key not in ("id", "name"))]


def test_a_terminal_table_fits_the_width_when_the_ids_leave_room(go_vms):
    fields = ["id", "name", "hostname", "templatedisplaytext", "nic", "state"]

    out = run_render(
        go_vms, "table", terminal=True, color=False, width=120, fields=fields
    ).out

    assert 110 < max(cell_len(line) for line in out.splitlines()) <= 120
    assert go_vms["virtualmachine"][0]["id"] in out and ELLIPSIS in out


def test_wide_shows_every_cell_whole_on_a_terminal(go_vms):
    out = run_render(
        go_vms, "table", terminal=True, color=False, width=80, wide=True
    ).out

    assert ELLIPSIS not in out
    assert "SimulatedAgent.4234d24b-37fd-42bf-9184-874889001baf" in out


def test_a_single_object_is_a_key_value_table_whose_long_values_fold():
    job = load_response("libcloud-queryAsyncJobResult_11117.json")
    vm = job["jobresult"]["virtualmachine"]

    out = run_render(
        job["jobresult"], "table", terminal=True, color=False, width=80
    ).out

    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert f"│ id                    │ {vm['id']}" in out
    assert ELLIPSIS not in out  # folded onto more lines, not cut
    assert len(out.splitlines()) > len(vm) + 2


def test_wide_characters_keep_the_columns_aligned():
    data = {"zone": [{"id": 1, "name": "東京 🚀"}, {"id": 2, "name": "Zürich"}]}

    out = run_render(data, "table", terminal=True, color=False, width=80).out

    widths = {cell_len(line) for line in out.splitlines()}
    assert len(widths) == 1 and "東京 🚀" in out


def test_several_lists_get_one_titled_table_each():
    data = {"count": 2, "zone": [{"id": 1}], "pod": [{"id": 2}]}

    out = run_render(data, "table", terminal=True, color=False).out

    lines = [line.strip() for line in out.splitlines()]
    assert lines.index("zone") < lines.index("pod")
    assert out.count("╭") == 2


def test_five_thousand_rows_render_on_a_terminal(go_vms):
    template = go_vms["virtualmachine"][0]
    rows = [dict(template, id=f"vm-{n:05d}", name=f"web-{n}") for n in range(5000)]
    data = {"count": len(rows), "virtualmachine": rows}

    out = run_render(
        data,
        "table",
        terminal=True,
        color=False,
        width=120,
        fields=["id", "name", "state"],
    ).out

    # Past RICH_MAX_ROWS the table is drawn plain (rich takes seconds per thousand).
    lines = out.splitlines()
    assert len(lines) == 5000 + 1  # header, rows
    assert lines[0].split() == ["id", "name", "state"]
    assert lines[-1].split()[:2] == ["vm-04999", "web-4999"]


def test_a_long_list_on_a_narrow_terminal_is_fitted_and_cut(go_vms):
    template = go_vms["virtualmachine"][0]
    rows = [
        dict(template, id=f"{n:08d}-0000-0000-0000-000000000000", name="x" * 60)
        for n in range(1500)
    ]
    result = run_render(
        {"count": len(rows), "virtualmachine": rows},
        "table",
        terminal=True,
        color=False,
        width=80,
    )
    lines = result.out.splitlines()
    assert len(lines) == 1501
    assert max(len(line) for line in lines) <= 80
    assert lines[1].startswith("00000000-0000-0000-0000-000000000000")  # ids whole
    assert "…" in lines[1]
    assert "Showing" in result.err
