"""The async APIs: each answers {"jobid", "id"} at once and does its work as a job.

A deploy fails as a job (jobstatus 2) when its name is taken by a live VM, when
its displayname starts with "fail", or when the simulator's fail_jobs is set.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Callable

from .api import (
    CS_INVALID_PARAMETER,
    PARAM_ERROR,
    ApiError,
    Call,
    get_bool,
    get_list,
    get_map,
    handler,
    invalid_value,
)
from .rows import new_nic, new_vm, tag_row
from .state import Job, JobError, Row, now_text

VM_CMDS = "org.apache.cloudstack.api.command.admin.vm"
TAG_CMDS = "org.apache.cloudstack.api.command.user.tag"
CMD_CLASSES = {
    "deployVirtualMachine": f"{VM_CMDS}.DeployVMCmdByAdmin",
    "startVirtualMachine": f"{VM_CMDS}.StartVMCmdByAdmin",
    "stopVirtualMachine": f"{VM_CMDS}.StopVMCmdByAdmin",
    "rebootVirtualMachine": f"{VM_CMDS}.RebootVMCmdByAdmin",
    "destroyVirtualMachine": f"{VM_CMDS}.DestroyVMCmdByAdmin",
    "createTags": f"{TAG_CMDS}.CreateTagsCmd",
    "deleteTags": f"{TAG_CMDS}.DeleteTagsCmd",
}
FAIL_PREFIX = "fail"  # a deploy whose displayname starts with this fails as a job
FAIL_JOBS_TEXT = "Simulated job failure: the simulator's fail_jobs is set"
HOSTNAME = re.compile(r"[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
DEAD_STATES = ("Destroyed", "Expunging", "Error")
TAGGABLE = {"uservm": ("UserVm", "vms"), "template": ("Template", "templates")}


def start_job(
    call: Call,
    work: Callable[[], Row],
    instance: tuple[str, str] | None = None,
    reason: str | None = None,
    on_failure: Callable[[], None] | None = None,
) -> Job:
    """Queue the work; a reason known now (or fail_jobs) makes the job fail."""
    if reason is None and call.knobs.fail_jobs:
        reason = FAIL_JOBS_TEXT

    def settle() -> Row:
        if reason is not None:
            if on_failure:
                on_failure()
            raise JobError(reason)
        return work()

    cmd = CMD_CLASSES[call.command]
    return call.cloud.add_job(cmd, settle, call.knobs.job_seconds, instance)


def vm_result(vm: Row) -> Row:
    return {"virtualmachine": copy.deepcopy(vm)}


def require(call: Call, rows: list[Row], name: str) -> Row:
    row = call.cloud.find(rows, call.params[name])
    if row is None:
        raise invalid_value(call.command, name, call.params[name])
    return row


def find_live_vm(call: Call) -> Row:
    vm = require(call, call.cloud.vms, "id")
    if vm["state"] in DEAD_STATES:
        text = f"VM {vm['name']} (id={vm['id']}) is {vm['state']}; it cannot be changed"
        raise ApiError(PARAM_ERROR, text, CS_INVALID_PARAMETER)
    return vm


def place_on_host(call: Call, vm: Row) -> None:
    host = next(
        host
        for host in call.cloud.hosts
        if host["zoneid"] == vm["zoneid"] and host["hypervisor"] == vm["hypervisor"]
    )
    vm["hostid"], vm["hostname"] = host["id"], host["name"]


def take_off_host(vm: Row) -> None:
    for field in ("hostid", "hostname", "cpuused"):
        vm.pop(field, None)


@handler("deployVirtualMachine")
def deploy_virtual_machine(call: Call) -> Row:
    zone = require(call, call.cloud.zones, "zoneid")
    offering = require(call, call.cloud.serviceofferings, "serviceofferingid")
    template = require(call, call.cloud.templates, "templateid")
    if template["zoneid"] != zone["id"]:
        text = f"Template {template['name']} is not available in zone {zone['name']}"
        raise ApiError(PARAM_ERROR, text, CS_INVALID_PARAMETER)
    vmid = call.cloud.new_uuid()
    name = call.get("name") or f"VM-{vmid}"
    check_hostname(name)
    check_userdata(call)
    displayname = call.get("displayname") or name
    reason = deploy_failure(call, name, displayname)
    vm = create_vm(call, vmid, name, displayname, zone, template, offering)
    startvm = get_bool(call, "startvm", default=True)

    def work() -> Row:
        vm["state"] = "Running" if startvm else "Stopped"
        if startvm:
            place_on_host(call, vm)
        return vm_result(vm)

    def on_failure() -> None:
        vm["state"] = "Error"

    job = start_job(call, work, ("VirtualMachine", vmid), reason, on_failure)
    return {"id": vmid, "jobid": job.jobid}


def check_hostname(name: str) -> None:
    if not HOSTNAME.fullmatch(name):
        text = (
            f"Invalid value for name: {name!r}. A VM name may hold ASCII letters, "
            "digits and '-', 1 to 63 characters, starting with a letter; "
            "put other text in displayname"
        )
        raise ApiError(PARAM_ERROR, text, CS_INVALID_PARAMETER)


def check_userdata(call: Call) -> None:
    userdata = call.get("userdata")
    if userdata is None:
        return
    try:
        base64.b64decode(userdata, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            PARAM_ERROR, "User data is not base64 encoded", CS_INVALID_PARAMETER
        ) from None


def deploy_failure(call: Call, name: str, displayname: str) -> str | None:
    taken = any(
        vm["name"].lower() == name.lower() and vm["state"] not in DEAD_STATES
        for vm in call.cloud.vms
    )
    if taken:
        return f"The vm with hostname {name} already exists in the network"
    if displayname.startswith(FAIL_PREFIX):
        return (
            f"Unable to create a deployment for VM {name} "
            f"(simulated: displayname starts with {FAIL_PREFIX!r})"
        )
    return None


def create_vm(
    call: Call,
    vmid: str,
    name: str,
    displayname: str,
    zone: Row,
    template: Row,
    offering: Row,
) -> Row:
    cloud = call.cloud
    number = len(cloud.vms) + 100
    vm = new_vm(cloud, vmid, name, displayname, zone, template, offering)
    vm["created"] = now_text()
    vm["instancename"] = f"i-2-{number}-VM"
    network = next(n for n in cloud.networks if n["zoneid"] == zone["id"])
    vm["nic"] = [new_nic(network)]
    vm["nic"][0].update(
        id=cloud.new_uuid(),
        ipaddress=f"10.9.{number // 250 % 250}.{number % 250 + 2}",
        macaddress=f"02:01:00:{number % 256:02x}:00:01",
    )
    if call.get("keypair"):
        vm["keypairs"] = call.params["keypair"]
    if call.get("group"):
        vm["group"] = call.params["group"]
    if call.get("userdata") is not None:
        cloud.userdata[vmid] = call.params["userdata"]
    cloud.vms.append(vm)
    return vm


@handler("startVirtualMachine")
def start_virtual_machine(call: Call) -> Row:
    vm = find_live_vm(call)
    if vm["state"] == "Stopped":
        vm["state"] = "Starting"

    def work() -> Row:
        vm["state"] = "Running"
        place_on_host(call, vm)
        return vm_result(vm)

    job = start_job(call, work, ("VirtualMachine", vm["id"]))
    return {"id": vm["id"], "jobid": job.jobid}


@handler("stopVirtualMachine")
def stop_virtual_machine(call: Call) -> Row:
    vm = find_live_vm(call)
    if vm["state"] in ("Running", "Starting"):
        vm["state"] = "Stopping"

    def work() -> Row:
        vm["state"] = "Stopped"
        take_off_host(vm)
        return vm_result(vm)

    job = start_job(call, work, ("VirtualMachine", vm["id"]))
    return {"id": vm["id"], "jobid": job.jobid}


@handler("rebootVirtualMachine")
def reboot_virtual_machine(call: Call) -> Row:
    vm = find_live_vm(call)

    def work() -> Row:
        if vm["state"] != "Running":
            raise JobError(
                f"Unable to reboot VM {vm['name']}: it is {vm['state']}, "
                "not Running; start it instead"
            )
        return vm_result(vm)

    job = start_job(call, work, ("VirtualMachine", vm["id"]))
    return {"id": vm["id"], "jobid": job.jobid}


@handler("destroyVirtualMachine")
def destroy_virtual_machine(call: Call) -> Row:
    vm = find_live_vm(call)
    expunge = get_bool(call, "expunge")

    def work() -> Row:
        take_off_host(vm)
        vm["state"] = "Expunging" if expunge else "Destroyed"
        if expunge:
            call.cloud.vms.remove(vm)
            call.cloud.tags[:] = [
                t for t in call.cloud.tags if t["resourceid"] != vm["id"]
            ]
        return vm_result(vm)

    job = start_job(call, work, ("VirtualMachine", vm["id"]))
    return {"id": vm["id"], "jobid": job.jobid}


def tagged_resources(call: Call) -> tuple[str, list[Row]]:
    """The canonical resource type and the rows named by resourceids."""
    given = call.params["resourcetype"]
    known = TAGGABLE.get(given.lower())
    if known is None:
        raise invalid_value(call.command, "resourcetype", given)
    resourcetype, attribute = known
    rows = getattr(call.cloud, attribute)
    found = []
    for resourceid in get_list(call, "resourceids"):
        row = call.cloud.find(rows, resourceid)
        if row is None:
            raise invalid_value(call.command, "resourceids", resourceid)
        found.append(row)
    return resourcetype, found


@handler("createTags")
def create_tags(call: Call) -> Row:
    resourcetype, resources = tagged_resources(call)
    wanted = get_map(call, "tags")
    if any("key" not in tag for tag in wanted):
        raise invalid_value(call.command, "tags", "(an entry without key)")

    def work() -> Row:
        for resource in resources:  # check all first: a failed job changes nothing
            for tag in resource["tags"]:
                if any(tag["key"] == entry["key"] for entry in wanted):
                    raise JobError(
                        f"Tag {tag['key']} already exists on "
                        f"{resourcetype} {resource['id']}"
                    )
        for resource in resources:
            for tag in wanted:
                row = tag_row(
                    call.cloud,
                    resourcetype,
                    resource["id"],
                    tag["key"],
                    tag.get("value", ""),
                )
                resource["tags"].append(row)
                call.cloud.tags.append(row)
        return {"success": True}

    return {"jobid": start_job(call, work).jobid}


@handler("deleteTags")
def delete_tags(call: Call) -> Row:
    resourcetype, resources = tagged_resources(call)
    wanted = get_map(call, "tags")

    def doomed(tag: Row) -> bool:
        return not wanted or any(
            all(tag.get(f) == v for f, v in entry.items()) for entry in wanted
        )

    def work() -> Row:
        for resource in resources:
            resource["tags"] = [tag for tag in resource["tags"] if not doomed(tag)]
        ids = {resource["id"] for resource in resources}
        call.cloud.tags[:] = [
            tag
            for tag in call.cloud.tags
            if tag["resourceid"] not in ids or not doomed(tag)
        ]
        return {"success": True}

    return {"jobid": start_job(call, work).jobid}
