"""Running the simulator in the background for the quick start: start, wait, stop."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time

from sscli.config import cache_dir, save_profile
from sscli.errors import UsageError
from sscli.files import ensure_private_dir, write_atomically

START_WAIT_SECONDS = 20
PID_FILE = "simulator.pid"
LOG_FILE = "simulator.log"


def start_detached(port: int, vms: int, page_size: int) -> str:
    """Start `sscli simulator` in its own session; return its URL once it serves."""
    stop(quiet=True)
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
    return _wait_ready(child, ready)


def _wait_ready(child: subprocess.Popen, ready) -> str:
    deadline = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < deadline:
        if ready.exists():
            return ready.read_text().split()[1]
        if child.poll() is not None:
            break
        time.sleep(0.05)
    child.kill()
    log = ready.parent / LOG_FILE
    reason = _last_line(log) or "no reason given"
    raise UsageError(f"the simulator did not start: {reason} (log: {log})")


def _last_line(path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[-1].removeprefix("Error: ") if lines else ""


def start_here(port: int, vms: int, page_size: int, ready_file: str | None):
    """Serve in this process; save the profile 'simulator' and say it is ready."""
    from sscli.simulator import Simulator

    try:
        sim = Simulator(port=port, vms=vms, default_page_size=page_size).start()
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use; choose another with --port (0: a free one)"
            ) from None
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {err.strerror}") from None
    save_profile(
        "simulator", {"url": sim.url, "apikey": sim.apikey, "secretkey": sim.secretkey}
    )
    if ready_file:
        mark_ready(ready_file, sim.url)
    return sim


def serve_until_stopped(sim) -> None:
    from sscli.simulator import serve

    serve(sim)


def mark_ready(path: str, url: str) -> None:
    write_atomically(path, f"{os.getpid()} {url}\n".encode())


def stop(quiet: bool = False) -> None:
    ready = cache_dir() / PID_FILE
    try:
        pid = int(ready.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        if quiet:
            return
        raise UsageError("no simulator started with --detach is running") from None
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    ready.unlink(missing_ok=True)
