"""Cluster IPs as IPAddress objects (upstream pkg/registry/core/service/ipallocator: Allocator
and MetaAllocator, MultiCIDRServiceAllocator GA).

Every allocated cluster IP is a networking.k8s.io/v1 IPAddress named by the address, whose
parentRef names the Service. Creating that object is the reservation: storage refuses a
second object of the same name, so two writers (two requests, two replicas on one etcd)
can never hold one address, and the reservations outlive restarts. An IP is free when no
IPAddress carries its name; releasing deletes the object.

Addresses come from the ServiceCIDRs of the family: the configured
--service-cluster-ip-range and any ServiceCIDR object that is ready and not being deleted.
Dynamic allocation starts at a random address of the upper part of a range and scans
forward, falling back to the lower part, which KEP-3070 keeps for addresses users choose.
"""

from __future__ import annotations

import ipaddress
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object

from .validation_common import parse_ip_sloppy

log = logging.getLogger(__name__)

CONTROLLER_NAME = "ipallocator.k8s.io"
LABEL_IP_FAMILY = "ipaddress.kubernetes.io/ip-family"
LABEL_MANAGED_BY = "ipaddress.kubernetes.io/managed-by"

ERR_FULL = "range is full"
ERR_ALLOCATED = "provided IP is already allocated"
ERR_MISMATCHED_NETWORK = "the provided network does not match the current range"
ERR_NOT_READY = "allocator not ready"


class AllocationError(Exception):
    """An allocator refused; str() is upstream's error text."""


class IPAddressClient(Protocol):
    """The IPAddress objects, written through their registry (upstream's loopback client)."""

    async def list(self, namespace: str = "") -> list[Object]: ...

    async def create(self, obj: Object) -> Object:
        """Raises StatusError AlreadyExists when the name is taken."""

    async def delete(self, name: str, namespace: str = "", uid: str | None = None) -> None: ...


ServiceCIDRLister = Callable[[], Awaitable[list[Object]]]


def family_of_network(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    return "IPv6" if network.version == 6 else "IPv4"


def calculate_range_offset(prefix_length: int, bits: int) -> int:
    """KEP-3070: min(max(16, size/16), 256) addresses kept for static allocation; 0 for tiny ranges."""
    host_bits = bits - prefix_length
    size = (1 << host_bits) if host_bits < 63 else (1 << 63) - 1
    if size <= 16:
        return 0
    return max(16, min(size // 16, 256))


@dataclass(frozen=True, slots=True)
class IPRange:
    """One CIDR's allocatable addresses, as integers (the network address is never handed
    out, nor is the IPv4 broadcast address)."""

    cidr: str
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    first: int
    last: int
    range_offset: int

    @classmethod
    def parse(cls, cidr: str) -> IPRange:
        network = ipaddress.ip_network(cidr, strict=False)
        if network.version == 6 and network.prefixlen < 64:
            raise ValueError(f"shortest allowed prefix length for service CIDR is 64, got {network.prefixlen}")
        base = int(network.network_address)
        last = int(network.broadcast_address) - (1 if network.version == 4 else 0)
        offset = calculate_range_offset(network.prefixlen, network.max_prefixlen)
        return cls(str(network), network, base + 1, last, offset)

    @property
    def family(self) -> str:
        return family_of_network(self.network)

    @property
    def size(self) -> int:
        return max(0, self.last - self.first + 1)

    def contains(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return ip.version == self.network.version and ip in self.network

    def in_bounds(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return self.first <= int(ip) <= self.last

    def address(self, value: int) -> str:
        return str(ipaddress.IPv4Address(value) if self.network.version == 4 else ipaddress.IPv6Address(value))

    def candidates(self, rng: random.Random) -> Iterator[int]:
        """The dynamic scan: the upper part from a random start, wrapping, then the lower part."""
        upper_first = self.first + self.range_offset
        yield from _scan(upper_first, self.last, rng)
        if self.range_offset:
            yield from _scan(self.first, upper_first - 1, rng)


def _scan(first: int, last: int, rng: random.Random) -> Iterator[int]:
    count = last - first + 1
    if count <= 0:
        return
    start = rng.randrange(count)
    for i in range(count):
        yield first + (start + i) % count


def not_in_range(ip: str, cidr: str) -> str:
    return f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}"


def _ready(cidr_obj: Object) -> bool:
    """A ServiceCIDR without a Ready condition counts as ready (no controller has judged it yet)."""
    if (cidr_obj.get("metadata") or {}).get("deletionTimestamp"):
        return False
    for condition in (cidr_obj.get("status") or {}).get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return True


def service_ref(svc: Object) -> Object:
    metadata = svc.get("metadata") or {}
    return {"resource": "services", "namespace": metadata.get("namespace", ""), "name": metadata.get("name", "")}


class MetaAllocator:
    """The allocator of one IP family over every ServiceCIDR of that family."""

    def __init__(self, family: str, configured: list[str], ipaddresses: IPAddressClient,
                 service_cidrs: ServiceCIDRLister | None = None, rng: random.Random | None = None):
        self.family = family
        self.configured = [IPRange.parse(c) for c in configured if family_of_network(ipaddress.ip_network(
            c, strict=False)) == family]
        self._ipaddresses = ipaddresses
        self._service_cidrs = service_cidrs
        self._rng = rng or random.Random()

    async def ranges(self) -> list[IPRange]:
        """The configured range(s) first, then the other ready ServiceCIDRs of this family."""
        ranges = list(self.configured)
        seen = {r.cidr for r in ranges}
        if self._service_cidrs is None:
            return ranges
        for obj in sorted(await self._service_cidrs(), key=lambda o: (o.get("metadata") or {}).get("name", "")):
            if not _ready(obj):
                continue
            for cidr in (obj.get("spec") or {}).get("cidrs") or []:
                try:
                    candidate = IPRange.parse(cidr)
                except ValueError:
                    continue
                if candidate.family == self.family and candidate.cidr not in seen:
                    seen.add(candidate.cidr)
                    ranges.append(candidate)
        return ranges

    def ip_address(self, ip: str, svc: Object | None) -> Object:
        obj: dict[str, Any] = {"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress", "metadata": {
            "name": ip, "labels": {LABEL_IP_FAMILY: self.family, LABEL_MANAGED_BY: CONTROLLER_NAME}}, "spec": {}}
        if svc is not None:
            obj["spec"]["parentRef"] = service_ref(svc)
        return obj

    async def _create(self, ip: str, svc: Object | None) -> None:
        try:
            await self._ipaddresses.create(self.ip_address(ip, svc))
        except errors.StatusError as err:
            if err.reason == "AlreadyExists":
                raise AllocationError(ERR_ALLOCATED) from None
            raise

    async def allocate_service(self, svc: Object | None, ip: str, dry_run: bool = False) -> str:
        """Reserve `ip` (any spelling ParseIPSloppy accepts); returns its canonical form."""
        parsed = parse_ip_sloppy(ip)
        if parsed is None:
            raise errors.internal_error(f"failed to parse service IP {ip!r}")
        ranges = await self.ranges()
        if dry_run:
            # upstream's dry run asks one range and only checks bounds
            if ranges and not (ranges[0].contains(parsed) and ranges[0].in_bounds(parsed)):
                raise AllocationError(not_in_range(str(parsed), ranges[0].cidr))
            return str(parsed)
        owner = next((r for r in ranges if r.contains(parsed)), None)
        if owner is None:
            raise AllocationError(ERR_MISMATCHED_NETWORK)
        if not owner.in_bounds(parsed):
            raise AllocationError(not_in_range(str(parsed), owner.cidr))
        await self._create(str(parsed), svc)
        return str(parsed)

    async def allocate_next_service(self, svc: Object | None, dry_run: bool = False) -> str:
        ranges = await self.ranges()
        if dry_run:
            # upstream answers the network address of a range without looking further
            return str(ranges[0].network.network_address) if ranges else ""
        used = {str((obj.get("metadata") or {}).get("name") or "") for obj in await self._ipaddresses.list()}
        for ip_range in ranges:
            for value in ip_range.candidates(self._rng):
                ip = ip_range.address(value)
                if ip in used:
                    continue
                try:
                    await self._create(ip, svc)
                except AllocationError:
                    log.info("mid-air collision trying to allocate IP %s that already exists, retrying", ip)
                    used.add(ip)
                    continue
                return ip
        raise AllocationError(ERR_FULL)

    async def release(self, ip: str) -> None:
        """Delete the IPAddress; an address no range knows, or one already gone, is left alone."""
        parsed = parse_ip_sloppy(ip)
        if parsed is None:
            return
        ranges = await self.ranges()
        if not any(r.contains(parsed) for r in ranges):
            log.info("not releasing %s: %s", ip, ERR_MISMATCHED_NETWORK)
            return
        try:
            await self._ipaddresses.delete(str(parsed))
        except errors.StatusError as err:
            log.info("error releasing ip %s : %s", ip, err)
