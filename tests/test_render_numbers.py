"""Numbers as the server spelled them, in every format, and still numbers in queries.

The body is what CloudStack's Gson writes: Java doubles via Double.toString
(1.0E10, 4.5E-4, 1.2345678E7, -0.0, 0.75) and longs past 2**63, beside exponents
as other JSON writers spell them (1e5); it is served over real HTTP.
"""

from __future__ import annotations

import json
import pickle
import re
from decimal import Decimal

import pytest
from _render_helpers import run_render

from sscli import config
from sscli.errors import ExitCode
from sscli.numbers import SpelledDecimal, parse_number
from sscli.render import FORMATS
from sscli.simulator import Simulator

JAVA_HOSTS = """{"listhostsresponse":{"count":2,"host":[
{"id":"c89da11b-6239-4bc7-8176-2741bab9f87f","name":"kvm-zh1-01",
 "cpuloadaverage":4.5E-4,"memorytotal":1.0E10,"cpuspeed":1.2345678E7,
 "networkkbsread":18446744073709551617,"overprovisioning":0.75},
{"id":"5d0b7b8a-0f64-4a43-9d1c-1f3f0e1f6f5b","name":"kvm-zh1-02",
 "cpuloadaverage":-0.0,"memorytotal":1e5,"cpuspeed":2e2,
 "networkkbsread":-9223372036854775809,"overprovisioning":1e-7}
]}}"""
SPELLINGS = [
    "1.0E10",
    "4.5E-4",
    "1.2345678E7",
    "1e5",
    "1e-7",
    "2e2",
    "1E+400",
    "-0.0",
    "0.75",
    "1.50",
    "0.0000001",
    "123456789012345678901234567890.5",
]
NUMBER = re.compile(r"-?\d[\d.]*(?:[eE][-+]?\d+)?")


def sent_numbers(body: str) -> list[str]:
    """Every number's text in a JSON body, in order, as it is written there."""
    texts: list[str] = []
    json.loads(body, parse_float=texts.append, parse_int=texts.append)
    return texts


def host_values(key: str) -> list:
    hosts = json.loads(JAVA_HOSTS, parse_float=Decimal)["listhostsresponse"]["host"]
    return [host[key] for host in hosts]


@pytest.fixture
def java_sim():
    """A simulator that answers every call with JAVA_HOSTS, as the current profile."""
    with Simulator(vms=0) as sim:
        sim.fail_status, sim.fail_body = 200, JAVA_HOSTS
        config.save_profile(
            "java",
            {"url": sim.url, "apikey": sim.apikey, "secretkey": sim.secretkey},
            make_current=True,
        )
        yield sim


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_numbers_as_the_server_spelled_them(sscli, java_sim, fmt):
    result = sscli("listHosts", "-o", fmt)

    assert result.code == 0, result.err
    shown = NUMBER.findall(result.out)
    for text in sent_numbers(JAVA_HOSTS)[1:]:  # [0] is the count, not a host
        assert text in shown, f"{text} is not shown as sent in {fmt}"
        respelled = str(Decimal(text))  # 1.0E+10, 0.00045, 12345678, 1E+5
        assert respelled == text or respelled not in shown


@pytest.mark.parametrize("compact", [[], ["--compact"]])
def test_json_holds_every_number_text_of_the_body(sscli, java_sim, compact):
    result = sscli("listHosts", "-o", "json", *compact)

    assert sent_numbers(result.out) == sent_numbers(JAVA_HOSTS)


def test_a_terminal_table_and_nested_cells_keep_the_spelling():
    hosts = json.loads(JAVA_HOSTS, parse_float=parse_number)["listhostsresponse"]
    job = {"jobstatus": 1, "jobresult": {"host": hosts["host"][0]}}

    table = run_render(hosts, "table", terminal=True, color=False, width=200).out
    cell = run_render(job, "text").out

    assert {"4.5E-4", "1.0E10", "1.2345678E7", "1e5", "2e2"} <= set(
        NUMBER.findall(table)
    )
    assert '"cpuloadaverage":4.5E-4,"memorytotal":1.0E10' in cell


@pytest.mark.parametrize("text", SPELLINGS)
def test_a_parsed_number_prints_back_as_its_text_and_computes_as_its_value(text):
    number = parse_number(text)

    assert (str(number), f"{number}", number) == (text, text, Decimal(text))
    assert str(pickle.loads(pickle.dumps(number))) == text
    assert number + 1 == Decimal(text) + 1 and number * 2 == Decimal(text) * 2


def test_only_numbers_that_decimal_would_respell_carry_their_text():
    kinds = {text: type(parse_number(text)) for text in SPELLINGS}

    for text, kind in kinds.items():
        assert (kind is SpelledDecimal) == (str(Decimal(text)) != text)
    assert kinds["1.0E10"] is SpelledDecimal and kinds["0.75"] is Decimal


def test_query_arithmetic_mixes_server_numbers_and_literals(sscli, java_sim):
    load = host_values("cpuloadaverage")

    added = sscli("listHosts", "--query", "sum([host[0].cpuloadaverage, `1.5`])")
    average = sscli(
        "listHosts",
        "--query",
        "avg([host[0].memorytotal, host[1].memorytotal, `0.5`])",
    )

    assert (added.code, added.err) == (0, "")
    assert Decimal(added.out) == load[0] + Decimal("1.5")
    memory = host_values("memorytotal")
    assert Decimal(average.out) == (sum(memory) + Decimal("0.5")) / 3


def test_query_literals_add_to_the_simulators_own_floats(sscli, sim_profile):
    first_load = sim_profile.state.hosts[0]["cpuloadaverage"]

    result = sscli("listHosts", "--query", "sum([host[0].cpuloadaverage, `1.5`])")

    assert result.code == 0, result.err
    assert Decimal(result.out) == Decimal(repr(first_load)) + Decimal("1.5")


def test_query_sorts_and_converts_server_numbers_keeping_the_spelling(sscli, java_sim):
    memory = host_values("memorytotal")
    names = host_values("name")
    by_memory = [name for _, name in sorted(zip(memory, names, strict=True))]

    sorted_names = sscli(
        "listHosts", "--query", "sort_by(host, &memorytotal)[].name", "-o", "tsv"
    )
    numbers = sscli(
        "listHosts",
        "--query",
        "[to_number(host[0].cpuloadaverage), to_string(host[0].memorytotal),"
        " max(host[].cpuspeed), type(host[1].memorytotal)]",
        "-o",
        "tsv",
    )

    assert sorted_names.out.split() == by_memory
    assert numbers.out == "4.5E-4\n1.0E10\n1.2345678E7\nnumber\n"


@pytest.mark.parametrize(
    "query", ["host[?cpuloadaverage > 'high']", "host[::0]", "sum(host[].name)"]
)
def test_a_query_that_jmespath_cannot_run_is_one_usage_line(sscli, java_sim, query):
    result = sscli("listHosts", "--query", query)

    assert result.code == ExitCode.USAGE and result.out == ""
    assert result.err.startswith(f"Error: Bad query {query!r}: ")
    assert len(result.err.splitlines()) == 1
