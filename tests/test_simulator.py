"""The simulator over real HTTP: it must verify, answer and fail like CloudStack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from _sim_helpers import body, call, encode, in_ten_minutes, send, sign, signed

from sscli import signing
from sscli.simulator import Simulator
from sscli.simulator.auth import compute_signature, java_urlencode, string_to_sign

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "signature-vectors.json").read_text())
ENCODINGS = json.loads((DATA / "encoding-vectors.json").read_text())["vectors"]
AUTH_TEXT = "unable to verify user credentials and/or request signature"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("SSCLI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SSCLI_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def sim():
    with Simulator(vms=30, job_seconds=0) as running:
        yield running


@pytest.fixture
def paged_sim():
    with Simulator(vms=120, default_page_size=50) as running:
        yield running


def zone_template_offering(sim) -> dict[str, str]:
    zone = sim.state.zones[0]
    template = next(t for t in sim.state.templates if t["zoneid"] == zone["id"])
    return {
        "zoneid": zone["id"],
        "templateid": template["id"],
        "serviceofferingid": sim.state.serviceofferings[0]["id"],
    }


def job_result(sim, response) -> dict:
    jobid = response.json()[next(iter(response.json()))]["jobid"]
    return body(call(sim, "queryAsyncJobResult", jobid=jobid), "queryAsyncJobResult")


# --- verification, as ApiServer.verifyRequest ---


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_string_to_sign_and_signature_match_the_real_vectors(vector):
    assert string_to_sign(vector["params"]) == vector["string_to_sign"]
    signature = compute_signature(vector["params"], vector["secretkey"], "sha1")
    assert signature == vector["expected_signature"]


@pytest.mark.parametrize("vector", ENCODINGS, ids=[v["input"] for v in ENCODINGS])
def test_values_are_encoded_like_java_urlencoder(vector):
    assert java_urlencode(vector["input"]) == vector["java_urlencoder_plus_to_%20"]


def test_tilde_and_space_are_percent_encoded():
    assert java_urlencode("a b~c*") == "a%20b%7Ec*"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_call_signed_by_sscli_signing_is_accepted(sim, method):
    params = {"command": "listZones", "response": "json", "name": "Zurich 1 ~+*é"}
    params = signing.signed_params(params, sim.apikey, sim.secretkey)
    response = send(sim, params, method)
    assert response.status_code == 200
    assert body(response, "listZones") == {}


def test_a_tampered_value_is_refused_with_the_server_401_body(sim):
    params = signed(sim, "listVirtualMachines", name="web")
    params["name"] = "db"
    response = send(sim, params)
    assert response.status_code == 401
    assert response.json() == {
        "listvirtualmachinesresponse": {
            "uuidList": [],
            "errorcode": 401,
            "errortext": AUTH_TEXT,
        }
    }


@pytest.mark.parametrize(
    ("value", "space", "tilde_safe"),
    [("two words", "+", False), ("home~user", "%20", True)],
    ids=["plus-for-space", "raw-tilde"],
)
def test_client_encoding_mistakes_are_refused(sim, value, space, tilde_safe):
    params = {
        "command": "listZones",
        "response": "json",
        "apikey": sim.apikey,
        "name": value,
    }
    params["signature"] = sign(params, sim.secretkey, space, tilde_safe)
    assert send(sim, params).status_code == 401


def test_names_keep_their_case_when_sorted(sim):
    params = {
        "command": "listZones",
        "response": "json",
        "apiKey": sim.apikey,
        "Name": "x",
        "keyword": "y",
    }
    params["signature"] = sign(params, sim.secretkey)
    assert send(sim, params).status_code == 200


def test_empty_values_are_signed_as_name_equals(sim):
    assert call(sim, "listZones", keyword="").status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"expires": "2001-01-01T00:00:00+0000"},
        {"expires": "tomorrow"},
        {"expires": in_ten_minutes().replace("+0000", "Z")},
        {"signatureVersion": "3", "expires": None},
        {"signature": None},
        {"apikey": "not-the-key"},
    ],
    ids=["expired", "unparseable", "iso-z", "no-expires", "unsigned", "wrong-key"],
)
def test_bad_credentials_are_refused(sim, change):
    params = {
        "command": "listZones",
        "response": "json",
        "apikey": sim.apikey,
        "signatureVersion": "3",
        "expires": in_ten_minutes(),
    }
    params.update(change)
    params = {name: value for name, value in params.items() if value is not None}
    if "signature" not in change:
        params["signature"] = sign(params, sim.secretkey)
    response = send(sim, params)
    assert response.status_code == 401
    assert body(response, "listZones")["errortext"] == AUTH_TEXT


def test_without_signature_version_expires_is_not_needed(sim):
    params = {"command": "listZones", "response": "json", "apikey": sim.apikey}
    params["signature"] = sign(params, sim.secretkey)
    assert send(sim, params).status_code == 200


def test_a_parameter_sent_twice_is_refused(sim):
    query = "&".join(f"{k}={encode(v)}" for k, v in signed(sim, "listZones").items())
    response = requests.get(f"{sim.url}?{query}&command=listHosts", timeout=10)
    assert response.status_code == 401
    assert "command" in body(response, "listZones")["errortext"]


# --- errors in the server's shapes ---


def test_a_missing_required_parameter_is_431(sim):
    response = call(sim, "listTemplates")
    assert response.status_code == 431
    assert response.json() == {
        "listtemplatesresponse": {
            "uuidList": [],
            "errorcode": 431,
            "cserrorcode": 9999,
            "errortext": "Unable to execute API command listtemplates "
            "due to missing parameter templatefilter",
        }
    }
    assert "templatefilter" in response.headers["X-Description"]


def test_an_unknown_command_is_432(sim):
    response = call(sim, "listEverything")
    assert response.status_code == 432
    assert body(response, "listEverything")["cserrorcode"] == 9999


def test_command_names_are_case_sensitive(sim):
    assert call(sim, "listzones").status_code == 432


def test_an_unknown_id_is_431_with_4350(sim):
    response = call(sim, "listVirtualMachines", id="0000-not-there")
    assert response.status_code == 431
    error = body(response, "listVirtualMachines")
    assert error["cserrorcode"] == 4350
    assert "Invalid parameter id value=0000-not-there" in error["errortext"]


def test_a_catalog_api_the_simulator_lacks_is_530(sim):
    response = call(sim, "listVolumes")
    assert response.status_code == 530
    assert (
        "does not implement listVolumes" in body(response, "listVolumes")["errortext"]
    )


def test_other_paths_are_404_html(sim):
    response = requests.get(sim.url.replace("/client/api", "/client/other"), timeout=10)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_without_response_json_the_answer_is_xml(sim):
    params = {"command": "listZones", "apikey": sim.apikey}
    params["signature"] = sign(params, sim.secretkey)
    response = send(sim, params)
    assert response.text.startswith("<?xml")
    assert "<zone><id>" in response.text


# --- data ---


def test_lists_count_and_shape(sim):
    zones = body(call(sim, "listZones"), "listZones")
    assert zones["count"] == 2 == len(zones["zone"])
    vms = body(call(sim, "listVirtualMachines"), "listVirtualMachines")
    assert vms["count"] == 30 == len(sim.state.vms)
    assert [vm["id"] for vm in vms["virtualmachine"]] == [
        v["id"] for v in sim.state.vms
    ]


def test_an_empty_list_is_an_empty_object(sim):
    response = call(sim, "listVirtualMachines", name="no-such-vm")
    assert response.json() == {"listvirtualmachinesresponse": {}}


def test_rows_are_ragged(sim):
    vms = body(call(sim, "listVirtualMachines"), "listVirtualMachines")[
        "virtualmachine"
    ]
    for field in ("group", "keypairs", "isoid", "hostid", "cpuused"):
        having = [vm for vm in vms if field in vm]
        assert 0 < len(having) < len(vms), field


def test_exact_numbers_survive_the_wire(sim):
    response = call(sim, "listVirtualMachines")
    assert '"networkkbsread":9007199254740993' in response.text
    vms = body(response, "listVirtualMachines")["virtualmachine"]
    assert vms[2]["networkkbsread"] == 2**53 + 1
    assert vms[0]["cpuused"] == "12.5%"
    hosts = body(call(sim, "listHosts"), "listHosts")["host"]
    assert hosts[0]["cpuloadaverage"] == 0.75
    assert '"cpuloadaverage":0.75' in call(sim, "listHosts").text


def test_the_same_seed_builds_the_same_cloud():
    first, second, other = (Simulator(vms=5, seed=s) for s in (7, 7, 8))
    assert first.state.vms == second.state.vms
    assert first.state.vms[0]["id"] != other.state.vms[0]["id"]


def test_list_vms_filters(sim):
    zoneid = sim.state.zones[1]["id"]
    rows = body(call(sim, "listVirtualMachines", zoneid=zoneid), "listVirtualMachines")
    assert {vm["zoneid"] for vm in rows["virtualmachine"]} == {zoneid}
    rows = body(
        call(sim, "listVirtualMachines", state="Stopped"), "listVirtualMachines"
    )
    assert {vm["state"] for vm in rows["virtualmachine"]} == {"Stopped"}
    tagged = {"tags[0].key": "env", "tags[0].value": "prod"}
    rows = body(call(sim, "listVirtualMachines", **tagged), "listVirtualMachines")
    assert rows["count"] >= 1
    assert all(
        {"key": "env", "value": "prod"}.items() <= vm["tags"][0].items()
        for vm in rows["virtualmachine"]
    )


def test_templates_need_and_honour_templatefilter(sim):
    featured = body(
        call(sim, "listTemplates", templatefilter="featured"), "listTemplates"
    )
    assert all(t["isfeatured"] for t in featured["template"])
    every = body(call(sim, "listTemplates", templatefilter="all"), "listTemplates")
    assert every["count"] > featured["count"]
    assert call(sim, "listTemplates", templatefilter="mine").status_code == 431


def test_hypervisors_per_zone(sim):
    zoneid = sim.state.zones[0]["id"]
    rows = body(call(sim, "listHypervisors", zoneid=zoneid), "listHypervisors")
    assert [h["name"] for h in rows["hypervisor"]] == ["KVM", "VMware"]


def test_list_apis_answers_from_the_catalog(sim):
    from conftest import LISTAPIS_418

    from sscli.catalog import read_answer

    every = body(call(sim, "listApis"), "listApis")
    assert every["count"] == 705 == len(every["api"])
    real = read_answer(str(LISTAPIS_418))["api"]
    by_name = sorted(real, key=lambda api: api["name"])
    assert every["api"] == by_name  # the real 4.18 server's entries, whole
    one = body(call(sim, "listApis", name="deployVirtualMachine"), "listApis")
    assert [api["name"] for api in one["api"]] == ["deployVirtualMachine"]


# --- paging ---


def test_without_paging_the_default_page_size_applies(paged_sim):
    rows = body(call(paged_sim, "listVirtualMachines"), "listVirtualMachines")
    assert rows["count"] == 120
    assert len(rows["virtualmachine"]) == 50


def test_pages_cover_every_row_once_in_order(paged_sim):
    ids = []
    for page in ("1", "2", "3"):
        rows = body(
            call(paged_sim, "listVirtualMachines", page=page, pagesize="50"),
            "listVirtualMachines",
        )
        ids += [vm["id"] for vm in rows["virtualmachine"]]
    assert ids == [vm["id"] for vm in paged_sim.state.vms]


def test_a_page_past_the_end_has_only_the_count(paged_sim):
    response = call(paged_sim, "listVirtualMachines", page="4", pagesize="50")
    assert response.json() == {"listvirtualmachinesresponse": {"count": 120}}


def test_page_without_pagesize_uses_the_default(paged_sim):
    rows = body(call(paged_sim, "listVirtualMachines", page="3"), "listVirtualMachines")
    assert len(rows["virtualmachine"]) == 20


def test_pagesize_minus_one_returns_everything(paged_sim):
    rows = body(
        call(paged_sim, "listVirtualMachines", pagesize="-1"), "listVirtualMachines"
    )
    assert len(rows["virtualmachine"]) == 120


def test_pagesize_above_the_maximum_is_431(paged_sim):
    response = call(paged_sim, "listVirtualMachines", pagesize="51")
    assert response.status_code == 431
    error = body(response, "listVirtualMachines")
    assert (
        error["errortext"] == "Page size can't exceed max allowed page size value: 50"
    )
    assert error["cserrorcode"] == 4350


def test_repeat_page_serves_page_one_again(paged_sim):
    paged_sim.repeat_page = True
    first, second = (
        body(
            call(paged_sim, "listVirtualMachines", page=p, pagesize="10"),
            "listVirtualMachines",
        )
        for p in ("1", "2")
    )
    assert first == second


# --- async jobs ---


def test_deploy_answers_at_once_and_the_job_runs_later(sim):
    sim.job_seconds = 3600  # cannot finish during the test
    response = call(
        sim, "deployVirtualMachine", name="pending-1", **zone_template_offering(sim)
    )
    started = body(response, "deployVirtualMachine")
    assert set(started) == {"id", "jobid"}
    job = job_result(sim, response)
    assert job["jobstatus"] == 0
    assert "jobresult" not in job
    assert job["jobinstanceid"] == started["id"]
    vm = sim.state.find(sim.state.vms, started["id"])
    assert vm["state"] == "Starting"


def test_a_finished_deploy_returns_the_vm_as_sent(sim):
    displayname = "Größe 東京 ~+&= 🚀"
    response = call(
        sim,
        "deployVirtualMachine",
        "POST",
        name="new-vm-1",
        displayname=displayname,
        userdata="I2Nsb3VkLWNvbmZpZwo=",
        **zone_template_offering(sim),
    )
    job = job_result(sim, response)
    assert job["jobstatus"] == 1
    assert job["jobresulttype"] == "object"
    vm = job["jobresult"]["virtualmachine"]
    assert vm["displayname"] == displayname
    assert vm["state"] == "Running"
    assert sim.state.userdata[vm["id"]] == "I2Nsb3VkLWNvbmZpZwo="
    listed = body(call(sim, "listVirtualMachines", id=vm["id"]), "listVirtualMachines")
    assert listed["virtualmachine"][0]["displayname"] == displayname


@pytest.mark.parametrize(
    "extra",
    [{"name": "web-0001"}, {"name": "fine-1", "displayname": "fail please"}],
    ids=["name-taken", "displayname-fail"],
)
def test_deploy_fails_as_a_job(sim, extra):
    response = call(sim, "deployVirtualMachine", **extra, **zone_template_offering(sim))
    assert response.status_code == 200
    job = job_result(sim, response)
    assert job["jobstatus"] == 2
    assert job["jobresultcode"] == 530
    assert job["jobresult"]["errorcode"] == 530
    assert job["jobresult"]["errortext"]


def test_deploy_checks_required_parameters_and_values(sim):
    params = zone_template_offering(sim)
    del params["templateid"]
    response = call(sim, "deployVirtualMachine", **params)
    assert response.status_code == 431
    assert "missing parameter templateid" in response.text
    response = call(
        sim, "deployVirtualMachine", name="not valid", **zone_template_offering(sim)
    )
    assert response.status_code == 431
    response = call(
        sim,
        "deployVirtualMachine",
        userdata="not base64!",
        **zone_template_offering(sim),
    )
    assert response.status_code == 431


def test_stop_start_reboot_destroy(sim):
    vm = next(vm for vm in sim.state.vms if vm["state"] == "Running")
    stopped = job_result(sim, call(sim, "stopVirtualMachine", id=vm["id"]))
    assert stopped["jobresult"]["virtualmachine"]["state"] == "Stopped"
    assert "hostid" not in stopped["jobresult"]["virtualmachine"]
    assert (
        job_result(sim, call(sim, "rebootVirtualMachine", id=vm["id"]))["jobstatus"]
        == 2
    )
    started = job_result(sim, call(sim, "startVirtualMachine", id=vm["id"]))
    assert started["jobresult"]["virtualmachine"]["state"] == "Running"
    job_result(sim, call(sim, "destroyVirtualMachine", id=vm["id"], expunge="true"))
    assert sim.state.find(sim.state.vms, vm["id"]) is None


def test_fail_jobs_makes_every_job_fail(sim):
    sim.fail_jobs = True
    vm = sim.state.vms[0]
    job = job_result(sim, call(sim, "stopVirtualMachine", id=vm["id"]))
    assert job["jobstatus"] == 2
    assert vm["state"] != "Stopped"


def test_an_unknown_jobid_is_431(sim):
    response = call(sim, "queryAsyncJobResult", jobid="f00")
    assert response.status_code == 431


def test_list_async_jobs_shows_the_jobs(sim):
    call(sim, "stopVirtualMachine", id=sim.state.vms[0]["id"])
    jobs = body(call(sim, "listAsyncJobs"), "listAsyncJobs")["asyncjobs"]
    assert [job["cmd"].rsplit(".", 1)[1] for job in jobs] == ["StopVMCmdByAdmin"]


def test_tags_are_created_listed_and_deleted(sim):
    vm = sim.state.vms[1]
    tag = {
        "resourcetype": "UserVm",
        "resourceids": vm["id"],
        "tags[0].key": "team",
        "tags[0].value": "blue sky",
    }
    assert job_result(sim, call(sim, "createTags", **tag))["jobresult"] == {
        "success": True
    }
    rows = body(call(sim, "listTags", resourceid=vm["id"]), "listTags")["tag"]
    assert ("team", "blue sky") in [(row["key"], row["value"]) for row in rows]
    found = body(
        call(sim, "listVirtualMachines", **{"tags[0].key": "team"}),
        "listVirtualMachines",
    )
    assert [row["id"] for row in found["virtualmachine"]] == [vm["id"]]
    job_result(sim, call(sim, "deleteTags", **tag))
    assert "team" not in [t["key"] for t in sim.state.vms[1]["tags"]]


# --- faults and the request log ---


def test_dropped_connections_then_success(sim):
    sim.drop_connections = 1
    with pytest.raises(requests.ConnectionError):
        call(sim, "listZones")
    assert call(sim, "listZones").status_code == 200
    assert [record.status for record in sim.requests] == [None, 200]


def test_fail_status_answers_raw(sim):
    sim.fail_status, sim.fail_body = 502, "<html><body>Bad Gateway</body></html>"
    response = call(sim, "listZones")
    assert response.status_code == 502
    assert response.text == sim.fail_body
    assert response.headers["Content-Type"].startswith("text/html")


def test_delay_makes_a_client_time_out(sim):
    sim.delay_seconds = 2.0
    params = signed(sim, "listZones")
    with pytest.raises(requests.Timeout):
        requests.get(sim.url, params=params, timeout=0.2)


def test_requests_are_recorded_decoded(sim):
    call(sim, "listZones", "POST", name="a b")
    sim.clear_requests()
    call(sim, "listVirtualMachines", keyword="é x")
    (record,) = sim.requests
    assert record.method == "GET"
    assert record.params["keyword"] == "é x"
    assert "filter" not in record.params
    assert "%C3%A9%20x" in record.query
    assert record.status == 200


# --- login sessions ---


def login(sim, password: str = "password") -> requests.Session:
    session = requests.Session()
    response = session.post(
        sim.url,
        data={
            "command": "login",
            "username": "admin",
            "password": password,
            "response": "json",
        },
    )
    session.login_response = response
    return session


def test_login_gives_a_session_that_authenticates(sim):
    with login(sim) as session:
        answer = session.login_response.json()["loginresponse"]
        assert answer["username"] == "admin" and answer["timeout"] == "1800"
        assert "JSESSIONID" in session.cookies
        params = {
            "command": "listZones",
            "response": "json",
            "sessionkey": answer["sessionkey"],
        }
        assert session.get(sim.url, params=params).status_code == 200
        assert requests.get(sim.url, params=params, timeout=10).status_code == 401
        wrong = dict(params, sessionkey="guess")
        assert session.get(sim.url, params=wrong).status_code == 401
        session.get(sim.url, params=dict(params, command="logout"))
        assert session.get(sim.url, params=params).status_code == 401


def test_a_wrong_password_is_401(sim):
    with login(sim, "letmein") as session:
        assert session.login_response.status_code == 401
        assert session.login_response.json()["loginresponse"]["errorcode"] == 401


def test_login_by_get_is_refused(sim):
    params = {
        "command": "login",
        "username": "admin",
        "password": "password",
        "response": "json",
    }
    assert requests.get(sim.url, params=params, timeout=10).status_code == 401


# --- options and lifecycle ---


def test_sha512_is_accepted_unless_turned_off():
    params = {"command": "listZones", "response": "json"}
    with Simulator(vms=1) as sim:  # by default, as servers that offer it
        signed512 = signing.signed_params(
            params, sim.apikey, sim.secretkey, "hmacsha512"
        )
        assert send(sim, signed512).status_code == 200
    with Simulator(vms=1, algorithms=("sha1",)) as sim:
        signed512 = signing.signed_params(
            params, sim.apikey, sim.secretkey, "hmacsha512"
        )
        assert send(sim, signed512).status_code == 401


def test_serve_returns_once_the_simulator_stops():
    import threading

    from sscli.simulator import serve

    sim = Simulator(vms=1).start()
    server_thread = threading.Thread(target=serve, args=(sim,), daemon=True)
    server_thread.start()
    assert call(sim, "listZones").status_code == 200
    sim.stop()
    server_thread.join(10)
    assert not server_thread.is_alive()
    with pytest.raises(requests.ConnectionError):
        call(sim, "listZones")
