"""The bootstrap controller: the kubernetes Service at the first IP, Endpoints from the apiserver leases,
the mirrored EndpointSlice, and a stopping server taking itself out."""

from __future__ import annotations

import asyncio
from typing import Any

from kapiserver.controlplane.kubernetes_service import (
    KubernetesServiceController,
    Leases,
    desired_endpoints,
    endpoint_slice_from_endpoints,
    kubernetes_service,
)
from kapiserver.controlplane.services import first_service_ip
from kapiserver.registry import loopback
from kapiserver.registry.core import services
from kapiserver.registry.core.endpoints import ENDPOINTS
from kapiserver.registry.discovery.endpointslices import ENDPOINTSLICES
from kapiserver.registry.store import Store
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog


def test_first_service_ip() -> None:
    assert first_service_ip("10.0.0.0/24") == "10.0.0.1"
    assert first_service_ip("10.96.0.0/12") == "10.96.0.1" and first_service_ip("fd00::/108") == "fd00::1"


def test_service_endpoints_and_slice_shapes() -> None:
    svc = kubernetes_service("10.0.0.1", 6443)
    assert svc["metadata"]["labels"] == {"provider": "kubernetes", "component": "apiserver"}
    assert svc["spec"]["ports"] == [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}]
    endpoints = desired_endpoints(None, ["192.0.2.9", "192.0.2.2"], 6443)
    assert endpoints["metadata"]["labels"] == {"endpointslice.kubernetes.io/skip-mirror": "true"}
    assert endpoints["subsets"] == [{"addresses": [{"ip": "192.0.2.2"}, {"ip": "192.0.2.9"}],
                                     "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]
    slice_ = endpoint_slice_from_endpoints(endpoints)
    assert slice_["metadata"]["labels"] == {"kubernetes.io/service-name": "kubernetes"}
    assert slice_["addressType"] == "IPv4" and slice_["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]
    assert slice_["endpoints"][0] == {"addresses": ["192.0.2.2"], "conditions": {"ready": True}}
    v6 = endpoint_slice_from_endpoints(desired_endpoints(None, ["fd00::2"], 443))
    assert v6["addressType"] == "IPv6"


def test_controller_reconciles_and_steps_aside() -> None:
    async def scenario() -> None:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            def client(spec: Any) -> loopback.Client:
                return loopback.Client(spec, Store(spec, backend))

            spec = services.services_spec()
            assert spec.rest_factory is not None
            svcs = loopback.Client(spec, spec.rest_factory(spec, backend))
            endpoints, slices = client(ENDPOINTS), client(ENDPOINTSLICES)
            leases = Leases(backend)
            first = KubernetesServiceController(svcs, endpoints, slices, leases, "10.0.0.1", "192.0.2.2",
                                                lambda: 6443, interval=3600)
            await first.start()
            svc = await svcs.get("kubernetes", "default")
            assert svc is not None and svc["spec"]["clusterIP"] == "10.0.0.1"
            other = KubernetesServiceController(svcs, endpoints, slices, leases, "10.0.0.1", "192.0.2.3",
                                                lambda: 6443, interval=3600)
            await other.update_kubernetes_service()
            found = await endpoints.get("kubernetes", "default")
            assert found is not None
            assert [a["ip"] for a in found["subsets"][0]["addresses"]] == ["192.0.2.2", "192.0.2.3"]
            slice_ = await slices.get("kubernetes", "default")
            assert slice_ is not None and [e["addresses"] for e in slice_["endpoints"]] == [["192.0.2.2"],
                                                                                            ["192.0.2.3"]]
            version = slice_["metadata"]["resourceVersion"]
            await other.update_kubernetes_service()  # nothing changed: nothing written
            again = await slices.get("kubernetes", "default")
            assert again is not None and again["metadata"]["resourceVersion"] == version
            await other.stop()
            await first.stop()
            left = await endpoints.get("kubernetes", "default")
            assert left is not None and [a["ip"] for a in left["subsets"][0]["addresses"]] == ["192.0.2.2"]
            assert await leases.list() == []
        finally:
            await backend.close()

    asyncio.run(scenario())
