"""The string to sign and its HMAC, exactly as the management server verifies it.

The server (ApiServer.verifyRequest) takes every parameter but `signature`, sorts
the names case-sensitively as sent, appends `name=` + URLEncoder.encode(value)
with `+` turned into `%20`, joins with `&`, lower-cases the whole string and
compares HMAC(secretkey, that string) in base64 with the signature it was sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

SIGNATURE_VERSION = "3"
EXPIRES_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"
DEFAULT_EXPIRY_SECONDS = 600

ALGORITHMS = {"hmacsha1": hashlib.sha1, "hmacsha512": hashlib.sha512}


def encode_value(value: str) -> str:
    """Encode one value like Java's URLEncoder, with space as %20.

    Java keeps only A-Z a-z 0-9 . - * _ ; Python's quote also keeps `~`, which
    Java encodes, so it is put right afterwards.
    """
    return quote(value, safe="*").replace("~", "%7E")


def string_to_sign(params: dict[str, str]) -> str:
    pairs = (
        f"{name}={encode_value(params[name])}"
        for name in sorted(params)
        if name.lower() != "signature"  # the server skips it in any case
    )
    return "&".join(pairs).lower()


def signature(
    params: dict[str, str], secretkey: str, algorithm: str = "hmacsha1"
) -> str:
    digest = ALGORITHMS[algorithm.lower()]
    mac = hmac.new(secretkey.encode(), string_to_sign(params).encode(), digest)
    return base64.b64encode(mac.digest()).decode()


def expires_at(
    seconds: int = DEFAULT_EXPIRY_SECONDS, now: datetime | None = None
) -> str:
    moment = (now or datetime.now(timezone.utc)) + timedelta(seconds=seconds)
    return moment.astimezone(timezone.utc).strftime(EXPIRES_FORMAT)


def signed_params(
    params: dict[str, str],
    apikey: str,
    secretkey: str,
    algorithm: str = "hmacsha1",
    expires: str | None = None,
) -> dict[str, str]:
    """Return a new dict: params plus apikey, signatureVersion, expires, signature."""
    signed = dict(params)
    signed["apikey"] = apikey
    signed["signatureVersion"] = SIGNATURE_VERSION
    signed["expires"] = expires or expires_at()
    signed["signature"] = signature(signed, secretkey, algorithm)
    return signed


def urlencode(params: dict[str, str]) -> str:
    """The wire form: names and values encoded alike, the server decodes both."""
    return "&".join(f"{encode_value(k)}={encode_value(v)}" for k, v in params.items())
