"""A local CloudStack-compatible API server for end-to-end tests and demos.

    from sscli.simulator import Simulator, serve
    with Simulator(vms=10) as sim:      # sim.url, sim.apikey, sim.secretkey
        ...                             # sim.requests, sim.state.vms, sim.state.jobs

It verifies signatures and sessions like the management server, pages like it
(default_page_size), runs async jobs for job_seconds, and fails on demand:
drop_connections, drop_answers (handle the request, then hang up), repeat_page,
fail_status + fail_body, delay_seconds, fail_jobs are plain attributes, settable
while it runs. A deploy whose displayname starts
with "fail", or whose name a live VM already has, fails as a job.
"""

from .server import RequestRecord, Simulator, serve

__all__ = ["RequestRecord", "Simulator", "serve"]
