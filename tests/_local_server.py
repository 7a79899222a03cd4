"""A bare HTTP server for answers the simulator does not give: an echo of the
request, a redirect, a body cut short. `respond` returns the raw bytes to send.

with LocalServer(lambda request: b"HTTP/1.1 200 OK\\r\\n...") as server:
    ...  # server.url, server.received
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass

API_PATH = "/client/api"


@dataclass
class Received:
    method: str
    target: str  # the path and query as sent
    head: str  # the request line and headers as sent
    body: bytes


def answer(
    status: int, body: bytes, kind: str = "text/plain", extra: str = ""
) -> bytes:
    """A whole response with a correct Content-Length."""
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\n{extra}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class LocalServer:
    def __init__(self, respond: Callable[[Received], bytes]):
        self.respond = respond
        self.received: list[Received] = []
        self._server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", 0), self._handler()
        )
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{API_PATH}"

    def _handler(self):
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                lines = []
                while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                    lines.append(line.decode("latin-1"))
                if not lines:
                    return
                length = next(
                    (
                        int(line.split(":", 1)[1])
                        for line in lines
                        if line.lower().startswith("content-length:")
                    ),
                    0,
                )
                method, target = lines[0].split(" ")[:2]
                request = Received(
                    method, target, "".join(lines), self.rfile.read(length)
                )
                server.received.append(request)
                self.wfile.write(server.respond(request))

        return Handler

    def __enter__(self) -> LocalServer:
        threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        ).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
