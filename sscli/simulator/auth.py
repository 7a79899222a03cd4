"""Request verification as the management server does it (ApiServer.verifyRequest).

Written apart from sscli.signing on purpose: the simulator exists to catch client
signing bugs, so it must not share the client's code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

# java.net.URLEncoder leaves exactly these bytes alone; everything else is %XX.
UNRESERVED = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-*_"
)
EXPIRES_PATTERN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}")
EXPIRES_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
SIGNATURE_VERSION = "3"
SESSION_TIMEOUT_SECONDS = 1800
DIGESTS = {"sha1": hashlib.sha1, "sha512": hashlib.sha512}


class AuthFailure(Exception):
    """Why a request was refused; the text goes to the log, never to the client."""


def java_urlencode(value: str) -> str:
    """URLEncoder.encode(value, "UTF-8") with "+" replaced by "%20", byte by byte."""
    out = []
    for byte in value.encode("utf-8", errors="surrogatepass"):
        if byte in UNRESERVED:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("%20")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def string_to_sign(params: dict[str, str]) -> str:
    """Every parameter but `signature`, names sorted as sent, then lower-cased."""
    names = sorted(name for name in params if name.lower() != "signature")
    joined = "&".join(f"{name}={java_urlencode(params[name])}" for name in names)
    return joined.lower()


def compute_signature(params: dict[str, str], secretkey: str, algorithm: str) -> str:
    digest = DIGESTS[algorithm]
    mac = hmac.new(secretkey.encode(), string_to_sign(params).encode(), digest)
    return base64.b64encode(mac.digest()).decode()


def param_ci(params: dict[str, str], name: str) -> str | None:
    """The server looks up apikey, signature, expires case-insensitively."""
    for key, value in params.items():
        if key.lower() == name:
            return value
    return None


def check_expires(params: dict[str, str], now: datetime | None = None) -> None:
    if param_ci(params, "signatureversion") != SIGNATURE_VERSION:
        return
    expires = param_ci(params, "expires")
    if expires is None:
        raise AuthFailure("signatureVersion=3 without expires")
    if not EXPIRES_PATTERN.fullmatch(expires):
        raise AuthFailure(f"expires {expires!r} is not yyyy-MM-ddTHH:mm:ss+0000")
    moment = datetime.strptime(expires, EXPIRES_FORMAT)
    if moment < (now or datetime.now(timezone.utc)):
        raise AuthFailure(f"request expired at {expires}")


def verify_signature(
    params: dict[str, str],
    keys: dict[str, str],
    algorithms: tuple[str, ...] = ("sha1",),
) -> None:
    """Raise AuthFailure unless the signature matches one of `algorithms`;
    `keys` maps apikey to secret."""
    signature = param_ci(params, "signature")
    apikey = param_ci(params, "apikey")
    if not signature or not apikey:
        raise AuthFailure("missing apikey or signature")
    check_expires(params)
    secretkey = keys.get(apikey)
    if secretkey is None:
        raise AuthFailure("unknown apikey")
    for algorithm in algorithms:
        expected = compute_signature(params, secretkey, algorithm)
        if hmac.compare_digest(expected, signature):
            return
    raise AuthFailure("signature mismatch")


@dataclass
class Session:
    sessionkey: str
    username: str
    last_used: float = field(default_factory=time.monotonic)


class Sessions:
    """JSESSIONID -> Session, as the servlet container keeps them."""

    def __init__(self) -> None:
        self._by_cookie: dict[str, Session] = {}

    def open(self, username: str) -> tuple[str, Session]:
        cookie = secrets.token_hex(16).upper()
        session = Session(sessionkey=secrets.token_urlsafe(20), username=username)
        self._by_cookie[cookie] = session
        return cookie, session

    def verify(self, cookie: str | None, sessionkey: str | None) -> Session:
        session = self._by_cookie.get(cookie or "")
        if session is None:
            raise AuthFailure("no session for this JSESSIONID")
        if time.monotonic() - session.last_used > SESSION_TIMEOUT_SECONDS:
            del self._by_cookie[cookie or ""]
            raise AuthFailure("session timed out")
        if not sessionkey or not hmac.compare_digest(sessionkey, session.sessionkey):
            raise AuthFailure("sessionkey does not match the session")
        session.last_used = time.monotonic()
        return session

    def close(self, cookie: str | None) -> None:
        self._by_cookie.pop(cookie or "", None)
