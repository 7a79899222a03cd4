"""Build a small, consistent cloud, the same one for the same seed.

Rows are ragged like real data: only some VMs have a group, a key pair, an ISO
or tags; stopped VMs have no host and no cpuused. A few values test exactness:
VM #3 (index 2) has networkkbsread = 2**53 + 1, running VMs' cpuused is a
string like "12.5%" (exactly that on VM #1), and hosts carry a JSON float,
cpuloadaverage (0.75 on the first host).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from .rows import new_vm, tag_row
from .state import DATE_FORMAT, Cloud, Row

BIG_INT_VM_INDEX = 2
BIG_INT = 2**53 + 1  # not representable as a double: a JSON parser must keep it
ALWAYS_RUNNING = (0, BIG_INT_VM_INDEX)  # the rows that carry the exact values
HALF_PERCENT_CPU = "12.5%"  # VM #1's cpuused
ZONES = [
    ("Zurich 1", "zh1", ["KVM", "VMware"]),
    ("Lisbon 2", "ls2", ["KVM", "XenServer"]),
]
OFFERINGS = [
    ("Micro", 1, 500, 512),
    ("Small", 1, 1000, 1024),
    ("Medium", 2, 2000, 4096),
    ("Large", 4, 2000, 8192),
]
TEMPLATES = [
    ("Ubuntu 22.04 LTS", "KVM", "QCOW2", True),
    ("Debian 12", "KVM", "QCOW2", True),
    ("CentOS 7.9", "VMware", "OVA", False),
    ("Windows Server 2019", "XenServer", "VHD", False),
]
NAME_PREFIXES = ["web", "db", "cache", "api", "build", "mail"]
UNICODE_NAMES = ["Café ☕ front", "東京-ノード", "naïve «test»", "Zürich büro 🚀"]
GROUPS = ["frontend", "backend", "ci"]
TAG_VALUES = [("env", "prod"), ("env", "staging"), ("owner", "team-a")]


class Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.shared: dict[str, str] = {}
        self.moment = datetime(2023, 1, 2, 8, 0, 0, tzinfo=timezone.utc)

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def shared_id(self, name: str) -> str:
        """One id per VM group or ISO, however many VMs use it."""
        if name not in self.shared:
            self.shared[name] = self.new_uuid()
        return self.shared[name]

    def created(self) -> str:
        """Creation dates that only move forward, like the rows' order."""
        self.moment += timedelta(seconds=self.rng.randint(60, 40000))
        return self.moment.strftime(DATE_FORMAT)


def build_cloud(vms: int, seed: int = 1) -> Cloud:
    builder = Builder(seed)
    domain = {"id": builder.new_uuid(), "name": "ROOT", "path": "ROOT", "level": 0}
    account = build_account(builder, domain)
    user = build_user(builder, account)
    zones = [build_zone(builder, name, domain) for name, _, _ in ZONES]
    hypervisors = {
        zone["id"]: names for zone, (_, _, names) in zip(zones, ZONES, strict=True)
    }
    offerings = [build_offering(builder, *spec) for spec in OFFERINGS]
    templates = [
        build_template(builder, zone, account, *spec)
        for zone in zones
        for spec in TEMPLATES
        if spec[1] in hypervisors[zone["id"]]
    ]
    networks = [
        build_network(builder, zone, account, n) for n, zone in enumerate(zones)
    ]
    hosts = [
        build_host(builder, zone, hypervisor, short, number)
        for zone, (_, short, names) in zip(zones, ZONES, strict=True)
        for hypervisor in names
        for number in (1, 2)
    ]
    hosts[0]["cpuloadaverage"] = 0.75
    cloud = Cloud(
        domain,
        account,
        user,
        zones,
        hypervisors,
        offerings,
        templates,
        networks,
        hosts,
        vms=[],
        new_uuid=builder.new_uuid,
    )
    for index in range(vms):
        cloud.vms.append(build_vm(builder, cloud, index))
    if vms > BIG_INT_VM_INDEX:
        cloud.vms[BIG_INT_VM_INDEX]["networkkbsread"] = BIG_INT
    if vms:
        cloud.vms[0]["cpuused"] = HALF_PERCENT_CPU
    return cloud


def build_account(builder: Builder, domain: Row) -> Row:
    return {
        "id": builder.new_uuid(),
        "name": "admin",
        "accounttype": 1,
        "roletype": "Admin",
        "rolename": "Root Admin",
        "domainid": domain["id"],
        "domain": "ROOT",
        "domainpath": "ROOT",
        "state": "enabled",
        "created": builder.created(),
        "isdefault": True,
    }


def build_user(builder: Builder, account: Row) -> Row:
    return {
        "id": builder.new_uuid(),
        "username": "admin",
        "firstname": "Admin",
        "lastname": "User",
        "email": "admin@example.invalid",
        "accountid": account["id"],
        "account": "admin",
        "accounttype": 1,
        "roletype": "Admin",
        "domainid": account["domainid"],
        "domain": "ROOT",
        "state": "enabled",
        "created": builder.created(),
    }


def build_zone(builder: Builder, name: str, domain: Row) -> Row:
    return {
        "id": builder.new_uuid(),
        "name": name,
        "description": f"{name} zone",
        "dns1": "9.9.9.9",
        "internaldns1": "10.0.0.2",
        "guestcidraddress": "10.1.0.0/16",
        "networktype": "Advanced",
        "securitygroupsenabled": False,
        "allocationstate": "Enabled",
        "zonetoken": builder.new_uuid(),
        "dhcpprovider": "VirtualRouter",
        "localstorageenabled": False,
        "tags": [],
        "hasannotations": False,
        "type": "Core",
    }


def build_offering(
    builder: Builder, name: str, cpus: int, speed: int, memory: int
) -> Row:
    offering = {
        "id": builder.new_uuid(),
        "name": name,
        "displaytext": f"{name}: {cpus} vCPU, {memory} MB RAM",
        "cpunumber": cpus,
        "cpuspeed": speed,
        "memory": memory,
        "created": builder.created(),
        "storagetype": "shared",
        "offerha": False,
        "limitcpuuse": False,
        "isvolatile": False,
        "issystem": False,
        "defaultuse": False,
        "iscustomized": False,
        "provisioningtype": "thin",
        "cacheMode": "none",
        "hasannotations": False,
    }
    if cpus > 1:
        offering["hosttags"] = "fast-cpu"
    return offering


def build_template(
    builder: Builder,
    zone: Row,
    account: Row,
    name: str,
    hypervisor: str,
    image: str,
    featured: bool,
) -> Row:
    return {
        "id": builder.new_uuid(),
        "name": name,
        "displaytext": f"{name} ({hypervisor})",
        "ispublic": True,
        "created": builder.created(),
        "isready": True,
        "passwordenabled": False,
        "format": image,
        "isfeatured": featured,
        "crossZones": False,
        "ostypeid": builder.new_uuid(),
        "ostypename": name,
        "account": "system" if featured else account["name"],
        "zoneid": zone["id"],
        "zonename": zone["name"],
        "status": "Download Complete",
        "size": 8589934592 * (3 if hypervisor == "XenServer" else 1),
        "templatetype": "BUILTIN" if featured else "USER",
        "hypervisor": hypervisor,
        "domain": "ROOT",
        "domainid": account["domainid"],
        "isextractable": True,
        "bootable": True,
        "sshkeyenabled": False,
        "isdynamicallyscalable": False,
        "directdownload": False,
        "deployasis": False,
        "requireshvm": True,
        "details": {},
        "tags": [],
    }


def build_network(builder: Builder, zone: Row, account: Row, number: int) -> Row:
    return {
        "id": builder.new_uuid(),
        "name": f"guest-{zone['name'].split()[0].lower()}",
        "displaytext": f"Isolated guest network in {zone['name']}",
        "broadcastdomaintype": "Vlan",
        "traffictype": "Guest",
        "gateway": f"10.{number + 1}.1.1",
        "netmask": "255.255.255.0",
        "cidr": f"10.{number + 1}.1.0/24",
        "zoneid": zone["id"],
        "zonename": zone["name"],
        "networkofferingid": builder.new_uuid(),
        "networkofferingname": "DefaultIsolatedNetworkOfferingWithSourceNatService",
        "networkofferingavailability": "Optional",
        "issystem": False,
        "state": "Implemented",
        "broadcasturi": f"vlan://{1200 + number}",
        "type": "Isolated",
        "account": account["name"],
        "domainid": account["domainid"],
        "domain": "ROOT",
        "isdefault": False,
        "restartrequired": False,
        "specifyipranges": False,
        "canusefordeploy": True,
        "ispersistent": False,
        "displaynetwork": True,
        "created": builder.created(),
        "service": [],
        "tags": [],
    }


def build_host(
    builder: Builder, zone: Row, hypervisor: str, short: str, number: int
) -> Row:
    name = f"{hypervisor.lower()}-{short}-{number:02d}"
    return {
        "id": builder.new_uuid(),
        "name": name,
        "state": "Up",
        "type": "Routing",
        "ipaddress": f"172.16.{len(short)}.{10 + number}",
        "zoneid": zone["id"],
        "zonename": zone["name"],
        "podid": builder.new_uuid(),
        "podname": f"pod-{short}",
        "version": "4.18.0.0",
        "hypervisor": hypervisor,
        "cpusockets": 2,
        "cpunumber": 32,
        "cpuspeed": 2400,
        "cpuallocated": f"{builder.rng.randint(5, 60)}%",
        "cpuused": f"{builder.rng.randint(1, 90)}.{builder.rng.randint(0, 9)}%",
        "cpuloadaverage": round(builder.rng.uniform(0.0, 4.0), 2),
        "memorytotal": 270582939648,
        "memoryallocated": 68719476736,
        "memoryused": 51539607552,
        "networkkbsread": builder.rng.randint(10**6, 10**9),
        "networkkbswrite": builder.rng.randint(10**6, 10**9),
        "clusterid": builder.new_uuid(),
        "clustername": f"{hypervisor}-{short}",
        "clustertype": "CloudManaged",
        "islocalstorageactive": False,
        "created": builder.created(),
        "lastpinged": "1970-01-20T06:33:35+0000",
        "resourcestate": "Enabled",
        "hahost": False,
        "hasannotations": False,
        "managementserverid": builder.new_uuid(),
        "events": "ManagementServerDown; Ping",
    }


def build_vm(builder: Builder, cloud: Cloud, index: int) -> Row:
    rng = builder.rng
    zone = cloud.zones[index % len(cloud.zones)]
    templates = [t for t in cloud.templates if t["zoneid"] == zone["id"]]
    template = templates[rng.randrange(len(templates))]
    offering = cloud.serviceofferings[rng.randrange(len(cloud.serviceofferings))]
    name = f"{NAME_PREFIXES[index % len(NAME_PREFIXES)]}-{index + 1:04d}"
    displayname = name
    if index % 37 == 5:
        displayname = UNICODE_NAMES[(index // 37) % len(UNICODE_NAMES)]
    running = rng.random() < 0.7 or index in ALWAYS_RUNNING
    vm = new_vm(cloud, builder.new_uuid(), name, displayname, zone, template, offering)
    vm["created"] = builder.created()
    vm["state"] = "Running" if running else "Stopped"
    vm["nic"][0]["ipaddress"] = f"10.{cloud.zones.index(zone) + 1}.1.{index % 250 + 2}"
    vm["nic"][0]["id"] = builder.new_uuid()
    vm["instancename"] = f"i-2-{index + 100}-VM"
    add_ragged_fields(builder, cloud, vm, index, running)
    return vm


def add_ragged_fields(
    builder: Builder, cloud: Cloud, vm: Row, index: int, running: bool
) -> None:
    """Fields real VMs have only sometimes."""
    rng = builder.rng
    vm["nic"][0]["macaddress"] = (
        f"02:00:{index // 256 % 256:02x}:{index % 256:02x}:00:01"
    )
    if running:
        host = next(
            h
            for h in cloud.hosts
            if h["hypervisor"] == vm["hypervisor"] and h["zoneid"] == vm["zoneid"]
        )
        vm["hostid"], vm["hostname"] = host["id"], host["name"]
        vm["cpuused"] = f"{rng.randint(0, 99)}.{rng.choice([0, 5])}%"
        vm["networkkbsread"] = rng.randint(0, 10**7)
        vm["networkkbswrite"] = rng.randint(0, 10**7)
        vm["diskioread"] = rng.randint(0, 10**6)
        vm["diskiowrite"] = rng.randint(0, 10**6)
    if index % 4 == 1:
        vm["group"] = GROUPS[index % len(GROUPS)]
        vm["groupid"] = builder.shared_id(vm["group"])
    if index % 3 == 0:
        vm["keypairs"] = "deploy-key"
    if index % 11 == 7:
        vm["isoid"], vm["isoname"] = builder.shared_id("iso"), "systemvm.iso"
        vm["isodisplaytext"] = "System VM tools"
    if index % 5 == 2:
        key, value = TAG_VALUES[index % len(TAG_VALUES)]
        vm["tags"] = [tag_row(cloud, "UserVm", vm["id"], key, value)]
        cloud.tags.extend(vm["tags"])
