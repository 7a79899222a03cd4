"""Ids for `zoneid=<TAB>`: fetched from the list API the catalog names, briefly cached.

Only this part of completion talks to the server, so only it imports the client
(and requests). The fetch runs in a daemon thread that the TAB stops waiting for
after FETCH_DEADLINE seconds, whatever the network does. It is tried once, never
retried, and a failure is cached too, so that a dead server costs one TAB, not each.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
import time

from sscli.catalog import store
from sscli.catalog.build import FETCH_DEFAULTS

CACHE_SECONDS = 60  # long enough for a few TABs, short enough to see new ids
FAILURE_SECONDS = 10  # the next TABs answer at once, and the server is soon asked again
FETCH_DEADLINE = 2.0  # seconds a TAB may wait for the server, in all
CONNECT_TIMEOUT = 1.0
LABEL_KEYS = ("name", "displayname", "username", "displaytext", "description")
MAX_IDS = 500


def id_candidates(profile_name: str | None, list_api: str) -> list[tuple[str, str]]:
    """[(id, label)] from `list_api`, cached per profile; [] on any failure."""
    from sscli import config

    profile = config.resolve(profile_name)
    cache_path = _cache_path(profile.name, list_api)
    cached = _read_cache(cache_path)
    if cached is not None:
        return cached
    fetched = _fetch_with_deadline(profile, list_api)
    _write_cache(cache_path, fetched)
    return fetched or []


def _cache_path(profile_name: str, list_api: str) -> str:
    folder = store.ids_dir(profile_name)
    return os.path.join(folder, store.safe_file_name(list_api) + ".json")


def _read_cache(path: str) -> list[tuple[str, str]] | None:
    """The cached ids ([] for a recent failure); None when there are none to use."""
    text = store.read_text(path)
    if text is None:
        return None
    try:
        stored = json.loads(text)
        items = stored["items"]
        lifetime = FAILURE_SECONDS if items is None else CACHE_SECONDS
        if time.time() - stored["fetched"] > lifetime:
            return None
        return [(str(item[0]), str(item[1])) for item in items or []]
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _write_cache(path: str, items: list[tuple[str, str]] | None) -> None:
    """Store the ids, or None for a failure. A cache dir that cannot be written
    costs the next TAB a fetch; it must not cost this TAB its answer."""
    data = json.dumps({"fetched": time.time(), "items": items})
    with contextlib.suppress(OSError):
        store.write_atomically(path, data.encode("utf-8"))


def _fetch_with_deadline(profile, list_api: str) -> list[tuple[str, str]] | None:
    """The ids, or None when the fetch failed or missed the deadline."""
    result: list = []

    def fetch() -> None:
        # Anything escaping a thread is printed by threading's excepthook, which
        # in the shell means a traceback across the prompt.
        with contextlib.suppress(Exception):
            result.append(fetch_ids(profile, list_api))

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(FETCH_DEADLINE)
    return result[0] if result else None


def fetch_ids(profile, list_api: str) -> list[tuple[str, str]]:
    """Call the list API once and pair each item's id with its name."""
    from sscli.catalog import Catalog
    from sscli.client import Client

    # The client's own notes (verifycert false) must not land in the prompt either.
    client = Client(profile, log=io.StringIO())
    client.timeout = (CONNECT_TIMEOUT, FETCH_DEADLINE)
    client.retries = 0  # a retry's backoff would outlast the deadline anyway
    params = _list_params(Catalog.load(profile.name), list_api)
    try:
        response = client.request(list_api, params)
    finally:
        client.session.close()
    return [_id_and_label(item) for item in _items(response)[:MAX_IDS]]


def _list_params(catalog, list_api: str) -> dict[str, str]:
    """Fill the required params the TAB can guess; see everything visible."""
    accepted = catalog.params(list_api)
    params = {name: value for name, value in FETCH_DEFAULTS.items() if name in accepted}
    if "listall" in accepted:
        params["listall"] = "true"
    return params


def _items(response: dict) -> list[dict]:
    for value in response.values():
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict) and "id" in item]
    return []


def _id_and_label(item: dict) -> tuple[str, str]:
    for key in LABEL_KEYS:
        if item.get(key):
            return str(item["id"]), str(item[key])
    return str(item["id"]), ""
