"""Completing `filter=` and `exclude=`: the response fields the catalog lists.

`filter=id,na<TAB>` offers the fields not yet chosen after the last comma. The
field names live in the details file (read only here and for help), so this TAB
costs a gzip read; the ordinary name and parameter TABs never pay it.
"""

from __future__ import annotations

from sscli.completion import Candidate, load_catalog


def field_candidates(
    profile: str | None, api: str, key: str, typed: str
) -> list[Candidate]:
    chosen, _, partial = typed.rpartition(",")
    taken = set(chosen.split(",")) if chosen else set()
    prefix = f"{key}={chosen}," if chosen else f"{key}="
    return [
        (prefix + name, "")
        for name in response_fields(profile, api)
        if name not in taken and name.lower().startswith(partial.lower())
    ]


def response_fields(profile: str | None, api: str) -> list[str]:
    """The top-level response field names of `api`, id and name first."""
    from sscli.catalog.details import read_details

    _, details_path = load_catalog(profile)
    entry = read_details(details_path, api) or {}
    names = {item.get("name") for item in entry.get("response") or []}
    names.discard(None)
    names.discard("")
    first = [name for name in ("id", "name") if name in names]
    return first + sorted(names - set(first))
