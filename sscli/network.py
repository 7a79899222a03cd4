"""Why a request got no answer, in one line naming the endpoint.

Each NetworkError also says whether another try may help (transient) and
whether the request went out, so that the server may have acted on it (sent).
"""

from __future__ import annotations

import requests

from sscli.errors import NetworkError

DROPPED = "the server closed the connection without answering"
CUT_OFF = "the connection closed before the whole answer had arrived"
UNKNOWN_HOST = "unknown host"


def network_error(err: Exception, endpoint: str, timeout) -> NetworkError:
    exceptions = requests.exceptions
    transient = sent = False
    if isinstance(err, exceptions.SSLError):
        reason = _tls_reason(err)
    elif isinstance(err, exceptions.ConnectTimeout):
        # Nothing was sent: as safe to try again as a refused connection.
        reason, transient = f"no connection within {timeout[0]}s", True
    elif isinstance(err, exceptions.ChunkedEncodingError):
        reason, transient, sent = CUT_OFF, True, True
    elif isinstance(err, exceptions.ReadTimeout):
        reason, sent = f"no answer within {timeout[1]}s", True
    elif isinstance(err, exceptions.ConnectionError):
        reason = _connection_reason(err)
        transient = reason != UNKNOWN_HOST
        sent = reason == DROPPED
    else:
        reason = type(err).__name__
    return NetworkError(f"cannot reach {endpoint}: {reason}", reason, transient, sent)


def maybe_done(err: NetworkError, command: str) -> NetworkError:
    """A call that changes state and got no answer may have been carried out."""
    return NetworkError(
        f"{err.message}; {command} may have reached the server, "
        "so check (e.g. with a list call) before repeating it",
        err.reason,
        err.transient,
        err.sent,
    )


def _tls_reason(err: Exception) -> str:
    text = str(err)
    if "Hostname mismatch" in text or "IP address mismatch" in text:
        return (
            "its TLS certificate is for another host name "
            "(use the name the certificate gives in the url)"
        )
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return (
            "its TLS certificate is not trusted "
            "(set cafile to its CA bundle, or verifycert false to skip the check)"
        )
    return "the TLS handshake failed (is the URL's scheme right?)"


def _connection_reason(err: Exception) -> str:
    text = str(err)
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or (
            "getaddrinfo failed" in text
            or "Temporary failure in name resolution" in text
        )
    ):
        return UNKNOWN_HOST
    if "Connection refused" in text:
        return "connection refused"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return DROPPED
    return "connection failed"
