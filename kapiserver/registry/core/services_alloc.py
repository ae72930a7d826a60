"""What a Service write reserves: its IP families, cluster IPs and node ports (upstream
service storage alloc.go, Allocators and its transactions).

The services REST calls `allocate_create` / `allocate_update` before the strategy runs
(upstream's BeginCreate / BeginUpdate) and gets a `Transaction` back: the reservations are
already made, `commit()` releases what the write gave up (an update's old node ports, the
IPs of a Service that became ExternalName or dropped its secondary family) once the object
is stored, and `revert()` gives back what this write took when it was not stored. A dry run
reserves nothing and answers the placeholders upstream answers.

`FamilyOnlyAllocator` settles the families and assigns no address: what a services spec
built without the cluster's allocators (unit tests) uses.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from kapiserver.apimachinery import errors, field
from kapiserver.apimachinery.types import Object

from .ipallocator import AllocationError, MetaAllocator
from .portallocator import PortAllocationOperation, PortAllocator
from .services_families import (
    CLUSTER_IP_NONE,
    SERVICE_KIND,
    family_of,
    init_ip_family_fields,
    is_matching_prefer_dual_stack,
    spec_of,
)
from .services_nodeports import (
    allocate_for_create,
    allocate_for_update,
    collect_node_ports,
    needs_health_check,
)
from .validation_common import int_value

log = logging.getLogger(__name__)

_CLUSTER_IPS = field.new_path("spec", "clusterIPs")
Step = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


class Transaction:
    """What one write reserved: commit once it is stored, revert if it is not."""

    def __init__(self, commit: Step = _nothing, revert: Step = _nothing):
        self._commit = commit
        self._revert = revert

    async def commit(self) -> None:
        await self._commit()

    async def revert(self) -> None:
        await self._revert()


class ServiceAllocator(Protocol):
    families: tuple[str, ...]

    async def allocate_create(self, svc: Object, dry_run: bool) -> Transaction:
        """Settle families and reserve addresses and ports of a new Service (may raise StatusError)."""

    async def allocate_update(self, svc: Object, old: Object, dry_run: bool) -> Transaction:
        """The same for an update; `old` is shared and must not be mutated."""

    async def release_allocated_resources(self, svc: Object) -> None:
        """A deleted Service gives back its cluster IPs and node ports."""


class FamilyOnlyAllocator:
    """initIPFamilyFields for a cluster serving the given families (first = primary), no addresses."""

    def __init__(self, families: tuple[str, ...] = ("IPv4",)):
        self.families = families

    async def allocate_create(self, svc: Object, dry_run: bool) -> Transaction:
        init_ip_family_fields(svc, None, self.families)
        return Transaction()

    async def allocate_update(self, svc: Object, old: Object, dry_run: bool) -> Transaction:
        init_ip_family_fields(svc, old, self.families)
        return Transaction()

    async def release_allocated_resources(self, svc: Object) -> None:
        return None


def _is_headless(spec: dict[str, object]) -> bool:
    ips = spec.get("clusterIPs") or []
    return bool(ips) and ips[0] == CLUSTER_IP_NONE  # type: ignore[index]


class Allocators:
    """The cluster's allocators: one MetaAllocator per served family, one node-port range."""

    def __init__(self, ip_allocators: dict[str, MetaAllocator], primary: str, ports: PortAllocator):
        self.ip_allocators = ip_allocators
        self.families = (primary,) + tuple(f for f in ip_allocators if f != primary)
        self.ports = ports

    # -- cluster IPs -------------------------------------------------------------------------

    async def _alloc_ips(self, svc: Object, wanted: dict[str, str], dry_run: bool) -> dict[str, str]:
        """Reserve each family's IP ("" = any); on failure give back what was taken."""
        allocated: dict[str, str] = {}
        spec = spec_of(svc)
        try:
            for family, ip in wanted.items():
                allocator = self.ip_allocators[family]
                if not ip:
                    try:
                        allocated[family] = await allocator.allocate_next_service(svc, dry_run)
                    except AllocationError as err:
                        raise errors.internal_error(f"failed to allocate a serviceIP: {err}") from None
                    continue
                try:
                    allocated[family] = await allocator.allocate_service(svc, ip, dry_run)
                except AllocationError as err:
                    name = str((svc.get("metadata") or {}).get("name") or "")
                    raise errors.invalid(SERVICE_KIND, name, [field.invalid(
                        _CLUSTER_IPS, list(spec.get("clusterIPs") or []),
                        f"failed to allocate IP {ip}: {err}")]) from None
        except BaseException:
            if not dry_run:
                await self.release_ips(allocated)
            raise
        return allocated

    async def _alloc_cluster_ips(self, svc: Object, dry_run: bool) -> dict[str, str]:
        spec = spec_of(svc)
        if spec.get("type") == "ExternalName" or _is_headless(spec):
            return {}
        families: list[str] = list(spec.get("ipFamilies") or [])
        ips: list[str] = list(spec.get("clusterIPs") or [])
        ips += [""] * (len(families) - len(ips))
        spec["clusterIPs"] = ips
        allocated = await self._alloc_ips(svc, {family: ips[i] for i, family in enumerate(families)}, dry_run)
        for i, family in enumerate(families):
            if family in allocated:
                ips[i] = allocated[family]
        if ips:
            spec["clusterIP"] = ips[0]
        return allocated

    async def release_ips(self, to_release: dict[str, str]) -> None:
        for family, ip in to_release.items():
            allocator = self.ip_allocators.get(family)
            if allocator is None:
                log.info("not releasing ClusterIP %s because family %s is not enabled", ip, family)
                continue
            await allocator.release(ip)

    async def _update_cluster_ips(self, svc: Object, old: Object,
                                  dry_run: bool) -> tuple[dict[str, str], dict[str, str]]:
        """(allocated, to release on commit): type changes and single/dual-stack changes."""
        spec, old_spec = spec_of(svc), old.get("spec") or {}
        if is_matching_prefer_dual_stack(spec, old_spec):
            return {}, {}
        if old_spec.get("type") == "ExternalName" and spec.get("type") != "ExternalName":
            return await self._alloc_cluster_ips(svc, dry_run), {}
        if _is_headless(old_spec):
            return {}, {}
        old_ips = list(old_spec.get("clusterIPs") or [])
        old_families = list(old_spec.get("ipFamilies") or [])
        if old_spec.get("type") != "ExternalName" and spec.get("type") == "ExternalName":
            return {}, {family: old_ips[i] for i, family in enumerate(old_families) if i < len(old_ips)}
        families = list(spec.get("ipFamilies") or [])
        if len(old_families) == 1 and len(families) == 2:
            ips = list(spec.get("clusterIPs") or [])
            if len(ips) < 2:
                ips.append("")
            spec["clusterIPs"] = ips
            allocated = await self._alloc_ips(svc, {families[1]: ips[1]}, dry_run)
            ips[1] = allocated[families[1]]
            return allocated, {}
        if len(old_families) == 2 and len(families) == 1 and len(old_ips) > 1:
            return {}, {old_families[1]: old_ips[1]}
        return {}, {}

    # -- transactions ------------------------------------------------------------------------

    def _transaction(self, op: PortAllocationOperation, allocated: dict[str, str], released: dict[str, str],
                     dry_run: bool) -> Transaction:
        async def commit() -> None:
            await op.commit()
            if not dry_run:
                await self.release_ips(released)

        async def revert() -> None:
            await op.finish()
            if not dry_run:
                await self.release_ips(allocated)

        return Transaction(commit, revert)

    async def allocate_create(self, svc: Object, dry_run: bool) -> Transaction:
        init_ip_family_fields(svc, None, self.families)
        allocated = await self._alloc_cluster_ips(svc, dry_run)
        op = PortAllocationOperation(self.ports, dry_run)
        txn = self._transaction(op, allocated, {}, dry_run)
        try:
            await allocate_for_create(svc, op)
        except BaseException:
            await txn.revert()
            raise
        return txn

    async def allocate_update(self, svc: Object, old: Object, dry_run: bool) -> Transaction:
        init_ip_family_fields(svc, old, self.families)
        allocated, released = await self._update_cluster_ips(svc, old, dry_run)
        op = PortAllocationOperation(self.ports, dry_run)
        txn = self._transaction(op, allocated, released, dry_run)
        try:
            await allocate_for_update(svc, old, op)
        except BaseException:
            await txn.revert()
            raise
        return txn

    # -- delete ------------------------------------------------------------------------------

    async def release_allocated_resources(self, svc: Object) -> None:
        spec = spec_of(svc)
        if spec.get("type") != "ExternalName" and not _is_headless(spec):
            await self.release_ips({family_of(ip): ip for ip in spec.get("clusterIPs") or [] if ip})
        for port in collect_node_ports(spec):
            await self.ports.release(port)
        if needs_health_check(spec) and int_value(spec.get("healthCheckNodePort")) > 0:
            await self.ports.release(int_value(spec["healthCheckNodePort"]))
