"""Keeping allocations and Services in agreement (upstream ipallocator/controller/repairip.go and
portallocator/controller/repair.go, the `start-service-ip-repair-controllers` hook).

A reservation and the Service holding it are two writes; a process that dies between them
leaves a reservation nobody holds, and a Service written before allocations were recorded
(or restored from a backup) may hold one nobody reserved. The repair pass, run at start and
then periodically, mends both directions:

- every cluster IP a Service holds has an IPAddress (created when missing); an IPAddress the
  allocator made whose Service is gone, or no longer holds it, is deleted once older than a
  grace period (an allocation may be in flight between its two writes);
- the node-port bitmap holds every node port Services use; a port no Service uses is given
  back after it was seen leaked on several consecutive passes, as upstream does; a range that
  changed with the flags is rebuilt from the Services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from kapiserver.apimachinery import errors, tasks, timefmt
from kapiserver.apimachinery.types import Object

from .ipallocator import CONTROLLER_NAME, LABEL_MANAGED_BY, IPAddressClient, MetaAllocator
from .portallocator import PortAllocator
from .services_families import CLUSTER_IP_NONE, family_of
from .services_nodeports import collect_node_ports, needs_health_check
from .validation_common import int_value, parse_ip_sloppy

log = logging.getLogger(__name__)

ORPHAN_GRACE_SECONDS = 60.0
REPAIRS_BEFORE_LEAK_CLEANUP = 3
REPAIR_INTERVAL_SECONDS = 180.0
ServiceLister = Callable[[], Awaitable[list[Object]]]


def _key(svc: Object) -> tuple[str, str]:
    metadata = svc.get("metadata") or {}
    return str(metadata.get("namespace") or ""), str(metadata.get("name") or "")


def held_cluster_ips(svc: Object) -> list[str]:
    spec = svc.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return []
    out = []
    for ip in spec.get("clusterIPs") or []:
        parsed = parse_ip_sloppy(str(ip)) if ip and ip != CLUSTER_IP_NONE else None
        if parsed is not None:
            out.append(str(parsed))
    return out


def held_node_ports(svc: Object) -> list[int]:
    spec = svc.get("spec") or {}
    ports = collect_node_ports(spec)
    if needs_health_check(spec) and int_value(spec.get("healthCheckNodePort")):
        ports.append(int_value(spec["healthCheckNodePort"]))
    return ports


class ServiceRepair:
    def __init__(self, list_services: ServiceLister, ip_allocators: dict[str, MetaAllocator],
                 ipaddresses: IPAddressClient, ports: PortAllocator,
                 orphan_grace: float = ORPHAN_GRACE_SECONDS):
        self._list_services = list_services
        self._ip_allocators = ip_allocators
        self._ipaddresses = ipaddresses
        self._ports = ports
        self._orphan_grace = orphan_grace
        self._leaks: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> None:
        services = await self._list_services()
        await self.repair_ips(services)
        await self.repair_ports(services)

    # -- cluster IPs ---------------------------------------------------------------------

    async def repair_ips(self, services: list[Object]) -> None:
        existing = {str((o.get("metadata") or {}).get("name") or ""): o for o in await self._ipaddresses.list()}
        holders: dict[str, tuple[str, str]] = {}
        for svc in services:
            for ip in held_cluster_ips(svc):
                holders.setdefault(ip, _key(svc))
                found = existing.get(ip)
                if found is None:
                    await self._recreate(svc, ip)
                    continue
                ref = (found.get("spec") or {}).get("parentRef") or {}
                if (ref.get("namespace", ""), ref.get("name", "")) != _key(svc) and holders[ip] == _key(svc):
                    log.error("Cluster IP %s was assigned to multiple services; please recreate service", ip)
        now = timefmt.now()
        for name, obj in existing.items():
            metadata = obj.get("metadata") or {}
            if (metadata.get("labels") or {}).get(LABEL_MANAGED_BY) != CONTROLLER_NAME or name in holders:
                continue
            created = metadata.get("creationTimestamp")
            if created and (now - timefmt.parse_time(created)).total_seconds() < self._orphan_grace:
                continue
            log.warning("IPAddress %s appears to have leaked: cleaning up", name)
            with contextlib.suppress(errors.StatusError):
                await self._ipaddresses.delete(name)

    async def _recreate(self, svc: Object, ip: str) -> None:
        allocator = self._ip_allocators.get(family_of(ip))
        if allocator is None:
            return
        log.warning("Cluster IP %s is not allocated; repairing", ip)
        try:
            await self._ipaddresses.create(allocator.ip_address(ip, svc))
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                log.error("unable to repair cluster IP %s: %s", ip, err)

    # -- node ports ----------------------------------------------------------------------

    async def repair_ports(self, services: list[Object]) -> None:
        port_range = self._ports.port_range
        used = {p for svc in services for p in held_node_ports(svc) if port_range.contains(p)}
        stored_range, bitmap = await self._ports.snapshot()
        if stored_range and stored_range != str(port_range):
            log.warning("the node port range changed from %s to %s: rebuilding the allocation", stored_range,
                        port_range)
            self._leaks.clear()
            await self._ports.replace(used)
            return
        stored = {port_range.base + i for i in range(port_range.size) if bitmap >> i & 1}
        for port in sorted(used - stored):
            log.warning("the node port %d is in use but was not allocated; repairing", port)
        release = set()
        for port in stored - used:
            seen = self._leaks.get(port, 0) + 1
            if seen >= REPAIRS_BEFORE_LEAK_CLEANUP:
                release.add(port)
                self._leaks.pop(port, None)
            else:
                self._leaks[port] = seen
        for port in list(self._leaks):
            if port not in stored or port in used:
                self._leaks.pop(port, None)
        if used - stored or release:
            await self._merge(used, release)

    async def _merge(self, used: set[int], release: set[int]) -> None:
        base = self._ports.port_range.base
        add = sum(1 << (p - base) for p in used)
        drop = sum(1 << (p - base) for p in release - used)
        await self._ports.modify(lambda bitmap: (bitmap | add) & ~drop)

    # -- loop ----------------------------------------------------------------------------

    def start(self, interval: float = REPAIR_INTERVAL_SECONDS) -> None:
        self._task = asyncio.create_task(self._loop(interval), name="service-repair")

    async def _loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("service allocation repair failed")

    async def stop(self) -> None:
        await tasks.cancel([self._task])
        self._task = None

