"""Running the simulator in the background for the quick start: start, wait, stop.

The detached simulator writes a ready file in the cache dir (mode 0600) once it
serves: its pid, URL, size and keys. A second --detach reuses it from there, and
--stop ends it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sscli.config import cache_dir, save_profile
from sscli.errors import UsageError
from sscli.files import ensure_private_dir, write_atomically

START_WAIT_SECONDS = 20
CONNECT_CHECK_SECONDS = 1  # a stale pid file may name a process that is not ours
PID_FILE = "simulator.pid"
LOG_FILE = "simulator.log"
PROFILE = "simulator"
# The detached children this process started. Kept because a Popen dropped while
# its process runs warns that it still runs, and running on is the point; stop()
# reaps its own, so a shell that starts and stops one leaves no zombie.
_started: dict[int, subprocess.Popen] = {}


@dataclass
class Running:
    """The simulator started with --detach, as its ready file describes it."""

    pid: int
    url: str
    vms: int
    page_size: int
    apikey: str
    secretkey: str

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 0


def start_detached(
    port: int, vms: int, page_size: int, given: set[str]
) -> tuple[Running, bool]:
    """(Running, True) when one already runs and agrees with the options given;
    else start `sscli simulator` in its own session: (Running, False)."""
    current = running()
    if current is not None:
        _check_same(current, port, vms, page_size, given)
        _save_profile(current)  # it may have been deleted or changed since
        return current, True
    directory = cache_dir()
    ensure_private_dir(directory)
    ready = directory / PID_FILE
    ready.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "sscli",
        "simulator",
        "--port",
        str(port),
        "--vms",
        str(vms),
        "--page-size",
        str(page_size),
        "--ready-file",
        str(ready),
    ]
    log_fd = os.open(
        directory / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
    )
    with os.fdopen(log_fd, "ab") as log:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    _started[child.pid] = child
    return _wait_ready(child, ready), False


def _check_same(
    current: Running, port: int, vms: int, page_size: int, given: set[str]
) -> None:
    """Only an option given on the command line can disagree with the running one."""
    differ = []
    if "port" in given and port not in (0, current.port):
        differ.append("--port")
    if "vms" in given and vms != current.vms:
        differ.append("--vms")
    if "page_size" in given and page_size != current.page_size:
        differ.append("--page-size")
    if differ:
        raise UsageError(
            f"a simulator is already running at {current.url} with {current.vms} "
            f"VMs, not the {' and '.join(differ)} asked for; stop it first: "
            "sscli simulator --stop"
        )


def _wait_ready(child: subprocess.Popen, ready: Path) -> Running:
    deadline = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < deadline:
        if ready.exists():
            found = _read_ready(ready)
            if found is not None:
                return found
        if child.poll() is not None:
            break
        time.sleep(0.05)
    child.kill()
    child.wait()
    _started.pop(child.pid, None)
    log = ready.parent / LOG_FILE
    reason = _last_line(log) or "no reason given"
    raise UsageError(f"the simulator did not start: {reason} (log: {log})")


def _last_line(path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[-1].removeprefix("Error: ") if lines else ""


def start_here(port: int, vms: int, page_size: int):
    """Serve in this process and save the profile 'simulator'.
    Returns the server and its description."""
    from sscli.simulator import Simulator

    try:
        sim = Simulator(port=port, vms=vms, default_page_size=page_size).start()
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use; choose another with --port (0: a free one)"
            ) from None
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {err.strerror}") from None
    serving = Running(os.getpid(), sim.url, vms, page_size, sim.apikey, sim.secretkey)
    _save_profile(serving)
    return sim, serving


def say_ready(ready_file: str, serving: Running) -> None:
    """Tell the --detach that started this process that it serves."""
    write_atomically(ready_file, json.dumps(asdict(serving)).encode())


def _save_profile(serving: Running) -> None:
    keys = {
        "url": serving.url,
        "apikey": serving.apikey,
        "secretkey": serving.secretkey,
    }
    save_profile(PROFILE, keys)


def serve_until_stopped(sim) -> None:
    from sscli.simulator import serve

    serve(sim)


def running() -> Running | None:
    """The detached simulator, if its ready file names one that still serves."""
    ready = cache_dir() / PID_FILE
    found = _read_ready(ready)
    if found is None or not (_alive(found.pid) and _accepts(found.port)):
        ready.unlink(missing_ok=True)  # stale: the machine restarted, or a kill -9
        return None
    return found


def _read_ready(path: Path) -> Running | None:
    try:
        return Running(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the pid is someone else's process now
        return False
    return True


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), CONNECT_CHECK_SECONDS):
            return True
    except OSError:
        return False


def stop() -> Running | None:
    """Stop the detached simulator; the one stopped, or None when none ran."""
    current = running()
    if current is None:
        return None
    with contextlib.suppress(ProcessLookupError):
        os.kill(current.pid, signal.SIGTERM)
    (cache_dir() / PID_FILE).unlink(missing_ok=True)
    child = _started.pop(current.pid, None)
    if child is not None:
        child.wait()
    return current
