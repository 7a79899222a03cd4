"""A small signer of the tests' own and a caller for the simulator.

Kept apart from sscli.signing and sscli.simulator.auth so that a bug shared by
both cannot hide; the switches reproduce known client mistakes on purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from datetime import datetime, timedelta, timezone

import requests

JAVA_SAFE = set(string.ascii_letters + string.digits + ".-*_")


def encode(value: str, space: str = "%20", tilde_safe: bool = False) -> str:
    out = []
    for char in value:
        if char in JAVA_SAFE or (tilde_safe and char == "~"):
            out.append(char)
        elif char == " ":
            out.append(space)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def sign(
    params: dict[str, str],
    secretkey: str,
    space: str = "%20",
    tilde_safe: bool = False,
) -> str:
    text = "&".join(
        f"{name}={encode(params[name], space, tilde_safe)}" for name in sorted(params)
    ).lower()
    mac = hmac.new(secretkey.encode(), text.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def in_ten_minutes() -> str:
    moment = datetime.now(timezone.utc) + timedelta(minutes=10)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def signed(sim, command: str, **params: str) -> dict[str, str]:
    full = {"command": command, "response": "json", "apikey": sim.apikey, **params}
    full["signatureVersion"] = "3"
    full["expires"] = in_ten_minutes()
    full["signature"] = sign(full, sim.secretkey)
    return full


def wire(params: dict[str, str]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in params.items())


def call(sim, command: str, method: str = "GET", **params: str) -> requests.Response:
    """A correctly signed call over real HTTP."""
    return send(sim, signed(sim, command, **params), method)


def send(sim, params: dict[str, str], method: str = "GET") -> requests.Response:
    if method == "POST":
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return requests.post(sim.url, data=wire(params), headers=headers, timeout=10)
    return requests.get(f"{sim.url}?{wire(params)}", timeout=10)


def body(response: requests.Response, command: str) -> dict:
    return response.json()[f"{command.lower()}response"]
