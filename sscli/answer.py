"""From an HTTP answer to the object inside it, or the error that it is.

CloudStack wraps every answer in one `<command>response` object (or
`errorresponse`), and an error holds errorcode, cserrorcode and errortext.
Whatever a message quotes from an answer passes through Origin.shown first,
which hides the request's secrets should a server or a proxy echo them.
"""

from __future__ import annotations

import json
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from requests.structures import CaseInsensitiveDict

from sscli import redact
from sscli.errors import HTTP_ERROR, APIError, BadResponseError
from sscli.numbers import parse_number

REDIRECT_STATUSES = range(300, 400)
RESPONSE_SUFFIX = "response"  # listzonesresponse, errorresponse, ...
BODY_EXCERPT = 80  # characters of a body that is not CloudStack JSON, in its error
EXCERPT_SOURCE = 2**16  # bytes searched for secrets before the excerpt is cut


class Reply(NamedTuple):
    """One HTTP answer, its body read whole (and capped) by the client."""

    status_code: int
    headers: CaseInsensitiveDict
    content: bytes


class Origin(NamedTuple):
    """Where an answer came from, and the secrets no message quoting it may show."""

    endpoint: str
    secrets: tuple[str, ...] = ()

    def shown(self, text: str) -> str:
        return redact.redact(text, self.secrets)


def unwrap(command: str, reply: Reply, origin: Origin) -> dict:
    """The object inside the answer; raise the error it is, or that it is not one."""
    if reply.status_code in REDIRECT_STATUSES:
        raise _redirected(reply, origin)
    inner = _decode(reply, origin)
    _check_error(command, reply.status_code, inner, origin)
    return inner


def shown_url(url: str) -> str:
    """The URL without query or credentials, safe to show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _redirected(reply: Reply, origin: Origin) -> BadResponseError:
    location = reply.headers.get("Location")
    if not location:
        target = "nowhere (no Location)"
    else:
        # Without its query, which may repeat the signed request.
        target = origin.shown(shown_url(urljoin(origin.endpoint, location)))
    return BadResponseError(
        f"{origin.endpoint} answered HTTP {reply.status_code} redirecting to "
        f"{target}; sscli does not follow redirects: if that is the API, "
        f"set the url to it (sscli set url URL)"
    )


def _decode(reply: Reply, origin: Origin) -> dict:
    try:
        body = json.loads(reply.content, parse_float=parse_number)
    except ValueError:
        body = None
    except RecursionError:
        raise BadResponseError(
            f"{origin.endpoint} answered HTTP {reply.status_code} with JSON "
            "nested too deeply to read; no CloudStack answer is"
        ) from None
    inner = _answer_object(body)
    if inner is None:
        kind = reply.headers.get("Content-Type", "no content type").split(";")[0]
        raise BadResponseError(
            f"{origin.endpoint} answered HTTP {reply.status_code} with {kind}, "
            f"not CloudStack JSON: {_excerpt(reply.content, origin)}"
        )
    return inner


def _answer_object(body) -> dict | None:
    """CloudStack wraps every answer in one object named <command>response (or
    a name of its own, e.g. postuploadtemplateresponse); anything else is not
    from CloudStack, even when it is JSON."""
    if not isinstance(body, dict) or len(body) != 1:
        return None
    ((key, inner),) = body.items()
    if not key.endswith(RESPONSE_SUFFIX) or not isinstance(inner, dict):
        return None
    return inner


def _excerpt(content: bytes, origin: Origin) -> str:
    text = content[:EXCERPT_SOURCE].decode("utf-8", errors="replace")
    # Hidden before the cut, so that no secret is left half shown.
    flat = " ".join(origin.shown(text).split())
    if not flat:
        return "(empty body)"
    return flat[:BODY_EXCERPT] + ("…" if len(flat) > BODY_EXCERPT else "")


def _check_error(command: str, status: int, inner: dict, origin: Origin) -> None:
    if "errorcode" in inner or "errortext" in inner:
        raise APIError(
            command,
            _as_int(inner.get("errorcode")),
            origin.shown(str(inner.get("errortext", ""))),
            _as_int(inner.get("cserrorcode")),
            status,
        )
    if status >= HTTP_ERROR:
        raise APIError(command, status, f"HTTP {status} without an error text")


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
