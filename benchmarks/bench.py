"""sscli side by side with exoscale's cs, against the bundled CloudStack simulator.

    python3 benchmarks/bench.py              # about three minutes on two cores
    python3 benchmarks/bench.py --quick      # fewer rounds, for a first look

It installs both clients into venvs of its own under the work dir (sscli from this
checkout, not editable; cs from PyPI), starts one simulator, runs every command in
interleaved rounds, and writes the medians, the ratios to the peer and the targets
to benchmarks/RESULTS.md and the ratios to benchmarks/README.md. A missed target
gets an `-X importtime` profile of where sscli's time goes.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import io
import json
import os
import pstats
import random
import re
import secrets
import shutil
import statistics
import struct
import subprocess
import sys
import tarfile
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS_FILE = REPO / "benchmarks" / "RESULTS.md"
README_FILE = REPO / "benchmarks" / "README.md"
README_BEGIN = "<!-- results:begin -->"
README_END = "<!-- results:end -->"
WORK_DIR_ENV = "SSCLI_BENCH_DIR"

CS_REQUIREMENT = "cs==5.2.0"  # pinned so that runs stay comparable
VMS = 5000
BIG_VMS = 20000  # the large-result case: every page of a big cloud, as JSON
# CloudStack caps pagesize at default.page.size; cs's one request needs them all.
SERVER_PAGE_SIZE = 5000
BIG_SERVER_PAGE_SIZE = BIG_VMS
TABLE_COLUMNS = "120"  # the table's width, on a terminal and in a file
TERMINAL_LINES = "50"
READ_CHUNK = 65536
QUICK_ROUNDS = 21
HEAVY_ROUNDS = 7
IMPORT_PROFILE_RUNS = 3
CASE_BUDGET_SECONDS = 40  # a slow case runs at most about this long in all
MIN_ROUNDS = 3
GNU_TIME = shutil.which("time")  # the binary; the shell keyword is not on PATH
PROFILE_SHARE = 0.04  # an import shown in a profile costs at least this share
PROFILE_DEPTH = 3
PROFILE_FUNCTIONS = 12
# `sscli __complete SHELL CWORD WORD...`: the words of the line, the cursor's index.
COMPLETE_API = ["bash", "1", "sscli", "listVirt"]
COMPLETE_PARAM = ["bash", "2", "sscli", "listVirtualMachines", "zo"]
# What the completion scripts run on a TAB: sscli's own Python, without the
# console script's wrapper (checked against completions/sscli.bash at start).
TAB_CODE = (
    "import sys; sys.path[:] = [p for p in sys.path if p]; "
    "from sscli.completion import main; sys.exit(main(sys.argv[1:]))"
)
BASH_SCRIPT = REPO / "completions" / "sscli.bash"
PROFILE = "bench"
BIG_PROFILE = "bench20k"
CATALOG_RUNS = 200  # in-process repetitions for the catalog figures
CATALOG_CODE = """
import gzip, json, sys, time
from sscli.catalog import Catalog
params = {"zoneid": "z", "templateid": "t", "serviceofferingid": "s"}
def one_call():
    catalog = Catalog.load()
    command, _ = catalog.resolve(["deployVirtualMachine"])
    catalog.check(command, params)
def whole():
    with gzip.open(sys.argv[1]) as source:
        json.load(source)
for name, work, runs in (("call", one_call, int(sys.argv[2])), ("whole", whole, 10)):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    times.sort()
    print(name, times[len(times) // 2] * 1000)
"""
SIMULATOR_CODE = """
import os
from sscli.simulator import Simulator, serve
sim = Simulator(
    port=0,
    vms=int(os.environ["BENCH_VMS"]),
    default_page_size=int(os.environ["BENCH_PAGE_SIZE"]),
    apikey=os.environ["BENCH_APIKEY"],
    secretkey=os.environ["BENCH_SECRETKEY"],
).start()
print(sim.url, flush=True)
serve(sim)
"""
CLEARED_ENV = ("PYTHONDONTWRITEBYTECODE", "PYTHONSTARTUP", "PYTHONPATH", "NO_COLOR")
CLEARED_PREFIXES = ("SSCLI_", "CLOUDSTACK_")


@dataclass
class Tools:
    python: str  # the interpreter sscli runs on, for `python -c pass`
    sscli: str
    cs: str


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    heavy: bool = False
    terminal: bool = False  # stdout is a pseudo-terminal, as for a person
    check: Callable[[str], None] | None = None
    env: dict[str, str] = field(default_factory=dict)  # on top of the run's own
    skipped: str = ""  # why it could not be measured
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: list[int | None] = field(default_factory=list)
    rounds: int = 0  # set by the warm-up run


@dataclass
class Comparison:
    label: str
    case: str
    peer: str
    target: float | None = None  # the case's median at most this times the peer's


@dataclass
class Server:
    url: str
    apikey: str
    secretkey: str
    process: subprocess.Popen | None = None


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_kb: int | None
    returncode: int


# -- installing -----------------------------------------------------------------


def work_dir(chosen: str | None) -> Path:
    if chosen:
        return Path(chosen)
    if os.environ.get(WORK_DIR_ENV):
        return Path(os.environ[WORK_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "sscli-bench"


def make_venv(path: Path) -> Path:
    python = path / "bin" / "python"
    if not python.exists():
        say(f"creating venv {path}")
        subprocess.run([base_python(), "-m", "venv", str(path)], check=True)
    return python


def base_python() -> str:
    """The interpreter behind this one, so that both venvs share one Python."""
    candidate = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}"
    return str(candidate) if candidate.exists() else sys.executable


def pip_install(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*command, "--disable-pip-version-check", *args], check=True)


def install_cs(root: Path) -> str:
    venv = root / "cs-venv"
    python = make_venv(venv)
    cs = venv / "bin" / "cs"
    if not cs.exists():
        say(f"installing {CS_REQUIREMENT}")
        pip_install(python, CS_REQUIREMENT)
    return str(cs)


def install_sscli(root: Path, worktree: bool) -> tuple[str, str]:
    """The committed sscli as a user installs it: a wheel, with compiled bytecode.

    An editable install would add its import finder to every start-up, and the
    work tree may hold others' half-made changes; --worktree installs it anyway.
    """
    venv = root / "sscli-venv"
    python = make_venv(venv)
    with tempfile.TemporaryDirectory() as folder:
        source = REPO if worktree else export_head(Path(folder))
        say(f"installing sscli from {source}")
        if not (venv / "bin" / "sscli").exists():
            pip_install(python, str(source))
        pip_install(python, "--no-deps", "--force-reinstall", str(source))
    return str(python), str(venv / "bin" / "sscli")


def export_head(folder: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # Our own commit; the filter exists from 3.11.4 and 3.10.12 on.
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)  # noqa: S202
    return folder


def source_text(args: argparse.Namespace) -> str:
    """Which sscli was measured: a commit, with or without the work tree's changes."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if args.sscli_python:
        return f"the install behind `{args.sscli_python}`"
    if args.worktree:
        return f"this work tree (commit {commit} and uncommitted changes) as a wheel"
    return f"commit {commit} as a wheel"


def prepare_tools(args: argparse.Namespace, root: Path) -> Tools:
    cs = install_cs(root)
    if args.sscli_python:
        python = args.sscli_python
        sscli = str(Path(python).parent / "sscli")
    else:
        python, sscli = install_sscli(root, args.worktree)
    return Tools(python=python, sscli=sscli, cs=cs)


# -- the server -------------------------------------------------------------------


def start_simulator(
    tools: Tools, env: dict[str, str], log: Path, vms: int, page_size: int
) -> Server:
    """The simulator in a process of its own, so that it never shares a GIL."""
    server = Server(
        url="", apikey=secrets.token_urlsafe(32), secretkey=secrets.token_urlsafe(48)
    )
    settings = {
        "BENCH_VMS": str(vms),
        "BENCH_PAGE_SIZE": str(page_size),
        "BENCH_APIKEY": server.apikey,
        "BENCH_SECRETKEY": server.secretkey,
    }
    with open(log, "wb") as stderr:
        server.process = subprocess.Popen(
            [tools.python, "-c", SIMULATOR_CODE],
            env={**env, **settings},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    server.url = server.process.stdout.readline().strip()
    if not server.url.startswith("http"):
        server.process.kill()
        raise SystemExit(f"the simulator did not start: {log.read_text()[-300:]}")
    return server


def write_profiles(config_dir: Path, servers: dict[str, Server]) -> None:
    """Profiles as `sscli set` would store them, the first current; mode 0600."""
    config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = config_dir / "config.toml"
    path.touch(mode=0o600)
    lines = [f'current_profile = "{next(iter(servers))}"', ""]
    for name, server in servers.items():
        lines += [
            f"[profiles.{name}]",
            f'url = "{server.url}"',
            f'apikey = "{server.apikey}"',
            f'secretkey = "{server.secretkey}"',
            "",
        ]
    path.write_text("\n".join(lines))


def child_env(home: Path) -> dict[str, str]:
    """The caller's environment without settings that would skew either client.

    sscli finds its config where a user's is (XDG dirs under a scratch home),
    so the timing includes looking for it; cs finds no ~/.cloudstack.ini there.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in CLEARED_ENV and not name.startswith(CLEARED_PREFIXES)
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        COLUMNS=TABLE_COLUMNS,
        LINES=TERMINAL_LINES,
        TERM="xterm-256color",
    )
    return env


def cs_settings(server: Server) -> dict[str, str]:
    return {
        "CLOUDSTACK_ENDPOINT": server.url,
        "CLOUDSTACK_KEY": server.apikey,
        "CLOUDSTACK_SECRET": server.secretkey,
    }


# -- the cases --------------------------------------------------------------------


def reference_imports(tools: Tools) -> list[tuple[str, str]]:
    cs_python = str(Path(tools.cs).parent / "python")
    return [
        ("requests", cs_python),
        ("click", tools.python),
        ("http.client", tools.python),
        ("rich.console", tools.python),
    ]


def make_cases(tools: Tools, server: Server, big_server: Server) -> list[Case]:
    """sscli finds its servers in its profiles; cs only in its environment."""
    if TAB_CODE not in BASH_SCRIPT.read_text():
        raise SystemExit(f"{BASH_SCRIPT} no longer runs TAB_CODE: update bench.py")
    sscli, cs = tools.sscli, tools.cs
    to_server, to_big_server = cs_settings(server), cs_settings(big_server)
    every_vm = f"pagesize={VMS}"
    every_big_vm = f"pagesize={BIG_VMS}"
    return [
        Case("pass", "python -c pass", [tools.python, "-c", "pass"]),
        # For reading the results: what the libraries alone cost to import.
        *(
            Case(
                f"import {name}",
                f"python -c 'import {name}'",
                [python, "-c", f"import {name}"],
            )
            for name, python in reference_imports(tools)
        ),
        Case("version", "sscli --version", [sscli, "--version"]),
        Case("cs_version", "cs --version", [cs, "--version"], env=to_server),
        Case("help", "sscli --help", [sscli, "--help"]),
        Case("cs_help", "cs --help", [cs, "--help"], env=to_server),
        Case(
            "complete_api",
            f"TAB: python -c <completion> {' '.join(COMPLETE_API)}",
            [tools.python, "-c", TAB_CODE, *COMPLETE_API],
            check=check_completion("listVirtualMachines"),
        ),
        Case(
            "complete_param",
            f"TAB: python -c <completion> {' '.join(COMPLETE_PARAM)}",
            [tools.python, "-c", TAB_CODE, *COMPLETE_PARAM],
            check=check_completion("zoneid="),
        ),
        Case(
            "complete_wrapper",
            f"sscli __complete {' '.join(COMPLETE_PARAM)}",
            [sscli, "__complete", *COMPLETE_PARAM],
            check=check_completion("zoneid="),
        ),
        Case(
            "zones",
            "sscli listZones -o json",
            [sscli, "listZones", "-o", "json"],
            check=check_zones,
        ),
        Case(
            "cs_zones",
            "cs listZones",
            [cs, "listZones"],
            check=check_zones,
            env=to_server,
        ),
        Case(
            "vms_json",
            "sscli listVirtualMachines -o json (pages of 500)",
            [sscli, "listVirtualMachines", "-o", "json"],
            heavy=True,
            check=check_vms_json(VMS),
        ),
        Case(
            "cs_vms",
            f"cs listVirtualMachines {every_vm} page=1",
            [cs, "listVirtualMachines", every_vm, "page=1"],
            heavy=True,
            check=check_vms_json(VMS),
            env=to_server,
        ),
        Case(
            "vms_table",
            "sscli listVirtualMachines -o table > file",
            [sscli, "listVirtualMachines", "-o", "table"],
            heavy=True,
            check=check_vms_table,
        ),
        Case(
            "vms_terminal",
            f"sscli listVirtualMachines -o table on a {TABLE_COLUMNS}-column terminal",
            [sscli, "listVirtualMachines", "-o", "table"],
            heavy=True,
            terminal=True,
            check=check_vms_table,
        ),
        Case(
            "vms_csv",
            "sscli listVirtualMachines -o csv",
            [sscli, "listVirtualMachines", "-o", "csv"],
            heavy=True,
            check=check_vms_csv,
        ),
        Case(
            "big_json",
            f"sscli -p {BIG_PROFILE} listVirtualMachines -o json (pages of 500)",
            [sscli, "-p", BIG_PROFILE, "listVirtualMachines", "-o", "json"],
            heavy=True,
            check=check_vms_json(BIG_VMS),
        ),
        Case(
            "cs_big",
            f"cs listVirtualMachines {every_big_vm} page=1",
            [cs, "listVirtualMachines", every_big_vm, "page=1"],
            heavy=True,
            check=check_vms_json(BIG_VMS),
            env=to_big_server,
        ),
    ]


COMPARISONS = [
    Comparison("start-up: `--version`", "version", "pass", 1.3),
    Comparison("TAB on an API name", "complete_api", "pass", 1.5),
    Comparison("TAB on a parameter", "complete_param", "pass", 1.5),
    Comparison("TAB through the console script", "complete_wrapper", "pass"),
    Comparison("`--help`", "help", "pass"),
    Comparison("one signed call: `listZones`, JSON", "zones", "cs_zones", 0.6),
    Comparison("all 5,000 VMs to JSON", "vms_json", "cs_vms", 1.2),
    Comparison("5,000 VMs as a table, to a file", "vms_table", "cs_vms"),
    Comparison("5,000 VMs as a table, on a terminal", "vms_terminal", "cs_vms"),
    Comparison("5,000 VMs as CSV", "vms_csv", "cs_vms"),
    Comparison("all 20,000 VMs to JSON", "big_json", "cs_big"),
    Comparison("peer: `cs --version`", "cs_version", "pass"),
    Comparison("peer: `cs --help`", "cs_help", "pass"),
]


def check_completion(expected: str) -> Callable[[str], None]:
    def check(output: str) -> None:
        if expected not in output.split():
            raise ValueError(f"no {expected} among {output[:80]!r}")

    return check


def check_zones(output: str) -> None:
    zones = json.loads(output).get("zone", [])
    if not zones:
        raise ValueError("no zone in the answer")


def check_vms_json(expected: int) -> Callable[[str], None]:
    def check(output: str) -> None:
        found = len(json.loads(output).get("virtualmachine", []))
        if found != expected:
            raise ValueError(f"{found} VMs instead of {expected}")

    return check


def check_vms_table(output: str) -> None:
    # The simulator names VM n "<word>-<n:04d>": count the distinct numbers.
    found = len(set(re.findall(r"\b[a-z]+-(\d{4})\b", output)))
    if found < VMS:
        raise ValueError(f"{found} VM names in the table instead of {VMS}")


def check_vms_csv(output: str) -> None:
    rows = list(csv.reader(output.splitlines()))
    if len(rows) != VMS + 1:
        raise ValueError(f"{len(rows) - 1} CSV rows instead of {VMS}")


# -- measuring ----------------------------------------------------------------


def run_once(case: Case, env: dict[str, str], out_path: Path) -> Sample:
    """One run, timed from here; peak memory as GNU time saw it.

    A child's own ru_maxrss cannot be had from Python: exec keeps the high-water
    mark of the forking process, this one. GNU time forks from a tiny process.
    """
    memory_file = out_path.with_suffix(".rss")
    wrapper = [GNU_TIME, "-f", "%M", "-o", str(memory_file)] if GNU_TIME else []
    with open(out_path, "wb") as out, open(out_path.with_suffix(".err"), "wb") as err:
        terminal = Terminal(out) if case.terminal else None
        started = time.perf_counter()
        child = subprocess.Popen(
            [*wrapper, *case.argv],
            env={**env, **case.env},
            stdin=subprocess.DEVNULL,
            stdout=terminal.child_side if terminal else out,
            stderr=err,
        )
        if terminal:
            terminal.close_child_side()
        # wait4 counts the CPU time of time's child too.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if terminal:
            terminal.finish()
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, read_peak_kb(memory_file), child.returncode)


class Terminal:
    """A pseudo-terminal of TABLE_COLUMNS columns whose screen goes to a file."""

    def __init__(self, sink) -> None:
        self.parent_side, self.child_side = os.openpty()
        size = struct.pack("HHHH", int(TERMINAL_LINES), int(TABLE_COLUMNS), 0, 0)
        fcntl.ioctl(self.child_side, termios.TIOCSWINSZ, size)
        self.reader = threading.Thread(target=self.copy_to, args=(sink,), daemon=True)
        self.reader.start()

    def copy_to(self, sink) -> None:
        while True:
            try:
                chunk = os.read(self.parent_side, READ_CHUNK)
            except OSError:  # EIO: the child side is closed everywhere
                return
            if not chunk:
                return
            sink.write(chunk)

    def close_child_side(self) -> None:
        os.close(self.child_side)

    def finish(self) -> None:
        self.reader.join()
        os.close(self.parent_side)


def read_peak_kb(memory_file: Path) -> int | None:
    if not memory_file.exists():
        return None
    lines = memory_file.read_text().split()
    return int(lines[-1]) if lines and lines[-1].isdigit() else None


def warm_up(case: Case, env: dict[str, str], scratch: Path) -> None:
    """One unmeasured run that checks the output; a failure skips the case.

    A slow case gets fewer rounds, so that the whole run stays within minutes.
    """
    out_path = scratch / f"{case.key}.out"
    sample = run_once(case, env, out_path)
    if sample.returncode != 0:
        case.skipped = f"exit {sample.returncode}: {last_line(out_path)}"
        return
    case.rounds = max(MIN_ROUNDS, int(CASE_BUDGET_SECONDS / max(sample.wall, 1e-3)))
    if case.check is None:
        return
    try:
        case.check(out_path.read_text(errors="replace"))
    except (ValueError, KeyError, AttributeError) as err:
        case.skipped = f"wrong output: {err}"


def last_line(out_path: Path) -> str:
    lines = out_path.with_suffix(".err").read_text(errors="replace").splitlines()
    return lines[-1][:160] if lines else "(nothing on stderr)"


def measure(cases: list[Case], rounds: int, env: dict[str, str], scratch: Path) -> None:
    """Interleaved rounds in a shuffled order, so drift hits every case alike."""
    order = random.Random(7)
    for number in range(rounds):
        chosen = [case for case in cases if not case.skipped and number < case.rounds]
        order.shuffle(chosen)
        for case in chosen:
            sample = run_once(case, env, scratch / f"{case.key}.out")
            if sample.returncode != 0:
                case.skipped = f"exit {sample.returncode} in round {number + 1}"
                continue
            case.walls.append(sample.wall)
            case.cpus.append(sample.cpu)
            case.rss_kb.append(sample.rss_kb)
        say(f"round {number + 1}/{rounds} done")


# -- where the time goes ------------------------------------------------------


def import_profile(case: Case, tools: Tools, env: dict[str, str]) -> str:
    """The imports a run adds to `python -c pass`, nested, as Markdown."""
    runs: dict[tuple[int, str], list[float]] = {}
    for _ in range(IMPORT_PROFILE_RUNS):
        command = [tools.python, "-X", "importtime", *script_argv(case, tools)]
        for depth, module, cumulative in run_importtime(command, {**env, **case.env}):
            runs.setdefault((depth, module), []).append(cumulative / 1000)
    baseline = baseline_modules(tools, env)
    rows = [
        (depth, module, statistics.median(times))
        for (depth, module), times in runs.items()
        if module not in baseline
    ]
    total = sum(cumulative for depth, _, cumulative in rows if depth == 0)
    shown = [
        f"{'  ' * depth}{module:<{44 - 2 * depth}} {cumulative:7.1f} ms"
        for depth, module, cumulative in rows
        if depth <= PROFILE_DEPTH and cumulative >= PROFILE_SHARE * total
    ]
    return "\n".join(
        [
            f"`-X importtime`, median of {IMPORT_PROFILE_RUNS} runs: the imports "
            f"that `python -c pass` does not make add up to {total:.0f} ms "
            "(importtime's own overhead included). Shown: those of at least "
            f"{PROFILE_SHARE:.0%} of that, nested as imported.",
            "",
            "```",
            *shown,
            "```",
        ]
    )


def script_argv(case: Case, tools: Tools) -> list[str]:
    """The case's words after `python`: a console script's path, or -c CODE."""
    if case.argv[0] == tools.python:
        return case.argv[1:]
    return case.argv


def baseline_modules(tools: Tools, env: dict[str, str]) -> set[str]:
    command = [tools.python, "-X", "importtime", "-c", "pass"]
    return {module for _, module, _ in run_importtime(command, env)}


def run_importtime(command: list[str], env: dict[str, str]) -> list:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    return parse_importtime(done.stderr)


def function_profile(case: Case, tools: Tools, env: dict[str, str]) -> str:
    """The functions a run spends its own time in, by cProfile, as Markdown."""
    with tempfile.TemporaryDirectory() as folder:
        stats_file = os.path.join(folder, "run.prof")
        command = [
            tools.python,
            "-m",
            "cProfile",
            "-o",
            stats_file,
            *script_argv(case, tools),
        ]
        subprocess.run(
            command, env={**env, **case.env}, stdout=subprocess.DEVNULL, check=True
        )
        stats = pstats.Stats(stats_file)
    total = stats.total_tt * 1000
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)
    shown = [
        f"{own * 1000:8.0f} ms {cumulative * 1000:8.0f} ms {calls:>9}  "
        f"{short_place(place)}"
        for place, (_, calls, own, cumulative, _) in top[:PROFILE_FUNCTIONS]
    ]
    return "\n".join(
        [
            f"cProfile, one run of {total:.0f} ms (cProfile slows calls down): "
            f"the {PROFILE_FUNCTIONS} functions with the most time of their own.",
            "",
            "```",
            f"{'own':>11} {'with callees':>11} {'calls':>9}  function",
            *shown,
            "```",
        ]
    )


def short_place(place: tuple[str, int, str]) -> str:
    path, line, name = place
    # Paths from the venv or the stdlib, shown from the package on.
    path = re.sub(r"^.*/(site-packages|python3\.\d+)/", "", path)
    return f"{path}:{line}({name})" if line else name


def parse_importtime(text: str) -> list[tuple[int, str, int]]:
    """-X importtime lines: (depth, module, cumulative microseconds), in order."""
    found = []
    for line in text.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            depth = (len(match.group(3)) - 1) // 2
            found.append((depth, match.group(4), int(match.group(2))))
    # importtime prints a module after its children; a tree reads parent first.
    return reorder_parent_first(found)


def reorder_parent_first(entries: list) -> list:
    result: list = []
    pending: list[list] = [[]]
    for depth, module, cumulative in entries:
        while len(pending) <= depth + 1:
            pending.append([])
        children = pending[depth + 1]
        pending[depth + 1] = []
        pending[depth].append((depth, module, cumulative, children))
    for node in pending[0]:
        flatten(node, result)
    return result


def flatten(node: tuple, result: list) -> None:
    depth, module, cumulative, children = node
    result.append((depth, module, cumulative))
    for child in children:
        flatten(child, result)


def catalog_figures(tools: Tools, env: dict[str, str]) -> dict[str, float]:
    """What one call spends on the catalog, against parsing the whole of it.

    In-process medians: a call reads the compact index and the one API's params
    (Catalog.load, resolve, check); the alternative is json.load of listApis.
    """
    source = full_catalog()
    if source is None:
        return {}
    done = subprocess.run(
        [tools.python, "-c", CATALOG_CODE, str(source), str(CATALOG_RUNS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = {}
    for line in done.stdout.splitlines():
        name, milliseconds = line.split()
        figures[name] = float(milliseconds)
    figures["size_mb"] = source.stat().st_size / 2**20
    return figures


def full_catalog() -> Path | None:
    """The whole 4.18 listApis answer, gzipped, wherever this checkout keeps it."""
    for candidate in (
        REPO / "tests" / "data" / "listApis-4.18.json.gz",
        REPO / "sscli" / "data" / "listApis-4.18.json.gz",
    ):
        if candidate.exists():
            return candidate
    return None


def catalog_section(figures: dict[str, float]) -> list[str]:
    if not figures:
        return []
    return [
        "## The catalog in one call",
        "",
        f"In-process medians ({CATALOG_RUNS} runs): loading the bundled index, "
        "resolving `deployVirtualMachine` and checking its parameters, as every "
        f"call does, takes **{figures['call']:.2f} ms**; parsing the whole 4.18 "
        f"`listApis` answer ({figures['size_mb']:.1f} MB gzipped) would take "
        f"**{figures['whole']:.0f} ms** "
        f"({figures['whole'] / figures['call']:.0f}× as long).",
        "",
    ]


# -- writing ------------------------------------------------------------------


def median_ms(case: Case) -> float:
    return statistics.median(case.walls) * 1000


def result_row(comparison: Comparison, cases: dict[str, Case]) -> list[str]:
    case, peer = cases[comparison.case], cases[comparison.peer]
    if case.skipped or peer.skipped:
        why = case.skipped or f"peer: {peer.skipped}"
        return [
            comparison.label,
            f"`{case.label}`",
            "—",
            "—",
            target_text(comparison),
            f"not measured ({why})",
            "—",
        ]
    ratio = median_ms(case) / median_ms(peer)
    return [
        comparison.label,
        f"`{case.label}`<br>vs `{peer.label}`",
        f"{median_ms(case):.0f} / {median_ms(peer):.0f}",
        f"**{ratio:.2f}×**",
        target_text(comparison),
        verdict(comparison, ratio),
        f"{rss_text(case)} / {rss_text(peer)}",
    ]


def target_text(comparison: Comparison) -> str:
    return f"≤ {comparison.target}×" if comparison.target else "—"


def verdict(comparison: Comparison, ratio: float) -> str:
    if comparison.target is None:
        return "—"
    if ratio <= comparison.target:
        return "met"
    short = ratio / comparison.target - 1
    return f"**missed** by {short:.1%}" if short < 0.1 else f"**missed** by {short:.0%}"


def rss_text(case: Case) -> str:
    known = [kb for kb in case.rss_kb if kb is not None]
    return f"{statistics.median(known) / 1024:.0f}" if known else "n/a"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def detail_rows(cases: list[Case]) -> list[list[str]]:
    rows = []
    for case in cases:
        if case.skipped:
            rows.append([f"`{case.label}`", "—", "—", "—", "—", case.skipped])
            continue
        rows.append(
            [
                f"`{case.label}`",
                f"{median_ms(case):.1f}",
                f"{min(case.walls) * 1000:.1f} – {max(case.walls) * 1000:.1f}",
                f"{statistics.median(case.cpus) * 1000:.0f}",
                rss_text(case),
                str(len(case.walls)),
            ]
        )
    return rows


def profile_section(label: str, profile: str) -> str:
    return f"#### `{label}`\n\n{profile}\n"


def load_text(args: argparse.Namespace) -> str:
    return f"{args.load_before:.1f} before, {os.getloadavg()[0]:.1f} after"


def machine_line() -> str:
    cores = os.cpu_count()
    python = sys.version.split()[0]
    return f"{cores} cores, Python {python}, {sys.platform}"


def write_results(
    cases: list[Case],
    profiles: dict[str, str],
    catalog: dict[str, float],
    args: argparse.Namespace,
    tools: Tools,
) -> None:
    by_key = {case.key: case for case in cases}
    header = [
        "What",
        "Command vs peer",
        "Median ms",
        "Ratio",
        "Target",
        "Result",
        "Peak RSS MB",
    ]
    rows = [result_row(comparison, by_key) for comparison in COMPARISONS]
    sections = [
        "# Benchmark results",
        "",
        f"Written by `python3 benchmarks/bench.py` on {time.strftime('%Y-%m-%d')} "
        f"({machine_line()}; load average {load_text(args)}). "
        f"{args.rounds} interleaved rounds for the quick commands, "
        f"{args.heavy_rounds} for the 5,000- and 20,000-VM ones, "
        "after one warm-up run each; "
        f"a command slower than {CASE_BUDGET_SECONDS / MIN_ROUNDS:.0f} s gets "
        f"fewer (at least {MIN_ROUNDS}, see Runs). Medians of wall time; peak RSS "
        "is the command's own maximum resident set, as GNU time's `%M` reports it.",
        "",
        markdown_table(header, rows),
        "",
        "How it was run:",
        "",
        f"- sscli: {source_text(args)}, in a venv of its own; the baseline "
        "`python -c pass` is the same interpreter.",
        f"- cs: `{CS_REQUIREMENT}` from PyPI in its own venv, configured with "
        "`CLOUDSTACK_ENDPOINT`/`_KEY`/`_SECRET`.",
        "- Servers: the bundled simulator (`sscli.simulator.Simulator`), one with "
        f"{VMS:,} VMs and one with {BIG_VMS:,}, each in its own process on the "
        "same machine. Their page-size caps are raised so that cs's single "
        f"`pagesize={VMS}` or `pagesize={BIG_VMS}` request is allowed; sscli "
        "still fetches pages of 500, up to 4 in flight, as it would against a "
        "stock server.",
        "- Output goes to a file, except for the terminal table: that one is "
        f"drawn on a pseudo-terminal of {TABLE_COLUMNS}×{TERMINAL_LINES} "
        "(rich), whose screen is read off into a file. A table to a file is "
        "plain aligned columns. Every command's output was checked once "
        "(zones present, every VM in the JSON, CSV and tables).",
        "",
        "## Every command",
        "",
        markdown_table(
            ["Command", "Median ms", "Min – max ms", "CPU ms", "Peak RSS MB", "Runs"],
            detail_rows(cases),
        ),
        "",
        *catalog_section(catalog),
    ]
    missed = missed_profiles(by_key, profiles)
    if missed:
        sections += ["## Where the time goes", "", *missed]
    RESULTS_FILE.write_text("\n".join(sections).rstrip() + "\n")


def missed_profiles(by_key: dict[str, Case], profiles: dict[str, str]) -> list[str]:
    parts = []
    for comparison in COMPARISONS:
        if comparison.case in profiles:
            parts.append(
                profile_section(
                    by_key[comparison.case].label, profiles[comparison.case]
                )
            )
    return parts


def update_readme(cases: list[Case]) -> None:
    """The README quotes ratios, which travel between machines; seconds do not."""
    by_key = {case.key: case for case in cases}
    lines = []
    for comparison in COMPARISONS:
        case, peer = by_key[comparison.case], by_key[comparison.peer]
        if comparison.label.startswith("peer") or case.skipped or peer.skipped:
            continue
        ratio = median_ms(case) / median_ms(peer)
        goal = f" (target ≤ {comparison.target}×)" if comparison.target else ""
        lines.append(f"- {comparison.label}: {ratio:.2f}× `{peer.label}`{goal}")
    block = "\n".join([README_BEGIN, *lines, README_END])
    text = README_FILE.read_text() if README_FILE.exists() else ""
    if README_BEGIN in text and README_END in text:
        before, rest = text.split(README_BEGIN, 1)
        after = rest.split(README_END, 1)[1]
        text = before + block + after
    else:
        text = text + ("\n" if text else "") + block + "\n"
    README_FILE.write_text(text)


# -- the run --------------------------------------------------------------------


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=QUICK_ROUNDS)
    parser.add_argument("--heavy-rounds", type=int, default=HEAVY_ROUNDS)
    parser.add_argument("--quick", action="store_true", help="5 and 2 rounds")
    parser.add_argument("--work-dir", help=f"venvs live here (env {WORK_DIR_ENV})")
    parser.add_argument(
        "--sscli-python",
        help="use the sscli installed for this interpreter instead of a fresh wheel",
    )
    parser.add_argument(
        "--worktree", action="store_true", help="install the work tree, not HEAD"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.heavy_rounds = 5, 2
    return args


def run_cases(cases: list[Case], args, env: dict[str, str], scratch: Path) -> None:
    for case in cases:
        warm_up(case, env, scratch)
        if case.skipped:
            say(f"skipping {case.label}: {case.skipped}")
    measure([case for case in cases if not case.heavy], args.rounds, env, scratch)
    measure([case for case in cases if case.heavy], args.heavy_rounds, env, scratch)


def profile_misses(cases: list[Case], tools: Tools, env: dict[str, str]) -> dict:
    by_key = {case.key: case for case in cases}
    profiles = {}
    for comparison in COMPARISONS:
        case, peer = by_key[comparison.case], by_key[comparison.peer]
        if comparison.target is None or case.skipped or peer.skipped:
            continue
        if median_ms(case) / median_ms(peer) <= comparison.target:
            continue
        profiler = function_profile if case.heavy else import_profile
        profiles[case.key] = profiler(case, tools, env)
    return profiles


def main() -> int:
    args = parse_args()
    args.load_before = os.getloadavg()[0]  # others' work on the box skews timings
    root = work_dir(args.work_dir)
    root.mkdir(parents=True, exist_ok=True)
    tools = prepare_tools(args, root)
    scratch = Path(tempfile.mkdtemp(prefix="sscli-bench-"))
    env = child_env(scratch / "home")
    servers: list[Server] = []
    try:
        server = start_simulator(
            tools, env, scratch / "simulator.log", VMS, SERVER_PAGE_SIZE
        )
        servers.append(server)
        big_server = start_simulator(
            tools, env, scratch / "simulator-big.log", BIG_VMS, BIG_SERVER_PAGE_SIZE
        )
        servers.append(big_server)
        write_profiles(
            scratch / "home" / ".config" / "sscli",
            {PROFILE: server, BIG_PROFILE: big_server},
        )
        cases = make_cases(tools, server, big_server)
        run_cases(cases, args, env, scratch)
        profiles = profile_misses(cases, tools, env)
        catalog = catalog_figures(tools, env)
    finally:
        for running in servers:
            if running.process is not None:
                running.process.terminate()
                running.process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    if not args.no_write:
        write_results(cases, profiles, catalog, args, tools)
        update_readme(cases)
        say(f"wrote {RESULTS_FILE.relative_to(REPO)}")
    for comparison in COMPARISONS:
        print(" | ".join(result_row(comparison, {c.key: c for c in cases})))
    return 1 if any(case.skipped for case in cases) else 0


if __name__ == "__main__":
    sys.exit(main())
