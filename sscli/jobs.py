"""Waiting for async jobs: poll queryAsyncJobResult until jobstatus leaves 0."""

from __future__ import annotations

import time
from collections.abc import Callable

from sscli.errors import JobFailedError, JobInterrupted, JobTimeoutError

JOB_PENDING, JOB_SUCCEEDED, JOB_FAILED = 0, 1, 2
POLL_FIRST = 0.2  # seconds before the first poll: quick jobs answer at once
POLL_GROWTH = 1.5
POLL_MAX = 3.0  # long jobs are polled every few seconds, no faster


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
) -> dict:
    """Return the job's jobresult; raise when it fails, times out or is interrupted."""
    started = clock()
    try:
        for interval in poll_intervals():
            job = client.request("queryAsyncJobResult", {"jobid": jobid})
            status = int(job.get("jobstatus", JOB_PENDING))
            if status == JOB_SUCCEEDED:
                return job.get("jobresult") or {}
            if status == JOB_FAILED:
                raise _failure(jobid, job)
            elapsed = clock() - started
            if on_poll:
                on_poll(jobid, elapsed)
            if elapsed + interval > timeout:
                raise JobTimeoutError(jobid, elapsed)
            sleep(interval)
    except KeyboardInterrupt:
        raise JobInterrupted(jobid) from None
    raise AssertionError("poll_intervals never ends")  # pragma: no cover


def _failure(jobid: str, job: dict) -> JobFailedError:
    result = job.get("jobresult")
    if isinstance(result, dict):
        code = result.get("errorcode", job.get("jobresultcode"))
        text = result.get("errortext", "")
        cserrorcode = result.get("cserrorcode")
    else:  # some servers send the text alone (jobresulttype "text")
        code, text, cserrorcode = job.get("jobresultcode"), str(result or ""), None
    return JobFailedError(
        jobid, code, text or "the job failed without a reason", cserrorcode
    )
