"""Which node ports a Service write takes and gives back (upstream service storage alloc.go:
initNodePorts, updateNodePorts, allocHealthCheckNodePort, updateHealthCheckNodePort).

Ports with the same port number share one node port; a port the client names is reserved
as asked, a missing one is allocated. LoadBalancer Services allocate only when
allocateLoadBalancerNodePorts is true, but always honour ports the client names. A
LoadBalancer with externalTrafficPolicy Local also takes a healthCheckNodePort. Releases
happen through the operation's deferred list, i.e. only when the write commits.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field
from kapiserver.apimachinery.types import Object

from .ipallocator import AllocationError
from .portallocator import PortAllocationOperation
from .services_families import SERVICE_KIND, spec_of
from .validation_common import int_value

_PORTS = field.new_path("spec", "ports")


def needs_node_ports(spec: dict[str, Any]) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def needs_health_check(spec: dict[str, Any]) -> bool:
    """apiservice.NeedsHealthCheck."""
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def should_allocate_node_ports(spec: dict[str, Any]) -> bool:
    if spec.get("type") == "NodePort":
        return True
    return spec.get("type") == "LoadBalancer" and bool(spec.get("allocateLoadBalancerNodePorts"))


def _ports(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in spec.get("ports") or [] if isinstance(p, dict)]


def collect_node_ports(spec: dict[str, Any]) -> list[int]:
    return [n for n in (int_value(p.get("nodePort")) for p in _ports(spec)) if n]


def _invalid_node_port(svc: Object, index: int, port: int, err: Exception) -> errors.StatusError:
    name = str((svc.get("metadata") or {}).get("name") or "")
    return errors.invalid(SERVICE_KIND, name, [field.invalid(_PORTS.index(index).child("nodePort"), port, str(err))])


async def _allocate_next(op: PortAllocationOperation) -> int:
    try:
        return await op.allocate_next()
    except AllocationError as err:
        raise errors.internal_error(f"failed to allocate a nodePort: {err}") from None


async def init_node_ports(svc: Object, op: PortAllocationOperation) -> None:
    """A create (or a type change into NodePort/LoadBalancer from nothing)."""
    spec = spec_of(svc)
    ports = _ports(spec)
    by_port: dict[int, int] = {}
    for i, port in enumerate(ports):
        node_port = int_value(port.get("nodePort"))
        if not node_port and not should_allocate_node_ports(spec):
            continue
        number = int_value(port.get("port"))
        allocated = by_port.get(number, 0)
        if not allocated:
            requested = next((int_value(p.get("nodePort")) for p in ports
                              if int_value(p.get("port")) == number and int_value(p.get("nodePort"))), 0)
            if requested:
                try:
                    await op.allocate(requested)
                except AllocationError as err:
                    raise _invalid_node_port(svc, i, requested, err) from None
                port["nodePort"] = by_port[number] = requested
            else:
                port["nodePort"] = by_port[number] = await _allocate_next(op)
        elif node_port != allocated:
            if not node_port:
                port["nodePort"] = allocated
            else:
                try:
                    await op.allocate(node_port)
                except AllocationError as err:
                    raise _invalid_node_port(svc, i, node_port, err) from None


async def update_node_ports(svc: Object, old: Object, op: PortAllocationOperation) -> None:
    spec, old_spec = spec_of(svc), old.get("spec") or {}
    old_numbers = collect_node_ports(old_spec)
    seen: list[tuple[str, int]] = []
    taken: set[int] = set()
    for i, port in enumerate(_ports(spec)):
        node_port = int_value(port.get("nodePort"))
        if not node_port and not should_allocate_node_ports(spec):
            continue
        if node_port:
            if node_port not in old_numbers and node_port not in taken:
                try:
                    await op.allocate(node_port)
                except AllocationError as err:
                    raise _invalid_node_port(svc, i, node_port, err) from None
                taken.add(node_port)
        else:
            node_port = port["nodePort"] = await _allocate_next(op)
        key = (str(port.get("protocol") or ""), node_port)
        if key in seen:
            raise errors.internal_error(f"duplicate nodePort: {{{key[0]} {key[1]}}}")
        seen.append(key)
    new_numbers = collect_node_ports(spec)
    for number in old_numbers:
        if number not in new_numbers:
            op.defer_release(number)


async def alloc_health_check_node_port(svc: Object, op: PortAllocationOperation) -> None:
    spec = spec_of(svc)
    requested = int_value(spec.get("healthCheckNodePort"))
    if requested:
        try:
            await op.allocate(requested)
        except AllocationError as err:
            raise errors.internal_error(f"failed to allocate requested HealthCheck NodePort {requested}: {err}") \
                from None
        return
    try:
        spec["healthCheckNodePort"] = await op.allocate_next()
    except AllocationError as err:
        raise errors.internal_error(f"failed to allocate a HealthCheck NodePort 0: {err}") from None


async def allocate_for_create(svc: Object, op: PortAllocationOperation) -> None:
    """upstream txnAllocNodePorts."""
    spec = spec_of(svc)
    if needs_node_ports(spec):
        await init_node_ports(svc, op)
    if needs_health_check(spec):
        await alloc_health_check_node_port(svc, op)


async def allocate_for_update(svc: Object, old: Object, op: PortAllocationOperation) -> None:
    """upstream txnUpdateNodePorts."""
    spec, old_spec = spec_of(svc), old.get("spec") or {}
    if needs_node_ports(old_spec) and spec.get("type") in ("ExternalName", "ClusterIP"):
        for number in collect_node_ports(old_spec):
            op.defer_release(number)
    if needs_node_ports(spec):
        await update_node_ports(svc, old, op)
    needed, needs = needs_health_check(old_spec), needs_health_check(spec)
    if not needed and needs:
        await alloc_health_check_node_port(svc, op)
    elif needed and not needs:
        op.defer_release(int_value(old_spec.get("healthCheckNodePort")))
