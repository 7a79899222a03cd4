"""JMESPath queries on a response; imported only when a query is given.

JMESPath type-checks by Python type name and knows int and float, not the Decimal
types our numbers are parsed as, so its functions are taught that they are numbers.
Its literals (`1.5`) are floats, which Python will not add to a Decimal: sum and avg
turn them into Decimals first. to_number and to_string are taught the same.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jmespath
from jmespath import functions
from jmespath.exceptions import (
    ArityError,
    JMESPathError,
    UnknownFunctionError,
    VariadictArityError,
)

from sscli.errors import UsageError
from sscli.numbers import DECIMAL_TYPES
from sscli.render.json_format import dumps_json

JMESPATH_HELP = "https://jmespath.org/specification.html"
# jmespath lets these through from a bad expression: TypeError for `memory > 'a'`
# (a number ordered against a string), ValueError for the slice step 0 in `vm[::0]`
QUERY_ERRORS = (JMESPathError, TypeError, ValueError)
DECIMAL_NAMES = tuple(kind.__name__ for kind in DECIMAL_TYPES)


def _with_decimal(type_names: Any) -> Any:
    return (*type_names, *DECIMAL_NAMES) if "float" in type_names else type_names


def _as_decimals(numbers: list) -> list:
    """Float literals as Decimals when the numbers hold a Decimal (1.5 -> 1.5 exactly
    as written: repr is the shortest text that reads back as the float)."""
    if not any(isinstance(number, Decimal) for number in numbers):
        return numbers
    return [
        Decimal(repr(number)) if isinstance(number, float) else number
        for number in numbers
    ]


class DecimalFunctions(functions.Functions):
    """JMESPath's built-in functions, with Decimal accepted wherever a float is."""

    def _get_allowed_pytypes(self, types):
        allowed, subtypes = super()._get_allowed_pytypes(types)
        return _with_decimal(allowed), [_with_decimal(names) for names in subtypes]

    def _convert_to_jmespath_type(self, pyobject):
        if pyobject in DECIMAL_NAMES:
            return "number"
        return super()._convert_to_jmespath_type(pyobject)

    @functions.signature({"types": []})
    def _func_type(self, arg):
        if isinstance(arg, Decimal):
            return "number"
        return super()._func_type(arg)

    @functions.signature({"types": ["array-number"]})
    def _func_sum(self, arg):
        return sum(_as_decimals(arg))

    @functions.signature({"types": ["array-number"]})
    def _func_avg(self, arg):
        return sum(_as_decimals(arg)) / len(arg) if arg else None

    @functions.signature({"types": []})
    def _func_to_number(self, arg):
        if isinstance(arg, Decimal):  # the stdlib's would cut 1.25 to int 1
            return arg
        return super()._func_to_number(arg)

    @functions.signature({"types": []})
    def _func_to_string(self, arg):
        if isinstance(arg, str):
            return arg
        return dumps_json(arg, compact=True)  # numbers as numbers, as sent


QUERY_FUNCTIONS = DecimalFunctions()
QUERY_OPTIONS = jmespath.Options(custom_functions=QUERY_FUNCTIONS)


def compile_query(query: str) -> Any:
    """The parsed query, refused now if it can only fail: bad syntax, an unknown
    function, a wrong number of arguments, a slice step of 0. jmespath itself
    finds the last three only when it reaches them in the data."""
    try:
        compiled = jmespath.compile(query)
        _check_node(compiled.parsed)
    except QUERY_ERRORS as error:
        raise _bad_query(query, error) from error
    return compiled


def apply_query(data: Any, compiled: Any) -> Any:
    """The query's result (any JSON value); an error on this data is a UsageError."""
    try:
        return compiled.search(data, options=QUERY_OPTIONS)
    except QUERY_ERRORS as error:
        raise _bad_query(compiled.expression, error) from error


def _bad_query(query: str, error: Exception) -> UsageError:
    message = " ".join(str(error).split())
    return UsageError(f"Bad query {query!r}: {message}. Syntax: {JMESPATH_HELP}")


def _check_node(node: Any) -> None:
    """Raise jmespath's own error for what would fail wherever it is evaluated."""
    if not isinstance(node, dict):
        return
    children = node.get("children", [])
    if node["type"] == "function_expression":
        _check_call(node["value"], len(children))
    elif node["type"] == "slice" and children[2] == 0:
        raise ValueError("slice step cannot be zero")  # jmespath's words
    for child in children:
        _check_node(child)


def _check_call(name: str, given: int) -> None:
    spec = QUERY_FUNCTIONS.FUNCTION_TABLE.get(name)
    if spec is None:
        raise UnknownFunctionError(f"Unknown function: {name}()")
    signature = spec["signature"]
    if signature and signature[-1].get("variadic"):
        if given < len(signature):
            raise VariadictArityError(len(signature), given, name)
    elif given != len(signature):
        raise ArityError(len(signature), given, name)
