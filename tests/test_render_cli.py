"""Output as scripts see it: the real sscli against the simulator over HTTP."""

from __future__ import annotations


def test_an_empty_result_with_a_filter_is_a_csv_header(sscli, sim_profile):
    result = sscli("listVirtualMachines", "keyword=zzzz", "filter=id,name", "-o", "csv")

    assert (result.code, result.out, result.err) == (0, "id,name\r\n", "No results.\n")
    assert "filter" not in sim_profile.requests[-1].params
