"""The json format, and the exact JSON text every other format uses for nested values.

Numbers were parsed as int and Decimal (see numbers.py), and a Decimal's str() is
the server's spelling, so "1.50" or "1.0E10" come back as sent. The C encoder cannot
write a Decimal, so each one is swapped for a quoted placeholder carrying a random
nonce, and the placeholders are replaced by str(Decimal) afterwards. The nonce is
counted before that: more occurrences than placeholders mean the data itself
contained it, and the text is made again with a new nonce.

CPython (3.11 here) only uses its C encoder when there is no indent; the indented
form goes through the stdlib's Python encoder, 3-4x slower (about 2 s for 20,000
VMs of 47 keys, against 0.5 s compact). It is streamed to the output so that
memory stays that of the parsed data, not of millions of joined chunks.
"""

from __future__ import annotations

import decimal
import itertools
import json
import re
import secrets
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from sscli.render.rows import Options, View

INDENT = 2
COMPACT_SEPARATORS = (",", ":")
NONCE_BYTES = 16  # 128 random bits: data that contains the nonce is not a real risk
MAX_ATTEMPTS = 5
STREAM_BATCH = 4096  # chunks joined per write when streaming indented JSON


class _Placeholders:
    """A nonce, made once per run, and the Decimals seen in one encoding."""

    nonce = ""
    pattern: re.Pattern[str]

    def __init__(self) -> None:
        self.texts: list[str] = []

    @classmethod
    def renew_nonce(cls) -> None:
        cls.nonce = "decimal-" + secrets.token_hex(NONCE_BYTES) + "-"
        cls.pattern = re.compile(f'"{cls.nonce}(\\d+)"')

    def swap(self, value: Any) -> str:
        if isinstance(value, decimal.Decimal):
            self.texts.append(str(value))
            return f"{self.nonce}{len(self.texts) - 1}"
        raise TypeError(f"cannot write {type(value).__name__} as JSON: {value!r}")

    def number(self, match: re.Match[str]) -> str:
        return self.texts[int(match[1])]

    def restore(self, text: str) -> str | None:
        """Put the numbers back; None if the nonce also occurs in the data."""
        if not self.texts:
            return text
        if text.count(self.nonce) != len(self.texts):
            return None
        return self.pattern.sub(self.number, text)


_Placeholders.renew_nonce()


def dumps_json(data: Any, compact: bool = False) -> str:
    """JSON text with Unicode as is and every number exactly as parsed."""
    for _ in range(MAX_ATTEMPTS):
        placeholders = _Placeholders()
        text = json.dumps(
            data,
            ensure_ascii=False,
            indent=None if compact else INDENT,
            separators=COMPACT_SEPARATORS if compact else None,
            default=placeholders.swap,
        )
        restored = placeholders.restore(text)
        if restored is not None:
            return restored
        _Placeholders.renew_nonce()
    raise RuntimeError("could not pick a JSON placeholder absent from the data")


def write(view: View, out: TextIO, err: TextIO, options: Options) -> None:
    if options.compact:
        write_compact(view.data, out)
        out.write("\n")
    else:
        stream_json(view.data, out)
        out.write("\n")


def write_compact(data: Any, out: TextIO) -> None:
    """dumps_json's one-line text, written a row of the top-level lists at a time.

    The whole text at once holds the C encoder's chunks, their join and the copy
    with the numbers back: 2.5x the peak of the indented form for 20,000 VMs. Row
    by row the peak is the parsed data and one row's text.
    """
    if isinstance(data, dict) and all(isinstance(key, str) for key in data):
        out.write("{")
        for number, (key, value) in enumerate(data.items()):
            out.write(("," if number else "") + dumps_json(key, compact=True) + ":")
            write_compact_value(value, out)
        out.write("}")
    else:
        write_compact_value(data, out)


def write_compact_value(value: Any, out: TextIO) -> None:
    if not isinstance(value, list):
        out.write(dumps_json(value, compact=True))
        return
    out.write("[")
    for number, item in enumerate(value):
        out.write(("," if number else "") + dumps_json(item, compact=True))
    out.write("]")


def stream_json(data: Any, out: TextIO) -> None:
    """Indented JSON written as it is made: memory stays that of the data.

    Chunks leave in batches; each batch gets its numbers back with one regex pass,
    after checking it holds exactly the placeholders swapped while it was made.
    """
    placeholders = _Placeholders()
    encoder = json.JSONEncoder(
        ensure_ascii=False, indent=INDENT, default=placeholders.swap
    )
    chunks = encoder.iterencode(data)
    restored = 0
    while batch := list(itertools.islice(chunks, STREAM_BATCH)):
        text = "".join(batch)
        swapped = len(placeholders.texts) - restored
        if swapped or placeholders.nonce in text:
            if text.count(placeholders.nonce) != swapped:
                raise RuntimeError("the data holds this run's JSON placeholder")
            text = placeholders.pattern.sub(placeholders.number, text)
            restored = len(placeholders.texts)
        out.write(text)
