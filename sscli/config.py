"""Server profiles and the one place settings are resolved; the file is config_file.

Precedence, for every setting: command-line flag, then environment variable, then
the profile in config.toml, then the default below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from sscli import config_file, files
from sscli.config_file import PROFILE_NAME
from sscli.errors import ConfigError, UsageError

CONFIG_FILE = "config.toml"
DEFAULT_PROFILE = "default"
OUTPUT_FORMATS = ("json", "table", "csv", "text", "column", "tsv")
AUTO_OUTPUT = "auto"  # the default: a table on a terminal, json when piped
SECRET_KEYS = ("secretkey", "password")
SIGNATURE_ALGORITHMS = ("HmacSHA1", "HmacSHA512")
BOOLEANS = ("true", "false")
BOOLEAN_SETTINGS = ("verifycert", "asyncblock")  # parsed by _parse_bool
EXAMPLE_URL = "https://cloud.example.com/client/api"
# `sscli set` shows this much of an apikey, and only of one this long: a prefix of
# a short key would give most of it away (CloudStack's own keys are 86 characters).
APIKEY_SHOWN_PREFIX = 4
APIKEY_PREFIX_MIN_LENGTH = 16
# Where the profile of a run was named, besides an environment variable's name.
FLAG_SOURCE = "-p"
FILE_SOURCE = "current_profile"

# Environment variables for a single run; the cs-style names are accepted too.
ENV_SETTINGS = {
    "profile": ("SSCLI_PROFILE",),
    "url": ("SSCLI_URL", "CLOUDSTACK_ENDPOINT"),
    "apikey": ("SSCLI_APIKEY", "CLOUDSTACK_KEY"),
    "secretkey": ("SSCLI_SECRETKEY", "CLOUDSTACK_SECRET"),
    "output": ("SSCLI_OUTPUT",),
}


@dataclass
class Profile:
    name: str = DEFAULT_PROFILE
    url: str = ""
    apikey: str = ""
    secretkey: str = ""
    username: str = ""
    password: str = ""
    domain: str = "/"
    output: str = ""  # empty (shown as auto): table on a terminal, json otherwise
    timeout: int = 1800  # seconds an async job may take; also caps a read
    verifycert: bool = True
    asyncblock: bool = True
    signaturealgorithm: str = "HmacSHA1"
    cafile: str = ""
    # (setting, variable) for each value the environment gave this run: a value
    # nobody typed into the profile is said where it came from, by `set` and on a
    # 401. A tuple, so that a profile stays hashable as a key of shared clients.
    from_env: tuple[tuple[str, str], ...] = ()

    def masked(self) -> dict[str, str]:
        return {
            setting.name: shown_value(setting.name, getattr(self, setting.name))
            for setting in fields(self)
            if setting.name != "from_env"
        }

    def variable(self, key: str) -> str:
        """The environment variable that gave `key` this run, or ""."""
        return dict(self.from_env).get(key, "")

    def origin(self, key: str) -> str:
        """Where this run's value of `key` came from, as a message says it."""
        return self.variable(key) or f"profile {self.name!r}"


def shown_value(key: str, value) -> str:
    """A setting as `sscli set` shows it: secrets hidden, the apikey shortened."""
    if key in SECRET_KEYS:
        return "(hidden)" if value else ""
    if key == "output" and not value:
        return AUTO_OUTPUT
    if key == "apikey" and value:
        if len(value) < APIKEY_PREFIX_MIN_LENGTH:
            return "…"
        return value[:APIKEY_SHOWN_PREFIX] + "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- where the files live ---------------------------------------------------------


def config_dir() -> Path:
    return Path(files.config_dir())


def cache_dir() -> Path:
    return Path(files.cache_dir())


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


# -- validating one value -----------------------------------------------------------


def _parse_bool(value: str) -> bool:
    """true or false in any case, and nothing else, as an API boolean parameter;
    importing maps other clients' spellings (yes, on, 1) to these itself."""
    lowered = value.lower()
    if lowered not in BOOLEANS:
        raise UsageError(f"expected true or false, got {value!r}")
    return lowered == "true"


def _parse_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if "@" in parts.netloc:
        # Not quoted back: what is before the @ is likely a password.
        raise UsageError(
            "the URL holds user:password@; give the URL without it and "
            "set username and password instead"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: {value!r} (like {EXAMPLE_URL})")
    if parts.query or parts.fragment or value.strip().endswith(("?", "#")):
        # sscli builds and signs the query itself; a stored one would be sent
        # unsigned beside it and the server would answer 401.
        raise UsageError(
            f"the URL must end at its path, without ?query or #fragment: {value!r} "
            f"(like {EXAMPLE_URL})"
        )
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise UsageError(f"bad port in URL {value!r}") from None
    return value.strip()


def _parse_timeout(value: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        raise UsageError(f"timeout is whole seconds, got {value!r}") from None
    if seconds <= 0:
        raise UsageError(f"timeout must be positive, got {value!r}")
    return seconds


def _parse_output(value: str) -> str:
    lowered = value.strip().lower()
    if lowered == AUTO_OUTPUT:
        return ""
    if lowered not in OUTPUT_FORMATS:
        choices = ", ".join([*OUTPUT_FORMATS, AUTO_OUTPUT])
        raise UsageError(f"unknown output {value!r}; choose one of {choices}")
    return lowered


def _parse_token(value: str) -> str:
    if not value or any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise UsageError("must be non-empty, without spaces or control characters")
    return value


def _parse_algorithm(value: str) -> str:
    for name in SIGNATURE_ALGORITHMS:
        if value.strip().lower() == name.lower():
            return name
    raise UsageError(f"signaturealgorithm is HmacSHA1 or HmacSHA512, got {value!r}")


def _parse_cafile(value: str) -> str:
    if value and not Path(value).expanduser().is_file():
        raise UsageError(f"no such CA bundle file: {value!r}")
    return str(Path(value).expanduser()) if value else ""


def _parse_text(value: str) -> str:
    return value


SETTINGS = {
    "url": _parse_url,
    "apikey": _parse_token,
    "secretkey": _parse_token,
    "username": _parse_text,
    "password": _parse_text,
    "domain": _parse_text,
    "output": _parse_output,
    "timeout": _parse_timeout,
    "verifycert": _parse_bool,
    "asyncblock": _parse_bool,
    "signaturealgorithm": _parse_algorithm,
    "cafile": _parse_cafile,
}


def parse_setting(key: str, value: str):
    parser = SETTINGS.get(key)
    if parser is None:
        known = ", ".join(["profile", *SETTINGS])
        raise UsageError(f"unknown setting {key!r}; known settings: {known}")
    try:
        return parser(value)
    except UsageError as err:
        raise UsageError(f"bad value for {key}: {err}") from None


def check_profile_name(name: str) -> str:
    if not PROFILE_NAME.match(name):
        raise UsageError(
            f"bad profile name {name!r}: use letters, digits, '.', '_' or '-'"
        )
    return name


# -- the file ----------------------------------------------------------------------


def load_file(path: Path | None = None) -> dict:
    """The config file as a dict; {} when it does not exist yet."""
    return config_file.load_file(path or config_path())


def update_file(change) -> dict:
    """Apply change(data) to the config file under a lock and write it back."""
    return config_file.update_file(config_path(), change)


# -- the operations behind `sscli set` -------------------------------------------------


def current_profile_name(data: dict) -> str:
    return data.get("current_profile") or DEFAULT_PROFILE


def switch_profile(name: str) -> bool:
    """Make `name` current; return True when it did not exist before."""
    check_profile_name(name)
    created = []

    def change(data: dict) -> None:
        profiles = data.setdefault("profiles", {})
        if name not in profiles:
            profiles[name] = {}
            created.append(name)
        data["current_profile"] = name

    update_file(change)
    return bool(created)


def set_value(key: str, raw: str, profile: str | None = None) -> str:
    """Validate and store one setting in the profile this run resolves to (the
    flag, SSCLI_PROFILE, the current one); return that profile's name."""
    value = parse_setting(key, raw)
    target = []

    def change(data: dict) -> None:
        name, _ = choose_profile(data, profile)
        data.setdefault("current_profile", name)
        stored = data.setdefault("profiles", {}).setdefault(name, {})
        if _means_unset(key, value):
            stored.pop(key, None)
        else:
            stored[key] = value
        target.append(name)

    update_file(change)
    return target[0]


def _means_unset(key: str, value) -> bool:
    """`set output auto` and `set cafile ''` go back to the default: no key."""
    return value == "" and getattr(Profile, key, None) == ""


def save_profile(name: str, values: dict, make_current: bool = False) -> None:
    save_profiles({name: values}, current=name if make_current else None)


def save_profiles(profiles: dict[str, dict], current: str | None = None) -> None:
    """Add or update several profiles in one write: all of them land, or none.
    `current` becomes the current profile; else the first does, if none is."""
    for name in profiles:
        check_profile_name(name)

    def change(data: dict) -> None:
        stored = data.setdefault("profiles", {})
        for name, values in profiles.items():
            stored.setdefault(name, {}).update(values)
        if current:
            data["current_profile"] = current
        elif "current_profile" not in data and profiles:
            data["current_profile"] = next(iter(profiles))

    update_file(change)


def delete_profile(name: str) -> bool:
    """Remove a profile; True when it was the current one (none is current then)."""
    was_current = []

    def change(data: dict) -> None:
        if name not in data.get("profiles", {}):
            known = ", ".join(sorted(data.get("profiles", {}))) or "none yet"
            raise UsageError(f"no profile named {name!r} (profiles: {known})")
        del data["profiles"][name]
        if data.get("current_profile") == name:
            del data["current_profile"]
            was_current.append(name)

    update_file(change)
    return bool(was_current)


def profile_names() -> tuple[str, list[str]]:
    data = load_file()
    return current_profile_name(data), sorted(data.get("profiles", {}))


# -- resolving the settings of one run -------------------------------------------------


def _from_env(key: str, env) -> tuple[str, str] | None:
    """(variable, value) of the first variable set for this setting, if any."""
    for variable in ENV_SETTINGS.get(key, ()):
        if env.get(variable):
            return variable, env[variable]
    return None


def choose_profile(data: dict, flag: str | None, env=None) -> tuple[str, str]:
    """The profile of this run and what named it: the -p flag, the environment,
    the file's current_profile, or "" for the default. Reads and writes alike."""
    env = os.environ if env is None else env
    if flag:
        return check_profile_name(flag), FLAG_SOURCE
    from_env = _from_env("profile", env)
    if from_env:
        variable, name = from_env
        if not PROFILE_NAME.match(name):
            raise ConfigError(
                f"environment variable {variable}: bad profile name {name!r}: "
                "use letters, digits, '.', '_' or '-'"
            )
        return name, variable
    if data.get("current_profile"):
        return data["current_profile"], FILE_SOURCE
    return DEFAULT_PROFILE, ""


def _no_such_profile(name: str, source: str, profiles: dict) -> ConfigError:
    known = ", ".join(sorted(profiles)) or "none yet"
    message = f"no profile named {name!r} (profiles: {known})"
    if source == FILE_SOURCE:
        message += (
            f"; it is the current_profile in {config_path()}: "
            "pick one with sscli set profile NAME"
        )
    elif source != FLAG_SOURCE:
        message += f"; it comes from the environment variable {source}"
    return ConfigError(message)


def resolve(profile: str | None = None, output: str | None = None, env=None) -> Profile:
    """The settings for this run: flag, then environment, then profile, then default."""
    env = os.environ if env is None else env
    data = load_file()
    profiles = data.get("profiles", {})

    name, source = choose_profile(data, profile, env)
    stored = profiles.get(name)
    if stored is None and source:
        raise _no_such_profile(name, source, profiles)

    resolved = Profile(name=name)
    if source in ENV_SETTINGS["profile"]:
        resolved.from_env += (("profile", source),)
    for key, value in (stored or {}).items():
        if key in SETTINGS:
            setattr(resolved, key, _stored_value(key, value, name))
    for key in ("url", "apikey", "secretkey", "output"):
        from_env = _from_env(key, env)
        # Not even checked when the flag wins: SSCLI_OUTPUT=yaml must not fail -o json.
        if from_env and not (key == "output" and output):
            setattr(resolved, key, _env_value(key, *from_env))
            resolved.from_env += ((key, from_env[0]),)
    if output:
        resolved.output = parse_setting("output", output)
    return resolved


def _env_value(key: str, variable: str, raw: str):
    """A bad environment value is configuration, not a bad command line: exit 3."""
    try:
        return parse_setting(key, raw)
    except UsageError as err:
        raise ConfigError(f"environment variable {variable}: {err}") from None


def _stored_value(key: str, value, profile: str):
    """Values in the file are checked like typed ones: a hand edit can be wrong."""
    try:
        if isinstance(value, bool):
            value = "true" if value else "false"
        return parse_setting(key, str(value))
    except UsageError as err:
        raise ConfigError(f"{config_path()}: profile {profile!r}: {err}") from None
