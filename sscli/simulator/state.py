"""The simulated cloud held in memory: its objects, their ids, and async jobs.

Objects are stored as the response dicts the server would send, so listing one
is a lookup, not a conversion. Jobs finish lazily: every request first settles
the jobs whose time has come, which keeps the clock the only moving part.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"
JOB_PENDING, JOB_SUCCEEDED, JOB_FAILED = 0, 1, 2
JOB_FAILURE_CODE = 530  # what the server reports for a failed job's result

Row = dict[str, Any]


class JobError(Exception):
    """Raised by a job's work to end it with jobstatus 2."""


def now_text() -> str:
    return datetime.now(timezone.utc).strftime(DATE_FORMAT)


@dataclass
class Job:
    jobid: str
    cmd: str
    instancetype: str | None
    instanceid: str | None
    finish_at: float
    work: Callable[[], Row]
    account: Row
    user: Row
    created: str = field(default_factory=now_text)
    status: int = JOB_PENDING
    result: Row | None = None
    completed: str | None = None

    def settle(self) -> None:
        """Run the job's work once its time has come; failures become status 2."""
        try:
            self.result = self.work()
            self.status = JOB_SUCCEEDED
        except JobError as error:
            self.result = {"errorcode": JOB_FAILURE_CODE, "errortext": str(error)}
            self.status = JOB_FAILED
        self.completed = now_text()

    def to_response(self) -> Row:
        response: Row = {
            "accountid": self.account["id"],
            "account": self.account["name"],
            "domainid": self.account["domainid"],
            "domainpath": "ROOT",
            "userid": self.user["id"],
            "cmd": self.cmd,
            "jobstatus": self.status,
            "jobprocstatus": 0,
            "jobresultcode": JOB_FAILURE_CODE if self.status == JOB_FAILED else 0,
        }
        if self.status != JOB_PENDING:
            response["jobresulttype"] = "object"
            response["jobresult"] = self.result
        if self.instancetype:
            response["jobinstancetype"] = self.instancetype
            response["jobinstanceid"] = self.instanceid
        response["created"] = self.created
        if self.completed:
            response["completed"] = self.completed
        response["jobid"] = self.jobid
        return response


@dataclass
class Cloud:
    """Every object of the simulated cloud, each list in creation order."""

    domain: Row
    account: Row
    user: Row
    zones: list[Row]
    hypervisors: dict[str, list[str]]  # zone id -> hypervisor names
    serviceofferings: list[Row]
    templates: list[Row]
    networks: list[Row]
    hosts: list[Row]
    vms: list[Row]
    tags: list[Row] = field(default_factory=list)
    userdata: dict[str, str] = field(default_factory=dict)  # vm id -> as sent
    jobs: list[Job] = field(default_factory=list)
    new_uuid: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))

    def known_ids(self) -> set[str]:
        groups = (self.zones, self.serviceofferings, self.templates, self.networks)
        ids = {row["id"] for group in groups for row in group}
        ids.update(row["id"] for row in self.hosts)
        for vm in self.vms:
            ids.update(vm[key] for key in ("id", "groupid", "isoid") if key in vm)
        ids.update((self.domain["id"], self.account["id"], self.user["id"]))
        ids.update(job.jobid for job in self.jobs)
        return ids

    def find(self, rows: list[Row], rowid: str) -> Row | None:
        return next((row for row in rows if row["id"] == rowid), None)

    def add_job(
        self,
        cmd: str,
        work: Callable[[], Row],
        seconds: float,
        instance: tuple[str, str] | None = None,
    ) -> Job:
        instancetype, instanceid = instance or (None, None)
        job = Job(
            jobid=self.new_uuid(),
            cmd=cmd,
            instancetype=instancetype,
            instanceid=instanceid,
            finish_at=time.monotonic() + seconds,
            work=work,
            account=self.account,
            user=self.user,
        )
        self.jobs.append(job)
        return job

    def settle_jobs(self) -> None:
        moment = time.monotonic()
        for job in self.jobs:
            if job.status == JOB_PENDING and job.finish_at <= moment:
                job.settle()
