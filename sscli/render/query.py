"""JMESPath queries on a response; imported only when a query is given.

JMESPath type-checks by Python type name and knows int and float, not the Decimal
types our numbers are parsed as, so its functions are taught that they are numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jmespath
from jmespath import functions
from jmespath.exceptions import JMESPathError

from sscli.errors import UsageError
from sscli.render.numbers import DECIMAL_TYPES

JMESPATH_HELP = "https://jmespath.org/specification.html"
DECIMAL_NAMES = tuple(kind.__name__ for kind in DECIMAL_TYPES)


def _with_decimal(type_names: Any) -> Any:
    return (*type_names, *DECIMAL_NAMES) if "float" in type_names else type_names


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


QUERY_OPTIONS = jmespath.Options(custom_functions=DecimalFunctions())


def apply_query(data: Any, query: str) -> Any:
    """The query's result (any JSON value); a bad expression is a UsageError."""
    try:
        return jmespath.search(query, data, options=QUERY_OPTIONS)
    except (JMESPathError, TypeError) as error:  # TypeError: Decimal + float literal
        message = " ".join(str(error).split())
        raise UsageError(
            f"Bad query {query!r}: {message}. Syntax: {JMESPATH_HELP}"
        ) from error
