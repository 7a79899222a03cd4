"""Shared fixtures: every test gets its own config and cache dir."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# A real 4.18 server's listApis answer, the source of the bundled catalog files.
LISTAPIS_418 = DATA / "listApis-4.18.json.gz"
ISOLATED_ENV = (
    "SSCLI_PROFILE",
    "SSCLI_URL",
    "SSCLI_APIKEY",
    "SSCLI_SECRETKEY",
    "SSCLI_OUTPUT",
    "CLOUDSTACK_ENDPOINT",
    "CLOUDSTACK_KEY",
    "CLOUDSTACK_SECRET",
    "NO_COLOR",
)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Point config and cache at a tmp dir and drop the user's sscli variables."""
    monkeypatch.setenv("SSCLI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SSCLI_CACHE_DIR", str(tmp_path / "cache"))
    for name in ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def load_data(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def sscli(capsys):
    """Run the real command line in-process: sscli("listZones", "-o", "json")."""
    from sscli.cli import run

    def invoke(*argv: str) -> Result:
        code = run(list(argv))
        captured = capsys.readouterr()
        return Result(int(code), captured.out, captured.err)

    return invoke


@pytest.fixture(scope="session")
def shared_sim():
    """One simulator for read-only tests; tests that change state start their own."""
    from sscli.simulator import Simulator

    with Simulator(vms=40, job_seconds=0.2) as sim:
        yield sim


def save_simulator_profile(name: str, sim):
    """`sim` saved as the current profile `name`, its request log cleared."""
    from sscli import config

    config.save_profile(
        name,
        {"url": sim.url, "apikey": sim.apikey, "secretkey": sim.secretkey},
        make_current=True,
    )
    sim.clear_requests()
    return sim


@pytest.fixture
def simulator_profile():
    """Saves a simulator as the current profile: simulator_profile(name, sim)."""
    return save_simulator_profile


@pytest.fixture
def sim_profile(shared_sim, monkeypatch):
    """The shared simulator saved as the current profile 'sim'."""
    return save_simulator_profile("sim", shared_sim)
