"""The read-only APIs: one function per command, each returning the inner body."""

from __future__ import annotations

from .api import (
    INTERNAL_ERROR,
    ApiError,
    Call,
    get_map,
    handler,
    invalid_value,
    list_response,
    load_catalog,
    match_fields,
    match_keyword,
)
from .state import Row

TEMPLATE_FILTERS = (
    "featured",
    "self",
    "selfexecutable",
    "sharedexecutable",
    "executable",
    "community",
    "all",
)
CLOUDSTACK_VERSION = "4.18.0.0"


@handler("listApis")
def list_apis(call: Call) -> Row:
    apis = load_catalog()["api"]
    name = call.get("name")
    if name is not None:
        apis = [api for api in apis if api["name"] == name]
        if not apis:
            raise ApiError(
                INTERNAL_ERROR,
                "Api Discovery plugin was unable to find "
                "an api by that name or process any apis",
            )
    return {"count": len(apis), "api": apis}


@handler("listCapabilities")
def list_capabilities(call: Call) -> Row:
    capability = {
        "securitygroupsenabled": False,
        "dynamicrolesenabled": True,
        "cloudstackversion": CLOUDSTACK_VERSION,
        "userpublictemplateenabled": True,
        "supportELB": "false",
        "projectinviterequired": False,
        "allowusercreateprojects": True,
        "customdiskofferingminsize": 1,
        "customdiskofferingmaxsize": 1024,
        "regionsecondaryenabled": False,
        "kvmsnapshotenabled": False,
        "allowuserviewdestroyedvm": True,
        "allowuserexpungerecovervm": False,
        "apilimitinterval": 1,
        "apilimitmax": 500,
        "defaultuipagesize": call.knobs.default_page_size,
        "kubernetesserviceenabled": False,
    }
    return {"capability": capability}


@handler("listDomains")
def list_domains(call: Call) -> Row:
    rows = match_fields([call.cloud.domain], call, {"id": "id", "name": "name"})
    return list_response(call, "domain", rows)


@handler("listAccounts")
def list_accounts(call: Call) -> Row:
    rows = match_fields([call.cloud.account], call, {"id": "id", "name": "name"})
    return list_response(call, "account", rows)


@handler("listZones")
def list_zones(call: Call) -> Row:
    rows = match_fields(call.cloud.zones, call, {"id": "id", "name": "name"})
    rows = match_keyword(rows, call, ("name",))
    return list_response(call, "zone", rows)


@handler("listHypervisors")
def list_hypervisors(call: Call) -> Row:
    zoneid = call.get("zoneid")
    names: list[str] = []
    for zone in call.cloud.zones:
        if zoneid is None or zone["id"] == zoneid:
            names += [n for n in call.cloud.hypervisors[zone["id"]] if n not in names]
    return list_response(call, "hypervisor", [{"name": name} for name in names])


@handler("listServiceOfferings")
def list_service_offerings(call: Call) -> Row:
    rows = match_fields(call.cloud.serviceofferings, call, {"id": "id", "name": "name"})
    rows = match_keyword(rows, call, ("name", "displaytext"))
    return list_response(call, "serviceoffering", rows)


@handler("listTemplates")
def list_templates(call: Call) -> Row:
    templatefilter = call.params["templatefilter"]
    if templatefilter not in TEMPLATE_FILTERS:
        raise invalid_value(call.command, "templatefilter", templatefilter)
    rows = [
        row for row in call.cloud.templates if template_matches(row, templatefilter)
    ]
    fields = {
        "id": "id",
        "zoneid": "zoneid",
        "name": "name",
        "hypervisor": "hypervisor",
    }
    rows = match_keyword(match_fields(rows, call, fields), call, ("name",))
    return list_response(call, "template", rows)


def template_matches(template: Row, templatefilter: str) -> bool:
    own = template["account"] != "system"
    if templatefilter == "featured":
        return template["isfeatured"]
    if templatefilter in ("self", "selfexecutable"):
        return own
    if templatefilter == "community":
        return template["ispublic"] and not template["isfeatured"] and not own
    if templatefilter == "sharedexecutable":
        return False  # nothing is shared with the admin account in this cloud
    return True


@handler("listNetworks")
def list_networks(call: Call) -> Row:
    fields = {
        "id": "id",
        "zoneid": "zoneid",
        "type": "type",
        "traffictype": "traffictype",
    }
    rows = match_keyword(
        match_fields(call.cloud.networks, call, fields), call, ("name",)
    )
    return list_response(call, "network", rows)


@handler("listHosts")
def list_hosts(call: Call) -> Row:
    fields = {
        "id": "id",
        "zoneid": "zoneid",
        "name": "name",
        "type": "type",
        "state": "state",
        "hypervisor": "hypervisor",
        "podid": "podid",
        "clusterid": "clusterid",
    }
    rows = match_keyword(match_fields(call.cloud.hosts, call, fields), call, ("name",))
    return list_response(call, "host", rows)


@handler("listVirtualMachines")
def list_virtual_machines(call: Call) -> Row:
    fields = {
        "id": "id",
        "zoneid": "zoneid",
        "state": "state",
        "templateid": "templateid",
        "serviceofferingid": "serviceofferingid",
        "hostid": "hostid",
        "hypervisor": "hypervisor",
        "groupid": "groupid",
        "keypair": "keypairs",
        "isoid": "isoid",
    }
    rows = match_fields(call.cloud.vms, call, fields)
    ids = call.get("ids")
    if ids is not None:
        wanted = set(ids.split(","))
        rows = [row for row in rows if row["id"] in wanted]
    name = (call.get("name") or "").lower()
    if name:  # the server matches name with LIKE %name%
        rows = [row for row in rows if name in row["name"].lower()]
    rows = match_keyword(rows, call, ("name", "displayname", "state"))
    rows = match_tags(rows, call)
    return list_response(call, "virtualmachine", rows)


def match_tags(rows: list[Row], call: Call) -> list[Row]:
    for wanted in get_map(call, "tags"):
        rows = [
            row for row in rows if any(tag_fits(tag, wanted) for tag in row["tags"])
        ]
    return rows


def tag_fits(tag: Row, wanted: dict[str, str]) -> bool:
    return all(tag.get(field) == value for field, value in wanted.items())


@handler("listTags")
def list_tags(call: Call) -> Row:
    fields = {"resourcetype": "resourcetype", "resourceid": "resourceid"}
    rows = match_fields(call.cloud.tags, call, fields)
    for field in ("key", "value"):
        if call.get(field) is not None:
            rows = [row for row in rows if row[field] == call.params[field]]
    return list_response(call, "tag", rows)


@handler("listAsyncJobs")
def list_async_jobs(call: Call) -> Row:
    rows = [job.to_response() for job in call.cloud.jobs]
    return list_response(call, "asyncjobs", rows)


@handler("queryAsyncJobResult")
def query_async_job_result(call: Call) -> Row:
    jobid = call.params["jobid"]
    job = next((job for job in call.cloud.jobs if job.jobid == jobid), None)
    if job is None:
        raise invalid_value(call.command, "jobid", jobid)
    return job.to_response()
