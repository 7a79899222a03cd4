"""Helpers for the render tests: real responses, a fake terminal, captured output."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from sscli.numbers import parse_number
from sscli.render import render

RESPONSES = Path(__file__).parent / "data" / "responses"


def load_response(name: str, api: str | None = None):
    """The unwrapped response in a copied file, numbers parsed as the client does.

    Files from the curated set keep the wire body under "body"; cloudstack-go files
    hold one response per API name (pass api).
    """
    text = (RESPONSES / name).read_text(encoding="utf-8")
    document = json.loads(text, parse_float=parse_number)
    if api:
        document = document[api]
    body = document.get("body", document)
    (response,) = body.values()
    return response


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal, as sys.stdout does in a shell."""

    def isatty(self) -> bool:
        return True


@dataclass
class Rendered:
    out: str
    err: str


def run_render(data, fmt: str, terminal: bool = False, **options) -> Rendered:
    out = FakeTerminal() if terminal else io.StringIO()
    err = io.StringIO()
    render(data, fmt, out=out, err=err, **options)
    return Rendered(out.getvalue(), err.getvalue())
