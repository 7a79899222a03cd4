"""Output as scripts see it: the real sscli, a pipe, and the simulator over HTTP."""

from __future__ import annotations

import csv
import io
import shlex
import subprocess
import sys

import pytest

from sscli.errors import ExitCode
from sscli.paging import PAGE_SIZE
from sscli.simulator import Simulator

PAGES = 3


@pytest.fixture(scope="module")
def paged_sim():
    """More VMs than two of sscli's pages hold, so that the list comes in three."""
    with Simulator(vms=PAGE_SIZE * (PAGES - 1) + 1) as sim:
        yield sim


@pytest.fixture
def paged_profile(paged_sim, simulator_profile):
    return simulator_profile("paged", paged_sim)


def run_pipeline(command: str) -> str:
    """A shell pipeline whose first word is sscli; fails if any stage fails."""
    sscli = f"{shlex.quote(sys.executable)} -m sscli"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{sscli} {command}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_filter_csv_is_a_header_and_one_line_per_vm_and_filter_is_never_sent(
    paged_profile,
):
    lines = run_pipeline("listVirtualMachines filter=name,state -o csv | wc -l")

    assert int(lines) == len(paged_profile.state.vms) + 1
    sent = [record.params for record in paged_profile.requests]
    pages = sorted(int(params["page"]) for params in sent)
    assert pages == list(range(1, PAGES + 1))
    assert all(params["command"] == "listVirtualMachines" for params in sent)
    assert not [name for params in sent for name in params if name.lower() == "filter"]


def test_filter_csv_holds_exactly_the_named_fields_of_every_vm(paged_profile):
    out = run_pipeline("listVirtualMachines filter=name,state -o csv")

    rows = list(csv.reader(io.StringIO(out, newline="")))
    expected = [[vm["name"], vm["state"]] for vm in paged_profile.state.vms]
    assert rows[0] == ["name", "state"]
    assert sorted(rows[1:]) == sorted(expected)


def test_an_empty_result_with_a_filter_is_a_csv_header(sscli, sim_profile):
    result = sscli("listVirtualMachines", "keyword=zzzz", "filter=id,name", "-o", "csv")

    assert (result.code, result.out, result.err) == (0, "id,name\r\n", "No results.\n")
    assert "filter" not in sim_profile.requests[-1].params


@pytest.fixture
def own_sim(simulator_profile):
    """A simulator of this test's own: a deploy that got through would change it."""
    with Simulator(vms=3, job_seconds=0.1) as sim:
        yield simulator_profile("own", sim)


def deploy_words(sim) -> list[str]:
    state = sim.state
    return [
        "deployVirtualMachine",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    ]


BAD_OUTPUTS = {
    "syntax": (["--query", "zone["], "Bad query 'zone['"),
    "unknown function": (["--query", "nosuch(id)"], "Unknown function: nosuch()"),
    "arity": (["--query", "length(id, name)"], "Expected 1 argument"),
    "slice step": (["--query", "virtualmachine[::0]"], "slice step cannot be zero"),
    "filter and exclude": (
        ["filter=id", "exclude=ID"],
        "exclude= removes every filter= field",
    ),
}


@pytest.mark.parametrize("bad", BAD_OUTPUTS.values(), ids=BAD_OUTPUTS.keys())
@pytest.mark.parametrize("api", ["deploy", "list"])
def test_a_bad_query_or_selection_is_refused_before_anything_is_sent(
    sscli, own_sim, api, bad
):
    words, message = bad
    call = deploy_words(own_sim) if api == "deploy" else ["listVirtualMachines"]
    vms = len(own_sim.state.vms)

    result = sscli(*call, *words)

    assert result.code == ExitCode.USAGE
    assert result.out == ""
    assert len(result.err.splitlines()) == 1 and message in result.err, result.err
    assert own_sim.requests == []
    assert len(own_sim.state.vms) == vms


def test_wait_checks_its_selection_before_asking_for_the_job(sscli, own_sim):
    result = sscli("wait", "some-job-id", "filter=jobid", "exclude=jobid")

    assert result.code == ExitCode.USAGE
    assert "exclude= removes every filter= field" in result.err
    assert own_sim.requests == []


def test_a_query_that_fails_on_the_answer_is_still_a_usage_error(sscli, own_sim):
    """What only the data can show (a number ordered against a string) fails
    after the answer, as one line."""
    result = sscli("listVirtualMachines", "--query", "virtualmachine[?cpunumber > 'a']")

    assert result.code == ExitCode.USAGE
    assert result.err.startswith("Error: Bad query") and result.err.count("\n") == 1
    assert [record.params["command"] for record in own_sim.requests] == [
        "listVirtualMachines"
    ]
