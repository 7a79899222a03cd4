"""The bundled catalog, name resolution in both grammars, and `sscli sync`."""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import LISTAPIS_418

from sscli.catalog import Catalog, read_answer, store, sync
from sscli.catalog.build import build_details, build_index
from sscli.errors import APIError, BadResponseError, NetworkError, UsageError

TOOLS = Path(__file__).resolve().parent.parent / "tools"


def small_api(name: str, *params: dict, isasync: bool = False) -> dict:
    return {
        "name": name,
        "isasync": isasync,
        "description": f"{name} does it",
        "params": list(params),
        "response": [],
    }


def param(name: str, kind: str = "string", required: bool = False, **extra) -> dict:
    return {
        "name": name,
        "type": kind,
        "required": required,
        "description": name,
        **extra,
    }


class FakeClient:
    """Answers listApis with a given dict, or raises a given error."""

    def __init__(self, answer=None, error: Exception | None = None):
        self.answer, self.error, self.calls = answer, error, []

    def request(self, command: str, params: dict[str, str]) -> dict:
        self.calls.append((command, params))
        if self.error:
            raise self.error
        return self.answer


def synced_answer(*names: str) -> dict:
    apis = [small_api(name, param("id", "uuid", True)) for name in names]
    return {"count": len(apis), "api": apis}


# -- the bundled catalog ---------------------------------------------------------------


def bundled_source() -> str:
    sys.path.insert(0, str(TOOLS))
    try:
        from build_catalog import BUNDLED_SOURCE
    finally:
        sys.path.remove(str(TOOLS))
    return BUNDLED_SOURCE


def test_bundled_index_and_details_are_built_from_the_bundled_answer():
    apis = read_answer(str(LISTAPIS_418))["api"]
    index = Path(store.BUNDLED_INDEX).read_text(encoding="utf-8")
    details = gzip.decompress(Path(store.BUNDLED_DETAILS).read_bytes())
    rebuild = "run: python tools/build_catalog.py"
    assert index == build_index(apis, bundled_source()), rebuild
    assert details == gzip.decompress(build_details(apis)), rebuild


def test_bundled_catalog_has_every_418_api():
    catalog = Catalog.load()
    assert len(catalog.names()) == 705
    assert "deployVirtualMachine" in catalog.names()
    assert catalog.source == "bundled CloudStack 4.18"


def test_index_keeps_params_type_required_and_async():
    catalog = Catalog.load()
    specs = catalog.params("deployVirtualMachine")
    assert specs["zoneid"][:2] == ("uuid", True)
    assert specs["startvm"][:2] == ("boolean", False)
    assert catalog.is_async("deployVirtualMachine")
    assert not catalog.is_async("listZones")


def test_details_come_from_the_listapis_entry():
    api = Catalog.load().api("deployvirtualmachine")
    assert api.name == "deployVirtualMachine"
    assert api.isasync
    assert api.description.startswith("Creates and automatically starts")
    assert [p.name for p in api.required] == [
        "serviceofferingid",
        "templateid",
        "zoneid",
    ]
    assert "nic" in {field.name for field in api.response}


# -- names -----------------------------------------------------------------------------


def test_canonical_ignores_case():
    catalog = Catalog.load()
    assert catalog.canonical("LISTVIRTUALMACHINES") == "listVirtualMachines"
    assert catalog.canonical("listVirtualMachine") is None


@pytest.mark.parametrize(
    "words",
    [
        ["listVirtualMachines", "state=Running"],
        ["listvirtualmachines", "state=Running"],
        ["list", "virtualmachines", "state=Running"],
        ["List", "VirtualMachines", "state=Running"],
    ],
)
def test_both_grammars_resolve_to_the_canonical_name(words):
    assert Catalog.load().resolve(words) == ("listVirtualMachines", ["state=Running"])


def test_a_parameter_is_never_read_as_the_second_half_of_a_name():
    with pytest.raises(UsageError):
        Catalog.load().resolve(["list", "zones=1"])


@pytest.mark.parametrize(
    ("words", "typed", "suggested"),
    [
        (["listVirtualMachnes"], "'listVirtualMachnes'", "listVirtualMachines"),
        (["list", "virtualmachnes"], "'list virtualmachnes'", "list virtualmachines"),
        (["list", "zone"], "'list zone'", "list zones"),
        (["List", "zone"], "'List zone'", "list zones"),
        (["listZone"], "'listZone'", "listZones"),
    ],
)
def test_unknown_api_suggests_the_closest_name_in_the_grammar_typed(
    words, typed, suggested
):
    with pytest.raises(UsageError) as caught:
        Catalog.load().resolve(words)
    assert str(caught.value) == f"Unknown API {typed}; did you mean {suggested}?"


@pytest.mark.parametrize("words", [["list"], ["List"], ["list", "zoneid=1"]])
def test_a_verb_alone_asks_what_to_list(words):
    with pytest.raises(UsageError) as caught:
        Catalog.load().resolve(words)
    verb = words[0]
    assert str(caught.value) == (
        f"{verb} what? e.g. sscli {verb} zones; sscli help {verb} shows them all"
    )


def test_a_verb_alone_gets_an_example_of_its_own():
    with pytest.raises(UsageError) as caught:
        Catalog.load().resolve(["start"])
    assert str(caught.value).startswith("start what? e.g. sscli start virtualmachine;")


@pytest.mark.parametrize(
    ("words", "verb"),
    [
        (["list"], "list"),
        (["DELETE", "id=1"], "DELETE"),
        (["list", "zones"], None),
        (["listZones"], None),
        (["login"], None),
        (["frobnicate"], None),
        ([], None),
    ],
)
def test_lone_verb_is_a_verb_with_no_noun_after_it(words, verb):
    assert Catalog.load().lone_verb(words) == verb


def test_unknown_api_without_a_close_name_points_to_help():
    with pytest.raises(UsageError, match="see `sscli help`"):
        Catalog.load().resolve(["frobnicate"])


# -- related: where ids come from ------------------------------------------------------


@pytest.mark.parametrize(
    ("api", "param_name", "list_api"),
    [
        ("deployVirtualMachine", "zoneid", "listZones"),
        ("deployVirtualMachine", "serviceofferingid", "listServiceOfferings"),
        # related names listIsos first; the one for templates is preferred
        ("deployVirtualMachine", "templateid", "listTemplates"),
        # related names only addHost, updateHost...; other params pair them with
        # listHosts
        ("deployVirtualMachine", "hostid", "listHosts"),
        # listProjectAccounts needs a projectid itself, so it cannot fill one
        ("addAccountToProject", "projectid", "listProjects"),
    ],
)
def test_related_list_api_comes_from_the_catalog(api, param_name, list_api):
    assert Catalog.load().related_list_api(api, param_name) == list_api


def test_no_related_list_api_for_a_plain_value():
    catalog = Catalog.load()
    assert catalog.related_list_api("deployVirtualMachine", "name") is None
    assert catalog.related_list_api("deployVirtualMachine", "nosuchparam") is None


def test_build_index_ignores_related_on_non_id_params():
    apis = [
        small_api("listThings", param("id", "uuid")),
        small_api(
            "useThing",
            param("thingid", "uuid", related="listThings"),
            param("scope", related="listThings"),
        ),
    ]
    catalog = Catalog(*_parse(build_index(apis, "test")), "unused")
    assert catalog.related_list_api("useThing", "thingid") == "listThings"
    assert catalog.related_list_api("useThing", "scope") is None


def _parse(text: str):
    from sscli.catalog.index import parse_index

    return parse_index(text)


# -- cache dir -------------------------------------------------------------------------


def test_cache_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("SSCLI_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert store.cache_dir() == str(tmp_path / "elsewhere")


def test_cache_and_config_dirs_match_platformdirs(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.delenv("SSCLI_CACHE_DIR")
    monkeypatch.delenv("SSCLI_CONFIG_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert store.cache_dir() == platformdirs.user_cache_dir("sscli")
    assert store.config_dir() == platformdirs.user_config_dir("sscli")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert store.cache_dir() == platformdirs.user_cache_dir("sscli")


# -- sync ------------------------------------------------------------------------------


def test_sync_asks_listapis_listall_and_returns_the_count():
    client = FakeClient(synced_answer("listFrobs", "listZones"))
    assert sync(client, "prod") == 2
    assert client.calls == [("listApis", {"listall": "true"})]


def test_a_synced_catalog_replaces_the_bundled_one_for_that_profile_only():
    sync(FakeClient(synced_answer("listFrobs", "listZones")), "prod")
    synced = Catalog.load("prod")
    assert synced.names() == ["listFrobs", "listZones"]
    assert synced.resolve(["list", "frobs"]) == ("listFrobs", [])
    assert synced.api("listFrobs").description == "listFrobs does it"
    assert synced.source.startswith("profile prod, synced ")
    assert len(Catalog.load("other").names()) == 705
    assert len(Catalog.load().names()) == 705


def test_sync_writes_under_the_cache_dir_and_leaves_no_temporary_file(tmp_path):
    sync(FakeClient(synced_answer("listFrobs")), "prod")
    folder = tmp_path / "cache" / "catalog"
    assert sorted(os.listdir(folder)) == ["prod.details.gz", "prod.idx"]
    lines = gzip.decompress((folder / "prod.details.gz").read_bytes()).splitlines()
    name, entry = lines[1].split(b"\t")
    assert (name, json.loads(entry)["name"]) == (b"listFrobs", "listFrobs")


@pytest.mark.parametrize(
    "error",
    [
        APIError("listApis", 432, "The given command does not exist"),
        APIError("listApis", 401, "unable to verify user credentials"),
        NetworkError("cannot reach https://cloud.example.com"),
    ],
)
def test_a_failed_sync_leaves_the_old_cache_intact(tmp_path, error):
    sync(FakeClient(synced_answer("listFrobs")), "prod")
    folder = tmp_path / "cache" / "catalog"
    before = {name: (folder / name).read_bytes() for name in os.listdir(folder)}
    with pytest.raises(type(error)):
        sync(FakeClient(error=error), "prod")
    after = {name: (folder / name).read_bytes() for name in os.listdir(folder)}
    assert after == before
    assert Catalog.load("prod").names() == ["listFrobs"]


@pytest.mark.parametrize(
    "answer", [{}, {"count": 0, "api": []}, {"api": [{"isasync": False}]}]
)
def test_sync_refuses_an_answer_without_apis(tmp_path, answer):
    with pytest.raises(BadResponseError):
        sync(FakeClient(answer), "prod")
    assert not (tmp_path / "cache" / "catalog").exists()


def test_a_damaged_synced_index_falls_back_to_the_bundled_catalog():
    sync(FakeClient(synced_answer("listFrobs")), "prod")
    index_path, _ = store.profile_paths("prod")
    Path(index_path).write_text("not an index", encoding="utf-8")
    assert len(Catalog.load("prod").names()) == 705


def test_profile_names_cannot_escape_the_cache_dir(tmp_path):
    index_path, details_path = store.profile_paths("../../etc/passwd")
    folder = tmp_path / "cache" / "catalog"
    assert Path(index_path).parent == folder
    assert Path(details_path).parent == folder


def test_sync_against_the_simulator(sim_profile, sscli):
    result = sscli("sync")
    assert result.code == 0, result.err
    assert "APIs" in result.err
    assert [record.params["command"] for record in sim_profile.requests] == ["listApis"]
    assert Catalog.load("sim").source.startswith("profile sim, synced ")


def test_a_deleted_profiles_cache_is_not_inherited_by_a_new_one(sim_profile, sscli):
    """profiles delete takes the synced catalog, the TAB's ids and the session."""
    from sscli import config, session
    from sscli.completion import ids

    sync(FakeClient(synced_answer("listFrobs", "listZones")), "sim")
    assert ids.id_candidates("sim", "listZones")
    session.save("sim", session.LoginSession("u", "n", "key", {}, 2e9))
    settings = config.load_file()["profiles"]["sim"]

    assert sscli("profiles", "delete", "sim").code == 0
    config.save_profile("sim", settings, make_current=True)
    sim_profile.clear_requests()

    assert len(Catalog.load("sim").names()) == 705
    assert session.load("sim") is None
    assert ids.id_candidates("sim", "listZones")  # asked again, not from the cache
    assert [record.params["command"] for record in sim_profile.requests] == [
        "listZones"
    ]


def test_deleting_a_profile_without_a_cache_is_quiet(sscli):
    from sscli import config

    config.save_profile("fresh", {})
    result = sscli("profiles", "delete", "fresh")
    assert result.code == 0 and result.err.startswith("Deleted profile 'fresh'")
