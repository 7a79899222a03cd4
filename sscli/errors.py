"""Exceptions that carry what went wrong, and the exit code each one ends with.

The exit codes are named here and nowhere else; the README lists them.
"""

from __future__ import annotations

import enum
from typing import TypeVar

HTTP_ERROR = 400  # statuses from here on are errors of their own


class ExitCode(enum.IntEnum):
    OK = 0
    API_ERROR = 1  # the server answered with an errorcode (431, 530, ...)
    USAGE = 2  # bad words on the command line or a bad value for `set`
    CONFIG = 3  # no url or keys, unreadable or corrupt config file
    AUTH = 4  # 401 / 432: credentials rejected or API not allowed
    NETWORK = 5  # refused, unknown host, TLS failure, timeout
    BAD_RESPONSE = 6  # the body was not a CloudStack JSON answer
    JOB_FAILED = 7  # an async job ended with jobstatus 2
    JOB_TIMEOUT = 8  # an async job was still running at the deadline
    INTERNAL = 70  # a bug in sscli (EX_SOFTWARE); --debug shows the traceback
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


Hinted = TypeVar("Hinted", bound="SscliError")


class SscliError(Exception):
    """Base of every error sscli reports as one line and an exit code."""

    exit_code: ExitCode = ExitCode.API_ERROR

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        """The one line the CLI prints on stderr."""
        return f"Error: {self.message}"

    def add_hint(self: Hinted, hint: str) -> Hinted:
        """Say one way to fix it, after what went wrong; returns self."""
        self.message = f"{self.message}; {hint}"
        self.args = (self.message,)
        return self


class UsageError(SscliError):
    exit_code = ExitCode.USAGE


class ConfigError(SscliError):
    exit_code = ExitCode.CONFIG


class NetworkError(SscliError):
    exit_code = ExitCode.NETWORK

    def __init__(
        self,
        message: str,
        reason: str = "",
        transient: bool = False,
        sent: bool = False,
    ):
        super().__init__(message)
        self.reason = reason or message
        self.transient = transient  # refused or dropped: worth another try
        self.sent = sent  # the request went out: the server may have acted on it


class BadResponseError(SscliError):
    exit_code = ExitCode.BAD_RESPONSE


class APIError(SscliError):
    """The server's own error answer: errorcode, cserrorcode and errortext."""

    def __init__(
        self,
        command: str,
        errorcode: int | None,
        errortext: str,
        cserrorcode: int | None = None,
        http_status: int | None = None,
    ):
        # An error body under HTTP 200 has no code to show; an error status does.
        if not errorcode and http_status and http_status >= HTTP_ERROR:
            errorcode = http_status
        self.command = command
        self.errorcode = errorcode
        self.cserrorcode = cserrorcode
        self.errortext = errortext
        self.http_status = http_status
        super().__init__(self._format())
        if errorcode in (401, 432):
            self.exit_code = ExitCode.AUTH

    def line(self) -> str:
        return self.message

    def _format(self) -> str:
        return f"Error{self._codes()}: {self._text()}"

    def _codes(self) -> str:
        if not self.errorcode:
            return ""
        detail = f" ({self.cserrorcode})" if self.cserrorcode else ""
        return f" {self.errorcode}{detail}"

    def _text(self) -> str:
        # The server's text may span lines; an error is one line on stderr.
        return " ".join(self.errortext.split()) or "no error text"


class JobFailedError(APIError):
    """An async job that ended with jobstatus 2."""

    exit_code = ExitCode.JOB_FAILED

    def __init__(self, jobid: str, errorcode, errortext: str, cserrorcode=None):
        self.jobid = jobid
        super().__init__("queryAsyncJobResult", errorcode, errortext, cserrorcode)
        self.exit_code = ExitCode.JOB_FAILED

    def _format(self) -> str:
        if not self.errorcode:
            return f"Job {self.jobid} failed: {self._text()}"
        return f"Job {self.jobid} failed: {super()._format()}"


def sscli_command(words: str, profile: str | None = None) -> str:
    """A command line to print for the user, on the profile of this run.

    Profile names need no quoting: letters, digits, '.', '_' and '-' only.
    """
    option = f"-p {profile} " if profile else ""
    return f"sscli {option}{words}"


def resume_hint(jobid: str, profile: str | None = None) -> str:
    return sscli_command(f"wait {jobid}", profile)


class JobTimeoutError(SscliError):
    exit_code = ExitCode.JOB_TIMEOUT

    def __init__(self, jobid: str, waited: float, profile: str | None = None):
        self.jobid = jobid
        query = sscli_command(f"queryAsyncJobResult jobid={jobid}", profile)
        super().__init__(
            f"Job {jobid} still running after {waited:.0f}s; wait again with: "
            f"{resume_hint(jobid, profile)} (or {query})"
        )


class JobInterrupted(SscliError):
    exit_code = ExitCode.INTERRUPTED

    def __init__(self, jobid: str, profile: str | None = None):
        self.jobid = jobid
        super().__init__(
            f"Stopped waiting; job {jobid} goes on. "
            f"Resume with: {resume_hint(jobid, profile)}"
        )
