"""The json format: exactly the response, numbers as sent, fast C encoder compact."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from _render_helpers import load_response, run_render

from sscli.render import json_format
from sscli.render.json_format import dumps_json

EXACT_NUMBERS = {
    "big": 2**64 + 1,
    "negative_big": -(2**80),
    "ratio": Decimal("0.75"),
    "kept_zero": Decimal("1.50"),
    "huge": Decimal("1E+400"),
    "negative_zero": Decimal("-0.0"),
    "tiny": Decimal("1E-400"),
    "many_digits": Decimal("3.14159265358979323846264338327950288"),
}


def parse(text: str):
    return json.loads(text, parse_float=Decimal)


def test_numbers_come_out_exactly_as_parsed():
    out = run_render({"virtualmachine": [EXACT_NUMBERS]}, "json").out

    assert '"big": 18446744073709551617' in out
    assert '"negative_big": -1208925819614629174706176' in out
    assert '"ratio": 0.75' in out
    assert '"kept_zero": 1.50' in out
    assert '"huge": 1E+400' in out
    assert '"negative_zero": -0.0' in out
    assert '"tiny": 1E-400' in out
    assert '"many_digits": 3.14159265358979323846264338327950288' in out
    assert parse(out) == {"virtualmachine": [EXACT_NUMBERS]}


def test_compact_is_one_line_with_the_same_exact_numbers():
    out = run_render(EXACT_NUMBERS, "json", compact=True).out

    assert out.count("\n") == 1 and out.endswith("\n")
    assert '"kept_zero":1.50,' in out
    assert [str(value) for value in parse(out).values()] == [
        str(value) for value in EXACT_NUMBERS.values()
    ]


def test_output_is_the_unwrapped_response_indented_by_two():
    response = load_response("libcloud-listVirtualMachines_default.json")

    out = run_render(response, "json").out

    assert parse(out) == response
    assert out.startswith('{\n  "virtualmachine": [\n    {\n      "id": 2600,')


def test_unicode_is_written_as_is():
    data = {"name": "東京 🚀", "note": "naïve"}

    out = run_render(data, "json").out

    assert "東京 🚀" in out and "naïve" in out and "\\u" not in out


def test_a_string_holding_the_placeholder_nonce_does_not_corrupt_numbers(monkeypatch):
    monkeypatch.setattr(json_format._Placeholders, "nonce", "decimal-fixed-")
    monkeypatch.setattr(
        json_format._Placeholders, "pattern", re.compile(r'"decimal-fixed-(\d+)"')
    )
    data = {"trap": "decimal-fixed-0", "price": Decimal("2.50"), "list": ["x"]}

    text = dumps_json(data)

    assert parse(text) == data
    assert '"trap": "decimal-fixed-0"' in text and '"price": 2.50' in text


def test_empty_results_are_still_valid_json():
    for data, expected in (({}, "{}\n"), ([], "[]\n"), (None, "null\n")):
        rendered = run_render(data, "json")
        assert (rendered.out, rendered.err) == (expected, "")


def test_thousands_of_rows_round_trip_exactly():
    response = load_response(
        "cloudstack-go-VirtualMachineService.json", "listVirtualMachines"
    )
    template = response["virtualmachine"][0]
    rows = [
        dict(template, id=f"vm-{n}", cpuused=Decimal(f"{n}.10")) for n in range(3000)
    ]
    data = {"count": len(rows), "virtualmachine": rows}

    for compact in (False, True):
        assert parse(dumps_json(data, compact=compact)) == data


COMPACT_SHAPES = [
    {"count": 2, "virtualmachine": [EXACT_NUMBERS, {"name": "東京 🚀", "nic": [{}]}]},
    {"count": 0, "virtualmachine": [], "note": None},
    [EXACT_NUMBERS, [Decimal("1.50"), "x"], {}],
    {},
    [],
    Decimal("1E+400"),
    "東京",
    {1: "an int key, as a query can make"},
]


def test_compact_written_row_by_row_is_the_whole_text():
    for data in COMPACT_SHAPES:
        out = run_render(data, "json", compact=True).out
        assert out == dumps_json(data, compact=True) + "\n"


def test_compact_writes_the_big_list_a_row_at_a_time():
    class Writes(list):
        def write(self, text: str) -> None:
            self.append(text)

    rows = [{"id": f"vm-{n}", "cpuused": Decimal(f"{n}.10")} for n in range(1000)]
    writes = Writes()
    json_format.write_compact({"count": len(rows), "virtualmachine": rows}, writes)
    longest_row = max(len(dumps_json(row, compact=True)) for row in rows)
    assert max(len(text) for text in writes) <= longest_row + 1  # and its comma
    assert parse("".join(writes))["virtualmachine"] == rows
