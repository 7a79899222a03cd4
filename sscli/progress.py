"""Progress on stderr: a bar while pages arrive, a spinner while a job runs.

The caller decides whether stderr is a terminal (call.py shows neither when it is
not); these only draw, never on stdout. rich is imported here alone, and only
once a bar or spinner starts, so a plain call does not pay for it.
"""

from __future__ import annotations

from typing import Any

REFRESH_PER_SECOND = 8  # smooth enough for a spinner, cheap for the terminal
# rich would catch what others print meanwhile and move it to our stream; never
# let stdout's bytes go anywhere but stdout.
REDIRECT_STREAMS = False
PAGE_LABEL = "Fetching rows"
JOB_HINT = "Ctrl-C stops waiting; the job goes on"


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


class PageProgress:
    """A bar of rows fetched out of the total; paging.fetch_all drives it."""

    def __init__(self, console: Any = None):
        self.console = console
        self._progress: Any = None
        self._task: Any = None

    def start(self, total_rows: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=total_rows)
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn(PAGE_LABEL),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console or stderr_console(),
            transient=True,
            refresh_per_second=REFRESH_PER_SECOND,
            redirect_stdout=REDIRECT_STREAMS,
            redirect_stderr=REDIRECT_STREAMS,
        )
        self._task = self._progress.add_task(PAGE_LABEL, total=total_rows)
        self._progress.start()

    def advance(self, rows: int) -> None:
        if self._progress is None:
            return
        task = self._progress.tasks[0]
        if task.total is not None and task.completed + rows > task.total:
            # Rows were added while paging: grow the bar rather than overflow it.
            self._progress.update(self._task, total=task.completed + rows)
        self._progress.advance(self._task, rows)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class JobSpinner:
    """A spinner with the job id and the time waited; a context manager.

    `update` has the signature of jobs.wait's on_poll hook.
    """

    def __init__(self, jobid: str, console: Any = None):
        self.jobid = jobid
        self.console = console
        self.polls = 0
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> JobSpinner:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("Waiting for job {task.fields[jobid]}"),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[hint]}"),
            console=self.console or stderr_console(),
            transient=True,
            refresh_per_second=REFRESH_PER_SECOND,
            redirect_stdout=REDIRECT_STREAMS,
            redirect_stderr=REDIRECT_STREAMS,
        )
        self._task = self._progress.add_task(
            "job", total=None, jobid=self.jobid, hint=JOB_HINT
        )
        self._progress.start()
        return self

    def update(self, jobid: str, elapsed: float) -> None:
        self.polls += 1
        if self._progress is not None:
            self._progress.update(self._task, jobid=jobid)

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
