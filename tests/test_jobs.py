"""Waiting for async jobs: success, failure, timeout, Ctrl-C and a job that is gone.

The unit tests drive jobs.wait with a fake client and a fake clock, so no test
sleeps; the end-to-end ones run the real command line against the simulator.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from sscli import jobs
from sscli.errors import (
    APIError,
    ExitCode,
    JobFailedError,
    JobInterrupted,
    JobTimeoutError,
    NetworkError,
)

JOBID = "5f0c9d2a-6a43-4d7e-9d51-0a4b1c2d3e4f"
PENDING = {"jobid": JOBID, "jobstatus": 0, "jobprocstatus": 0, "jobresultcode": 0}
DONE = {
    "jobid": JOBID,
    "jobstatus": 1,
    "jobresulttype": "object",
    "jobresult": {"virtualmachine": {"id": "vm-1", "state": "Running"}},
}
FAILED = {
    "jobid": JOBID,
    "jobstatus": 2,
    "jobresultcode": 530,
    "jobresulttype": "object",
    "jobresult": {"errorcode": 530, "cserrorcode": 4250, "errortext": "no capacity"},
}


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def interrupted_sleep(seconds: float) -> None:
    raise KeyboardInterrupt  # what Ctrl-C does to a sleeping wait


class ScriptedClient:
    """Answers queryAsyncJobResult from a script; the last entry repeats."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls: list[tuple[str, dict]] = []

    def request(self, command: str, params: dict[str, str]) -> dict:
        self.calls.append((command, dict(params)))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer


def wait(client, timeout=60.0, clock=None, **kwargs):
    clock = clock or FakeClock()
    return jobs.wait(client, JOBID, timeout, sleep=clock.sleep, clock=clock, **kwargs)


def test_started_job_tells_a_job_from_a_finished_answer():
    assert jobs.started_job({"id": "vm-1", "jobid": JOBID}) == JOBID
    assert jobs.started_job(PENDING) is None
    assert jobs.started_job({"virtualmachine": {}}) is None


def test_polls_start_short_and_grow_to_a_few_seconds():
    intervals = jobs.poll_intervals()
    first = [next(intervals) for _ in range(20)]
    assert first[0] == jobs.POLL_FIRST
    assert first == sorted(first)
    assert first[-1] == jobs.POLL_MAX


def test_a_finished_job_returns_its_jobresult_and_reports_each_poll():
    client = ScriptedClient(PENDING, PENDING, DONE)
    polls = []
    result = wait(client, on_poll=lambda jobid, elapsed: polls.append((jobid, elapsed)))
    assert result == DONE["jobresult"]
    assert client.calls == [("queryAsyncJobResult", {"jobid": JOBID})] * 3
    assert [jobid for jobid, _ in polls] == [JOBID, JOBID]
    assert polls[0][1] < polls[1][1]


def test_a_failed_job_raises_with_its_code_and_text():
    with pytest.raises(JobFailedError) as raised:
        wait(ScriptedClient(PENDING, FAILED))
    err = raised.value
    assert (err.jobid, err.errorcode, err.cserrorcode) == (JOBID, 530, 4250)
    assert err.exit_code == ExitCode.JOB_FAILED
    assert JOBID in err.line() and "no capacity" in err.line()


def test_a_job_failed_with_a_text_result_keeps_the_text():
    text_failure = {
        "jobid": JOBID,
        "jobstatus": 2,
        "jobresultcode": 530,
        "jobresulttype": "text",
        "jobresult": "disk full",
    }
    with pytest.raises(JobFailedError) as raised:
        wait(ScriptedClient(text_failure))
    assert "disk full" in raised.value.line()


def test_a_failed_job_never_shows_a_secret_named_value_it_echoes():
    echoed = {
        "jobid": JOBID,
        "jobstatus": 2,
        "jobresult": {
            "errorcode": 530,
            "errortext": "cannot apply password=Hunter2Secret to vm-1",
        },
    }
    with pytest.raises(JobFailedError) as raised:
        wait(ScriptedClient(echoed))
    line = raised.value.line()
    assert "Hunter2Secret" not in line
    assert "password=***" in line and "vm-1" in line


def test_a_job_still_running_at_the_deadline_times_out_with_how_to_check():
    clock = FakeClock()
    client = ScriptedClient(PENDING)
    with pytest.raises(JobTimeoutError) as raised:
        wait(client, timeout=10, clock=clock)
    err = raised.value
    assert err.jobid == JOBID and err.exit_code == ExitCode.JOB_TIMEOUT
    assert f"jobid={JOBID}" in err.message
    # The job gets the whole timeout: the last poll falls on the deadline.
    assert sum(clock.sleeps) == pytest.approx(10)
    assert max(clock.sleeps) <= jobs.POLL_MAX


def test_ctrl_c_while_sleeping_stops_waiting_with_the_resume_command():
    clock = FakeClock()
    with pytest.raises(JobInterrupted) as raised:
        jobs.wait(
            ScriptedClient(PENDING), JOBID, 60, sleep=interrupted_sleep, clock=clock
        )
    err = raised.value
    assert err.jobid == JOBID and err.exit_code == ExitCode.INTERRUPTED == 130
    assert f"sscli wait {JOBID}" in err.message


@pytest.mark.parametrize("ending", ["timeout", "ctrl-c", "network"])
def test_every_resume_command_names_the_profile(ending):
    clock = FakeClock()
    client = ScriptedClient(PENDING)
    sleep = interrupted_sleep if ending == "ctrl-c" else clock.sleep
    if ending == "network":
        client = ScriptedClient(PENDING, NetworkError("connection refused"))
    with pytest.raises((JobTimeoutError, JobInterrupted, NetworkError)) as raised:
        jobs.wait(client, JOBID, 10, sleep=sleep, clock=clock, profile="slow")
    line = raised.value.line()
    assert f"sscli -p slow wait {JOBID}" in line
    assert "sscli wait" not in line
    if ending == "timeout":
        assert f"sscli -p slow queryAsyncJobResult jobid={JOBID}" in line


def test_ctrl_c_during_a_poll_request_stops_waiting_too():
    with pytest.raises(JobInterrupted):
        wait(ScriptedClient(PENDING, KeyboardInterrupt()))


def test_a_job_gone_from_the_server_ends_the_wait_at_once():
    gone = APIError("queryAsyncJobResult", 431, "Invalid parameter jobid", 9999, 431)
    client = ScriptedClient(gone, DONE)
    with pytest.raises(APIError) as raised:
        wait(client)
    assert len(client.calls) == 1
    assert raised.value.errorcode == 431
    assert f"no job {JOBID}" in raised.value.line()
    assert "Invalid parameter jobid" in raised.value.line()


def test_a_network_failure_while_polling_names_the_job_to_resume():
    down = NetworkError("cannot reach http://cloud/client/api: connection refused")
    with pytest.raises(NetworkError) as raised:
        wait(ScriptedClient(PENDING, down))
    assert "connection refused" in raised.value.line()
    assert f"sscli wait {JOBID}" in raised.value.line()
    assert raised.value.exit_code == ExitCode.NETWORK


# -- the spinner ------------------------------------------------------------------


def terminal_console():
    from rich.console import Console

    return Console(file=io.StringIO(), force_terminal=True, width=120)


def test_the_spinner_shows_the_job_id_and_the_hint(capsys):
    from sscli.progress import JobSpinner

    console = terminal_console()
    with JobSpinner(JOBID, console=console) as spinner:
        spinner.update(JOBID, 0.2)
        spinner.update(JOBID, 0.5)
    drawn = console.file.getvalue()
    assert JOBID in drawn and "goes on" in drawn
    assert spinner.polls == 2
    assert capsys.readouterr().out == ""


def test_the_spinner_stops_when_the_wait_is_interrupted():
    from sscli.progress import JobSpinner

    spinner = JobSpinner(JOBID, console=terminal_console())
    with pytest.raises(JobInterrupted), spinner:
        jobs.wait(
            ScriptedClient(PENDING),
            JOBID,
            60,
            on_poll=spinner.update,
            sleep=interrupted_sleep,
        )
    assert spinner._live is None


SPINNER_FRAME = re.compile(r"^[\u2800-\u28ff] ")  # one braille frame of "dots"
WAITED = re.compile(r" \d+:\d\d:\d\d(?: |$)")


def test_the_spinner_at_80_columns_keeps_spinner_id_and_time():
    from rich.console import Console

    from sscli.progress import JobSpinner

    console = Console(file=io.StringIO(), force_terminal=True, width=80, record=True)
    with JobSpinner(JOBID, console=console):
        pass
    drawn = console.export_text()
    assert SPINNER_FRAME.match(drawn)
    assert f" Waiting for job {JOBID} " in drawn
    assert WAITED.search(drawn)
    assert "…" not in drawn


@pytest.mark.parametrize("width", [40, 50, 60, 66, 80, 100, 102, 140])
def test_the_spinner_line_gives_up_the_hint_first(width):
    from rich.cells import cell_len
    from rich.console import Console

    from sscli.progress import JOB_HINTS, JobLine

    console = Console(file=io.StringIO(), force_terminal=True, width=width)
    lines = console.render_lines(JobLine(JOBID), console.options, pad=False)
    texts = ["".join(segment.text for segment in line) for line in lines]
    assert all(cell_len(text) <= width for text in texts)
    drawn = " ".join(text.strip() for text in texts)
    assert SPINNER_FRAME.match(drawn)
    assert JOBID in drawn.split()
    assert WAITED.search(drawn)
    hints = [hint for hint in JOB_HINTS if drawn.endswith(hint)]
    if hints:
        assert f"Waiting for job {JOBID}" in drawn
    if width >= len(f"x Waiting for job {JOBID} 0:00:00 {JOB_HINTS[0]}"):
        assert hints == [JOB_HINTS[0]]


def test_the_page_bar_counts_rows(capsys):
    from sscli.progress import PageProgress

    console = terminal_console()
    bar = PageProgress(console=console)
    bar.start(1200)
    bar.advance(500)
    bar.advance(700)
    bar.close()
    assert "1200/1200" in console.file.getvalue()
    assert capsys.readouterr().out == ""


def test_the_page_bar_grows_when_rows_outnumber_the_first_count():
    from sscli.progress import PageProgress

    console = terminal_console()
    bar = PageProgress(console=console)
    bar.start(1000)
    bar.advance(1300)
    bar.close()
    assert "1300/1300" in console.file.getvalue()


# -- end to end against the simulator ----------------------------------------------


@pytest.fixture
def job_sim(isolated_dirs):
    from sscli import config
    from sscli.simulator import Simulator

    with Simulator(vms=3, job_seconds=0.3) as sim:
        config.save_profile(
            "jobs",
            {"url": sim.url, "apikey": sim.apikey, "secretkey": sim.secretkey},
            make_current=True,
        )
        yield sim


def running_vm(sim) -> str:
    return next(vm["id"] for vm in sim.state.vms if vm["state"] == "Running")


def job_queries(sim) -> list:
    return [
        record
        for record in sim.requests
        if record.params.get("command") == "queryAsyncJobResult"
    ]


def test_cli_waits_for_a_job_and_prints_its_result(sscli, job_sim):
    vmid = running_vm(job_sim)
    result = sscli("rebootVirtualMachine", f"id={vmid}", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["virtualmachine"]["id"] == vmid
    assert job_queries(job_sim)
    assert result.err == ""  # not a terminal: no spinner


def test_cli_reports_a_failed_job_with_its_id(sscli, job_sim):
    job_sim.fail_jobs = True
    result = sscli("rebootVirtualMachine", f"id={running_vm(job_sim)}", "-o", "json")
    assert result.code == ExitCode.JOB_FAILED
    assert result.out == ""
    (job,) = job_sim.state.jobs
    assert f"Job {job.jobid} failed" in result.err
    assert "fail_jobs" in result.err


def test_cli_times_out_with_the_job_id_and_how_to_check(sscli, job_sim):
    from sscli import config

    config.set_value("timeout", "1")
    job_sim.job_seconds = 60
    result = sscli("rebootVirtualMachine", f"id={running_vm(job_sim)}")
    assert result.code == ExitCode.JOB_TIMEOUT
    (job,) = job_sim.state.jobs
    assert f"sscli -p jobs wait {job.jobid}" in result.err
    assert f"sscli -p jobs queryAsyncJobResult jobid={job.jobid}" in result.err


def test_cli_timeout_under_another_profile_resumes_on_that_profile(sscli, job_sim):
    from sscli import config

    config.save_profile(
        "slow",
        {"url": job_sim.url, "apikey": job_sim.apikey, "secretkey": job_sim.secretkey},
    )
    config.set_value("timeout", "1", profile="slow")
    job_sim.job_seconds = 60
    result = sscli("-p", "slow", "rebootVirtualMachine", f"id={running_vm(job_sim)}")
    assert result.code == ExitCode.JOB_TIMEOUT
    (job,) = job_sim.state.jobs
    assert f"wait again with: sscli -p slow wait {job.jobid} " in result.err
    assert f"sscli -p slow queryAsyncJobResult jobid={job.jobid}" in result.err

    resumed = sscli("-p", "slow", "wait", job.jobid)
    assert resumed.code == ExitCode.JOB_TIMEOUT  # the job is still running there


def test_cli_without_a_stored_profile_names_none(sscli, job_sim, monkeypatch):
    from sscli import config

    config.delete_profile("jobs")
    monkeypatch.setenv("SSCLI_URL", job_sim.url)
    monkeypatch.setenv("SSCLI_APIKEY", job_sim.apikey)
    monkeypatch.setenv("SSCLI_SECRETKEY", job_sim.secretkey)
    job_sim.job_seconds = 60
    monkeypatch.setattr(jobs, "query_job", interrupt_after_first_poll)
    result = sscli("rebootVirtualMachine", f"id={running_vm(job_sim)}")
    assert result.code == ExitCode.INTERRUPTED
    (job,) = job_sim.state.jobs
    assert f"Resume with: sscli wait {job.jobid}" in result.err


REAL_QUERY_JOB = jobs.query_job


def interrupt_after_first_poll(client, jobid, profile=None):
    REAL_QUERY_JOB(client, jobid, profile)
    raise KeyboardInterrupt  # as if Ctrl-C came right after the first poll


def test_cli_ctrl_c_prints_the_job_and_exits_130(sscli, job_sim, monkeypatch):
    monkeypatch.setattr(jobs, "query_job", interrupt_after_first_poll)
    job_sim.job_seconds = 60
    result = sscli("rebootVirtualMachine", f"id={running_vm(job_sim)}")
    assert result.code == ExitCode.INTERRUPTED == 130
    (job,) = job_sim.state.jobs
    assert f"Resume with: sscli -p jobs wait {job.jobid}" in result.err
    assert job.status == 0  # not cancelled


def test_cli_wait_resumes_a_running_job(sscli, job_sim):
    vmid = running_vm(job_sim)
    started = sscli("rebootVirtualMachine", f"id={vmid}", "--no-wait", "-o", "json")
    jobid = json.loads(started.out)["jobid"]
    result = sscli("-o", "json", "wait", jobid)
    assert result.code == 0, result.err
    assert json.loads(result.out)["virtualmachine"]["id"] == vmid


def test_cli_wait_for_an_unknown_job_fails_after_one_query(sscli, job_sim):
    unknown = "00000000-0000-4000-8000-000000000000"
    result = sscli("wait", unknown)
    assert result.code == ExitCode.API_ERROR
    assert f"no job {unknown}" in result.err
    assert len(job_queries(job_sim)) == 1


def test_what_others_print_during_the_bar_stays_on_stdout(capsys):
    from sscli.progress import PageProgress

    console = terminal_console()
    bar = PageProgress(console=console)
    bar.start(10)
    print("result line")
    bar.close()
    assert capsys.readouterr().out == "result line\n"
    assert "result line" not in console.file.getvalue()
