"""Choosing keys: filter= fields and exclude= keys, in every list or the one object.

filter= is CloudMonkey's: the named keys in the named order, matched without regard
to case. It keeps only keys a row has, so the json format never invents nulls; the
tabular formats still give every requested field a column (empty where missing), so
`while read id name state` stays aligned when one VM lacks a key. exclude= wins:
`filter=id,name exclude=id` shows name alone, in every format.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sscli.errors import UsageError
from sscli.render.rows import LISTS, NESTED, SINGLE, classify, match_key


def normalize_names(names: list[str] | None) -> list[str] | None:
    """Drop blanks and repeats (any case) from key names; None when none are left."""
    unique: dict[str, str] = {}
    for name in names or []:
        name = name.strip()
        if name and name.lower() not in unique:
            unique[name.lower()] = name
    return list(unique.values()) or None


def drop_excluded(
    fields: list[str] | None, exclude: list[str] | None
) -> list[str] | None:
    """The filter= fields without the exclude= ones; an error if none is left."""
    if not fields or not exclude:
        return fields
    dropped = {name.lower() for name in exclude}
    kept = [name for name in fields if name.lower() not in dropped]
    if not kept:
        raise UsageError(
            f"exclude= removes every filter= field ({','.join(fields)}); "
            "name other fields in filter= or drop them from exclude="
        )
    return kept


def find_missing(data: Any, selected: Any, fields: list[str] | None) -> list[str]:
    """The fields that no row has, when data has rows; selected is data after
    select_fields, whose rows hold only the keys found, so the first rows answer."""
    if not fields or next(iter_rows(data), None) is None:
        return []
    wanted = {name.lower(): name for name in fields}
    for row in iter_rows(selected):
        for key in row:
            wanted.pop(key.lower(), None)
        if not wanted:
            break
    return list(wanted.values())


def iter_rows(data: Any) -> Iterator[dict]:
    """Every dict that filter= applies to: list items, the nested or single object."""
    if isinstance(data, list):
        yield from (item for item in data if isinstance(item, dict))
    elif isinstance(data, dict) and classify(data) == SINGLE:
        yield data
    elif isinstance(data, dict):  # lists, or one nested object, beside a count
        for value in data.values():
            yield from iter_rows([value] if isinstance(value, dict) else value)


def select_fields(
    data: Any, fields: list[str] | None, exclude: list[str] | None
) -> Any:
    """The same response with only the chosen keys in each row or in the object."""
    if not fields and not exclude:
        return data
    if isinstance(data, list):
        return [pick_keys(item, fields, exclude) for item in data]
    if not isinstance(data, dict):
        return data
    shape = classify(data)
    if shape in (LISTS, NESTED):
        # count and the list keys stay; the rows (or the nested object) shrink
        return {
            key: select_fields(value, fields, exclude)
            if shape == LISTS
            else pick_keys(value, fields, exclude)
            for key, value in data.items()
        }
    if shape == SINGLE:
        return pick_keys(data, fields, exclude)
    return data


def pick_keys(item: Any, fields: list[str] | None, exclude: list[str] | None) -> Any:
    if not isinstance(item, dict):
        return item
    if fields:
        found = (match_key(name, item) for name in fields)
        item = {key: item[key] for key in found if key in item}
    if exclude:
        dropped = {name.lower() for name in exclude}
        item = {key: value for key, value in item.items() if key.lower() not in dropped}
    return item
