"""From decoded parameters to an answer: authenticate, find the command, run it.

The order follows the management server: credentials first (so an unsigned call
to an unknown command is a 401), then the command, then its parameters.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import actions, handlers  # noqa: F401  (they register the commands)
from .api import (
    HANDLERS,
    INTERNAL_ERROR,
    UNKNOWN_COMMAND,
    ApiError,
    Call,
    catalog_by_name,
    check_parameters,
)
from .auth import AuthFailure, verify_signature
from .wire import AUTH_FAILED_TEXT, Answer, duplicated_name, encode, encode_error

if TYPE_CHECKING:
    from .server import Simulator

LOG = logging.getLogger("sscli.simulator")
UNAUTHORIZED = 401
ROOT_DOMAINS = ("", "/", "ROOT", "ROOT/", "/ROOT")
LOGIN_FAILED_TEXT = (
    "Failed to authenticate user admin; check username, password and domain"
)
UNKNOWN_COMMAND_TEXT = (
    "The given command does not exist or it is not available for the user"
)
SESSION_COOKIE = "JSESSIONID"


@dataclass
class Request:
    method: str
    pairs: list[tuple[str, str]]
    cookies: dict[str, str]


def answer_request(sim: Simulator, request: Request) -> Answer:
    params = dict(reversed(request.pairs))  # the first value of a name wins
    command = params.get("command")
    as_json = params.get("response", "").lower() == "json"
    duplicate = duplicated_name(request.pairs)
    if duplicate is not None:
        text = f"parameter {duplicate} was sent more than once; send each name once"
        return encode_error(command, UNAUTHORIZED, text, None, as_json)
    if command == "login":
        return login(sim, request, params, as_json)
    try:
        authenticate(sim, params, request.cookies)
    except AuthFailure as failure:
        LOG.debug("refused %s: %s", command, failure)
        return encode_error(command, UNAUTHORIZED, AUTH_FAILED_TEXT, None, as_json)
    if command == "logout":
        sim.sessions.close(request.cookies.get(SESSION_COOKIE))
        return encode({"logoutresponse": {"description": "success"}}, 200, as_json)
    try:
        return encode(
            {f"{command.lower()}response": run(sim, command, params)}, 200, as_json
        )
    except ApiError as error:
        return encode_error(
            command, error.errorcode, error.errortext, error.cserrorcode, as_json
        )


def authenticate(
    sim: Simulator, params: dict[str, str], cookies: dict[str, str]
) -> None:
    """A session (sessionkey and its JSESSIONID) or a signature, as the server."""
    if "sessionkey" in params:
        sim.sessions.verify(cookies.get(SESSION_COOKIE), params["sessionkey"])
        return
    verify_signature(params, {sim.apikey: sim.secretkey}, sim.algorithms)


def run(sim: Simulator, command: str | None, params: dict[str, str]) -> dict:
    if not command or command not in catalog_by_name():
        raise ApiError(UNKNOWN_COMMAND, UNKNOWN_COMMAND_TEXT)
    handler = HANDLERS.get(command)
    if handler is None:
        text = (
            f"The sscli simulator does not implement {command}; use a real cloud for it"
        )
        raise ApiError(INTERNAL_ERROR, text)
    # The dispatcher matches parameter names without regard to case.
    call = Call(
        command, {name.lower(): value for name, value in params.items()}, sim.state, sim
    )
    check_parameters(call, sim.state.known_ids())
    return handler(call)


def login(
    sim: Simulator, request: Request, params: dict[str, str], as_json: bool
) -> Answer:
    if request.method != "POST":
        text = "login must be sent with POST; put username and password in the body"
        return encode_error("login", UNAUTHORIZED, text, None, as_json)
    user = sim.state.user
    good = (
        hmac.compare_digest(params.get("username", ""), user["username"])
        and hmac.compare_digest(
            params.get("password", "").encode(), sim.password.encode()
        )
        and params.get("domain", "/") in ROOT_DOMAINS
    )
    if not good:
        return encode_error("login", UNAUTHORIZED, LOGIN_FAILED_TEXT, None, as_json)
    cookie, session = sim.sessions.open(user["username"])
    document = {
        "loginresponse": {
            "timeout": "1800",
            "lastname": user["lastname"],
            "registered": "false",
            "username": user["username"],
            "firstname": user["firstname"],
            "domainid": user["domainid"],
            "type": "1",
            "userid": user["id"],
            "sessionkey": session.sessionkey,
            "account": user["account"],
        }
    }
    answer = encode(document, 200, as_json)
    answer.headers["Set-Cookie"] = f"{SESSION_COOKIE}={cookie}; Path=/client; HttpOnly"
    return answer
