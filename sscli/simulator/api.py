"""What every handler shares: the call, the server's errors, parameters, paging.

Error texts and codes follow the management server: 431 for a bad or missing
parameter, 432 for an unknown command, 530 for an internal error.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from .state import Cloud, Row

# The bundled details file holds every API's listApis entry, one a line (format
# in sscli/catalog/build.py): the whole answer, without shipping it twice.
CATALOG_RESOURCE = "data/details-4.18.gz"
PARAM_ERROR = 431
UNKNOWN_COMMAND = 432
INTERNAL_ERROR = 530
CS_INVALID_PARAMETER = 4350  # InvalidParameterValueException
CS_GENERIC = 9999  # ServerApiException and anything unmapped
UNLIMITED_PAGE_SIZE = -1
MAP_PARAM = re.compile(r"([a-z0-9_]+)\[(\d+)\]\.([a-z0-9_]+)")


class Knobs(Protocol):
    """The simulator settings a handler may read; tests change them live."""

    default_page_size: int
    repeat_page: bool
    job_seconds: float
    fail_jobs: bool


class ApiError(Exception):
    def __init__(self, errorcode: int, errortext: str, cserrorcode: int = CS_GENERIC):
        super().__init__(errortext)
        self.errorcode = errorcode
        self.errortext = errortext
        self.cserrorcode = cserrorcode


@dataclass
class Call:
    command: str
    params: dict[str, str]  # names lower-cased, as the dispatcher matches them
    cloud: Cloud
    knobs: Knobs

    def get(self, name: str) -> str | None:
        return self.params.get(name)


Handler = Callable[[Call], Row]
HANDLERS: dict[str, Handler] = {}


def handler(command: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[command] = function
        return function

    return register


@functools.cache
def load_catalog() -> dict[str, Any]:
    """The bundled listApis answer: {"count": 705, "api": [...]}, by name."""
    data = resources.files("sscli").joinpath(CATALOG_RESOURCE).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()[1:]  # after the header
    apis = [json.loads(line.split("\t", 1)[1]) for line in lines if line]
    return {"count": len(apis), "api": apis}


@functools.cache
def catalog_by_name() -> dict[str, dict[str, Any]]:
    return {api["name"]: api for api in load_catalog()["api"]}


def missing_parameter(command: str, name: str) -> ApiError:
    text = (
        f"Unable to execute API command {command.lower()} "
        f"due to missing parameter {name}"
    )
    return ApiError(PARAM_ERROR, text)


def invalid_value(command: str, name: str, value: str) -> ApiError:
    text = (
        f"Unable to execute API command {command.lower()} due to invalid value. "
        f"Invalid parameter {name} value={value} due to incorrect long value "
        "format, or entity does not exist or due to incorrect parameter "
        "annotation for the field in api cmd class."
    )
    return ApiError(PARAM_ERROR, text, CS_INVALID_PARAMETER)


def check_parameters(call: Call, known_ids: set[str]) -> None:
    """Required parameters present and uuid parameters naming a real object."""
    api = catalog_by_name()[call.command]
    for param in api["params"]:
        name = param["name"]
        if param.get("required") and not has_parameter(call.params, name):
            raise missing_parameter(call.command, name)
        value = call.params.get(name)
        if value is not None and param.get("type") == "uuid" and value not in known_ids:
            raise invalid_value(call.command, name, value)


def has_parameter(params: dict[str, str], name: str) -> bool:
    return name in params or any(key.startswith(f"{name}[") for key in params)


def get_int(call: Call, name: str) -> int | None:
    value = call.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid_value(call.command, name, value) from None


def get_bool(call: Call, name: str, default: bool = False) -> bool:
    value = call.get(name)
    return default if value is None else value.lower() == "true"


def get_list(call: Call, name: str) -> list[str]:
    value = call.get(name) or ""
    return [item for item in value.split(",") if item]


def get_map(call: Call, name: str) -> list[dict[str, str]]:
    """tags[0].key=a&tags[0].value=b -> [{"key": "a", "value": "b"}], by index."""
    entries: dict[int, dict[str, str]] = {}
    for key, value in call.params.items():
        match = MAP_PARAM.fullmatch(key)
        if match and match.group(1) == name:
            entries.setdefault(int(match.group(2)), {})[match.group(3)] = value
    return [entries[index] for index in sorted(entries)]


def select_page(call: Call, rows: list[Row]) -> list[Row]:
    """The rows of the asked page, with the server's checks and defaults."""
    page = get_int(call, "page")
    pagesize = get_int(call, "pagesize")
    limit = call.knobs.default_page_size
    if pagesize == UNLIMITED_PAGE_SIZE:
        if page is not None:
            raise page_error(
                "Can't specify page parameter when pagesize is -1 (Unlimited)"
            )
        return rows
    if pagesize is not None and pagesize > limit:
        raise page_error(f"Page size can't exceed max allowed page size value: {limit}")
    if pagesize is not None and pagesize < 1:
        raise page_error(f"Invalid pagesize value {pagesize}; use 1 to {limit} or -1")
    if page is not None and page < 1:
        raise page_error(f"Invalid page value {page}; pages start at 1")
    size = pagesize or limit
    number = 1 if call.knobs.repeat_page else (page or 1)
    start = (number - 1) * size
    return rows[start : start + size]


def page_error(text: str) -> ApiError:
    return ApiError(PARAM_ERROR, text, CS_INVALID_PARAMETER)


def list_response(call: Call, noun: str, rows: list[Row]) -> Row:
    """{"count": total, noun: page}; the server leaves out what is empty."""
    page = select_page(call, rows)
    response: Row = {}
    if rows:
        response["count"] = len(rows)
    if page:
        response[noun] = page
    return response


def match_fields(rows: list[Row], call: Call, fields: dict[str, str]) -> list[Row]:
    """Keep rows whose field equals each given filter parameter (param -> field)."""
    wanted = {
        field: call.params[param]
        for param, field in fields.items()
        if param in call.params
    }
    return [
        row
        for row in rows
        if all(
            str(row.get(field, "")).lower() == value.lower()
            for field, value in wanted.items()
        )
    ]


def match_keyword(rows: list[Row], call: Call, fields: tuple[str, ...]) -> list[Row]:
    keyword = (call.get("keyword") or "").lower()
    if not keyword:
        return rows
    return [
        row
        for row in rows
        if any(keyword in str(row.get(field, "")).lower() for field in fields)
    ]
