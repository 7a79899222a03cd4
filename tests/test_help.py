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
    assert named == [
        ["serviceofferingid", "uuid"],
        ["templateid", "uuid"],
        ["zoneid", "uuid"],
    ]
    assert "availability zone for the virtual machine" in "\n".join(rows)


def test_api_help_lists_optional_params_and_response_fields(deploy_help):
    optional = "\n".join(section(deploy_help, "Optional parameters"))
    assert "  startvm " in optional and "boolean" in optional
    response = "\n".join(section(deploy_help, "Response fields"))
    assert "  id " in response
    assert "    ipaddress " in response  # a field of each nic, indented under nic


@pytest.mark.parametrize(
    "name",
    ["deployVirtualMachine", "listVirtualMachines", "createNetworkOffering", "login"],
)
def test_api_help_fits_80_columns(catalog, name):
    text = format_api_help(catalog.api(name))
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert too_wide == []


def flatten(fields, indent: str = "  ") -> list[tuple[str, str, str]]:
    """(indent + name, type, description) of each response field, nested in order."""
    rows = []
    for field in fields:
        rows.append((indent + field.name, field.type, field.description))
        rows += flatten(field.fields, indent + "  ")
    return rows


def params_of(params) -> list[tuple[str, str, str]]:
    return [("  " + param.name, param.type, param.description) for param in params]


def column_starts(lines: list[str], rows: list[tuple[str, str, str]]):
    """Where each row's type and description start; asserts two spaces before each.

    A name too long for its column stands alone and its type starts the next line;
    a type too long for its column pushes the description onto the next line.
    """
    type_starts, text_starts, position = set(), set(), 0
    for name, kind, text in rows:
        while not lines[position].startswith(name):
            position += 1
        line = lines[position]
        rest = line[len(name) :]
        if not rest:  # the name alone on its line
            position += 1
            line, rest = lines[position], lines[position]
        else:
            assert rest.startswith("  "), line
        start = len(line) - len(rest.lstrip())
        assert line[start:].startswith(kind), line
        type_starts.add(start)
        after = line[start + len(kind) :]
        if text and not after:  # the description starts the next line
            position += 1
            line, after = lines[position], lines[position]
        if text:
            assert after.startswith("  "), line
            start = len(line) - len(after.lstrip())
            assert line[start:].startswith(text.split()[0]), line
            text_starts.add(start)
        position += 1
    return type_starts, text_starts


LAYOUT_SAMPLES = [
    "listVirtualMachines",
    "deployVirtualMachine",
    "listHosts",
    "listStoragePools",
    "createConsoleEndpoint",
    "listZones",
]


@pytest.mark.parametrize("name", LAYOUT_SAMPLES)
def test_each_section_keeps_one_column_per_kind_two_spaces_apart(catalog, name):
    api = catalog.api(name)
    text = format_api_help(api)
    sections = [
        ("Required parameters", params_of(api.required)),
        ("Optional parameters", params_of(api.optional)),
        ("Response fields", flatten(api.response)),
    ]
    for title, rows in sections:
        if not rows:
            continue
        type_starts, text_starts = column_starts(section(text, title), rows)
        assert len(type_starts) == 1, (title, type_starts)
        assert len(text_starts) == 1, (title, text_starts)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_long_type_sends_its_description_to_the_next_line(catalog):
    rows = section(
        format_api_help(catalog.api("listVirtualMachines")), "Response fields"
    )
    at = next(i for i, row in enumerate(rows) if row.startswith("  icon "))
    assert rows[at].split() == ["icon", "resourceiconresponse"]
    assert rows[at + 1].strip().startswith("Base64 string representation")


def test_response_fields_skip_the_nameless_entries_of_listapis(catalog):
    api = catalog.api("listVirtualMachines")
    assert all(row[0].strip() for row in flatten(api.response))
    rows = section(format_api_help(api), "Response fields")
    assert rows[0].startswith("  account ")
    assert [row for row in rows if row.strip() in ("", "-")] == []


def test_required_parameters_come_before_optional_ones(deploy_help):
    titles = [
        line
        for line in deploy_help.splitlines()
        if line.endswith(":") and not line.startswith(" ")
    ]
    assert titles == [
        "Required parameters:",
        "Optional parameters:",
        "Response fields:",
    ]


def test_every_bundled_apis_help_fits_80_columns_without_bare_dashes():
    from conftest import LISTAPIS_418

    from sscli.catalog import read_answer
    from sscli.catalog.details import api_from_entry

    bad = []
    for entry in read_answer(str(LISTAPIS_418))["api"]:
        text = format_api_help(api_from_entry(entry))
        bad += [
            line for line in text.splitlines() if len(line) > 80 or line.strip() == "-"
        ]
    assert bad == []


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
    assert names == [
        "createSnapshotFromVMSnapshot",
        "createVMSnapshot",
        "deleteVMSnapshot",
        "listVMSnapshot",
        "revertToVMSnapshot",
    ]


def test_api_list_refuses_a_word_nothing_matches(catalog):
    with pytest.raises(UsageError, match="no API name contains 'frobnicate'"):
        format_api_list(catalog, "frobnicate")


@pytest.mark.parametrize(
    ("words", "suggested"),
    [
        (["list", "virtualmachnes"], "list virtualmachines"),
        (["listVirtualMachnes"], "listVirtualMachines"),
    ],
)
def test_api_list_suggests_a_close_name_in_the_grammar_typed(catalog, words, suggested):
    with pytest.raises(UsageError) as caught:
        help_for(catalog, words)
    assert str(caught.value) == (
        f"no API name contains {' '.join(words)!r}; did you mean {suggested}?"
    )


def test_counts_of_one_api_are_singular(catalog):
    assert help_for(catalog, ["deployVirtualMachin"]).startswith(
        "1 API matching 'deployVirtualMachin' ("
    )
    lone = next(
        verb
        for verb in sorted({verb_of(name) for name in catalog.names()})
        if len(catalog.verb_names(verb)) == 1
    )
    assert help_for(catalog, [lone]).startswith(f"1 {lone} API (")


def test_help_for_reads_both_grammars(catalog):
    assert help_for(catalog, ["list", "virtualmachines"]).startswith(
        "listVirtualMachines (sync)"
    )
    assert help_for(catalog, ["zone"]).startswith("13 APIs matching 'zone'")


@pytest.mark.parametrize(
    ("name", "verb"),
    [("listZones", "list"), ("login", "login"), ("ldapCreateAccount", "ldap")],
)
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
    assert {
        "set",
        "profiles",
        "wait",
        "help",
        "sync",
        "completion",
        "simulator",
        "login",
        "logout",
        "shell",
    } <= set(BUILTINS)


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


@pytest.fixture
def pager(monkeypatch):
    """Records what would go to the pager, on a terminal 24 lines tall."""
    import click

    paged: list[str] = []
    monkeypatch.setattr(click, "echo_via_pager", paged.append)
    monkeypatch.setenv("LINES", "24")
    monkeypatch.setenv("COLUMNS", "80")
    return paged


def on_a_terminal(monkeypatch, tty: bool = True):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)


@pytest.mark.parametrize(
    "words",
    [
        ("help", "deployVirtualMachine"),
        ("deployVirtualMachine", "-h"),
        ("help",),
        ("list", "-h"),
    ],
)
def test_help_taller_than_the_terminal_goes_through_the_pager(
    sscli, pager, monkeypatch, words
):
    on_a_terminal(monkeypatch)
    result = sscli(*words)
    assert result.code == 0, result.err
    assert result.out == ""
    assert len(pager) == 1 and pager[0].count("\n") > 24


def test_help_that_fits_the_terminal_is_printed(sscli, pager, monkeypatch):
    on_a_terminal(monkeypatch)
    result = sscli("help", "logout")
    assert result.out.startswith("Usage: sscli logout")
    assert pager == []


def test_piped_help_is_never_paged(sscli, pager, monkeypatch):
    on_a_terminal(monkeypatch, tty=False)
    result = sscli("help", "deployVirtualMachine")
    assert result.out.startswith("deployVirtualMachine (async")
    assert pager == []


def test_help_for_an_unknown_word_exits_non_zero(sscli):
    result = sscli("help", "frobnicate")
    assert result.code == ExitCode.USAGE
    assert "no API name contains 'frobnicate'" in result.err
