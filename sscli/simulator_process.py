"""Running the simulator in the background for the quick start: start, wait, stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from sscli.config import cache_dir
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
    with open(directory / LOG_FILE, "ab") as log:
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
    raise UsageError(f"the simulator did not start; see {log}")


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
