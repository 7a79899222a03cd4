"""Row factories shared by the seed builder and the async handlers."""

from __future__ import annotations

from .state import Cloud, Row


def new_vm(
    cloud: Cloud,
    vmid: str,
    name: str,
    displayname: str,
    zone: Row,
    template: Row,
    offering: Row,
) -> Row:
    """The fields every VM has, running or not, in the server's order."""
    network = next(n for n in cloud.networks if n["zoneid"] == zone["id"])
    return {
        "id": vmid,
        "name": name,
        "displayname": displayname,
        "account": cloud.account["name"],
        "userid": cloud.user["id"],
        "username": cloud.user["username"],
        "domainid": cloud.domain["id"],
        "domain": "ROOT",
        "created": "",
        "state": "Starting",
        "haenable": False,
        "zoneid": zone["id"],
        "zonename": zone["name"],
        "templateid": template["id"],
        "templatename": template["name"],
        "templatedisplaytext": template["displaytext"],
        "passwordenabled": False,
        "serviceofferingid": offering["id"],
        "serviceofferingname": offering["name"],
        "cpunumber": offering["cpunumber"],
        "cpuspeed": offering["cpuspeed"],
        "memory": offering["memory"],
        "guestosid": template["ostypeid"],
        "rootdeviceid": 0,
        "rootdevicetype": "ROOT",
        "securitygroup": [],
        "nic": [new_nic(network)],
        "hypervisor": template["hypervisor"],
        "instancename": "",
        "details": {},
        "affinitygroup": [],
        "displayvm": True,
        "isdynamicallyscalable": False,
        "ostypeid": template["ostypeid"],
        "osdisplayname": template["ostypename"],
        "tags": [],
    }


def new_nic(network: Row) -> Row:
    return {
        "id": "",
        "networkid": network["id"],
        "networkname": network["name"],
        "netmask": network["netmask"],
        "gateway": network["gateway"],
        "ipaddress": "",
        "isolationuri": network["broadcasturi"],
        "broadcasturi": network["broadcasturi"],
        "traffictype": "Guest",
        "type": "Isolated",
        "isdefault": True,
        "macaddress": "02:00:00:00:00:00",
        "secondaryip": [],
        "extradhcpoption": [],
    }


def tag_row(
    cloud: Cloud, resourcetype: str, resourceid: str, key: str, value: str
) -> Row:
    return {
        "key": key,
        "value": value,
        "resourcetype": resourcetype,
        "resourceid": resourceid,
        "account": cloud.account["name"],
        "domainid": cloud.domain["id"],
        "domain": "ROOT",
    }
