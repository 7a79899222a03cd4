"""Profiles: `sscli set`, the TOML file, and the precedence of settings."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from sscli import config
from sscli.errors import ConfigError, ExitCode


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_set_profile_creates_and_says_so(sscli):
    result = sscli("set", "profile", "mycloud")
    assert result.code == 0
    assert "Created and switched to profile 'mycloud'" in result.err
    assert sscli("set", "profile", "mycloud").err.startswith("Switched to profile")


def test_set_writes_private_file_in_private_dir(sscli):
    assert sscli("set", "url", "https://cloud.example.com/client/api").code == 0
    path = config.config_path()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert 'url = "https://cloud.example.com/client/api"' in path.read_text()


def test_dirs_sscli_creates_are_private_to_the_last_parent(
    sscli, tmp_path, monkeypatch
):
    monkeypatch.setenv("SSCLI_CONFIG_DIR", str(tmp_path / "new" / "deeper" / "conf"))
    result = sscli("set", "timeout", "5")
    assert result.code == 0
    for folder in ("new", "new/deeper", "new/deeper/conf"):
        assert mode(tmp_path / folder) == 0o700
    assert "Warning" not in result.err


@pytest.mark.parametrize("dir_mode", [0o755, 0o750, 0o701])
def test_writing_into_an_open_config_dir_warns_once(sscli, dir_mode):
    folder = config.config_dir()
    folder.mkdir(mode=dir_mode)
    os.chmod(folder, dir_mode)
    first = sscli("set", "timeout", "5")
    assert first.code == 0
    assert first.err.splitlines()[0] == (
        f"Warning: {folder} is open to other users (mode {dir_mode:o}); "
        f"fix it with: chmod 700 {folder}"
    )
    assert first.err.count("Warning") == 1  # the lock and the file: one warning
    assert mode(folder) == dir_mode  # the user's dir: warned about, not changed
    assert "Warning" not in sscli("set", "timeout", "6").err  # once per run


def test_a_config_dir_that_is_a_file_is_a_config_error(sscli):
    config.config_dir().write_text("not a dir")
    result = sscli("set", "timeout", "5")
    assert result.code == ExitCode.CONFIG
    assert result.err == (
        f"Error: cannot write config file {config.config_path()}: Not a directory\n"
    )


def test_a_private_config_dir_is_not_warned_about(sscli):
    folder = config.config_dir()
    folder.mkdir(mode=0o700)
    assert "Warning" not in sscli("set", "timeout", "5").err


def test_writing_a_session_into_an_open_cache_dir_warns(sscli, shared_sim):
    folder = config.cache_dir()
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    config.save_profile(
        "pw", {"url": shared_sim.url, "username": "admin", "password": "password"}
    )
    result = sscli("-p", "pw", "login")
    assert result.code == 0, result.err
    assert f"Warning: {folder} is open to other users (mode 755)" in result.err


def test_set_alone_shows_profile_with_secrets_masked(sscli):
    sscli("set", "apikey", "APIKEY1234567")
    sscli("set", "secretkey", "TOPSECRETVALUE")
    sscli("set", "password", "hunter2hunter2")
    result = sscli("set")
    assert result.code == 0
    assert "TOPSECRETVALUE" not in result.out + result.err
    assert "hunter2hunter2" not in result.out + result.err
    assert "APIKEY1234567" not in result.out
    assert "secretkey = (hidden)" in result.out


def test_setting_a_secret_never_echoes_it(sscli):
    result = sscli("set", "secretkey", "TOPSECRETVALUE")
    assert "TOPSECRETVALUE" not in result.out + result.err
    assert "(hidden)" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["password", "my", "hush-secret", "words"],
        ["secretkey", "hush-secret", "hush-secret-too"],
        ["apikey", "hush-key", "--hush-flag"],
        ["url", "http://h.example/client/api", "hush-extra"],
        ["profile", "a", "hush-b"],
    ],
)
def test_extra_words_after_set_are_counted_never_echoed(sscli, argv):
    result = sscli("set", *argv)
    assert result.code == ExitCode.USAGE
    assert result.err.startswith(f"Error: set {argv[0]} takes one value, got ")
    assert len(result.err.splitlines()) == 1
    assert "hush" not in result.out + result.err
    assert not config.config_path().exists()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("url", "ftp://x", "not an http(s) URL"),
        ("url", "cloud.example.com", "not an http(s) URL"),
        ("timeout", "soon", "timeout is whole seconds"),
        ("timeout", "-5", "timeout must be positive"),
        ("output", "yaml", "unknown output"),
        ("verifycert", "maybe", "expected true or false"),
        ("asyncblock", "2", "expected true or false"),
        ("apikey", "has space", "without spaces"),
        ("colour", "red", "unknown setting 'colour'"),
    ],
)
def test_bad_value_changes_nothing_and_says_why(sscli, key, value, message):
    sscli("set", "timeout", "60")
    before = config.config_path().read_text()
    result = sscli("set", key, value)
    assert result.code == ExitCode.USAGE
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert config.config_path().read_text() == before


@pytest.mark.parametrize(
    "url",
    [
        "http://h.example/client/api?x=1",
        "http://h.example/client/api?",
        "http://h.example/client/api#top",
        "https://h.example/client/api?command=listZones#x",
    ],
)
def test_url_with_a_query_or_fragment_is_refused(sscli, url):
    result = sscli("set", "url", url)
    assert result.code == ExitCode.USAGE
    assert "without ?query or #fragment" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not config.config_path().exists()


@pytest.mark.parametrize(
    "url",
    ["http://admin:pw-in-url@h.example/client/api", "https://pw-in-url@h.example/"],
)
def test_url_with_credentials_is_refused_without_echoing_them(sscli, url):
    result = sscli("set", "url", url)
    assert result.code == ExitCode.USAGE
    assert "user:password@" in result.err
    assert "pw-in-url" not in result.out + result.err
    assert not config.config_path().exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["set", "profile", "../etc"],
        ["-p", "../evil x", "set", "timeout", "5"],
        ["-p", "a b", "set"],
        ["-p", "../evil", "listZones"],
        ["-p", "../evil", "login"],
    ],
)
def test_bad_profile_name_is_refused_everywhere(sscli, argv):
    result = sscli(*argv)
    assert result.code == ExitCode.USAGE
    assert result.err.startswith("Error: bad profile name")
    assert not config.config_path().exists()


@pytest.mark.parametrize("argv", [["set", "timeout", "5"], ["set"], ["listZones"]])
def test_bad_profile_name_in_the_environment_is_a_config_error(
    sscli, monkeypatch, argv
):
    monkeypatch.setenv("SSCLI_PROFILE", "../evil x")
    result = sscli(*argv)
    assert result.code == ExitCode.CONFIG
    assert result.err.startswith("Error: environment variable SSCLI_PROFILE: bad")
    assert not config.config_path().exists()


def test_set_writes_into_the_profile_it_shows(sscli, monkeypatch):
    sscli("set", "profile", "p2")
    sscli("set", "profile", "p1")
    monkeypatch.setenv("SSCLI_PROFILE", "p2")
    assert "in profile 'p2'" in sscli("set", "timeout", "77").err
    assert "in profile 'p1'" in sscli("-p", "p1", "set", "timeout", "5").err
    profiles = config.load_file()["profiles"]
    assert (profiles["p1"], profiles["p2"]) == ({"timeout": 5}, {"timeout": 77})
    shown = sscli("set").out
    assert shown.startswith("profile = p2 (from SSCLI_PROFILE)\n")
    assert "timeout = 77\n" in shown
    assert config.load_file()["current_profile"] == "p1"  # only set profile moves it


def test_every_command_picks_the_profile_the_same_way(sscli, sim_profile, monkeypatch):
    assert sscli("sync").code == 0
    sscli("set", "profile", "other")
    synced = "(profile sim, synced "
    assert synced not in sscli("help", "zone").out
    assert synced in sscli("-p", "sim", "help", "zone").out
    monkeypatch.setenv("SSCLI_PROFILE", "sim")
    assert synced in sscli("help", "zone").out
    assert sscli("logout").err.strip() == "No login session for profile 'sim'"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SSCLI_OUTPUT", "yaml", "unknown output 'yaml'"),
        ("SSCLI_URL", "notaurl", "not an http(s) URL"),
        ("CLOUDSTACK_ENDPOINT", "http://h.example/client/api?x=1", "?query"),
        ("SSCLI_APIKEY", "key with spaces", "without spaces"),
        ("CLOUDSTACK_SECRET", "secret with spaces", "without spaces"),
    ],
)
def test_bad_environment_value_is_a_config_error_naming_it(
    sscli, sim_profile, monkeypatch, variable, value, message
):
    monkeypatch.setenv(variable, value)
    result = sscli("listZones")
    assert result.code == ExitCode.CONFIG
    assert result.err.startswith(f"Error: environment variable {variable}: ")
    assert message in result.err
    assert len(result.err.splitlines()) == 1
    assert "secret with spaces" not in result.err
    assert sim_profile.requests == []


def test_an_environment_value_the_flag_overrides_is_not_checked(
    sscli, sim_profile, monkeypatch
):
    monkeypatch.setenv("SSCLI_OUTPUT", "yaml")
    for argv in (["listZones", "-o", "json"], ["-o", "json", "list", "zones"]):
        result = sscli(*argv)
        assert result.code == 0, result.err
        assert json.loads(result.out)["count"] == 2
    shown = sscli("-o", "csv", "set")
    assert shown.code == 0 and "output = csv\n" in shown.out
    assert sscli("logout", "-o", "json").code == 0
    assert sscli("logout").code == ExitCode.CONFIG  # no flag: the bad value counts


@pytest.mark.parametrize(
    ("key_variable", "secret_variable"),
    [("SSCLI_APIKEY", "SSCLI_SECRETKEY"), ("CLOUDSTACK_KEY", "CLOUDSTACK_SECRET")],
)
def test_environment_keys_beat_the_profile(
    sscli, sim_profile, monkeypatch, key_variable, secret_variable
):
    config.save_profile("sim", {"apikey": "stale-key", "secretkey": "stale-secret"})
    assert sscli("listZones").code == ExitCode.AUTH
    monkeypatch.setenv(key_variable, sim_profile.apikey)
    monkeypatch.setenv(secret_variable, sim_profile.secretkey)
    result = sscli("listZones", "-o", "json")
    assert result.code == 0, result.err
    assert sim_profile.requests[-1].params["apikey"] == sim_profile.apikey


ENVIRONMENT_VALUES = {  # a valid value of each setting, and how `set` shows it
    "profile": ("from-env", "from-env"),
    "url": ("http://env.example/client/api", "http://env.example/client/api"),
    "apikey": ("env-apikey-0123456789", "env-…"),
    "secretkey": ("env-secret-hush", "(hidden)"),
    "output": ("tsv", "tsv"),
}


@pytest.mark.parametrize(
    ("key", "variable"),
    [
        (key, variable)
        for key, names in config.ENV_SETTINGS.items()
        for variable in names
    ],
)
def test_set_names_the_variable_a_setting_came_from(sscli, monkeypatch, key, variable):
    config.save_profile("from-env", {"url": "http://file.example/client/api"})
    config.save_profile("mine", {"timeout": 60}, make_current=True)
    value, shown = ENVIRONMENT_VALUES[key]
    monkeypatch.setenv(variable, value)
    result = sscli("set")
    assert result.code == 0, result.err
    marked = [line for line in result.out.splitlines() if "(from " in line]
    assert marked == [f"{key} = {shown} (from {variable})"]
    assert "hush" not in result.out + result.err


def test_set_names_no_variable_for_what_a_flag_gave(sscli, monkeypatch):
    config.save_profile("mine", {}, make_current=True)
    monkeypatch.setenv("SSCLI_PROFILE", "mine")
    monkeypatch.setenv("SSCLI_OUTPUT", "csv")
    result = sscli("-p", "mine", "-o", "json", "set")
    assert result.code == 0, result.err
    assert "profile = mine\n" in result.out and "output = json\n" in result.out
    assert "(from " not in result.out


def test_flags_beat_the_environment_for_profile_and_output(
    sscli, sim_profile, monkeypatch
):
    config.save_profile("elsewhere", {"url": "http://127.0.0.1:9/client/api"})
    monkeypatch.setenv("SSCLI_PROFILE", "elsewhere")
    monkeypatch.setenv("SSCLI_OUTPUT", "csv")
    assert "profile 'elsewhere'" in sscli("listZones").err  # the environment's
    result = sscli("-p", "sim", "listZones", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 2
    assert sscli("-p", "sim", "listZones").out.startswith("id,")  # env's output


def test_current_profile_that_does_not_exist_says_so(sscli):
    sscli("set", "profile", "real")
    path = config.config_path()
    path.write_text(path.read_text().replace('"real"', '"nope"', 1))
    result = sscli("listZones")
    assert result.code == ExitCode.CONFIG
    assert result.err.startswith("Error: no profile named 'nope' (profiles: real)")
    assert f"current_profile in {path}" in result.err
    assert "sscli set profile NAME" in result.err


def test_profiles_lists_and_marks_current(sscli):
    sscli("set", "profile", "one")
    sscli("set", "profile", "two")
    result = sscli("profiles")
    assert result.out.splitlines() == ["  one", "* two"]
    assert result.err == ""


def shown_profile(sscli, *flags: str) -> str:
    return sscli(*flags, "set").out.splitlines()[0]


def test_profiles_on_a_fresh_config_names_the_profile_set_shows(sscli):
    result = sscli("profiles")
    assert (result.code, result.out) == (0, "")
    assert result.err == (
        "No profiles yet; 'default' is used until you run: sscli set profile NAME\n"
    )
    assert shown_profile(sscli) == "profile = default"


def test_profiles_with_none_current_names_the_profile_set_shows(sscli):
    sscli("set", "profile", "one")
    sscli("set", "profile", "two")
    sscli("profiles", "delete", "two")
    result = sscli("profiles")
    assert result.out.splitlines() == ["  one"]
    assert result.err == (
        "No profile is current; 'default' is used until you run: "
        "sscli set profile NAME\n"
    )
    assert shown_profile(sscli) == "profile = default"


@pytest.mark.parametrize(
    ("flags", "variable", "named_by"),
    [(("-p", "gone"), None, "-p"), ((), "SSCLI_PROFILE", "SSCLI_PROFILE")],
)
def test_profiles_says_when_the_profile_in_use_does_not_exist(
    sscli, monkeypatch, flags, variable, named_by
):
    if variable:
        monkeypatch.setenv(variable, "gone")
    result = sscli(*flags, "profiles")
    assert result.code == 0
    assert result.err == (
        f"{named_by} names profile 'gone', which does not exist yet: "
        "create it with: sscli set profile gone\n"
    )
    assert "no profile named 'gone'" in sscli(*flags, "set").err
    sscli("set", "profile", "gone")
    assert sscli(*flags, "profiles").err == ""


def test_values_are_typed_in_the_file(sscli):
    sscli("set", "timeout", "90")
    sscli("set", "verifycert", "FALSE")
    data = config.load_file()
    profile = data["profiles"][data["current_profile"]]
    assert profile["timeout"] == 90
    assert profile["verifycert"] is False


@pytest.mark.parametrize("key", ["asyncblock", "verifycert"])
@pytest.mark.parametrize("word", ["yes", "no", "1", "0", "on", "off", "y", " true", ""])
def test_a_boolean_setting_is_true_or_false_and_nothing_else(sscli, key, word):
    """As an API's boolean parameters: the other words are refused, not guessed."""
    result = sscli("set", key, word)

    assert result.code == ExitCode.USAGE
    assert result.err == (
        f"Error: bad value for {key}: expected true or false, got {word!r}\n"
    )
    assert not config.config_path().exists()


@pytest.mark.parametrize(("word", "value"), [("TRUE", True), ("False", False)])
def test_a_boolean_setting_takes_true_or_false_in_any_case(sscli, word, value):
    assert sscli("set", "asyncblock", word).code == 0
    assert config.resolve().asyncblock is value


def test_set_output_auto_goes_back_to_the_default(sscli, sim_profile):
    assert sscli("set", "output", "csv").code == 0
    assert sscli("listZones").out.startswith("id,")
    result = sscli("set", "output", "AUTO")
    assert result.code == 0
    assert "output = auto in profile 'sim'" in result.err
    assert "output" not in config.load_file()["profiles"]["sim"]
    assert "output = auto\n" in sscli("set").out
    assert json.loads(sscli("listZones").out)["count"] == 2  # piped: json


def test_output_auto_on_the_command_line_beats_the_profile(sscli, sim_profile):
    sscli("set", "output", "csv")
    for argv in (["listZones", "-o", "auto"], ["-o", "auto", "list", "zones"]):
        result = sscli(*argv)
        assert result.code == 0, result.err
        assert json.loads(result.out)["count"] == 2


def test_precedence_flag_then_env_then_profile_then_default(monkeypatch):
    config.save_profile(
        "p1",
        {"url": "http://p1.example/client/api", "output": "csv"},
        make_current=True,
    )
    config.save_profile("p2", {"url": "http://p2.example/client/api"})
    assert config.resolve().url == "http://p1.example/client/api"
    assert config.resolve().timeout == 1800  # default

    monkeypatch.setenv("SSCLI_PROFILE", "p2")
    assert config.resolve().name == "p2"
    assert config.resolve(profile="p1").name == "p1"  # flag beats env

    monkeypatch.setenv("SSCLI_URL", "http://env.example/client/api")
    assert config.resolve().url == "http://env.example/client/api"  # env beats profile

    monkeypatch.setenv("SSCLI_OUTPUT", "text")
    assert config.resolve(profile="p1").output == "text"  # env beats profile
    assert config.resolve(profile="p1", output="tsv").output == "tsv"  # flag beats env


def test_cs_environment_variables_work():
    env = {
        "CLOUDSTACK_ENDPOINT": "https://cs.example/client/api",
        "CLOUDSTACK_KEY": "k",
        "CLOUDSTACK_SECRET": "s",
    }
    profile = config.resolve(env=env)
    assert (profile.url, profile.apikey, profile.secretkey) == (
        "https://cs.example/client/api",
        "k",
        "s",
    )


def test_unknown_profile_flag_is_an_error(sscli):
    sscli("set", "profile", "real")
    result = sscli("-p", "nosuch", "listZones")
    assert result.code == ExitCode.CONFIG
    assert "no profile named 'nosuch'" in result.err


def test_corrupt_config_names_file_and_line_and_is_not_overwritten(sscli):
    path = config.config_path()
    path.parent.mkdir(mode=0o700, parents=True)
    path.write_text('current_profile = "a"\n[profiles.a]\nurl = "http://x\n')
    result = sscli("set", "timeout", "5")
    assert result.code == ExitCode.CONFIG
    assert str(path) in result.err
    assert "line 3" in result.err
    assert path.read_text().endswith('url = "http://x\n')


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('[profiles]\na = "hello"\n', "profiles.a must be a table", "not a string"),
        ("current_profile = 5\n", "current_profile must be", "not an integer"),
        ("current_profile = 1979-05-27\n", "current_profile must be", "not a date"),
        ("profiles = [1, 2]\n", "profiles must be a table", "not an array"),
        ("profiles = true\n", "profiles must be a table", "not a boolean"),
        ('[profiles."my cloud"]\n', 'profiles."my cloud"', "not a profile name"),
        ('current_profile = "../x"\n', "current_profile: '../x'", "not a profile name"),
    ],
)
@pytest.mark.parametrize(
    "argv", [["set", "timeout", "5"], ["set"], ["listZones"], ["profiles"]]
)
def test_config_of_the_wrong_shape_is_named_and_never_overwritten(
    sscli, text, where, what, argv
):
    path = config.config_path()
    path.parent.mkdir(mode=0o700, parents=True)
    path.write_text(text)
    result = sscli(*argv)
    assert result.code == ExitCode.CONFIG
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"Error: config file {path}: {where}")
    assert what in result.err
    assert path.read_text() == text


def test_hand_edited_bad_value_is_reported_with_profile():
    path = config.config_path()
    path.parent.mkdir(mode=0o700, parents=True)
    path.write_text('current_profile = "a"\n[profiles.a]\ntimeout = "soon"\n')
    with pytest.raises(ConfigError, match="profile 'a': bad value for timeout"):
        config.resolve()


def test_ten_concurrent_sets_all_land():
    keys = [
        "url",
        "apikey",
        "secretkey",
        "username",
        "password",
        "domain",
        "output",
        "timeout",
        "verifycert",
        "asyncblock",
    ]
    values = [
        "http://h.example/client/api",
        "k1",
        "s1",
        "u1",
        "p1",
        "/d1",
        "csv",
        "42",
        "false",
        "false",
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sscli", "set", key, value],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for key, value in zip(keys, values, strict=True)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    profile = config.resolve()
    assert profile.url == values[0]
    assert (profile.apikey, profile.secretkey, profile.username) == ("k1", "s1", "u1")
    assert (profile.password, profile.domain, profile.output) == ("p1", "/d1", "csv")
    assert profile.timeout == 42
    assert profile.verifycert is False and profile.asyncblock is False
    leftovers = [
        p.name
        for p in config.config_dir().iterdir()
        if p.name.startswith(".config.") and p.name != ".config.lock"
    ]
    assert leftovers == []


def test_delete_profile(sscli):
    sscli("set", "profile", "keep")
    sscli("set", "profile", "gone")
    result = sscli("profiles", "delete", "gone")
    assert result.code == 0
    assert result.err.splitlines() == [
        "Deleted profile 'gone'",
        "It was current; commands now use an empty profile 'default' until you "
        "run: sscli set profile NAME (profiles: keep)",
    ]
    assert sscli("set").out.startswith("profile = default\n")
    assert sscli("profiles").out.splitlines() == ["  keep"]
    missing = sscli("profiles", "delete", "gone")
    assert missing.code == ExitCode.USAGE
    assert missing.err.strip() == "Error: no profile named 'gone' (profiles: keep)"


def test_deleting_the_current_profile_says_default_takes_over(sscli):
    sscli("set", "profile", "default")
    sscli("set", "url", "http://default.example/client/api")
    sscli("set", "profile", "gone")
    result = sscli("profiles", "delete", "gone")
    assert result.err.splitlines()[1] == (
        "It was current; profile 'default' is current now "
        "(switch with: sscli set profile NAME)"
    )
    assert "url = http://default.example/client/api" in sscli("set").out


def test_set_shows_booleans_and_algorithms_as_typed_and_masks_the_apikey(sscli):
    assert "verifycert = false in" in sscli("set", "verifycert", "FALSE").err
    shown = sscli("set", "apikey", "ABCDEFGHIJKLMNOP").err
    assert "ABCDEFGHIJKLMNOP" not in shown and "apikey = ABCD…" in shown
    assert "HmacSHA512" in sscli("set", "signaturealgorithm", "hmacsha512").err
    assert "verifycert = false" in sscli("set").out


@pytest.mark.parametrize(
    ("apikey", "shown"),
    [
        ("AKEY123", "…"),  # a prefix of a short key would be most of it
        ("A" * 15, "…"),
        ("B" * 16, "BBBB…"),
        ("C" * 86, "CCCC…"),  # the length of CloudStack's own keys
    ],
)
def test_set_shows_a_prefix_of_long_apikeys_only(sscli, apikey, shown):
    assert f"apikey = {shown} in" in sscli("set", "apikey", apikey).err
    listed = sscli("set").out
    assert f"apikey = {shown}\n" in listed
    assert apikey not in listed


def test_an_option_without_its_value_is_an_error(sscli):
    for argv in (
        ["listZones", "--query"],
        ["listZones", "--query", "-o", "csv"],
        ["listZones", "-p"],
    ):
        result = sscli(*argv)
        assert result.code == ExitCode.USAGE
        assert result.err.strip().endswith("needs a value")


def test_click_choice_errors_stay_on_one_line(sscli):
    result = sscli("profiles", "import", "nope")
    assert result.code == ExitCode.USAGE
    assert len(result.err.strip().splitlines()) == 1
