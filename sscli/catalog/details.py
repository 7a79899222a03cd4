"""The full description of one API, read only when someone asks for help.

Descriptions and response fields make up most of the catalog; an ordinary call
never loads them (see Catalog.api).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field

from sscli.errors import ConfigError


@dataclass
class Param:
    name: str
    type: str
    required: bool
    description: str = ""
    length: int | None = None
    since: str = ""
    related: list[str] = field(default_factory=list)


@dataclass
class ResponseField:
    name: str
    type: str
    description: str = ""
    fields: list[ResponseField] = field(default_factory=list)


@dataclass
class Api:
    name: str
    isasync: bool
    description: str = ""
    since: str = ""
    params: list[Param] = field(default_factory=list)
    response: list[ResponseField] = field(default_factory=list)
    related: list[str] = field(default_factory=list)

    @property
    def required(self) -> list[Param]:
        return [param for param in self.params if param.required]

    @property
    def optional(self) -> list[Param]:
        return [param for param in self.params if not param.required]


def api_from_entry(entry: dict) -> Api:
    """One element of listApis' `api` list, as an Api; params sorted by name."""
    params = [_param_from_entry(item) for item in entry.get("params") or []]
    return Api(
        name=entry["name"],
        isasync=bool(entry.get("isasync")),
        description=_text(entry.get("description")),
        since=_text(entry.get("since")),
        params=sorted(params, key=lambda param: param.name),
        response=_fields_from_entries(entry.get("response") or []),
        related=_split_names(entry.get("related")),
    )


def _param_from_entry(item: dict) -> Param:
    length = item.get("length")
    return Param(
        name=item.get("name", ""),
        type=item.get("type") or "string",
        required=bool(item.get("required")),
        description=_text(item.get("description")),
        length=length if isinstance(length, int) else None,
        since=_text(item.get("since")),
        related=_split_names(item.get("related")),
    )


def _fields_from_entries(items: list[dict]) -> list[ResponseField]:
    fields = [
        ResponseField(
            name=item.get("name", ""),
            type=item.get("type") or "",
            description=_text(item.get("description")),
            fields=_fields_from_entries(item.get("response") or []),
        )
        for item in items
        if item.get("name")  # listApis has nameless {} entries: nothing to show
    ]
    return sorted(fields, key=lambda response_field: response_field.name)


def _split_names(text) -> list[str]:
    if not isinstance(text, str):
        return []
    return list(dict.fromkeys(name for name in text.split(",") if name))


def _text(value) -> str:
    return " ".join(str(value).split()) if value else ""


def read_answer(path: str) -> dict:
    """A stored listApis answer ({"count": N, "api": [...]}), gzip-compressed."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read the API catalog {path}: {err}") from None


def read_details(path: str, name: str) -> dict | None:
    """One API's entry from a details file (format in build.py); None if absent."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            text = handle.read()
        start = text.find(f"\n{name}\t")
        if start < 0:
            return None
        start += len(name) + 2
        return json.loads(text[start : text.find("\n", start)])
    except (OSError, ValueError) as err:
        raise ConfigError(
            f"cannot read the API details {path}: {err}; run `sscli sync`"
        ) from None
