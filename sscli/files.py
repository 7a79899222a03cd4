"""Where sscli keeps its files, and writing them so that no reader sees half a file.

Imports only os and sys: a TAB reads the config and cache dirs through here, and
platformdirs alone costs more than a completion answer may take on Linux.
"""

from __future__ import annotations

import os
import sys

APP_NAME = "sscli"
CONFIG_DIR_ENV = "SSCLI_CONFIG_DIR"
CACHE_DIR_ENV = "SSCLI_CACHE_DIR"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
OPEN_TO_OTHERS = 0o077  # group or other may list or enter
_warned_dirs: set[str] = set()  # one warning per dir and run, however many writes


def config_dir() -> str:
    """SSCLI_CONFIG_DIR, else platformdirs.user_config_dir("sscli")."""
    return _user_dir(CONFIG_DIR_ENV, "XDG_CONFIG_HOME", "~/.config", "user_config_dir")


def cache_dir() -> str:
    """SSCLI_CACHE_DIR, else platformdirs.user_cache_dir("sscli")."""
    return _user_dir(CACHE_DIR_ENV, "XDG_CACHE_HOME", "~/.cache", "user_cache_dir")


def _user_dir(moved_by: str, xdg_variable: str, xdg_default: str, finder: str) -> str:
    moved = os.environ.get(moved_by)
    if moved:
        return moved
    if sys.platform.startswith("linux"):
        # The answer platformdirs gives on Linux, without its import.
        base = os.environ.get(xdg_variable, "").strip()
        return os.path.join(base or os.path.expanduser(xdg_default), APP_NAME)
    import platformdirs

    return getattr(platformdirs, finder)(APP_NAME)


def ensure_private_dir(folder: str | os.PathLike) -> None:
    """Create the dir (and parents) readable by the user alone. An existing one
    is the user's to change, so one open to others is warned about, not fixed."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        _make_private_dirs(folder)
    elif os.name == "posix":
        warn_if_open(folder)


def _make_private_dirs(folder: str) -> None:
    """Like os.makedirs, but the parents it creates are private too: since
    Python 3.7 makedirs gives them the umask's mode (0755, usually)."""
    parent = os.path.dirname(os.path.abspath(folder))
    if not os.path.isdir(parent):
        _make_private_dirs(parent)
    try:
        os.mkdir(folder, PRIVATE_DIR_MODE)
    except FileExistsError:  # another sscli made it first
        return
    os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is cut by the umask


def warn_if_open(folder: str) -> None:
    if folder in _warned_dirs:
        return
    try:
        mode = os.stat(folder).st_mode & 0o777
    except OSError:
        return
    if mode & OPEN_TO_OTHERS:
        _warned_dirs.add(folder)
        print(
            f"Warning: {folder} is open to other users (mode {mode:o}); "
            f"fix it with: chmod {PRIVATE_DIR_MODE:o} {folder}",
            file=sys.stderr,
        )


def write_atomically(
    path: str | os.PathLike, data: bytes, mode: int = PRIVATE_FILE_MODE
) -> None:
    """Temporary file beside it, fsync, rename: readers see the old or the new file."""
    # Imported here, not at the top: a TAB reads through this module, never writes.
    import contextlib
    import threading

    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    ensure_private_dir(folder)
    tmp_path = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    handle = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_path)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
