"""The session with one management server: build, sign, send, retry.

Knows nothing of click or rich. Every failure leaves as an sscli.errors exception
whose message names the endpoint but never a key, a signature or a password;
answer.py turns an answer into its object or its error, network.py says why
there was none.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import threading
import time
from collections.abc import Callable

import requests

from sscli import redact, signing
from sscli import session as session_cache
from sscli.answer import Origin, Reply, shown_url, unwrap
from sscli.config import Profile
from sscli.errors import APIError, BadResponseError, ConfigError, NetworkError
from sscli.network import maybe_done, network_error
from sscli.session import LoginSession

CONNECT_TIMEOUT = 10  # seconds to open a connection
READ_TIMEOUT = 300  # seconds to wait for an answer; the profile timeout caps it
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")  # as requests reads
DEFAULT_ALGORITHM = "HmacSHA1"  # what every CloudStack server verifies
# Named on a 401 when one came from the environment (the url only then).
ORIGIN_SETTINGS = ("url", "apikey", "secretkey")
MAX_GET_URL = 4096  # longer requests go as a form POST
# Never in a URL, where logs would keep them: userdata and every secret-named
# parameter, the sessionkey (a bearer token for the whole session) included, but
# the apikey and signature that a signed GET carries by design: they prove one
# request only, until its `expires`.
POST_PARAMS = ("userdata",)
SIGNED_GET_PARAMS = ("apikey", "signature")
MAX_BODY_BYTES = 512 * 2**20  # one answer; a page of 500 VMs is about 1 MiB
BODY_CHUNK = 2**20
READ_ONLY_VERBS = ("list", "get", "query")  # repeated on failure; nothing else is
# ... but for these, which create an upload record on every call.
CREATING_GETS = ("getuploadparamsfor",)
RETRY_STATUSES = (429, 502, 503, 504)  # the server or a proxy is busy or restarting
RETRIES = 3
RETRY_BASE = 0.5  # seconds before the first retry, doubling, plus up to 50% jitter
RETRY_CAP = 8.0
# Seconds after a failure to connect during which the same client does not retry:
# a batch of lines to a server that is down fails each line at once, not after
# the whole backoff again (up to 40 s a line when connecting times out).
UNREACHABLE_MEMORY = 5.0


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
        self.endpoint = shown_url(profile.url)
        self.uses_keys = bool(profile.apikey and profile.secretkey)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "sscli"
        self.session.verify = _trusted_cas(profile)
        if not profile.verifycert and profile.url.lower().startswith("https:"):
            _skip_tls_checks(self.session, profile.name, self.log)
        self.timeout = (CONNECT_TIMEOUT, min(READ_TIMEOUT, profile.timeout))
        self.retries = RETRIES  # a TAB sets 0: it would rather answer nothing at once
        self._unreachable_at: float | None = None  # when connecting last failed
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
        """A 401 for a profile that signs says what it signed with, where that
        may be the cause: keys from the environment, an uncommon algorithm."""
        for hint in (_key_origins(self.profile), _algorithm_hint(self.profile)):
            if hint:
                err.add_hint(hint)
        return err

    def _call(self, command: str, params: dict[str, str]) -> dict:
        retriable = self.retry_writes or is_read_only(command, self.is_async(command))
        retries = self._retries_now() if retriable else 0
        for attempt in range(retries + 1):
            last = attempt == retries
            sent: dict[str, str] = {}
            try:
                # Signed for each attempt: `expires` moves on with the clock.
                sent = self._authenticate(params)  # may log in first
                response = self._send(sent)
            except NetworkError as err:
                if sent and err.sent and not retriable:  # the call itself went out
                    raise maybe_done(err, command) from None
                if last or not err.transient:
                    self._remember_unreachable(err)
                    raise
                self._pause(attempt, retries, err.reason)
                continue
            self._unreachable_at = None
            if response.status_code in RETRY_STATUSES and not last:
                self._pause(
                    attempt,
                    retries,
                    f"HTTP {response.status_code}",
                    response.headers.get("Retry-After"),
                )
                continue
            return self._answer(command, response, sent)
        raise AssertionError("the last attempt returns or raises")  # pragma: no cover

    def _retries_now(self) -> int:
        """No retries while connecting failed moments ago (a batch shares the
        client): the retries were just spent on the same server."""
        if self._unreachable_at is None:
            return self.retries
        if time.monotonic() - self._unreachable_at < UNREACHABLE_MEMORY:
            if self.debug:
                print("! could not connect moments ago; no retries", file=self.log)
            return 0
        return self.retries

    def _remember_unreachable(self, err: NetworkError) -> None:
        """Transient but not sent: refused, or not connected in time."""
        if err.transient and not err.sent:
            self._unreachable_at = time.monotonic()

    def _pause(
        self, attempt: int, retries: int, reason: str, retry_after: str | None = None
    ) -> None:
        delay = min(RETRY_CAP, RETRY_BASE * 2**attempt) * (1 + random.random() / 2)
        if retry_after and retry_after.isdigit():
            delay = min(RETRY_CAP, max(delay, float(retry_after)))
        # Said on a terminal, where a silent wait looks like a hang; a script's
        # stderr gets it only with --debug, as a trace line.
        if self.debug or _is_terminal(self.log):
            mark = "! " if self.debug else ""
            print(
                f"{mark}{reason}; retrying in {delay:.1f}s ({attempt + 1}/{retries})",
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
        if not answer.get("sessionkey"):
            # Going on would send every call with an empty sessionkey.
            raise BadResponseError(
                f"{self.endpoint} answered login without a sessionkey; "
                "is the url a CloudStack API (https://HOST/client/api)?"
            )
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
        return unwrap(command, response, Origin(self.endpoint, self._secrets(sent)))

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
            failure = network_error(err, self.endpoint, self.timeout)
            raise self._no_answer(prepared, params, started, failure) from None
        except BadResponseError as err:  # _read_body refused the body midway
            raise self._no_answer(prepared, params, started, err) from None
        if self.debug:
            answer = (
                f"{response.status_code} {response.headers.get('Content-Type', '')} "
                f"{len(response.content)} bytes"
            )
            self._trace(prepared.method or "", params, answer, started)
        return response

    def _no_answer(
        self,
        prepared: requests.PreparedRequest,
        params: dict,
        started: float,
        failure: NetworkError | BadResponseError,
    ) -> NetworkError | BadResponseError:
        """The failure to raise; --debug first shows what was sent, and why
        nothing usable came back."""
        if self.debug:
            why = failure.reason if isinstance(failure, NetworkError) else failure
            self._trace(prepared.method or "", params, f"no answer: {why}", started)
        return failure

    def _trace(self, method: str, params: dict, answer: str, started: float) -> None:
        shown = redact.masked(params)
        milliseconds = (time.monotonic() - started) * 1000
        # One write, so that pages fetched side by side do not interleave lines.
        self.log.write(
            f"> {method} {self.endpoint} {shown}\n< {answer} in {milliseconds:.0f} ms\n"
        )


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _holds_secrets(params: dict[str, str]) -> bool:
    """True when a parameter must travel in a POST body rather than the URL."""
    return any(
        name.lower() in POST_PARAMS
        or (redact.is_secret_name(name) and name.lower() not in SIGNED_GET_PARAMS)
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


def _key_origins(profile: Profile) -> str:
    """A key from the environment and a secret from the profile (or a url) seldom
    belong together: name where each came from once any came from a variable."""
    if not any(profile.variable(key) for key in ORIGIN_SETTINGS):
        return ""
    first, *rest = (
        key for key in ORIGIN_SETTINGS if key != "url" or profile.variable(key)
    )
    origins = [f"{first} came from {profile.origin(first)}"]
    origins += [f"{key} from {profile.origin(key)}" for key in rest]
    return ", ".join(origins)


def _algorithm_hint(profile: Profile) -> str:
    """A profile that signs unlike the default is told how to switch back."""
    algorithm = profile.signaturealgorithm
    if algorithm.lower() == DEFAULT_ALGORITHM.lower():
        return ""
    return (
        f"the profile signs with {algorithm}; if the server accepts only "
        f"{DEFAULT_ALGORITHM}: sscli set signaturealgorithm {DEFAULT_ALGORITHM}"
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
        given, missing = (
            ("apikey", "secretkey") if profile.apikey else ("secretkey", "apikey")
        )
        error = ConfigError(
            f"profile {profile.name!r} has no {missing}; "
            f"set it with: sscli set {missing}"
        )
        if profile.variable(given):
            raise error.add_hint(f"{given} came from {profile.variable(given)}")
        raise error
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
