"""Profiles from other clients: CloudMonkey's ~/.cmk/config and cs's ~/.cloudstack.ini.

Both are INI files. CloudMonkey 6 keeps global keys above its first section and
one section per profile; CloudMonkey 5 had [core] and [ui] sections beside the
profiles. cs keeps one section per region with endpoint, key and secret.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from sscli import config
from sscli.errors import ConfigError, UsageError

CMK_PATH = "~/.cmk/config"
CS_PATH = "~/.cloudstack.ini"
GLOBAL_SECTION = "__global__"
CMK_NON_PROFILES = {GLOBAL_SECTION, "core", "ui"}  # others with a url are profiles
CMK_KEYS = {  # CloudMonkey name -> sscli setting
    "url": "url",
    "apikey": "apikey",
    "secretkey": "secretkey",
    "username": "username",
    "password": "password",
    "domain": "domain",
    "timeout": "timeout",
    "verifycert": "verifycert",
    "verifysslcert": "verifycert",
    "output": "output",
    "display": "output",
    "asyncblock": "asyncblock",
}
CMK_SHARED_KEYS = {
    key: CMK_KEYS[key]
    for key in ("output", "display", "asyncblock", "timeout", "verifycert")
}
CS_KEYS = {
    "endpoint": "url",
    "key": "apikey",
    "secret": "secretkey",
    "timeout": "timeout",
    "verify": "cafile",
}


def read_ini(path: Path) -> configparser.ConfigParser:
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        # CloudMonkey 6 writes global keys before any section header.
        parser.read_string(f"[{GLOBAL_SECTION}]\n{text}", source=str(path))
    except configparser.Error as err:
        raise ConfigError(f"{path} is not a valid INI file: {err}") from None
    return parser


def cmk_profiles(parser: configparser.ConfigParser) -> dict[str, dict]:
    defaults: dict = {}
    for holder in (GLOBAL_SECTION, "core", "ui"):  # settings every profile shares
        if parser.has_section(holder):
            defaults.update(_translate(parser[holder], CMK_SHARED_KEYS))
    return {
        section: {**defaults, **_translate(parser[section], CMK_KEYS)}
        for section in parser.sections()
        if section not in CMK_NON_PROFILES and "url" in parser[section]
    }


def cs_profiles(parser: configparser.ConfigParser) -> dict[str, dict]:
    profiles = {}
    for section in parser.sections():
        if section == GLOBAL_SECTION or "endpoint" not in parser[section]:
            continue
        values = _translate(parser[section], CS_KEYS)
        if parser[section].get("dangerous_no_tls_verify", "").lower() == "true":
            values["verifycert"] = False
        if parser[section].get("verify", "").lower() in ("false", "true"):
            values.pop("cafile", None)
            values["verifycert"] = parser[section]["verify"].lower() == "true"
        profiles[section] = values
    return profiles


def _get(parser, section: str, key: str) -> str | None:
    if not parser.has_section(section):
        return None
    return parser[section].get(key) or None


def _translate(section, names: dict[str, str]) -> dict:
    values: dict = {}
    for their_name, value in section.items():
        ours = names.get(their_name.lower())
        if ours and value.strip():
            _store(values, ours, value.strip())
    return values


def _store(values: dict, key: str, raw: str) -> None:
    """Keep what sscli accepts; a value it would refuse is left out, not guessed."""
    try:
        values[key] = config.parse_setting(key, raw)
    except UsageError:
        pass


def import_profiles(source: str, path: str | None) -> dict[str, dict]:
    """Read `cmk` or `cs` settings and save each as a profile; return them."""
    if source == "cmk":
        profiles = cmk_profiles(read_ini(Path(path or CMK_PATH).expanduser()))
    elif source == "cs":
        profiles = cs_profiles(read_ini(Path(path or CS_PATH).expanduser()))
    else:
        raise UsageError(f"unknown source {source!r}; choose cmk or cs")
    if not profiles:
        raise UsageError(f"no profiles with a url found in {path or source}")
    for name, values in profiles.items():
        config.save_profile(config.check_profile_name(name), values)
    return profiles
