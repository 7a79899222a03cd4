"""sscli profiles import: cmk and cs files, read as those clients read them."""

from __future__ import annotations

import json
import textwrap

import pytest

from sscli import config
from sscli.errors import ExitCode


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def warnings(result) -> list[str]:
    return [line for line in result.err.splitlines() if line.startswith("Warning: ")]


def profiles() -> dict:
    return config.load_file().get("profiles", {})


# -- CloudMonkey ----------------------------------------------------------------------


def test_cmk_section_names_with_spaces_are_renamed_and_all_land(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        """
        [alpha]
        url = http://alpha.example/client/api
        [my cloud]
        url = http://mine.example/client/api
        [zulu]
        url = http://zulu.example/client/api
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0, result.err
    assert sorted(profiles()) == ["alpha", "my-cloud", "zulu"]
    assert profiles()["my-cloud"]["url"] == "http://mine.example/client/api"
    assert warnings(result) == [
        "Warning: [my cloud] is imported as profile 'my-cloud' (profile names are "
        "letters, digits, '.', '_' and '-')"
    ]


def test_cmk_names_that_map_to_the_same_profile_stay_apart(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        """
        [a b]
        url = http://one.example/client/api
        [a-b]
        url = http://two.example/client/api
        [../etc]
        url = http://three.example/client/api
        """,
    )
    assert sscli("profiles", "import", "cmk", str(path)).code == 0
    urls = {name: values["url"] for name, values in profiles().items()}
    assert urls == {
        "a-b": "http://one.example/client/api",
        "a-b-2": "http://two.example/client/api",
        "etc": "http://three.example/client/api",
    }


@pytest.mark.parametrize(
    "core",
    [
        "profile = second\n",
        "[core]\nprofile = second\n",
        '[DEFAULT]\nprofile = "second"\n',
    ],
)
def test_cmk_profile_key_picks_the_current_profile(sscli, tmp_path, core):
    sscli("set", "profile", "mine")
    path = write(
        tmp_path,
        "cmk-config",
        core
        + "[first]\nurl = http://first.example/client/api\n"
        + "[second]\nurl = http://second.example/client/api\n",
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0, result.err
    assert result.err.splitlines()[-1] == "Current profile: 'second'"
    assert config.load_file()["current_profile"] == "second"


def test_cmk_current_profile_follows_a_renamed_section(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        """
        profile = my lab
        [my lab]
        url = http://lab.example/client/api
        """,
    )
    sscli("profiles", "import", "cmk", str(path))
    assert config.load_file()["current_profile"] == "my-lab"


def test_cmk_current_profile_that_is_not_imported_leaves_the_current_one(
    sscli, tmp_path
):
    sscli("set", "profile", "mine")
    path = write(
        tmp_path,
        "cmk-config",
        """
        profile = gone
        [other]
        url = http://other.example/client/api
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0
    assert "Warning: cmk's profile 'gone' was not imported" in result.err
    assert config.load_file()["current_profile"] == "mine"


def test_cmk_half_key_pair_with_a_password_imports_a_login_profile(
    sscli, shared_sim, tmp_path
):
    path = write(
        tmp_path,
        "cmk-config",
        f"""
        [pw]
        url = {shared_sim.url}
        apikey = half-of-a-pair
        secretkey =
        username = admin
        password = password
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0, result.err
    assert "apikey" not in profiles()["pw"]
    assert (
        "Warning: [pw] apikey without its pair was left out: the profile logs in "
        "with its username and password"
    ) in result.err
    called = sscli("-p", "pw", "listZones", "-o", "json")
    assert called.code == 0, called.err
    assert json.loads(called.out)["count"] == 2


def test_cmk_half_key_pair_alone_is_kept_and_said(sscli, tmp_path):
    path = write(
        tmp_path, "cmk-config", "[k]\nurl = http://k.example/\napikey = only\n"
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert profiles()["k"]["apikey"] == "only"
    assert "Warning: [k] has no secretkey; add it with: sscli -p k set secretkey" in (
        result.err
    )


def test_each_value_sscli_refuses_is_warned_about(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        """
        output = yaml
        [bad]
        url = notaurl
        timeout = soon
        secretkey = hush secret
        apikey = fine-key
        verifycert = maybe
        domain = /sub
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0, result.err
    found = warnings(result)
    for label in (
        "top-level output: unknown output 'yaml'",
        "[bad] url: not an http(s) URL: 'notaurl'",
        "[bad] timeout: timeout is whole seconds, got 'soon'",
        "[bad] secretkey: must be non-empty, without spaces",
        "[bad] verifycert: expected true or false, got 'maybe'",
    ):
        assert any(line.startswith(f"Warning: {label}") for line in found), label
    assert all(line.endswith("; not imported") for line in found[:5])
    assert found[5:] == [
        "Warning: [bad] has no secretkey; add it with: sscli -p bad set secretkey"
    ]
    assert "hush" not in result.out + result.err
    assert profiles()["bad"] == {"apikey": "fine-key", "domain": "/sub"}


def test_cmk_keys_sscli_has_no_setting_for_are_named_per_section(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        """
        prompt = 🐵
        asyncblock = true
        timeout = 1800
        verifycert = true
        profile = lab
        autocomplete = true
        postrequest = true
        [core]
        history_file = ~/.cloudmonkey/history
        [lab]
        url = http://lab.example/client/api
        apikey = k
        secretkey = s
        signatureversion = 3
        expires = 600
        colour = hush-value
        profile =
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0, result.err
    assert warnings(result) == [
        "Warning: top-level prompt: a setting of cmk's shell; not imported",
        "Warning: top-level autocomplete: a setting of cmk's shell; not imported",
        "Warning: top-level postrequest: sscli picks GET or POST itself (--post "
        "forces POST); not imported",
        "Warning: [core] history_file: cmk's own file; sscli keeps its own; "
        "not imported",
        "Warning: [lab] signatureversion: sscli signs with version 3; not imported",
        "Warning: [lab] expires: sscli's signatures expire after 10 minutes; "
        "not imported",
        "Warning: [lab] colour: sscli has no such setting; not imported",
    ]
    assert "hush" not in result.out + result.err
    assert profiles()["lab"] == {
        "url": "http://lab.example/client/api",
        "apikey": "k",
        "secretkey": "s",
    }


@pytest.mark.parametrize("default", ["json", "JSON", "default"])
def test_cmk_default_output_is_not_copied(sscli, tmp_path, default):
    path = write(
        tmp_path,
        "cmk-config",
        f"""
        output = {default}
        [one]
        url = http://one.example/client/api
        [two]
        url = http://two.example/client/api
        output = {default}
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == 0, result.err
    assert all("output" not in values for values in profiles().values())
    assert warnings(result) == [
        "Warning: cmk's output json is its default and was not copied: sscli shows "
        "a table on a terminal and JSON when piped (for JSON always: "
        "sscli set output json)"
    ]


def test_cmk_output_other_than_its_default_is_kept(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        """
        output = table
        [one]
        url = http://one.example/client/api
        [two]
        url = http://two.example/client/api
        output = csv
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))
    assert warnings(result) == []
    assert (profiles()["one"]["output"], profiles()["two"]["output"]) == (
        "table",
        "csv",
    )


def test_cmk_values_keep_percent_signs_and_lose_go_ini_quotes(sscli, tmp_path):
    path = write(
        tmp_path,
        "cmk-config",
        '[q]\nurl = http://q.example/\nusername = "ad min"\npassword = 50%off\n',
    )
    assert sscli("profiles", "import", "cmk", str(path)).code == 0
    assert (profiles()["q"]["username"], profiles()["q"]["password"]) == (
        "ad min",
        "50%off",
    )


def test_a_file_that_is_not_ini_is_one_line_without_its_content(sscli, tmp_path):
    path = write(tmp_path, "cmk-config", "[ok]\nurl = http://x/\nhush-secret-line\n")
    result = sscli("profiles", "import", "cmk", str(path))
    assert result.code == ExitCode.CONFIG
    assert result.err == f"Error: {path} is not a valid INI file: line 3\n"
    assert not config.config_path().exists()


# -- cs -------------------------------------------------------------------------------


def test_cs_timeout_is_its_http_timeout_and_not_imported(sscli, tmp_path):
    path = write(
        tmp_path,
        "cloudstack.ini",
        "[cloudstack]\nendpoint = http://cs.example/client/api\ntimeout = 30\n",
    )
    result = sscli("profiles", "import", "cs", str(path))
    assert result.code == 0, result.err
    assert "timeout" not in profiles()["cloudstack"]
    assert config.resolve(profile="cloudstack").timeout == 1800
    assert warnings(result) == [
        "Warning: [cloudstack] timeout: cs's HTTP timeout; sscli's own timeout is "
        "how long it waits for a job; not imported"
    ]


def test_each_cs_key_sscli_leaves_out_is_named_once_without_its_value(sscli, tmp_path):
    left_out = {
        "method": "sscli picks GET or POST itself (--post forces POST)",
        "expiration": "sscli's signatures expire after 10 minutes",
        "poll_interval": "sscli paces its job polls itself",
        "retry": "sscli retries reads itself (--retry for other calls)",
        "theme": "sscli colours its own output (NO_COLOR turns colour off)",
        "trace": "sscli shows requests with --debug",
        "header_x_auth": "extra HTTP headers are not supported by sscli",
        "colour": "sscli has no such setting",
    }
    values = {key: f"hush-{number}" for number, key in enumerate(left_out)}
    lines = "".join(f"{key} = {value}\n" for key, value in values.items())
    path = write(
        tmp_path,
        "cloudstack.ini",
        "[a]\nendpoint = http://a.example/\n" + lines + "[b]\nkey = k\nsecret = s\n"
        "method = post\nempty =\n",
    )
    result = sscli("profiles", "import", "cs", str(path))
    assert result.code == 0, result.err
    assert warnings(result) == [
        *(f"Warning: [a] {key}: {why}; not imported" for key, why in left_out.items()),
        f"Warning: [b] method: {left_out['method']}; not imported",
    ]
    assert "hush" not in result.out + result.err
    assert profiles() == {
        "a": {"url": "http://a.example/"},
        "b": {"apikey": "k", "secretkey": "s"},
    }


@pytest.mark.parametrize(
    ("word", "value"),
    [("true", True), ("Yes", True), ("on", True), ("1", True)]
    + [("FALSE", False), ("no", False), ("Off", False), ("0", False)],
)
def test_cmk_booleans_are_read_as_an_ini_reader_reads_them(
    sscli, tmp_path, word, value
):
    """`sscli set` takes only true or false; a cmk file's yes or 0 still imports."""
    path = write(
        tmp_path,
        "cmk-config",
        f"""
        asyncblock = {word}
        [lab]
        url = https://lab.example/client/api
        apikey = k
        secretkey = s
        verifycert = {word}
        """,
    )
    result = sscli("profiles", "import", "cmk", str(path))

    assert result.code == 0, result.err
    assert warnings(result) == []
    profile = config.resolve(profile="lab")
    assert (profile.asyncblock, profile.verifycert) == (value, value)


@pytest.mark.parametrize(
    ("value", "verifycert"),
    [
        ("true", False),
        ("Yes", False),
        ("1", False),
        ("on", False),
        ("false", True),
        ("no", True),
        ("0", True),
    ],
)
def test_cs_dangerous_no_tls_verify_reads_like_getboolean(
    sscli, tmp_path, value, verifycert
):
    path = write(
        tmp_path,
        "cloudstack.ini",
        f"[lab]\nendpoint = https://lab.example/\ndangerous_no_tls_verify = {value}\n",
    )
    result = sscli("profiles", "import", "cs", str(path))
    assert result.code == 0
    assert warnings(result) == []
    assert config.resolve(profile="lab").verifycert is verifycert


def test_cs_tls_settings_sscli_cannot_use_are_warned_about(sscli, tmp_path):
    path = write(
        tmp_path,
        "cloudstack.ini",
        f"""
        [lab]
        endpoint = https://lab.example/client/api
        verify = {tmp_path / "missing-ca.pem"}
        cert = {tmp_path / "client.pem"}
        cert_key = {tmp_path / "client.key"}
        dangerous_no_tls_verify = perhaps
        """,
    )
    result = sscli("profiles", "import", "cs", str(path))
    assert result.code == 0, result.err
    assert warnings(result) == [
        "Warning: [lab] cert: client certificates are not supported by sscli; "
        "not imported",
        "Warning: [lab] cert_key: client certificates are not supported by sscli; "
        "not imported",
        "Warning: [lab] dangerous_no_tls_verify: expected true or false, got "
        "'perhaps'; not imported",
        f"Warning: [lab] verify: no such CA bundle file: "
        f"'{tmp_path / 'missing-ca.pem'}'; not imported",
    ]
    assert profiles()["lab"] == {"url": "https://lab.example/client/api"}


def test_cs_verify_bundle_wins_over_no_verify_as_in_cs(sscli, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    path = write(
        tmp_path,
        "cloudstack.ini",
        f"[lab]\nendpoint = https://lab.example/\nverify = {bundle}\n"
        "dangerous_no_tls_verify = true\n",
    )
    assert sscli("profiles", "import", "cs", str(path)).code == 0
    assert profiles()["lab"] == {"url": "https://lab.example/", "cafile": str(bundle)}


def test_cs_reads_percent_signs_as_cs_does(sscli, tmp_path):
    path = write(
        tmp_path,
        "cloudstack.ini",
        """
        [cloudstack]
        endpoint = http://cs.example/client/api
        key = key%%with%%percents
        secret = s%cret-hush
        """,
    )
    result = sscli("profiles", "import", "cs", str(path))
    assert result.code == 0, result.err
    assert profiles()["cloudstack"]["apikey"] == "key%with%percents"
    assert "secretkey" not in profiles()["cloudstack"]
    assert (
        "Warning: [cloudstack] secret: a '%' that is not '%%' or '%(name)s'; "
        "not imported"
    ) in result.err
    assert "hush" not in result.err


def test_cs_and_cmk_both_import_sections_with_credentials_but_no_url(sscli, tmp_path):
    cs = write(
        tmp_path,
        "cloudstack.ini",
        "[keys]\nkey = k1\nsecret = s1\n[empty]\nmethod = post\n",
    )
    cmk = write(
        tmp_path,
        "cmk-config",
        "[keys2]\napikey = k2\nsecretkey = s2\n[empty2]\nsignatureversion = 3\n",
    )
    for source, path, skipped in (("cs", cs, "empty"), ("cmk", cmk, "empty2")):
        result = sscli("profiles", "import", source, str(path))
        assert result.code == 0, result.err
        assert f"Warning: [{skipped}]: no url or credentials; skipped" in result.err
        assert "(no url)" in result.err
    assert sorted(profiles()) == ["keys", "keys2"]


@pytest.mark.parametrize(
    ("source", "text"),
    [("cs", "[a]\nmethod = post\n"), ("cmk", "output = table\n[a]\nprompt = x\n")],
)
def test_a_file_without_any_usable_section_is_an_error(sscli, tmp_path, source, text):
    path = write(tmp_path, "file.ini", text)
    result = sscli("profiles", "import", source, str(path))
    assert result.code == ExitCode.USAGE
    assert result.err == (
        f"Error: no profiles in {path}: no section has a url or credentials\n"
    )
    assert not config.config_path().exists()


def test_cs_region_becomes_the_current_profile(sscli, tmp_path, monkeypatch):
    path = write(
        tmp_path,
        "cloudstack.ini",
        "[lab]\nendpoint = http://lab.example/\n"
        "[cloudstack]\nendpoint = http://cs.example/\n",
    )
    sscli("set", "profile", "mine")
    sscli("profiles", "import", "cs", str(path))
    assert config.load_file()["current_profile"] == "cloudstack"
    monkeypatch.setenv("CLOUDSTACK_REGION", "lab")
    sscli("profiles", "import", "cs", str(path))
    assert config.load_file()["current_profile"] == "lab"


def test_cs_file_with_keys_before_a_section_is_refused_as_cs_would(sscli, tmp_path):
    path = write(tmp_path, "cloudstack.ini", "secret = hush\n[a]\nkey = k\n")
    result = sscli("profiles", "import", "cs", str(path))
    assert result.code == ExitCode.CONFIG
    assert result.err == f"Error: {path}: line 1 comes before any [section]\n"
