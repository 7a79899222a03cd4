"""Completing settings, profiles and option values: the rarer TABs.

Kept apart from the API-name path so that a TAB on a name compiles less; this is
also the only part of completion that reads the config file.
"""

from __future__ import annotations

import os
import sys

from sscli import options
from sscli.catalog import store
from sscli.completion import (
    BOOLEANS,
    PROFILE_OPTIONS,
    SHELLS,
    Candidate,
    load_names,
    matching,
)

OUTPUT_OPTIONS = ("-o", "--output")
OUTPUT_FORMATS = ("json", "table", "csv", "text", "column", "tsv")
SETTING_VALUES = {
    "output": (*OUTPUT_FORMATS, "auto"),
    "verifycert": BOOLEANS,
    "asyncblock": BOOLEANS,
    "signaturealgorithm": ("hmacsha1", "hmacsha512"),
}
SETTINGS = (
    "profile",
    "url",
    "apikey",
    "secretkey",
    "username",
    "password",
    "domain",
    "output",
    "timeout",
    "verifycert",
    "asyncblock",
    "signaturealgorithm",
    "cafile",
)
PROFILE_ENV = "SSCLI_PROFILE"
CONFIG_FILE = "config.toml"
DEFAULT_PROFILE = "default"


def option_values(option: str, current: str) -> list[Candidate]:
    if option in PROFILE_OPTIONS:
        return matching(profile_names(), current)
    if option in OUTPUT_OPTIONS:
        return matching(OUTPUT_FORMATS, current)
    return []


def builtin_args(line, builtin: str, args: list[str], current: str):
    """The words after `sscli set`, `help`, `profiles` and `completion`."""
    if builtin == "completion" and not args:
        return matching(SHELLS, current)
    if builtin == "help" and not args:
        return matching(load_names(line.profile), current)
    if builtin == "profiles":
        return _profiles_args(args, current)
    if builtin != "set":
        return []
    if not args:
        return matching(SETTINGS, current)
    if len(args) == 1 and args[0] == "profile":
        return matching(profile_names(), current)
    if len(args) == 1:
        return matching(SETTING_VALUES.get(args[0].lower(), ()), current)
    return []


def _profiles_args(args: list[str], current: str) -> list[Candidate]:
    """`profiles import cmk|cs`, `profiles delete NAME`."""
    if not args:
        return matching(options.PROFILES_COMMANDS, current)
    if args == ["import"]:
        return matching(options.IMPORT_SOURCES, current)
    if args == ["delete"]:
        return matching(profile_names(), current)
    return []


def current_profile() -> str:
    """SSCLI_PROFILE, else the file's current_profile, else "default"."""
    chosen = os.environ.get(PROFILE_ENV)
    if chosen:
        return chosen
    text = store.read_text(os.path.join(store.config_dir(), CONFIG_FILE)) or ""
    quick = _quick_current_profile(text)
    if quick is not None:
        return quick
    return _read_config(text).get("current_profile") or DEFAULT_PROFILE


def _quick_current_profile(text: str) -> str | None:
    """The top-level `current_profile = "name"` without loading a TOML parser;
    None when the line is not that simple."""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            return DEFAULT_PROFILE
        key, equals, value = line.partition("=")
        if equals and key.strip() == "current_profile":
            value = value.strip()
            if len(value) > 1 and value[0] == value[-1] == '"' and "\\" not in value:
                return value[1:-1]
            return None
    return DEFAULT_PROFILE


def profile_names() -> list[str]:
    text = store.read_text(os.path.join(store.config_dir(), CONFIG_FILE)) or ""
    profiles = _read_config(text).get("profiles")
    return sorted(profiles) if isinstance(profiles, dict) else []


def _read_config(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except ValueError:
        return {}
