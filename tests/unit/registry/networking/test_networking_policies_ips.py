"""networking.k8s.io/v1 NetworkPolicy, IPAddress and ServiceCIDR (upstream validation, defaults, printers)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.registry.networking import ipaddresses, networkpolicies, servicecidrs
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="networking.k8s.io", api_version="v1")


def policy(spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "p", "namespace": "default", "resourceVersion": "1"}, "spec": spec}


def test_network_policy_defaults() -> None:
    obj = policy({"egress": [{"ports": [{"port": 53}]}]})
    networkpolicies.NetworkPolicyStrategy().default(obj)
    assert obj["spec"] == {"egress": [{"ports": [{"port": 53, "protocol": "TCP"}]}], "podSelector": {},
                           "policyTypes": ["Ingress", "Egress"]}
    ingress_only = policy({"podSelector": {}})
    networkpolicies.default_network_policy(ingress_only)
    assert ingress_only["spec"]["policyTypes"] == ["Ingress"]


@pytest.mark.parametrize("spec,expected", [
    ({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]}]},
     []),
    ({"ingress": [{"from": [{}]}]}, ["spec.ingress[0].from[0]: Required value: must specify a peer"]),
    ({"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "namespaceSelector": {}}]}]},
     ["spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"]),
    ({"ingress": [{"from": [{"ipBlock": {"cidr": ""}}]}]}, ["spec.ingress[0].from[0].ipBlock.cidr: Required value"]),
    ({"ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.0.0/8"]}}]}]},
     ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`']),
    ({"ingress": [{"ports": [{"port": 70000}, {"port": "http", "endPort": 90}, {"endPort": 9}]}]},
     ["spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
      "spec.ingress[0].ports[2].endPort: Invalid value: 9: may not be specified when `port` is not specified"]),
    ({"policyTypes": ["Ingress", "Other"]},
     ['spec.policyTypes[1]: Unsupported value: "Other": supported values: "Ingress", "Egress"']),
    ({"policyTypes": ["Ingress", "Egress", "Ingress"]},
     [('spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two '
       'policyTypes')]),
])
def test_network_policy_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in networkpolicies.validate_network_policy(policy(spec))] == expected


def test_network_policy_update_keeps_stored_cidrs_and_warns() -> None:
    old = policy({"ingress": [{"from": [{"ipBlock": {"cidr": "010.0.0.0/8"}}]}]})
    assert networkpolicies.validate_network_policy_update(copy.deepcopy(old), old) == []
    assert networkpolicies.network_policy_warnings(old) == [
        ('spec.ingress[0].from[0].ipBlock.cidr: non-standard CIDR value "010.0.0.0/8" will be considered invalid in a '
        'future Kubernetes release: use "10.0.0.0/8"')]


def test_network_policy_printer() -> None:
    spec = networkpolicies.NETWORKPOLICIES
    assert spec.printer.row(policy({"podSelector": {"matchLabels": {"role": "db"}}}))[:2] == ["p", "role=db"]
    assert spec.printer.row(policy({"podSelector": {}}))[1] == "<none>"
    assert spec.short_names == ("netpol",)


@pytest.mark.parametrize("name,spec,expected", [
    ("10.0.0.1", {"parentRef": {"resource": "services", "name": "s", "namespace": "default"}}, []),
    ("2001:db8::0001", {"parentRef": {"resource": "services", "name": "s"}},
     ['metadata.name: Invalid value: "2001:db8::0001": must be in canonical form ("2001:db8::1")']),
    ("10.0.0.1", {}, ["spec.parentRef: Required value"]),
    ("10.0.0.1", {"parentRef": {"group": "Bad", "resource": "", "name": "a/b"}},
     [('spec.parentRef.group: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case '
      "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
      "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
      "spec.parentRef.resource: Required value", "spec.parentRef.name: Invalid value: \"a/b\": may not contain '/'"]),
])
def test_ip_address_validation(name: str, spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in ipaddresses.validate_ip_address({"metadata": {"name": name}, "spec": spec})] == expected


def test_ip_address_parent_is_immutable_and_printed() -> None:
    old = {"metadata": {"name": "10.0.0.1", "resourceVersion": "1"}, "spec": {"parentRef": {"resource": "services", "name": "a",
                                                                   "namespace": "ns"}}}
    new = copy.deepcopy(old)
    new["spec"]["parentRef"]["name"] = "b"
    assert [str(e) for e in ipaddresses.validate_ip_address_update(new, old)] == [
        ('spec.parentRef: Invalid value: {"Group":"","Resource":"services","Namespace":"ns","Name":"b"}: '
         "field is immutable")]
    same = copy.deepcopy(old)
    same["spec"]["parentRef"]["group"] = ""
    assert ipaddresses.validate_ip_address_update(same, old) == []
    assert ipaddresses.IPADDRESSES.printer.row(old)[:2] == ["10.0.0.1", "services/ns/a"]
    gateway = {"metadata": {"name": "10.0.0.2"}, "spec": {"parentRef": {"group": "Gateway.networking.k8s.io",
                                                                       "resource": "Gateways", "name": "g"}}}
    assert ipaddresses.IPADDRESSES.printer.row(gateway)[1] == "gateways.gateway.networking.k8s.io/g"
    assert ipaddresses.IPADDRESSES.printer.row({"metadata": {"name": "x"}})[1] == "<none>"
    assert [c.name for c in ipaddresses.IPADDRESSES.printer.columns] == ["Name", "ParentRef"]
    assert len(ipaddresses.IPADDRESSES.printer.row(old)) == 3


def cidr(*cidrs: str) -> dict[str, Any]:
    return {"metadata": {"name": "c", "resourceVersion": "1"}, "spec": {"cidrs": list(cidrs)}}


@pytest.mark.parametrize("obj,expected", [
    (cidr("10.0.0.0/24", "fd00::/64"), []),
    (cidr(), ["spec.cidrs: Required value: at least one CIDR required"]),
    (cidr("10.0.0.0/24", "10.1.0.0/24"),
     [('spec.cidrs: Invalid value: ["10.0.0.0/24","10.1.0.0/24"]: may specify no more than one IP for each '
      'IP family, i.e 192.168.0.0/24 and 2001:db8::/64')]),
    (cidr("10.0.0.1/24"), ['spec.cidrs[0]: Invalid value: "10.0.0.1/24": must not have bits set beyond the prefix length']),
    (cidr("a", "b", "c"), ['spec.cidrs: Invalid value: {"CIDRs":["a","b","c"]}: may only hold up to 2 values']),
])
def test_service_cidr_validation(obj: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in servicecidrs.validate_service_cidr(obj)] == expected


def test_service_cidr_update_rules_and_status() -> None:
    old = cidr("10.0.0.0/24")
    assert servicecidrs.validate_service_cidr_update(cidr("10.0.0.0/24", "fd00::/64"), old) == []
    assert [str(e) for e in servicecidrs.validate_service_cidr_update(cidr("10.1.0.0/24"), old)] == [
        'spec.cidrs[0]: Invalid value: "10.1.0.0/24": field is immutable']
    assert [str(e) for e in servicecidrs.validate_service_cidr_update(cidr(), cidr("10.0.0.0/24", "fd00::/64"))] == [
        "spec.cidrs: Invalid value: []: field is immutable"]
    missing = {"metadata": {"name": "c", "resourceVersion": "1"}, "spec": {}}
    assert [str(e) for e in servicecidrs.validate_service_cidr_update(missing, old)] == [
        "spec.cidrs: Invalid value: null: field is immutable"]
    created = cidr("10.0.0.0/24")
    created["status"] = {"conditions": [{"type": "Ready"}]}
    servicecidrs.ServiceCIDRStrategy().prepare_for_create(CTX, created)
    assert created["status"] == {}
    assert servicecidrs.SERVICECIDRS.printer.row(cidr("10.0.0.0/24", "fd00::/64"))[1] == "10.0.0.0/24,fd00::/64"


def test_default_service_cidr_is_created_once_and_ready() -> None:
    import asyncio

    from kapiserver.registry.networking import defaultservicecidr
    from kapiserver.storage.logstructured import LogStructuredStore
    from kapiserver.storage.memory import MemoryLog

    async def scenario() -> tuple[Any, Any]:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            first = await defaultservicecidr.ensure_default_service_cidr(backend, ["10.96.0.0/12"])
            again = await defaultservicecidr.ensure_default_service_cidr(backend, ["10.96.0.0/12"])
            return first, again
        finally:
            await backend.close()

    first, again = asyncio.run(scenario())
    assert first["metadata"]["name"] == "kubernetes" and first["spec"] == {"cidrs": ["10.96.0.0/12"]}
    assert first["status"]["conditions"][0]["type"] == "Ready"
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
