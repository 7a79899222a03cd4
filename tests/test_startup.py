"""The start-up budget, checked by structure rather than by the clock.

Each command runs in a fresh interpreter that reports which modules it imported
and which files it opened. Commands that must answer at once (--version, --help,
set, a TAB) may not pull in requests or rich; an API call loads only what its
output needs, and reads the catalog's compact index, never the gz files meant for help.
Each rule is paired with a command that does load the module, so that a broken
probe cannot pass unnoticed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sscli.catalog import store

# The child runs sscli's entry point and writes what it loaded to argv[1]; it
# imports nothing of its own before the snapshot, so sys.modules is sscli's.
PROBE = """
import sys
opened = []

def note_open(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.append(args[0])

sys.addaudithook(note_open)
report, argv = sys.argv[1], sys.argv[2:]
from sscli.cli import main
try:
    main(argv)
except SystemExit:
    pass
lines = ["exit", *sorted(sys.modules), "opened", *opened]
with open(report, "w", encoding="utf-8") as out:
    out.write("\\n".join(lines))
"""
NETWORK = ("requests", "urllib3")
RICH = "rich"
QUERY = "jmespath"
CLICK = "click"
DATA_DIR = Path(store.BUNDLED_INDEX).parent
INDEX = Path(store.BUNDLED_INDEX)


class Loaded:
    """What one run imported and opened."""

    def __init__(self, modules: set[str], opened: list[str], stdout: str):
        self.modules = modules
        self.opened = opened
        self.stdout = stdout

    def imported(self, package: str) -> bool:
        return package in self.modules

    def bundled_files(self) -> set[Path]:
        """The files of sscli/data this run opened (index, details, full answer)."""
        return {Path(path) for path in self.opened if Path(path).parent == DATA_DIR}


def run_probe(tmp_path: Path, *argv: str) -> Loaded:
    report = tmp_path / "report.txt"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert report.exists(), f"the probe did not finish: {done.stderr[-500:]}"
    text = report.read_text(encoding="utf-8")
    modules_part, _, opened_part = text.partition("\nopened")
    modules = set(modules_part.splitlines()[1:])
    opened = [line for line in opened_part.splitlines() if line]
    return Loaded(modules, opened, done.stdout)


def assert_not_imported(loaded: Loaded, *packages: str) -> None:
    found = [package for package in packages if loaded.imported(package)]
    assert not found, f"imported {found}; move those imports into the functions"


@pytest.fixture
def call_profile(sim_profile):
    """The shared simulator as the current profile of this test's config dir."""
    return sim_profile


def test_version_loads_neither_click_nor_network_nor_rich(tmp_path):
    loaded = run_probe(tmp_path, "--version")

    assert loaded.stdout.startswith("sscli ")
    assert_not_imported(loaded, CLICK, *NETWORK, RICH, QUERY)


def test_help_loads_click_but_neither_network_nor_rich(tmp_path):
    loaded = run_probe(tmp_path, "--help")

    assert "Usage" in loaded.stdout
    assert loaded.imported(CLICK)
    assert_not_imported(loaded, *NETWORK, RICH, QUERY)


def test_set_shows_the_profile_without_network_or_rich(tmp_path, call_profile):
    loaded = run_probe(tmp_path, "set")

    assert "profile = sim" in loaded.stdout
    assert_not_imported(loaded, *NETWORK, RICH, QUERY)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["bash", "1", "sscli", "listVirt"], "listVirtualMachines"),
        (["bash", "2", "sscli", "listVirtualMachines", "zo"], "zoneid="),
    ],
)
def test_tab_loads_neither_click_nor_network_nor_rich(tmp_path, words, expected):
    loaded = run_probe(tmp_path, "__complete", *words)

    assert expected in loaded.stdout.split()
    assert_not_imported(loaded, CLICK, *NETWORK, RICH, QUERY)
    assert loaded.bundled_files() == {INDEX}


def test_json_call_loads_the_network_but_not_rich_nor_jmespath(tmp_path, call_profile):
    loaded = run_probe(tmp_path, "listZones", "-o", "json")

    assert '"zone"' in loaded.stdout
    assert loaded.imported("requests") or loaded.imported("http.client")
    assert_not_imported(loaded, CLICK, RICH, QUERY)


def test_help_after_an_api_name_goes_through_click(tmp_path, call_profile):
    loaded = run_probe(tmp_path, "listZones", "-h")

    assert "listZones" in loaded.stdout
    assert loaded.imported(CLICK)


def test_a_call_reads_only_the_compact_index(tmp_path, call_profile):
    loaded = run_probe(tmp_path, "listVirtualMachines", "zoneid=x", "-o", "csv")

    assert loaded.bundled_files() == {INDEX}
    assert_not_imported(loaded, "gzip", RICH, QUERY)


def test_help_for_one_api_reads_a_bundled_data_file(tmp_path):
    # The other side of the rule above: a probe that saw no file would pass it.
    loaded = run_probe(tmp_path, "help", "listZones")

    assert "listZones" in loaded.stdout
    assert loaded.bundled_files() - {INDEX}


def test_query_loads_jmespath_and_nothing_of_rich(tmp_path, call_profile):
    loaded = run_probe(tmp_path, "listZones", "--query", "zone[0].name", "-o", "json")

    assert loaded.stdout.strip()
    assert loaded.imported(QUERY)
    assert_not_imported(loaded, RICH)


def test_a_call_loads_only_the_output_format_it_writes(tmp_path, call_profile):
    # Also proves the probe sees modules that sscli imports by name at run time.
    loaded = run_probe(tmp_path, "listZones", "-o", "csv")

    assert loaded.imported("sscli.render.csv_format")
    formats = ("table", "column", "text", "tsv")  # rows.py shares json_format
    assert_not_imported(loaded, *(f"sscli.render.{name}" for name in formats))
    assert_not_imported(loaded, RICH, QUERY, "sscli.simulator", "sscli.help")
