"""Fetching every page: the joining logic against a fake server, then end to end.

The fake answers like CloudStack's BaseListCmd: `count` is the total, a page past
the end carries no list, a pagesize above the maximum is a 431.
"""

from __future__ import annotations

import json
import signal
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sscli import paging
from sscli.errors import APIError, BadResponseError, ExitCode

WAIT_LIMIT = 10  # seconds a blocked test page waits before failing the test


class FakeListServer:
    """A list API over `rows`, thread-safe, recording every call's params."""

    def __init__(self, rows: int, max_pagesize: int = 500, noun: str = "thing"):
        self.rows = [{"id": f"id-{n:05d}", "name": f"n{n}"} for n in range(rows)]
        self.max_pagesize = max_pagesize
        self.noun = noun
        self.calls: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.ignore_page = False  # answer page 1 whatever was asked
        self.ignore_pagesize = False  # answer every row at once, like listApis
        self.reported_count: int | None = None  # a server with a wrong count
        self.fail_page: int | None = None
        self.hidden: set[str] = set()  # ids dropped after the page is cut
        self.empty_pages: set[int] = set()  # pages answered with the count alone
        self.before_answer = None  # hook(page) run before a page is answered
        self.after_answer = None  # hook(page) run after a page is answered

    def request(self, command: str, params: dict[str, str]) -> dict:
        with self.lock:
            self.calls.append(dict(params))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        page = int(params.get("page", 1))
        try:
            if self.before_answer:
                self.before_answer(page)
            return self.answer(command, params, page)
        finally:
            with self.lock:
                self.in_flight -= 1
            if self.after_answer:
                self.after_answer(page)

    def answer(self, command: str, params: dict[str, str], page: int) -> dict:
        pagesize = int(params.get("pagesize", self.max_pagesize))
        if pagesize > self.max_pagesize:
            raise APIError(
                command,
                431,
                "Page size can't exceed max allowed page size value: "
                f"{self.max_pagesize}",
                4350,
            )
        if page == self.fail_page:
            raise APIError(command, 530, f"page {page} broke", 9999)
        with self.lock:
            rows = list(self.rows)
        if not self.ignore_pagesize:
            start = (1 if self.ignore_page else page) - 1
            rows = rows[start * pagesize : (start + 1) * pagesize]
        # Like a server filtering rows after its query: the count still has them.
        rows = [row for row in rows if row.get("id") not in self.hidden]
        if page in self.empty_pages:
            rows = []
        response: dict = {}
        if self.rows:
            response["count"] = self.reported_count or len(self.rows)
        if rows:
            response[self.noun] = rows
        return response

    def pages_asked(self) -> list[int]:
        return sorted(int(call["page"]) for call in self.calls if "page" in call)


class RecordingProgress:
    def __init__(self):
        self.total: int | None = None
        self.rows = 0
        self.closed = False

    def start(self, total_rows: int) -> None:
        self.total = total_rows

    def advance(self, rows: int) -> None:
        self.rows += rows

    def close(self) -> None:
        self.closed = True


def ids(rows: list[dict]) -> list[str]:
    return [row["id"] for row in rows]


# -- which calls page -----------------------------------------------------------


@pytest.mark.parametrize(
    "command, params, expected",
    [
        ("listVirtualMachines", {}, True),
        ("LISTZONES", {"name": "z1"}, True),
        ("listVirtualMachines", {"page": "2"}, False),
        ("listVirtualMachines", {"PageSize": "10"}, False),
        ("deployVirtualMachine", {}, False),
        ("queryAsyncJobResult", {"jobid": "x"}, False),
    ],
)
def test_wants_all_pages_for_lists_without_the_users_paging(command, params, expected):
    assert paging.wants_all_pages(command, params) is expected


def test_wants_no_pages_for_a_list_api_the_catalog_knows_takes_none():
    assert not paging.wants_all_pages("listHypervisors", {}, api_params=["zoneid"])
    assert paging.wants_all_pages("listHosts", {}, api_params=["page", "PAGESIZE"])


# -- joining pages ---------------------------------------------------------------


def test_every_row_is_fetched_in_order_with_the_true_count():
    server = FakeListServer(1234, max_pagesize=100)
    response = paging.fetch_all(server, "listThings", {"zoneid": "z"}, pagesize=100)
    assert response["count"] == 1234
    assert ids(response["thing"]) == ids(server.rows)
    assert server.pages_asked() == list(range(1, 14))
    asked = {(call["zoneid"], call["pagesize"]) for call in server.calls}
    assert asked == {("z", "100")}


def test_one_short_page_costs_one_request():
    server = FakeListServer(42)
    response = paging.fetch_all(server, "listThings", {})
    assert response == {"count": 42, "thing": server.rows}
    assert server.calls == [{"page": "1", "pagesize": "500"}]


def test_an_api_that_ignores_pagesize_costs_one_request():
    server = FakeListServer(705)
    server.ignore_pagesize = True
    response = paging.fetch_all(server, "listApis", {})
    assert len(response["thing"]) == 705
    assert len(server.calls) == 1


def test_an_empty_list_is_the_empty_answer():
    server = FakeListServer(0)
    assert paging.fetch_all(server, "listThings", {}) == {}
    assert len(server.calls) == 1


def test_a_full_last_page_asks_one_more_to_be_sure():
    server = FakeListServer(1000)
    response = paging.fetch_all(server, "listThings", {})
    assert response["count"] == 1000
    assert server.pages_asked() == [1, 2, 3]


def test_a_wrong_count_does_not_stop_paging_while_pages_are_full():
    server = FakeListServer(1200)
    server.reported_count = 500  # some APIs report the page's rows as count
    response = paging.fetch_all(server, "listThings", {})
    assert response["count"] == 1200
    assert ids(response["thing"]) == ids(server.rows)


def test_rows_added_while_paging_are_fetched_until_a_short_page():
    server = FakeListServer(1000)

    def add_rows(page):
        if page == 2:
            with server.lock:
                server.rows += [{"id": f"new-{n}"} for n in range(300)]

    server.before_answer = add_rows
    response = paging.fetch_all(server, "listThings", {})
    assert response["count"] == 1300
    assert ids(response["thing"])[-1] == "new-299"


def test_a_server_repeating_a_page_fails_with_the_page_named():
    server = FakeListServer(1200)
    server.ignore_page = True
    with pytest.raises(BadResponseError) as raised:
        paging.fetch_all(server, "listThings", {})
    assert "page 2 identical to page 1" in raised.value.message
    assert raised.value.exit_code == ExitCode.BAD_RESPONSE


def test_an_unpaged_api_with_exactly_one_full_page_is_not_an_error():
    server = FakeListServer(500)
    server.ignore_page = True  # answers the same rows whatever page is asked
    response = paging.fetch_all(server, "listThings", {})
    assert response["count"] == 500
    assert ids(response["thing"]) == ids(server.rows)
    assert server.pages_asked() == [1, 2]


def test_a_failing_page_fails_the_whole_call():
    server = FakeListServer(3000)
    server.fail_page = 3
    with pytest.raises(APIError) as raised:
        paging.fetch_all(server, "listThings", {})
    assert raised.value.errorcode == 530


def test_a_smaller_server_maximum_is_taken_from_its_431():
    server = FakeListServer(250, max_pagesize=100)
    response = paging.fetch_all(server, "listThings", {})
    assert ids(response["thing"]) == ids(server.rows)
    assert [call["pagesize"] for call in server.calls] == ["500", "100", "100", "100"]


def test_a_page_short_for_hidden_rows_ends_paging_at_the_same_pagesize():
    server = FakeListServer(1200)
    server.hidden = {row["id"] for row in server.rows[::25]}  # 4% never shown
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    shown = [row for row in server.rows[:500] if row["id"] not in server.hidden]
    assert ids(response["thing"]) == ids(shown)
    assert response["count"] == len(shown)
    assert {call["pagesize"] for call in server.calls} == {"500"}
    assert warnings == [
        f"listThings counted 1200 rows but sent {len(shown)}; the list changed "
        "while it was fetched, or the server's count is wrong"
    ]


def test_a_short_later_page_ends_paging_though_later_pages_were_asked():
    server = FakeListServer(1200, max_pagesize=100)
    server.hidden = {row["id"] for row in server.rows[150:160]}
    warnings: list[str] = []
    response = paging.fetch_all(
        server, "listThings", {}, pagesize=100, warn=warnings.append
    )
    rows = ids(response["thing"])
    assert rows == [key for key in ids(server.rows[:200]) if key not in server.hidden]
    assert len(rows) == len(set(rows)) == response["count"]
    assert {call["pagesize"] for call in server.calls} == {"100"}
    assert len(warnings) == 1


def test_another_431_on_page_one_is_not_retried():
    class Refusing:
        calls = 0

        def request(self, command, params):
            self.calls += 1
            raise APIError(command, 431, "Unable to execute API command: bad zoneid")

    client = Refusing()
    with pytest.raises(APIError):
        paging.fetch_all(client, "listThings", {"zoneid": "nope"})
    assert client.calls == 1


def test_the_users_own_page_is_one_request_as_given():
    server = FakeListServer(1200)
    response = paging.fetch_all(server, "listThings", {"page": "2", "pagesize": "7"})
    assert ids(response["thing"]) == ids(server.rows[7:14])
    assert server.calls == [{"page": "2", "pagesize": "7"}]


def test_other_top_level_keys_of_page_one_are_kept():
    server = FakeListServer(600)
    first_answer = server.answer

    def answer(command, params, page):
        return {"note": "kept", **first_answer(command, params, page)}

    server.answer = answer
    response = paging.fetch_all(server, "listThings", {})
    assert response["note"] == "kept"
    assert list(response) == ["note", "count", "thing"]


def test_progress_counts_every_row_and_is_closed():
    server = FakeListServer(1100)
    progress = RecordingProgress()
    paging.fetch_all(server, "listThings", {}, progress=progress)
    assert (progress.total, progress.rows, progress.closed) == (1100, 1100, True)


def test_progress_is_closed_when_a_page_fails():
    server = FakeListServer(1100)
    server.fail_page = 2
    progress = RecordingProgress()
    with pytest.raises(APIError):
        paging.fetch_all(server, "listThings", {}, progress=progress)
    assert progress.closed


# -- lists that change while they are paged ----------------------------------------


def change_after_page_one(server: FakeListServer, change) -> None:
    """Run `change(rows)` once page 1 is answered, before any later page is."""

    def after(page):
        if page == 1:
            with server.lock:
                change(server.rows)

    server.after_answer = after


def test_rows_inserted_at_the_front_are_not_sent_twice():
    server = FakeListServer(1500)
    before = list(server.rows)
    inserted = [{"id": f"new-{n}"} for n in range(10)]
    change_after_page_one(server, lambda rows: rows.__setitem__(slice(0, 0), inserted))
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    assert ids(response["thing"]) == ids(before)
    assert response["count"] == len(before)
    assert warnings == [
        f"listThings counted {len(before) + len(inserted)} rows but sent "
        f"{len(before)}, plus {len(inserted)} repeats left out; the list changed "
        "while it was fetched, or the server's count is wrong"
    ]


def test_rows_deleted_while_paging_are_warned_about():
    server = FakeListServer(1500)
    before = list(server.rows)
    change_after_page_one(server, lambda rows: rows.__delitem__(slice(0, 10)))
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    # Page 2 now starts 10 rows later: the 10 rows after page 1 moved onto it.
    expected = before[:500] + before[510:]
    assert ids(response["thing"]) == ids(expected)
    assert response["count"] == len(expected)
    assert len(warnings) == 1
    assert f"counted {len(before)} rows but sent {len(expected)};" in warnings[0]


def test_an_empty_page_within_the_count_ends_the_list_with_a_warning():
    server = FakeListServer(1500)
    server.empty_pages = {2}
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    assert ids(response["thing"]) == ids(server.rows[:500])
    assert response["count"] == 500
    assert warnings == [
        "listThings counted 1500 rows but sent 500; the list changed while it "
        "was fetched, or the server's count is wrong"
    ]


def test_a_list_that_matches_its_count_gives_no_warning():
    server = FakeListServer(1234, max_pagesize=100)
    warnings: list[str] = []
    paging.fetch_all(server, "listThings", {}, pagesize=100, warn=warnings.append)
    assert warnings == []


def test_the_warning_goes_to_stderr_by_default(capsys):
    server = FakeListServer(1500)
    server.empty_pages = {3}
    paging.fetch_all(server, "listThings", {})
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Warning: listThings counted 1500 rows but sent")
    assert captured.err.count("\n") == 1


def test_a_template_in_two_zones_is_two_rows_across_pages():
    server = FakeListServer(1000)
    server.rows[500] = {**server.rows[499], "zoneid": "zone-2"}
    server.rows[499] = {**server.rows[499], "zoneid": "zone-1"}
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    assert response["thing"] == server.rows
    assert warnings == []


# -- rows without an id ---------------------------------------------------------------


def test_identical_rows_without_ids_are_all_kept():
    server = FakeListServer(0)
    server.rows = [{"name": "same", "value": "1"} for _ in range(1200)]
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    assert response["thing"] == server.rows
    assert response["count"] == len(server.rows)
    assert server.pages_asked() == [1, 2, 3]
    assert warnings == []


def test_rows_without_ids_from_a_server_ignoring_page_stop_past_the_count():
    server = FakeListServer(0)
    server.rows = [{"name": f"n{n}"} for n in range(1200)]
    server.ignore_page = True
    warnings: list[str] = []
    response = paging.fetch_all(server, "listThings", {}, warn=warnings.append)
    # Within the count the repeats cannot be told from rows; past it they stop.
    assert response["thing"] == server.rows[:500] * 3
    assert server.pages_asked() == [1, 2, 3, 4]
    assert len(warnings) == 1
    assert "counted 1200 rows but sent 1500" in warnings[0]


# -- bounds ---------------------------------------------------------------------------


def test_a_count_beyond_the_page_bound_fails_saying_so():
    server = FakeListServer(1000)
    server.reported_count = (paging.MAX_PAGES + 1) * paging.PAGE_SIZE
    with pytest.raises(BadResponseError) as raised:
        paging.fetch_all(server, "listThings", {})
    assert raised.value.message.startswith(
        f"listThings counts {server.reported_count} rows, more than "
        f"{paging.MAX_PAGES} pages of {paging.PAGE_SIZE};"
    )
    assert server.pages_asked() == [1]


def test_a_count_of_exactly_the_page_bound_is_fetched(monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 4)
    server = FakeListServer(400, max_pagesize=100)
    response = paging.fetch_all(server, "listThings", {}, pagesize=100)
    assert ids(response["thing"]) == ids(server.rows)
    assert server.pages_asked() == [1, 2, 3, 4, 5]


def test_a_server_sending_full_pages_forever_is_stopped(monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 4)

    class Endless:
        def request(self, command, params):
            page, size = int(params["page"]), int(params["pagesize"])
            rows = [{"id": f"{page}-{n}"} for n in range(size)]
            return {"count": size, "thing": rows}

    with pytest.raises(BadResponseError) as raised:
        paging.fetch_all(Endless(), "listThings", {}, pagesize=10)
    assert "kept sending full pages past page 4" in raised.value.message


# -- concurrency -----------------------------------------------------------------


def hold_pages_until_answered(server: FakeListServer, held: set[int], later: int):
    """Hold pages `held` until page `later` is answered: only concurrency gets there."""
    answered = threading.Event()

    def before(page):
        if page in held and not answered.wait(WAIT_LIMIT):
            raise AssertionError(f"page {later} never came while page {page} waited")

    def after(page):
        if page == later:
            answered.set()

    server.before_answer, server.after_answer = before, after


def test_later_pages_are_fetched_side_by_side_and_joined_in_order():
    server = FakeListServer(2000, max_pagesize=100)
    hold_pages_until_answered(server, held={2}, later=5)
    response = paging.fetch_all(server, "listThings", {}, pagesize=100, workers=4)
    assert ids(response["thing"]) == ids(server.rows)
    assert server.max_in_flight > 1


def test_no_more_pages_are_in_flight_than_workers():
    server = FakeListServer(5000, max_pagesize=100)
    hold_pages_until_answered(server, held={2, 3}, later=4)
    paging.fetch_all(server, "listThings", {}, pagesize=100, workers=3)
    assert server.max_in_flight == 3


def test_ctrl_c_does_not_wait_for_pages_in_flight():
    server = FakeListServer(2000)
    release = threading.Event()

    def interrupt_while_page_2_runs(page):
        if page == 2:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
            release.wait(WAIT_LIMIT)

    server.before_answer = interrupt_while_page_2_runs
    try:
        with pytest.raises(KeyboardInterrupt):
            paging.fetch_all(server, "listThings", {})
        in_flight = [
            thread
            for thread in threading.enumerate()
            if thread.name.startswith("page-") and thread.is_alive()
        ]
        # Daemon threads do not hold the process open once Ctrl-C ends the call.
        assert in_flight and all(thread.daemon for thread in in_flight)
    finally:
        release.set()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    total=st.integers(min_value=0, max_value=400),
    pagesize=st.integers(min_value=1, max_value=60),
    workers=st.integers(min_value=1, max_value=5),
)
def test_any_list_comes_back_whole_and_in_order(total, pagesize, workers):
    server = FakeListServer(total, max_pagesize=pagesize)
    response = paging.fetch_all(
        server, "listThings", {}, pagesize=pagesize, workers=workers
    )
    assert ids(response.get("thing", [])) == ids(server.rows)
    assert response.get("count", 0) == total
    asked = server.pages_asked()
    assert len(asked) == len(set(asked)) <= total // pagesize + 1


# -- end to end against the simulator ----------------------------------------------

VMS = 1200


@pytest.fixture(scope="module")
def big_sim():
    from sscli.simulator import Simulator

    with Simulator(vms=VMS, default_page_size=500, job_seconds=0.2) as sim:
        yield sim


@pytest.fixture
def big_profile(big_sim):
    from sscli import config

    config.save_profile(
        "big",
        {"url": big_sim.url, "apikey": big_sim.apikey, "secretkey": big_sim.secretkey},
        make_current=True,
    )
    big_sim.clear_requests()
    big_sim.repeat_page = False
    yield big_sim
    big_sim.repeat_page = False


def vm_ids(sim) -> list[str]:
    return [vm["id"] for vm in sim.state.vms]


def list_calls(sim) -> list[dict[str, str]]:
    return [
        record.params
        for record in sim.requests
        if record.params.get("command") == "listVirtualMachines"
    ]


def test_cli_lists_all_1200_vms_with_their_count(sscli, big_profile):
    result = sscli("listVirtualMachines", "-o", "json")
    assert result.code == 0, result.err
    response = json.loads(result.out)
    assert response["count"] == VMS
    assert ids(response["virtualmachine"]) == vm_ids(big_profile)
    calls = list_calls(big_profile)
    assert sorted(call["page"] for call in calls) == ["1", "2", "3"]
    assert {call["pagesize"] for call in calls} == {str(paging.PAGE_SIZE)}


def test_simulator_pages_are_fetched_concurrently_and_in_order(big_profile):
    from sscli.client import Client
    from sscli.config import Profile

    profile = Profile(
        name="t",
        url=big_profile.url,
        apikey=big_profile.apikey,
        secretkey=big_profile.secretkey,
        timeout=5,
    )
    client = Client(profile)
    page3_answered = threading.Event()
    real_send = client.session.send

    def send(prepared, **kwargs):
        # Hold page 2 until page 3 is back: it only returns if both are in flight.
        if "page=2&" in prepared.url and not page3_answered.wait(WAIT_LIMIT):
            raise AssertionError("page 3 was not fetched while page 2 was pending")
        response = real_send(prepared, **kwargs)
        if "page=3&" in prepared.url:
            page3_answered.set()
        return response

    client.session.send = send
    response = paging.fetch_all(client, "listVirtualMachines", {})
    assert response["count"] == VMS
    assert ids(response["virtualmachine"]) == vm_ids(big_profile)


def test_cli_honours_the_users_page_as_one_request(sscli, big_profile):
    result = sscli("listVirtualMachines", "page=2", "pagesize=100", "-o", "json")
    assert result.code == 0, result.err
    response = json.loads(result.out)
    assert ids(response["virtualmachine"]) == vm_ids(big_profile)[100:200]
    assert response["count"] == len(big_profile.state.vms)  # the server's total
    assert len(list_calls(big_profile)) == 1


def test_cli_no_paginate_sends_the_call_as_given(sscli, big_profile):
    result = sscli("listVirtualMachines", "--no-paginate", "-o", "json")
    assert result.code == 0, result.err
    response = json.loads(result.out)
    assert len(response["virtualmachine"]) == 500 < len(big_profile.state.vms)
    assert response["count"] == len(big_profile.state.vms)  # as the server said
    (call,) = list_calls(big_profile)
    assert "page" not in call and "pagesize" not in call


def test_cli_fails_on_a_server_that_repeats_pages(sscli, big_profile):
    big_profile.repeat_page = True
    result = sscli("listVirtualMachines", "-o", "json")
    assert result.code == ExitCode.BAD_RESPONSE
    assert result.out == ""
    assert "page 2 identical to page 1" in result.err


def test_cli_prints_nothing_when_one_page_fails(sscli, big_profile, monkeypatch):
    from sscli.simulator.server import raw_answer

    real_answer = big_profile.answer
    broken = {
        "listvirtualmachinesresponse": {
            "errorcode": 530,
            "cserrorcode": 9999,
            "errortext": "page 3 broke",
        }
    }

    def answer(method, path, pairs, cookies):
        if ("page", "3") in pairs:
            return raw_answer(530, json.dumps(broken))
        return real_answer(method, path, pairs, cookies)

    monkeypatch.setattr(big_profile, "answer", answer)
    result = sscli("listVirtualMachines", "-o", "json")
    assert result.code == ExitCode.API_ERROR
    assert result.out == ""
    assert "page 3 broke" in result.err


def test_cli_empty_list_is_an_empty_answer(sscli, big_profile):
    result = sscli("listVirtualMachines", "keyword=no-such-vm", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {}
    assert len(list_calls(big_profile)) == 1


def test_cli_warns_once_when_vms_go_away_while_paging(sscli, big_profile, monkeypatch):
    before = list(big_profile.state.vms)
    real_answer = big_profile.answer

    def answer(method, path, pairs, cookies):
        answered = real_answer(method, path, pairs, cookies)
        if ("page", "1") in pairs:
            with big_profile.lock:
                del big_profile.state.vms[:10]
        return answered

    monkeypatch.setattr(big_profile, "answer", answer)
    try:
        result = sscli("listVirtualMachines", "-o", "json")
    finally:
        big_profile.state.vms[:] = before
    assert result.code == 0, result.err
    response = json.loads(result.out)
    expected = [vm["id"] for vm in before[:500] + before[510:]]
    assert ids(response["virtualmachine"]) == expected
    assert response["count"] == len(expected)
    assert result.err == (
        f"Warning: listVirtualMachines counted {VMS} rows but sent {len(expected)}; "
        "the list changed while it was fetched, or the server's count is wrong\n"
    )


def test_cli_keeps_page_one_when_page_two_is_empty(sscli, big_profile, monkeypatch):
    from sscli.simulator.server import raw_answer

    real_answer = big_profile.answer
    empty = {"listvirtualmachinesresponse": {"count": VMS}}

    def answer(method, path, pairs, cookies):
        if ("page", "2") in pairs:
            return raw_answer(200, json.dumps(empty))
        return real_answer(method, path, pairs, cookies)

    monkeypatch.setattr(big_profile, "answer", answer)
    result = sscli("listVirtualMachines", "-o", "json")
    assert result.code == 0, result.err
    response = json.loads(result.out)
    assert ids(response["virtualmachine"]) == vm_ids(big_profile)[:500]
    assert response["count"] == 500
    assert result.err.splitlines() == [
        f"Warning: listVirtualMachines counted {VMS} rows but sent 500; the list "
        "changed while it was fetched, or the server's count is wrong"
    ]
