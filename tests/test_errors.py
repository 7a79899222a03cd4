"""Each failure class: one line on stderr, a named exit code, no secret shown."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess

import pytest
from conftest import load_data

from sscli import client as client_module
from sscli import config
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


def test_refused_connection(sscli, fast_retries):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/client/api"
    config.save_profile(
        "dead", {"url": url, "apikey": "k", "secretkey": "SECRET"}, make_current=True
    )
    result = sscli("listZones")
    assert result.code == ExitCode.NETWORK
    assert one_line(result) == f"Error: cannot reach {url}: connection refused"


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


@pytest.fixture
def tls_sim(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
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
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with Simulator(vms=3, ssl_context=context) as server:
        config.save_profile(
            "tls",
            {"url": server.url, "apikey": server.apikey, "secretkey": server.secretkey},
            make_current=True,
        )
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
