"""One API call from words to output: resolve, check, sign and send, wait, render.

The CLI hands over the words and the run's options; this module joins the rooms
of the data flow and knows nothing of click.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import astuple, dataclass

from sscli import config
from sscli.args import parse_words
from sscli.options import HELP_WORDS


@dataclass
class RunOptions:
    profile: str | None = None
    output: str | None = None
    debug: bool = False
    post: bool = False
    no_wait: bool = False
    no_paginate: bool = False
    retry: bool = False  # repeat even calls that change state after a failure
    color: bool | None = None
    compact: bool = False
    wide: bool = False
    query: str | None = None

    @classmethod
    def from_values(cls, values: dict) -> RunOptions:
        """From the global options by destination name (sscli/options.py)."""
        return cls(
            profile=values.get("profile"),
            output=values.get("output"),
            debug=bool(values.get("debug")),
            post=bool(values.get("post")),
            no_wait=bool(values.get("no_wait")),
            no_paginate=bool(values.get("no_paginate")),
            retry=bool(values.get("retry")),
            color=False if values.get("no_color") else None,
            compact=bool(values.get("compact")),
            wide=bool(values.get("wide")),
            query=values.get("query"),
        )


def run_call(words: list[str], options: RunOptions) -> None:
    from sscli.catalog import Catalog

    profile = config.resolve(options.profile, options.output)
    catalog = Catalog.load(profile.name)
    if any(word in HELP_WORDS for word in words[1:]):
        from sscli.help import help_for_call, show_help

        show_help(help_for_call(catalog, words))
        return
    command, rest = catalog.resolve(words)

    args = parse_words(rest)
    for warning in catalog.check(command, args.params):
        print(f"Warning: {warning}", file=sys.stderr)
    # Checked before sending: a VM must not be made only for -o or filter= to fail.
    rendering = prepare_output(profile, options, args.fields, args.exclude)

    client = make_client(profile, options, catalog)
    response = send(client, command, args.params, options, catalog.params(command))
    if wants_wait(options, profile):
        response = finish_job(client, response, profile)
    rendering.write(response)


# While reuse_clients() is open: one Client per (settings, options), so that a
# batch or a shell session keeps one connection instead of one per line.
_shared_clients: dict[tuple, object] | None = None


@contextlib.contextmanager
def reuse_clients():
    global _shared_clients
    _shared_clients = {}
    try:
        yield
    finally:
        clients, _shared_clients = _shared_clients, None
        for client in clients.values():
            client.session.close()


def make_client(profile: config.Profile, options: RunOptions, catalog=None):
    """The catalog, when given, tells the client which APIs start a job, so that
    it never repeats one (retries are for calls that change nothing)."""
    from sscli.client import Client

    def build():
        return Client(
            profile,
            debug=options.debug,
            post=options.post,
            retry_writes=options.retry,
        )

    if _shared_clients is None:
        client = build()
    else:
        # Every setting is in the key: `set secretkey` in the shell gets a new one.
        key = (astuple(profile), options.debug, options.post, options.retry)
        if key not in _shared_clients:
            _shared_clients[key] = build()
        client = _shared_clients[key]
    if catalog is not None:
        # Set on every call: a shared client may have been built by `sscli wait`.
        client.is_async = _async_check(catalog)
    return client


def _async_check(catalog):
    def is_async(command: str) -> bool:
        known = catalog.canonical(command)
        return known is not None and catalog.is_async(known)

    return is_async


def send(
    client, command: str, params: dict[str, str], options: RunOptions, api_params=None
) -> dict:
    """One request, or every page of a list when the user asked for no page."""
    from sscli import paging

    if options.no_paginate or not paging.wants_all_pages(command, params, api_params):
        return client.request(command, params)
    return paging.fetch_all(client, command, params, progress=paging_progress())


def paging_progress():
    if not sys.stderr.isatty():
        return None
    from sscli.progress import PageProgress

    return PageProgress()


def wants_wait(options: RunOptions, profile: config.Profile) -> bool:
    return not options.no_wait and profile.asyncblock


def finish_job(client, response: dict, profile: config.Profile) -> dict:
    from sscli import jobs

    jobid = jobs.started_job(response)
    if jobid is None:
        return response
    name = resume_profile(profile)
    if not sys.stderr.isatty():
        return jobs.wait(client, jobid, profile.timeout, profile=name)
    from sscli.progress import JobSpinner

    with JobSpinner(jobid) as spinner:
        return jobs.wait(
            client, jobid, profile.timeout, on_poll=spinner.update, profile=name
        )


def resume_profile(profile: config.Profile) -> str | None:
    """The -p for a printed resume command: the profile, if the file has it.

    A run made from the environment alone has no profile to name.
    """
    _, stored = config.profile_names()
    return profile.name if profile.name in stored else None


def output_format(profile: config.Profile) -> str:
    return profile.output or ("table" if sys.stdout.isatty() else "json")


def prepare_output(
    profile: config.Profile, options: RunOptions, fields=None, exclude=None
):
    """How the answer will be shown, every part of it checked (render.prepare)."""
    from sscli.render import prepare

    return prepare(
        output_format(profile),
        fields=fields,
        exclude=exclude,
        query=options.query,
        color=options.color,
        compact=options.compact,
        wide=options.wide,
    )
