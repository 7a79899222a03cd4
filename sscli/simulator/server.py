"""The HTTP side: a threaded server on 127.0.0.1, fault injection, the request log.

with Simulator(vms=10) as sim:
    ...  # sim.url, sim.apikey, sim.secretkey, sim.requests, sim.state
"""

from __future__ import annotations

import html
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .auth import Sessions
from .build import build_cloud
from .dispatch import Request, answer_request
from .wire import Answer, parse_params

HOST = "127.0.0.1"
API_PATH = "/client/api"
# HmacSHA1 always; HmacSHA512 too, as servers that offer it do. A test that
# needs a SHA-1-only server passes algorithms=("sha1",).
ACCEPTED_ALGORITHMS = ("sha1", "sha512")
IDLE_CONNECTION_SECONDS = 30  # how long a kept-alive connection may sit unused
POLL_SECONDS = 0.02  # how soon stop() is noticed; tests start and stop it often
NOT_FOUND_PAGE = (
    "<html><head><title>Error 404 Not Found</title></head>"
    "<body><h2>HTTP ERROR 404</h2><p>Problem accessing {path}. "
    "Reason: Not Found</p></body></html>"
)


@dataclass
class RequestRecord:
    """One request as the server saw it; status None: the connection was dropped."""

    method: str
    path: str
    query: str
    body: str
    params: dict[str, str]
    headers: dict[str, str]
    status: int | None


class Simulator:
    def __init__(
        self,
        port: int = 0,
        vms: int = 300,
        apikey: str | None = None,
        secretkey: str | None = None,
        default_page_size: int = 500,
        job_seconds: float = 0.5,
        seed: int = 1,
        password: str = "password",
        algorithms: tuple[str, ...] = ACCEPTED_ALGORITHMS,
        ssl_context=None,
    ):
        self.port = port
        self.ssl_context = ssl_context  # an ssl.SSLContext serves https
        self.apikey = apikey or secrets.token_urlsafe(32)
        self.secretkey = secretkey or secrets.token_urlsafe(48)
        self.password = password
        self.algorithms = algorithms
        self.default_page_size = default_page_size
        self.job_seconds = job_seconds
        self.state = build_cloud(vms, seed)
        self.sessions = Sessions()
        self.requests: list[RequestRecord] = []
        self.lock = threading.RLock()
        # Faults, settable while the server runs.
        self.drop_connections = 0  # hang up before handling the request
        self.drop_answers = 0  # handle the request, then hang up without answering
        self.repeat_page = False
        self.fail_status: int | None = None
        self.fail_body = ""
        self.delay_seconds = 0.0
        self.fail_jobs = False
        self._server: QuietServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{HOST}:{self.port}{API_PATH}"

    def start(self) -> Simulator:
        server = QuietServer((HOST, self.port), SimulatorHandler)
        server.simulator = self
        if self.ssl_context:
            server.socket = self.ssl_context.wrap_socket(
                server.socket, server_side=True
            )
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            args=(POLL_SECONDS,),
            name="sscli-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; safe to call twice and from another thread."""
        with self.lock:
            server, self._server = self._server, None
            thread, self._thread = self._thread, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def take_drop(self, fault: str = "drop_connections") -> bool:
        """Use up one of a counted fault: drop_connections or drop_answers."""
        with self.lock:
            left = getattr(self, fault)
            if left > 0:
                setattr(self, fault, left - 1)
                return True
            return False

    def answer(self, method: str, path: str, pairs: list, cookies: dict) -> Answer:
        if self.fail_status is not None:
            return raw_answer(self.fail_status, self.fail_body)
        if path != API_PATH:
            return raw_answer(404, NOT_FOUND_PAGE.format(path=html.escape(path)))
        with self.lock:
            self.state.settle_jobs()
            return answer_request(self, Request(method, pairs, cookies))

    def record(self, record: RequestRecord) -> None:
        with self.lock:
            self.requests.append(record)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    simulator: Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a dropped test) is not an error here."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def raw_answer(status: int, body: str) -> Answer:
    kind = "text/html" if body.lstrip().startswith("<") else "text/plain"
    return Answer(status, body.encode("utf-8"), f"{kind}; charset=UTF-8")


def serve(sim: Simulator) -> None:
    """Serve until Ctrl-C or stop(); starts the simulator if start() was not called."""
    if sim._thread is None:
        sim.start()
    thread = sim._thread
    try:
        while thread is not None and thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients' sessions expect
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    timeout = IDLE_CONNECTION_SECONDS
    server_version = "sscli-simulator"

    def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
        self.handle_api()

    def do_POST(self) -> None:  # noqa: N802
        self.handle_api()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines carry apikeys and signatures."""

    def handle_api(self) -> None:
        sim = self.server.simulator  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        parts = urlsplit(self.path)
        pairs = parse_params(parts.query, body, self.headers.get("Content-Type", ""))
        record = RequestRecord(
            self.command,
            parts.path,
            parts.query,
            body,
            dict(reversed(pairs)),
            dict(self.headers.items()),
            None,
        )
        if sim.take_drop():
            self.close_connection = True
            sim.record(record)
            return
        if sim.delay_seconds:
            time.sleep(sim.delay_seconds)
        answer = sim.answer(self.command, parts.path, pairs, self.read_cookies())
        if sim.take_drop("drop_answers"):
            # The work is done (a VM made, a job queued); the client never hears.
            self.close_connection = True
            sim.record(record)
            return
        record.status = answer.status
        sim.record(record)
        self.send_answer(answer)

    def read_cookies(self) -> dict[str, str]:
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie", ""))
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in cookie.items()}

    def send_answer(self, answer: Answer) -> None:
        # CloudStack's own codes (431, 530, ...) go out with the number as reason.
        reason = None if answer.status < 430 else str(answer.status)
        try:
            self.send_response(answer.status, reason)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout)
