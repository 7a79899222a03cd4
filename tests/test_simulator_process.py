"""`sscli simulator --detach` and `--stop`: one background simulator, reused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sscli import config, simulator_process
from sscli.errors import ExitCode


@pytest.fixture
def detached(sscli):
    """Run a test that starts detached simulators; stop whatever is left."""
    yield sscli
    simulator_process.stop()


def announced(result) -> dict[str, str]:
    lines = result.err.splitlines()
    return {"first": lines[0], "apikey": lines[1].removeprefix("apikey: ")}


def test_stop_with_nothing_running_is_a_note(sscli):
    result = sscli("simulator", "--stop")
    assert (result.code, result.err) == (0, "No simulator running.\n")


def test_detach_twice_reuses_the_running_simulator(detached):
    first = detached("simulator", "--detach", "--vms", "5")
    assert first.code == 0, first.err
    running = simulator_process.running()
    assert running is not None and running.vms == 5
    assert announced(first)["first"].startswith(
        f"CloudStack simulator started at {running.url} with 5 VMs"
    )

    again = detached("simulator", "--detach")
    assert again.code == 0, again.err
    assert announced(again)["first"].startswith(
        f"CloudStack simulator already running at {running.url} with 5 VMs"
    )
    assert simulator_process.running() == running  # same process, same keys

    listed = detached("-p", "simulator", "listVirtualMachines", "-o", "json")
    assert listed.code == 0, listed.err
    assert json.loads(listed.out)["count"] == 5

    assert detached("simulator", "--stop").err == "Simulator stopped.\n"
    assert simulator_process.running() is None
    assert detached("simulator", "--stop").err == "No simulator running.\n"


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--vms", "6"], "--vms"),
        (["--page-size", "7"], "--page-size"),
        (["--port", "1", "--vms", "6"], "--port and --vms"),
    ],
)
def test_detach_with_other_options_says_to_stop_it_first(detached, options, named):
    assert detached("simulator", "--detach", "--vms", "5").code == 0
    running = simulator_process.running()
    result = detached("simulator", "--detach", *options)
    assert result.code == ExitCode.USAGE
    assert result.err == (
        f"Error: a simulator is already running at {running.url} with 5 VMs, "
        f"not the {named} asked for; stop it first: sscli simulator --stop\n"
    )
    assert simulator_process.running() == running


def test_detach_restores_the_profile_of_the_running_simulator(detached):
    detached("simulator", "--detach", "--vms", "5")
    detached("profiles", "delete", "simulator")
    assert detached("simulator", "--detach").code == 0
    assert detached("-p", "simulator", "listZones").code == 0


def test_a_stale_ready_file_is_not_a_running_simulator(detached):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    ready = config.cache_dir() / simulator_process.PID_FILE
    ready.parent.mkdir(mode=0o700, parents=True)
    ready.write_text(
        json.dumps(
            {
                "pid": gone.pid,
                "url": "http://127.0.0.1:9/client/api",
                "vms": 5,
                "page_size": 500,
                "apikey": "a",
                "secretkey": "s",
            }
        )
    )
    assert detached("simulator", "--stop").err == "No simulator running.\n"
    started = detached("simulator", "--detach", "--vms", "5")
    assert started.code == 0, started.err
    assert "simulator started at" in started.err


def test_start_shows_url_and_apikey_but_never_the_secret_key(detached):
    result = detached("simulator", "--detach", "--vms", "5")
    profile = config.resolve(profile="simulator")
    assert announced(result)["apikey"] == profile.apikey
    assert profile.secretkey not in result.out + result.err
    assert (
        "Saved profile 'simulator' with its secret key (not shown here; "
        "sscli -p simulator set shows it masked)."
    ) in result.err


def test_foreground_start_shows_url_and_apikey(sscli, monkeypatch):
    monkeypatch.setattr(
        simulator_process, "serve_until_stopped", lambda sim: sim.stop()
    )
    result = sscli("simulator", "--vms", "3")
    assert result.code == 0, result.err
    profile = config.resolve(profile="simulator")
    assert announced(result)["first"] == (
        f"CloudStack simulator started at {profile.url} with 3 VMs; Ctrl-C stops it."
    )
    assert announced(result)["apikey"] == profile.apikey
    assert profile.secretkey not in result.err


def test_the_detached_simulators_log_says_how_to_stop_it(detached):
    result = detached("simulator", "--detach", "--vms", "5")
    assert result.code == 0, result.err
    running = simulator_process.running()
    log = config.cache_dir() / simulator_process.LOG_FILE
    first = log.read_text(encoding="utf-8").splitlines()[0]
    assert first == (
        f"CloudStack simulator started at {running.url} with 5 VMs; "
        "sscli simulator --stop stops it."
    )
    assert "Ctrl-C" not in log.read_text(encoding="utf-8")
