"""`sscli sync`: store the cloud's own listApis answer as the profile's catalog."""

from __future__ import annotations

import datetime

from sscli.catalog import store
from sscli.catalog.build import build_details, build_index
from sscli.errors import BadResponseError

SYNC_PARAMS = {"listall": "true"}


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
    """Write the profile's details, then its index, each atomically."""
    now = datetime.datetime.now(datetime.timezone.utc)
    source = f"profile {profile_name}, synced {now:%Y-%m-%d %H:%M} UTC"
    index = build_index(apis, source)
    index_path, details_path = store.profile_paths(profile_name)
    # Details first: an index is only ever next to the details it indexes.
    store.write_atomically(details_path, build_details(apis))
    store.write_atomically(index_path, index.encode("utf-8"))
