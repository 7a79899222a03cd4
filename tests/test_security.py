"""Safe by default: secrets never shown, logins cached, retries never duplicate."""

from __future__ import annotations

import html
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from _local_server import LocalServer, Received, answer

from sscli import answer as answer_module
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


LEAK_SCENARIOS = [
    "401",
    "431",
    "network",
    "timeout",
    "job",
    "refused",
    "tls",
    "html",
    "huge",
    "corrupt-config",
]


def _break(scenario: str, sim, credentials: str, monkeypatch) -> list[str]:
    """Set the failure up; return the words of the call that meets it."""
    state = sim.state
    words = ["listZones"]
    if scenario == "401" and credentials == "keys":
        config.set_value("secretkey", "wrong-secret")
    elif scenario == "401":
        sim.sessions = type(sim.sessions)()  # the server forgot the session ...
        config.set_value("password", "wrong-secret")  # ... and the login fails
    elif scenario == "431":
        words = ["listVirtualMachines", "id=" + "0" * 8 + "-0000-0000-0000-" + "0" * 12]
    elif scenario == "network":
        sim.drop_connections = 100
    elif scenario == "timeout":
        config.set_value("timeout", "1")
        sim.delay_seconds = 3
    elif scenario == "job":
        words = [
            "deployVirtualMachine",
            "displayname=fail-now",
            f"zoneid={state.zones[0]['id']}",
            f"templateid={state.templates[0]['id']}",
            f"serviceofferingid={state.serviceofferings[0]['id']}",
        ]
    elif scenario == "refused":
        sim.stop()
    elif scenario == "tls":
        config.set_value("url", sim.url.replace("http://", "https://"))
    elif scenario == "html":
        sim.fail_status, sim.fail_body = 502, "<html><body>Bad Gateway</body></html>"
    elif scenario == "huge":
        monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 64)
    elif scenario == "corrupt-config":
        path = config.config_path()
        path.write_text(path.read_text() + '\nbroken = "no end\n')
    return words


@pytest.mark.parametrize("scenario", LEAK_SCENARIOS)
@pytest.mark.parametrize("credentials", ["keys", "password"])
def test_failures_show_no_secret_with_or_without_debug(
    sscli, sim, monkeypatch, credentials, scenario
):
    profile = {"url": sim.url, "timeout": 2}
    if credentials == "keys":
        profile.update(apikey=sim.apikey, secretkey=sim.secretkey)
    else:
        profile.update(username="admin", password="pass word&?")
    config.save_profile("leak", profile, make_current=True)
    if credentials == "password":
        assert sscli("listZones").code == 0  # a session key and a cookie to leak
    words = _break(scenario, sim, credentials, monkeypatch)

    debugged = sscli("--debug", *words)
    quiet = sscli(*words)
    assert debugged.code == quiet.code != 0
    assert "Traceback" not in debugged.err  # none of these is a bug in sscli
    *trace, _ = debugged.err.splitlines()  # the trace, then the one error line
    assert all(line.startswith(("> ", "< ", "! ")) for line in trace), debugged.err
    for result in (debugged, quiet):
        assert_no_secret(result, sim)
        assert "wrong-secret" not in result.out + result.err
    assert len(quiet.err.splitlines()) == 1, quiet.err


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


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "expired-session"])
def test_wrong_password_is_tried_once(sscli, password_profile, cached):
    sim = password_profile
    if cached:
        assert sscli("listZones").code == 0
        sim.sessions = type(sim.sessions)()  # the server forgot the session
    config.set_value("password", "not-the-password")
    sim.clear_requests()
    result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert len(result.err.splitlines()) == 1
    assert "not-the-password" not in result.out + result.err
    logins = [r for r in sim.requests if r.params.get("command") == "login"]
    assert len(logins) == 1


def test_a_session_key_travels_in_a_post_body_never_in_a_url(sscli, password_profile):
    sim = password_profile
    for words in (["listZones"], ["listHypervisors"], ["logout"]):
        assert sscli(*words).code == 0
    carrying = [r for r in sim.requests if "sessionkey" in r.params]

    assert [r.params["command"] for r in carrying] == [
        "listZones",
        "listHypervisors",
        "logout",
    ]
    for record in carrying:
        assert record.method == "POST", record.params["command"]
        assert "sessionkey" not in record.query.lower()
        assert record.status == 200  # the server took it as it takes a GET


def test_a_signed_call_stays_a_get(sscli, key_profile):
    assert sscli("listZones").code == 0
    (record,) = key_profile.requests
    assert record.method == "GET" and "signature=" in record.query


def test_a_login_answer_without_a_sessionkey_is_a_bad_answer(sscli):
    login = {"loginresponse": {"username": "admin", "timeout": "1800"}}
    body = json.dumps(login).encode()
    with LocalServer(lambda request: answer(200, body, "application/json")) as server:
        config.save_profile(
            "pw",
            {"url": server.url, "username": "admin", "password": "pass word&?"},
            make_current=True,
        )
        result = sscli("listZones")

    assert result.code == ExitCode.BAD_RESPONSE
    assert result.err == (
        f"Error: {server.url} answered login without a sessionkey; "
        "is the url a CloudStack API (https://HOST/client/api)?\n"
    )
    assert [request.method for request in server.received] == ["POST"]
    assert b"command=login" in server.received[0].body
    assert not session.session_path("pw").exists()


def test_a_cached_session_without_a_key_is_not_used(sscli, password_profile):
    """As an earlier sscli may have cached it from such a login answer."""
    sim = password_profile
    assert sscli("login").code == 0
    path = session.session_path("pw")
    cached = json.loads(path.read_text())
    path.write_text(json.dumps({**cached, "sessionkey": ""}))
    sim.clear_requests()

    assert sscli("listZones").code == 0
    assert [r.params["command"] for r in sim.requests] == ["login", "listZones"]
    assert sim.requests[1].params["sessionkey"]


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
    assert result.err.count("; retrying in ") == 2
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


# Real parameters of the 4.18 catalog whose names say they hold a secret.
SECRET_CALLS = [
    ["updateUser", "id=u1", "currentpassword=Cur-Pw-1", "usersecretkey=User-Sk-2"],
    [
        "addCluster",
        "clustername=c",
        "clustertype=CloudManaged",
        "hypervisor=KVM",
        "podid=p",
        "zoneid=z",
        "vsmpassword=Vsm-Pw-3",
    ],
    ["uploadSslCert", "name=n", "certificate=C", "privatekey=Private-Key-4"],
    ["addImageStoreS3", "accesskey=A", "bucket=b", "endpoint=e", "secretkey=S3-Sk-5"],
    [
        "createKubernetesCluster",
        *("description=d", "kubernetesversionid=v", "name=k"),
        *("serviceofferingid=s", "size=1", "zoneid=z"),
        "dockerregistrypassword=Docker-Pw-6",
    ],
]


@pytest.mark.parametrize("words", SECRET_CALLS, ids=lambda words: words[0])
def test_secret_parameters_are_masked_and_never_in_a_url(sscli, key_profile, words):
    secrets = [w.split("=", 1)[1] for w in words if "-" in w.split("=", 1)[-1]]
    result = sscli("--debug", *words)
    assert secrets and "> POST " in result.err
    record = key_profile.requests[-1]
    assert record.method == "POST" and record.query == ""
    for secret in secrets:
        assert record.body.count(secret) == 1
        assert secret not in result.out + result.err
    assert_no_secret(result, key_profile)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("currentpassword", True),
        ("pingcifspassword", True),
        ("usersecretkey", True),
        ("secretkey", True),
        ("privatekey", True),
        ("userapikey", True),
        ("details[0].password", True),
        ("SessionKey", True),
        ("passwordenabled", False),
        ("publickey", False),
        ("keyword", False),
        ("keypair", False),
        ("sortkey", False),
    ],
)
def test_secret_names_follow_one_rule(name, secret):
    from sscli.redact import is_secret_name

    assert is_secret_name(name) is secret


def _echo(kind: str):
    """A proxy that answers 400 quoting the whole request it got."""

    def respond(request: Received) -> bytes:
        text = request.head + request.body.decode("utf-8")
        if kind == "json":
            document = {"errorresponse": {"errorcode": 431, "errortext": "bad " + text}}
            return answer(400, json.dumps(document).encode(), "application/json")
        if kind == "html":
            page = f"<html><body><pre>{html.escape(text)}</pre></body></html>"
            return answer(400, page.encode(), "text/html")
        return answer(400, text.encode())

    return respond


ECHO_PROFILES = {
    "keys": {"apikey": "My-Api-Key-1", "secretkey": "My-Secret-Key-2"},
    "login": {"username": "admin", "password": "pass word&?"},
    "session": {"username": "admin", "password": "pass word&?"},
}


@pytest.mark.parametrize("kind", ["text", "json", "html"])
@pytest.mark.parametrize("credentials", list(ECHO_PROFILES))
@pytest.mark.parametrize(
    "words", [["listZones"], ["updateUser", "id=u", "currentpassword=Cur-Pw-9"]]
)
def test_an_echoed_request_shows_no_secret(
    sscli, monkeypatch, kind, credentials, words
):
    monkeypatch.setattr(answer_module, "BODY_EXCERPT", 10**6)  # the whole echo
    with LocalServer(_echo(kind)) as server:
        config.save_profile(
            "echo", {"url": server.url, **ECHO_PROFILES[credentials]}, make_current=True
        )
        if credentials == "session":
            cached = session.LoginSession(
                server.url, "admin", "Session-Key-3", {"JSESSIONID": "Cookie-4"}, 4e9
            )
            session.save("echo", cached)
        result = sscli(*words)
    assert result.code != 0
    (line,) = result.err.splitlines()
    assert "***" in line  # something was hidden: the echo held secrets
    for secret in (
        "My-Api-Key-1",
        "My-Secret-Key-2",
        "pass word&?",
        "pass%20word",
        "Session-Key-3",
        "Cookie-4",
        "Cur-Pw-9",
        *(
            value
            for request in server.received
            for value in parse_qs(request.target.partition("?")[2]).get("signature", [])
        ),
    ):
        assert secret not in result.out + result.err


def test_an_echoed_apikey_is_hidden_in_the_short_excerpt(sscli):
    with LocalServer(_echo("text")) as server:
        config.save_profile(
            "echo", {"url": server.url, **ECHO_PROFILES["keys"]}, make_current=True
        )
        result = sscli("listZones")
    assert result.code == ExitCode.BAD_RESPONSE
    assert result.err.startswith(f"Error: {server.url} answered HTTP 400 with text")
    assert "&response=json&apikey=***&" in result.err
    assert "My-Api-Key-1" not in result.err


@pytest.mark.parametrize(
    ("trouble", "code"),
    [
        ("none", ExitCode.OK),
        ("server-forgot", ExitCode.OK),
        ("unreachable", ExitCode.NETWORK),
        ("html-400", ExitCode.BAD_RESPONSE),
    ],
)
def test_logout_forgets_the_local_session_in_any_case(
    sscli, password_profile, trouble, code
):
    sim = password_profile
    assert sscli("login").code == 0
    if trouble == "server-forgot":
        sim.sessions = type(sim.sessions)()
    elif trouble == "unreachable":
        sim.stop()
    elif trouble == "html-400":
        sim.fail_status, sim.fail_body = 400, "<html><body>Bad Request</body></html>"
    sim.clear_requests()
    result = sscli("logout")
    assert result.code == code
    assert len(result.err.splitlines()) == 1
    assert not session.session_path("pw").exists()
    assert [r.params.get("command") for r in sim.requests] in ([], ["logout"])
    assert_no_secret(result, sim)


ONE_ATTEMPT_CALLS = [
    ["getDiagnosticsData", "targetid=x"],  # async: starts a job each time
    [
        "getUploadParamsForTemplate",
        *("zoneid=z", "displaytext=t", "name=n", "format=QCOW2", "hypervisor=KVM"),
    ],
    ["getUploadParamsForVolume", "name=v", "format=QCOW2", "zoneid=z"],
]


@pytest.mark.parametrize("words", ONE_ATTEMPT_CALLS, ids=lambda words: words[0])
def test_gets_that_change_state_are_never_repeated(sscli, key_profile, words):
    key_profile.drop_connections = 2
    result = sscli(*words)
    assert result.code == ExitCode.NETWORK
    assert key_profile.drop_connections == 1  # one attempt took one drop


def test_a_batch_never_repeats_them_either(key_profile, capsys):
    """The client the batch shares is first built by `logout`, which sends
    nothing for a profile with keys and knows no catalog."""
    from sscli.batch import run_batch

    key_profile.drop_connections = 2
    code = run_batch(["logout", "getDiagnosticsData targetid=x"], {})
    assert code == ExitCode.NETWORK
    assert key_profile.drop_connections == 1  # the call had one attempt


def test_a_deploy_whose_answer_is_lost_is_done_once_and_said_so(sscli, key_profile):
    sim = key_profile
    state = sim.state
    before = len(state.vms)
    sim.drop_answers = 1  # the server makes the VM, then hangs up
    result = sscli(
        "deployVirtualMachine",
        "displayname=lost-answer",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    )
    assert result.code == ExitCode.NETWORK
    assert len(state.vms) == before + 1
    assert [vm["displayname"] for vm in state.vms].count("lost-answer") == 1
    (line,) = result.err.splitlines()
    assert line == (
        f"Error: cannot reach {sim.url}: the server closed the connection without "
        "answering; deployVirtualMachine may have reached the server, so check "
        "(e.g. with a list call) before repeating it"
    )


def test_a_dropped_login_is_retried_for_a_list_and_not_called_maybe_done(
    sscli, password_profile
):
    sim = password_profile
    sim.drop_connections = 1  # the login's connection
    listed = sscli("listZones", "-o", "json")
    assert listed.code == 0, listed.err
    state = sim.state
    session.forget("pw")
    sim.drop_connections = 1
    deployed = sscli(
        "deployVirtualMachine",
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    )
    assert deployed.code == ExitCode.NETWORK
    assert deployed.err == (
        f"Error: cannot reach {sim.url}: "
        "the server closed the connection without answering\n"
    )
    commands = [r.params.get("command") for r in sim.requests]
    assert "deployVirtualMachine" not in commands
