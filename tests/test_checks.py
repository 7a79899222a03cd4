"""Checks before sending: what the server would refuse stops here, with no request."""

from __future__ import annotations

import re

import pytest

from sscli.catalog import Catalog
from sscli.catalog.lookup import closest_names
from sscli.errors import ExitCode, UsageError


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


DEPLOY_REQUIRED = {"serviceofferingid": "s", "templateid": "t", "zoneid": "z"}


def test_missing_required_params_are_named_in_one_line(catalog):
    with pytest.raises(UsageError) as caught:
        catalog.check("deployVirtualMachine", {"zoneid": "x"})
    message = str(caught.value)
    assert message.startswith(
        "deployVirtualMachine needs serviceofferingid, templateid;"
    )
    assert "\n" not in message
    assert caught.value.exit_code == ExitCode.USAGE


def test_one_missing_param_is_named_with_a_value_to_fill(catalog):
    with pytest.raises(UsageError) as caught:
        catalog.check("startVirtualMachine", {})
    assert str(caught.value) == (
        "startVirtualMachine needs id; add it as id=VALUE "
        "(see `sscli startVirtualMachine -h`)"
    )


def test_several_missing_params_are_added_as_name_value(catalog):
    with pytest.raises(UsageError) as caught:
        catalog.check("deployVirtualMachine", {})
    assert str(caught.value) == (
        "deployVirtualMachine needs serviceofferingid, templateid, zoneid; "
        "add them as name=value (see `sscli deployVirtualMachine -h`)"
    )


def test_all_required_params_pass(catalog):
    assert catalog.check("deployVirtualMachine", dict(DEPLOY_REQUIRED)) == []


def test_a_map_entry_counts_as_its_map(catalog):
    params = {
        "resourcetype": "UserVm",
        "resourceids": "abc",
        "tags[0].key": "env",
        "tags[0].value": "prod",
    }
    assert catalog.check("createTags", params) == []
    with pytest.raises(UsageError, match="createTags needs tags"):
        catalog.check("createTags", {"resourcetype": "UserVm", "resourceids": "a"})


@pytest.mark.parametrize("value", ["abc", "1.5", "12a", "", "٣"])
def test_an_integer_rejects_what_is_not_a_whole_number(catalog, value):
    params = {"page": value}
    with pytest.raises(UsageError) as caught:
        catalog.check("listZones", params)
    assert str(caught.value) == (
        f"listZones: page must be a whole number, got {value!r}"
    )


@pytest.mark.parametrize("value", ["1", "500", "-1", "+3"])
def test_an_integer_accepts_whole_numbers(catalog, value):
    assert catalog.check("listZones", {"pagesize": value}) == []


@pytest.mark.parametrize(
    ("value", "sent"), [("TRUE", "true"), ("False", "false"), ("true", "true")]
)
def test_a_boolean_accepts_any_case_and_is_sent_in_lower_case(catalog, value, sent):
    params = {"available": value}
    catalog.check("listZones", params)
    assert params == {"available": sent}


@pytest.mark.parametrize("value", ["yes", "1", "on", "tru", ""])
def test_a_boolean_rejects_other_words(catalog, value):
    with pytest.raises(UsageError, match="available must be true or false"):
        catalog.check("listZones", {"available": value})


def test_an_empty_required_value_counts_as_missing(catalog):
    params = {"zoneid": "", "serviceofferingid": "", "templateid": "t"}
    with pytest.raises(UsageError) as caught:
        catalog.check("deployVirtualMachine", params)
    assert str(caught.value).startswith(
        "deployVirtualMachine needs serviceofferingid, zoneid;"
    )


def test_an_empty_string_value_still_passes(catalog):
    assert catalog.check("updateZone", {"id": "z", "dns2": ""}) == []


@pytest.mark.parametrize(
    ("api", "typed", "sent"),
    [
        (
            "deployVirtualMachine",
            {"ZoneId": "z", "ServiceOfferingId": "s", "templateid": "t"},
            DEPLOY_REQUIRED,
        ),
        ("listVirtualMachines", {"PAGE": "2"}, {"page": "2"}),
        ("listZones", {"Available": "TRUE"}, {"available": "true"}),
        (
            "createTags",
            {"ResourceType": "UserVm", "resourceids": "a", "Tags[0].Key": "env"},
            {"resourcetype": "UserVm", "resourceids": "a", "tags[0].Key": "env"},
        ),
    ],
)
def test_param_names_match_in_any_case_and_take_the_catalogs_spelling(
    catalog, api, typed, sent
):
    params = dict(typed)
    assert catalog.check(api, params) == []
    assert params == sent


@pytest.mark.parametrize(
    ("api", "typed", "message"),
    [
        ("listVirtualMachines", {"PAGE": "abc"}, "page must be a whole number"),
        ("listZones", {"Available": "yes"}, "available must be true or false"),
        ("deployVirtualMachine", {"ZoneId": ""}, "needs serviceofferingid, "),
        (
            "listZones",
            {"name": "a", "NAME": "b"},
            "name given twice (as 'name' and 'NAME')",
        ),
    ],
)
def test_checks_apply_whatever_the_case_of_the_name(catalog, api, typed, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        catalog.check(api, dict(typed))


def test_uuids_are_left_to_the_server(catalog):
    assert catalog.check("listZones", {"id": "not-a-uuid"}) == []


def test_an_unknown_param_warns_with_the_closest_name(catalog):
    params = {"zoneidd": "z"}
    warnings = catalog.check("listVirtualMachines", params)
    assert warnings == [
        "unknown parameter 'zoneidd' for listVirtualMachines; did you mean zoneid?"
    ]
    assert params == {"zoneidd": "z"}  # still sent: the server may be newer


def test_an_unknown_param_without_a_close_name_still_warns(catalog):
    warnings = catalog.check("listZones", {"frobnication": "1"})
    assert warnings == [
        "unknown parameter 'frobnication' for listZones; "
        "sending it anyway (see `sscli listZones -h`)"
    ]


def test_protocol_params_are_not_unknown(catalog):
    assert catalog.check("listZones", {"response": "json", "sessionkey": "k"}) == []


# -- through the real command line, against the simulator ------------------------------


def test_a_misspelt_api_exits_non_zero_and_sends_nothing(sim_profile, sscli):
    result = sscli("listVirtualMachnes")
    assert result.code == ExitCode.USAGE
    assert result.err == (
        "Error: Unknown API 'listVirtualMachnes'; did you mean listVirtualMachines?\n"
    )
    assert sim_profile.requests == []


@pytest.mark.parametrize(
    "typed, offered",
    [
        ("listVirtualMachnes", ["listVirtualMachines"]),  # one clear winner alone
        ("listFoo", ["listPods", "listIsos", "listZones"]),  # no winner: three
        ("deployVM", []),
    ],
)
def test_suggestions_drop_names_far_behind_the_closest(typed, offered):
    names = Catalog.load().names()
    assert closest_names(typed, names) == offered


def test_a_missing_required_param_exits_non_zero_and_sends_nothing(sim_profile, sscli):
    result = sscli("deployVirtualMachine", "zoneid=x")
    assert result.code == ExitCode.USAGE
    assert "deployVirtualMachine needs serviceofferingid, templateid" in result.err
    assert sim_profile.requests == []


def test_a_bad_integer_exits_non_zero_and_sends_nothing(sim_profile, sscli):
    result = sscli("listVirtualMachines", "page=abc")
    assert result.code == ExitCode.USAGE
    assert "page must be a whole number, got 'abc'" in result.err
    assert sim_profile.requests == []


def test_an_unknown_param_warns_and_the_call_goes_on(sim_profile, sscli):
    result = sscli("list", "zones", "nme=x", "-o", "json")
    assert result.code == 0, result.err
    assert "unknown parameter 'nme' for listZones; did you mean name?" in result.err
    sent = [record.params for record in sim_profile.requests]
    assert [params["command"] for params in sent] == ["listZones"]
    assert sent[0]["nme"] == "x"


def test_a_boolean_in_upper_case_is_sent_in_lower_case(sim_profile, sscli):
    result = sscli("listZones", "available=TRUE", "-o", "json")
    assert result.code == 0, result.err
    assert sim_profile.requests[0].params["available"] == "true"


def test_a_name_in_another_case_is_sent_as_the_catalog_spells_it(sim_profile, sscli):
    result = sscli("listZones", "Available=TRUE", "Name=x", "-o", "json")
    assert result.code == 0, result.err
    assert result.err == ""
    sent = sim_profile.requests[0].params
    assert (sent["available"], sent["name"]) == ("true", "x")
    assert "Available" not in sent and "Name" not in sent


@pytest.mark.parametrize(
    "words",
    [
        ["deployVirtualMachine", "zoneid=", "serviceofferingid=", "templateid="],
        ["listVirtualMachines", "page="],
        ["listZones", "available="],
    ],
)
def test_an_empty_value_that_cannot_be_empty_sends_nothing(sim_profile, sscli, words):
    result = sscli(*words)
    assert result.code == ExitCode.USAGE
    assert result.err.startswith("Error: ") and result.err.count("\n") == 1
    assert sim_profile.requests == []
