"""The interactive shell, driven in a pseudo-terminal like a person would."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import socket
import stat
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from prompt_toolkit.completion import CompleteEvent  # noqa: E402
from prompt_toolkit.document import Document  # noqa: E402
from prompt_toolkit.history import FileHistory  # noqa: E402

from sscli import config, shell  # noqa: E402

PROMPT = "sscli:{profile}>"
WAIT_SECONDS = 30  # the most pexpect waits for an answer; a pass takes far less
CTRL_C, CTRL_D = "\x03", "\x04"
# prompt_toolkit turns bracketed paste off as it hands the line over; the prompt
# drawn again before that is the line being accepted, not the next prompt.
LINE_ACCEPTED = "\x1b[?2004l"


def start_shell(*argv: str, profile: str = "sim", command: tuple = ("shell",)):
    """`sscli [ARGV] shell` in a pseudo-terminal, waiting at its first prompt."""
    env = dict(
        os.environ,
        TERM="xterm",
        NO_COLOR="1",
        # Nobody answers prompt_toolkit's cursor-position query in a bare pty.
        PROMPT_TOOLKIT_NO_CPR="1",
        # Help taller than the pty is paged; a pager would wait for keys.
        PAGER="cat",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "sscli", *argv, *command],
        env=env,
        encoding="utf-8",
        timeout=WAIT_SECONDS,
        dimensions=(40, 160),
    )
    child.logfile_read = io.StringIO()  # everything the terminal showed
    child.expect_exact(PROMPT.format(profile=profile))
    return child


@pytest.fixture
def session(sim_profile):
    child = start_shell()
    yield child
    child.close(force=True)


def run_line(child, line: str, profile: str = "sim") -> str:
    """Type a line, press Enter, return what appeared up to the next prompt."""
    return press(child, line + "\r", profile)


def press(child, keys: str, profile: str = "sim") -> str:
    """Send keys that end the line; return what appeared up to the next prompt."""
    child.send(keys)
    child.expect_exact(LINE_ACCEPTED)
    child.expect_exact(PROMPT.format(profile=profile))
    return child.before


def leave(child) -> int:
    child.send(CTRL_D)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_tab_completes_a_partial_api_name_and_the_call_runs(session, sim_profile):
    session.send("listZo\t")
    session.expect_exact("listZonesMetrics")  # the menu of the other choice

    shown = run_line(session, " -o json")

    assert all(zone["name"] in shown for zone in sim_profile.state.zones)
    assert [record.params["command"] for record in sim_profile.requests] == [
        "listZones"
    ]
    assert leave(session) == 0


def test_tab_offers_zone_ids_labelled_with_their_names(session, sim_profile):
    zone = sim_profile.state.zones[0]

    session.send("listVirtualMachines zoneid=\t")

    session.expect_exact(zone["id"])
    session.expect_exact(zone["name"])
    session.send(CTRL_C)
    assert leave(session) == 0


def test_history_is_private_and_keeps_no_secret(session, sim_profile):
    run_line(session, "listZones -o json")
    shown = run_line(session, f"set secretkey {sim_profile.secretkey}")
    assert "secretkey = (hidden)" in shown
    run_line(session, "listHypervisors -o json")

    assert leave(session) == 0
    path = shell.history_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    history = path.read_text(encoding="utf-8")
    assert "listZones -o json" in history
    assert "listHypervisors -o json" in history
    assert sim_profile.secretkey not in history
    assert "secretkey" not in history


def test_history_from_an_earlier_session_comes_back_with_the_up_arrow(
    session, sim_profile
):
    run_line(session, "listHypervisors -o json")
    leave(session)
    sim_profile.clear_requests()

    again = start_shell()
    again.send("\x1b[A")  # the up arrow
    shown = run_line(again, "")

    assert "KVM" in shown
    assert [record.params["command"] for record in sim_profile.requests] == [
        "listHypervisors"
    ]
    assert leave(again) == 0


def test_ctrl_c_clears_the_line_and_the_shell_goes_on(session, sim_profile):
    session.send("listNothing")
    press(session, CTRL_C)

    shown = run_line(session, "listHypervisors -o json")

    assert "KVM" in shown
    assert "Unknown API" not in session.logfile_read.getvalue()
    assert leave(session) == 0


def test_quoted_values_reach_the_server_whole(session, sim_profile):
    run_line(session, 'listVirtualMachines keyword="web 01" -o json')

    assert sim_profile.requests[-1].params["keyword"] == "web 01"
    assert leave(session) == 0


def test_set_profile_changes_the_prompt_and_the_calls(session, sim_profile):
    config.save_profile("empty", {})

    shown = run_line(session, "set profile empty", profile="empty")
    assert "Switched to profile 'empty'" in shown
    shown = run_line(session, "listZones", profile="empty")

    assert "profile 'empty' has no url" in shown
    assert sim_profile.requests == []
    assert leave(session) == 0


def test_a_failed_call_stays_in_the_shell(session):
    shown = run_line(session, "listVirtualMachnes")

    assert "did you mean" in shown
    shown = run_line(session, "help listZones")
    assert "listZones" in shown
    assert leave(session) == 0


def test_sscli_alone_on_a_terminal_opens_the_shell(sim_profile):
    child = start_shell("-o", "json", command=())

    shown = run_line(child, "listHypervisors")

    assert "KVM" in shown
    assert leave(child) == 0


def test_set_secretkey_asks_without_echo_and_keeps_it_out_of_history(
    session, sim_profile
):
    session.send("set secretkey\r")
    session.expect_exact("secretkey:")
    session.send(sim_profile.secretkey + "\r")  # to getpass, not prompt_toolkit
    session.expect_exact("secretkey = (hidden)")
    session.expect_exact(PROMPT.format(profile="sim"))
    run_line(session, "listZones -o json")

    assert sim_profile.secretkey not in session.logfile_read.getvalue()
    assert sim_profile.requests[-1].params["command"] == "listZones"
    assert leave(session) == 0
    assert sim_profile.secretkey not in shell.history_path().read_text()


def test_a_line_may_start_with_sscli_or_cmk_as_at_a_shell_prompt(session, sim_profile):
    assert "KVM" in run_line(session, "sscli listHypervisors -o json")
    shown = run_line(session, "cmk list zones -o json")
    assert sim_profile.state.zones[0]["name"] in shown
    assert "Already in the sscli shell" in run_line(session, "sscli")

    assert "Unknown API" not in session.logfile_read.getvalue()
    assert [record.params["command"] for record in sim_profile.requests] == [
        "listHypervisors",
        "listZones",
    ]
    assert leave(session) == 0


def test_exit_leaves_the_shell(session):
    session.send("exit\r")
    session.expect(pexpect.EOF)
    session.close()
    assert session.exitstatus == 0


def test_ctrl_c_stops_waiting_for_a_job_without_leaving(tmp_path):
    from sscli.simulator import Simulator

    with Simulator(vms=3, job_seconds=600) as slow:
        config.save_profile(
            "slow",
            {"url": slow.url, "apikey": slow.apikey, "secretkey": slow.secretkey},
        )
        child = start_shell("-p", "slow", profile="slow")
        vm = slow.state.vms[0]

        child.send(f"rebootVirtualMachine id={vm['id']}\r")
        child.expect_exact("Waiting for job")  # the spinner
        child.send(CTRL_C)
        child.expect_exact("Stopped waiting")
        child.expect_exact(PROMPT.format(profile="slow"))
        shown = run_line(child, "listZones -o json", profile="slow")

        assert slow.state.zones[0]["name"] in shown
        assert leave(child) == 0


# -- TAB against a server that cannot give ids -----------------------------------------

REFUSED_BODY = (
    '{"errorresponse": {"errorcode": 432, "cserrorcode": 9999, '
    '"errortext": "The given command does not exist or it is not available"}}'
)


@contextlib.contextmanager
def stopped_server():
    """The URL of a port that nobody listens on: every connection is refused."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    yield f"http://127.0.0.1:{port}/client/api", lambda: None


@contextlib.contextmanager
def mute_server():
    """A port whose kernel completes the handshake and then nobody reads.

    Its `finish` closes the listener, which resets the waiting connection: the
    fetch still running in the shell fails at that moment, not seconds later.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/client/api", listener.close
    finally:
        listener.close()


@contextlib.contextmanager
def refusing_server():
    """A server that answers every call with 432, as for an API the role lacks."""
    from sscli.simulator import Simulator

    with Simulator(vms=1) as sim:
        sim.fail_status, sim.fail_body = 432, REFUSED_BODY
        yield sim.url, lambda: None


def wait_for(path, seconds: float = WAIT_SECONDS) -> bool:
    """True once `path` exists; the TAB has then given up on the server."""
    give_up = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < give_up:
        time.sleep(0.05)
    return path.exists()


@pytest.mark.parametrize("server", [stopped_server, mute_server, refusing_server])
def test_tab_on_ids_from_a_server_that_fails_prints_nothing(server):
    from sscli.completion import ids

    with server() as (url, finish):
        config.save_profile("down", {"url": url, "apikey": "k", "secretkey": "s"})
        child = start_shell("-p", "down", profile="down")
        child.send("deployVirtualMachine zoneid=\t")
        gave_up = wait_for(Path(ids._cache_path("down", "listZones")))
        finish()
        press(child, CTRL_C, profile="down")
        shown = run_line(child, "help listZones", profile="down")

        assert leave(child) == 0
    terminal = child.logfile_read.getvalue()
    for noise in ("Traceback", "Exception in thread", "cannot reach", "Error"):
        assert noise not in terminal
    assert "Response fields" in shown
    assert gave_up  # and the failure is remembered for the next TAB


# -- the pieces, in-process ----------------------------------------------------------


def completions(text: str, values: dict | None = None) -> list:
    completer = shell.ShellCompleter(values or {})
    return list(completer.get_completions(Document(text), CompleteEvent()))


def test_the_completer_replaces_the_whole_word_under_the_cursor(sim_profile):
    offered = completions("list zo")

    assert [item.text for item in offered] == ["zones", "zonesmetrics"]
    assert all(item.start_position == -2 for item in offered)


def test_the_completer_reads_past_a_leading_sscli(sim_profile):
    offered = completions("sscli list zo")
    assert [item.text for item in offered] == ["zones", "zonesmetrics"]


def test_the_completer_shows_ids_with_names_after_the_equals_sign(sim_profile):
    zone = sim_profile.state.zones[0]
    # The TAB's time limit counts imports too: load them first, as a long-lived
    # shell has, so that a busy test machine does not run out of it.
    import sscli.catalog.lookup  # noqa: F401
    import sscli.client  # noqa: F401

    offered = completions("listPods zoneid=", {"profile": "sim"})

    found = {item.display_text: item.display_meta_text for item in offered}
    assert found[zone["id"]] == zone["name"]
    assert all(item.text.startswith("zoneid=") for item in offered)


def test_the_completer_lists_filter_fields_by_their_own_names(sim_profile):
    offered = completions("listZones filter=id,na")
    assert [item.text for item in offered] == ["filter=id,name"]
    assert [item.display_text for item in offered] == ["name"]


def test_the_completer_is_silent_when_the_line_cannot_be_split():
    assert completions('listZones name="a b" "unclosed x') == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("listZones", 0),
        ("listZones ", 10),
        ("list zones name=web", 11),
        ('set x displayname="web 0', 6),
    ],
)
def test_the_word_under_the_cursor_starts_after_unquoted_space(text, start):
    assert shell.current_word_start(text) == start


def test_partly_quoted_words_are_read_as_the_shell_would():
    assert shell.unquote('displayname="web 0') == "displayname=web 0"
    assert shell.unquote("name='a") == "name=a"
    assert shell.quote_if_needed("name=web 01") == "'name=web 01'"
    assert shell.quote_if_needed("zoneid=abc") == "zoneid=abc"


def test_the_history_drops_lines_with_secrets_in_memory_and_on_disk(tmp_path):
    path = tmp_path / "history"
    history = shell.SecretFreeHistory(FileHistory(str(path)))

    for line in ("listZones", "set secretkey s3cret", "updateUser password=pw"):
        history.append_string(line)

    assert history.get_strings() == ["listZones"]
    assert "s3cret" not in path.read_text() and "pw" not in path.read_text()


def test_only_the_newest_history_lines_are_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(shell, "HISTORY_LOADED", 3)
    path = tmp_path / "history"
    writer = FileHistory(str(path))
    for number in range(10):
        writer.store_string(f"listZones id={number}")

    loaded = list(
        shell.SecretFreeHistory(FileHistory(str(path))).load_history_strings()
    )

    assert loaded == ["listZones id=9", "listZones id=8", "listZones id=7"]


def test_an_older_history_file_is_made_private(tmp_path):
    path = tmp_path / "history"
    path.write_text("+listZones\n")
    path.chmod(0o644)

    shell.make_private_file(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "+listZones\n"


def test_the_shell_will_not_draw_its_prompt_into_a_file(sim_profile, tmp_path):
    out = tmp_path / "out.txt"
    command = f"{shlex.quote(sys.executable)} -m sscli shell > {shlex.quote(str(out))}"

    child = pexpect.spawn("sh", ["-c", command], encoding="utf-8")
    child.expect_exact("the shell needs a terminal on stdout")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 2
    assert out.read_text() == ""
