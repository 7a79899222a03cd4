"""Profiles from other clients: CloudMonkey's ~/.cmk/config and cs's ~/.cloudstack.ini.

Both are INI files. CloudMonkey 6 keeps its core settings (profile, output,
timeout, asyncblock, verifycert, prompt, ...) above the first section, and one
section per profile; CloudMonkey 5 had [core] and [ui] sections beside the
profiles. cs keeps one section per region, reads the file with ConfigParser's
default interpolation (%% is %) and uses the region CLOUDSTACK_REGION names,
else [cloudstack].

Everything is read, checked and translated first, then saved in one update of
config.toml: a bad section never leaves half an import behind. What is left out
is said, one warning per key, value or section; a key sscli has no setting for
is named with its section, never with its value.
"""

from __future__ import annotations

import configparser
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sscli import config, signing
from sscli.errors import ConfigError, UsageError

CMK_PATH = "~/.cmk/config"
CS_PATH = "~/.cloudstack.ini"
GLOBAL_SECTION = "__global__"  # where CloudMonkey 6's keys above any section go
NO_DEFAULT_SECTION = "\0"  # cmk's [DEFAULT] is its core, not defaults for all
CMK_CORE_SECTIONS = (GLOBAL_SECTION, "DEFAULT", "core", "ui")
CMK_CORE_KEYS = {  # CloudMonkey name -> sscli setting, shared by every profile
    "output": "output",
    "display": "output",  # CloudMonkey 5
    "asyncblock": "asyncblock",
    "timeout": "timeout",  # cmk's wait for an async job, as sscli's
    "verifycert": "verifycert",
}
CMK_CURRENT_KEY = "profile"  # in cmk's core: the profile it uses
CMK_PROFILE_KEYS = {
    **CMK_CORE_KEYS,
    "url": "url",
    "apikey": "apikey",
    "secretkey": "secretkey",
    "username": "username",
    "password": "password",
    "domain": "domain",
    "verifysslcert": "verifycert",  # CloudMonkey 5
}
# cmk prints json unless told otherwise; sscli's own default (a table on a
# terminal, json when piped) is what a script that worked with cmk still gets.
CMK_DEFAULT_OUTPUTS = ("json", "default")
CMK_OUTPUT_NOTE = (
    "cmk's output json is its default and was not copied: sscli shows a table on "
    "a terminal and JSON when piped (for JSON always: sscli set output json)"
)
CS_DEFAULT_REGION = "cloudstack"
CS_REGION_ENV = "CLOUDSTACK_REGION"
CS_KEYS = {"endpoint": "url", "key": "apikey", "secret": "secretkey"}
CS_TLS_KEYS = ("verify", "dangerous_no_tls_verify")  # read by _cs_tls
# Why a setting of theirs is left out, said once per key; a key not named here
# gets UNKNOWN_KEY_REASON. Patterns as fnmatch reads them.
METHOD_REASON = "sscli picks GET or POST itself (--post forces POST)"
EXPIRY_REASON = (
    f"sscli's signatures expire after {signing.DEFAULT_EXPIRY_SECONDS // 60} minutes"
)
CS_LEFT_OUT = {
    "method": METHOD_REASON,
    "timeout": "cs's HTTP timeout; sscli's own timeout is how long it waits for a job",
    "expiration": EXPIRY_REASON,
    "poll_interval": "sscli paces its job polls itself",
    "retry": "sscli retries reads itself (--retry for other calls)",
    "theme": "sscli colours its own output (NO_COLOR turns colour off)",
    "trace": "sscli shows requests with --debug",
    "cert": "client certificates are not supported by sscli",
    "cert_key": "client certificates are not supported by sscli",
    "header_*": "extra HTTP headers are not supported by sscli",
}
CMK_LEFT_OUT = {
    "postrequest": METHOD_REASON,
    "expires": EXPIRY_REASON,
    "signatureversion": f"sscli signs with version {signing.SIGNATURE_VERSION}",
    "prompt": "a setting of cmk's shell",
    "color": "a setting of cmk's shell",
    "autocomplete": "a setting of cmk's shell",
    "paramcompletion": "a setting of cmk's shell",
    "*_file": "cmk's own file; sscli keeps its own",
}
UNKNOWN_KEY_REASON = "sscli has no such setting"
CREDENTIALS = ("apikey", "secretkey", "username", "password")
# Both files spell booleans as INI readers take them (yes, on, 1: getboolean's
# words, which cmk's go-ini reads too); `sscli set` takes only true and false.
INI_BOOLEANS = configparser.ConfigParser.BOOLEAN_STATES
BAD_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_NAME_LENGTH = 64


@dataclass
class Import:
    """What an import found: sscli profiles by name, the one to make current,
    and the warnings to show."""

    profiles: dict[str, dict] = field(default_factory=dict)
    current: str | None = None
    warnings: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # section -> sscli name

    def warn(self, text: str) -> None:
        if text not in self.warnings:  # a note shared by sections is said once
            self.warnings.append(text)


def import_profiles(source: str, path: str | None) -> Import:
    """Read `cmk` or `cs` settings and save them all as profiles in one update."""
    readers = {"cmk": (read_cmk, CMK_PATH), "cs": (read_cs, CS_PATH)}
    if source not in readers:
        raise UsageError(f"unknown source {source!r}; choose cmk or cs")
    read, default_path = readers[source]
    file_path = Path(path or default_path).expanduser()
    found = read(file_path)
    if not found.profiles:
        raise UsageError(
            f"no profiles in {file_path}: no section has a url or credentials"
        )
    config.save_profiles(found.profiles, found.current)
    return found


# -- reading the INI files -----------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from None


def _parse_ini(
    parser: configparser.ConfigParser, text: str, path: Path, offset: int = 0
) -> None:
    """Parse errors name the line only: configparser quotes it, and it may be a key."""
    try:
        parser.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as err:
        raise ConfigError(
            f"{path}: line {err.lineno - offset} comes before any [section]"
        ) from None
    except configparser.ParsingError as err:
        lines = ", ".join(str(number - offset) for number, _ in err.errors)
        raise ConfigError(f"{path} is not a valid INI file: line {lines}") from None
    except configparser.Error as err:  # duplicates: named by section and key
        raise ConfigError(f"{path} is not a valid INI file: {err.message}") from None


# -- CloudMonkey ----------------------------------------------------------------------


def read_cmk(path: Path) -> Import:
    # As go-ini reads it for cmk: no interpolation, a repeated key wins.
    parser = configparser.ConfigParser(
        interpolation=None, strict=False, default_section=NO_DEFAULT_SECTION
    )
    _parse_ini(parser, f"[{GLOBAL_SECTION}]\n" + _read_text(path), path, offset=1)
    found = Import()
    shared: dict = {}
    for name in CMK_CORE_SECTIONS:
        if parser.has_section(name):
            raw = _cmk_values(found, parser[name])
            raw.pop(CMK_CURRENT_KEY, None)  # read by _cmk_current
            shared.update(_translate(found, name, raw, CMK_CORE_KEYS, CMK_LEFT_OUT))
    for section in parser.sections():
        if section not in CMK_CORE_SECTIONS:
            raw = _cmk_values(found, parser[section])
            own = _translate(found, section, raw, CMK_PROFILE_KEYS, CMK_LEFT_OUT)
            _add_profile(found, section, {**shared, **own})
    current = _cmk_current(parser)
    found.current = found.names.get(current or "")
    if current and not found.current:
        found.warn(f"cmk's profile {current!r} was not imported; the current one stays")
    return found


def _cmk_values(found: Import, section) -> dict[str, str]:
    """The section's values as cmk sees them; its default output is not copied,
    since sscli's default serves a cmk user better."""
    raw = {key: _unquote(value.strip()) for key, value in section.items()}
    for key in ("output", "display"):
        if raw.get(key, "").lower() in CMK_DEFAULT_OUTPUTS:
            del raw[key]
            found.warn(CMK_OUTPUT_NOTE)
    return raw


def _cmk_current(parser: configparser.ConfigParser) -> str | None:
    for name in CMK_CORE_SECTIONS:
        if parser.has_section(name) and parser[name].get(CMK_CURRENT_KEY, "").strip():
            return _unquote(parser[name][CMK_CURRENT_KEY].strip())
    return None


def _unquote(value: str) -> str:
    """go-ini drops one pair of quotes around a value, and triple ones cmk writes."""
    if len(value) >= 6 and value.startswith('"""') and value.endswith('"""'):
        return value[3:-3]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        return value[1:-1]
    return value


# -- cs -------------------------------------------------------------------------------


def read_cs(path: Path) -> Import:
    parser = configparser.ConfigParser()  # as cs reads it: %% is %, [DEFAULT] shared
    _parse_ini(parser, _read_text(path), path)
    found = Import()
    for section in parser.sections():
        raw = _cs_values(found, parser, section)
        others = {key: raw[key] for key in raw if key not in CS_TLS_KEYS}
        values = _translate(found, section, others, CS_KEYS, CS_LEFT_OUT)
        values.update(_cs_tls(found, section, raw))
        _add_profile(found, section, values)
    chosen = os.environ.get(CS_REGION_ENV)
    found.current = found.names.get(chosen or CS_DEFAULT_REGION)
    if chosen and not found.current:
        found.warn(
            f"{CS_REGION_ENV} names {chosen!r}, which was not imported; "
            "the current profile stays"
        )
    return found


def _cs_values(found: Import, parser, section: str) -> dict[str, str]:
    values = {}
    for key in parser.options(section):
        try:
            values[key] = parser.get(section, key)
        except configparser.InterpolationError:  # its message quotes the value
            found.warn(
                f"{_label(section)} {key}: a '%' that is not '%%' or '%(name)s'; "
                "not imported"
            )
    return values


def _cs_tls(found: Import, section: str, raw: dict[str, str]) -> dict:
    """cs's verify is a CA bundle (or true/false); a bundle wins over
    dangerous_no_tls_verify, as in cs."""
    values: dict = {}
    no_verify = raw.get("dangerous_no_tls_verify", "").strip().lower()
    if no_verify in INI_BOOLEANS:
        if INI_BOOLEANS[no_verify]:
            values["verifycert"] = False
    elif no_verify:
        found.warn(
            f"{_label(section)} dangerous_no_tls_verify: expected true or false, "
            f"got {no_verify!r}; not imported"
        )
    verify = raw.get("verify", "").strip()
    if verify.lower() in INI_BOOLEANS:
        values["verifycert"] = INI_BOOLEANS[verify.lower()]
    elif verify:
        values.update(
            _translate(found, section, {"verify": verify}, {"verify": "cafile"})
        )
        if "cafile" in values:
            values.pop("verifycert", None)
    return values


# -- the steps both share -------------------------------------------------------------


def _label(section: str) -> str:
    return "top-level" if section == GLOBAL_SECTION else f"[{section}]"


def _translate(
    found: Import, section: str, raw: dict, names: dict, left_out: dict | None = None
) -> dict:
    """Their keys to sscli settings, each checked as `sscli set` checks it; a value
    sscli would refuse, or a key it has no setting for, is left out and said,
    never guessed. An empty value loses nothing and is skipped without a word."""
    values: dict = {}
    for their_name, value in raw.items():
        ours = names.get(their_name.lower())
        text = value.strip()
        if not text:
            continue
        if not ours:
            reason = _left_out_reason(their_name.lower(), left_out or {})
            found.warn(f"{_label(section)} {their_name}: {reason}; not imported")
            continue
        if ours in config.BOOLEAN_SETTINGS and text.lower() in INI_BOOLEANS:
            text = "true" if INI_BOOLEANS[text.lower()] else "false"
        try:
            parsed = config.SETTINGS[ours](text)
        except UsageError as err:  # its message never quotes a secret
            found.warn(f"{_label(section)} {their_name}: {err}; not imported")
            continue
        if parsed != getattr(config.Profile, ours):  # sscli's default: no key
            values[ours] = parsed
    return values


def _left_out_reason(key: str, reasons: dict) -> str:
    matches = (
        why for pattern, why in reasons.items() if fnmatch.fnmatchcase(key, pattern)
    )
    return next(matches, UNKNOWN_KEY_REASON)


def _add_profile(found: Import, section: str, values: dict) -> None:
    if not values.get("url") and not any(values.get(key) for key in CREDENTIALS):
        found.warn(f"[{section}]: no url or credentials; skipped")
        return
    name = _profile_name(section, found.profiles)
    _drop_half_key_pair(found, section, name, values)
    found.names[section] = name
    if name != section:
        found.warn(
            f"[{section}] is imported as profile {name!r} (profile names are "
            "letters, digits, '.', '_' and '-')"
        )
    found.profiles[name] = values


def _drop_half_key_pair(found: Import, section: str, name: str, values: dict) -> None:
    """Half a key pair with a username and password is a password profile: cmk
    signs only with both keys and logs in otherwise, and so will sscli."""
    keys = [key for key in ("apikey", "secretkey") if values.get(key)]
    if len(keys) != 1:
        return
    if values.get("username") and values.get("password"):
        del values[keys[0]]
        found.warn(
            f"[{section}] {keys[0]} without its pair was left out: the profile "
            "logs in with its username and password"
        )
    else:
        missing = "secretkey" if keys == ["apikey"] else "apikey"
        found.warn(
            f"[{section}] has no {missing}; add it with: sscli -p {name} set {missing}"
        )


def _profile_name(section: str, taken: dict) -> str:
    """The section's name made a valid sscli profile name, distinct from the others."""
    name = BAD_NAME_CHARACTERS.sub("-", section).lstrip("-_.")[:MAX_NAME_LENGTH]
    name = name or "imported"
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return config.check_profile_name(candidate)
