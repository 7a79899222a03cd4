"""Finding the rows in a response, ordering columns and writing one cell."""

from __future__ import annotations

from decimal import Decimal

from _render_helpers import load_response, run_render

from sscli.render.rows import (
    GRID,
    OBJECT,
    RECORDS,
    VALUES,
    find_sections,
    format_cell,
    order_columns,
)


def test_columns_are_the_union_of_all_rows_not_the_first_rows_keys():
    vms = load_response("libcloud-listVirtualMachines_default.json")["virtualmachine"]

    columns = order_columns(vms)

    assert "jobid" not in vms[0] and "jobid" in columns  # only the second VM has it
    assert columns.index("jobid") > columns.index("cpuused")  # order of first sight
    assert columns[-2:] == ["jobid", "jobstatus"]


def test_id_and_name_come_first_even_when_the_server_sorts_keys():
    response = load_response(
        "cloudstack-go-VirtualMachineService.json", "listVirtualMachines"
    )
    vm = response["virtualmachine"][0]
    assert list(vm)[:2] == ["account", "affinitygroup"]  # alphabetical on the wire

    columns = order_columns([vm])

    assert columns[:3] == ["id", "name", "account"]
    assert sorted(columns) == sorted(vm)


def test_requested_fields_give_columns_in_their_order_even_when_absent():
    rows = [{"id": 1, "zoneName": "z1"}, {"id": 2}]

    assert order_columns(rows, ["ZONENAME", "id", "nosuchkey"]) == [
        "zoneName",
        "id",
        "nosuchkey",
    ]


def test_a_list_response_gives_one_section_per_list_and_skips_count():
    data = {"count": 3, "zone": [{"id": 1}], "pod": [{"id": 2}, {"id": 3}]}

    sections = find_sections(data)

    assert [(s.title, s.kind, len(s.rows)) for s in sections] == [
        ("zone", RECORDS, 1),
        ("pod", RECORDS, 2),
    ]


def test_empty_answers_give_no_sections():
    empty_list = load_response("libcloud-listTemplates_notemplates.json")
    assert empty_list == {}  # the server omits both count and the list

    for data in (empty_list, {"count": 0}, {"zone": []}, [], None, {"vm": {}}):
        assert find_sections(data) == []


def test_a_nested_object_is_one_object_section_titled_by_its_key():
    data = {"virtualmachine": {"id": "a", "name": "b"}}

    (section,) = find_sections(data)

    assert (section.title, section.kind, section.rows) == (
        "virtualmachine",
        OBJECT,
        [{"id": "a", "name": "b"}],
    )


def test_a_dict_of_scalars_is_a_single_object():
    (section,) = find_sections({"displaytext": "done", "success": True})

    assert section.kind == OBJECT and section.columns == ["displaytext", "success"]


def test_query_results_become_values_or_grids():
    assert find_sections(["a", "b"])[0].kind == VALUES
    assert find_sections("just text")[0].rows == ["just text"]
    assert find_sections([[1, "a"], [2, "b"]])[0].kind == GRID
    assert find_sections([{"id": 1}, "loose"])[0].kind == VALUES


def test_a_succeeded_job_is_shown_whole_so_its_jobstatus_can_be_queried():
    job = load_response("libcloud-queryAsyncJobResult_11117.json")
    assert job["jobstatus"] == 1

    assert run_render(job, "json", query="jobstatus").out == "1\n"
    tsv = run_render(job, "tsv", fields=["jobstatus", "jobresultcode"]).out
    assert tsv == "1\t0\n"


def test_a_job_is_one_object_whose_jobresult_is_one_compact_cell():
    job = load_response("libcloud-queryAsyncJobResult_11117.json")

    (section,) = find_sections(job)
    text = run_render(job, "text").out.splitlines()

    assert section.kind == OBJECT and section.columns == list(job)
    assert "jobstatus = 1" in text
    (line,) = [line for line in text if line.startswith("jobresult = ")]
    vm = job["jobresult"]["virtualmachine"]
    assert line.startswith(f'jobresult = {{"virtualmachine":{{"id":"{vm["id"]}",')


def test_the_jobresult_that_waiting_returns_is_shown_as_its_object():
    job = load_response("libcloud-queryAsyncJobResult_11117.json")

    (section,) = find_sections(job["jobresult"])

    assert (section.title, section.kind) == ("virtualmachine", OBJECT)
    assert section.rows == [job["jobresult"]["virtualmachine"]]


def test_cells_show_numbers_exactly_and_json_for_nested_values():
    assert format_cell(2**70) == "1180591620717411303424"
    assert format_cell(Decimal("1.50")) == "1.50"
    assert format_cell(Decimal("-0.0")) == "-0.0"
    assert format_cell(True) == "true" and format_cell(False) == "false"
    assert format_cell(None) == ""
    assert format_cell([]) == "[]" and format_cell({}) == "{}"
    assert format_cell({"key": "é", "n": Decimal("0.75")}) == '{"key":"é","n":0.75}'
