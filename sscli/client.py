"""The session with one management server: build, sign, send, decode, unwrap.

Knows nothing of click or rich. Every failure leaves as an sscli.errors exception
whose message names the endpoint but never a key, a signature or a password.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import threading
import time
from typing import NamedTuple
from urllib.parse import urlsplit

import requests

from sscli import session as session_cache
from sscli import signing
from sscli.config import Profile
from sscli.errors import APIError, BadResponseError, ConfigError, NetworkError
from sscli.render.numbers import parse_number
from sscli.session import LoginSession

CONNECT_TIMEOUT = 10  # seconds to open a connection
READ_TIMEOUT = 300  # seconds to wait for an answer; the profile timeout caps it
MAX_GET_URL = 4096  # longer requests go as a form POST
POST_PARAMS = ("userdata", "password")  # never in a URL, where logs would keep them
MASKED_PARAMS = ("apikey", "signature", "secretkey", "sessionkey", "password")
BODY_EXCERPT = 80
MAX_BODY_BYTES = 512 * 2**20  # one answer; a page of 500 VMs is about 1 MiB
BODY_CHUNK = 2**20
READ_ONLY_VERBS = ("list", "get", "query")  # repeated on failure; nothing else is
RETRY_STATUSES = (429, 502, 503, 504)  # the server or a proxy is busy or restarting
RETRIES = 3
RETRY_BASE = 0.5  # seconds before the first retry, doubling, plus up to 50% jitter
RETRY_CAP = 8.0


class Reply(NamedTuple):
    """One HTTP answer, its body read whole (and capped) by _read_body."""

    status_code: int
    headers: requests.structures.CaseInsensitiveDict
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class Client:
    """One server, one requests.Session; safe to share between paging threads."""

    def __init__(
        self,
        profile: Profile,
        debug: bool = False,
        post: bool = False,
        log=None,
        retry_writes: bool = False,
    ):
        _check_credentials(profile)
        self.profile = profile
        self.debug = debug
        self.force_post = post
        self.retry_writes = retry_writes
        self.log = log or sys.stderr
        self.endpoint = _endpoint(profile.url)
        self.uses_keys = bool(profile.apikey and profile.secretkey)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "sscli"
        self.session.verify = profile.cafile or profile.verifycert
        if not profile.verifycert and profile.url.lower().startswith("https:"):
            _skip_tls_checks(self.session, profile.name, self.log)
        self.timeout = (CONNECT_TIMEOUT, min(READ_TIMEOUT, profile.timeout))
        self._login_lock = threading.Lock()
        self._login: LoginSession | None = None

    def request(self, command: str, params: dict[str, str]) -> dict:
        """Call one API and return the object inside `<command>response`."""
        params = {"command": command, **params, "response": "json"}
        try:
            return self._call(command, params)
        except APIError as err:
            if err.errorcode != 401 or self.uses_keys:
                raise
            # The cached session expired on the server: log in again, once.
            self._log_in_again()
            return self._call(command, params)

    def _call(self, command: str, params: dict[str, str]) -> dict:
        retriable = self.retry_writes or is_read_only(command)
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES or not retriable
            try:
                # Signed for each attempt: `expires` moves on with the clock.
                response = self._send(self._authenticate(params))
            except NetworkError as err:
                if last or not err.transient:
                    raise
                self._pause(attempt, err.reason)
                continue
            if response.status_code in RETRY_STATUSES and not last:
                self._pause(
                    attempt,
                    f"HTTP {response.status_code}",
                    response.headers.get("Retry-After"),
                )
                continue
            body = _decode(response, self.endpoint)
            return unwrap(command, response.status_code, body)
        raise AssertionError("the last attempt returns or raises")  # pragma: no cover

    def _pause(self, attempt: int, reason: str, retry_after: str | None = None) -> None:
        delay = min(RETRY_CAP, RETRY_BASE * 2**attempt) * (1 + random.random() / 2)
        if retry_after and retry_after.isdigit():
            delay = min(RETRY_CAP, max(delay, float(retry_after)))
        if self.debug:
            print(
                f"! {reason}; retry {attempt + 1}/{RETRIES} in {delay:.1f}s",
                file=self.log,
            )
        time.sleep(delay)

    # -- credentials -------------------------------------------------------------

    def _authenticate(self, params: dict[str, str]) -> dict[str, str]:
        if self.uses_keys:
            return signing.signed_params(
                params,
                self.profile.apikey,
                self.profile.secretkey,
                self.profile.signaturealgorithm,
            )
        return {**params, "sessionkey": self._session_key()}

    def _session_key(self) -> str:
        with self._login_lock:
            if self._login is None:
                cached = session_cache.load(self.profile.name)
                if cached and cached.valid_for(self.profile.url, self.profile.username):
                    self._use(cached)
                    return cached.sessionkey
                self._use(self.log_in())
            assert self._login is not None
            return self._login.sessionkey

    def _log_in_again(self) -> None:
        with self._login_lock:
            session_cache.forget(self.profile.name)
            self.session.cookies.clear()
            self._use(self.log_in())

    def _use(self, login: LoginSession) -> None:
        self._login = login
        self.session.cookies.update(login.cookies)

    def log_in(self) -> LoginSession:
        """POST login with username and password; cache the session key and cookie."""
        params = {
            "command": "login",
            "username": self.profile.username,
            "password": self.profile.password,
            "response": "json",
        }
        if self.profile.domain:
            params["domain"] = self.profile.domain
        self.session.cookies.clear()
        response = self._send(params)
        answer = unwrap("login", response.status_code, _decode(response, self.endpoint))
        login = session_cache.from_login(
            self.profile.url,
            self.profile.username,
            answer,
            self.session.cookies.get_dict(),
        )
        session_cache.save(self.profile.name, login)
        return login

    def log_out(self) -> bool:
        """End the server's session; False when there was none to end."""
        if self.uses_keys or not session_cache.load(self.profile.name):
            return session_cache.forget(self.profile.name)
        with contextlib.suppress(APIError):
            self.request("logout", {})
        session_cache.forget(self.profile.name)
        return True

    # -- the wire ------------------------------------------------------------------

    def _send(self, params: dict[str, str]) -> Reply:
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
            # Streamed, so that _read_body can refuse a gigantic answer midway.
            streamed = self.session.send(prepared, timeout=self.timeout, stream=True)
            response = Reply(
                streamed.status_code,
                streamed.headers,
                _read_body(streamed, self.endpoint),
            )
        except requests.exceptions.RequestException as err:
            raise _network_error(err, self.endpoint, self.timeout) from None
        if self.debug:
            method = prepared.method or ""
            self._trace(method, params, response, time.monotonic() - started)
        return response

    def _trace(
        self, method: str, params: dict, response: Reply, seconds: float
    ) -> None:
        shown = {
            name: "***" if name.lower() in MASKED_PARAMS else value
            for name, value in params.items()
        }
        # One write, so that pages fetched side by side do not interleave lines.
        self.log.write(
            f"> {method} {self.endpoint} {shown}\n"
            f"< {response.status_code} {response.headers.get('Content-Type', '')} "
            f"{len(response.content)} bytes in {seconds * 1000:.0f} ms\n"
        )


def is_read_only(command: str) -> bool:
    """Safe to repeat: lists, gets and queries change nothing on the server."""
    return command.lower().startswith(READ_ONLY_VERBS)


def _check_credentials(profile: Profile) -> None:
    if not profile.url:
        raise ConfigError(
            f"profile {profile.name!r} has no url; "
            "set one with: sscli set url https://HOST/client/api"
        )
    if profile.apikey and profile.secretkey:
        return
    if profile.apikey or profile.secretkey:
        # Half a key pair is a mistake, never a reason to try the password.
        missing = "secretkey" if profile.apikey else "apikey"
        raise ConfigError(
            f"profile {profile.name!r} has no {missing}; "
            f"set it with: sscli set {missing}"
        )
    if not (profile.username and profile.password):
        raise ConfigError(
            f"profile {profile.name!r} has no apikey/secretkey nor username/password; "
            "set them with: sscli set apikey KEY and sscli set secretkey"
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
    """One line naming the endpoint; transient when repeating it may help."""
    exceptions = requests.exceptions
    transient = False
    if isinstance(err, exceptions.SSLError):
        reason = _tls_reason(err)
    elif isinstance(err, exceptions.ConnectTimeout):
        reason = f"no connection within {timeout[0]}s"
    elif isinstance(err, exceptions.ReadTimeout):
        reason = f"no answer within {timeout[1]}s"
    elif isinstance(err, exceptions.ConnectionError):
        reason = _connection_reason(err)
        transient = reason != "unknown host"
    else:
        reason = type(err).__name__
    return NetworkError(f"cannot reach {endpoint}: {reason}", reason, transient)


def _tls_reason(err: Exception) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in str(err):
        return (
            "its TLS certificate is not trusted "
            "(set cafile to its CA bundle, or verifycert false to skip the check)"
        )
    return "the TLS handshake failed (is the URL's scheme right?)"


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


def _read_body(response: requests.Response, endpoint: str) -> bytes:
    """The whole body, or a clear error past MAX_BODY_BYTES (never a MemoryError)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        response.close()
        raise _too_big(endpoint, int(declared))
    chunks, size = [], 0
    for chunk in response.iter_content(BODY_CHUNK):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            response.close()
            raise _too_big(endpoint, size)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(endpoint: str, size: int) -> BadResponseError:
    return BadResponseError(
        f"{endpoint} sent an answer of over {size / 2**20:.1f} MiB, more than sscli "
        f"reads ({MAX_BODY_BYTES // 2**20} MiB); ask for less, e.g. with pagesize="
    )


def _decode(response: Reply, endpoint: str) -> dict:
    try:
        body = json.loads(response.content, parse_float=parse_number)
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
