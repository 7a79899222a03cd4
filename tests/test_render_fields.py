"""filter=, exclude= and --query: what is kept, in which order, in every format."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from _render_helpers import load_response, run_render

from sscli.errors import ExitCode, UsageError
from sscli.render import FORMATS, render
from sscli.render.fields import normalize_names, select_fields


@pytest.fixture
def vms():
    return load_response("libcloud-listVirtualMachines_default.json")


def test_filter_keeps_the_named_keys_in_the_named_order_ignoring_case(vms):
    rendered = run_render(vms, "csv", fields=["STATE", "id", "Name"])

    assert rendered.out.splitlines() == [
        "state,id,name",
        "Running,2600,test",
        "Starting,2601,test",
    ]


def test_filter_in_json_keeps_count_and_never_invents_missing_keys():
    data = {"count": 2, "virtualmachine": [{"id": 1, "jobid": 7}, {"id": 2}]}

    out = run_render(data, "json", fields=["id", "jobid"], compact=True).out

    assert json.loads(out) == {
        "count": 2,
        "virtualmachine": [{"id": 1, "jobid": 7}, {"id": 2}],
    }


def test_filter_keeps_a_column_for_a_key_some_rows_lack(vms):
    assert "jobid" not in vms["virtualmachine"][0]

    tsv = run_render(vms, "tsv", fields=["id", "jobid", "state"]).out
    column = run_render(vms, "column", fields=["id", "jobid", "state"]).out

    assert tsv.splitlines() == ["2600\t\tRunning", "2601\t17147\tStarting"]
    assert column.splitlines()[0] == "id    jobid  state"


def test_exclude_drops_keys_in_any_case(vms):
    out = run_render(vms, "json", exclude=["NIC", "tags", "securitygroup"]).out

    for vm in json.loads(out)["virtualmachine"]:
        assert not {"nic", "tags", "securitygroup"} & set(vm)
        assert "templatename" in vm


def test_filter_and_exclude_apply_to_a_single_object_and_to_every_list():
    job = load_response("libcloud-queryAsyncJobResult_11117.json")
    several = {"count": 2, "zone": [{"id": 1, "name": "a", "x": 0}], "pod": [{"id": 2}]}

    assert run_render(job["jobresult"], "text", fields=["name", "state"]).out == (
        "name = TestNode\nstate = Running\n"
    )
    assert run_render(
        job, "text", fields=["cmd", "jobstatus"], exclude=["cmd"]
    ).out == ("jobstatus = 1\n")
    assert select_fields(several, None, ["x", "id"]) == {
        "count": 2,
        "zone": [{"name": "a"}],
        "pod": [{}],
    }


@pytest.fixture
def zones():
    return load_response("jclouds-listzonesresponse.json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_exclude_removes_a_field_from_the_filter_in_every_format(zones, fmt):
    rendered = run_render(zones, fmt, fields=["id", "name"], exclude=["ID"])

    assert "id" not in rendered.out and "1" not in rendered.out.replace("Jose 1", "")
    assert "San Jose 1" in rendered.out and rendered.err == ""
    if fmt == "csv":
        assert rendered.out.splitlines() == ["name", "San Jose 1", "Chicago"]
    if fmt == "tsv":
        assert rendered.out == "San Jose 1\nChicago\n"


def test_an_exclude_that_removes_every_filter_field_is_a_usage_error(zones):
    with pytest.raises(
        UsageError, match=r"exclude= removes every filter= field \(id\)"
    ):
        render(zones, "csv", fields=["id"], exclude=["id", "tags"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_field_no_row_has_gets_one_note_and_still_its_column(zones, fmt):
    rendered = run_render(zones, fmt, fields=["name", "nosuchfield", "NOSUCHFIELD"])

    assert rendered.err == "No field 'nosuchfield' in the result.\n"
    if fmt == "csv":
        assert rendered.out.splitlines() == [
            "name,nosuchfield",
            "San Jose 1,",
            "Chicago,",
        ]
    if fmt == "tsv":
        assert rendered.out == "San Jose 1\t\nChicago\t\n"


def test_a_field_that_some_rows_have_gets_no_note(vms):
    assert "jobid" not in vms["virtualmachine"][0]

    rendered = run_render(vms, "csv", fields=["id", "jobid"])

    assert rendered.err == ""


def test_fields_of_an_empty_result_get_only_the_empty_note():
    empty = load_response("libcloud-listTemplates_notemplates.json")

    rendered = run_render(empty, "csv", fields=["nosuchfield"])

    assert rendered.err == "No results.\n"


def test_a_misspelt_field_of_a_single_object_is_named():
    job = load_response("curated-async-success-queryAsyncJobResult-jclouds.json")

    rendered = run_render(job, "text", fields=["jobstatuss"])

    assert rendered.err.splitlines() == [
        "No results.",
        "No field 'jobstatuss' in the result.",
    ]


def test_blank_and_repeated_names_are_ignored():
    assert normalize_names(["id", " ", "ID", "name", ""]) == ["id", "name"]
    assert normalize_names(["", " "]) is None


def test_query_runs_before_the_fields_are_chosen(vms):
    query = "virtualmachine[?state=='Starting']"

    out = run_render(vms, "tsv", query=query, fields=["id", "state"]).out

    assert out == "2601\tStarting\n"


def test_query_may_return_scalars_lists_of_scalars_and_grids(vms):
    assert run_render(vms, "text", query="virtualmachine[].id").out == "2600\n2601\n"
    assert run_render(vms, "csv", query="virtualmachine[].id").out == "2600\r\n2601\r\n"
    assert run_render(vms, "tsv", query="virtualmachine[0].name").out == "test\n"
    assert run_render(vms, "json", query="length(virtualmachine)").out == "2\n"
    grid = run_render(vms, "tsv", query="virtualmachine[].[id, state]").out
    assert grid == "2600\tRunning\n2601\tStarting\n"


def test_query_that_finds_nothing_prints_the_empty_note(vms):
    rendered = run_render(vms, "column", query="virtualmachine[?state=='Gone']")

    assert (rendered.out, rendered.err) == ("", "No results.\n")
    assert run_render(vms, "json", query="nosuchkey").out == "null\n"


def test_query_functions_treat_decimals_as_numbers():
    data = {"vm": [{"cpu": Decimal("1.25")}, {"cpu": 2}, {"cpu": Decimal("0.50")}]}

    assert run_render(data, "json", query="sum(vm[].cpu)").out == "3.75\n"
    assert run_render(data, "json", query="max_by(vm, &cpu).cpu").out == "2\n"
    assert (
        run_render(data, "tsv", query="sort_by(vm, &cpu)[].cpu").out
        == "0.50\n1.25\n2\n"
    )


@pytest.mark.parametrize("query", ["virtualmachine[", "nosuchfunction(id)", "sum(a"])
def test_a_bad_query_is_a_usage_error_naming_the_query(vms, query):
    with pytest.raises(UsageError) as caught:
        render(vms, "json", query=query)

    assert caught.value.exit_code == ExitCode.USAGE
    assert repr(query) in str(caught.value)
