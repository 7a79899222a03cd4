"""Each failure class: one line on stderr, a named exit code, no secret shown."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading

import pytest
from _local_server import LocalServer, Received, answer
from _render_helpers import FakeTerminal
from conftest import DATA, load_data

from sscli import cli, config
from sscli import client as client_module
from sscli.errors import ExitCode
from sscli.simulator import Simulator


@pytest.fixture
def sim():
    with Simulator(vms=5, job_seconds=0.2) as server:
        config.save_profile(
            "sim",
            {
                "url": server.url,
                "apikey": server.apikey,
                "secretkey": server.secretkey,
                "timeout": 5,
            },
            make_current=True,
        )
        yield server


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(client_module, "RETRY_BASE", 0.01)


def one_line(result, sim=None) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    if sim is not None:
        assert sim.secretkey not in result.err + result.out
        assert "signature=" not in result.err
    return lines[0]


def test_server_error_body_becomes_its_line(sscli, sim):
    recorded = load_data(
        "responses/curated-error-431-cserrorcode-4350-listAccounts.json"
    )
    sim.fail_status, sim.fail_body = 431, recorded["body_raw"]
    result = sscli("listAccounts", "domainid=666")
    assert result.code == ExitCode.API_ERROR
    assert one_line(result, sim) == "Error 431 (4350): Domain id=666 doesn't exist"
    assert result.out == ""


def test_missing_parameter_from_the_server(sscli, sim):
    result = sscli("listVirtualMachines", "id=00000000-0000-0000-0000-000000000000")
    assert result.code == ExitCode.API_ERROR
    assert one_line(result, sim).startswith("Error 431 (4350): ")


def test_bad_credentials_exit_auth(sscli, sim):
    config.set_value("secretkey", "wrong-secret-key")
    result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert one_line(result, sim) == (
        "Error 401: unable to verify user credentials and/or request signature"
    )
    assert "wrong-secret-key" not in result.err


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html"),
        (502, "<html><head><title>502 Bad Gateway</title></head></html>", "text/html"),
        (200, "", "text/html"),
        (200, '{ "listzonesresponse" : { "count":2 ,"zone" : [ {"id":"a', "text"),
    ],
)
def test_non_json_body_names_the_endpoint(sscli, sim, fast_retries, status, body, kind):
    sim.fail_status, sim.fail_body = status, body
    result = sscli("listZones")
    assert result.code == ExitCode.BAD_RESPONSE
    line = one_line(result, sim)
    assert line.startswith(f"Error: {sim.url} answered HTTP {status} with")
    assert "not CloudStack JSON" in line


@pytest.fixture
def dead_url():
    """A current profile 'dead' whose url is a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/client/api"
    config.save_profile(
        "dead", {"url": url, "apikey": "KEY", "secretkey": "SECRET"}, make_current=True
    )
    return url


def test_refused_connection(sscli, fast_retries, dead_url):
    result = sscli("listZones")
    assert result.code == ExitCode.NETWORK
    assert one_line(result) == f"Error: cannot reach {dead_url}: connection refused"


def test_debug_shows_what_was_sent_when_no_answer_came(sscli, fast_retries, dead_url):
    result = sscli("--debug", "listZones")
    assert result.code == ExitCode.NETWORK
    sent = [line for line in result.err.splitlines() if line.startswith(">")]
    answers = [line for line in result.err.splitlines() if line.startswith("<")]
    attempts = client_module.RETRIES + 1
    assert len(sent) == len(answers) == attempts
    assert all(f"> GET {dead_url} {{'command': 'listZones'" in line for line in sent)
    assert all(
        re.fullmatch(r"< no answer: connection refused in \d+ ms", line)
        for line in answers
    )
    assert "KEY" not in result.err and "SECRET" not in result.err


def test_retries_are_said_on_a_terminal_and_nowhere_else(
    sscli, fast_retries, monkeypatch, dead_url
):
    piped, terminal = sys.stderr, FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert cli.run(["listZones"]) == ExitCode.NETWORK

    *retries, error = terminal.getvalue().splitlines()
    assert error == f"Error: cannot reach {dead_url}: connection refused"
    counted = [
        re.fullmatch(r"connection refused; retrying in \d+\.\ds \((\d)/(\d)\)", line)
        for line in retries
    ]
    assert [match and match.groups() for match in counted] == [
        (str(number), str(client_module.RETRIES))
        for number in range(1, client_module.RETRIES + 1)
    ]
    monkeypatch.setattr(sys, "stderr", piped)
    assert one_line(sscli("listZones")) == error  # piped: the error alone


def test_unknown_host(sscli):
    url = "http://no-such-host.invalid/client/api"
    config.save_profile(
        "nx", {"url": url, "apikey": "k", "secretkey": "SECRET"}, make_current=True
    )
    result = sscli("listZones")
    assert result.code == ExitCode.NETWORK
    assert one_line(result) == f"Error: cannot reach {url}: unknown host"


def test_timeout(sscli, sim):
    config.set_value("timeout", "1")
    sim.delay_seconds = 3
    result = sscli("listZones")
    assert result.code == ExitCode.NETWORK
    assert (
        one_line(result, sim) == f"Error: cannot reach {sim.url}: no answer within 1s"
    )


def test_https_to_a_plain_http_server_is_a_tls_failure(sscli, sim):
    url = sim.url.replace("http://", "https://")
    config.set_value("url", url)
    result = sscli("listZones")
    assert result.code == ExitCode.NETWORK
    assert one_line(result, sim) == (
        f"Error: cannot reach {url}: "
        "the TLS handshake failed (is the URL's scheme right?)"
    )


def _certificate(tmp_path, name: str, san: str):
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName={san}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextlib.contextmanager
def _https_simulator(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with Simulator(vms=3, ssl_context=context) as server:
        config.save_profile(
            "tls",
            {"url": server.url, "apikey": server.apikey, "secretkey": server.secretkey},
            make_current=True,
        )
        yield server


@pytest.fixture
def tls_sim(tmp_path):
    cert, key = _certificate(tmp_path, "sim", "IP:127.0.0.1")
    with _https_simulator(cert, key) as server:
        yield server, cert


def test_untrusted_certificate_fails_then_cafile_or_verifycert_false_works(
    sscli, tls_sim
):
    server, cert = tls_sim
    result = sscli("listZones", "-o", "json")
    assert result.code == ExitCode.NETWORK
    assert "its TLS certificate is not trusted" in one_line(result, server)

    config.set_value("cafile", str(cert))
    trusted = sscli("listZones", "-o", "json")
    assert trusted.code == 0, trusted.err
    assert json.loads(trusted.out)["count"] == 2

    config.set_value("cafile", "")
    config.set_value("verifycert", "false")
    unchecked = sscli("listZones", "-o", "json")
    assert unchecked.code == 0
    assert one_line(unchecked, server) == (
        "Warning: TLS certificates are not checked for profile 'tls' "
        "(verifycert is false)"
    )


def test_failed_job_prints_its_errortext(sscli, sim):
    ids = _deploy_ids(sim)
    result = sscli("deployVirtualMachine", "displayname=fail-me", *ids)
    assert result.code == ExitCode.JOB_FAILED
    line = one_line(result, sim)
    assert line.startswith("Job ") and "failed: Error 530" in line


def test_job_past_the_timeout(sscli, sim):
    config.set_value("timeout", "1")
    sim.job_seconds = 30
    result = sscli("deployVirtualMachine", "displayname=slow", *_deploy_ids(sim))
    assert result.code == ExitCode.JOB_TIMEOUT
    assert "sscli -p sim queryAsyncJobResult jobid=" in one_line(result, sim)


def test_missing_url_says_how_to_set_it(sscli):
    config.save_profile("empty", {}, make_current=True)
    result = sscli("listZones")
    assert result.code == ExitCode.CONFIG
    assert one_line(result) == (
        "Error: profile 'empty' has no url; "
        "set one with: sscli set url https://HOST/client/api"
    )


def _deploy_ids(sim) -> list[str]:
    state = sim.state
    return [
        f"zoneid={state.zones[0]['id']}",
        f"templateid={state.templates[0]['id']}",
        f"serviceofferingid={state.serviceofferings[0]['id']}",
    ]


def test_a_gigantic_answer_is_refused_in_one_line(sscli, sim, monkeypatch):
    monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 4096)
    result = sscli("listVirtualMachines")
    assert result.code == ExitCode.BAD_RESPONSE
    line = one_line(result, sim)
    assert line.startswith(f"Error: {sim.url} sent an answer of over ")
    assert line.endswith("ask for less, e.g. with pagesize=")
    assert result.out == ""


@pytest.mark.parametrize(
    ("status", "inner", "line"),
    [
        (
            431,
            {"errorcode": 431, "errortext": "line one\nline two\r\nthree"},
            "Error 431: line one line two three",
        ),
        (200, {"errortext": "only text"}, "Error: only text"),
        (
            200,
            {"errorcode": 431, "errortext": "code in a 200"},
            "Error 431: code in a 200",
        ),
        (500, {"errortext": "no code\tbut a 500"}, "Error 500: no code but a 500"),
    ],
)
def test_an_error_body_is_one_line_with_the_code_it_has(
    sscli, sim, status, inner, line
):
    sim.fail_status = status
    sim.fail_body = json.dumps({"listzonesresponse": inner})
    result = sscli("listZones")
    assert result.code == ExitCode.API_ERROR
    assert one_line(result, sim) == line
    assert result.out == ""


def test_a_failed_job_with_a_multi_line_reason_is_one_line(sscli, sim, monkeypatch):
    from sscli.simulator import actions

    monkeypatch.setattr(actions, "FAIL_JOBS_TEXT", "first\nsecond\r\n\tthird")
    sim.fail_jobs = True
    result = sscli("deployVirtualMachine", "displayname=any", *_deploy_ids(sim))
    assert result.code == ExitCode.JOB_FAILED
    assert one_line(result, sim).endswith("failed: Error 530: first second third")


@pytest.mark.parametrize(
    "body",
    [
        '{"foo": 1}',
        "[]",
        "null",
        '"listzonesresponse"',
        '{"listzonesresponse": [1, 2]}',
        '{"listzonesresponse": {"count": 1}, "other": {}}',
        '{"listzones": {"count": 1}}',
    ],
)
def test_json_that_is_not_a_cloudstack_answer_is_refused(sscli, sim, body):
    sim.fail_status, sim.fail_body = 200, body
    result = sscli("listZones")
    assert result.code == ExitCode.BAD_RESPONSE
    line = one_line(result, sim)
    assert line.startswith(f"Error: {sim.url} answered HTTP 200 with ")
    assert "not CloudStack JSON" in line
    assert result.out == ""


def _recorded_bodies():
    """(file, status, wire body) of every recorded answer in tests/data."""
    for path in sorted((DATA / "responses").glob("*.json")):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        if "body_raw" in recorded or "body" in recorded:
            body = recorded.get("body_raw") or json.dumps(recorded["body"])
            yield path.name, recorded["http_status"], body
        elif all(key.endswith("response") for key in recorded):
            yield path.name, 200, json.dumps(recorded)
        else:  # cloudstack-go's file: one answer per API name
            for api, answer in recorded.items():
                # Its listVirtualMachines mock is keyed by the API name, which
                # no server sends (it sends listvirtualmachinesresponse).
                if api != "listVirtualMachines":
                    yield f"{path.name}:{api}", 200, json.dumps(answer)


@pytest.mark.parametrize(
    ("name", "status", "body"), list(_recorded_bodies()), ids=lambda v: str(v)[:50]
)
def test_every_recorded_answer_is_taken_as_cloudstack_json(
    sscli, sim, name, status, body
):
    sim.fail_status, sim.fail_body = status, body
    result = sscli("listZones", "--no-paginate", "--no-wait", "-o", "json")
    (inner,) = json.loads(body).values()
    if "errortext" in inner:
        assert result.code == ExitCode.API_ERROR
        assert one_line(result, sim).endswith(inner["errortext"])
    else:
        assert result.code == 0, result.err
        assert json.loads(result.out) == inner


@pytest.mark.parametrize(
    ("status", "location", "shown"),
    [
        (
            301,
            "https://elsewhere.example/client/api?{query}",
            "https://elsewhere.example/client/api",
        ),
        (302, "/other/api", "{base}/other/api"),
        (
            307,
            "https://user:pw@elsewhere.example:8443/api",
            "https://elsewhere.example:8443/api",
        ),
        (308, "", "nowhere (no Location)"),
    ],
)
def test_a_redirect_is_not_followed_but_named(sscli, status, location, shown):
    def respond(request: Received) -> bytes:
        query = request.target.partition("?")[2]
        header = f"Location: {location.format(query=query)}\r\n" if location else ""
        return answer(status, b"", extra=header)

    with LocalServer(respond) as server:
        config.save_profile(
            "moved",
            {"url": server.url, "apikey": "Api-Key-1", "secretkey": "Secret-2"},
            make_current=True,
        )
        result = sscli("listZones")
    assert result.code == ExitCode.BAD_RESPONSE
    base = server.url.removesuffix("/client/api")
    assert one_line(result) == (
        f"Error: {server.url} answered HTTP {status} redirecting to "
        f"{shown.format(base=base)}; sscli does not follow redirects: if that is "
        "the API, set the url to it (sscli set url URL)"
    )
    assert "Api-Key-1" not in result.err and "pw@" not in result.err
    assert len(server.received) == 1


def test_a_certificate_for_another_host_says_so(sscli, tmp_path):
    cert, key = _certificate(tmp_path, "elsewhere", "DNS:elsewhere.example")
    with _https_simulator(cert, key) as server:
        config.set_value("cafile", str(cert))  # trusted, but not for 127.0.0.1
        result = sscli("listZones")
    assert result.code == ExitCode.NETWORK
    assert one_line(result, server) == (
        f"Error: cannot reach {server.url}: its TLS certificate is for another "
        "host name (use the name the certificate gives in the url)"
    )


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_environments_ca_bundle_is_trusted(
    sscli, tls_sim, tmp_path, monkeypatch, variable
):
    server, cert = tls_sim
    for name in client_module.CA_BUNDLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, str(cert))
    trusted = sscli("listZones", "-o", "json")
    assert trusted.code == 0, trusted.err
    assert json.loads(trusted.out)["count"] == 2

    other, _ = _certificate(tmp_path, "other", "IP:127.0.0.1")
    config.set_value("cafile", str(other))  # the profile's own cafile wins
    refused = sscli("listZones")
    assert refused.code == ExitCode.NETWORK
    assert "its TLS certificate is not trusted" in one_line(refused, server)


def _cut_short(chunked: bool):
    """An answer whose connection closes partway through its body."""
    start = b'{"listzonesresponse":{"count":2,"zone":['
    if chunked:
        head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        body = b"%x\r\n%s\r\n" % (len(start), start)
    else:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n"
        body = start
    return lambda request: head + b"Content-Type: application/json\r\n\r\n" + body


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_an_answer_cut_off_midway_is_said_plainly(sscli, fast_retries, chunked):
    with LocalServer(_cut_short(chunked)) as server:
        config.save_profile(
            "cut",
            {"url": server.url, "apikey": "k", "secretkey": "s"},
            make_current=True,
        )
        listed = sscli("listZones")
        deployed = sscli(
            "deployVirtualMachine", "zoneid=z", "templateid=t", "serviceofferingid=o"
        )
    assert listed.code == deployed.code == ExitCode.NETWORK
    cut = (
        f"Error: cannot reach {server.url}: "
        "the connection closed before the whole answer had arrived"
    )
    assert one_line(listed) == cut
    assert one_line(deployed).startswith(
        cut + "; deployVirtualMachine may have reached"
    )
    assert len(server.received) == 1 + client_module.RETRIES + 1  # lists retried


def test_json_nested_too_deeply_is_a_bad_answer(sscli, sim):
    depth = 100_000
    sim.fail_status = 200
    sim.fail_body = '{"listzonesresponse":{"a":' + "[" * depth + "]" * depth + "}}"
    result = sscli("listZones")
    assert result.code == ExitCode.BAD_RESPONSE
    assert one_line(result, sim) == (
        f"Error: {sim.url} answered HTTP 200 with JSON nested too deeply to read; "
        "no CloudStack answer is"
    )


@pytest.fixture
def full_backlog():
    """A port whose listen queue is full: a connection attempt gets no answer."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        waiting = []
        for _ in range(4):
            queued = socket.socket()
            queued.setblocking(False)
            queued.connect_ex(("127.0.0.1", port))
            waiting.append(queued)
        try:
            yield f"http://127.0.0.1:{port}/client/api"
        finally:
            for queued in waiting:
                queued.close()


def test_a_connect_timeout_is_retried_for_a_list(
    sscli, fast_retries, monkeypatch, full_backlog
):
    monkeypatch.setattr(client_module, "CONNECT_TIMEOUT", 0.2)
    config.save_profile(
        "slow",
        {"url": full_backlog, "apikey": "k", "secretkey": "SECRET"},
        make_current=True,
    )
    result = sscli("--debug", "listZones")
    assert result.code == ExitCode.NETWORK
    lines = result.err.strip().splitlines()
    assert lines[-1] == f"Error: cannot reach {full_backlog}: no connection within 0.2s"
    retries = [line for line in lines if line.startswith("! no connection within")]
    assert len(retries) == client_module.RETRIES
    quiet = sscli("listZones")
    assert one_line(quiet) == lines[-1]


def test_hmacsha512_signs_calls_the_simulator_accepts(sscli, sim):
    config.set_value("signaturealgorithm", "HmacSHA512")
    result = sscli("listZones", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 2


def test_a_401_for_hmacsha512_says_how_to_switch(sscli):
    with Simulator(vms=1, algorithms=("sha1",)) as server:
        config.save_profile(
            "sha1only",
            {
                "url": server.url,
                "apikey": server.apikey,
                "secretkey": server.secretkey,
                "signaturealgorithm": "HmacSHA512",
            },
            make_current=True,
        )
        result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert one_line(result, server) == (
        "Error 401: unable to verify user credentials and/or request signature; "
        "the profile signs with HmacSHA512; if the server accepts only HmacSHA1: "
        "sscli set signaturealgorithm HmacSHA1"
    )


@pytest.mark.parametrize(
    ("variables", "hint"),
    [
        (
            {"CLOUDSTACK_KEY": "key-from-the-environment"},
            "apikey came from CLOUDSTACK_KEY, secretkey from profile 'sim'",
        ),
        (
            {"SSCLI_SECRETKEY": "secret-from-the-environment"},
            "apikey came from profile 'sim', secretkey from SSCLI_SECRETKEY",
        ),
        (
            {"SSCLI_APIKEY": "key-from-env", "CLOUDSTACK_SECRET": "secret-from-env"},
            "apikey came from SSCLI_APIKEY, secretkey from CLOUDSTACK_SECRET",
        ),
        (
            {"CLOUDSTACK_ENDPOINT": "other"},
            "url came from CLOUDSTACK_ENDPOINT, apikey from profile 'sim', "
            "secretkey from profile 'sim'",
        ),
    ],
)
def test_a_401_names_the_variables_that_gave_url_or_keys(
    sscli, sim, monkeypatch, variables, hint
):
    with Simulator(vms=1) as other:  # its own keys: the profile's do not fit it
        for variable, value in variables.items():
            monkeypatch.setenv(variable, other.url if value == "other" else value)
        result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert one_line(result, sim) == (
        f"Error 401: unable to verify user credentials and/or request signature; {hint}"
    )
    assert "from-env" not in result.err and "from-the-environment" not in result.err


def test_half_a_key_pair_from_the_environment_names_its_variable(
    sscli, sim, monkeypatch
):
    config.save_profile("pw", {"url": sim.url, "username": "u", "password": "p"})
    monkeypatch.setenv("CLOUDSTACK_KEY", "key-from-the-environment")
    result = sscli("-p", "pw", "listZones")
    assert result.code == ExitCode.CONFIG
    assert one_line(result, sim) == (
        "Error: profile 'pw' has no secretkey; set it with: sscli set secretkey; "
        "apikey came from CLOUDSTACK_KEY"
    )
    assert sim.requests == []


def test_an_api_not_allowed_432_exits_auth_in_one_line(sscli, sim):
    text = "The given command does not exist or it is not available for the user"
    sim.fail_status = 432
    sim.fail_body = json.dumps(
        {"listzonesresponse": {"uuidList": [], "errorcode": 432, "errortext": text}}
    )
    result = sscli("listZones")
    assert result.code == ExitCode.AUTH
    assert one_line(result, sim) == f"Error 432: {text}"


def test_a_bug_in_sscli_is_one_line_and_exit_70(sscli, sim, monkeypatch):
    from sscli.render import json_format

    def broken(*args, **kwargs):
        raise ZeroDivisionError(f"a message quoting {sim.secretkey}")

    monkeypatch.setattr(json_format, "write", broken)
    result = sscli("listZones", "-o", "json")
    assert result.code == ExitCode.INTERNAL
    assert one_line(result, sim) == (
        "Error: internal error (ZeroDivisionError); run with --debug for the traceback"
    )
    assert "Traceback" in sscli("listZones", "-o", "json", "--debug").err


DEBUG_TRACE = (
    r"> GET http://127\.0\.0\.1:\d+/client/api \{.*'command': 'listUsers'.*\}\n"
    r"< 530 .+ \d+ bytes in \d+ ms\n"
)


def test_debug_shows_a_server_error_as_its_line_after_the_trace(sscli, sim):
    """A server error is no bug: --debug adds the request and answer, not a
    traceback."""
    error = {
        "uuidList": [],
        "errorcode": 530,
        "cserrorcode": 9999,
        "errortext": "Internal error executing command",
    }
    sim.fail_status = 530
    sim.fail_body = json.dumps({"listusersresponse": error})
    quiet = sscli("listUsers")

    debugged = sscli("--debug", "listUsers")

    assert debugged.code == quiet.code == ExitCode.API_ERROR
    assert "Traceback" not in debugged.err
    trace, error = debugged.err[: -len(quiet.err)], debugged.err[-len(quiet.err) :]
    assert error == quiet.err and quiet.err.startswith("Error 530")
    assert re.fullmatch(DEBUG_TRACE, trace), debugged.err
    assert sim.apikey not in trace and "'signature': '***'" in trace


@pytest.mark.parametrize(
    "words",
    [["listZones", "nosuch"], ["--profile", "nosuch", "listZones"], ["wait"]],
    ids=["sscli", "config", "click"],
)
def test_debug_adds_no_traceback_to_a_usage_or_config_error(sscli, sim, words):
    result = sscli("--debug", *words)

    assert result.code in (ExitCode.USAGE, ExitCode.CONFIG)
    assert len(result.err.splitlines()) == 1, result.err


def test_ctrl_c_during_a_call_exits_130_in_one_line(tmp_path):
    arrived, release = threading.Event(), threading.Event()

    def hold(request: Received) -> bytes:
        arrived.set()
        release.wait(30)
        return answer(200, b'{"listzonesresponse":{}}', "application/json")

    with LocalServer(hold) as server:
        config.save_profile(
            "held",
            {"url": server.url, "apikey": "k", "secretkey": "s"},
            make_current=True,
        )
        call = subprocess.Popen(
            [sys.executable, "-m", "sscli", "listZones"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert arrived.wait(30), "the call never reached the server"
            call.send_signal(signal.SIGINT)
            out, err = call.communicate(timeout=30)
        finally:
            release.set()
            call.kill()
    assert call.returncode == ExitCode.INTERRUPTED
    assert err == "Interrupted.\n" and out == ""
