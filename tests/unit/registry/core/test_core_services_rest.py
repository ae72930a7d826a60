"""The services REST over a real (in-memory) storage: cluster IPs as IPAddress objects, node ports in the
RangeAllocation, releases on type change and delete, rollback of failed writes, dry runs, dual-stack,
restarts and the repair pass."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.apimachinery import errors
from kapiserver.registry import loopback
from kapiserver.registry.core import services
from kapiserver.registry.core.endpoints import ENDPOINTS
from kapiserver.registry.core.ipallocator import MetaAllocator
from kapiserver.registry.core.portallocator import RANGES_KEY, PortAllocator, PortRange, decode_bitmap
from kapiserver.registry.core.services_alloc import Allocators
from kapiserver.registry.core.services_repair import ServiceRepair
from kapiserver.registry.networking.ipaddresses import IPADDRESSES
from kapiserver.registry.networking.servicecidrs import SERVICECIDRS
from kapiserver.registry.rest import CreateOptions, DeleteOptions, RequestContext
from kapiserver.registry.store import Store
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog


class Cluster:
    """The services REST wired as the control plane wires it, over one in-memory backend."""

    def __init__(self, backend: LogStructuredStore, ranges: tuple[str, ...] = ("10.0.0.0/24",),
                 node_ports: str = "30000-32767"):
        self.backend = backend
        self.ipaddresses = loopback.Client(IPADDRESSES, Store(IPADDRESSES, backend))
        self.cidrs = loopback.Client(SERVICECIDRS, Store(SERVICECIDRS, backend))
        self.endpoints = loopback.Client(ENDPOINTS, Store(ENDPOINTS, backend))
        families = ["IPv6" if ":" in c else "IPv4" for c in ranges]
        self.ip_allocators = {f: MetaAllocator(f, list(ranges), self.ipaddresses, self.cidrs.list) for f in families}
        self.ports = PortAllocator(PortRange.parse(node_ports), backend)
        self.allocators = Allocators(self.ip_allocators, families[0], self.ports)
        spec = services.services_spec(self.allocators, self.endpoints)
        assert spec.rest_factory is not None
        self.rest = spec.rest_factory(spec, backend)
        self.services = loopback.Client(spec, self.rest)

    async def create(self, name: str, **spec: Any) -> dict[str, Any]:
        return await self.services.create({"metadata": {"name": name, "namespace": "ns"}, "spec": spec})

    async def update(self, obj: dict[str, Any], **spec: Any) -> dict[str, Any]:
        changed = {**obj, "spec": {**obj["spec"], **spec}}
        return await self.services.update(changed)

    async def ips(self) -> dict[str, Any]:
        return {o["metadata"]["name"]: o for o in await self.ipaddresses.list()}

    async def node_ports(self) -> set[int]:
        bitmap = decode_bitmap(await self.backend.get(RANGES_KEY, ignore_not_found=True))
        base = self.ports.port_range.base
        return {base + i for i in range(self.ports.port_range.size) if bitmap >> i & 1}


def in_cluster(scenario: Callable[[Cluster], Awaitable[None]], **kwargs: Any) -> None:
    async def main() -> None:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            await scenario(Cluster(backend, **kwargs))
        finally:
            await backend.close()

    asyncio.run(main())


async def refused(call: Awaitable[Any]) -> str:
    with pytest.raises(errors.StatusError) as caught:
        await call
    return str(caught.value.status["message"])


def test_cluster_ip_is_an_ipaddress_object() -> None:
    async def scenario(c: Cluster) -> None:
        web = await c.create("web", ports=[{"port": 80}])
        ip = web["spec"]["clusterIP"]
        assert web["spec"]["clusterIPs"] == [ip] and 17 <= int(ip.split(".")[-1]) <= 254
        assert web["spec"]["ipFamilies"] == ["IPv4"] and web["spec"]["ipFamilyPolicy"] == "SingleStack"
        reserved = (await c.ips())[ip]
        assert reserved["metadata"]["labels"] == {"ipaddress.kubernetes.io/ip-family": "IPv4",
                                                  "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io"}
        assert reserved["spec"]["parentRef"] == {"resource": "services", "namespace": "ns", "name": "web"}
        headless = await c.create("hl", clusterIP="None", ports=[{"port": 80}], selector={"a": "b"})
        assert headless["spec"]["clusterIPs"] == ["None"] and len(await c.ips()) == 1

    in_cluster(scenario)


def test_chosen_ips_are_reserved_once() -> None:
    async def scenario(c: Cluster) -> None:
        await c.create("a", clusterIP="10.0.0.5", ports=[{"port": 80}])
        assert await refused(c.create("b", clusterIP="10.0.0.5", ports=[{"port": 80}])) == (
            'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: '
            'provided IP is already allocated')
        assert await refused(c.create("c", clusterIP="192.168.0.1", ports=[{"port": 80}])) == (
            'Service "c" is invalid: spec.clusterIPs: Invalid value: ["192.168.0.1"]: failed to allocate IP '
            '192.168.0.1: the provided network does not match the current range')
        assert await refused(c.create("d", clusterIP="10.0.0.255", ports=[{"port": 80}])) == (
            'Service "d" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.255"]: failed to allocate IP '
            '10.0.0.255: the provided IP (10.0.0.255) is not in the valid range. The range of valid IPs is '
            '10.0.0.0/24')
        assert sorted(await c.ips()) == ["10.0.0.5"]

    in_cluster(scenario)


def test_node_ports_health_check_and_releases() -> None:
    async def scenario(c: Cluster) -> None:
        np = await c.create("np", type="NodePort", ports=[{"port": 80, "name": "a"}, {"port": 80, "name": "b",
                                                                                       "protocol": "UDP"}])
        first, second = (p["nodePort"] for p in np["spec"]["ports"])
        assert first == second and 30086 <= first <= 32767  # one node port per port number, upper band
        assert await refused(c.create("x", type="NodePort", ports=[{"port": 81, "nodePort": first}])) == (
            f'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: {first}: provided port is already '
            'allocated')
        lb = await c.create("lb", type="LoadBalancer", externalTrafficPolicy="Local", ports=[{"port": 443}])
        health = lb["spec"]["healthCheckNodePort"]
        assert await c.node_ports() == {first, lb["spec"]["ports"][0]["nodePort"], health}
        no_ports = await c.create("lb2", type="LoadBalancer", allocateLoadBalancerNodePorts=False,
                                  ports=[{"port": 443}])
        assert "nodePort" not in no_ports["spec"]["ports"][0]
        back = await c.update(np, type="ClusterIP")
        assert all("nodePort" not in p for p in back["spec"]["ports"]) and first not in await c.node_ports()
        gone = await c.update(back, type="ExternalName", externalName="db.example.com")
        assert "clusterIP" not in gone["spec"] and back["spec"]["clusterIP"] not in await c.ips()
        await c.services.delete("lb", "ns")
        assert await c.node_ports() == set()

    in_cluster(scenario)


def test_failed_writes_give_back_what_they_took() -> None:
    async def scenario(c: Cluster) -> None:
        message = await refused(c.create("bad", type="NodePort", ports=[{"port": 80, "name": "Not_A_Name"}]))
        assert message.startswith('Service "bad" is invalid: spec.ports[0].name')
        assert await c.ips() == {} and await c.node_ports() == set()
        await c.create("dup", ports=[{"port": 80}])
        assert "already exists" in await refused(c.create("dup", type="NodePort", ports=[{"port": 80}]))
        assert len(await c.ips()) == 1 and await c.node_ports() == set()

    in_cluster(scenario)


def test_dry_run_reserves_nothing() -> None:
    async def scenario(c: Cluster) -> None:
        ctx = RequestContext(namespace="ns")
        body = {"metadata": {"name": "dry", "namespace": "ns"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}}
        services.SERVICES.strategy.default(body)
        out = await c.rest.create(ctx, body, None, CreateOptions(dry_run=("All",)))
        assert out["spec"]["clusterIP"] == "10.0.0.0" and out["spec"]["ports"][0]["nodePort"] == 32769
        assert await c.ips() == {} and await c.node_ports() == set()

    in_cluster(scenario)


def test_delete_releases_and_removes_endpoints() -> None:
    async def scenario(c: Cluster) -> None:
        web = await c.create("web", type="NodePort", ports=[{"port": 80}])
        await c.endpoints.create({"metadata": {"name": "web", "namespace": "ns"},
                                  "subsets": [{"addresses": [{"ip": "10.1.0.1"}], "ports": [{"port": 80}]}]})
        ctx = RequestContext(namespace="ns")
        await c.rest.delete(ctx, "web", None, DeleteOptions(dry_run=("All",)))
        assert web["spec"]["clusterIP"] in await c.ips() and await c.endpoints.get("web", "ns") is not None
        await c.rest.delete(ctx, "web", None, DeleteOptions())
        assert await c.ips() == {} and await c.node_ports() == set() and await c.endpoints.get("web", "ns") is None

    in_cluster(scenario)


def test_dual_stack_upgrade_and_downgrade() -> None:
    async def scenario(c: Cluster) -> None:
        both = await c.create("both", ipFamilyPolicy="PreferDualStack", ports=[{"port": 80}])
        assert both["spec"]["ipFamilies"] == ["IPv4", "IPv6"] and len(both["spec"]["clusterIPs"]) == 2
        assert both["spec"]["clusterIPs"][1].startswith("fd00::")
        single = await c.create("one", ports=[{"port": 80}])
        up = await c.update(single, ipFamilyPolicy="RequireDualStack")
        secondary = up["spec"]["clusterIPs"][1]
        assert secondary in await c.ips()
        down = await c.update(up, ipFamilyPolicy="SingleStack")
        assert down["spec"]["clusterIPs"] == up["spec"]["clusterIPs"][:1] and secondary not in await c.ips()

    in_cluster(scenario, ranges=("10.0.0.0/24", "fd00::/112"))


def test_allocations_survive_a_restart() -> None:
    async def scenario(c: Cluster) -> None:
        await c.create("a", clusterIP="10.0.0.9", type="NodePort", ports=[{"port": 80, "nodePort": 30500}])
        again = Cluster(c.backend)
        assert "already allocated" in await refused(again.create("b", clusterIP="10.0.0.9", ports=[{"port": 80}]))
        assert "already allocated" in await refused(again.create("c", type="NodePort",
                                                                 ports=[{"port": 80, "nodePort": 30500}]))

    in_cluster(scenario)


def test_repair_mends_both_directions() -> None:
    async def scenario(c: Cluster) -> None:
        web = await c.create("web", type="NodePort", ports=[{"port": 80}])
        ip, port = web["spec"]["clusterIP"], web["spec"]["ports"][0]["nodePort"]
        await c.ipaddresses.delete(ip)
        orphan = c.ip_allocators["IPv4"].ip_address("10.0.0.77", {"metadata": {"namespace": "ns", "name": "gone"}})
        await c.ipaddresses.create(orphan)
        await c.ports.replace({30001})  # a leaked port, and the Service's port missing
        repair = ServiceRepair(c.services.list, c.ip_allocators, c.ipaddresses, c.ports, orphan_grace=0)
        await repair.run_once()
        assert sorted(await c.ips()) == [ip]
        assert await c.node_ports() == {30001, port}  # a leak is given back only after three passes
        await repair.run_once()
        await repair.run_once()
        assert await c.node_ports() == {port}

    in_cluster(scenario)
