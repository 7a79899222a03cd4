"""Output as scripts see it: the real sscli, a pipe, and the simulator over HTTP."""

from __future__ import annotations

import csv
import io
import shlex
import subprocess
import sys

import pytest

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
