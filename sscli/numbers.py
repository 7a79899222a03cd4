"""JSON numbers with a fraction or exponent: exact as Decimal, spelled as sent.

CloudStack is Java: Gson writes doubles with Double.toString, so a value can come as
1.0E10 or 4.5E-4, where str(Decimal) would give 1.0E+10 and 0.00045. A number whose
Decimal does not print back as its text becomes a SpelledDecimal, which keeps the
text for str() and the JSON writer and is an ordinary Decimal for sorting, queries
and sums. Most spellings (0.75, 1.50, -0.0) print back, and stay plain Decimals:
an instance of a Python subclass is tracked by the garbage collector, which, in
a body of hundreds of thousands of numbers, costs about a microsecond each.
Integers need none of this: Python's int keeps every digit of a JSON integer (only
-0 comes back as 0, and no Java long is -0).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class SpelledDecimal(Decimal):
    """A Decimal that prints as the server spelled it."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> SpelledDecimal:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"

    def __format__(self, spec: str, *rest: Any) -> str:  # f"{number}" is str()
        return self.text if not spec else super().__format__(spec, *rest)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return type(self), (self.text,)  # Decimal's own would pickle 1.0E+10


DECIMAL_TYPES = (Decimal, SpelledDecimal)  # exact types, for checks in hot loops


def parse_number(text: str) -> Decimal:
    """json.loads's parse_float: the number exactly, printing back as text."""
    number = Decimal(text)
    if str(number) == text:
        return number
    return SpelledDecimal(text)
