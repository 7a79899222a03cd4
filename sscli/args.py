"""Turning the words after an API name into request parameters.

`key=value` only; the value may hold `=`, spaces, quotes and any Unicode.
`key=@path` reads the value from a file (`key=@@x` is the literal `@x`).
`filter=` and `exclude=` choose output fields and are never sent; the names
sscli sends itself (command=, apikey=, signature=, ...) are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sscli.errors import UsageError

# Names stay unencoded in the string to sign, so only characters that survive a
# query string unchanged are accepted; map parameters look like tags[0].key.
PARAM_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-\[\]]*$")
# The server refuses control characters; newlines stay for certificates and keys.
CONTROL_CHARS = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
SELECTION_KEYS = ("filter", "exclude")
# sscli sends these on every call; a user's copy would replace the API called
# (command=deleteZone after listZones) or break the signature.
RESERVED_KEYS = (
    "command",
    "apikey",
    "signature",
    "signatureversion",
    "expires",
    "sessionkey",
    "response",
)


@dataclass
class CallArgs:
    params: dict[str, str] = field(default_factory=dict)
    fields: list[str] | None = None  # filter=id,name
    exclude: list[str] | None = None  # exclude=nic,tags


def parse_words(words: list[str]) -> CallArgs:
    parsed = CallArgs()
    for word in words:
        name, value = _split(word)
        lowered = name.lower()
        if lowered in SELECTION_KEYS:
            setattr(
                parsed,
                "fields" if lowered == "filter" else "exclude",
                _field_list(value),
            )
            continue
        if lowered in RESERVED_KEYS:
            raise UsageError(_reserved_message(name))
        if name in parsed.params:
            raise UsageError(f"parameter {name!r} given twice; keep one")
        parsed.params[name] = _check_value(name, _read_value(name, value))
    return parsed


def _split(word: str) -> tuple[str, str]:
    name, equals, value = word.partition("=")
    if not equals:
        hint = " (quote values with spaces: name='a b')" if " " not in word else ""
        raise UsageError(f"expected key=value, got {word!r}{hint}")
    if not PARAM_NAME.match(name):
        raise UsageError(
            f"bad parameter name {name!r}: use letters, digits, '_', '.', '-' "
            "and [n] for maps (tags[0].key=...)"
        )
    return name, value


def _reserved_message(name: str) -> str:
    if name.lower() == "command":
        how = "name the API as the first word instead (sscli listZones ...)"
    elif name.lower() == "response":
        how = "choose the output format with -o instead"
    else:
        how = "it comes from the profile's keys or login"
    return f"{name}= is sent by sscli itself and cannot be given; {how}"


def _read_value(name: str, value: str) -> str:
    if value.startswith("@@"):
        return value[1:]
    if not value.startswith("@") or len(value) == 1:
        return value
    path = Path(value[1:]).expanduser()
    try:
        # Bytes, then UTF-8: read_text would turn CRLF into LF, and a
        # certificate or a script must reach the server exactly as saved.
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{name}=@{value[1:]}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}=@{value[1:]}: the file is not UTF-8 text") from None
    except ValueError:  # a NUL in the path: no file can have that name
        raise UsageError(f"{name}=@{value[1:]!r}: not a possible file name") from None
    except OSError as err:
        raise UsageError(f"{name}=@{value[1:]}: {err.strerror}") from None


def _check_value(name: str, value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"value of {name} is not valid UTF-8") from None
    bad = CONTROL_CHARS.search(value)
    if bad:
        raise UsageError(
            f"value of {name} holds control character {bad.group()!r} "
            f"at position {bad.start()}; the server refuses it"
        )
    return value


def _field_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
