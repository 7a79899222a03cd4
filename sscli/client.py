"""The session with one management server: build, sign, send, decode, unwrap.

Knows nothing of click or rich. Every failure leaves as an sscli.errors exception
whose message names the endpoint but never a key, a signature or a password.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from urllib.parse import urlsplit

import requests

from sscli import signing
from sscli.config import Profile
from sscli.errors import APIError, BadResponseError, ConfigError, NetworkError

CONNECT_TIMEOUT = 10  # seconds to open a connection
READ_TIMEOUT = 300  # seconds to wait for an answer; the profile timeout caps it
MAX_GET_URL = 4096  # longer requests go as a form POST
POST_PARAMS = ("userdata", "password")  # never in a URL, where logs would keep them
MASKED_PARAMS = ("apikey", "signature", "secretkey", "sessionkey", "password")
BODY_EXCERPT = 80


class Client:
    def __init__(
        self, profile: Profile, debug: bool = False, post: bool = False, log=None
    ):
        if not profile.url:
            raise ConfigError(
                f"profile {profile.name!r} has no url; "
                "set one with: sscli set url https://HOST/client/api"
            )
        if not (profile.apikey and profile.secretkey):
            raise ConfigError(
                f"profile {profile.name!r} has no apikey/secretkey; "
                "set them with: sscli set apikey KEY and sscli set secretkey"
            )
        self.profile = profile
        self.debug = debug
        self.force_post = post
        self.log = log or sys.stderr
        self.endpoint = _endpoint(profile.url)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "sscli"
        self.session.verify = profile.cafile or profile.verifycert
        if not profile.verifycert and profile.url.lower().startswith("https:"):
            _skip_tls_checks(self.session, profile.name, self.log)
        self.timeout = (CONNECT_TIMEOUT, min(READ_TIMEOUT, profile.timeout))

    def request(self, command: str, params: dict[str, str]) -> dict:
        """Call one API and return the object inside `<command>response`."""
        signed = self._sign({"command": command, **params, "response": "json"})
        response = self._send(signed)
        return unwrap(command, response.status_code, _decode(response, self.endpoint))

    def _sign(self, params: dict[str, str]) -> dict[str, str]:
        return signing.signed_params(
            params,
            self.profile.apikey,
            self.profile.secretkey,
            self.profile.signaturealgorithm,
        )

    def _send(self, params: dict[str, str]) -> requests.Response:
        query = signing.urlencode(params)
        use_post = (
            self.force_post
            or any(name.lower() in POST_PARAMS for name in params)
            or len(self.profile.url) + 1 + len(query) > MAX_GET_URL
        )
        request = requests.Request(
            "POST" if use_post else "GET",
            self.profile.url,
            data=query if use_post else None,
            headers={"Content-Type": "application/x-www-form-urlencoded"}
            if use_post
            else None,
        )
        prepared = self.session.prepare_request(request)
        if not use_post:
            # Set the URL by hand: requests would re-quote what we encoded exactly.
            prepared.url = f"{self.profile.url}?{query}"
        started = time.monotonic()
        try:
            response = self.session.send(prepared, timeout=self.timeout)
        except requests.exceptions.RequestException as err:
            raise _network_error(err, self.endpoint, self.timeout) from None
        if self.debug:
            self._trace(prepared.method, params, response, time.monotonic() - started)
        return response

    def _trace(self, method: str, params: dict, response, seconds: float) -> None:
        shown = {
            name: "***" if name.lower() in MASKED_PARAMS else value
            for name, value in params.items()
        }
        print(f"> {method} {self.endpoint} {shown}", file=self.log)
        print(
            f"< {response.status_code} {response.headers.get('Content-Type', '')} "
            f"{len(response.content)} bytes in {seconds * 1000:.0f} ms",
            file=self.log,
        )


def _skip_tls_checks(session, profile_name: str, log) -> None:
    """verifycert=false: no chain and no hostname check, said once on stderr."""
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session.verify = False
    print(
        f"Warning: TLS certificates are not checked for profile {profile_name!r} "
        "(verifycert is false)",
        file=log,
    )


def _endpoint(url: str) -> str:
    """The URL without query or credentials, safe to show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _network_error(err: Exception, endpoint: str, timeout) -> NetworkError:
    exceptions = requests.exceptions
    if isinstance(err, exceptions.SSLError):
        reason = "TLS verification failed (set cafile, or verifycert false to skip)"
    elif isinstance(err, exceptions.ConnectTimeout):
        reason = f"no connection within {timeout[0]}s"
    elif isinstance(err, exceptions.ReadTimeout):
        reason = f"no answer within {timeout[1]}s"
    elif isinstance(err, exceptions.ConnectionError):
        reason = _connection_reason(err)
    else:
        reason = type(err).__name__
    return NetworkError(f"cannot reach {endpoint}: {reason}")


def _connection_reason(err: Exception) -> str:
    text = str(err)
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or (
            "getaddrinfo failed" in text
            or "Temporary failure in name resolution" in text
        )
    ):
        return "unknown host"
    if "Connection refused" in text:
        return "connection refused"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return "the server closed the connection without answering"
    return "connection failed"


def _decode(response, endpoint: str) -> dict:
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise BadResponseError(
            f"{endpoint} answered HTTP {response.status_code} with {kind}, "
            f"not CloudStack JSON: {_excerpt(response.text)}"
        )
    return body


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "(empty body)"
    return flat[:BODY_EXCERPT] + ("…" if len(flat) > BODY_EXCERPT else "")


def unwrap(command: str, status: int, body: dict) -> dict:
    """Take the one `<command>response` (or `errorresponse`) object out of the body."""
    inner = body
    if len(body) == 1:
        (key,) = body
        if key.endswith("response") and isinstance(body[key], dict):
            inner = body[key]
    if "errorcode" in inner or "errortext" in inner:
        raise APIError(
            command,
            _as_int(inner.get("errorcode")) or status,
            str(inner.get("errortext", "")),
            _as_int(inner.get("cserrorcode")),
            status,
        )
    if status >= 400:
        raise APIError(command, status, f"HTTP {status} without an error text")
    return inner


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
