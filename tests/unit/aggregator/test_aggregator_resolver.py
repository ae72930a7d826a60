"""Service resolution (upstream ResolveEndpoint / ResolveCluster) and the front-proxy headers."""

from __future__ import annotations

from typing import Any

import pytest
from multidict import CIMultiDict

from kapiserver.aggregator import transport
from kapiserver.aggregator.resolver import Location, ResolveError, ServiceResolver
from kapiserver.apimachinery.user import UserInfo


class Cache:
    """Stands in for an informer's lister (get / list over fixed objects)."""

    def __init__(self, *objects: dict[str, Any]):
        self._objects = list(objects)

    def get(self, name: str, namespace: str = "") -> dict[str, Any] | None:
        return next((o for o in self._objects if o["metadata"]["name"] == name
                     and o["metadata"].get("namespace", "") == namespace), None)

    def list(self) -> list[dict[str, Any]]:
        return list(self._objects)


def service(name: str = "api", **spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"ports": [{"name": "https", "port": 443, "targetPort": 8443}], "clusterIP": "10.0.0.9"}
    base.update(spec)
    return {"metadata": {"name": name, "namespace": "ns"}, "spec": base}


def endpoint_slice(address: str = "192.0.2.7", ready: bool | None = True, port_name: str | None = "https",
                   service_name: str = "api") -> dict[str, Any]:
    endpoint: dict[str, Any] = {"addresses": [address]}
    if ready is not None:
        endpoint["conditions"] = {"ready": ready}
    port: dict[str, Any] = {"port": 8443}
    if port_name is not None:
        port["name"] = port_name
    return {"metadata": {"name": f"{service_name}-x", "namespace": "ns",
                         "labels": {"kubernetes.io/service-name": service_name}},
            "addressType": "IPv4", "endpoints": [endpoint], "ports": [port]}


def resolver(services: Cache, slices: Cache, endpoints: Cache | None = None, routing: bool = False) -> ServiceResolver:
    return ServiceResolver(services, slices, endpoints, endpoint_routing=routing,  # type: ignore[arg-type]
                           loopback=lambda: Location("127.0.0.1", 6443))


def test_ready_endpoint_of_the_named_port() -> None:
    r = resolver(Cache(service()), Cache(endpoint_slice()))
    assert r.resolve("ns", "api", 443) == Location("192.0.2.7", 8443)
    assert Location("fd00::1", 443).host_port == "[fd00::1]:443"


@pytest.mark.parametrize(("svc", "slices", "message"), [
    (None, [], 'service "api" not found'),
    (service(), [], 'no endpoints available for service "api"'),
    (service(), [endpoint_slice(ready=False)], 'no endpoints available for service "api"'),
    (service(), [endpoint_slice(port_name=None)], 'no endpoints available for service "api"'),
    (service(ports=[{"name": "https", "port": 8080}]), [endpoint_slice()], 'no service port 443 found for service "api"'),
    (service(clusterIP="None"), [endpoint_slice()], 'cannot route to service with ClusterIP "None"'),
])
def test_failures_in_upstream_words(svc: Any, slices: list[Any], message: str) -> None:
    r = resolver(Cache(*([svc] if svc else [])), Cache(*slices))
    with pytest.raises(ResolveError) as failure:
        r.resolve("ns", "api", 443)
    assert str(failure.value) == message


def test_not_ready_unknown_counts_as_ready() -> None:
    r = resolver(Cache(service()), Cache(endpoint_slice(ready=None)))
    assert r.resolve("ns", "api", 443).host == "192.0.2.7"


def test_external_name_and_endpoint_routing() -> None:
    external = service(type="ExternalName", externalName="example.test")
    assert resolver(Cache(external), Cache()).resolve("ns", "api", 9443) == Location("example.test", 9443)
    with pytest.raises(ResolveError, match='unsupported service type "ExternalName"'):
        resolver(Cache(external), Cache(), routing=True).resolve("ns", "api", 9443)


def test_endpoints_when_no_slices_exist_and_loopback() -> None:
    endpoints = {"metadata": {"name": "api", "namespace": "ns"},
                 "subsets": [{"addresses": [{"ip": "192.0.2.8"}], "ports": [{"name": "https", "port": 9000}]}]}
    r = resolver(Cache(service()), Cache(), Cache(endpoints))
    assert r.resolve("ns", "api", 443) == Location("192.0.2.8", 9000)
    assert r.resolve("default", "kubernetes", 443) == Location("127.0.0.1", 6443)


def test_auth_proxy_headers_replace_what_the_client_sent() -> None:
    headers: CIMultiDict[str] = CIMultiDict({"x-remote-user": "mallory", "X-Remote-Extra-Foo": "x", "Accept": "a"})
    user = UserInfo("alice", "uid-1", ("devs", "system:authenticated"), {"scopes": ("a", "b"), "ex/ample": ("1",)})
    transport.set_auth_proxy_headers(headers, user)
    assert headers.getall("X-Remote-User") == ["alice"] and headers["X-Remote-Uid"] == "uid-1"
    assert headers.getall("X-Remote-Group") == ["devs", "system:authenticated"]
    assert headers.getall("X-Remote-Extra-scopes") == ["a", "b"] and headers["X-Remote-Extra-ex%2Fample"] == "1"
    assert "X-Remote-Extra-Foo" not in headers and headers["Accept"] == "a"
    assert transport.header_key_escape("a.b_c-d~e/f g") == "a.b_c-d~e%2Ff%20g"
