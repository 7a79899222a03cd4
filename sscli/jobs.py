"""Waiting for async jobs: poll queryAsyncJobResult until jobstatus leaves 0."""

from __future__ import annotations

import time
from collections.abc import Callable

from sscli.errors import (
    APIError,
    JobFailedError,
    JobInterrupted,
    JobTimeoutError,
    SscliError,
    resume_hint,
)
from sscli.redact import redact

JOB_PENDING, JOB_SUCCEEDED, JOB_FAILED = 0, 1, 2
POLL_FIRST = 0.2  # the first pause between polls: quick jobs are done by then
POLL_GROWTH = 1.5
POLL_MAX = 3.0  # long jobs are polled every few seconds, no faster
QUERY_COMMAND = "queryAsyncJobResult"
JOB_GONE = 431  # queryAsyncJobResult's answer for a job id it does not know


def started_job(response: dict) -> str | None:
    """The jobid an async call answered with, or None for a finished answer.

    queryAsyncJobResult itself carries a jobid too, but with its jobstatus.
    """
    jobid = response.get("jobid")
    if jobid is None or "jobstatus" in response:
        return None
    return str(jobid)


def poll_intervals():
    interval = POLL_FIRST
    while True:
        yield interval
        interval = min(interval * POLL_GROWTH, POLL_MAX)


def wait(
    client,
    jobid: str,
    timeout: float,
    on_poll: Callable[[str, float], None] | None = None,
    sleep=time.sleep,
    clock=time.monotonic,
    profile: str | None = None,
) -> dict:
    """Return the job's jobresult; raise when it fails, times out or is interrupted.

    The last poll falls on the deadline itself, so a job gets all of `timeout`.
    `profile` goes into the commands printed to resume waiting, so that they ask
    the cloud that runs the job.
    """
    started = clock()
    try:
        for interval in poll_intervals():
            job = query_job(client, jobid, profile)
            status = int(job.get("jobstatus", JOB_PENDING))
            if status == JOB_SUCCEEDED:
                return job.get("jobresult") or {}
            if status == JOB_FAILED:
                raise _failure(jobid, job)

            elapsed = clock() - started
            if on_poll:
                on_poll(jobid, elapsed)
            if elapsed >= timeout:
                raise JobTimeoutError(jobid, elapsed, profile)
            sleep(min(interval, timeout - elapsed))
    except KeyboardInterrupt:
        # Ctrl-C stops the waiting only; the job goes on in the cloud.
        raise JobInterrupted(jobid, profile) from None
    raise AssertionError("poll_intervals never ends")  # pragma: no cover


def query_job(client, jobid: str, profile: str | None = None) -> dict:
    """One queryAsyncJobResult; a failed poll names the job, which goes on."""
    try:
        return client.request(QUERY_COMMAND, {"jobid": jobid})
    except APIError as err:
        if err.errorcode == JOB_GONE:
            # Nothing to wait for: retrying would only repeat the same 431.
            raise APIError(
                QUERY_COMMAND,
                err.errorcode,
                f"no job {jobid} on the server (removed, or never existed): "
                f"{err.errortext}",
                err.cserrorcode,
                err.http_status,
            ) from None
        raise _still_running(err, jobid, profile) from None
    except SscliError as err:
        raise _still_running(err, jobid, profile) from None


def _still_running(err: SscliError, jobid: str, profile: str | None) -> SscliError:
    err.message = (
        f"{err.message}; job {jobid} may still be running, "
        f"resume with: {resume_hint(jobid, profile)}"
    )
    err.args = (err.message,)
    return err


def _failure(jobid: str, job: dict) -> JobFailedError:
    result = job.get("jobresult")
    if isinstance(result, dict):
        code = result.get("errorcode", job.get("jobresultcode"))
        text = result.get("errortext", "")
        cserrorcode = result.get("cserrorcode")
    else:  # some servers send the text alone (jobresulttype "text")
        code, text, cserrorcode = job.get("jobresultcode"), str(result or ""), None
    # The text is the server's: like any answer it may echo a secret-named value.
    text = redact(text) if text else "the job failed without a reason"
    return JobFailedError(jobid, code, text, cserrorcode)
