"""Where catalogs live on disk, and writing them without ever leaving half a file.

Every TAB reads from here, so this module imports nothing beyond os and sys:
platformdirs alone costs more than the whole completion budget on a slow box.
"""

from __future__ import annotations

import os
import sys

CACHE_DIR_ENV = "SSCLI_CACHE_DIR"
CONFIG_DIR_ENV = "SSCLI_CONFIG_DIR"
APP_NAME = "sscli"
DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
BUNDLED_INDEX = os.path.join(DATA_DIR, "catalog-4.18.idx")
BUNDLED_DETAILS = os.path.join(DATA_DIR, "details-4.18.gz")
BUNDLED_ANSWER = os.path.join(DATA_DIR, "listApis-4.18.json.gz")  # the source
CATALOG_SUBDIR = "catalog"
INDEX_SUFFIX = ".idx"
DETAILS_SUFFIX = ".details.gz"


def cache_dir() -> str:
    """SSCLI_CACHE_DIR, else platformdirs.user_cache_dir("sscli")."""
    moved = os.environ.get(CACHE_DIR_ENV)
    if moved:
        return moved
    if sys.platform.startswith("linux"):
        return _xdg_dir("XDG_CACHE_HOME", "~/.cache")
    from platformdirs import user_cache_dir

    return user_cache_dir(APP_NAME)


def config_dir() -> str:
    """SSCLI_CONFIG_DIR, else platformdirs.user_config_dir("sscli")."""
    moved = os.environ.get(CONFIG_DIR_ENV)
    if moved:
        return moved
    if sys.platform.startswith("linux"):
        return _xdg_dir("XDG_CONFIG_HOME", "~/.config")
    from platformdirs import user_config_dir

    return user_config_dir(APP_NAME)


def _xdg_dir(variable: str, fallback: str) -> str:
    # The same answer platformdirs gives on Linux, without its 25 ms import.
    base = os.environ.get(variable, "").strip() or os.path.expanduser(fallback)
    return os.path.join(base, APP_NAME)


def profile_paths(profile_name: str) -> tuple[str, str]:
    """The synced (index, details) files of one profile."""
    folder = os.path.join(cache_dir(), CATALOG_SUBDIR)
    stem = os.path.join(folder, safe_file_name(profile_name))
    return stem + INDEX_SUFFIX, stem + DETAILS_SUFFIX


def safe_file_name(name: str) -> str:
    """Profile names are checked by config, but a cache path must never escape."""
    kept = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in name)
    return kept.lstrip(".") or "_"


def has_synced_catalogs() -> bool:
    try:
        entries = os.listdir(os.path.join(cache_dir(), CATALOG_SUBDIR))
    except OSError:
        return False
    return any(entry.endswith(INDEX_SUFFIX) for entry in entries)


def read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def write_atomically(path: str, data: bytes) -> None:
    """Temporary file in the same dir, fsync, rename: readers see old or new."""
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    tmp_path = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp_path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        _remove_quietly(tmp_path)
        raise


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
