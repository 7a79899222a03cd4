"""The config file itself: read and check its shape, write it atomically under a lock.

sscli.config decides what the settings mean; this module only keeps the TOML file
sound: a file sscli cannot read or that has the wrong shape is reported with its
name and key and never overwritten, and concurrent writers all land.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

from sscli import files
from sscli.errors import ConfigError

LOCK_FILE = ".config.lock"
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
BARE_TOML_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
TOML_TYPES = {  # for saying what a key of the wrong type holds
    bool: "a boolean",  # before int: a bool is an int to isinstance
    int: "an integer",
    float: "a float",
    str: "a string",
    list: "an array",
    dict: "a table",
}


def _toml_loads(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib.loads(text)


def load_file(path: Path) -> dict:
    """The config file as a dict; {} when it does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config file {path}: {err}") from None
    try:
        data = _toml_loads(text)
    except ValueError as err:  # TOMLDecodeError names the line and column
        raise ConfigError(
            f"config file {path} is not valid TOML: {err}; "
            "fix or remove that line (sscli will not overwrite it)"
        ) from None
    _check_shape(data, path)
    warn_if_readable(path)
    return data


def _check_shape(data: dict, path: Path) -> None:
    """Valid TOML can still be the wrong shape; say which key, and touch nothing."""
    current = data.get("current_profile")
    if current is not None:
        if not isinstance(current, str):
            raise _shape_error(
                path, ["current_profile"], "a profile name in quotes", current
            )
        if current and not PROFILE_NAME.match(current):
            raise _name_error(path, ["current_profile"], current)
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise _shape_error(path, ["profiles"], "a table of profiles", profiles)
    for name, settings in profiles.items():
        if not PROFILE_NAME.match(name):
            raise _name_error(path, ["profiles", name], name)
        if not isinstance(settings, dict):
            raise _shape_error(path, ["profiles", name], "a table", settings)


def _shape_error(path: Path, keys: list[str], wanted: str, value) -> ConfigError:
    found = next(
        (text for kind, text in TOML_TYPES.items() if isinstance(value, kind)),
        "a date",  # the one TOML type left
    )
    return ConfigError(
        f"config file {path}: {_key_path(keys)} must be {wanted}, not {found}; "
        "fix or remove it (sscli will not overwrite the file)"
    )


def _name_error(path: Path, keys: list[str], name: str) -> ConfigError:
    return ConfigError(
        f"config file {path}: {_key_path(keys)}: {name!r} is not a profile name "
        "(letters, digits, '.', '_' or '-'); rename it in the file"
    )


def _key_path(keys: list[str]) -> str:
    """profiles."my cloud".url, as TOML spells a key path."""
    return ".".join(key if BARE_TOML_KEY.match(key) else f'"{key}"' for key in keys)


def warn_if_readable(path: Path) -> None:
    """Keys and passwords live here: say so when others can read the file."""
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            print(
                f"Warning: {path} is readable by others (mode {mode:o}); "
                f"fix it with: chmod 600 {path}",
                file=sys.stderr,
            )


def _write_file(path: Path, data: dict) -> None:
    import tomli_w

    files.write_atomically(path, tomli_w.dumps(data).encode("utf-8"))


@contextlib.contextmanager
def _locked(directory: Path):
    """Serialise read-modify-write so concurrent `set`s all land."""
    files.ensure_private_dir(directory)
    lock_path = directory / LOCK_FILE
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def update_file(path: Path, change) -> dict:
    """Apply change(data) to the config file under a lock and write it back."""
    try:
        with _locked(path.parent):
            data = load_file(path)
            change(data)
            _write_file(path, data)
    except OSError as err:  # a read-only disk, or a file where the dir should be
        raise ConfigError(f"cannot write config file {path}: {err.strerror}") from None
    return data
