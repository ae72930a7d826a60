"""Endpoints: validation, canonical repacking, printing, warnings (upstream ValidateEndpoints, RepackSubsets)."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apimachinery import field
from kapiserver.registry.core import endpoints
from kapiserver.registry.core.endpoints_repack import repack_subsets
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="ns", api_version="v1")


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def ep(subsets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": {"name": "web", "namespace": "ns"}, "subsets": subsets}


@pytest.mark.parametrize("subsets,expected", [
    ([{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80, "protocol": "TCP"}]}], []),
    ([{"ports": [{"port": 80, "protocol": "TCP"}]}],
     ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]),
    ([{"addresses": [{"ip": "10.0.0.1"}],
       "ports": [{"port": 80, "protocol": "TCP"}, {"port": 0, "protocol": "HTTP", "name": "b"}]}],
     ["subsets[0].ports[0].name: Required value",
      "subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      'subsets[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']),
    ([{"notReadyAddresses": [{"ip": "127.0.0.1", "hostname": "A", "nodeName": "n_1"}]}],
     [('subsets[0].notReadyAddresses[0].hostname: Invalid value: "A": a lowercase RFC 1123 label must consist of '
      "lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
      "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
      ('subsets[0].notReadyAddresses[0].nodeName: Invalid value: "n_1": a lowercase RFC 1123 subdomain must '
      "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
      "character (e.g. 'example.com', regex used for validation is "
      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
      ('subsets[0].notReadyAddresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range '
      "(127.0.0.0/8, ::1/128)")]),
    ([{"addresses": [{"ip": "foo"}, {"ip": "169.254.1.1"}, {"ip": "224.0.0.1"}]}],
     [('subsets[0].addresses[0].ip: Invalid value: "foo": must be a valid IP address, (e.g. 10.9.8.7 or '
      "2001:db8::ffff)"),
      'subsets[0].addresses[0].ip: Invalid value: "foo": must be a valid IP address',
      ('subsets[0].addresses[1].ip: Invalid value: "169.254.1.1": may not be in the link-local range '
      "(169.254.0.0/16, fe80::/10)"),
      ('subsets[0].addresses[2].ip: Invalid value: "224.0.0.1": may not be in the link-local multicast range '
      "(224.0.0.0/24, ff02::/10)")]),
])
def test_validation(subsets: list[dict[str, Any]], expected: list[str]) -> None:
    assert messages(endpoints.validate_endpoints(ep(subsets))) == expected


def test_defaults_port_protocol() -> None:
    obj = ep([{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}])
    endpoints.default_endpoints(obj)
    assert obj["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]


def test_repack_merges_and_sorts_addresses() -> None:
    port = {"name": "http", "port": 80, "protocol": "TCP"}
    subsets = [{"addresses": [{"ip": "10.0.0.2"}], "ports": [port]},
               {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "notReadyAddresses": [{"ip": "10.0.0.3"}],
                "ports": [dict(port)]}]
    assert repack_subsets(subsets) == [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
                                        "notReadyAddresses": [{"ip": "10.0.0.3"}], "ports": [port]}]


def test_repack_not_ready_wins_and_splits_subsets() -> None:
    a, b = {"name": "a", "port": 1, "protocol": "TCP"}, {"name": "b", "port": 2, "protocol": "TCP"}
    subsets = [{"addresses": [{"ip": "10.0.0.1"}], "ports": [a, b]},
               {"notReadyAddresses": [{"ip": "10.0.0.1"}], "ports": [dict(b)]}]
    result = repack_subsets(subsets)
    assert sorted(map(str, result)) == sorted(map(str, [
        {"addresses": [{"ip": "10.0.0.1"}], "ports": [a]},
        {"notReadyAddresses": [{"ip": "10.0.0.1"}], "ports": [b]}]))


def test_repack_keeps_portless_addresses_and_distinguishes_targets() -> None:
    subsets = [{"addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "uid": "b"}},
                              {"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "uid": "a"}},
                              {"ip": "10.0.0.1"}]}]
    assert repack_subsets(subsets) == [{"addresses": [
        {"ip": "10.0.0.1"}, {"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "uid": "a"}},
        {"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "uid": "b"}}]}]


def test_canonicalize_drops_empty_subsets() -> None:
    obj = ep([])
    endpoints.EndpointsStrategy().canonicalize(obj)
    assert "subsets" not in obj


@pytest.mark.parametrize("subsets,cell", [
    ([], "<none>"),
    ([{"notReadyAddresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}], ""),
    ([{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}], "10.0.0.1:80"),
    ([{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}], "[fd00::1]:80"),
    ([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]}], "10.0.0.1,10.0.0.2"),
    ([{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 4)], "ports": [{"port": 80}, {"port": 81}]}],
     "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more..."),
])
def test_printer_cell(subsets: list[dict[str, Any]], cell: str) -> None:
    assert endpoints.format_endpoints(ep(subsets)) == cell


def test_warnings_and_facts() -> None:
    obj = ep([{"addresses": [{"ip": "010.0.0.1"}]}])
    assert endpoints.EndpointsStrategy().warnings_on_create(CTX, obj) == [
        "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
        ('subsets[0].addresses[0].ip: non-standard IP address "010.0.0.1" will be considered invalid in a future '
        'Kubernetes release: use "10.0.0.1"')]
    spec = endpoints.ENDPOINTS
    assert spec.short_names == ("ep",) and spec.singular == "endpoints" and spec.strategy.allow_create_on_update
    assert spec.key_root == "/registry/services/endpoints"
