"""`sscli sync`: store the cloud's own listApis answer as the profile's catalog."""

from __future__ import annotations

import datetime
import gzip
import json

from sscli.catalog import store
from sscli.catalog.build import build_index
from sscli.errors import BadResponseError

SYNC_PARAMS = {"listall": "true"}
GZIP_LEVEL = 6


def sync(client, profile_name: str) -> int:
    """Fetch `listApis listall=true` and store it as the profile's catalog.

    Nothing is written until the whole answer is in hand, so a 401, 432 or a
    network error leaves the previous catalog as it was. Returns the API count.
    """
    response = client.request("listApis", dict(SYNC_PARAMS))
    apis = _api_list(response)
    write_synced(profile_name, apis)
    count = response.get("count")
    return count if isinstance(count, int) else len(apis)


def _api_list(response) -> list[dict]:
    apis = response.get("api") if isinstance(response, dict) else None
    if not isinstance(apis, list) or not apis:
        raise BadResponseError("listApis answered without an `api` list; not synced")
    for api in apis:
        if not isinstance(api, dict) or not isinstance(api.get("name"), str):
            raise BadResponseError(
                f"listApis answered an API without a name ({str(api)[:60]}); not synced"
            )
    return apis


def write_synced(profile_name: str, apis: list[dict]) -> None:
    """Write the profile's full answer, then its index, each atomically."""
    now = datetime.datetime.now(datetime.timezone.utc)
    source = f"profile {profile_name}, synced {now:%Y-%m-%d %H:%M} UTC"
    index = build_index(apis, source)
    full = json.dumps({"count": len(apis), "api": apis}, separators=(",", ":"))
    index_path, full_path = store.profile_paths(profile_name)
    # The full file first: an index is only ever next to the details it indexes.
    store.write_atomically(full_path, gzip.compress(full.encode("utf-8"), GZIP_LEVEL))
    store.write_atomically(index_path, index.encode("utf-8"))
