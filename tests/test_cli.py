"""The command line as a user types it: options anywhere, names in any case."""

from __future__ import annotations

import itertools
import json
import string
import subprocess
import sys
from urllib.parse import parse_qsl

import pytest

from sscli import __version__, config, signing
from sscli.client import MAX_GET_URL
from sscli.errors import ExitCode
from sscli.options import hoist_global_options


@pytest.mark.parametrize(
    "argv",
    [
        ["-o", "json", "listZones"],
        ["listZones", "-o", "json"],
        ["listzones", "--output=json"],
        ["LISTZONES", "--compact", "-o", "json"],
        ["list", "zones", "-o", "json"],
    ],
)
def test_options_before_or_after_and_names_in_any_case(sscli, sim_profile, argv):
    result = sscli(*argv)
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 2
    assert [r.params["command"] for r in sim_profile.requests] == ["listZones"]


@pytest.mark.parametrize("option", ["--bogus", "--debg", "-x", "--out=json", "-q"])
@pytest.mark.parametrize("name", [["listZones"], ["list", "zones"]])
def test_unknown_option_after_the_api_name_reads_as_before_it(
    sscli, sim_profile, option, name
):
    before = sscli(option, *name)
    after = sscli(*name, "keyword=Zurich", option)
    assert before.code == after.code == ExitCode.USAGE
    assert after.err == before.err
    assert after.err.startswith(f"Error: No such option '{option.split('=')[0]}'")
    assert len(after.err.splitlines()) == 1
    assert sim_profile.requests == []


@pytest.mark.parametrize(
    "argv",
    [
        ["listZones", "-ojson", "-psim"],
        ["-ojson", "-psim", "listZones"],
        ["list", "zones", "-psim", "-ojson"],
        ["listZones", "-ocsv", "-psim", "--output=json"],
    ],
)
def test_attached_short_option_values_work_anywhere(sscli, sim_profile, argv):
    config.save_profile("other", {}, make_current=True)
    result = sscli(*argv)
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 2


def test_values_starting_with_a_dash_are_still_values(sscli, sim_profile):
    result = sscli("listVirtualMachines", "keyword=-x", "name=--bogus", "-o", "json")
    assert result.code == 0, result.err
    params = sim_profile.requests[-1].params
    assert (params["keyword"], params["name"]) == ("-x", "--bogus")


def test_compact_json_is_one_line(sscli, sim_profile):
    result = sscli("listZones", "-o", "json", "--compact")
    assert result.out.count("\n") == 1


def test_options_after_a_builtin_command(sscli, sim_profile):
    assert sscli("profiles", "-p", "sim").code == 0
    result = sscli("help", "listZones", "--debug")
    assert result.code == 0 and "listZones" in result.out


def test_words_after_set_are_never_taken_for_options():
    assert hoist_global_options(["set", "secretkey", "-p", "x"]) == [
        "set",
        "secretkey",
        "-p",
        "x",
    ]
    assert hoist_global_options(["listZones", "-p", "a", "--debug", "x=1"]) == [
        "-p",
        "a",
        "--debug",
        "listZones",
        "x=1",
    ]
    assert hoist_global_options(["listZones", "--", "-o"]) == ["listZones", "--", "-o"]
    assert hoist_global_options(["set", "secretkey", "-ojson"])[-1] == "-ojson"
    assert hoist_global_options(["help", "listZones", "--bogus"])[0] == "help"


def test_secret_starting_with_a_dash_is_stored_as_given(sscli):
    assert sscli("set", "secretkey", "-pSECRET-value").code == 0
    assert config.resolve().secretkey == "-pSECRET-value"


def test_version_and_help_answer_fast_paths():
    version = subprocess.run(
        [sys.executable, "-m", "sscli", "--version"], capture_output=True, text=True
    )
    assert version.stdout.strip() == f"sscli {__version__}"
    helped = subprocess.run(
        [sys.executable, "-m", "sscli", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0
    assert "sscli API [key=value ...]" in helped.stdout


def test_value_with_equals_spaces_and_unicode_reaches_the_server(sscli, sim_profile):
    result = sscli("listVirtualMachines", "keyword=a=b c é☃", "-o", "json")
    assert result.code == 0, result.err
    assert sim_profile.requests[-1].params["keyword"] == "a=b c é☃"


def test_value_from_a_file_reaches_the_server(sscli, sim_profile, tmp_path):
    path = tmp_path / "word.txt"
    path.write_text("Zurich", encoding="utf-8")
    result = sscli("listZones", f"keyword=@{path}", "-o", "json")
    assert result.code == 0, result.err
    assert sim_profile.requests[-1].params["keyword"] == "Zurich"


def test_post_sends_every_parameter_once_in_the_body(sscli, sim_profile):
    result = sscli("listZones", "keyword=Zurich", "--post", "-o", "json")
    assert result.code == 0, result.err
    record = sim_profile.requests[-1]
    assert record.method == "POST"
    assert record.query in ("", None)
    body = record.body.decode() if isinstance(record.body, bytes) else record.body
    names = [pair.split("=", 1)[0] for pair in body.split("&")]
    assert sorted(names) == sorted(set(names))
    assert {"command", "keyword", "apikey", "signature", "expires"} <= set(names)


def test_long_requests_go_as_post(sscli, sim_profile):
    result = sscli("listZones", "keyword=" + "x" * 5000, "-o", "json")
    assert result.code == 0, result.err
    assert sim_profile.requests[-1].method == "POST"


def test_no_wait_prints_the_job_at_once(sscli, sim_profile):
    state = sim_profile.state
    result = sscli(
        "deployVirtualMachine",
        "--no-wait",
        "-o",
        "json",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    )
    assert result.code == 0, result.err
    answer = json.loads(result.out)
    assert set(answer) == {"id", "jobid"}
    assert [r.params["command"] for r in sim_profile.requests] == [
        "deployVirtualMachine"
    ]


def test_deploy_with_special_characters_waits_and_shows_the_vm(sscli, sim_profile):
    state = sim_profile.state
    result = sscli(
        "deployVirtualMachine",
        "displayname=a~b c*d+é",
        "-o",
        "json",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    )
    assert result.code == 0, result.err
    vm = json.loads(result.out)["virtualmachine"]
    assert vm["displayname"] == "a~b c*d+é"
    assert vm["state"] == "Running"


def test_simulator_on_a_busy_port_is_one_clear_line(sscli, shared_sim):
    result = sscli("simulator", "--port", str(shared_sim.port))
    assert result.code == 2
    assert result.err.strip() == (
        f"Error: port {shared_sim.port} is in use; "
        "choose another with --port (0: a free one)"
    )


@pytest.mark.parametrize("option", [["--vms", "-1"], ["--page-size", "0"]])
def test_simulator_refuses_bad_sizes(sscli, option):
    result = sscli("simulator", *option)
    assert result.code == 2
    assert "is not in the range" in result.err


def test_wait_takes_filter_and_output_after_the_job(sscli, sim_profile):
    state = sim_profile.state
    started = sscli(
        "deployVirtualMachine",
        "--no-wait",
        "-o",
        "json",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    )
    jobid = json.loads(started.out)["jobid"]
    result = sscli("wait", jobid, "filter=id,state", "-o", "json")
    assert result.code == 0, result.err
    assert set(json.loads(result.out)["virtualmachine"]) == {"id", "state"}
    assert sscli("wait", jobid, "zoneid=1").code == 2


def test_logout_without_a_session_says_so(sscli, sim_profile):
    assert sscli("logout").err.strip() == "No login session for profile 'sim'"


def test_help_lists_the_global_options_without_noise():
    helped = subprocess.run(
        [sys.executable, "-m", "sscli", "--help"], capture_output=True, text=True
    )
    assert "--no-paginate" in helped.stdout and "--retry" in helped.stdout
    assert "[default:" not in helped.stdout


@pytest.mark.parametrize(
    "word",
    [
        "command=deleteZone",
        "COMMAND=deleteZone",
        "apikey=other",
        "Signature=abc",
        "signatureVersion=2",
        "expires=2099-01-01T00:00:00+0000",
        "sessionkey=abc",
        "response=xml",
    ],
)
def test_names_sscli_sends_itself_are_refused_before_sending(sscli, sim_profile, word):
    result = sscli("listZones", word)
    assert result.code == ExitCode.USAGE
    name = word.split("=", 1)[0]
    assert result.err.startswith(f"Error: {name}= is sent by sscli itself")
    assert len(result.err.splitlines()) == 1
    assert sim_profile.requests == []


def test_a_file_value_is_sent_byte_for_byte(sscli, sim_profile, tmp_path):
    text = "line one\r\nline two\rthree\n café ☃\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("utf-8"))
    result = sscli("listZones", f"keyword=@{path}", "-o", "json")
    assert result.code == 0, result.err
    assert sim_profile.requests[-1].params["keyword"] == text


def _sent_names(record) -> list[str]:
    return [name for name, _ in parse_qsl(record.body, keep_blank_values=True)]


@pytest.mark.parametrize(
    ("api", "secret_word"),
    [
        (
            "deployVirtualMachine",
            "userdata=I2Nsb3VkLWNvbmZpZwpydW5jbWQ6IFtlY2hvLCBoaV0K",
        ),
        ("updateUser", "password=New Pass&word=1"),
    ],
)
def test_userdata_and_password_go_once_each_in_a_post_body(
    sscli, sim_profile, api, secret_word
):
    state = sim_profile.state
    words = {
        "deployVirtualMachine": [
            f"zoneid={state.zones[0]['id']}",
            f"templateid={state.templates[0]['id']}",
            f"serviceofferingid={state.serviceofferings[0]['id']}",
            "--no-wait",
        ],
        "updateUser": ["id=" + state.user["id"]],
    }[api]
    sscli(api, secret_word, *words)
    record = sim_profile.requests[0]
    assert record.method == "POST" and record.query == ""
    names = _sent_names(record)
    assert sorted(names) == sorted(set(names))  # every name once
    name, value = secret_word.split("=", 1)
    assert {"command", name, "apikey", "signature", "expires"} <= set(names)
    assert record.params[name] == value


def test_a_url_of_4096_bytes_is_a_get_and_one_more_is_a_post(
    sscli, sim_profile, monkeypatch
):
    # A fixed expires, so that the signed URL's length can be told in advance;
    # the signature's encoded length still varies with the keyword.
    expires = signing.expires_at()
    monkeypatch.setattr(signing, "expires_at", lambda: expires)

    def url_length(keyword: str) -> int:
        params = {"command": "listZones", "keyword": keyword, "response": "json"}
        signed = signing.signed_params(
            params, sim_profile.apikey, sim_profile.secretkey
        )
        return len(sim_profile.url) + 1 + len(signing.urlencode(signed))

    def keyword_for(length: int) -> str:
        guess = length - url_length("")
        for size in range(guess - 12, guess + 1):
            for ending in itertools.product(string.ascii_lowercase, repeat=2):
                keyword = "x" * size + "".join(ending)
                if url_length(keyword) == length:
                    return keyword
        raise AssertionError(f"no keyword gives a URL of {length} bytes")

    def send(keyword: str):
        sim_profile.clear_requests()
        # Sent as given: no page and pagesize beside the keyword.
        result = sscli("listZones", f"keyword={keyword}", "--no-paginate")
        assert result.code == 0, result.err
        (record,) = sim_profile.requests
        assert record.params["keyword"] == keyword
        return record

    longest = send(keyword_for(MAX_GET_URL))
    assert longest.method == "GET"
    assert len(sim_profile.url) + 1 + len(longest.query) == MAX_GET_URL
    over = send(keyword_for(MAX_GET_URL + 1))
    assert over.method == "POST" and over.query == ""
