"""Turning a listApis answer into the compact index that calls and TABs read.

The index is plain text, one API per line, so reading it needs no json (whose
import alone costs a TAB several milliseconds):

    #sscli-catalog 1<TAB>source
    name<TAB>isasync<TAB>param<TAB>param...

and each param is "name type required listapi", space separated: required is 0
or 1, listapi the list API whose ids fill the parameter ("-" when none).

Descriptions and response fields go to a separate gzip-compressed details file,
one API a line (`name<TAB>its listApis entry as JSON`), so that help parses
only the API it shows instead of the whole 2.5 MB answer.
"""

from __future__ import annotations

import difflib
import gzip
import json
from collections import Counter, defaultdict

INDEX_MAGIC = "#sscli-catalog"
INDEX_VERSION = "1"
DETAILS_HEADER = "#sscli-details 1"
NO_LIST_API = "-"
LIST_VERB = "list"
# Required parameters the id fetcher can fill itself; a list API that needs any
# other one cannot be called from a TAB.
FETCH_DEFAULTS = {"templatefilter": "executable"}


def build_index(apis: list[dict], source: str) -> str:
    """The index text for the `api` list of a listApis answer."""
    by_name = {api["name"]: api for api in apis if _usable_name(api.get("name"))}
    companions = _list_companions(by_name)
    lines = [f"{INDEX_MAGIC} {INDEX_VERSION}\t{_one_line(source)}"]
    for name in sorted(by_name):
        lines.append(_api_line(by_name[name], by_name, companions))
    return "\n".join(lines) + "\n"


def build_details(apis: list[dict]) -> bytes:
    """The details file: every API's own entry, one line each, compressed."""
    lines = [DETAILS_HEADER]
    for api in sorted(apis, key=lambda api: api["name"]):
        if _usable_name(api.get("name")):
            entry = json.dumps(api, ensure_ascii=False, separators=(",", ":"))
            lines.append(f"{api['name']}\t{entry}")
    text = "\n".join(lines) + "\n"
    # mtime=0: the same catalog gives the same bytes, so git sees no change.
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _usable_name(name) -> bool:
    return isinstance(name, str) and bool(name) and not _has_separator(name)


def _has_separator(text: str) -> bool:
    return any(ch.isspace() for ch in text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _api_line(api: dict, by_name: dict, companions: dict) -> str:
    fields = [api["name"], "1" if api.get("isasync") else "0"]
    for param in api.get("params") or []:
        name = param.get("name")
        if not _usable_name(name):
            continue
        kind = param.get("type") or "string"
        required = "1" if param.get("required") else "0"
        list_api = _choose_list_api(api["name"], param, by_name, companions)
        fields.append(f"{name} {_one_line(kind)} {required} {list_api}")
    return "\t".join(fields)


def _related_names(entry: dict, by_name: dict) -> list[str]:
    names = (entry.get("related") or "").split(",")
    return [name for name in dict.fromkeys(names) if name in by_name]


def _list_companions(by_name: dict) -> dict[str, Counter]:
    """For each non-list API, the list APIs named beside it in params' related.

    Some params name only addHost, updateHost...; other params of the same
    catalog name listHosts among those, so the catalog itself says where the
    ids come from.
    """
    companions: dict[str, Counter] = defaultdict(Counter)
    for api in by_name.values():
        for param in api.get("params") or []:
            related = _related_names(param, by_name)
            lists = {name for name in related if _is_list(name)}
            for name in related:
                if not _is_list(name):
                    companions[name].update(lists)
    return companions


def _is_list(name: str) -> bool:
    return name.startswith(LIST_VERB) and name[len(LIST_VERB) :][:1].isupper()


def _choose_list_api(owner: str, param: dict, by_name: dict, companions) -> str:
    if not _takes_ids(param):
        return NO_LIST_API
    related = _related_names(param, by_name)
    candidates = [name for name in related if _is_list(name)]
    if not candidates:
        candidates = _companion_lists(related, companions)
    candidates = [name for name in candidates if _callable_from_tab(by_name[name])]
    if not candidates:
        return NO_LIST_API
    stem = _param_stem(param["name"]) or _noun(owner)
    return max(candidates, key=lambda name: _likeness(stem, _noun(name)))


def _takes_ids(param: dict) -> bool:
    """`related` also decorates names and scopes; only ids are worth a fetch."""
    name = param["name"].lower()
    return param.get("type") == "uuid" or name.endswith(("id", "ids"))


def _companion_lists(related: list[str], companions) -> list[str]:
    counts: Counter = Counter()
    for name in related:
        counts.update(companions.get(name, {}))
    return [name for name, _ in counts.most_common()]


def _callable_from_tab(api: dict) -> bool:
    return all(
        param.get("name") in FETCH_DEFAULTS
        for param in api.get("params") or []
        if param.get("required")
    )


def _param_stem(name: str) -> str:
    lowered = name.lower()
    for suffix in ("ids", "id"):
        if lowered.endswith(suffix):
            return lowered[: -len(suffix)]
    return lowered


def _noun(api_name: str) -> str:
    """listVirtualMachines -> virtualmachines (CloudMonkey's split)."""
    for position, char in enumerate(api_name):
        if char.isupper():
            return api_name[position:].lower()
    return ""


def _likeness(stem: str, noun: str) -> float:
    return difflib.SequenceMatcher(None, stem, noun).ratio()
