"""Lines piped into sscli run one by one, over one connection, failures named."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading

import pytest

from sscli import batch, config
from sscli import client as client_module
from sscli.errors import ExitCode
from sscli.simulator import Simulator


def run_piped(*argv: str, lines: str) -> subprocess.CompletedProcess:
    """`printf LINES | sscli ARGV` in a child process: stdin is a pipe, not a TTY."""
    return subprocess.run(
        [sys.executable, "-m", "sscli", *argv],
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
    )


def json_documents(text: str) -> list:
    decoder, found, position = json.JSONDecoder(), [], 0
    while text[position:].strip():
        position += len(text[position:]) - len(text[position:].lstrip())
        document, position = decoder.raw_decode(text, position)
        found.append(document)
    return found


def test_every_line_prints_its_result_with_the_global_options(sim_profile):
    result = run_piped("-p", "sim", "-o", "json", lines="listZones\nlistHypervisors\n")

    assert result.returncode == 0, result.stderr
    zones, hypervisors = json_documents(result.stdout)
    assert [zone["name"] for zone in zones["zone"]] == [
        zone["name"] for zone in sim_profile.state.zones
    ]
    assert {row["name"] for row in hypervisors["hypervisor"]} >= {"KVM"}


def test_blank_lines_and_comments_are_skipped(sim_profile):
    lines = "# zones first\n\n   \nlistZones\n  # done\n"

    result = run_piped("-o", "json", lines=lines)

    assert result.returncode == 0, result.stderr
    assert len(json_documents(result.stdout)) == 1
    assert [record.params["command"] for record in sim_profile.requests] == [
        "listZones"
    ]


def test_a_leading_sscli_or_cmk_word_is_dropped(sim_profile):
    lines = "sscli listZones\ncmk list hypervisors\nsscli\n"

    result = run_piped("-o", "json", lines=lines)

    assert (result.returncode, result.stderr) == (0, "")
    assert len(json_documents(result.stdout)) == 2
    assert [record.params["command"] for record in sim_profile.requests] == [
        "listZones",
        "listHypervisors",
    ]


def test_a_line_own_options_win_over_the_global_ones(sim_profile):
    result = run_piped("-o", "json", lines="listZones filter=name -o csv\n")

    assert result.returncode == 0, result.stderr
    names = [zone["name"] for zone in sim_profile.state.zones]
    assert result.stdout.split()[:1] == ["name"]
    assert all(name in result.stdout for name in names)


def test_a_failed_line_is_named_and_the_rest_still_run(sim_profile):
    lines = "listZones\nlistVirtualMachnes\nlistHypervisors\n"

    result = run_piped("-o", "json", lines=lines)

    assert result.returncode == 2  # the unknown API's usage error
    [error] = result.stderr.splitlines()
    assert error.startswith("line 2: Error: Unknown API 'listVirtualMachnes'; ")
    assert len(json_documents(result.stdout)) == 2


def test_the_exit_code_is_the_first_failure_and_all_are_listed(sim_profile):
    lines = "listZones zoneid=x page=abc\nlistZones\nlistNothing\n"

    result = run_piped("-o", "json", lines=lines)

    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert errors[0].startswith("line 1: Error: ")
    assert errors[1].startswith("line 3: Error: Unknown API 'listNothing'")
    assert errors[2] == "Error: 2 lines failed: 1, 3"


def test_an_api_error_line_fails_with_the_api_exit_code(sim_profile):
    result = run_piped("-o", "json", lines="listZones\nstopVirtualMachine id=nope\n")

    assert result.returncode == 1
    assert result.stderr.startswith("line 2: Error 431 (")


def test_a_failed_line_holding_a_password_is_not_echoed(sim_profile):
    result = run_piped(lines="updateUser id=x password=hunter2\n")

    assert result.returncode != 0
    assert result.stderr.startswith("line 1: Error")
    assert "hunter2" not in result.stderr + result.stdout


def test_an_unclosed_quote_fails_that_line(sim_profile):
    result = run_piped("-o", "json", lines='listZones name="web\nlistZones\n')

    assert result.returncode == 2
    assert result.stderr.startswith("line 1: Error: No closing quotation")
    assert "close the quote" in result.stderr
    assert len(json_documents(result.stdout)) == 1


def test_quoted_values_reach_the_server_whole(sim_profile):
    result = run_piped(lines='listVirtualMachines keyword="web 01" -o json\n')

    assert result.returncode == 0, result.stderr
    assert sim_profile.requests[-1].params["keyword"] == "web 01"


def test_exit_ends_the_batch(sim_profile):
    result = run_piped("-o", "json", lines="listZones\nexit\nlistNothing\n")

    assert result.returncode == 0, result.stderr
    assert len(sim_profile.requests) == 1


def test_set_profile_moves_the_lines_that_follow(sim_profile):
    config.save_profile("empty", {})
    lines = "set profile empty\nlistZones\n"

    result = run_piped("-p", "sim", lines=lines)

    assert result.returncode == 3  # profile 'empty' has no url
    assert "\nline 2: Error: profile 'empty' has no url" in result.stderr
    assert sim_profile.requests == []


def test_the_shell_command_runs_piped_lines_as_a_batch(sim_profile):
    result = run_piped("-o", "json", "shell", lines="listZones\n")

    assert result.returncode == 0, result.stderr
    assert len(json_documents(result.stdout)) == 1


# -- one connection --------------------------------------------------------------


class CountingProxy:
    """A TCP relay in front of the simulator that counts the connections made."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.connections = 0
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(ACCEPT_POLL)
        self.port = self.listener.getsockname()[1]
        self.closed = threading.Event()
        self.acceptor = threading.Thread(target=self.accept, daemon=True)
        self.acceptor.start()

    def accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=relay, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        self.closed.set()
        self.acceptor.join()
        self.listener.close()
        for end in self.sockets:
            end.close()


ACCEPT_POLL = 0.1  # seconds between looks at the stop flag


def relay(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
        sink.shutdown(socket.SHUT_WR)  # pass the end of the stream on
    except OSError:  # the other side went away, or close() ran
        pass


@pytest.fixture
def counted_profile(sim_profile):
    proxy = CountingProxy(sim_profile.port)
    config.save_profile(
        "counted",
        {
            "url": f"http://127.0.0.1:{proxy.port}/client/api",
            "apikey": sim_profile.apikey,
            "secretkey": sim_profile.secretkey,
        },
    )
    yield proxy
    proxy.close()


def test_a_batch_uses_one_connection_for_all_its_lines(counted_profile):
    lines = (
        "listZones\nlistHypervisors\nlistZones filter=id\n"
        "listTemplates templatefilter=all\n"
    )

    result = run_piped("-p", "counted", "-o", "json", lines=lines)

    assert result.returncode == 0, result.stderr
    assert len(json_documents(result.stdout)) == 4
    assert counted_profile.connections == 1


def test_separate_runs_each_open_their_own_connection(counted_profile):
    """The check above can fail: without the batch, each call connects anew."""
    for _ in range(2):
        run_piped("-p", "counted", "-o", "json", "listZones", lines="")

    assert counted_profile.connections == 2


@pytest.fixture
def refused_url(monkeypatch):
    """A profile whose port nothing listens on; retries without the waits."""
    monkeypatch.setattr(client_module, "RETRY_BASE", 0.001)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config.save_profile(
        "down",
        {"url": f"http://127.0.0.1:{port}/client/api", "apikey": "k", "secretkey": "s"},
        make_current=True,
    )
    return port


def retry_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "; retrying in " in line]


def test_a_refused_server_costs_the_retries_once_per_batch(
    refused_url, capsys, monkeypatch
):
    """Lines after a refused one fail at once; a server that is back is found
    by its first attempt."""
    monkeypatch.setattr(client_module, "UNREACHABLE_MEMORY", 3600)
    came_back = []

    def lines():
        yield "listZones"
        yield "listHypervisors"
        sim = Simulator(port=refused_url, vms=1, apikey="k", secretkey="s").start()
        came_back.append(sim)
        yield "listZones"

    try:
        code = batch.run_batch(lines(), {"debug": True, "output": "json"})
    finally:
        for sim in came_back:
            sim.stop()

    err = capsys.readouterr().err
    first, rest = err.split("line 1: ", 1)
    assert code == ExitCode.NETWORK
    assert len(retry_lines(first)) == client_module.RETRIES
    assert "line 2: Error: cannot reach" in rest and retry_lines(rest) == []
    assert "line 3" not in rest
    assert [r.params["command"] for r in came_back[0].requests] == ["listZones"]


def test_the_retries_come_back_once_the_refusal_is_old(
    refused_url, capsys, monkeypatch
):
    monkeypatch.setattr(client_module, "UNREACHABLE_MEMORY", 0)

    code = batch.run_batch(["listZones", "listZones"], {"debug": True})

    assert code == ExitCode.NETWORK
    err = capsys.readouterr().err
    assert len(retry_lines(err)) == 2 * client_module.RETRIES


# -- the pieces ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (
            {"profile": "sim", "output": "json"},
            ["--profile", "sim", "--output", "json"],
        ),
        ({"no_wait": True, "debug": False, "query": None}, ["--no-wait"]),
        ({"query": "zone[0].name"}, ["--query", "zone[0].name"]),
    ],
)
def test_global_options_become_words_again(values, words):
    assert batch.option_words(values) == words


@pytest.mark.parametrize(
    "line",
    [
        "set secretkey abc",
        "SET SecretKey abc",
        "set password pw",
        "updateUser id=1 password=pw",
        "updateUser id=1 currentpassword=pw",
        "-p x set secretkey abc",
        "uploadSslCert certificate=@c.pem privatekey=@k.pem",
        "addCluster zoneid=z vsmpassword=pw",
        "set apikey AKEY",
    ],
)
def test_lines_that_hold_secrets_are_recognised(line):
    assert batch.is_secret(line)


@pytest.mark.parametrize(
    "line",
    ["listVirtualMachines keyword=web", "listTemplates passwordenabled=true"],
)
def test_ordinary_lines_are_not_secret(line):
    assert not batch.is_secret(line)
