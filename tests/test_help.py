"""Help for one API and the list of APIs, readable in 80 columns and offline."""

from __future__ import annotations

import pytest

from sscli.catalog import Catalog
from sscli.commands import cli
from sscli.errors import ExitCode, UsageError
from sscli.help import format_api_help, format_api_list, help_for, verb_of


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def deploy_help(catalog) -> str:
    return format_api_help(catalog.api("deployVirtualMachine"))


def section(text: str, title: str) -> list[str]:
    """The lines under `title:` up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(f"{title}:") + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_api_help_starts_with_name_async_and_description(deploy_help):
    first, second = deploy_help.splitlines()[:2]
    assert first == "deployVirtualMachine (async: sscli waits for the job)"
    assert second.startswith("Creates and automatically starts a virtual machine")


def test_api_help_lists_required_params_with_type_and_description(deploy_help):
    rows = section(deploy_help, "Required parameters")
    named = [row.split()[:2] for row in rows if not row.startswith(" " * 4)]
    assert named == [["serviceofferingid", "uuid"], ["templateid", "uuid"],
                     ["zoneid", "uuid"]]
    assert "availability zone for the virtual machine" in "\n".join(rows)


def test_api_help_lists_optional_params_and_response_fields(deploy_help):
    optional = "\n".join(section(deploy_help, "Optional parameters"))
    assert "  startvm " in optional and "boolean" in optional
    response = "\n".join(section(deploy_help, "Response fields"))
    assert "  id " in response
    assert "    ipaddress " in response  # a field of each nic, indented under nic


@pytest.mark.parametrize("name", ["deployVirtualMachine", "listVirtualMachines",
                                  "createNetworkOffering", "login"])
def test_api_help_fits_80_columns(catalog, name):
    text = format_api_help(catalog.api(name))
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert too_wide == []


def test_a_sync_api_says_so(catalog):
    assert format_api_help(catalog.api("listZones")).startswith("listZones (sync)\n")


def test_api_list_groups_by_verb_with_common_verbs_first(catalog):
    text = format_api_list(catalog)
    headers = [line for line in text.splitlines() if line and line[0] != " "]
    assert headers[0] == "705 APIs (bundled CloudStack 4.18)"
    assert headers[1:5] == ["list (187)", "create (76)", "delete (99)", "update (74)"]
    assert max(len(line) for line in text.splitlines()) <= 80


def test_every_api_appears_once_in_the_list(catalog):
    listed = format_api_list(catalog).split()
    assert sorted(name for name in listed if name in catalog.names()) == sorted(
        catalog.names()
    )


def test_api_list_filters_by_a_word(catalog):
    text = format_api_list(catalog, "vmsnapshot")
    names = sorted(word for word in text.split() if word in catalog.names())
    assert names == ["createSnapshotFromVMSnapshot", "createVMSnapshot",
                     "deleteVMSnapshot", "listVMSnapshot", "revertToVMSnapshot"]


def test_api_list_refuses_a_word_nothing_matches(catalog):
    with pytest.raises(UsageError, match="no API name contains 'frobnicate'"):
        format_api_list(catalog, "frobnicate")


def test_api_list_suggests_a_close_name_for_a_typo(catalog):
    with pytest.raises(UsageError) as caught:
        help_for(catalog, ["list", "virtualmachnes"])
    assert str(caught.value) == (
        "no API name contains 'list virtualmachnes'; did you mean listVirtualMachines?"
    )


def test_help_for_reads_both_grammars(catalog):
    assert help_for(catalog, ["list", "virtualmachines"]).startswith(
        "listVirtualMachines (sync)"
    )
    assert help_for(catalog, ["zone"]).startswith("13 APIs matching 'zone'")


@pytest.mark.parametrize(("name", "verb"), [("listZones", "list"), ("login", "login"),
                                            ("ldapCreateAccount", "ldap")])
def test_verb_of_splits_at_the_first_capital(name, verb):
    assert verb_of(name) == verb


# -- through the real command line -----------------------------------------------------


def test_help_works_on_a_fresh_install_without_network(sscli):
    result = sscli("help", "listVirtualMachines")
    assert result.code == 0, result.err
    assert result.out.startswith("listVirtualMachines (sync)")


def test_dash_h_after_an_api_shows_help_and_sends_nothing(sim_profile, sscli):
    result = sscli("deployVirtualMachine", "-h")
    assert result.code == 0, result.err
    assert result.out.startswith("deployVirtualMachine (async")
    assert sim_profile.requests == []


def test_a_verb_alone_is_a_one_line_usage_error_and_sends_nothing(sim_profile, sscli):
    result = sscli("list")
    assert result.code == ExitCode.USAGE
    assert result.err == (
        "Error: list what? e.g. sscli list zones; sscli help list shows them all\n"
    )
    assert sim_profile.requests == []


@pytest.mark.parametrize(
    "words", [("list", "-h"), ("list", "--help"), ("help", "list")]
)
def test_a_verb_with_dash_h_or_after_help_lists_its_apis(sim_profile, sscli, words):
    result = sscli(*words)
    assert result.code == 0, result.err
    assert result.out.startswith("187 list APIs (bundled CloudStack 4.18)\n")
    listed = set(result.out.split())
    assert {"listZones", "listVirtualMachines"} <= listed
    assert not listed & {"createNetwork", "addToBlacklist", "ldapCreateAccount"}
    assert sim_profile.requests == []


def test_dash_h_after_params_still_shows_the_apis_help(sim_profile, sscli):
    result = sscli("list", "zones", "name=x", "-h")
    assert result.code == 0, result.err
    assert result.out.startswith("listZones (sync)\n")
    assert sim_profile.requests == []


BUILTINS = sorted(cli.commands)


def test_the_builtins_are_the_ones_a_user_expects():
    assert {"set", "profiles", "wait", "help", "sync", "completion", "simulator",
            "login", "logout", "shell"} <= set(BUILTINS)


@pytest.mark.parametrize("name", BUILTINS)
def test_help_for_a_builtin_command_is_its_click_help(sscli, name):
    helped = sscli("help", name)
    own = sscli(name, "--help")
    assert helped.code == own.code == 0, helped.err
    assert helped.out.startswith(f"Usage: sscli {name} ")
    assert helped.out == own.out


def test_help_for_a_subcommand_is_its_click_help(sscli):
    helped = sscli("help", "profiles", "import")
    assert helped.code == 0, helped.err
    assert helped.out.startswith("Usage: sscli profiles import ")
    assert helped.out == sscli("profiles", "import", "--help").out


def test_the_api_list_names_sscli_own_commands(sscli):
    result = sscli("help")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    start = lines.index("sscli's own commands (details: sscli help COMMAND):") + 1
    rows = lines[start : lines.index("", start)]
    named = [row.split()[0] for row in rows if not row.startswith(" " * 4)]
    assert named == BUILTINS
    assert "  set         Show or change the current profile's settings." in rows
    assert max(len(line) for line in lines) <= 80


def test_a_word_in_a_command_name_still_filters_the_apis(sscli):
    result = sscli("help", "snapshot")
    assert result.code == 0, result.err
    assert "sscli's own commands" not in result.out
    assert "createSnapshot" in result.out.split()


def test_help_for_an_unknown_word_exits_non_zero(sscli):
    result = sscli("help", "frobnicate")
    assert result.code == ExitCode.USAGE
    assert "no API name contains 'frobnicate'" in result.err
