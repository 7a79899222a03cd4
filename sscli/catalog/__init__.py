"""The API catalog: which APIs exist, their parameters, and checks before sending.

    index.py    the compact index a call and a TAB read (names, async, params)
    lookup.py   Catalog: resolve a name, check parameters, details for help
    syncing.py  `sscli sync`: the profile's own catalog from listApis
    build.py    listApis answer -> index text; store.py: files and paths
    details.py  the full description of one API, for help

Names are loaded on first use so that `import sscli.catalog.store` from a TAB
costs only that module.
"""

from __future__ import annotations

LAZY_NAMES = {
    "Catalog": "lookup",
    "closest_names": "lookup",
    "sync": "syncing",
    "write_synced": "syncing",
    "read_answer": "details",
}


def __getattr__(name: str):
    module_name = LAZY_NAMES.get(name)
    if module_name is None:
        raise AttributeError(f"module 'sscli.catalog' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"sscli.catalog.{module_name}"), name)
