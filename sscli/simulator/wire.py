"""Bytes in and out: the request's parameters, and JSON or XML answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json; charset=UTF-8"
XML_TYPE = "text/xml; charset=UTF-8"
CLOUDSTACK_VERSION = "4.18.0.0"
AUTH_FAILED_TEXT = "unable to verify user credentials and/or request signature"


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


def parse_params(query: str, body: str, content_type: str) -> list[tuple[str, str]]:
    """Query and form body together, decoded like a servlet container does."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if content_type.split(";")[0].strip().lower() == FORM_TYPE:
        pairs += parse_qsl(body, keep_blank_values=True)
    return pairs


def duplicated_name(pairs: list[tuple[str, str]]) -> str | None:
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            return name
        seen.add(name)
    return None


def response_key(command: str | None) -> str:
    return f"{command.lower()}response" if command else "errorresponse"


def error_document(
    command: str | None, errorcode: int, errortext: str, cserrorcode: int | None = None
) -> dict[str, Any]:
    inner: dict[str, Any] = {"uuidList": [], "errorcode": errorcode}
    if cserrorcode is not None:
        inner["cserrorcode"] = cserrorcode
    inner["errortext"] = errortext
    return {response_key(command): inner}


def encode(document: dict[str, Any], status: int, as_json: bool) -> Answer:
    if as_json:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return Answer(status, body.encode("utf-8"))
    return Answer(status, encode_xml(document).encode("utf-8"), XML_TYPE)


def encode_error(
    command: str | None,
    errorcode: int,
    errortext: str,
    cserrorcode: int | None,
    as_json: bool,
) -> Answer:
    document = error_document(command, errorcode, errortext, cserrorcode)
    answer = encode(document, errorcode, as_json)
    # The server repeats the error text in a header; keep it one latin-1 line.
    one_line = " ".join(errortext.split())
    answer.headers["X-Description"] = one_line.encode("latin-1", "replace").decode(
        "latin-1"
    )
    return answer


def encode_xml(document: dict[str, Any]) -> str:
    """The server's default format: one element per field, lists repeated."""
    ((root, inner),) = document.items()
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<{root} cloud-stack-version="{CLOUDSTACK_VERSION}">',
    ]
    parts += xml_fields(inner)
    parts.append(f"</{root}>")
    return "".join(parts)


def xml_fields(value: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    for name, item in value.items():
        for element in item if isinstance(item, list) else [item]:
            parts.append(f"<{name}>{xml_value(element)}</{name}>")
    return parts


def xml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "".join(xml_fields(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))
