"""discovery.k8s.io/v1 EndpointSlices (upstream ValidateEndpointSlice*, strategy, printer)."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.registry.discovery import endpointslices as eps
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="discovery.k8s.io", api_version="v1")


def slice_(**body: Any) -> dict[str, Any]:
    return {"metadata": {"name": "s", "namespace": "default"}, "addressType": "IPv4", **body}


def test_defaults_port_name_protocol_and_conditions() -> None:
    obj = slice_(ports=[{"port": 80}], endpoints=[{"addresses": ["10.0.0.1"]}])
    eps.EndpointSliceStrategy().default(obj)
    assert obj["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]
    assert obj["endpoints"][0]["conditions"] == {}


@pytest.mark.parametrize("body,expected", [
    ({"endpoints": [{"addresses": ["10.0.0.1"]}]}, []),
    ({"addressType": ""}, ["addressType: Required value"]),
    ({"addressType": "IP"}, ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']),
    ({"endpoints": [{"addresses": []}]}, ["endpoints[0].addresses: Required value: must contain at least 1 address"]),
    ({"endpoints": [{"addresses": ["fd00::1"]}]},
     ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be an IPv4 address']),
    ({"endpoints": [{"addresses": ["127.0.0.1"]}]},
     [('endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range '
      '(127.0.0.0/8, ::1/128)')]),
    ({"addressType": "FQDN", "endpoints": [{"addresses": ["example.com"], "hostname": "Bad_Host"}]},
     [('endpoints[0].hostname: Invalid value: "Bad_Host": a lowercase RFC 1123 label must consist of lower case '
      "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
      "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]),
    ({"ports": [{"name": "http", "protocol": "TCP"}, {"name": "http", "protocol": "ICMP"}]},
     ['ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']),
    ({"ports": [{"name": ""}]}, ["ports[0].protocol: Required value"]),
    ({"endpoints": [{"addresses": ["10.0.0.1"], "hints": {"forZones": [{"name": "a"}, {"name": "a"}]}}]},
     ['endpoints[0].hints.forZones[1].name: Duplicate value: "a"']),
])
def test_validation(body: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in eps.validate_endpoint_slice(slice_(**body))] == expected


def test_address_type_is_immutable() -> None:
    old = slice_(endpoints=[{"addresses": ["10.0.0.1"]}])
    new = slice_(addressType="FQDN", endpoints=[{"addresses": ["example.com"]}])
    assert [str(e) for e in eps.validate_endpoint_slice_update(new, old)] == [
        'addressType: Invalid value: "FQDN": field is immutable']


def test_generation_moves_with_everything_but_metadata_and_labels_too() -> None:
    strategy = eps.EndpointSliceStrategy()
    old = slice_(endpoints=[{"addresses": ["10.0.0.1"]}])
    old["metadata"]["generation"] = 3
    same = slice_(endpoints=[{"addresses": ["10.0.0.1"]}])
    same["metadata"].update(generation=3, annotations={"a": "b"})
    strategy.prepare_for_update(CTX, same, old)
    assert same["metadata"]["generation"] == 3
    relabelled = slice_(endpoints=[{"addresses": ["10.0.0.1"]}])
    relabelled["metadata"].update(generation=3, labels={"a": "b"})
    strategy.prepare_for_update(CTX, relabelled, old)
    assert relabelled["metadata"]["generation"] == 4


def test_deprecated_topology_is_cleared_on_v1_writes() -> None:
    obj = slice_(endpoints=[{"addresses": ["10.0.0.1"], "deprecatedTopology": {"a": "b"}}])
    eps.EndpointSliceStrategy().prepare_for_create(CTX, obj)
    assert "deprecatedTopology" not in obj["endpoints"][0] and obj["metadata"]["generation"] == 1


def test_printer_cells() -> None:
    obj = slice_(ports=[{"port": 80}, {"name": "dns"}, {}, {"port": 9}],
                 endpoints=[{"addresses": ["10.0.0.1", "10.0.0.2"]}, {"addresses": ["10.0.0.3", "10.0.0.4"]}])
    row = eps.ENDPOINTSLICES.printer.row(obj)
    assert row[:4] == ["s", "IPv4", "80,dns,* + 1 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more..."]
    assert eps.ENDPOINTSLICES.printer.row(slice_())[2:4] == ["<unset>", "<unset>"]
    assert [c.name for c in eps.ENDPOINTSLICES.printer.columns] == ["Name", "AddressType", "Ports", "Endpoints", "Age"]
