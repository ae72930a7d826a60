"""Service networking of the control plane (upstream storage_core.go's allocators plus the
post-start hooks that bootstrap and repair them).

Builds, from --service-cluster-ip-range and --service-node-port-range, the allocators the
services REST reserves through (IPAddress objects per family, the node-port bitmap), and adds
the hooks, in the order they must run:
- start-kubernetes-service-cidr-controller: the `kubernetes` ServiceCIDR holding the ranges;
- start-service-ip-repair-controllers: allocations and Services brought into agreement;
- bootstrap-controller: the `kubernetes` Service, its Endpoints and EndpointSlice.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from kapiserver.registry import loopback
from kapiserver.registry.core import services
from kapiserver.registry.core.endpoints import ENDPOINTS
from kapiserver.registry.core.ipallocator import MetaAllocator
from kapiserver.registry.core.portallocator import PortAllocator, PortRange
from kapiserver.registry.core.services_alloc import Allocators
from kapiserver.registry.core.services_repair import ServiceRepair
from kapiserver.registry.discovery.endpointslices import ENDPOINTSLICES
from kapiserver.registry.networking.defaultservicecidr import ensure_default_service_cidr
from kapiserver.registry.networking.ipaddresses import IPADDRESSES
from kapiserver.registry.networking.servicecidrs import SERVICECIDRS
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.server.genericapiserver import GenericAPIServer
from kapiserver.storage.factory import StorageFactory

from .extra import Extra
from .kubernetes_service import KubernetesServiceController, Leases


def _family(cidr: str) -> str:
    return "IPv6" if ipaddress.ip_network(cidr, strict=False).version == 6 else "IPv4"


def first_service_ip(cidr: str) -> str:
    """The `kubernetes` Service's address: the first IP of the primary range."""
    return str(ipaddress.ip_network(cidr, strict=False).network_address + 1)


def _client(spec: ResourceSpec, storage: StorageFactory) -> loopback.Client:
    return loopback.Client(spec, Store(spec, storage.storage_for(spec.key_root)))


class ServiceNetworking:
    def __init__(self, storage: StorageFactory, extra: Extra):
        self.extra = extra
        self.storage = storage
        self.ipaddresses = _client(IPADDRESSES, storage)
        self.service_cidrs = _client(SERVICECIDRS, storage)
        self.endpoints = _client(ENDPOINTS, storage)
        ranges = list(extra.service_cluster_ip_ranges)
        families = [_family(c) for c in ranges]
        ip_allocators = {family: MetaAllocator(family, ranges, self.ipaddresses, self.service_cidrs.list)
                         for family in families}
        ports = PortAllocator(PortRange.parse(extra.service_node_port_range), storage.backend)
        self.allocators = Allocators(ip_allocators, families[0], ports)
        self.spec = services.services_spec(self.allocators, self.endpoints)
        service_store = self.spec.rest_factory(self.spec, storage.storage_for(self.spec.key_root))  # type: ignore[misc]
        self.services = loopback.Client(self.spec, service_store)
        self.repair = ServiceRepair(self.services.list, ip_allocators, self.ipaddresses, ports)

    def add_hooks(self, server: GenericAPIServer, port: Callable[[], int]) -> None:
        async def default_service_cidr() -> None:
            await ensure_default_service_cidr(self.storage.storage_for(SERVICECIDRS.key_root),
                                              list(self.extra.service_cluster_ip_ranges))

        async def repair() -> None:
            await self.repair.run_once()
            self.repair.start()

        controller = KubernetesServiceController(
            self.services, self.endpoints, _client(ENDPOINTSLICES, self.storage), Leases(self.storage.backend),
            first_service_ip(self.extra.service_cluster_ip_ranges[0]), self.extra.public_ip, port)
        server.add_post_start_hook("start-kubernetes-service-cidr-controller", default_service_cidr)
        server.add_post_start_hook("start-service-ip-repair-controllers", repair)
        server.add_pre_shutdown_hook("start-service-ip-repair-controllers", self.repair.stop)
        server.add_post_start_hook("bootstrap-controller", controller.start)
        server.add_pre_shutdown_hook("bootstrap-controller", controller.stop)
