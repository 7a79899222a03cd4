"""Username/password login: the session key and cookie, cached per profile.

A profile without keys logs in once; later runs reuse the cached session (mode
0600 in the cache dir) until the server's timeout, so a script of many calls does
not log in each time.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sscli.config import cache_dir
from sscli.config_file import warn_if_readable
from sscli.files import ensure_private_dir, write_atomically

SESSIONS_DIR = "sessions"
DEFAULT_SESSION_SECONDS = 1800  # the server's session timeout when it names none
EXPIRY_MARGIN = 60  # seconds: renew a little before the server forgets us


@dataclass
class LoginSession:
    url: str
    username: str
    sessionkey: str
    cookies: dict[str, str]
    expires_at: float

    def valid_for(self, url: str, username: str) -> bool:
        return (
            bool(self.sessionkey)
            and self.url == url
            and self.username == username
            and time.time() < self.expires_at - EXPIRY_MARGIN
        )


def session_path(profile_name: str) -> Path:
    return cache_dir() / SESSIONS_DIR / f"{profile_name}.json"


def load(profile_name: str) -> LoginSession | None:
    """The cached session, or None when there is none or it is unreadable."""
    path = session_path(profile_name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        warn_if_readable(path)
        return LoginSession(**data)
    except (OSError, ValueError, TypeError):
        return None


def save(profile_name: str, session: LoginSession) -> None:
    path = session_path(profile_name)
    ensure_private_dir(path.parent.parent)
    write_atomically(path, json.dumps(asdict(session)).encode("utf-8"))


def forget(profile_name: str) -> bool:
    try:
        session_path(profile_name).unlink()
        return True
    except FileNotFoundError:
        return False


def from_login(url: str, username: str, answer: dict, cookies: dict) -> LoginSession:
    try:
        seconds = int(answer.get("timeout", DEFAULT_SESSION_SECONDS))
    except (TypeError, ValueError):
        seconds = DEFAULT_SESSION_SECONDS
    return LoginSession(
        url=url,
        username=username,
        sessionkey=str(answer.get("sessionkey", "")),
        cookies=cookies,
        expires_at=time.time() + seconds,
    )
