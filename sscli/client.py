"""The session with one management server: build, sign, send, decode, unwrap.

Knows nothing of click or rich. Every failure leaves as an sscli.errors exception
whose message names the endpoint but never a key, a signature or a password.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import requests

from sscli import redact, signing
from sscli import session as session_cache
from sscli.config import Profile
from sscli.errors import (
    HTTP_ERROR,
    APIError,
    BadResponseError,
    ConfigError,
    NetworkError,
)
from sscli.session import LoginSession

CONNECT_TIMEOUT = 10  # seconds to open a connection
READ_TIMEOUT = 300  # seconds to wait for an answer; the profile timeout caps it
DEFAULT_ALGORITHM = "HmacSHA1"  # what every CloudStack server verifies
MAX_GET_URL = 4096  # longer requests go as a form POST
# Never in a URL, where logs would keep them: userdata and every secret-named
# parameter but sscli's own credentials, which a signed GET carries by design.
POST_PARAMS = ("userdata",)
CREDENTIAL_PARAMS = ("apikey", "signature", "sessionkey")
REDIRECT_STATUSES = range(300, 400)
RESPONSE_SUFFIX = "response"  # listzonesresponse, errorresponse, ...
BODY_EXCERPT = 80  # characters of a body that is not CloudStack JSON, in its error
EXCERPT_SOURCE = 2**16  # bytes searched for secrets before the excerpt is cut
MAX_BODY_BYTES = 512 * 2**20  # one answer; a page of 500 VMs is about 1 MiB
BODY_CHUNK = 2**20
READ_ONLY_VERBS = ("list", "get", "query")  # repeated on failure; nothing else is
# ... but for these, which create an upload record on every call.
CREATING_GETS = ("getuploadparamsfor",)
RETRY_STATUSES = (429, 502, 503, 504)  # the server or a proxy is busy or restarting
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")  # as requests reads
RETRIES = 3
DROPPED = "the server closed the connection without answering"
CUT_OFF = "the connection closed before the whole answer had arrived"
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


class Origin(NamedTuple):
    """Where an answer came from, and the secrets no message quoting it may show."""

    endpoint: str
    secrets: tuple[str, ...] = ()

    def shown(self, text: str) -> str:
        return redact.redact(text, self.secrets)


class Client:
    """One server, one requests.Session; safe to share between paging threads."""

    def __init__(
        self,
        profile: Profile,
        debug: bool = False,
        post: bool = False,
        log=None,
        retry_writes: bool = False,
        is_async: Callable[[str], bool] | None = None,
    ):
        _check_credentials(profile)
        self.profile = profile
        self.debug = debug
        self.force_post = post
        self.retry_writes = retry_writes
        # From the catalog: an async API starts a job, whatever its verb.
        self.is_async = is_async or (lambda command: False)
        self.log = log or sys.stderr
        self.endpoint = _endpoint(profile.url)
        self.uses_keys = bool(profile.apikey and profile.secretkey)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "sscli"
        self.session.verify = _trusted_cas(profile)
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
            if err.errorcode != 401:
                raise
            if self.uses_keys:
                raise self._explained(err) from None
            # A refused login is never answered with another: accounts lock
            # after a few failures.
            if err.command == "login":
                raise
            # The cached session expired on the server: log in again, once.
            self._log_in_again()
            return self._call(command, params)

    def _explained(self, err: APIError) -> APIError:
        """A 401 for a profile that signs unlike the default says how to switch."""
        algorithm = self.profile.signaturealgorithm
        if algorithm.lower() == DEFAULT_ALGORITHM.lower():
            return err
        return err.add_hint(
            f"the profile signs with {algorithm}; if the server accepts only "
            f"{DEFAULT_ALGORITHM}: sscli set signaturealgorithm {DEFAULT_ALGORITHM}"
        )

    def _call(self, command: str, params: dict[str, str]) -> dict:
        retriable = self.retry_writes or is_read_only(command, self.is_async(command))
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES or not retriable
            # Signed for each attempt: `expires` moves on with the clock.
            sent = self._authenticate(params)
            try:
                response = self._send(sent)
            except NetworkError as err:
                if not retriable and err.sent:
                    raise _maybe_done(err, command) from None
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
            return self._answer(command, response, sent)
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
        answer = self._answer("login", response, params)
        login = session_cache.from_login(
            self.profile.url,
            self.profile.username,
            answer,
            self.session.cookies.get_dict(),
        )
        session_cache.save(self.profile.name, login)
        return login

    def log_out(self) -> bool:
        """End the server's session; False when there was none to end.

        The local session is forgotten in any case, even when the server cannot
        be told (then its error follows); a session the server already ended
        (401) is fine. Never logs in only to log out.
        """
        cached = None if self.uses_keys else session_cache.load(self.profile.name)
        if cached is None:
            return session_cache.forget(self.profile.name)
        try:
            if cached.valid_for(self.profile.url, self.profile.username):
                self._use(cached)
                with contextlib.suppress(APIError):
                    self._call("logout", {"command": "logout", "response": "json"})
        finally:
            session_cache.forget(self.profile.name)
            self._login = None
            self.session.cookies.clear()
        return True

    # -- the answer ----------------------------------------------------------------

    def _answer(self, command: str, response: Reply, sent: dict[str, str]) -> dict:
        origin = Origin(self.endpoint, self._secrets(sent))
        if response.status_code in REDIRECT_STATUSES:
            raise _redirected(response, self.profile.url, origin)
        inner = _decode(response, origin)
        _check_error(command, response.status_code, inner, origin)
        return inner

    def _secrets(self, sent: dict[str, str]) -> tuple[str, ...]:
        """Every secret this request holds, for hiding wherever the answer echoes it."""
        profile = self.profile
        return (
            *redact.secret_values(sent),
            profile.apikey,
            profile.secretkey,
            profile.password,
            *self.session.cookies.values(),
        )

    # -- the wire ------------------------------------------------------------------

    def _send(self, params: dict[str, str]) -> Reply:
        query = signing.urlencode(params)
        use_post = (
            self.force_post
            or _holds_secrets(params)
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
            # Never followed: the signed request and the session cookie, which
            # names no domain, would go to whatever host the Location names.
            streamed = self.session.send(
                prepared, timeout=self.timeout, stream=True, allow_redirects=False
            )
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
        shown = redact.masked(params)
        # One write, so that pages fetched side by side do not interleave lines.
        self.log.write(
            f"> {method} {self.endpoint} {shown}\n"
            f"< {response.status_code} {response.headers.get('Content-Type', '')} "
            f"{len(response.content)} bytes in {seconds * 1000:.0f} ms\n"
        )


def _holds_secrets(params: dict[str, str]) -> bool:
    """True when a parameter must travel in a POST body rather than the URL."""
    return any(
        name.lower() in POST_PARAMS
        or (redact.is_secret_name(name) and name.lower() not in CREDENTIAL_PARAMS)
        for name in params
    )


def is_read_only(command: str, is_async: bool = False) -> bool:
    """Safe to repeat: a list, get or query that neither starts a job (as the
    async getDiagnosticsData does) nor creates a record."""
    lowered = command.lower()
    return (
        lowered.startswith(READ_ONLY_VERBS)
        and not is_async
        and not lowered.startswith(CREATING_GETS)
    )


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


def _trusted_cas(profile: Profile) -> str | bool:
    """The profile's cafile, else the bundle the environment names, as requests
    would (Session.send alone skips that step), else the system's."""
    if not profile.verifycert:
        return False
    if profile.cafile:
        return profile.cafile
    for variable in CA_BUNDLE_VARIABLES:
        if os.environ.get(variable):
            return os.environ[variable]
    return True


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
    transient = sent = False
    if isinstance(err, exceptions.SSLError):
        reason = _tls_reason(err)
    elif isinstance(err, exceptions.ConnectTimeout):
        # Nothing was sent: as safe to try again as a refused connection.
        reason, transient = f"no connection within {timeout[0]}s", True
    elif isinstance(err, exceptions.ChunkedEncodingError):
        reason, transient, sent = CUT_OFF, True, True
    elif isinstance(err, exceptions.ReadTimeout):
        reason, sent = f"no answer within {timeout[1]}s", True
    elif isinstance(err, exceptions.ConnectionError):
        reason = _connection_reason(err)
        transient = reason != "unknown host"
        sent = reason == DROPPED
    else:
        reason = type(err).__name__
    return NetworkError(f"cannot reach {endpoint}: {reason}", reason, transient, sent)


def _maybe_done(err: NetworkError, command: str) -> NetworkError:
    """A call that changes state and got no answer may have been carried out."""
    return NetworkError(
        f"{err.message}; {command} may have reached the server, "
        "so check (e.g. with a list call) before repeating it",
        err.reason,
        err.transient,
        err.sent,
    )


def _tls_reason(err: Exception) -> str:
    text = str(err)
    if "Hostname mismatch" in text or "IP address mismatch" in text:
        return (
            "its TLS certificate is for another host name "
            "(use the name the certificate gives in the url)"
        )
    if "CERTIFICATE_VERIFY_FAILED" in text:
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
        return DROPPED
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


def _redirected(response: Reply, url: str, origin: Origin) -> BadResponseError:
    location = response.headers.get("Location")
    if not location:
        target = "nowhere (no Location)"
    else:
        # Without its query, which may repeat the signed request.
        target = origin.shown(_endpoint(urljoin(url, location)))
    return BadResponseError(
        f"{origin.endpoint} answered HTTP {response.status_code} redirecting to "
        f"{target}; sscli does not follow redirects: if that is the API, "
        f"set the url to it (sscli set url URL)"
    )


def _decode(response: Reply, origin: Origin) -> dict:
    """The one object inside `{"<command>response": {...}}` or `errorresponse`."""
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        body = None
    except RecursionError:
        raise BadResponseError(
            f"{origin.endpoint} answered HTTP {response.status_code} with JSON "
            "nested too deeply to read; no CloudStack answer is"
        ) from None
    inner = _answer_object(body)
    if inner is None:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise BadResponseError(
            f"{origin.endpoint} answered HTTP {response.status_code} with {kind}, "
            f"not CloudStack JSON: {_excerpt(response.content, origin)}"
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
    """Raise the server's error when the answer is one."""
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
