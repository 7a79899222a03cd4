"""Regenerate the bundled catalog index and details from the listApis answer.

    python tools/build_catalog.py

Run it after replacing tests/data/listApis-*.json.gz, the answer of a real 4.18
management server; tests/test_catalog.py fails while the committed index is out
of date. The answer itself is not installed: the details file holds every entry.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sscli.catalog import read_answer, store  # noqa: E402
from sscli.catalog.build import build_details, build_index  # noqa: E402

BUNDLED_SOURCE = "bundled CloudStack 4.18"
ANSWER = ROOT / "tests" / "data" / "listApis-4.18.json.gz"


def main() -> int:
    apis = read_answer(str(ANSWER))["api"]
    index = build_index(apis, BUNDLED_SOURCE)
    Path(store.BUNDLED_INDEX).write_text(index, encoding="utf-8")
    details = build_details(apis)
    Path(store.BUNDLED_DETAILS).write_bytes(details)
    print(f"{len(apis)} APIs: index {len(index)} bytes, details {len(details)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
