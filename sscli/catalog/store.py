"""Where catalogs live on disk: the bundled files, each profile's synced ones, and
the ids a TAB fetched for a profile.

Every TAB reads from here, so it imports only os and sscli.files (dirs and
atomic writes, shared with the config).
"""

from __future__ import annotations

import os

from sscli.files import cache_dir, config_dir, write_atomically  # noqa: F401 - shared

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
BUNDLED_INDEX = os.path.join(DATA_DIR, "catalog-4.18.idx")
BUNDLED_DETAILS = os.path.join(DATA_DIR, "details-4.18.gz")
CATALOG_SUBDIR = "catalog"
IDS_SUBDIR = "complete"
INDEX_SUFFIX = ".idx"
DETAILS_SUFFIX = ".details.gz"


def profile_paths(profile_name: str) -> tuple[str, str]:
    """The synced (index, details) files of one profile."""
    folder = os.path.join(cache_dir(), CATALOG_SUBDIR)
    stem = os.path.join(folder, safe_file_name(profile_name))
    return stem + INDEX_SUFFIX, stem + DETAILS_SUFFIX


def ids_dir(profile_name: str) -> str:
    """Where completion caches the ids it fetched for one profile."""
    return os.path.join(cache_dir(), IDS_SUBDIR, safe_file_name(profile_name))


def forget_profile(profile_name: str) -> None:
    """Remove a deleted profile's synced catalog, cached ids and login session,
    so that a new profile of the same name starts from the bundled catalog."""
    import shutil

    from sscli import session

    try:
        for path in profile_paths(profile_name):
            if os.path.lexists(path):
                os.unlink(path)
        if os.path.isdir(ids_dir(profile_name)):
            shutil.rmtree(ids_dir(profile_name))
        session.forget(profile_name)
    except OSError as err:
        from sscli.errors import ConfigError

        raise ConfigError(
            f"cannot remove the cache of profile {profile_name!r}: {err}; "
            f"remove it by hand"
        ) from None


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
