"""Progress on stderr: a bar while pages arrive, a spinner while a job runs.

The caller decides whether stderr is a terminal (call.py shows neither when it is
not); these only draw, never on stdout. rich is imported here alone, and only
once a bar or spinner starts, so a plain call does not pay for it.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

REFRESH_PER_SECOND = 8  # smooth enough for a spinner, cheap for the terminal
# rich would catch what others print meanwhile and move it to our stream; never
# let stdout's bytes go anywhere but stdout.
REDIRECT_STREAMS = False
PAGE_LABEL = "Fetching rows"
JOB_LABELS = ("Waiting for job", "Job")  # the first that fits the line is shown
# Longest first; the first that fits beside the job is shown, or none: on a
# narrow terminal the hint gives way before the spinner, job id or time does.
JOB_HINTS = (
    "Ctrl-C stops waiting; the job goes on",
    "Ctrl-C: the job goes on",
    "^C: job goes on",
)
JOB_SPINNER = "dots"


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
        self._live: Any = None

    def __enter__(self) -> JobSpinner:
        from rich.live import Live

        self._live = Live(
            JobLine(self.jobid),
            console=self.console or stderr_console(),
            transient=True,
            refresh_per_second=REFRESH_PER_SECOND,
            redirect_stdout=REDIRECT_STREAMS,
            redirect_stderr=REDIRECT_STREAMS,
        )
        self._live.start(refresh=True)
        return self

    def update(self, jobid: str, elapsed: float) -> None:
        self.polls += 1

    def __exit__(self, *exc_info: object) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


class JobLine:
    """The spinner's line, laid out anew for the terminal's width at each frame.

    rich's column layout cuts every column alike on a narrow terminal, the job id
    and the time too; here only the label and the hint give way. Below the width
    of spinner, id and time the line wraps between words, the id whole.
    """

    def __init__(self, jobid: str):
        from rich.spinner import Spinner

        self.jobid = jobid
        self.started = time.monotonic()
        self.spinner: Any = Spinner(JOB_SPINNER)  # renders a Text: it has no text

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        frame = self.spinner.render(console.get_time())
        waited = timedelta(seconds=int(time.monotonic() - self.started))
        width = options.max_width
        for label in JOB_LABELS:
            line = Text.assemble(frame, f" {label} {self.jobid} {waited}")
            if line.cell_len <= width:
                break
        for hint in JOB_HINTS:
            if line.cell_len + 1 + len(hint) <= width:
                line.append(f" {hint}", style="dim")
                break
        yield line
