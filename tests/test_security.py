"""Safe by default: secrets never shown, logins cached, retries never duplicate."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sscli import client as client_module
from sscli import config, session
from sscli.errors import ExitCode
from sscli.simulator import Simulator

IMPORTS = Path(__file__).parent / "data" / "imports"


@pytest.fixture
def sim():
    with Simulator(vms=5, job_seconds=0.1, password="pass word&?") as server:
        yield server


@pytest.fixture
def key_profile(sim):
    config.save_profile(
        "keys",
        {
            "url": sim.url,
            "apikey": sim.apikey,
            "secretkey": sim.secretkey,
            "timeout": 2,
        },
        make_current=True,
    )
    return sim


@pytest.fixture
def password_profile(sim):
    config.save_profile(
        "pw",
        {"url": sim.url, "username": "admin", "password": "pass word&?", "timeout": 2},
        make_current=True,
    )
    return sim


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(client_module, "RETRY_BASE", 0.01)


def secrets_seen(sim) -> list[str]:
    """Every secret the run had: keys, signatures, session keys and cookies."""
    found = [sim.secretkey, sim.apikey, "pass word&?", "pass%20word"]
    for record in sim.requests:
        for name, value in record.params.items():
            if name.lower() in ("signature", "sessionkey") and value:
                found.append(value)
        cookie = record.headers.get("Cookie") or record.headers.get("cookie") or ""
        found.extend(
            part.split("=", 1)[1] for part in cookie.split("; ") if "=" in part
        )
    for path in (config.cache_dir() / "sessions").glob("*.json"):
        stored = json.loads(path.read_text())
        found.append(stored["sessionkey"])
        found.extend(stored["cookies"].values())
    return [secret for secret in found if secret]


def assert_no_secret(result, sim) -> None:
    shown = result.out + result.err
    for secret in secrets_seen(sim):
        assert secret not in shown, f"secret leaked: {secret[:4]}…"


def test_debug_success_masks_every_secret(sscli, key_profile):
    result = sscli("--debug", "listZones", "-o", "json")
    assert result.code == 0
    assert "> GET http://127.0.0.1" in result.err and "'signature': '***'" in result.err
    assert_no_secret(result, key_profile)


@pytest.mark.parametrize("scenario", ["401", "431", "network", "timeout", "job"])
def test_debug_failures_show_no_secret(sscli, key_profile, scenario):
    sim = key_profile
    args = ["--debug", "listZones"]
    if scenario == "401":
        config.set_value("secretkey", "wrong-secret")
    elif scenario == "431":
        args = [
            "--debug",
            "listVirtualMachines",
            "id=" + "0" * 8 + "-0000-0000-0000-" + "0" * 12,
        ]
    elif scenario == "network":
        sim.drop_connections = 10
    elif scenario == "timeout":
        sim.delay_seconds = 4
    elif scenario == "job":
        state = sim.state
        args = [
            "--debug",
            "deployVirtualMachine",
            "displayname=fail-now",
            f"zoneid={state.zones[0]['id']}",
            f"templateid={state.templates[0]['id']}",
            f"serviceofferingid={state.serviceofferings[0]['id']}",
        ]
    result = sscli(*args)
    assert result.code != 0
    assert "Traceback" in result.err  # --debug keeps the traceback ...
    assert_no_secret(result, sim)  # ... and still no secret
    assert "wrong-secret" not in result.out + result.err


def test_password_login_is_cached_and_masked(sscli, password_profile):
    sim = password_profile
    first = sscli("--debug", "listZones", "-o", "json")
    second = sscli("listHypervisors", "-o", "json")
    assert first.code == 0 and second.code == 0
    logins = [r for r in sim.requests if r.params.get("command") == "login"]
    assert len(logins) == 1
    assert logins[0].method == "POST"
    path = session.session_path("pw")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert_no_secret(first, sim)


def test_expired_server_session_logs_in_again_once(sscli, password_profile):
    sim = password_profile
    assert sscli("listZones").code == 0
    sim.sessions = type(sim.sessions)()  # the server forgot every session
    result = sscli("listZones", "-o", "json")
    assert result.code == 0, result.err
    logins = [r for r in sim.requests if r.params.get("command") == "login"]
    assert len(logins) == 2


def test_wrong_password_exits_auth_without_showing_it(sscli, password_profile):
    config.set_value("password", "not-the-password")
    result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert "not-the-password" not in result.out + result.err


def test_profile_with_keys_never_falls_back_to_password(sscli, key_profile):
    config.set_value("username", "admin")
    config.set_value("password", "pass word&?")
    config.set_value("secretkey", "wrong-secret")
    result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert not [r for r in key_profile.requests if r.params.get("command") == "login"]


def test_login_and_logout_commands(sscli, password_profile):
    assert "Logged in as admin" in sscli("login").err
    assert session.session_path("pw").exists()
    assert sscli("logout").code == 0
    assert not session.session_path("pw").exists()


def test_dropped_connections_are_retried_for_lists(sscli, key_profile, monkeypatch):
    signed = []
    original = client_module.signing.signed_params

    def counting(*args, **kwargs):
        signed.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(client_module.signing, "signed_params", counting)
    key_profile.drop_connections = 2
    result = sscli("--debug", "listZones", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 2
    assert result.err.count("retry ") == 2
    assert len(signed) == 3  # each attempt signed anew, with a fresh expires


def test_deploy_is_never_repeated(sscli, key_profile):
    sim = key_profile
    before = len(sim.state.vms)
    sim.drop_connections = 2
    state = sim.state
    result = sscli(
        "deployVirtualMachine",
        "displayname=once",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    )
    assert result.code == ExitCode.NETWORK
    assert len(sim.state.vms) == before
    assert sim.drop_connections == 1  # one attempt took one drop; no second try


def test_secret_prompt_reads_stdin_without_echo(tmp_path):
    env = {**os.environ, "SSCLI_CONFIG_DIR": str(tmp_path / "c")}
    done = subprocess.run(
        [sys.executable, "-m", "sscli", "set", "secretkey"],
        input="piped-secret-value\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "piped-secret-value" not in done.stdout + done.stderr
    assert (
        'secretkey = "piped-secret-value"'
        in (tmp_path / "c" / "config.toml").read_text()
    )


def test_readable_config_is_warned_about(sscli, key_profile):
    os.chmod(config.config_path(), 0o644)
    result = sscli("listZones", "-o", "json")
    assert result.code == 0
    assert "is readable by others (mode 644); fix it with: chmod 600" in result.err


def _fill(name: str, sim, tmp_path) -> Path:
    text = (IMPORTS / name).read_text()
    for word, value in (
        ("SIM_URL", sim.url),
        ("SIM_APIKEY", sim.apikey),
        ("SIM_SECRETKEY", sim.secretkey),
    ):
        text = text.replace(word, value)
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("source", "name", "profile"),
    [
        ("cmk", "cmk-config", "prod"),
        ("cmk", "cloudmonkey5-config", "server"),
        ("cs", "cloudstack.ini", "cloudstack"),
    ],
)
def test_imported_profiles_work(sscli, sim, tmp_path, source, name, profile):
    path = _fill(name, sim, tmp_path)
    imported = sscli("profiles", "import", source, str(path))
    assert imported.code == 0, imported.err
    assert sim.secretkey not in imported.err + imported.out
    result = sscli("-p", profile, "listZones", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 2


def test_import_keeps_cmk_and_cs_settings(sscli, sim, tmp_path):
    sscli("profiles", "import", "cmk", str(_fill("cmk-config", sim, tmp_path)))
    sscli("profiles", "import", "cmk", str(_fill("cloudmonkey5-config", sim, tmp_path)))
    sscli("profiles", "import", "cs", str(_fill("cloudstack.ini", sim, tmp_path)))
    local = config.resolve(profile="localcloud")
    assert (local.username, local.password) == ("admin", "password")
    assert local.output == ""  # cmk's default json is not copied: sscli's auto
    assert config.resolve(profile="server").timeout == 3600
    assert config.resolve(profile="lab").verifycert is False
    # cs's timeout = 30 is its HTTP timeout, not sscli's wait for a job.
    assert config.resolve(profile="cloudstack").timeout == 1800


def test_import_of_a_missing_file_is_one_line(sscli, tmp_path):
    result = sscli("profiles", "import", "cs", str(tmp_path / "nope.ini"))
    assert result.code == ExitCode.USAGE
    assert result.err.strip() == f"Error: no such file: {tmp_path / 'nope.ini'}"
