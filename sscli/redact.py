"""What counts as a secret, and hiding secrets in what sscli shows.

One rule for names and one function for text, so that --debug, the choice of a
POST and every error line that quotes the server agree on what must not be seen.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from sscli.signing import encode_value

MASK = "***"
# Any name holding one of these is secret: currentpassword, vsmpassword,
# usersecretkey, details[0].password, privatekey of uploadSslCert ...
SECRET_NAME_PARTS = ("password", "secret", "privatekey")
SECRET_NAMES = frozenset({"apikey", "userapikey", "signature", "sessionkey"})
# A flag about a password (passwordenabled=true) tells nothing secret.
NOT_SECRET_SUFFIXES = ("enabled",)
# name=value in a query string or form, and "name": "value" in JSON.
NAMED_VALUE = re.compile(r"([\w.\[\]-]+)(=|\"\s*:\s*\")([^&\s\"'<>]+)")


def is_secret_name(name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith(NOT_SECRET_SUFFIXES):
        return False
    return lowered in SECRET_NAMES or any(part in lowered for part in SECRET_NAME_PARTS)


def masked(params: dict[str, str]) -> dict[str, str]:
    """The parameters as --debug shows them."""
    return {
        name: MASK if is_secret_name(name) else value for name, value in params.items()
    }


def secret_values(params: dict[str, str]) -> list[str]:
    return [value for name, value in params.items() if is_secret_name(name) and value]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every known secret, and the value of every secret-named
    `name=value`, replaced by ***; a server or proxy may echo the request."""
    # Longest first, so that a secret holding another is hidden whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in _spellings(secret):
            text = text.replace(form, MASK)
    return NAMED_VALUE.sub(_mask_named_value, text)


def _spellings(secret: str) -> set[str]:
    """The secret as it may come back: as sent, URL-encoded, in HTML or JSON."""
    return {
        secret,
        quote(secret, safe=""),
        encode_value(secret),  # as sscli sends it
        quote_plus(secret, safe=""),
        html.escape(secret),
        json.dumps(secret)[1:-1],
    }


def _mask_named_value(match: re.Match) -> str:
    name, separator, _ = match.groups()
    if not is_secret_name(name):
        return match.group()
    return f"{name}{separator}{MASK}"
